/* fuzz_rtltcp.c - the bytes an rtl_tcp server sends, as the client takes
 * them (capture/rtltcp_proto.h).
 *
 * Input: the first 12 bytes (or fewer) are the server header, checked by
 * rtltcp_parse_header(): it accepts exactly the headers starting "RTL0"
 * with at most RTLTCP_MAX_GAINS gain steps, and otherwise gives a reason.
 * Byte 12 picks the staging buffer size (2 .. 512 bytes, even, as
 * block_samples * 2 is) and the seed of the sizes recv() returns (1 byte up
 * to what fits); the bytes after it are the sample stream, cut into those
 * pieces, staged, handed over in whole samples (the half sample at the end
 * of a piece carried to the next), then converted from cu8. Every whole
 * sample of the stream must come out once, in order, I and Q in place, and
 * a half sample at the very end be dropped.
 */
#include <complex.h>
#include <math.h>

#include "fuzz.h"
#include "rtltcp_proto.h"
#include "simsweep/convert.h"
#include "simsweep/error.h"

/* Converted samples handed over so far, checked against the stream. */
struct sink {
	const uint8_t *stream;
	size_t stream_len;
	size_t out; /* samples handed over */
	float complex iq[256];
};

static void hand_over(struct sink *k, const uint8_t *bytes, size_t whole)
{
	FUZZ_CHECK(whole % 2 == 0);
	size_t n = whole / 2;
	FUZZ_CHECK(n <= sizeof k->iq / sizeof k->iq[0]);
	convert_to_cf(SAMPLE_FORMAT_CU8, bytes, k->iq, n);
	for (size_t i = 0; i < n; i++) {
		size_t at = 2 * (k->out + i);
		FUZZ_CHECK(at + 1 < k->stream_len);
		float want_i = ((float)k->stream[at] - 127.5f) / 127.5f;
		float want_q = ((float)k->stream[at + 1] - 127.5f) / 127.5f;
		FUZZ_CHECK(fabsf(crealf(k->iq[i]) - want_i) < 1e-6f);
		FUZZ_CHECK(fabsf(cimagf(k->iq[i]) - want_q) < 1e-6f);
		FUZZ_CHECK(fabsf(crealf(k->iq[i])) <= 1.0f && fabsf(cimagf(k->iq[i])) <= 1.0f);
	}
	k->out += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t hn = size < RTLTCP_HEADER_LEN ? size : RTLTCP_HEADER_LEN;
	uint32_t tuner = 0xdeadbeef, gains = 0xdeadbeef;
	char err[160];
	memset(err, 'x', sizeof err);
	int rc = rtltcp_parse_header(data, hn, &tuner, &gains, err, sizeof err);
	int want_ok = hn == RTLTCP_HEADER_LEN && memcmp(data, "RTL0", 4) == 0 &&
	              ((uint32_t)data[8] << 24 | (uint32_t)data[9] << 16 | (uint32_t)data[10] << 8 |
	               data[11]) <= RTLTCP_MAX_GAINS;
	if (rc == SIMSWEEP_OK) {
		FUZZ_CHECK(want_ok);
		FUZZ_CHECK(gains <= RTLTCP_MAX_GAINS);
		FUZZ_CHECK(tuner == ((uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 |
		                     (uint32_t)data[6] << 8 | data[7]));
		const char *name = rtltcp_tuner_name(tuner);
		FUZZ_CHECK(name != NULL && name[0] != '\0');
	} else {
		FUZZ_CHECK(rc == SIMSWEEP_EFORMAT);
		FUZZ_CHECK(!want_ok);
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
	}
	/* A tiny error buffer is truncated, never overrun. */
	char tiny[3] = {'x', 'x', 'x'};
	rtltcp_parse_header(data, hn, NULL, NULL, tiny, 2);
	FUZZ_CHECK(tiny[2] == 'x');

	if (size <= RTLTCP_HEADER_LEN)
		return 0;
	uint8_t knob = data[RTLTCP_HEADER_LEN];
	const uint8_t *stream = data + RTLTCP_HEADER_LEN + 1;
	size_t stream_len = size - RTLTCP_HEADER_LEN - 1;
	size_t stage_len = 2 * (1 + (size_t)(knob & 0xff));
	if (stage_len > 512)
		stage_len = 512;
	uint8_t stage[512];
	struct sink k = {.stream = stream, .stream_len = stream_len};
	uint32_t rng = 0x9e3779b9u ^ knob;
	size_t fill = 0, pos = 0;
	while (pos < stream_len) {
		/* recv(): 1 byte up to the room left, as the network cuts it. */
		rng = rng * 1664525u + 1013904223u;
		size_t room = stage_len - fill;
		size_t got = 1 + (size_t)(rng >> 8) % room;
		if (got > stream_len - pos)
			got = stream_len - pos;
		memcpy(stage + fill, stream + pos, got);
		pos += got;
		fill += got;
		/* Handed over when full, or (the 0.1 s timer) every so often. */
		if (fill == stage_len || (rng & 0x30) == 0) {
			size_t whole = rtltcp_stage_whole(fill);
			if (whole)
				hand_over(&k, stage, whole);
			fill = rtltcp_stage_carry(stage, fill, true);
			FUZZ_CHECK(fill <= 1);
		}
	}
	/* The connection ends: the whole samples go, a half sample is lost. */
	size_t whole = rtltcp_stage_whole(fill);
	if (whole)
		hand_over(&k, stage, whole);
	FUZZ_CHECK(rtltcp_stage_carry(stage, fill, false) == 0);
	FUZZ_CHECK(k.out == stream_len / 2);
	return 0;
}
