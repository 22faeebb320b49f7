/* test_spectrum.c - frames of the FFTW spectrogram: a tone lands in its bin
 * (DC-centred order), band power sums to the signal power, the result does
 * not depend on how the input is cut (1, 7, 4095 samples at a time), frames
 * skipped (NULL) and computed by another spectrum with spectrum_frame from
 * the samples, split in two runs anywhere, are the same, and bad
 * configurations are rejected. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "siggen.h"
#include "simsweep/spectrum.h"

static size_t frames_of(const float complex *x, size_t n, size_t chunk, float *out, size_t max)
{
	struct spectrum_config c;
	spectrum_config_default(&c);
	struct spectrum *s = spectrum_create(&c);
	size_t got = 0;
	for (size_t off = 0; off < n;) {
		size_t m = n - off < chunk ? n - off : chunk, used = 0;
		got += spectrum_process(s, x + off, m, out + got * 1024, max - got, &used);
		off += used;
	}
	spectrum_destroy(s);
	return got;
}

int main(void)
{
	const size_t N = 1024, n = 40960;
	float complex *x = calloc(n, sizeof(*x));
	const double rate = 2.4e6, f = 300e3; /* exactly bin 128 above DC */
	siggen_add_tone(x, n, rate, 0, n, f, 0.25);
	struct spectrum_config c;
	spectrum_config_default(&c);
	struct spectrum *s = spectrum_create(&c);
	CHECK(s != NULL);
	size_t max = spectrum_max_frames(s, n);
	CHECK_EQ_INT(max, (n - N) / 512 + 1);
	float *fr = malloc(max * N * sizeof(float));
	size_t used = 0;
	size_t got = spectrum_process(s, x, n, fr, max, &used);
	CHECK_EQ_INT(got, max);
	CHECK_EQ_INT(used, n);
	size_t peak = 0;
	double sum = 0;
	for (size_t k = 0; k < N; k++) {
		if (fr[k] > fr[peak])
			peak = k;
		sum += fr[k];
	}
	CHECK_EQ_INT(peak, N / 2 + 128);
	/* The whole band holds the tone's power: 0.25 (-6 dBFS). */
	CHECK_NEAR(sum * spectrum_power_scale(s), 0.25, 0.25 * 0.01);
	CHECK_NEAR(spectrum_enbw_bins(s), 1.5, 0.01);

	/* Noise: the band sum is the noise power, within a few percent. */
	struct siggen_rng r = {5};
	siggen_noise(x, n, 0.01, &r);
	float *ref = malloc(max * N * sizeof(float)), *alt = malloc(max * N * sizeof(float));
	size_t nref = frames_of(x, n, n, ref, max);
	double tot = 0;
	for (size_t i = 0; i < nref * N; i++)
		tot += ref[i];
	CHECK_NEAR(tot / (double)nref * spectrum_power_scale(s), 0.01, 0.0005);
	/* The same frames whatever the chunking, odd lengths included. */
	const size_t chunks[] = {1, 7, 4095, 65536};
	for (size_t i = 0; i < 4; i++) {
		size_t m = frames_of(x, n, chunks[i], alt, max);
		CHECK_EQ_INT(m, nref);
		CHECK(memcmp(alt, ref, nref * N * sizeof(float)) == 0);
	}
	/* max_frames limits the output; the rest stays for the next call. */
	spectrum_reset(s);
	got = spectrum_process(s, x, n, fr, 3, &used);
	CHECK_EQ_INT(got, 3);
	CHECK(used < n);
	CHECK(memcmp(fr, ref, 3 * N * sizeof(float)) == 0);

	/* Skipped frames: counted at the same positions, and spectrum_frame on
	 * another spectrum gives the same values from the samples, however
	 * they are split in two runs. */
	spectrum_reset(s);
	struct spectrum *other = spectrum_create(&c);
	size_t skipped = 0, same = 0;
	for (size_t off = 0; off < n;) {
		uint64_t pos = spectrum_next_frame_start(s);
		size_t m = n - off < 3000 ? n - off : 3000;
		size_t k = spectrum_process(s, x + off, m, NULL, max, &used);
		for (size_t i = 0; i < k; i++, skipped++) {
			size_t at = (size_t)pos + i * 512, na = (skipped * 97) % (N + 1);
			spectrum_frame(other, x + at, na, x + at + na, fr);
			same += memcmp(fr, ref + skipped * N, N * sizeof(float)) == 0;
		}
		off += used;
	}
	CHECK_EQ_INT(skipped, nref);
	CHECK_EQ_INT(same, nref);
	spectrum_destroy(other);

	/* Bad configurations. */
	struct spectrum_config b = {.fft_size = 1023, .hop = 512};
	CHECK(spectrum_create(&b) == NULL);
	b = (struct spectrum_config){.fft_size = 8, .hop = 4};
	CHECK(spectrum_create(&b) == NULL);
	b = (struct spectrum_config){.fft_size = 1024, .hop = 0};
	CHECK(spectrum_create(&b) == NULL);
	b = (struct spectrum_config){.fft_size = 1024, .hop = 2048};
	CHECK(spectrum_create(&b) == NULL);
	CHECK(spectrum_create(NULL) == NULL);
	spectrum_destroy(NULL);

	spectrum_destroy(s);
	free(x);
	free(fr);
	free(ref);
	free(alt);
	return check_done("spectrum");
}
