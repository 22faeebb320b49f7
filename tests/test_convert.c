/* test_convert.c - raw I/Q to complex float: scaling of every format, clip
 * counting, odd lengths and unaligned input, and that nothing past n is
 * written. */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "simsweep/convert.h"

#define MAX_SAMPLES 5000
#define SENTINEL    12345.0f

/* A complex float from its parts (CMPLXF is missing with some compilers). */
static float complex cf(float re, float im)
{
	float complex z;
	float *parts = (float *)&z;
	parts[0] = re;
	parts[1] = im;
	return z;
}

/* Deterministic bytes (LCG, fixed seed). */
static uint32_t lcg_state;

static uint8_t lcg_byte(void)
{
	lcg_state = lcg_state * 1664525u + 1013904223u;
	return (uint8_t)(lcg_state >> 24);
}

/* Reference conversion of one rail, straight from convert.h's formulas. */
static float ref_rail(enum sample_format f, const uint8_t *p, int *at_rail)
{
	switch (f) {
	case SAMPLE_FORMAT_CU8:
		*at_rail = p[0] == 0 || p[0] == 255;
		return (float)((p[0] - 127.5) / 127.5);
	case SAMPLE_FORMAT_CS8: {
		int v = (int8_t)p[0];
		*at_rail = v == -128 || v == 127;
		return (float)(v / 128.0);
	}
	case SAMPLE_FORMAT_CS16: {
		int v = (int16_t)(uint16_t)(p[0] | p[1] << 8);
		*at_rail = v == -32768 || v == 32767;
		return (float)(v / 32768.0);
	}
	case SAMPLE_FORMAT_CF32: {
		uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		             (uint32_t)p[3] << 24;
		float v;
		memcpy(&v, &u, sizeof v);
		*at_rail = 0;
		return v;
	}
	default: break;
	}
	*at_rail = 0;
	return NAN;
}

/* Random input of n samples in format f, read from an odd (unaligned)
 * address; compares every value and the clip count with the reference. */
static void check_format_len(enum sample_format f, size_t n)
{
	size_t size = sample_format_size(f);
	uint8_t *raw = malloc(n * size + 1);
	float complex *out = malloc((n + 4) * sizeof *out);
	CHECK(raw && out);
	if (!raw || !out)
		goto done;
	uint8_t *in = raw + 1;
	lcg_state = 42u + (uint32_t)n;
	for (size_t k = 0; k < n * size; k++)
		in[k] = lcg_byte();
	if (f == SAMPLE_FORMAT_CF32) /* keep the floats finite and small */
		for (size_t k = 0; k < 2 * n; k++) {
			float v = ((float)(k % 2001) - 1000.0f) / 1000.0f;
			uint32_t u;
			memcpy(&u, &v, sizeof u);
			for (int b = 0; b < 4; b++)
				in[4 * k + (size_t)b] = (uint8_t)(u >> (8 * b));
		}
	/* Force rails into a few samples, on either or both rails. */
	if (n >= 3 && f != SAMPLE_FORMAT_CF32) {
		const uint8_t lo8 = f == SAMPLE_FORMAT_CU8 ? 0 : 0x80;
		const uint8_t hi8 = f == SAMPLE_FORMAT_CU8 ? 255 : 0x7f;
		if (f == SAMPLE_FORMAT_CS16) {
			in[0] = 0x00, in[1] = 0x80; /* I = -32768 */
			in[2] = 0xff, in[3] = 0x7f; /* Q = 32767: same sample, counts once */
			in[4 * (n - 1) + 2] = 0xff, in[4 * (n - 1) + 3] = 0x7f;
		} else {
			in[0] = lo8, in[1] = hi8;
			in[2 * (n - 1) + 1] = lo8;
		}
	}
	for (size_t k = 0; k < n + 4; k++)
		out[k] = cf(SENTINEL, SENTINEL);

	uint64_t clipped = convert_to_cf(f, in, out, n);

	uint64_t want_clipped = 0;
	size_t bad = 0;
	for (size_t k = 0; k < n; k++) {
		int ri, rq;
		float i = ref_rail(f, in + k * size, &ri);
		float q = ref_rail(f, in + k * size + size / 2, &rq);
		want_clipped += ri || rq;
		if (crealf(out[k]) != i || cimagf(out[k]) != q)
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(clipped, want_clipped);
	if (n >= 3 && f != SAMPLE_FORMAT_CF32)
		CHECK(clipped >= 2);
	for (size_t k = n; k < n + 4; k++)
		CHECK(crealf(out[k]) == SENTINEL && cimagf(out[k]) == SENTINEL);
done:
	free(raw);
	free(out);
}

static void test_names(void)
{
	CHECK_EQ_INT(sample_format_size(SAMPLE_FORMAT_CU8), 2);
	CHECK_EQ_INT(sample_format_size(SAMPLE_FORMAT_CS8), 2);
	CHECK_EQ_INT(sample_format_size(SAMPLE_FORMAT_CS16), 4);
	CHECK_EQ_INT(sample_format_size(SAMPLE_FORMAT_CF32), 8);
	CHECK_EQ_INT(sample_format_size(SAMPLE_FORMAT_UNKNOWN), 0);
	CHECK_EQ_INT(sample_format_size((enum sample_format)99), 0);

	CHECK(strcmp(sample_format_name(SAMPLE_FORMAT_CU8), "cu8") == 0);
	CHECK(strcmp(sample_format_name(SAMPLE_FORMAT_CS8), "cs8") == 0);
	CHECK(strcmp(sample_format_name(SAMPLE_FORMAT_CS16), "cs16") == 0);
	CHECK(strcmp(sample_format_name(SAMPLE_FORMAT_CF32), "cf32") == 0);
	CHECK(strcmp(sample_format_name(SAMPLE_FORMAT_UNKNOWN), "unknown") == 0);
	CHECK(strcmp(sample_format_name((enum sample_format)99), "unknown") == 0);

	static const struct {
		const char *name;
		enum sample_format f;
	} cases[] = {
	    {"cu8", SAMPLE_FORMAT_CU8},         {"CU8", SAMPLE_FORMAT_CU8},
	    {"u8", SAMPLE_FORMAT_CU8},          {"cu8_le", SAMPLE_FORMAT_CU8},
	    {"cs8", SAMPLE_FORMAT_CS8},         {"ci8", SAMPLE_FORMAT_CS8},
	    {"SC8", SAMPLE_FORMAT_CS8},         {"cs16", SAMPLE_FORMAT_CS16},
	    {"ci16_le", SAMPLE_FORMAT_CS16},    {"sc16", SAMPLE_FORMAT_CS16},
	    {"cs16_LE", SAMPLE_FORMAT_CS16},    {"cf32", SAMPLE_FORMAT_CF32},
	    {"cfile", SAMPLE_FORMAT_CF32},      {"fc32", SAMPLE_FORMAT_CF32},
	    {"cf32_le", SAMPLE_FORMAT_CF32},    {"", SAMPLE_FORMAT_UNKNOWN},
	    {"cf64", SAMPLE_FORMAT_UNKNOWN},    {"cu8 ", SAMPLE_FORMAT_UNKNOWN},
	    {"ci16_be", SAMPLE_FORMAT_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_EQ_INT(sample_format_parse(cases[i].name), cases[i].f);
	CHECK_EQ_INT(sample_format_parse(NULL), SAMPLE_FORMAT_UNKNOWN);
}

/* Full scale of every format is magnitude 1.0 on each rail. */
static void test_scaling(void)
{
	float complex out[4];

	const uint8_t cu8[] = {0, 255, 127, 128, 255, 255, 1, 254};
	CHECK_EQ_INT(convert_to_cf(SAMPLE_FORMAT_CU8, cu8, out, 4), 2);
	CHECK(crealf(out[0]) == -1.0f && cimagf(out[0]) == 1.0f);
	CHECK_NEAR(crealf(out[1]), -0.5 / 127.5, 1e-7);
	CHECK_NEAR(cimagf(out[1]), 0.5 / 127.5, 1e-7);
	CHECK(crealf(out[1]) == -cimagf(out[1])); /* no DC: symmetric around 127.5 */
	CHECK(crealf(out[3]) == -cimagf(out[3]));

	const uint8_t cs8[] = {0x80, 0x7f, 0, 1, 0xff, 0x40, 0x81, 0x7e};
	CHECK_EQ_INT(convert_to_cf(SAMPLE_FORMAT_CS8, cs8, out, 4), 1);
	CHECK(crealf(out[0]) == -1.0f && cimagf(out[0]) == 127.0f / 128.0f);
	CHECK(crealf(out[1]) == 0.0f && cimagf(out[1]) == 1.0f / 128.0f);
	CHECK(crealf(out[2]) == -1.0f / 128.0f && cimagf(out[2]) == 0.5f);
	CHECK(crealf(out[3]) == -127.0f / 128.0f);

	/* Little-endian on disk, whatever the host. */
	const uint8_t cs16[] = {0x00, 0x80, 0xff, 0x7f, 0x00, 0x40, 0x01, 0x00,
	                        0xff, 0xff, 0x00, 0xc0, 0x01, 0x80, 0xfe, 0x7f};
	CHECK_EQ_INT(convert_to_cf(SAMPLE_FORMAT_CS16, cs16, out, 4), 1);
	CHECK(crealf(out[0]) == -1.0f && cimagf(out[0]) == 32767.0f / 32768.0f);
	CHECK(crealf(out[1]) == 0.5f && cimagf(out[1]) == 1.0f / 32768.0f);
	CHECK(crealf(out[2]) == -1.0f / 32768.0f && cimagf(out[2]) == -0.5f);
	CHECK(crealf(out[3]) == -32767.0f / 32768.0f && cimagf(out[3]) == 32766.0f / 32768.0f);

	/* 1.0f = 0x3f800000, -0.25f = 0xbe800000, little-endian; full scale
	 * and beyond is not "clipped" for float input. */
	const uint8_t cf32[] = {0, 0, 0x80, 0x3f, 0, 0, 0x80, 0xbe, 0, 0, 0x00, 0x40, 0, 0, 0, 0};
	CHECK_EQ_INT(convert_to_cf(SAMPLE_FORMAT_CF32, cf32, out, 2), 0);
	CHECK(crealf(out[0]) == 1.0f && cimagf(out[0]) == -0.25f);
	CHECK(crealf(out[1]) == 2.0f && cimagf(out[1]) == 0.0f);

	/* cu8 table: monotonic and odd-symmetric around 127.5. */
	uint8_t all[512];
	float complex tab[256];
	for (int v = 0; v < 256; v++)
		all[2 * v] = all[2 * v + 1] = (uint8_t)v;
	CHECK_EQ_INT(convert_to_cf(SAMPLE_FORMAT_CU8, all, tab, 256), 2);
	int mono = 1, sym = 1;
	for (int v = 0; v < 256; v++) {
		if (v > 0 && !(crealf(tab[v]) > crealf(tab[v - 1])))
			mono = 0;
		if (crealf(tab[v]) != -crealf(tab[255 - v]))
			sym = 0;
	}
	CHECK(mono);
	CHECK(sym);

	/* n = 0 writes nothing and counts nothing. */
	out[0] = cf(SENTINEL, SENTINEL);
	for (int f = SAMPLE_FORMAT_CU8; f <= SAMPLE_FORMAT_CF32; f++) {
		CHECK_EQ_INT(convert_to_cf((enum sample_format)f, cu8, out, 0), 0);
		CHECK(crealf(out[0]) == SENTINEL);
	}
}

int main(void)
{
	test_names();
	test_scaling();
	static const size_t lengths[] = {1,  2,  7,    15,   16,   17,
	                                 31, 64, 4095, 4096, 4097, MAX_SAMPLES};
	for (int f = SAMPLE_FORMAT_CU8; f <= SAMPLE_FORMAT_CF32; f++)
		for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
			check_format_len((enum sample_format)f, lengths[i]);
	return check_done("convert");
}
