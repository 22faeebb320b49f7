/* ref_liquid.c - the same spectrogram with liquid-dsp's spgramcf, the peer
 * that a C SDR program would otherwise use: Hann window, 1024 points, a
 * transform every 512 samples (50 % overlap), infinite accumulation.
 *
 *   ref_liquid [--fft N] [--overlap F] FILE.cu8 | -
 *
 * cu8 goes through the same table as ref_fftw. Prints one line with the
 * same keys as ref_fftw (mean power per sample from the accumulated PSD,
 * spectral centroid in DC-centred bins) so that the benchmark can check the
 * two agree before it trusts either time.
 */
#include <complex.h>
#include <liquid/liquid.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_cu8.h"

#define PROG "ref_liquid"

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [--fft N] [--overlap F] FILE.cu8|-\n");
}

int main(int argc, char **argv)
{
	size_t n = 1024;
	double overlap = 0.5;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--fft") && i + 1 < argc) {
			n = (size_t)strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--overlap") && i + 1 < argc) {
			overlap = strtod(argv[++i], NULL);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!path && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) {
			path = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!path || n < 16 || n > 65536 || n % 2 || !(overlap >= 0 && overlap <= 0.875)) {
		usage(stderr);
		return 2;
	}
	size_t hop = (size_t)llround((double)n * (1.0 - overlap));
	if (hop < 1)
		hop = 1;

	FILE *f = bench_open(PROG, path);
	if (!f)
		return 1;
	int rc = 1;
	float table[256];
	bench_cu8_table(table);
	uint8_t *raw = malloc(2 * BENCH_CHUNK_SAMPLES);
	float complex *x = malloc(BENCH_CHUNK_SAMPLES * sizeof(*x));
	float *psd = malloc(n * sizeof(*psd));
	spgramcf q = spgramcf_create((unsigned)n, LIQUID_WINDOW_HANN, (unsigned)n, (unsigned)hop);
	if (!raw || !x || !psd || !q) {
		fprintf(stderr, PROG ": out of memory\n");
		goto done;
	}
	spgramcf_set_alpha(q, -1.0f);

	uint64_t samples = 0;
	size_t got;
	while ((got = bench_read_cu8(f, raw, BENCH_CHUNK_SAMPLES)) > 0) {
		bench_cu8_convert(table, raw, x, got);
		spgramcf_write(q, x, (unsigned)got);
		samples += got;
	}
	if (ferror(f)) {
		fprintf(stderr, PROG ": %s: read error\n", path);
		goto done;
	}
	unsigned long long frames = spgramcf_get_num_transforms(q);
	spgramcf_get_psd_mag(q, psd);
	double sum = 0, moment = 0;
	for (size_t k = 0; k < n; k++) {
		sum += psd[k];
		moment += (double)k * psd[k];
	}
	/* spgram averages |X|^2 over the transforms with its window scaled to
	 * unit mean square: the mean of the PSD bins is the mean power per
	 * sample. */
	double power = sum / (double)n;
	printf(PROG ": samples=%llu frames=%llu power_dbfs=%.6f centroid_bin=%.6f checksum=%.10e\n",
	       (unsigned long long)samples, frames, power > 0 ? 10.0 * log10(power) : -INFINITY,
	       sum > 0 ? moment / sum : 0.0, sum);
	rc = frames > 0 ? 0 : 1;
	if (!frames)
		fprintf(stderr, PROG ": %s: fewer samples than one frame\n", path);
done:
	if (q)
		spgramcf_destroy(q);
	free(psd);
	free(x);
	free(raw);
	if (f && f != stdin)
		fclose(f);
	return rc;
}
