/* pipeline.c - the detection chain of one stream (see pipeline.h). */
#include "simsweep/pipeline.h"
#include "simsweep/simd.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/classify.h"
#include "simsweep/clip.h"
#include "simsweep/coarse.h"
#include "simsweep/error.h"
#include "simsweep/ofdm.h"
#include "simsweep/segment.h"
#include "simsweep/spectrum.h"

#define WORK_SAMPLES       16384
#define CLIP_MEMORY_MAX    (128.0 * 1024 * 1024) /* bytes of clips, all slots */
#define WEAK_MARGIN_DB     6.0 /* see on_close */
#define WEAK_CONFIDENCE    0.8
#define FINE_NAMED_S       0.9e-3
/* The shortest narrow uplink transmission is an NPRACH symbol group (36.211
 * 10.1.6.1: CP + 5 symbols of 266.7 us, 1.4 ms); single-tone NPUSCH lasts
 * >= 2 ms. A burst narrower than NARROW_HZ must last NARROW_MIN_S: the noise
 * blobs that pass the threshold and min_tb are 5 kHz wide and under 1.1 ms. */
#define NARROW_HZ          10e3
#define NARROW_MIN_S       1.2e-3
#define DC_WINDOW          4096
#define DC_LANES           8 /* divides DC_WINDOW */
#define DC_TIME_CONSTANT_S 0.5
#define COARSE_REGIONS     16
#define COARSE_LATENCY_FRAMES 220 /* a coarse region closes this long after its burst at most */
#define COARSE_EDGE_FRAMES 6 /* uncertainty of a coarse region's edges, frames */
/* Bursts delivered lately, so that one transmission found by both paths
 * gives one event: a coarse region closes up to ~40 ms after its burst. */
#define DELIVERED_KEEP     64

/* A burst delivered: stream samples [s0, s1), band [f0, f1) (offsets, Hz),
 * and the path that found it. */
struct delivered {
	uint64_t s0, s1;
	double f0, f1;
	int coarse;
};

/* Up to WORK_SAMPLES of one block, through the front half: where the
 * samples are in the clipper's ring (the front writes them there, DC
 * removed) and their spectrum frames. */
struct pipeline_piece {
	int status;          /* SIMSWEEP_EINVAL: the block's rate is not the pipeline's */
	int new_segment;     /* the back half starts a segment here */
	uint32_t segment;    /* ...its block's metadata */
	uint64_t base;
	double freq_hz;
	int64_t utc_ns;
	uint64_t dropped;    /* the block's counts, on its first piece */
	uint64_t clipped;
	size_t n;            /* samples */
	uint64_t ring_pos;   /* the clipper's ring position of the first */
	size_t nf;           /* frames */
	int deferred;        /* ...left to the back, which computes them from the
	                        ring: frame i starts at stream position
	                        frame_pos + i * hop */
	uint64_t frame_pos;
	float *frames;       /* max_frames * nbins, when not deferred */
	size_t max_frames;
};

struct pipeline {
	struct pipeline_config cfg;
	struct spectrum *spec;
	struct spectrum *back_spec; /* the back's, for the frames the front defers */
	struct segmenter *seg;
	struct coarse *coarse;      /* the coarse path (coarse.h); NULL when off */
	struct clipper *clip;       /* slots: the segmenter's, then the coarse path's */
	struct ofdm *ofdm;          /* LTE cell continuity; NULL at rates that do not fit */
	uint64_t ofdm_fed;          /* samples of this segment given to it */
	uint64_t ofdm_need;         /* ...and how many the segmenter's first question needs */
	int ofdm_on;                /* still fed: up to ofdm_need, then while a cell is watched */
	struct classifier_set *cls; /* NULL when classification is off */
	int flushing;               /* inside end_segment: the segment's stream is complete */
	size_t n, hop;
	struct pipeline_piece *piece; /* pipeline_process's own */
	double power_scale;  /* spectrum_power_scale */
	double weak_z;       /* significance of a weak burst's extent, sigmas */
	uint64_t frame_end;  /* stream position after the frame being examined */
	double bin_hz;

	/* The front half's view of the stream: where the next block must
	 * start to continue the segment, and its DC estimate. */
	int f_started;
	uint32_t f_segment;
	uint64_t f_expect;
	double f_freq_hz;
	float complex dc;     /* running DC estimate */
	float dc_lanes[2 * DC_LANES]; /* partial sums (re, im) over the current DC window */
	size_t dc_count;
	int dc_valid;
	float dc_alpha; /* estimate update per window */

	/* The back half's current segment. */
	int started;
	uint32_t segment;
	uint64_t base;        /* stream index of the segment's first sample */
	double freq_hz;       /* NAN when unknown */
	int64_t utc_ns;       /* UTC of base, or unknown */

	/* Bursts delivered lately (the back half's): stream samples, band,
	 * and the path that found them. */
	struct delivered delivered[DELIVERED_KEEP];
	size_t n_delivered;

	/* Delivery of closed regions. */
	burst_fn fn;
	void *ctx;
	struct pipeline_stats st;
};

void pipeline_config_default(struct pipeline_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rate_hz = 2.4e6;
	cfg->fft_size = 1024;
	cfg->overlap = 0.5;
	cfg->threshold_db = 8.0;
	cfg->hysteresis_db = 3.0;
	cfg->min_duration_s = 150e-6;
	cfg->min_snr_db = 7.0;
	cfg->min_tb = 5.0;
	cfg->merge_gap_s = 1e-3;
	cfg->hop_tolerance_hz = 45e3;
	cfg->carrier_min_s = 1.0;
	cfg->max_regions = 64;
	cfg->dc_remove = 0;
	cfg->dc_mask_hz = 0;
	cfg->clip_max_s = 10e-3;
	cfg->clip_pre_s = 200e-6;
	cfg->clip_post_s = 200e-6;
	cfg->classify = 1;
	cfg->coarse = 0; /* see pipeline.h */
	cfg->coarse_z_sigma = 0; /* coarse.h's default */
	cfg->pieces = 1;
}

struct pipeline *pipeline_create(const struct pipeline_config *cfg)
{
	if (!cfg || !(cfg->rate_hz >= 1e3) || !(cfg->rate_hz <= 1e10) || !(cfg->overlap >= 0) ||
	    !(cfg->overlap <= 0.875) || !(cfg->min_snr_db > -50) || !(cfg->min_tb >= 0) ||
	    !(cfg->min_tb < 1e6) || !(cfg->clip_max_s > 0) || !(cfg->clip_max_s <= 1.0) ||
	    !(cfg->clip_pre_s >= 0) || !(cfg->clip_post_s >= 0) || !(cfg->clip_pre_s < 0.1) ||
	    !(cfg->clip_post_s < 0.1) || !(cfg->dc_mask_hz >= 0) ||
	    !(cfg->coarse_z_sigma == 0 || (cfg->coarse_z_sigma >= 3 && cfg->coarse_z_sigma <= 20)) ||
	    cfg->pieces < 1 || cfg->pieces > 256)
		return NULL;
	struct pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->cfg = *cfg;
	struct spectrum_config sc = {.fft_size = cfg->fft_size};
	size_t hop = (size_t)llround((double)cfg->fft_size * (1.0 - cfg->overlap));
	sc.hop = hop < 1 ? 1 : hop;
	p->spec = spectrum_create(&sc);
	p->back_spec = spectrum_create(&sc);
	if (!p->spec || !p->back_spec)
		goto fail;
	p->n = sc.fft_size;
	p->hop = sc.hop;
	p->power_scale = spectrum_power_scale(p->spec);
	p->bin_hz = cfg->rate_hz / (double)p->n;
	p->dc_alpha = (float)(1.0 - exp(-(double)DC_WINDOW / (DC_TIME_CONSTANT_S * cfg->rate_hz)));

	struct segmenter_config gc;
	segmenter_config_default(&gc);
	gc.nbins = p->n;
	gc.hop = p->hop;
	gc.rate_hz = cfg->rate_hz;
	gc.threshold_db = cfg->threshold_db;
	gc.hysteresis_db = cfg->hysteresis_db;
	gc.merge_gap_s = cfg->merge_gap_s;
	gc.hop_tolerance_hz = cfg->hop_tolerance_hz;
	gc.carrier_min_s = cfg->carrier_min_s;
	gc.max_regions = cfg->max_regions;
	gc.dc_mask_bins = (size_t)ceil(cfg->dc_mask_hz / p->bin_hz);
	p->seg = segmenter_create(&gc);
	if (!p->seg)
		goto fail;

	/* The significance the coarse path's tiles need, and weak bursts of
	 * the segmenter's on their whole extent (significant_extent). */
	struct coarse_config oc;
	coarse_config_default(&oc);
	if (cfg->coarse_z_sigma > 0)
		oc.z_sigma = cfg->coarse_z_sigma;
	p->weak_z = oc.z_sigma;

	/* The coarse path needs 64 bins or more; smaller FFTs run without it. */
	if (cfg->coarse && p->n >= 64) {
		oc.nbins = p->n;
		oc.hop = p->hop;
		oc.rate_hz = cfg->rate_hz;
		oc.join_hz = cfg->hop_tolerance_hz;
		oc.max_regions = COARSE_REGIONS;
		p->coarse = coarse_create(&oc);
		if (!p->coarse)
			goto fail;
	}

	struct clipper_config cc;
	clipper_config_default(&cc);
	cc.rate_hz = cfg->rate_hz;
	cc.slots = cfg->max_regions + (p->coarse ? COARSE_REGIONS : 0);
	/* Clips are for the classifiers: at high rates they get shorter
	 * rather than the memory growing with the rate (a recording that
	 * claims 1 GS/s must not ask for gigabytes). */
	double want = ceil(cfg->clip_max_s * cfg->rate_hz);
	double cap = CLIP_MEMORY_MAX / ((double)cc.slots * sizeof(float complex));
	if (want > cap)
		want = cap;
	cc.clip_samples = want < 1024 ? 1024 : (size_t)want;
	/* The ring must reach back over the noise training (replayed) or the
	 * span the seeds date a region back over (the tone seed's is the
	 * longest, segment.h), whichever is longer, the detection latency and
	 * the merge gap, with room to spare. (The two spans are not needed at
	 * once: added, they doubled the ring at 2.4 MS/s, and the DC removal
	 * that writes it slowed by half, out of cache. The tone seed's span
	 * doubled it to 2^18 samples at 2.4 MS/s.) */
	size_t span = segmenter_training_frames(p->seg);
	if (span < SEGMENTER_TONE_BACK_FRAMES)
		span = SEGMENTER_TONE_BACK_FRAMES;
	double back = WORK_SAMPLES + (double)(span + 8) * (double)p->hop +
	              2.0 * (double)p->n +
	              (cfg->merge_gap_s + cfg->clip_pre_s + cfg->clip_post_s) * cfg->rate_hz;
	/* A coarse burst's clip is cut when its region closes: from its start
	 * (up to a clip before the close latency) to then. */
	if (p->coarse)
		back += (double)(COARSE_LATENCY_FRAMES + 2 * COARSE_EDGE_FRAMES) * (double)p->hop +
		        (cfg->clip_max_s + cfg->clip_pre_s) * cfg->rate_hz;
	size_t ring = 4096;
	while ((double)ring < 2.0 * back)
		ring <<= 1;
	cc.ring_samples = ring;
	/* The front writes the ring: besides the back's history it holds
	 * what the front may have written and the back not yet taken, the
	 * pieces in flight. */
	cc.ahead_samples = cfg->pieces * WORK_SAMPLES;
	p->clip = clipper_create(&cc);
	p->ofdm = ofdm_create(cfg->rate_hz); /* optional */
	/* The segmenter asks once, at the end of its training: windows ending
	 * by then are all that count, so the detector stops there. */
	p->ofdm_need = (uint64_t)(segmenter_training_frames(p->seg) * p->hop + p->n) +
	               (uint64_t)ceil(OFDM_WINDOW_S * cfg->rate_hz);
	if (cfg->classify) {
		struct classify_config kc;
		classify_config_default(&kc);
		p->cls = classify_create(&kc);
		if (!p->cls)
			goto fail;
	}
	p->piece = pipeline_piece_create(p);
	if (!p->clip || !p->piece)
		goto fail;
	p->st.noise_dbfs = NAN;
	pipeline_reset(p);
	return p;
fail:
	pipeline_destroy(p);
	return NULL;
}

static double to_db(double x)
{
	return x > 0 ? 10.0 * log10(x) : -INFINITY;
}

/* Noise power over the full band from the floor (NAN before it is known). */
static double noise_dbfs(struct pipeline *p)
{
	double nb = segmenter_noise_per_bin(p->seg);
	return nb > 0 ? to_db(nb * (double)p->n * p->power_scale) : p->st.noise_dbfs;
}

static void on_open(const struct region *r, void *ctx)
{
	struct pipeline *p = ctx;
	uint64_t j0 = r->first_frame;
	uint64_t back = (SEGMENTER_SMOOTH_FRAMES + 2) * p->hop;
	uint64_t from = j0 * p->hop > back ? j0 * p->hop - back : 0;
	uint64_t pre = (uint64_t)(p->cfg.clip_pre_s * p->cfg.rate_hz);
	clipper_open(p->clip, r->slot, from > pre ? from - pre : 0);
}

/* The end of frame j, samples in; at the end of the stream, everything
 * seen counts. */
static uint64_t frame_end(const struct pipeline *p, uint64_t j)
{
	return p->flushing ? UINT64_MAX : j * p->hop + p->n;
}

/* An LTE cell on the air through frame j? */
static int on_continuous(uint64_t j, void *ctx)
{
	struct pipeline *p = ctx;
	return p->ofdm && ofdm_continuous(p->ofdm, frame_end(p, j));
}

/* What passed for a cell is off the air by frame j: the last windows
 * failed (two: 10 ms). */
static int on_gone(uint64_t j, void *ctx)
{
	struct pipeline *p = ctx;
	return p->ofdm && ofdm_failing(p->ofdm, frame_end(p, j), 2);
}

static void on_drop(unsigned from, unsigned into, void *ctx)
{
	struct pipeline *p = ctx;
	(void)into;
	clipper_drop(p->clip, from);
}

/* Did the other path already deliver a burst overlapping this one in time
 * and frequency? */
static int delivered_by_other(const struct pipeline *p, uint64_t s0, uint64_t s1, double f0,
                              double f1, int coarse)
{
	size_t n = p->n_delivered < DELIVERED_KEEP ? p->n_delivered : DELIVERED_KEEP;
	for (size_t i = 0; i < n; i++) {
		const struct delivered *d = &p->delivered[i];
		if (d->coarse != coarse && s0 < d->s1 && d->s0 < s1 && f0 < d->f1 && d->f0 < f1)
			return 1;
	}
	return 0;
}

/* Does a burst's excess power over its band and duration pass the coarse
 * path's significance test for an extent that size? The floor it is
 * measured against follows ~FLOOR_FRAMES frames. */
#define FLOOR_FRAMES 1024.0
static int significant_extent(const struct pipeline *p, const struct burst *b)
{
	double bins = b->bandwidth_hz / p->bin_hz;
	double frames = b->duration_s * p->cfg.rate_hz / (double)p->hop;
	if (!(bins >= 1) || !(frames >= 1))
		return 0;
	double snr = pow(10, b->snr_db / 10);
	return snr > coarse_excess_threshold(p->weak_z, bins, frames, FLOOR_FRAMES);
}

/* A closed region becomes a burst event: clip, classify, whole-burst
 * tests. cr is the coarse path's record of it (NULL for the segmenter's). */
static void finish_region(struct pipeline *p, const struct region *r,
                          const struct coarse_region *cr)
{
	const double rate = p->cfg.rate_hz;
	const size_t L = SEGMENTER_SMOOTH_FRAMES;
	struct burst b;
	memset(&b, 0, sizeof(b));
	b.rate_hz = rate;
	b.segment = p->segment;
	b.band_tested = r->tone;
	b.class_id = "unknown";
	b.kind = NULL;
	b.confidence = 0.0;

	double lo_hz = (r->edge_lo - (double)(p->n / 2)) * p->bin_hz;
	double hi_hz = (r->edge_hi - (double)(p->n / 2)) * p->bin_hz;
	b.freq_offset_hz = 0.5 * (lo_hz + hi_hz);
	b.bandwidth_hz = hi_hz - lo_hz;
	double noise_obw = r->noise_obw * p->power_scale;

	uint64_t j0 = r->first_frame, j1 = r->last_frame;
	uint64_t local_start, local_end;
	double signal;
	if (r->carrier) {
		clipper_drop(p->clip, r->slot);
		b.type = BURST_TYPE_CARRIER;
		local_start = j0 > L ? (j0 - L + 1) * p->hop : 0;
		local_end = j1 * p->hop + p->n;
		signal = r->excess_power * p->power_scale;
	} else {
		struct clip_request rq = {
		    .offset_hz = b.freq_offset_hz,
		    .bandwidth_hz = b.bandwidth_hz,
		    .start_lo = j0 > L + 2 ? (j0 - L - 2) * p->hop : 0,
		    /* The first L frames are examined with the smoothing of
		     * all L (segment.c, replay_warm): a burst there may be
		     * found at a frame before its own. */
		    .start_hi = (j0 < L ? L - 1 : j0) * p->hop + p->n,
		    .end_lo = j1 > L + 1 ? (j1 - L - 1) * p->hop : 0,
		    .end_hi = j1 * p->hop + p->n + p->hop,
		    .pre_s = p->cfg.clip_pre_s,
		    .post_s = p->cfg.clip_post_s,
		};
		if (r->lagged) {
			/* Dated back by the narrow seed: the burst began within two
			 * of its sums from j0, and ended within one before j1. */
			const uint64_t nf = SEGMENTER_NARROW_FRAMES;
			rq.start_hi = (j0 + SEGMENTER_LAGGED_FRAMES) * p->hop + p->n;
			rq.end_lo = j1 > nf + L ? (j1 - nf - L) * p->hop : 0;
		}
		if (r->fine) {
			/* Found on sums of frames fine_lo .. fine_hi: the burst
			 * began in them, or up to as long before. A short burst in
			 * the whole dated-back window has no rising edge the clip
			 * finds (GSM access bursts at 2 .. 4 dB came out 3 us long).
			 * Its end is looked for as a dated-back region's: a burst of
			 * pulses (SRS symbols 1 ms apart) ends with its last. */
			const uint64_t k = r->fine_hi - r->fine_lo + 1;
			rq.start_lo = r->fine_lo > k + L ? (r->fine_lo - k - L) * p->hop : 0;
			rq.start_hi = r->fine_hi * p->hop + p->n;
		}
		if (r->tone) {
			/* The tone seed found its start within a 4-frame sum of
			 * fine_lo; its end lies within the sum it goes on with
			 * before j1. */
			const uint64_t on = SEGMENTER_TONE_ON_FRAMES;
			rq.start_lo = r->fine_lo > 2 * L ? (r->fine_lo - 2 * L) * p->hop : 0;
			rq.start_hi = (r->fine_lo + L) * p->hop + p->n;
			rq.end_lo = j1 > on + L ? (j1 - on - L) * p->hop : 0;
		}
		if (cr) {
			/* Frames j0 .. j1 are unsmoothed and whole ticks: the
			 * start lies within a tick and a frame either side. */
			uint64_t m = (uint64_t)(COARSE_EDGE_FRAMES * p->hop);
			rq.start_lo = j0 * p->hop > m ? j0 * p->hop - m : 0;
			rq.start_hi = j0 * p->hop + p->n + m;
			rq.end_lo = j1 * p->hop > m ? j1 * p->hop - m : 0;
			rq.end_hi = j1 * p->hop + p->n + m;
		}
		/* Samples past the frame being examined are not used: how far
		 * the stream has been taken depends on how it was cut into
		 * pieces (a coarse region's end window reaching the last sample
		 * taken came out 64 samples longer with other pieces). */
		uint64_t have = clipper_position(p->clip);
		if (!p->flushing && p->frame_end < have)
			have = p->frame_end;
		rq.avail = have;
		if (rq.end_hi >= have) {
			rq.end_hi = have;
			rq.stream_end = p->flushing; /* (the segment's end) */
		}
		if (rq.end_lo > rq.end_hi)
			rq.end_lo = rq.end_hi;
		if (rq.start_hi > rq.end_hi)
			rq.start_hi = rq.end_hi;
		if (rq.start_lo > rq.start_hi)
			rq.start_lo = rq.start_hi;
		struct clip_result res;
		if (clipper_finish(p->clip, r->slot, &rq, &res) != SIMSWEEP_OK) {
			p->st.short_regions++;
			return;
		}
		b.type = BURST_TYPE_BURST;
		local_start = res.start;
		local_end = res.end;
		double noise_clip =
		    r->noise_per_bin * (res.noise_bw_hz / p->bin_hz) * p->power_scale;
		signal = res.power - noise_clip;
		/* A tone is a few kHz of the clip's band (20 kHz or more), where
		 * its excess is a small difference of two large powers: its
		 * energy in its own band over its frames, over the length found. */
		if (r->tone && res.end > res.start)
			signal = r->excess_power * (double)r->active_frames * (double)p->hop /
			         (double)(res.end - res.start) * p->power_scale;
		b.clip = res.clip;
		b.clip_len = res.clip_len;
		b.clip_rate_hz = res.clip_rate_hz;
		b.clip_sample = p->base + res.clip_sample;
	}
	b.sample = p->base + local_start;
	b.n_samples = local_end > local_start ? local_end - local_start : 1;
	b.start_s = (double)b.sample / rate;
	b.duration_s = (double)b.n_samples / rate;
	b.power_dbfs = to_db(signal);
	b.noise_dbfs = to_db(noise_obw);
	b.snr_db = to_db(signal / noise_obw);
	b.freq_hz = isnan(p->freq_hz) ? NAN : p->freq_hz + b.freq_offset_hz;
	b.utc_ns = SIMSWEEP_UTC_UNKNOWN;
	if (p->utc_ns != SIMSWEEP_UTC_UNKNOWN)
		b.utc_ns = p->utc_ns +
		           (int64_t)llroundl((long double)local_start * 1e9L / (long double)rate);

	/* Under min_snr_db a burst needs the waveform's word: down to
	 * WEAK_MARGIN_DB below it, one that a classifier claims with
	 * WEAK_CONFIDENCE (a hop pattern on the NPRACH grid, a cyclic prefix,
	 * a constant envelope: structure that noise does not make) stays. A
	 * hopping NPRACH's SNR is measured over its whole hop span, ~10 dB
	 * under that of its tone. */
	/* A coarse region passed a significance test on its whole extent,
	 * which is what the SNR floor stands in for on the fine path. */
	/* So may a weak burst whose energy over its whole extent passes the
	 * same test: a 0.5 ms PUCCH slot at 6 dB over its 180 kHz is ~20
	 * sigma, while the rare noise region that crosses the threshold is a
	 * few kHz by a millisecond at ~6 dB, which that test puts at 9 dB. */
	int weak = !cr && !r->tone && !(b.snr_db >= p->cfg.min_snr_db);
	/* With the coarse path on (--weak-bursts), the significance of a
	 * weak burst's whole extent alone decides, whatever SNR it measures:
	 * an NPRACH at 0 .. 2 dB measures its SNR over its hop band, under
	 * 0 dB, and was lost under the floor of min_snr_db - WEAK_MARGIN_DB
	 * (17 found against 37 in test_classify). Without it, one under that
	 * floor stays when a classifier names it: since the segmenter holds a
	 * region on its band (segment.c, hold_bands), a 1.08 MHz LTE-M burst
	 * at 1 .. 2 dB is found whole, and measures that, where it used to
	 * come out as a stronger fragment. */
	int significant = weak && b.type == BURST_TYPE_BURST && significant_extent(p, &b);
	int named_only = significant && !p->coarse && !r->block &&
	                 !(b.snr_db >= p->cfg.min_snr_db - WEAK_MARGIN_DB);
	if (significant)
		weak = 0;
	if (b.type == BURST_TYPE_BURST &&
	    (b.duration_s < p->cfg.min_duration_s ||
	     !(b.duration_s * b.bandwidth_hz >= p->cfg.min_tb) ||
	     (b.bandwidth_hz < NARROW_HZ && b.duration_s < NARROW_MIN_S) ||
	     (weak && (!p->cls || !(b.snr_db >= p->cfg.min_snr_db - WEAK_MARGIN_DB))))) {
		p->st.short_regions++;
		return;
	}
	if (b.type == BURST_TYPE_BURST &&
	    delivered_by_other(p, b.sample, b.sample + b.n_samples, b.freq_offset_hz - 0.5 * b.bandwidth_hz,
	                       b.freq_offset_hz + 0.5 * b.bandwidth_hz, cr != NULL)) {
		p->st.duplicates++;
		return;
	}
	if (b.type == BURST_TYPE_BURST && p->cls && classify_run(p->cls, &b) == SIMSWEEP_OK)
		b.features = classify_last_features(p->cls);
	/* Named on its band's shape alone is no word: the band is what made
	 * the region in the first place. So is one the block seed's finer
	 * search alone found under FINE_NAMED_S (segment.c, block_fine): at 0
	 * .. 6 dB it found 0.5 ms PUCCH slots and GSM bursts that no
	 * classifier could name. */
	if (b.type == BURST_TYPE_BURST &&
	    (named_only || (r->fine && b.duration_s < FINE_NAMED_S)) &&
	    (!strcmp(b.class_id, "unknown") || b.class_by_band)) {
		p->st.short_regions++;
		return;
	}
	if (b.type == BURST_TYPE_BURST && weak && !(b.confidence >= WEAK_CONFIDENCE)) {
		p->st.short_regions++;
		return;
	}
	if (b.type == BURST_TYPE_CARRIER) {
		p->st.carriers++;
	} else {
		p->st.bursts++;
		p->st.coarse_bursts += cr != NULL;
		p->st.significant_bursts += (uint64_t)significant;
		if (p->coarse) {
			struct delivered *d = &p->delivered[p->n_delivered++ % DELIVERED_KEEP];
			d->s0 = b.sample;
			d->s1 = b.sample + b.n_samples;
			d->f0 = b.freq_offset_hz - 0.5 * b.bandwidth_hz;
			d->f1 = b.freq_offset_hz + 0.5 * b.bandwidth_hz;
			d->coarse = cr != NULL;
		}
	}
	if (p->fn)
		p->fn(&b, p->ctx);
}

static void on_close(const struct region *r, void *ctx)
{
	finish_region(ctx, r, NULL);
}

/* A coarse burst: its clip is cut from the ring now (the region closes
 * tens of ms after it, and the ring reaches back over that), in the
 * clipper slots after the segmenter's. */
static void on_coarse_close(const struct coarse_region *cr, void *ctx)
{
	struct pipeline *p = ctx;
	uint64_t back = (uint64_t)(COARSE_EDGE_FRAMES * p->hop);
	uint64_t from = cr->first_frame * p->hop > back ? cr->first_frame * p->hop - back : 0;
	uint64_t pre = (uint64_t)(p->cfg.clip_pre_s * p->cfg.rate_hz);
	clipper_open(p->clip, (unsigned)p->cfg.max_regions + cr->slot, from > pre ? from - pre : 0);
	struct region r;
	memset(&r, 0, sizeof(r));
	r.slot = (unsigned)p->cfg.max_regions + cr->slot;
	r.first_frame = cr->first_frame;
	r.last_frame = cr->last_frame;
	r.edge_lo = cr->edge_lo;
	r.edge_hi = cr->edge_hi;
	r.bin_lo = (size_t)(cr->edge_lo + 0.5);
	r.bin_hi = (size_t)(cr->edge_hi - 0.5);
	r.obw_lo = r.bin_lo;
	r.obw_hi = r.bin_hi;
	r.excess_power = cr->excess_power;
	r.noise_per_bin = cr->noise_per_bin;
	r.noise_obw = cr->noise_per_bin * (cr->edge_hi - cr->edge_lo);
	r.active_frames = cr->last_frame - cr->first_frame + 1;
	finish_region(p, &r, cr);
}

static void end_segment(struct pipeline *p)
{
	if (!p->started)
		return;
	struct segmenter_callbacks cb = {on_open, on_close, on_drop, p, on_continuous, on_gone};
	p->flushing = 1;
	segmenter_flush(p->seg, &cb);
	p->flushing = 0;
	if (p->coarse) {
		struct coarse_callbacks ocb = {on_coarse_close, p};
		coarse_flush(p->coarse, &ocb);
	}
	p->st.noise_dbfs = noise_dbfs(p);
	p->started = 0;
}

struct pipeline_piece *pipeline_piece_create(const struct pipeline *p)
{
	struct pipeline_piece *pc = calloc(1, sizeof(*pc));
	if (!pc)
		return NULL;
	/* Frames ending in WORK_SAMPLES new samples plus the spectrum's history
	 * (fewer than n): at most (WORK_SAMPLES + n) / hop. */
	pc->max_frames = (WORK_SAMPLES + p->n) / p->hop + 1;
	pc->frames = malloc(pc->max_frames * p->n * sizeof(*pc->frames));
	if (!pc->frames) {
		pipeline_piece_destroy(pc);
		return NULL;
	}
	return pc;
}

void pipeline_piece_destroy(struct pipeline_piece *pc)
{
	if (!pc)
		return;
	free(pc->frames);
	free(pc);
}

/* DC removal, independent of how the stream is cut into blocks: the mean
 * of each DC_WINDOW samples of the stream (aligned to stream positions)
 * updates the estimate, which is subtracted from the samples that follow. */
SIMSWEEP_VECTOR_CLONES
static void remove_dc(struct pipeline *p, const float complex *x, float complex *out, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* Up to the end of the current window: the subtraction in one
		 * vectorisable pass, the sum in DC_LANES partial sums (one
		 * running sum is a chain of dependent adds, the slowest loop of
		 * the front half). The window's sum is the same however the
		 * stream is cut into blocks: lanes follow stream positions. */
		size_t m = DC_WINDOW - p->dc_count;
		if (m > n - i)
			m = n - i;
		const float complex dc = p->dc;
		for (size_t k = 0; k < m; k++)
			out[i + k] = x[i + k] - dc;
		const float *restrict v = (const float *)(x + i);
		size_t lane0 = p->dc_count % DC_LANES, k = 0;
		/* Up to a lane boundary one at a time, then whole rows. */
		for (; k < m && (lane0 + k) % DC_LANES; k++) {
			p->dc_lanes[2 * ((lane0 + k) % DC_LANES)] += v[2 * k];
			p->dc_lanes[2 * ((lane0 + k) % DC_LANES) + 1] += v[2 * k + 1];
		}
		float acc[2 * DC_LANES];
		memcpy(acc, p->dc_lanes, sizeof(acc));
		for (; k + DC_LANES <= m; k += DC_LANES)
			for (size_t j = 0; j < 2 * DC_LANES; j++)
				acc[j] += v[2 * k + j];
		memcpy(p->dc_lanes, acc, sizeof(acc));
		for (size_t j = 0; k < m; k++, j++) {
			p->dc_lanes[2 * j] += v[2 * k];
			p->dc_lanes[2 * j + 1] += v[2 * k + 1];
		}
		p->dc_count += m;
		i += m;
		if (p->dc_count == DC_WINDOW) {
			float re = 0, im = 0;
			for (size_t j = 0; j < DC_LANES; j++) {
				re += p->dc_lanes[2 * j];
				im += p->dc_lanes[2 * j + 1];
			}
			memset(p->dc_lanes, 0, sizeof(p->dc_lanes));
			float complex mean = (re + im * I) / (float)DC_WINDOW;
			p->dc = p->dc_valid ? p->dc + p->dc_alpha * (mean - p->dc) : mean;
			p->dc_valid = 1;
			p->dc_count = 0;
		}
	}
}

size_t pipeline_front(struct pipeline *p, const struct block *b, size_t off,
                      struct pipeline_piece *pc, int defer)
{
	pc->status = SIMSWEEP_OK;
	pc->deferred = defer != 0;
	pc->new_segment = 0;
	pc->dropped = 0;
	pc->clipped = 0;
	pc->n = 0;
	pc->nf = 0;
	if (!b || !b->iq || off >= b->n)
		return 0;
	if (off == 0) {
		if (fabs(b->rate_hz - p->cfg.rate_hz) > 1e-6 * p->cfg.rate_hz) {
			pc->status = SIMSWEEP_EINVAL;
			return b->n;
		}
		int same_freq = (isnan(b->freq_hz) && isnan(p->f_freq_hz)) ||
		                b->freq_hz == p->f_freq_hz;
		if (!p->f_started || b->segment != p->f_segment || b->dropped > 0 ||
		    b->sample_index != p->f_expect || !same_freq) {
			/* A new segment: the spectrum and the DC estimate start
			 * over here, the back half when it reaches this piece. */
			spectrum_reset(p->spec);
			p->dc = 0;
			memset(p->dc_lanes, 0, sizeof(p->dc_lanes));
			p->dc_count = 0;
			p->dc_valid = 0;
			p->f_started = 1;
			p->f_segment = b->segment;
			p->f_freq_hz = b->freq_hz;
			pc->new_segment = 1;
			pc->segment = b->segment;
			pc->base = b->sample_index;
			pc->freq_hz = b->freq_hz;
			pc->utc_ns = b->utc_ns;
		}
		p->f_expect = b->sample_index + b->n;
		pc->dropped = b->dropped;
		pc->clipped = b->clipped;
	}
	size_t m = b->n - off < WORK_SAMPLES ? b->n - off : WORK_SAMPLES;
	pc->n = m;
	pc->frame_pos = spectrum_next_frame_start(p->spec);
	/* Into the clipper's ring (in two runs where it wraps), and the
	 * spectrum from there. */
	for (size_t done = 0; done < m;) {
		float complex *x;
		size_t k = clipper_write_space(p->clip, &x);
		if (k > m - done)
			k = m - done;
		if (p->cfg.dc_remove)
			remove_dc(p, b->iq + off + done, x, k);
		else
			memcpy(x, b->iq + off + done, k * sizeof(*x));
		uint64_t pos = clipper_write_commit(p->clip, k);
		if (done == 0)
			pc->ring_pos = pos;
		done += k;
		size_t used_all = 0;
		while (used_all < k) {
			size_t used = 0;
			size_t nf = spectrum_process(p->spec, x + used_all, k - used_all,
			                             pc->deferred ? NULL : pc->frames + pc->nf * p->n,
			                             pc->max_frames - pc->nf, &used);
			pc->nf += nf;
			used_all += used;
			if (used == 0 && nf == 0)
				break;
		}
	}
	return m;
}

static void start_segment(struct pipeline *p, const struct pipeline_piece *pc)
{
	segmenter_reset(p->seg);
	if (p->coarse)
		coarse_reset(p->coarse);
	p->n_delivered = 0;
	clipper_reset(p->clip);
	if (p->ofdm)
		ofdm_reset(p->ofdm);
	p->ofdm_fed = 0;
	p->ofdm_on = 1;
	p->started = 1;
	p->segment = pc->segment;
	p->base = pc->base;
	p->freq_hz = pc->freq_hz;
	p->utc_ns = pc->utc_ns;
	p->st.segments++;
}

/* A frame the front left to the back: its samples are in the ring (taken:
 * the frame ends inside the piece), in one run of its memory or two. */
static void deferred_frame(struct pipeline *p, uint64_t pos, float *out)
{
	size_t na, nb = 0;
	const float complex *a = clipper_samples(p->clip, pos, p->n, &na), *b = NULL;
	if (na < p->n)
		b = clipper_samples(p->clip, pos + na, p->n - na, &nb);
	assert(na + nb == p->n);
	spectrum_frame(p->back_spec, a, na, b, out);
}

/* The piece's samples are taken into the clipper first, so that a region
 * opening in its frames finds its beginning there. They are in the ring
 * already (the front wrote them before handing the piece over): only the
 * open bursts' shares of them, and the OFDM detector's, are read here. */
int pipeline_back(struct pipeline *p, const struct pipeline_piece *pc, burst_fn fn, void *ctx)
{
	if (pc->status != SIMSWEEP_OK)
		return pc->status;
	p->fn = fn;
	p->ctx = ctx;
	if (pc->new_segment) {
		end_segment(p);
		start_segment(p, pc);
	}
	p->st.samples += pc->n;
	p->st.dropped += pc->dropped;
	p->st.clipped += pc->clipped;
	if (pc->n == 0)
		return SIMSWEEP_OK;
	struct segmenter_callbacks cb = {on_open, on_close, on_drop, p, on_continuous, on_gone};
	clipper_take(p->clip, pc->ring_pos, pc->n);
	/* The detector takes whole pieces through the training and one window
	 * more, then goes on, without a break, while the segmenter watches a
	 * cell (which it opens at the end of the training). Each question is
	 * about windows that end by a frame the detector has seen, so the
	 * pieces' size changes no answer. */
	if (p->ofdm && p->ofdm_on && p->ofdm_fed >= p->ofdm_need)
		p->ofdm_on = segmenter_cell_watched(p->seg);
	if (p->ofdm && p->ofdm_on) {
		size_t m = pc->n;
		uint64_t at = clipper_position(p->clip) - pc->n;
		for (size_t i = 0; i < m;) {
			size_t len;
			const float complex *x = clipper_samples(p->clip, at + i, m - i, &len);
			ofdm_process(p->ofdm, x, len);
			i += len;
		}
		p->ofdm_fed += m;
	}
	struct coarse_callbacks ocb = {on_coarse_close, p};
	for (size_t i = 0; i < pc->nf; i++) {
		const float *frame = pc->frames + i * p->n;
		if (pc->deferred) {
			/* Straight into the segmenter's ring of frames. */
			float *dst = segmenter_frame_buffer(p->seg);
			deferred_frame(p, pc->frame_pos + i * p->hop, dst);
			frame = dst;
		}
		p->frame_end = pc->frame_pos + i * p->hop + p->n;
		segmenter_process(p->seg, frame, &cb);
		if (p->coarse)
			coarse_process(p->coarse, frame, segmenter_busy(p->seg), &ocb);
	}
	return SIMSWEEP_OK;
}

int pipeline_process(struct pipeline *p, const struct block *b, burst_fn fn, void *ctx)
{
	if (!b || !b->iq || b->n == 0)
		return SIMSWEEP_OK;
	size_t off = 0;
	do {
		off += pipeline_front(p, b, off, p->piece, 0);
		int rv = pipeline_back(p, p->piece, fn, ctx);
		if (rv != SIMSWEEP_OK)
			return rv;
	} while (off < b->n);
	return SIMSWEEP_OK;
}

void pipeline_flush(struct pipeline *p, burst_fn fn, void *ctx)
{
	p->fn = fn;
	p->ctx = ctx;
	end_segment(p);
}

void pipeline_stats(struct pipeline *p, struct pipeline_stats *st)
{
	*st = p->st;
	if (p->started)
		st->noise_dbfs = noise_dbfs(p);
	st->overflows = segmenter_overflows(p->seg);
}

void pipeline_reset(struct pipeline *p)
{
	p->started = 0;
	p->f_started = 0;
	p->f_freq_hz = NAN;
	p->freq_hz = NAN;
	p->utc_ns = SIMSWEEP_UTC_UNKNOWN;
	spectrum_reset(p->spec);
	segmenter_reset(p->seg);
	if (p->coarse)
		coarse_reset(p->coarse);
	p->n_delivered = 0;
	clipper_reset(p->clip);
}

void pipeline_destroy(struct pipeline *p)
{
	if (!p)
		return;
	spectrum_destroy(p->spec);
	spectrum_destroy(p->back_spec);
	segmenter_destroy(p->seg);
	coarse_destroy(p->coarse);
	clipper_destroy(p->clip);
	ofdm_destroy(p->ofdm);
	classify_destroy(p->cls);
	pipeline_piece_destroy(p->piece);
	free(p);
}
