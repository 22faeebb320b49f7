/* ref_fftw.c - the minimal FFTW spectrogram: the denominator of the
 * throughput benchmark. Nothing but the work every spectrogram must do:
 *
 *   cu8 --table--> complex float --Hann (-1)^n--> FFTW 1024 --|X|^2--> accumulate
 *
 * at simsweep's default size and overlap (1024 points, 50 %: a frame every
 * 512 samples). The (-1)^n folded into the window centres DC, as simsweep's
 * spectrum does, so both order their bins alike.
 *
 *   ref_fftw [--fft N] [--overlap F] [--measure] [--arith] FILE.cu8 | -
 *
 * prints one line: samples, frames, the mean power per sample (dBFS, by
 * Parseval from the accumulated spectrum), the spectral centroid (bins, DC
 * at N/2) and a checksum (sum of every accumulated bin) so that the
 * benchmark can check the output before it trusts the time.
 */
#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_cu8.h"

#define PROG "ref_fftw"

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [--fft N] [--overlap F] [--measure] [--arith] FILE.cu8|-\n"
	           "  --fft N       FFT size, even, 16 .. 65536 (default 1024)\n"
	           "  --overlap F   frame overlap 0 .. 0.875 (default 0.5)\n"
	           "  --measure     FFTW_MEASURE plan (default FFTW_ESTIMATE, as simsweep)\n"
	           "  --arith       convert cu8 arithmetically instead of through a table\n");
}

/* The loops in AVX2 as well as baseline code on x86-64, the CPU's pick at
 * load time, as simsweep's own per-sample loops (include/simsweep/simd.h:
 * the same results in both). */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define REF_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef REF_CLONES
#define REF_CLONES
#endif

REF_CLONES
static void convert(int arith, const float table[256], const uint8_t *raw, float complex *x,
                    size_t got)
{
	if (arith)
		bench_cu8_convert_arith(raw, x, got);
	else
		bench_cu8_convert(table, raw, x, got);
}

/* Every frame of x[0..have): window, FFT, |X|^2 into acc. *pos gets the
 * start of the first frame not made. */
REF_CLONES
static uint64_t spectrogram(const float complex *x, size_t have, size_t n, size_t hop,
                            const float *w, fftwf_plan plan, fftwf_complex *in,
                            fftwf_complex *out, float *acc, size_t *pos)
{
	uint64_t frames = 0;
	float complex *fin = (float complex *)in;
	const float complex *fout = (const float complex *)out;
	for (*pos = 0; *pos + n <= have; *pos += hop) {
		const float complex *xp = x + *pos;
		for (size_t i = 0; i < n; i++)
			fin[i] = xp[i] * w[i];
		fftwf_execute(plan);
		for (size_t k = 0; k < n; k++) {
			float re = crealf(fout[k]), im = cimagf(fout[k]);
			acc[k] += re * re + im * im;
		}
		frames++;
	}
	return frames;
}

int main(int argc, char **argv)
{
	size_t n = 1024;
	double overlap = 0.5;
	unsigned flags = FFTW_ESTIMATE;
	int arith = 0;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--fft") && i + 1 < argc) {
			n = (size_t)strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--overlap") && i + 1 < argc) {
			overlap = strtod(argv[++i], NULL);
		} else if (!strcmp(argv[i], "--measure")) {
			flags = FFTW_MEASURE;
		} else if (!strcmp(argv[i], "--arith")) {
			arith = 1;
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
	float complex *x = malloc((BENCH_CHUNK_SAMPLES + n) * sizeof(*x));
	float *w = malloc(n * sizeof(*w));
	float *acc = calloc(n, sizeof(*acc));
	double *total = calloc(n, sizeof(*total));
	fftwf_complex *in = fftwf_malloc(n * sizeof(*in));
	fftwf_complex *out = fftwf_malloc(n * sizeof(*out));
	fftwf_plan plan = NULL;
	if (!raw || !x || !w || !acc || !total || !in || !out) {
		fprintf(stderr, PROG ": out of memory\n");
		goto done;
	}
	plan = fftwf_plan_dft_1d((int)n, in, out, FFTW_FORWARD, flags);
	if (!plan) {
		fprintf(stderr, PROG ": no FFTW plan for %zu points\n", n);
		goto done;
	}
	double sum_w2 = 0;
	for (size_t i = 0; i < n; i++) {
		double wi = 0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)n);
		sum_w2 += wi * wi;
		w[i] = (float)((i & 1) ? -wi : wi);
	}

	uint64_t samples = 0, frames = 0;
	size_t have = 0;
	size_t got;
	while ((got = bench_read_cu8(f, raw, BENCH_CHUNK_SAMPLES)) > 0) {
		convert(arith, table, raw, x + have, got);
		have += got;
		samples += got;
		size_t pos = 0;
		frames += spectrogram(x, have, n, hop, w, plan, in, out, acc, &pos);
		/* Fold the float accumulator into doubles once per chunk (about
		 * 2000 frames), so that hours of input lose no precision. */
		for (size_t k = 0; k < n; k++) {
			total[k] += acc[k];
			acc[k] = 0;
		}
		size_t keep = pos < have ? have - pos : 0;
		memmove(x, x + (have - keep), keep * sizeof(*x));
		have = keep;
	}
	if (ferror(f)) {
		fprintf(stderr, PROG ": %s: read error\n", path);
		goto done;
	}
	double sum = 0, moment = 0;
	for (size_t k = 0; k < n; k++) {
		sum += total[k];
		moment += (double)k * total[k];
	}
	double power = frames ? sum / ((double)n * sum_w2 * (double)frames) : 0;
	printf(PROG ": samples=%llu frames=%llu power_dbfs=%.6f centroid_bin=%.6f checksum=%.10e\n",
	       (unsigned long long)samples, (unsigned long long)frames,
	       power > 0 ? 10.0 * log10(power) : -INFINITY, sum > 0 ? moment / sum : 0.0, sum);
	rc = frames > 0 ? 0 : 1;
	if (!frames)
		fprintf(stderr, PROG ": %s: fewer samples than one frame\n", path);
done:
	if (plan)
		fftwf_destroy_plan(plan);
	fftwf_free(in);
	fftwf_free(out);
	free(total);
	free(acc);
	free(w);
	free(x);
	free(raw);
	if (f && f != stdin)
		fclose(f);
	return rc;
}
