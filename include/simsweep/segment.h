/* segment.h - burst segmentation in time and frequency.
 *
 * Works on spectrogram frames (spectrum.h). Per frame:
 *   1. smooth power over the last 4 frames and over 3 bins ([1 2 1]);
 *   2. compare with the per-bin noise floor (noise.h): runs of bins above
 *      threshold_db - hysteresis_db that hold at least one bin above
 *      threshold_db open a region or extend the regions they touch (within
 *      hop_tolerance_hz; a run touching two regions joins them). A run that
 *      is near a region but not on it joins it only when the region has gone
 *      quiet in its own bins (energy that hopped); a region still on there
 *      is another signal beside it;
 *   3. a region that has had no active bin for merge_gap_s is closed; it is
 *      a carrier if it lasted carrier_min_s or more.
 * Regions are reported through the callbacks as they open and close; the
 * segmenter only knows frames and bins (the pipeline turns them into bursts
 * with sample-accurate times from the IQ).
 *
 * The noise floor is not updated under open regions, so bursts do not drag
 * it up; a carrier's bins keep the floor from before it began.
 *
 * A signal on through the whole training (a downlink, a spur, a DC offset)
 * is a persistent carrier: its bins stand threshold_db over the reference
 * level (noise_reference) in the learnt floor. It is a carrier region from
 * frame 0 until its band falls back to the reference level (see also
 * segmenter_callbacks.continuous for a cell that fills the band); its floor keeps
 * following it, and a run lying mostly inside it is its own variation (a
 * downlink's traffic), not a burst. Dead bins (noise_dead) are never
 * detected.
 */
#ifndef SIMSWEEP_SEGMENT_H
#define SIMSWEEP_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

struct segmenter;

struct segmenter_config {
	size_t nbins;           /* FFT size of the frames, 16 .. 65536 */
	size_t hop;             /* samples between frames, 1 .. nbins */
	double rate_hz;         /* sample rate, > 0 */
	double threshold_db;    /* a run needs a bin this far over the floor (default 8) */
	double hysteresis_db;   /* a region continues down to threshold - hysteresis (default 3) */
	double merge_gap_s;     /* silences shorter than this do not end a region (default 1e-3) */
	double hop_tolerance_hz;/* a run this close to a region belongs to it (default 45e3):
	                           NPRACH hops of up to 41 kHz inside 45 kHz stay one event */
	double carrier_min_s;   /* regions lasting this long are carriers (default 1.0) */
	size_t max_regions;     /* regions open at once, 1 .. 1024 (default 64) */
	size_t dc_mask_bins;    /* bins either side of DC never detected (default 0) */
	double noise_slew_db_s; /* noise floor tracking speed (default 40) */
};

/* What the segmenter knows of a region. Frame j covers stream samples
 * [j*hop, j*hop + nbins) since the last reset. */
struct region {
	unsigned slot;          /* 0 .. max_regions-1, reused after close */
	uint64_t first_frame;   /* first frame whose smoothed power was active */
	uint64_t last_frame;    /* last such frame */
	size_t bin_lo, bin_hi;  /* extent over its life (inclusive) */
	size_t obw_lo, obw_hi;  /* bins of its occupied band (inclusive) */
	double edge_lo, edge_hi;/* edges of the occupied band, fractional bins: the
	                           equivalent rectangle around the power centroid */
	double excess_power;    /* mean power above noise over active frames, in
	                           frame units (multiply by spectrum_power_scale) */
	double noise_obw;       /* noise power over edge_lo .. edge_hi, frame units */
	double noise_per_bin;   /* mean noise power per bin near the region, frame units */
	uint64_t active_frames; /* frames in which it had active bins */
	int carrier;            /* 1 when it lasted carrier_min_s or more */
	int lagged;             /* dated back by the narrow seed (a narrow region it
	                           opened, or one the threshold opened on a burst
	                           that was on before): its first frame is
	                           2 SEGMENTER_NARROW_FRAMES - 1 before it opened,
	                           its end within SEGMENTER_NARROW_FRAMES frames
	                           before its last */
	int block;              /* opened by the block seed (lagged too): a band
	                           too weak for any bin that passed a significance
	                           test over blocks of bins and frames */
	int fine;               /* ... and on its finer search alone (segment.c,
	                           block_fine), at a weaker evidence per test */
	uint64_t fine_lo, fine_hi; /* then the frames of the sums that passed: the
	                           burst lies in them (its start may be up to
	                           as many frames before) */
	int tone;               /* opened by the tone seed (lagged too): a band of a
	                           few bins summed over up to 128 frames; its start
	                           lies within a 4-frame sum of fine_lo (= fine_hi),
	                           its end within SEGMENTER_TONE_ON_FRAMES before
	                           its last frame */
};

struct segmenter_callbacks {
	/* A region opened at frame r->first_frame (only slot and first_frame
	 * are meaningful yet). */
	void (*open)(const struct region *r, void *ctx);
	/* A region closed; r is complete. */
	void (*close)(const struct region *r, void *ctx);
	/* Region `from` was folded into region `into` (its energy joined
	 * another region's); `from` will not be closed. */
	void (*drop)(unsigned from, unsigned into, void *ctx);
	void *ctx;
	/* Optional (may be NULL): 1 when the caller knows that a cell was on
	 * the air throughout, up to the end of frame `frame` (ofdm.h). Asked
	 * once, when the floor is ready and no signal stands over the
	 * reference level: the cell is then a persistent carrier where the
	 * training's mean power stands over the reference, or over the whole
	 * band. Such a carrier stays open until the end of the segment, unless
	 * `gone` says otherwise. */
	int (*continuous)(uint64_t frame, void *ctx);
	/* Optional (may be NULL): 1 when the caller knows that what passed for
	 * a cell has been off the air for a while up to the end of frame
	 * `frame` (ofdm_failing). Asked, frame by frame in order while a cell
	 * is watched (segmenter_cell_watched: for a minute after the
	 * training), once its band has been off the reference level for
	 * 10 ms: the cell was an uplink burst on through the training, and its
	 * region becomes that burst's. */
	int (*gone)(uint64_t frame, void *ctx);
};

void segmenter_config_default(struct segmenter_config *cfg);

struct segmenter *segmenter_create(const struct segmenter_config *cfg);

/* Smoothing depth in frames (the smoothed power of frame j covers raw
 * frames j-SEGMENTER_SMOOTH_FRAMES+1 .. j). */
#define SEGMENTER_SMOOTH_FRAMES 4

/* Frames summed by the narrow seed (segment.c, detect_narrow), which opens
 * regions for bursts a few bins wide too weak for the smoothed threshold. */
#define SEGMENTER_NARROW_FRAMES 16

/* How far back a region the narrow seed dates back reaches, in frames:
 * two of its sums and the smoothing. The clipper's ring must reach as far
 * (pipeline.c), and a bin must be quiet as long before it seeds. */
#define SEGMENTER_LAGGED_FRAMES (2 * SEGMENTER_NARROW_FRAMES + SEGMENTER_SMOOTH_FRAMES)

/* The tone seed (segment.c, detect_tones) sums a few bins over up to 128
 * frames (27 ms at 2.4 MS/s) for single tones too weak for the narrow
 * seed; its regions reach back this far (the clipper's ring too), and go
 * on while their band's sum over the last SEGMENTER_TONE_ON_FRAMES holds. */
#define SEGMENTER_TONE_BACK_FRAMES 160
#define SEGMENTER_TONE_ON_FRAMES 32

/* Feed one power frame (nbins values, DC-centred as spectrum.h makes them).
 * Calls cb->open / cb->close as regions start and end. The first frames
 * after a reset train the noise floor; they are kept and examined once it
 * is ready, so a burst at the very start is not lost. Never allocates. */
void segmenter_process(struct segmenter *sg, const float *frame, const struct segmenter_callbacks *cb);

/* Where the next frame may be written (nbins floats) so that
 * segmenter_process, given this pointer, keeps it without a copy. It holds
 * that frame, unchanged, until the following call (the replay at the end
 * of the floor's training rewrites the ring, and this frame to the same
 * place), so the caller may read it after segmenter_process returns. */
float *segmenter_frame_buffer(struct segmenter *sg);

/* Close every open region (end of input or a discontinuity). */
void segmenter_flush(struct segmenter *sg, const struct segmenter_callbacks *cb);

/* The noise floor trains over this many frames (at least 32, and at least
 * SEGMENTER_TRAIN_S worth); they are kept and replayed. */
#define SEGMENTER_TRAIN_S 12e-3
size_t segmenter_training_frames(const struct segmenter *sg);

/* Frames seen since the last reset. */
uint64_t segmenter_frames(const struct segmenter *sg);

/* Median noise floor per bin (mean power, frame units); 0 before training. */
double segmenter_noise_per_bin(struct segmenter *sg);

/* Per bin (nbins flags), 1 where the segmenter knows of a signal as of
 * the last frame it examined: an open region, a persistent carrier, the DC
 * mask or a dead bin. All 0 while the floor trains. For a second detector
 * (coarse.h) that must not report what this one reports or ignores. */
const uint8_t *segmenter_busy(struct segmenter *sg);

/* 1 while a cell with a band to watch is open (one that stands over the
 * reference somewhere), up to a minute after the training: the gone
 * callback may be asked about any frame, and must go on knowing. */
int segmenter_cell_watched(const struct segmenter *sg);

/* Regions that could not be tracked because max_regions were open. */
uint64_t segmenter_overflows(const struct segmenter *sg);

/* Flush must come first; forgets the noise floor and frame count. */
void segmenter_reset(struct segmenter *sg);

void segmenter_destroy(struct segmenter *sg);

#endif
