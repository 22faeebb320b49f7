/* convert.c - raw interleaved I/Q to complex float (see convert.h).
 *
 * Each kernel is one plain loop over samples, writing I and Q into the float
 * pair that C11 guarantees a float complex to be (6.2.5p13), so the compiler
 * can vectorise it; the clip count is a sum of 0/1 flags for the same
 * reason. Multi-byte formats are assembled from bytes, which works on
 * unaligned input and on any host byte order.
 */
#include "simsweep/convert.h"
#include "simsweep/simd.h"

#include <string.h>
#include <strings.h>

/* cu8: (v - 127.5) / 127.5, so that 0 and 255 are exactly -1 and +1,
 * symmetric around the RTL-SDR's mid-scale 127.5. Computed, not looked up:
 * a table lookup is a gather the vectoriser will not make, and the division
 * gives every value exactly as a table built from it would. */
#define CU8_VALUE(v) (((float)(v)-127.5f) / 127.5f)

size_t sample_format_size(enum sample_format f)
{
	switch (f) {
	case SAMPLE_FORMAT_CU8: return 2;
	case SAMPLE_FORMAT_CS8: return 2;
	case SAMPLE_FORMAT_CS16: return 4;
	case SAMPLE_FORMAT_CF32: return 8;
	case SAMPLE_FORMAT_UNKNOWN: break;
	}
	return 0;
}

const char *sample_format_name(enum sample_format f)
{
	switch (f) {
	case SAMPLE_FORMAT_CU8: return "cu8";
	case SAMPLE_FORMAT_CS8: return "cs8";
	case SAMPLE_FORMAT_CS16: return "cs16";
	case SAMPLE_FORMAT_CF32: return "cf32";
	case SAMPLE_FORMAT_UNKNOWN: break;
	}
	return "unknown";
}

static const struct {
	const char *name;
	enum sample_format format;
} format_names[] = {
    {"cu8", SAMPLE_FORMAT_CU8},      {"u8", SAMPLE_FORMAT_CU8},       {"cu8_le", SAMPLE_FORMAT_CU8},
    {"cs8", SAMPLE_FORMAT_CS8},      {"ci8", SAMPLE_FORMAT_CS8},      {"sc8", SAMPLE_FORMAT_CS8},
    {"cs16", SAMPLE_FORMAT_CS16},    {"ci16_le", SAMPLE_FORMAT_CS16}, {"sc16", SAMPLE_FORMAT_CS16},
    {"cs16_le", SAMPLE_FORMAT_CS16}, {"cf32", SAMPLE_FORMAT_CF32},    {"cfile", SAMPLE_FORMAT_CF32},
    {"fc32", SAMPLE_FORMAT_CF32},    {"cf32_le", SAMPLE_FORMAT_CF32},
};

enum sample_format sample_format_parse(const char *name)
{
	if (!name)
		return SAMPLE_FORMAT_UNKNOWN;
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcasecmp(name, format_names[i].name) == 0)
			return format_names[i].format;
	return SAMPLE_FORMAT_UNKNOWN;
}

/* Each kernel is called twice: over a multiple of CONVERT_CHUNK samples,
 * then over the few left. GCC's -O2 cost model only vectorises a loop whose
 * count is a known multiple of the vector width, so the split is what makes
 * the first call vector code. */
#define CONVERT_CHUNK 16

/* The vectoriser must know that input and output do not overlap, or it
 * needs a runtime alias check that the -O2 cost model will not pay for; the
 * restrict of the convert_* parameters is lost when they are inlined into
 * convert_to_cf(), whose public parameters are not restrict. Where they
 * are built twice (simd.h), the loader's pick is never inlined either. */
#if defined(SIMSWEEP_HAVE_VECTOR_CLONES)
#define CONVERT_KERNEL SIMSWEEP_VECTOR_CLONES
#elif defined(__GNUC__)
#define CONVERT_KERNEL __attribute__((noinline))
#else
#define CONVERT_KERNEL
#endif

static inline uint64_t cu8_run(const uint8_t *restrict in, float *restrict out, size_t n)
{
	uint64_t clipped = 0;
	for (size_t k = 0; k < n; k++) {
		uint8_t i = in[2 * k], q = in[2 * k + 1];
		out[2 * k] = CU8_VALUE(i);
		out[2 * k + 1] = CU8_VALUE(q);
		clipped += (i == 0) | (i == 255) | (q == 0) | (q == 255);
	}
	return clipped;
}

static inline uint64_t cs8_run(const uint8_t *restrict in, float *restrict out, size_t n)
{
	uint64_t clipped = 0;
	for (size_t k = 0; k < n; k++) {
		int8_t i = (int8_t)in[2 * k], q = (int8_t)in[2 * k + 1];
		out[2 * k] = (float)i * (1.0f / 128.0f);
		out[2 * k + 1] = (float)q * (1.0f / 128.0f);
		clipped += (i == -128) | (i == 127) | (q == -128) | (q == 127);
	}
	return clipped;
}

static inline uint64_t cs16_run(const uint8_t *restrict in, float *restrict out, size_t n)
{
	uint64_t clipped = 0;
	for (size_t k = 0; k < n; k++) {
		const uint8_t *b = in + 4 * k;
		int16_t i = (int16_t)(uint16_t)(b[0] | (unsigned)b[1] << 8);
		int16_t q = (int16_t)(uint16_t)(b[2] | (unsigned)b[3] << 8);
		out[2 * k] = (float)i * (1.0f / 32768.0f);
		out[2 * k + 1] = (float)q * (1.0f / 32768.0f);
		clipped += (i == -32768) | (i == 32767) | (q == -32768) | (q == 32767);
	}
	return clipped;
}

CONVERT_KERNEL static uint64_t convert_cu8(const uint8_t *restrict in, float *restrict out,
                                             size_t n)
{
	size_t m = n & ~(size_t)(CONVERT_CHUNK - 1);
	return cu8_run(in, out, m) + cu8_run(in + 2 * m, out + 2 * m, n - m);
}

CONVERT_KERNEL static uint64_t convert_cs8(const uint8_t *restrict in, float *restrict out,
                                             size_t n)
{
	size_t m = n & ~(size_t)(CONVERT_CHUNK - 1);
	return cs8_run(in, out, m) + cs8_run(in + 2 * m, out + 2 * m, n - m);
}

CONVERT_KERNEL static uint64_t convert_cs16(const uint8_t *restrict in, float *restrict out,
                                              size_t n)
{
	size_t m = n & ~(size_t)(CONVERT_CHUNK - 1);
	return cs16_run(in, out, m) + cs16_run(in + 4 * m, out + 2 * m, n - m);
}

static void convert_cf32(const uint8_t *restrict in, float *restrict out, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n)
		memcpy(out, in, n * 2 * sizeof(float));
#else
	for (size_t k = 0; k < 2 * n; k++) {
		const uint8_t *b = in + 4 * k;
		uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		             (uint32_t)b[3] << 24;
		memcpy(&out[k], &u, sizeof u);
	}
#endif
}

uint64_t convert_to_cf(enum sample_format f, const void *raw, float complex *out, size_t n)
{
	const uint8_t *in = raw;
	float *o = (float *)out;
	switch (f) {
	case SAMPLE_FORMAT_CU8: return convert_cu8(in, o, n);
	case SAMPLE_FORMAT_CS8: return convert_cs8(in, o, n);
	case SAMPLE_FORMAT_CS16: return convert_cs16(in, o, n);
	case SAMPLE_FORMAT_CF32: convert_cf32(in, o, n); return 0;
	case SAMPLE_FORMAT_UNKNOWN: break;
	}
	return 0;
}
