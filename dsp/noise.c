/* noise.c - per-bin median-tracking noise floor (see noise.h). */
#include "simsweep/noise.h"
#include "simsweep/simd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct noise {
	struct noise_config cfg;
	float *floor;    /* per-bin median estimate */
	float *train;    /* training frames, bin-major: train[k*init_frames + t] */
	float *scratch;  /* for quantiles across bins */
	size_t trained;  /* training frames seen */
	float up, down;  /* multiplicative steps per frame */
	uint8_t *dead;   /* bins dead_db below the strongest at training */
	float ref;       /* reference level: receiver noise across the live bins */
};

void noise_config_default(struct noise_config *cfg)
{
	cfg->nbins = 1024;
	cfg->frame_rate_hz = 2.4e6 / 512;
	cfg->slew_db_s = 40.0;
	cfg->init_frames = 32;
	cfg->init_quantile = 0.1;
	cfg->quantile_ratio = 0.512;
	cfg->ref_quantile = 0.25;
	cfg->median_ratio = 0.93;
	cfg->dead_db = 60.0;
}

struct noise *noise_create(const struct noise_config *cfg)
{
	if (!cfg || cfg->nbins < 1 || cfg->nbins > 65536 || !(cfg->frame_rate_hz > 0) ||
	    !isfinite(cfg->frame_rate_hz) || !(cfg->slew_db_s > 0) || cfg->slew_db_s > 1e6 ||
	    cfg->init_frames < 1 || cfg->init_frames > 4096 || !(cfg->init_quantile >= 0) ||
	    !(cfg->init_quantile <= 1) || !(cfg->quantile_ratio > 0) || !(cfg->ref_quantile >= 0) || !(cfg->ref_quantile <= 1) || !(cfg->quantile_ratio <= 1) ||
	    !(cfg->median_ratio > 0) || !(cfg->median_ratio <= 1) || !(cfg->dead_db > 0) ||
	    !(cfg->dead_db < 300))
		return NULL;
	struct noise *nf = calloc(1, sizeof(*nf));
	if (!nf)
		return NULL;
	nf->cfg = *cfg;
	nf->floor = calloc(cfg->nbins, sizeof(*nf->floor));
	nf->train = calloc(cfg->nbins * cfg->init_frames, sizeof(*nf->train));
	nf->scratch = calloc(cfg->nbins, sizeof(*nf->scratch));
	nf->dead = calloc(cfg->nbins, 1);
	if (!nf->dead || !nf->floor || !nf->train || !nf->scratch) {
		noise_destroy(nf);
		return NULL;
	}
	double step_db = cfg->slew_db_s / cfg->frame_rate_hz;
	nf->up = (float)pow(10.0, step_db / 10.0);
	nf->down = 1.0f / nf->up;
	noise_reset(nf);
	return nf;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* Quantile q of v[0..n) (v is reordered). */
static float quantile_of(float *v, size_t n, double q)
{
	qsort(v, n, sizeof(*v), cmp_float);
	/* Interpolated between order statistics: no step with n. */
	double x = q * (double)(n - 1);
	size_t i = (size_t)x;
	if (i + 1 >= n)
		return v[n - 1];
	return (float)((double)v[i] + (x - (double)i) * ((double)v[i + 1] - (double)v[i]));
}

/* Mean over 2*TRAIN_HALF_BINS+1 bins around each bin, of one training frame. */
#define TRAIN_HALF_BINS 4

static void finish_training(struct noise *nf)
{
	const size_t n = nf->cfg.nbins, t = nf->trained, stride = nf->cfg.init_frames;
	const double to_median = nf->cfg.median_ratio / nf->cfg.quantile_ratio;
	/* Average each training frame over neighbouring bins (a running sum
	 * per frame, in place, bin-major), then take for each bin a low
	 * quantile over time: bursts that fill less than (1 - init_quantile) of
	 * the training frames do not count. */
	for (size_t f = 0; f < t; f++) {
		float *col = nf->scratch;
		for (size_t k = 0; k < n; k++)
			col[k] = nf->train[k * stride + f];
		/* The window is as wide at the edges as elsewhere: there it stops
		 * at the edge and reaches further in, so the edge bins' low
		 * quantile stands where quantile_ratio says (over fewer bins, it
		 * stood lower, and noise crossed the threshold there). */
		const size_t w = 2 * TRAIN_HALF_BINS + 1 < n ? 2 * TRAIN_HALF_BINS + 1 : n;
		double acc = 0;
		size_t lo = 0, hi = 0; /* window [lo, hi) */
		for (size_t k = 0; k < n; k++) {
			size_t want_lo = k > TRAIN_HALF_BINS ? k - TRAIN_HALF_BINS : 0;
			if (want_lo > n - w)
				want_lo = n - w;
			while (hi < want_lo + w)
				acc += col[hi++];
			while (lo < want_lo)
				acc -= col[lo++];
			nf->train[k * stride + f] = (float)(acc / (double)w);
		}
	}
	for (size_t k = 0; k < n; k++) {
		float *col = nf->train + k * stride;
		nf->floor[k] = (float)(quantile_of(col, t, nf->cfg.init_quantile) * to_median);
	}
	/* The reference: the same quantile across the live bins. Bins dead_db
	 * below the strongest (a decimation filter's stop band, digital
	 * silence) carry no receiver noise and are left out. */
	memcpy(nf->scratch, nf->floor, n * sizeof(*nf->floor));
	float top = quantile_of(nf->scratch, n, 0.9);
	float dead = top * (float)pow(10.0, -nf->cfg.dead_db / 10.0);
	size_t live = 0;
	for (size_t k = 0; k < n; k++) {
		nf->dead[k] = nf->floor[k] < dead;
		if (!nf->dead[k])
			nf->scratch[live++] = nf->floor[k];
	}
	nf->ref = live ? quantile_of(nf->scratch, live, nf->cfg.ref_quantile) : top;
}

const uint8_t *noise_dead(const struct noise *nf)
{
	return nf->dead;
}

void noise_lower(struct noise *nf, size_t lo, size_t hi, float level)
{
	for (size_t k = lo; k <= hi && k < nf->cfg.nbins; k++)
		if (nf->floor[k] > level)
			nf->floor[k] = level;
}

float noise_reference(const struct noise *nf)
{
	return nf->ref;
}

/* The floor's step for every bin: up or down towards the frame, frozen
 * bins (fz 1) not at all. Branch-free, so that it is vector code: a frozen
 * bin is multiplied by step + (1 - step) = 1 exactly (1 - step is exact by
 * Sterbenz's lemma, and so is the sum), a free one by step. */
SIMSWEEP_VECTOR_CLONES
static void step_floor(float *restrict fl, const float *restrict fr, const uint8_t *restrict fz,
                       size_t n, float up, float down)
{
	if (fz) {
		for (size_t k = 0; k < n; k++) {
			float step = fr[k] > fl[k] ? up : down;
			fl[k] *= step + (1.0f - step) * (float)fz[k];
		}
	} else {
		for (size_t k = 0; k < n; k++)
			fl[k] *= fr[k] > fl[k] ? up : down;
	}
}

int noise_process(struct noise *nf, const float *frame, const uint8_t *freeze)
{
	const size_t n = nf->cfg.nbins;
	if (nf->trained < nf->cfg.init_frames) {
		for (size_t k = 0; k < n; k++)
			nf->train[k * nf->cfg.init_frames + nf->trained] = frame[k];
		if (++nf->trained == nf->cfg.init_frames)
			finish_training(nf);
		return noise_ready(nf);
	}
	step_floor(nf->floor, frame, freeze, n, nf->up, nf->down);
	return 1;
}

int noise_finish(struct noise *nf)
{
	if (nf->trained == 0)
		return 0;
	if (nf->trained < nf->cfg.init_frames) {
		finish_training(nf);
		nf->trained = nf->cfg.init_frames;
	}
	return 1;
}

int noise_ready(const struct noise *nf)
{
	return nf->trained >= nf->cfg.init_frames;
}

const float *noise_floor(const struct noise *nf)
{
	return nf->floor;
}

double noise_mean(const struct noise *nf, size_t k)
{
	return nf->floor[k] / nf->cfg.median_ratio;
}

double noise_level(struct noise *nf)
{
	size_t live = 0;
	for (size_t k = 0; k < nf->cfg.nbins; k++)
		if (!nf->dead[k])
			nf->scratch[live++] = nf->floor[k];
	return live ? quantile_of(nf->scratch, live, nf->cfg.ref_quantile) : 0.0;
}

void noise_reset(struct noise *nf)
{
	nf->trained = 0;
	nf->ref = 0.0f;
	memset(nf->dead, 0, nf->cfg.nbins);
	for (size_t k = 0; k < nf->cfg.nbins; k++)
		nf->floor[k] = 0.0f;
}

void noise_destroy(struct noise *nf)
{
	if (!nf)
		return;
	free(nf->floor);
	free(nf->train);
	free(nf->scratch);
	free(nf->dead);
	free(nf);
}
