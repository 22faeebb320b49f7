/* pipeline.h - blocks in, bursts out: the detection chain of one stream.
 *
 *   block ─▶ [DC removal] ─▶ spectrum (FFTW) ─▶ segmenter (noise floor,
 *   regions) ─▶ clipper (IQ ring, clip, sample-accurate edges) ─▶ classifiers
 *   (class, kind, confidence, features) ─▶ burst_fn
 *
 * The pipeline follows the stream's metadata: a new capture segment, a
 * retune, a drop or a gap in sample_index closes every open burst, and the
 * detection restarts on the new segment (a retune also relearns the noise
 * floor). Times are derived from sample counts: a burst's utc_ns is the UTC
 * of its segment's first block plus its offset / rate.
 */
#ifndef SIMSWEEP_PIPELINE_H
#define SIMSWEEP_PIPELINE_H

#include <stdint.h>

#include "simsweep/block.h"
#include "simsweep/burst.h"

struct pipeline;

struct pipeline_config {
	double rate_hz;          /* stream sample rate, > 0 */
	size_t fft_size;         /* even, 16 .. 65536 (default 1024) */
	double overlap;          /* fraction of a frame shared with the next, 0 .. 0.875 (default 0.5) */
	double threshold_db;     /* detection threshold over the noise floor (default 8) */
	double hysteresis_db;    /* (default 3) */
	double min_duration_s;   /* shorter bursts are dropped (default 150e-6) */
	double min_tb;           /* bursts with a smaller duration x bandwidth are dropped
	                            (default 5): no cellular uplink is that small (an
	                            NPRACH symbol group is 1.4 ms x 3.75 kHz = 5.3, a GSM
	                            access burst 65), the noise blobs that pass the
	                            threshold are (one frame by two bins, ~1..2; at 4,
	                            3 hours of noise let through 3 narrow blobs of 4.0 ..
	                            4.7, 4.6 .. 6.5 kHz by 0.6 .. 0.9 ms) */
	double min_snr_db;       /* weaker bursts are dropped (default 7): a second,
	                            whole-burst test after the per-bin threshold (on
	                            noise, the rare region that passes the threshold
	                            measures about 6 dB; true 10 dB bursts >= 9.4).
	                            Down to 6 dB under it a burst stays when a
	                            classifier claims it with 0.8, or when its excess
	                            over its whole band and duration passes the coarse
	                            path's significance test for an extent that size
	                            (coarse_excess_threshold: a 0.5 ms x 180 kHz slot
	                            at 6 dB, not a 5 kHz x 1 ms noise blob at 6 dB) */
	double merge_gap_s;      /* (default 1e-3) */
	double hop_tolerance_hz; /* (default 45e3) */
	double carrier_min_s;    /* (default 1.0) */
	size_t max_regions;      /* (default 64) */
	int dc_remove;           /* subtract the running DC (RTL-SDR spike) (default 0) */
	double dc_mask_hz;       /* never detect within this of DC (default 0) */
	double clip_max_s;       /* IQ kept per burst (default 10e-3) */
	double clip_pre_s;       /* margin before a burst in its clip (default 200e-6) */
	double clip_post_s;      /* margin after (default 200e-6) */
	int classify;            /* run the burst classifiers (classify.h) (default 1) */
	int coarse;              /* the coarse path (coarse.h): long or wide bursts too
	                            weak for threshold_db, accepted on the significance
	                            of their whole energy (default 0, analyze and
	                            monitor --weak-bursts: 0 events in 4 hours of
	                            noise, tests/EVAL.md; but with it on the ofdm, monitor and
	                            outputs tests still differ, and it costs 84 %
	                            more instructions on the benchmark's scene;
	                            ignored for FFTs under 64 bins). With it on,
	                            a weak burst is kept on the significance of
	                            its extent whatever SNR it measures */
	double coarse_z_sigma;   /* its significance, 3 .. 20 sigma, or 0 for coarse.h's
	                            default (< 1 false alarm an hour) */
	size_t pieces;           /* pipeline_front may be this many pieces ahead of
	                            pipeline_back, 1 .. 256 (default 1, as
	                            pipeline_process; see pipeline_front) */
};

struct pipeline_stats {
	uint64_t samples;        /* samples processed */
	uint64_t dropped;        /* samples the source reported lost */
	uint64_t clipped;        /* samples at the ADC rails */
	uint64_t bursts;         /* burst events delivered */
	uint64_t carriers;       /* carrier events delivered */
	uint64_t short_regions;  /* regions dropped as too short or too weak */
	uint64_t coarse_bursts;  /* of bursts: found by the coarse path */
	uint64_t significant_bursts; /* of bursts: under min_snr_db, kept on the
	                            significance of their whole extent */
	uint64_t duplicates;     /* regions dropped: the other path delivered the burst */
	uint64_t overflows;      /* regions lost: max_regions were open */
	uint64_t segments;       /* segments seen */
	double noise_dbfs;       /* noise power over the full band, latest estimate
	                            (NAN before the floor is known) */
};

void pipeline_config_default(struct pipeline_config *cfg);

struct pipeline *pipeline_create(const struct pipeline_config *cfg);

/* Process one block; completed bursts go to fn. Returns 0, or
 * SIMSWEEP_EINVAL when the block's rate is not the pipeline's. */
int pipeline_process(struct pipeline *p, const struct block *b, burst_fn fn, void *ctx);

/* pipeline_process in two halves, for running them on two threads: the
 * front (DC removal, spectrum) turns up to one piece of a block into a
 * pipeline_piece; the back (noise floor, segmenter, clips, classifiers)
 * takes the pieces in the same order. pipeline_process is the front and
 * then the back of each piece, so one thread and two give the same events.
 * The front touches only its own state, the back only its own, but for
 * the clipper's ring (clip.h): the front writes a piece's samples there,
 * and the back reads the samples of the pieces it has been handed. So the
 * hand-over must order the two (a mutex, as relay.h's), and the front may
 * have filled, or be filling, at most cfg.pieces pieces that the back has
 * not finished: a relay of that many items does not let it further.
 *
 * pipeline_front takes the samples of b from offset off (the caller calls
 * it with off = 0, then off += its return value, until off == b->n) and
 * returns how many it took (0 for an empty block). With defer set it
 * leaves the piece's spectrum frames (window, FFT, |X|^2) to the back,
 * which computes them from the ring, to the same values: a caller with
 * two threads moves that work to whichever has time for it.
 * pipeline_back returns 0, or SIMSWEEP_EINVAL for a piece of a block whose
 * rate is not the pipeline's. A piece belongs to the pipeline it was made
 * for. */
struct pipeline_piece;
struct pipeline_piece *pipeline_piece_create(const struct pipeline *p);
void pipeline_piece_destroy(struct pipeline_piece *pc);
size_t pipeline_front(struct pipeline *p, const struct block *b, size_t off,
                      struct pipeline_piece *pc, int defer);
int pipeline_back(struct pipeline *p, const struct pipeline_piece *pc, burst_fn fn, void *ctx);

/* End of stream: deliver every burst still open. */
void pipeline_flush(struct pipeline *p, burst_fn fn, void *ctx);

/* Counters so far, and the latest noise floor estimate. */
void pipeline_stats(struct pipeline *p, struct pipeline_stats *st);

/* Forget the stream (stats are kept). */
void pipeline_reset(struct pipeline *p);

void pipeline_destroy(struct pipeline *p);

#endif
