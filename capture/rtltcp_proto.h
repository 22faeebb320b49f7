/* rtltcp_proto.h - private to capture/: the parts of the rtl_tcp client
 * (rtltcp.c) that handle server bytes, callable on memory so that they can
 * be tested and fuzzed without a socket (tests/fuzz/fuzz_rtltcp.c).
 *
 *   header   "RTL0" | tuner type u32 BE | gain count u32 BE     12 bytes
 *   samples  I Q I Q ... cu8, cut by the network anywhere: a recv() may end
 *            between the I and the Q of a sample
 */
#ifndef SIMSWEEP_CAPTURE_RTLTCP_PROTO_H
#define SIMSWEEP_CAPTURE_RTLTCP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTLTCP_HEADER_LEN 12
/* More gain steps than any tuner has (the R820T has 29): not rtl_tcp. */
#define RTLTCP_MAX_GAINS 1000

/* Check the n bytes of a server header h (n < RTLTCP_HEADER_LEN is a
 * truncated header). On success (0) *tuner and *gains hold its fields; else
 * SIMSWEEP_EFORMAT with the reason in err (without the device name), e.g.
 * "not an rtl_tcp server (header starts with 'XXXX', expected 'RTL0')".
 * tuner, gains and err may be NULL. */
int rtltcp_parse_header(const uint8_t *h, size_t n, uint32_t *tuner, uint32_t *gains, char *err,
                        size_t err_len);

/* The name of an rtl_tcp tuner type ("R820T"); "unknown" for any other
 * number. */
const char *rtltcp_tuner_name(uint32_t tuner);

/* A staging buffer holds `fill` received bytes, whole I/Q pairs first. The
 * bytes of its whole samples, to hand over. */
static inline size_t rtltcp_stage_whole(size_t fill)
{
	return fill & ~(size_t)1;
}

/* After the whole samples were handed over: with keep_partial, a half
 * sample at the end (the I of a pair whose Q has not arrived) moves to the
 * front of stage, for the next bytes to complete; without, it is dropped.
 * Returns the new fill (0 or 1). */
size_t rtltcp_stage_carry(uint8_t *stage, size_t fill, bool keep_partial);

#endif
