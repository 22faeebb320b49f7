/* bench_cu8.h - what the two reference programs share: reading a cu8
 * recording in chunks and the 256-entry conversion table. Header-only
 * (static inline), so that each reference stays one self-contained program
 * that links nothing of simsweep.
 *
 * cu8: interleaved unsigned 8-bit I, Q (RTL-SDR); v -> (v - 127.5) / 127.5,
 * the same full scale as simsweep's converter (convert.h).
 */
#ifndef SIMSWEEP_BENCH_CU8_H
#define SIMSWEEP_BENCH_CU8_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Samples per read: 1 Mi complex samples (2 MiB of cu8). */
#define BENCH_CHUNK_SAMPLES ((size_t)1 << 20)

static inline void bench_cu8_table(float table[256])
{
	for (int v = 0; v < 256; v++)
		table[v] = ((float)v - 127.5f) / 127.5f;
}

/* Open path for reading; "-" is stdin. NULL (after a message) on failure. */
static inline FILE *bench_open(const char *prog, const char *path)
{
	if (strcmp(path, "-") == 0)
		return stdin;
	FILE *f = fopen(path, "rb");
	if (!f)
		fprintf(stderr, "%s: %s: cannot open\n", prog, path);
	return f;
}

/* Read up to max_samples whole cu8 samples into raw (2 bytes each).
 * Returns the number of samples read (0 at the end); a trailing odd byte
 * is ignored. */
static inline size_t bench_read_cu8(FILE *f, uint8_t *raw, size_t max_samples)
{
	size_t got = 0, want = 2 * max_samples;
	while (got < want) {
		size_t r = fread(raw + got, 1, want - got, f);
		if (r == 0)
			break;
		got += r;
	}
	return got / 2;
}

/* Table conversion of n samples. */
static inline void bench_cu8_convert(const float table[256], const uint8_t *raw, float complex *out,
                                     size_t n)
{
	float *o = (float *)out;
	for (size_t i = 0; i < 2 * n; i++)
		o[i] = table[raw[i]];
}

/* Arithmetic conversion (no table): one multiply-add per value, which
 * vectorises where the table's gathers do not. */
static inline void bench_cu8_convert_arith(const uint8_t *raw, float complex *out, size_t n)
{
	float *o = (float *)out;
	const float scale = 1.0f / 127.5f;
	for (size_t i = 0; i < 2 * n; i++)
		o[i] = (float)raw[i] * scale - 1.0f;
}

#endif
