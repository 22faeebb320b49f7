/* noise.h - a per-bin noise floor that bursts do not drag up.
 *
 * Each bin's floor tracks the MEDIAN of the (smoothed) power it is fed, by
 * equal multiplicative steps up and down (a stochastic quantile tracker: no
 * history, O(1) per bin). Bins the caller marks as frozen (those inside a
 * detected signal) keep their floor, so a burst, however long, does not
 * raise the floor under itself.
 *
 * Start-up: the first init_frames frames train the floor. Each bin starts at
 * the smaller of its own mean over training and a low quantile
 * (init_quantile) of all bins' means, so a carrier that is already on at the
 * first sample does not become the floor of its bins.
 */
#ifndef SIMSWEEP_NOISE_H
#define SIMSWEEP_NOISE_H

#include <stddef.h>
#include <stdint.h>

struct noise;

struct noise_config {
	size_t nbins;          /* bins per frame, 1 .. 65536 */
	double frame_rate_hz;  /* frames per second, > 0 */
	double slew_db_s;      /* how fast the floor may move, dB/s (default 40) */
	size_t init_frames;    /* training frames, 1 .. 4096 (default 32) */
	double init_quantile;  /* quantile across bins used at start-up, 0..1 (default 0.3) */
	double median_ratio;   /* median/mean of the fed power in noise (default 0.93,
	                          for 4-frame, 3-bin smoothing of Hann frames) */
};

void noise_config_default(struct noise_config *cfg);

struct noise *noise_create(const struct noise_config *cfg);

/* Feed one frame of nbins powers. freeze may be NULL; freeze[k] != 0 keeps
 * bin k's floor. Returns 1 when the floor is ready, 0 while training. */
int noise_process(struct noise *nf, const float *frame, const uint8_t *freeze);

/* End training now with the frames seen so far (at least one), for inputs
 * shorter than the training. Returns 1 when the floor is ready. */
int noise_finish(struct noise *nf);

/* 1 once training is over. */
int noise_ready(const struct noise *nf);

/* Per-bin floor, as the median of the fed power (nbins values). */
const float *noise_floor(const struct noise *nf);

/* Mean noise power of bin k (the floor corrected by median_ratio). */
double noise_mean(const struct noise *nf, size_t k);

/* Median across bins of the floor (a one-number summary). */
double noise_floor_median(struct noise *nf);

/* Start training again (e.g. after a retune). */
void noise_reset(struct noise *nf);

void noise_destroy(struct noise *nf);

#endif
