/* coarse.h - a second, coarse detection path for long or wide weak bursts.
 *
 * The segmenter (segment.h) needs a bin 8 dB over the floor after a
 * 4-frame, 3-bin smoothing. A 180 kHz x 1 ms burst at 0 dB in its own band
 * is +3 dB per cell and never seeds it, yet its energy over its own
 * time-frequency extent is overwhelming (~180 independent samples: 2.0
 * against 1.0 +- 0.075). This path tests that energy directly:
 *
 *   raw frames ──▶ cells of CELL_BINS bins x TICK_FRAMES frames (one add a bin)
 *      ──▶ excess over a per-cell mean reference, integral image over cells
 *      ──▶ tiles of 1 .. 256 cells (half-overlapping) x 2 .. 32 ticks, each
 *          tested for significance: the tile's power / its reference power
 *          against the chi-square quantile of its degrees of freedom for
 *          z_sigma (Wilson-Hilferty), so small tiles get their heavy tail
 *      ──▶ passing tiles unite into regions; a region closes when no tile
 *          has passed on it for a while, and its band and span are refined
 *          to the most significant rectangle inside it.
 *
 * Geometry (at 1024 bins, hop 512, 2.4 MS/s): a cell is 4.7 kHz x 0.85 ms;
 * tiles reach 4.7 kHz .. 1.2 MHz and 1.7 .. 27 ms.
 *
 * The reference is the mean power of each cell, not the segmenter's median
 * floor: a large tile's standard deviation is a fraction of a percent, and
 * any bias of a median-to-mean ratio would be a false alarm. It trains over
 * the first init ticks (per-cell median, scaled by the band's mean/median
 * ratio, so a burst in the training does not raise it) and then follows a
 * running mean of ~ref_frames frames; cells under a region or far over the
 * reference do not update it. Its own uncertainty widens the test.
 *
 * Bins the caller marks busy (a persistent carrier, a cell's downlink, the DC
 * mask, dead bins, a region the fine segmenter has open) are left out of
 * every sum.
 */
#ifndef SIMSWEEP_COARSE_H
#define SIMSWEEP_COARSE_H

#include <stddef.h>
#include <stdint.h>

struct coarse;

struct coarse_config {
	size_t nbins;         /* FFT size of the frames, 64 .. 65536, even */
	size_t hop;           /* samples between frames, 1 .. nbins */
	double rate_hz;       /* sample rate, > 0 */
	double z_sigma;       /* significance a tile needs, in Gaussian sigmas of its
	                         chi-square tail, 3 .. 20 (default 6.6: < 1 false
	                         alarm per hour over the band: 0 events in 60 minutes
	                         of noise, simsweep_eval --noise-minutes 60) */
	double ref_frames;    /* reference averaging, frames, 64 .. 1e6 (default 4096) */
	double join_hz;       /* passing tiles this close join a region (default 45e3:
	                         NPRACH hops) */
	size_t max_regions;   /* coarse regions open at once, 1 .. 256 (default 16) */
};

/* A coarse region as it closes. Frame j covers stream samples
 * [j*hop, j*hop + nbins) since the last reset. */
struct coarse_region {
	unsigned slot;          /* 0 .. max_regions-1, the region it came from */
	uint64_t first_frame;   /* span of the most significant rectangle */
	uint64_t last_frame;
	double edge_lo, edge_hi;/* its band, fractional bins */
	double excess_power;    /* mean power over the reference in the band, per
	                           frame, frame units */
	double noise_per_bin;   /* mean reference power per bin and frame */
	double z;               /* its significance (sigmas) */
};

struct coarse_callbacks {
	/* A burst found, as its region closes: within ~40 ms (T_MAX + a
	 * close gap) of its end, up to HIST ticks (~110 ms at 2.4 MS/s) after
	 * its start. One region may give several, in time order. */
	void (*close)(const struct coarse_region *r, void *ctx);
	void *ctx;
};

void coarse_config_default(struct coarse_config *cfg);

/* Power over the reference, minus one, that an extent of m bins x f frames
 * (Hann frames at half overlap) must show to pass at z sigma of its
 * chi-square tail, the reference itself an average over n_eff frames of
 * the same bins. For any detector's region tested on its whole extent. */
double coarse_excess_threshold(double z, double m, double f, double n_eff);

/* The same for a band whose power varies kappa2 / (m f) of its mean
 * squared (coarse_excess_threshold's is that of a wide band). */
double excess_threshold_var(double z, double kappa2, double m, double f, double n_eff);

struct coarse *coarse_create(const struct coarse_config *cfg);

/* Feed one raw power frame (nbins values, as spectrum.h makes them) and
 * the caller's busy flags for it (nbins values, 1 = leave out; may be
 * NULL). Regions open and close through cb. Never allocates. */
void coarse_process(struct coarse *c, const float *frame, const uint8_t *busy,
                    const struct coarse_callbacks *cb);

/* Close every open region (end of input or a discontinuity). */
void coarse_flush(struct coarse *c, const struct coarse_callbacks *cb);

/* Frames seen since the last reset. */
uint64_t coarse_frames(const struct coarse *c);

/* Flush first; forgets the reference and the frame count. */
void coarse_reset(struct coarse *c);

void coarse_destroy(struct coarse *c);

#endif
