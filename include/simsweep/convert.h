/* convert.h - raw interleaved I/Q sample formats to complex float.
 *
 * Full scale maps to magnitude 1.0 on each rail:
 *   cu8  (RTL-SDR)  : (v - 127.5) / 127.5, through a 256-entry lookup table
 *   cs8  (HackRF)   : v / 128
 *   cs16 (LE)       : v / 32768
 *   cf32 (LE)       : as is
 * The converters also count "clipped" samples (either rail at the ADC limit:
 * 0 or 255 for cu8, -128/127 for cs8, -32768/32767 for cs16), so that
 * overload can be reported. Kernels work on any length, including 0.
 */
#ifndef SIMSWEEP_CONVERT_H
#define SIMSWEEP_CONVERT_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

enum sample_format {
	SAMPLE_FORMAT_UNKNOWN = 0,
	SAMPLE_FORMAT_CU8,  /* unsigned 8-bit I, Q (RTL-SDR) */
	SAMPLE_FORMAT_CS8,  /* signed 8-bit I, Q (HackRF) */
	SAMPLE_FORMAT_CS16, /* signed 16-bit little-endian I, Q */
	SAMPLE_FORMAT_CF32, /* 32-bit float little-endian I, Q */
};

/* Bytes per complex sample (2, 2, 4, 8), 0 for UNKNOWN. */
size_t sample_format_size(enum sample_format f);

/* "cu8", "cs8", "cs16", "cf32"; "unknown" for anything else. */
const char *sample_format_name(enum sample_format f);

/* Parse a format name: cu8, cs8, cs16, cf32, and the aliases used by other
 * tools: "cfile"/"fc32"/"cf32_le" -> cf32, "ci16_le"/"sc16"/"cs16_le" -> cs16,
 * "ci8"/"sc8" -> cs8, "u8"/"cu8_le" -> cu8. Case-insensitive.
 * Returns SAMPLE_FORMAT_UNKNOWN when not recognised. */
enum sample_format sample_format_parse(const char *name);

/* Convert n complex samples from raw bytes (2*n values interleaved I, Q) in
 * format f into out. Returns the number of clipped samples (a sample counts
 * once when either rail is at a limit; always 0 for cf32). The raw buffer
 * need not be aligned; raw and out must not overlap. f must not be UNKNOWN
 * (nothing is written then, and 0 returned). */
uint64_t convert_to_cf(enum sample_format f, const void *raw, float complex *out, size_t n);

#endif
