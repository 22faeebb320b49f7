/* spectrum.c - windowed FFT frames over a sample stream (see spectrum.h). */
#include "simsweep/spectrum.h"
#include "simsweep/simd.h"

#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct spectrum {
	size_t n;               /* FFT size */
	size_t hop;             /* samples between frames */
	float *window;          /* Hann * (-1)^i: DC-centred output for free */
	float complex *hist;    /* the last < n samples not yet used up */
	size_t hist_len;        /* samples in hist */
	uint64_t next_start;    /* stream position of the next frame's first sample */
	uint64_t hist_start;    /* stream position of hist[0] */
	fftwf_complex *fft_in;  /* FFTW-aligned buffers */
	fftwf_complex *fft_out;
	fftwf_plan plan;
	double power_scale;     /* 1 / (n * sum w^2) */
	double enbw_bins;       /* n * sum w^2 / (sum w)^2 */
};

void spectrum_config_default(struct spectrum_config *cfg)
{
	cfg->fft_size = 1024;
	cfg->hop = 512;
}

struct spectrum *spectrum_create(const struct spectrum_config *cfg)
{
	if (!cfg || cfg->fft_size < 16 || cfg->fft_size > 65536 || cfg->fft_size % 2 ||
	    cfg->hop < 1 || cfg->hop > cfg->fft_size)
		return NULL;
	struct spectrum *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->n = cfg->fft_size;
	s->hop = cfg->hop;
	s->window = malloc(s->n * sizeof(*s->window));
	s->hist = malloc(s->n * sizeof(*s->hist));
	s->fft_in = fftwf_malloc(s->n * sizeof(fftwf_complex));
	s->fft_out = fftwf_malloc(s->n * sizeof(fftwf_complex));
	if (!s->window || !s->hist || !s->fft_in || !s->fft_out)
		goto fail;
	s->plan = fftwf_plan_dft_1d((int)s->n, s->fft_in, s->fft_out, FFTW_FORWARD, FFTW_ESTIMATE);
	if (!s->plan)
		goto fail;
	double sum_w = 0, sum_w2 = 0;
	for (size_t i = 0; i < s->n; i++) {
		/* Periodic Hann: exactly 50 % overlap-add to a constant. */
		double w = 0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)s->n);
		sum_w += w;
		sum_w2 += w * w;
		s->window[i] = (float)((i & 1) ? -w : w);
	}
	s->power_scale = 1.0 / ((double)s->n * sum_w2);
	s->enbw_bins = (double)s->n * sum_w2 / (sum_w * sum_w);
	spectrum_reset(s);
	return s;
fail:
	spectrum_destroy(s);
	return NULL;
}

size_t spectrum_max_frames(const struct spectrum *s, size_t n)
{
	uint64_t end = s->hist_start + s->hist_len + n;
	if (end < s->next_start + s->n)
		return 0;
	return (size_t)((end - s->next_start - s->n) / s->hop) + 1;
}

/* Window n samples given in two runs (a: na of them, then b), transform,
 * and write |X|^2. */
SIMSWEEP_VECTOR_CLONES
static void transform(struct spectrum *s, const float complex *a, size_t na,
                      const float complex *b, float *out)
{
	const size_t n = s->n;
	float complex *x = (float complex *)s->fft_in;
	for (size_t i = 0; i < na; i++)
		x[i] = a[i] * s->window[i];
	for (size_t i = na; i < n; i++)
		x[i] = b[i - na] * s->window[i];
	fftwf_execute(s->plan);
	const float complex *X = (const float complex *)s->fft_out;
	for (size_t k = 0; k < n; k++) {
		float re = crealf(X[k]), im = cimagf(X[k]);
		out[k] = re * re + im * im;
	}
}

/* The frame of the n samples starting at stream position pos, split
 * between the history and the new input. */
static void do_frame(struct spectrum *s, uint64_t pos, const float complex *in, float *out)
{
	size_t from_hist = 0, off = 0;
	if (pos < s->hist_start + s->hist_len) {
		off = (size_t)(pos - s->hist_start);
		from_hist = s->hist_len - off;
		if (from_hist > s->n)
			from_hist = s->n;
	}
	size_t in_off = (size_t)(pos + from_hist - (s->hist_start + s->hist_len));
	transform(s, s->hist + off, from_hist, in + in_off, out);
}

void spectrum_frame(struct spectrum *s, const float complex *a, size_t na, const float complex *b,
                    float *out)
{
	transform(s, a, na < s->n ? na : s->n, b, out);
}

size_t spectrum_process(struct spectrum *s, const float complex *in, size_t n, float *frames,
                        size_t max_frames, size_t *consumed)
{
	size_t produced = 0;
	uint64_t avail_end = s->hist_start + s->hist_len + n;
	/* Take only the input needed for max_frames frames (plus what the next
	 * frame can keep in the history). */
	if (spectrum_max_frames(s, n) > max_frames) {
		uint64_t need_end = s->next_start + (uint64_t)max_frames * s->hop + s->n - 1;
		if (max_frames == 0)
			need_end = s->next_start + s->n - 1;
		if (need_end < avail_end) {
			uint64_t in_start = s->hist_start + s->hist_len;
			n = need_end > in_start ? (size_t)(need_end - in_start) : 0;
			avail_end = in_start + n;
		}
	}
	while (produced < max_frames && s->next_start + s->n <= avail_end) {
		if (frames)
			do_frame(s, s->next_start, in, frames + produced * s->n);
		produced++;
		s->next_start += s->hop;
	}
	/* Keep the samples from next_start on (fewer than n) as history. */
	uint64_t keep_from = s->next_start;
	if (keep_from < avail_end) {
		size_t keep = (size_t)(avail_end - keep_from);
		float complex *tmp = s->hist;
		uint64_t in_start = s->hist_start + s->hist_len;
		size_t j = 0;
		if (keep_from < in_start) {
			size_t off = (size_t)(keep_from - s->hist_start);
			memmove(tmp, s->hist + off, (s->hist_len - off) * sizeof(*tmp));
			j = s->hist_len - off;
		}
		size_t in_off = keep_from > in_start ? (size_t)(keep_from - in_start) : 0;
		memcpy(tmp + j, in + in_off, (keep - j) * sizeof(*tmp));
		s->hist_len = keep;
		s->hist_start = keep_from;
	} else {
		/* hop > remaining: samples between avail_end and next_start are
		 * skipped when they arrive. */
		s->hist_len = 0;
		s->hist_start = avail_end;
	}
	if (consumed)
		*consumed = n;
	return produced;
}

uint64_t spectrum_next_frame_start(const struct spectrum *s)
{
	return s->next_start;
}

double spectrum_power_scale(const struct spectrum *s)
{
	return s->power_scale;
}

double spectrum_enbw_bins(const struct spectrum *s)
{
	return s->enbw_bins;
}

size_t spectrum_fft_size(const struct spectrum *s)
{
	return s->n;
}

size_t spectrum_hop(const struct spectrum *s)
{
	return s->hop;
}

void spectrum_reset(struct spectrum *s)
{
	s->hist_len = 0;
	s->hist_start = 0;
	s->next_start = 0;
}

void spectrum_destroy(struct spectrum *s)
{
	if (!s)
		return;
	if (s->plan)
		fftwf_destroy_plan(s->plan);
	fftwf_free(s->fft_in);
	fftwf_free(s->fft_out);
	free(s->hist);
	free(s->window);
	free(s);
}
