/* noise.h - a per-bin noise floor that bursts do not drag up.
 *
 * Each bin's floor tracks the MEDIAN of the (smoothed) power it is fed, by
 * equal multiplicative steps up and down (a stochastic quantile tracker: no
 * history, O(1) per bin). Bins the caller marks as frozen (those inside a
 * detected signal) keep their floor, so a burst, however long, does not
 * raise the floor under itself.
 *
 * Start-up: the first init_frames frames (raw, unsmoothed) train the floor.
 * Each bin starts at a low quantile (init_quantile) over the training frames
 * of the mean of the 9 bins around it, so bursts that
 * come and go during training do not count, and no higher than the same
 * quantile across the live bins, so a carrier that is already on at the
 * first sample does not become the floor of its bins. Bins more than dead_db
 * below the strongest (the stop band of a decimating receiver, digital
 * silence) are not live: they keep their own level and do not pull the
 * others down.
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
	double init_quantile;  /* quantile over the training frames, 0..1 (default 0.1) */
	double quantile_ratio; /* that quantile / the mean, in noise, 0..1 (default 0.512
	                          for Hann frames averaged over 9 bins; 0.520 .. 0.509
	                          from 32 to 56 training frames) */
	double ref_quantile;   /* quantile across live bins for the reference level and
	                          noise_level(), 0..1 (default 0.25) */
	double median_ratio;   /* median/mean of the fed power in noise (default 0.93,
	                          for 4-frame, 3-bin smoothing of Hann frames) */
	double dead_db;        /* bins this far below the 90th percentile are not live
	                          (default 60) */
};

void noise_config_default(struct noise_config *cfg);

struct noise *noise_create(const struct noise_config *cfg);

/* Feed one frame of nbins powers. freeze may be NULL; freeze[k] == 1 keeps
 * bin k's floor, 0 lets it move (no other values). Returns 1 when the floor
 * is ready, 0 while training. */
int noise_process(struct noise *nf, const float *frame, const uint8_t *freeze);

/* End training now with the frames seen so far (at least one), for inputs
 * shorter than the training. Returns 1 when the floor is ready. */
int noise_finish(struct noise *nf);

/* 1 once training is over. */
int noise_ready(const struct noise *nf);

/* Receiver noise level (median of the fed power, one bin) as learnt at the
 * end of training: bins whose floor stands well above it hold a signal that
 * was on throughout. 0 before training ends. */
float noise_reference(const struct noise *nf);

/* Bins found dead at the end of training (1 = dead): nbins flags, all 0
 * before. A detector should ignore them: what reaches them is the skirt of
 * a signal in the live bins. */
const uint8_t *noise_dead(const struct noise *nf);

/* Per-bin floor, as the median of the fed power (nbins values). */
const float *noise_floor(const struct noise *nf);

/* Mean noise power of bin k (the floor corrected by median_ratio). */
double noise_mean(const struct noise *nf, size_t k);

/* Receiver noise now (median of the fed power, one bin): the ref_quantile
 * across the live bins of the floor, so carriers do not count. */
double noise_level(struct noise *nf);

/* Bins lo .. hi (inclusive) whose floor stands over `level` are set to it
 * (what was learnt there was a signal, not noise). */
void noise_lower(struct noise *nf, size_t lo, size_t hi, float level);

/* Start training again (e.g. after a retune). */
void noise_reset(struct noise *nf);

void noise_destroy(struct noise *nf);

#endif
