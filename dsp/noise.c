/* noise.c - per-bin median-tracking noise floor (see noise.h). */
#include "simsweep/noise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct noise {
	struct noise_config cfg;
	float *floor;    /* per-bin median estimate */
	double *sum;     /* training sums */
	float *scratch;  /* for quantiles across bins */
	size_t trained;  /* training frames seen */
	float up, down;  /* multiplicative steps per frame */
};

void noise_config_default(struct noise_config *cfg)
{
	cfg->nbins = 1024;
	cfg->frame_rate_hz = 2.4e6 / 512;
	cfg->slew_db_s = 40.0;
	cfg->init_frames = 32;
	cfg->init_quantile = 0.3;
	cfg->median_ratio = 0.93;
}

struct noise *noise_create(const struct noise_config *cfg)
{
	if (!cfg || cfg->nbins < 1 || cfg->nbins > 65536 || !(cfg->frame_rate_hz > 0) ||
	    !isfinite(cfg->frame_rate_hz) || !(cfg->slew_db_s > 0) || cfg->slew_db_s > 1e6 ||
	    cfg->init_frames < 1 || cfg->init_frames > 4096 || !(cfg->init_quantile >= 0) ||
	    !(cfg->init_quantile <= 1) || !(cfg->median_ratio > 0) || !(cfg->median_ratio <= 1))
		return NULL;
	struct noise *nf = calloc(1, sizeof(*nf));
	if (!nf)
		return NULL;
	nf->cfg = *cfg;
	nf->floor = calloc(cfg->nbins, sizeof(*nf->floor));
	nf->sum = calloc(cfg->nbins, sizeof(*nf->sum));
	nf->scratch = calloc(cfg->nbins, sizeof(*nf->scratch));
	if (!nf->floor || !nf->sum || !nf->scratch) {
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

static float quantile(struct noise *nf, const float *v, double q)
{
	size_t n = nf->cfg.nbins;
	memcpy(nf->scratch, v, n * sizeof(*v));
	qsort(nf->scratch, n, sizeof(*nf->scratch), cmp_float);
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return nf->scratch[i];
}

static void finish_training(struct noise *nf)
{
	const size_t n = nf->cfg.nbins;
	for (size_t k = 0; k < n; k++)
		nf->floor[k] = (float)(nf->sum[k] / (double)nf->trained * nf->cfg.median_ratio);
	float ref = quantile(nf, nf->floor, nf->cfg.init_quantile);
	for (size_t k = 0; k < n; k++)
		if (nf->floor[k] > ref)
			nf->floor[k] = ref;
}

int noise_process(struct noise *nf, const float *frame, const uint8_t *freeze)
{
	const size_t n = nf->cfg.nbins;
	if (nf->trained < nf->cfg.init_frames) {
		for (size_t k = 0; k < n; k++)
			nf->sum[k] += frame[k];
		if (++nf->trained == nf->cfg.init_frames)
			finish_training(nf);
		return noise_ready(nf);
	}
	float *fl = nf->floor;
	const float up = nf->up, down = nf->down;
	if (freeze) {
		for (size_t k = 0; k < n; k++)
			if (!freeze[k])
				fl[k] *= frame[k] > fl[k] ? up : down;
	} else {
		for (size_t k = 0; k < n; k++)
			fl[k] *= frame[k] > fl[k] ? up : down;
	}
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

double noise_floor_median(struct noise *nf)
{
	return quantile(nf, nf->floor, 0.5);
}

void noise_reset(struct noise *nf)
{
	nf->trained = 0;
	memset(nf->sum, 0, nf->cfg.nbins * sizeof(*nf->sum));
	for (size_t k = 0; k < nf->cfg.nbins; k++)
		nf->floor[k] = 0.0f;
}

void noise_destroy(struct noise *nf)
{
	if (!nf)
		return;
	free(nf->floor);
	free(nf->sum);
	free(nf->scratch);
	free(nf);
}
