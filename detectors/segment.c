/* segment.c - time-frequency regions from spectrogram frames (see segment.h).
 *
 *   raw frames ──▶ 4-frame sum ──▶ [1 2 1] over bins ──▶ S[k]
 *   S[k] > floor[k]·hi  seeds a region,  S[k] > floor[k]·lo  extends one
 *   floor[k] (noise.h) is updated only outside open regions
 */
#include "simsweep/segment.h"
#include "simsweep/simd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/coarse.h"
#include "simsweep/noise.h"

#define L SEGMENTER_SMOOTH_FRAMES
/* The threshold scan first asks, in vector code, which blocks of this many
 * bins hold a bin over the low threshold; only those are walked bin by bin. */
#define SCAN_BLOCK 64
/* Band growth (fill_region): a burst at a few dB per bin crosses the
 * threshold in only some of its bins, so its region can be a fraction of
 * its band (a 180 kHz PUCCH slot at 7 dB measured 15 .. 50 kHz; a 1.08 MHz
 * LTE-M narrowband at 2 dB 260 .. 360 kHz). Each
 * region also sums the raw excess GROW_HZ either side of its extent; when
 * it closes, its band grows outwards block by block (GROW_BLOCK_HZ) while
 * a block's mean excess stands GROW_Z noise deviations over zero and
 * holds GROW_LEVEL of the in-band level of the band grown so far (a
 * part's own level is biased high: it is where the burst crossed the
 * threshold; dips of 0.2 .. 0.3 of it were measured inside short
 * noise-like bursts). Two parts open at the same time are one burst when
 * the whole gap between them passes the same test. */
#define GROW_HZ       600e3
#define GROW_BLOCK_HZ 20e3
#define GROW_Z        4.0
#define GROW_LEVEL    0.15
/* Variance of a mean of Hann-windowed power bins over independent ones:
 * neighbouring bins share about a third of their noise. */
#define GROW_BIN_CORR 1.5
/* The window's smear (fill_region): a flat spectrum W bins wide measures,
 * through the Hann window's power response and inband_level, an
 * equivalent rectangle M(W) wider than W: 2.4 bins for W = 1.6 (a
 * 3.75 kHz NB-IoT tone at 2.4 MS/s read 5.5 .. 6 kHz), 4.2 for 4, within
 * 1 % from 6 on. sg->smear tabulates M on W = SMEAR_STEP .. SMEAR_MAX,
 * averaged over where the spectrum lies against the bin grid; a measured
 * width is mapped back through it, down to one bin (narrower is under
 * the window's resolution). */
#define SMEAR_STEP 0.05
#define SMEAR_MAX  8.0
#define SMEAR_N    160

/* Narrow bursts over a longer time (the narrow seed, detect_narrow): the
 * [1 2 1] smoothing takes ~2.7 dB from a spectrum 1.6 bins wide (a
 * 3.75 kHz NB-IoT tone), which then needs ~10 dB to open a region. Each
 * bin's power is also summed over NARROW_FRAMES frames (3.4 ms at
 * 2.4 MS/s; NB-IoT's single tones last 2 ms or more), unsmoothed
 * across bins: ~2 x NARROW_FRAMES degrees of freedom (half-overlapping
 * Hann frames are ~independent in power). Every L frames, a run of at
 * most NARROW_BINS bins over NARROW_Z sigmas of that chi-square
 * (Wilson-Hilferty), on now (NARROW_Z_NOW over the last L frames),
 * isolated (isolated()), away from the band's edges and in bins no region
 * has held for 2 NARROW_FRAMES + L frames, opens a region dated back over
 * two sums (a weak burst may take that long to pass); it goes on while a
 * bin of it stays NARROW_Z_ON sigmas over. A narrow run that crosses the
 * threshold with NARROW_Z of power in its bins before (narrow_before) is
 * dated back the same way. Such a region's edges are known only to within
 * the sums (struct region.lagged). */
#define NARROW_FRAMES SEGMENTER_NARROW_FRAMES
#define NARROW_BINS   8
#define NARROW_Z      6.6
#define NARROW_Z_ON   3.0
#define NARROW_Z_NOW  2.0
/* Wider weak bursts over the same sums (the block seed, detect_blocks):
 * at 0 dB a burst wider than a few bins crosses no per-bin threshold (a
 * 12-tone NPUSCH, an LTE-M narrowband), but over a block of its bins the
 * long sum is far more certain (64 bins x 16 frames: ~20 sigma at 0 dB).
 * Every L frames, blocks of BLOCK_MIN .. BLOCK_MAX bins at half-block
 * steps, every bin quiet and none within the hop tolerance of a region,
 * whose excess passes BLOCK_Z sigmas (the coarse path's test of a tile,
 * coarse_excess_threshold) open a region over the run of blocks beside
 * them that pass BLOCK_Z_ON, trimmed to its burst's band (block_extent),
 * dated back as the narrow seed's; a region already on part of that band
 * takes it instead. It goes on while its whole band's long sum passes
 * BLOCK_Z_ON (detect_narrow). The sums are those of
 * 2 L frames and NARROW_FRAMES: a 1 ms burst fills half of some 2 L (a 12-
 * tone NPUSCH at 0 dB: ~7 sigma over 64 bins), a longer one the long sum.
 * Blocks are 16 .. 128 bins: a narrower burst at 0 dB (a 15 kHz tone)
 * stands under 6 sigma in any; the narrow seed takes those it can. */
#define BLOCK_GROUP 4   /* bins summed first (the blocks' grid) */
#define BLOCK_MIN   16  /* bins, a multiple of 2 BLOCK_GROUP */
#define BLOCK_MAX   128
#define BLOCK_Z     7.0
#define BLOCK_Z_ON  3.0
#define BLOCK_FLOOR_FRAMES 1024.0 /* frames the floor stands for (its own variance) */
#define BLOCK_SCALES 2 /* sums over 2 L and NARROW_FRAMES frames */
#define BLOCK_FRAMES(i) ((size_t)(2 * L) << (i))
#define BLOCK_WIDTHS 4 /* BLOCK_MAX >> j, j < BLOCK_WIDTHS */
/* The blocks' grid is coarse: half-block steps in frequency, sums of 2 L
 * frames every L in time. A 1 ms burst of 180 kHz (a 12-tone NPUSCH) at 0
 * dB stood 5 .. 7 sigma in its best block, where a box on its own band
 * and time stands ~10: a 77-bin band holds a 64-bin block whole at only
 * 13 of 32 offsets (46 bins of it at worst), and 8 frames a 4.7-frame
 * burst. A block that passes BLOCK_Z_PRE is searched finer (block_fine):
 * every band of whole groups within a block of it, free, over the 4-frame
 * sums ending at each of the last 2 L frames, the 2 L-frame sums ending
 * at each of the last L, and the NARROW_FRAMES sum; the best that passes
 * BLOCK_Z_FINE opens the region. (A higher z than BLOCK_Z: the largest
 * of many tests, see FINE_*.) */
#define BLOCK_Z_PRE  4.0
#define BLOCK_Z_FINE 7.3
#define FINE_SCALES 3 /* 4-frame (L), 2 L and NARROW_FRAMES sums */
#define FINE_GROUPS (3 * BLOCK_MAX / BLOCK_GROUP) /* a block and one either side */
/* Bands up to 300 kHz (a GSM burst, a PRB or two): a wider burst stands
 * in its blocks; one part of it found finer (an SRS symbol of 720 kHz cut
 * by the DC mask) came out as a narrow event of its own. */
#define FINE_MAX_GROUPS (128 / BLOCK_GROUP)
/* Single tones over a longer time (the tone seed, detect_tones): an
 * NB-IoT single-tone NPUSCH at 0 .. 3 dB in its own 3.75 or 15 kHz (a
 * resource unit of 8 or 32 ms) stands under the narrow seed's threshold in
 * every bin's NARROW_FRAMES sum (0 of 16 found at 0 .. 3 dB in the
 * evaluation's seed 0). Every TONE_EVERY frames, each band of 1 ..
 * TONE_MAX_BINS bins, every bin quiet over the span a region would be
 * dated back, is tested over the sums of the last TONE_FRAMES(i) frames at
 * TONE_Z sigmas of its own variance (band_kappa) and of its floor's
 * (TONE_FLOOR_*), against the floor as it was at the sum's start (the
 * floor follows a narrow signal too weak to open a region: 1.7 dB in 120
 * ms for a 3.75 kHz tone at 0 dB). The best that passes, on now (its
 * band's last quarter of the sum at TONE_Z_NOW), isolated (isolated_in;
 * tone_beside) and away from every region, opens a region from the run of
 * its 4-frame sums up to now that stands furthest over its deviation; the
 * frames of that run go into the region's profile. It goes on while its
 * band's sum over the last SEGMENTER_TONE_ON_FRAMES passes TONE_Z_ON. The
 * pipeline keeps it on this test (not on its clip's SNR: a few kHz of a
 * clip 20 kHz or more wide) and the band rules know its band was tested
 * (burst.band_tested). */
#define TONE_SCALES   3 /* sums over 32, 64 and 128 frames */
#define TONE_FRAMES(i) ((size_t)32 << (i))
#define TONE_SLOTS    (TONE_FRAMES(TONE_SCALES - 1) / L) /* 4-frame sums kept */
#define TONE_BACK(f)  ((f) + (f) / 4)
#define TONE_EVERY    (2 * L)
#define TONE_MAX_BINS 6
#define TONE_Z        7.0
#define TONE_Z_NOW    2.0
#define TONE_Z_ON     3.0
/* The floor's own error over a band of w bins, measured on noise: 4.0 %
 * of a bin's (std), 3.3 % over 3 bins, 2.6 % over 6 (its neighbours'
 * errors go together: it is tracked on the smoothed frames), from about
 * 600 frames on; before, its variance ~TONE_FLOOR_YOUNG / frames times
 * that (10 % at 64 frames, 8.3 % at 128, 5.9 % at 256, 4.2 % at 512).
 * BLOCK_FLOOR_FRAMES (1024 frames of independent bins) puts it at 1.7 %
 * over 6 bins at best: a scene's first 30 ms of noise opened tone regions
 * at z 7 with it. */
#define TONE_FLOOR_STD   0.04
#define TONE_FLOOR_YOUNG 700.0
static const double tone_floor_share[] = {0, 1.0, 0.82, 0.68, 0.58, 0.5, 0.44}; /* w = 1 .. 6 */
_Static_assert(sizeof tone_floor_share / sizeof tone_floor_share[0] == TONE_MAX_BINS + 1,
               "a floor share for every tone band width");
/* Alone within TONE_SIDE_BINS: no band as wide beside it holds
 * TONE_SIDE_PEAK of its excess (an SRS comb's teeth, 30 kHz apart, pass
 * isolated_in's mean over its sides; so do an NPRACH's hops). */
#define TONE_SIDE_BINS 32
#define TONE_SIDE_PEAK 0.5
/* A region this narrow and short leaves its bins quiet (release_bins). */
#define BLIP_BINS 3
/* An open region's band holds it (hold_bands). */
#define HOLD_Z 3.0
#define HOLD_S 10e-3
#define HOLD_LEVEL 0.25
#define HOLD_MIN_BINS 5

/* A cell taken for one in the training is an uplink burst after all when
 * its band has been off this long (cell_watch); one on this long after
 * the training is no burst, whatever it is, and is watched no more (the
 * longest uplink transmissions, NB-IoT and LTE-M with their most
 * repetitions, last seconds). */
#define CELL_GONE_S 10e-3
#define CELL_WATCH_S 60.0

struct slot {
	int in_use;
	int touched;           /* had active bins in the current frame */
	int live;              /* its own bins are over threshold in the current raw frame */
	uint64_t first_frame;
	uint64_t last_frame;
	uint64_t run_frame;    /* the last frame it was touched other than by
	                          hold_bands: a run over the threshold, or a narrow
	                          one's long sums (detect_narrow) */
	uint64_t active_frames;
	size_t lo, hi;         /* extent (inclusive) */
	int carrier;
	int persistent;        /* a carrier already on when the floor was learnt */
	int cell;              /* persistent by the caller's word (an LTE cell): open
	                          until the end, its energy may switch (TD-LTE) */
	int fills;             /* a cell that fills the band: no noise beside it */
	int watched;           /* a cell whose band [core_lo, core_hi] is watched */
	int lagged;            /* dated back over the narrow seed's sums (NARROW_FRAMES) */
	int block;             /* opened by the block seed (detect_blocks) */
	int fine;              /* ... on its finer search (block_fine), and no
	                          bin of it over the threshold since */
	uint64_t fine_lo, fine_hi; /* the frames of the sum that passed */
	int tone;              /* opened by the tone seed (detect_tones) */
	uint64_t seed_frame;   /* the frame it opened (first_frame, unless lagged) */
	size_t core_lo, core_hi; /* (cell_watch) */
	uint64_t on_first, on_last, on_frames; /* its frames with that band over the
	                          reference level */
	float *profile;        /* nbins: raw power minus noise, summed over active frames */
	float *wide;           /* nbins: the same over the extent +- grow_bins */
	float *wide_n;         /* nbins: frames summed into wide */
};

struct segmenter {
	struct segmenter_config cfg;
	struct noise *noise;
	size_t init_frames;    /* frames kept while the floor trains */
	float *warm;           /* init_frames * nbins raw frames kept for replay */
	size_t warm_count;
	float *ring;           /* L raw frames for the time smoothing */
	size_t ring_pos;
	size_t ring_fill;
	float *sum;            /* sum of the ring, per bin */
	float *sums;           /* NARROW_FRAMES - L + 1 past sums, one a frame (ring) */
	size_t sums_pos, sums_fill;
	float *long_sum;       /* sum of the last NARROW_FRAMES raw frames, per bin, on
	                          the frames the narrow seed scans (long_sums) */
	float *tone_ring;      /* TONE_SLOTS 4-frame sums, one every L frames (ring) */
	float *tone_floor;     /* the floor when each was taken (the same ring): the
	                          floor follows a tone too weak to open a region
	                          (1.7 dB in 120 ms at 0 dB), so a sum is measured
	                          against the floor as it was at its start */
	size_t tone_pos, tone_fill;
	float *tone_sum;       /* TONE_SCALES x nbins: sums of the last TONE_FRAMES(i) */
	double *tone_px, *tone_pf; /* nbins + 1: prefix sums of a scale's excess, floor */
	uint32_t *tone_pb;     /* nbins + 1: prefix count of bins a tone may not take */
	double tone_thr[TONE_SCALES][TONE_MAX_BINS + 1]; /* excess ratio a band of w
	                          bins needs over TONE_FRAMES(i), TONE_Z */
	uint64_t *held;        /* the frame a closed region last held the bin (0: none
	                          since the reset); an open one holds it (freeze) */
	float t_narrow, t_narrow_on; /* over the mean noise of a bin, per frame */
	float t_prior;         /* the same over NARROW_FRAMES - L frames, NARROW_Z */
	float t_now;           /* the same over the last L frames, NARROW_Z_NOW */
	float *smooth;         /* smoothed power of the current frame */
	uint8_t *freeze;       /* bins under open regions */
	uint8_t *busy;         /* bins with a signal the segmenter knows of (segmenter_busy) */
	uint8_t *mask;         /* bins never detected: the DC mask and dead bins */
	float *mask_add;       /* the same as +inf, else 0: added to a threshold, it
	                          keeps a masked bin under it in plain float code */
	uint8_t *hits;         /* per SCAN_BLOCK bins: any over the low threshold */
	struct slot *slots;
	unsigned slots_end;    /* every slot from this one on is free: the loops
	                          over the regions in use stop here (only
	                          open_slot and reset look past it) */
	uint64_t frame;        /* index of the next frame */
	uint64_t cell_frame;   /* the frame a cell was known on through (UINT64_MAX: none) */
	uint64_t gone_frames;  /* CELL_GONE_S */
	uint64_t watch_frames; /* CELL_WATCH_S */
	uint64_t overflows;
	float t_hi, t_lo;      /* linear thresholds */
	uint64_t gap_frames;
	uint64_t hold_frames;  /* HOLD_S in frames */
	uint64_t carrier_frames;
	size_t tol_bins;
	size_t grow_bins, grow_block;
	float *prof;           /* nbins: a closing region's grown profile (fill_region) */
	uint8_t *bnear;        /* nbins: near an open region */
	float *bval;           /* 3 nbins: block_bins' */
	uint8_t *bbad;         /* nbins: block_bins' */
	float *keep;           /* nbins: 0 where masked, else 1 */
	double *gx[BLOCK_SCALES]; /* groups + 1: prefix sums over groups of
	                          BLOCK_GROUP bins of the excess of scale i */
	double *gf;            /* groups + 1: the same of the floor (masked bins 0) */
	float *tiles;          /* 3 x 2 groups: block_tiles' sums */
	uint8_t *tiles_bad;    /* 2 groups: block_tiles_bad's */
	uint8_t *bflag;        /* groups: block_flags' */
	float block_pre_f[BLOCK_SCALES][BLOCK_WIDTHS]; /* the same at BLOCK_Z_PRE */
	double fine_thr[FINE_SCALES][FINE_GROUPS + 1]; /* excess ratio a band of g groups
	                          needs over the sums block_fine tests, BLOCK_Z_FINE */
	double *fx;            /* FINE_GROUPS + 1: block_fine's prefix sums */
	float block_seed_f[BLOCK_SCALES][BLOCK_WIDTHS]; /* block_seed[i][j] x
	                          BLOCK_FRAMES(i) / median_ratio: over the floor's sum */
	float *block_on;       /* nbins + 1: excess ratio a band of w bins needs over
	                          the long sums to go on */
	double block_seed[BLOCK_SCALES][BLOCK_WIDTHS]; /* to open, blocks of BLOCK_MAX >> j bins */
	double block_run[BLOCK_SCALES][BLOCK_WIDTHS];  /* blocks beside one that opens */
	size_t dc_lo, dc_hi;   /* masked bins [dc_lo, dc_hi), empty when equal */
	double median_ratio;
	double smear[SMEAR_N]; /* M(W), W = (i + 1) * SMEAR_STEP bins */
};

void segmenter_config_default(struct segmenter_config *cfg)
{
	cfg->nbins = 1024;
	cfg->hop = 512;
	cfg->rate_hz = 2.4e6;
	cfg->threshold_db = 8.0;
	cfg->hysteresis_db = 3.0;
	cfg->merge_gap_s = 1e-3;
	cfg->hop_tolerance_hz = 45e3;
	cfg->carrier_min_s = 1.0;
	cfg->max_regions = 64;
	cfg->dc_mask_bins = 0;
	cfg->noise_slew_db_s = 40.0;
}

static void smear_table(struct segmenter *sg);

/* Variance of the power summed over a band of w Hann bins and f
 * half-overlapping frames, times w f over its mean squared: adjacent bins
 * share 4/9 of their variance, the next 1/36; overlapping frames 1/36
 * either side (1.05, 1.52, 1.71, 1.80 measured on noise for w = 1 .. 4;
 * KAPPA2 in coarse.c is the wide band's, rounded up). */
static double band_kappa(double w)
{
	double near = 2.0 * (w - 1.0) / w * (4.0 / 9.0);
	double next = w > 2 ? 2.0 * (w - 2.0) / w / 36.0 : 0.0;
	return (1.0 + near + next) * (1.0 + 2.0 / 36.0);
}

/* Excess ratio a band of w bins (<= TONE_MAX_BINS) needs over f frames at
 * TONE_Z, against a floor `age` frames old (TONE_FLOOR_*). */
static double tone_threshold(size_t w, size_t f, double age)
{
	const double vf = TONE_FLOOR_STD * TONE_FLOOR_STD * tone_floor_share[w] *
	                  (age < TONE_FLOOR_YOUNG ? TONE_FLOOR_YOUNG / (age > 1 ? age : 1) : 1.0);
	const double k = band_kappa((double)w);
	/* excess_threshold_var's floor term is k / (w n_eff): n_eff from vf. */
	return excess_threshold_var(TONE_Z, k, (double)w, (double)f, k / ((double)w * vf));
}

/* The ratio to its mean that a chi-square of k degrees of freedom passes
 * with the tail of z Gaussian sigmas (Wilson-Hilferty). */
static double chi2_ratio(double k, double z)
{
	double v = 2.0 / (9.0 * k), c = 1.0 - v + z * sqrt(v);
	return c * c * c;
}

struct segmenter *segmenter_create(const struct segmenter_config *cfg)
{
	if (!cfg || cfg->nbins < 16 || cfg->nbins > 65536 || cfg->hop < 1 || cfg->hop > cfg->nbins ||
	    !(cfg->rate_hz > 0) || !isfinite(cfg->rate_hz) || !(cfg->threshold_db > 0) ||
	    !(cfg->threshold_db < 100) || !(cfg->hysteresis_db >= 0) ||
	    !(cfg->hysteresis_db < cfg->threshold_db) || !(cfg->merge_gap_s >= 0) || !(cfg->merge_gap_s < 60) ||
	    !(cfg->hop_tolerance_hz >= 0) || !(cfg->carrier_min_s > 0) ||
	    !(cfg->carrier_min_s < 1e6) || cfg->max_regions < 1 || cfg->max_regions > 1024 ||
	    cfg->dc_mask_bins >= cfg->nbins / 4 || !(cfg->noise_slew_db_s > 0))
		return NULL;
	struct segmenter *sg = calloc(1, sizeof(*sg));
	if (!sg)
		return NULL;
	sg->cfg = *cfg;
	const size_t n = cfg->nbins;
	double frame_rate = cfg->rate_hz / (double)cfg->hop;

	struct noise_config ncfg;
	noise_config_default(&ncfg);
	ncfg.nbins = n;
	ncfg.frame_rate_hz = frame_rate;
	ncfg.slew_db_s = cfg->noise_slew_db_s;
	/* Train over SEGMENTER_TRAIN_S at least: long enough for the caller to
	 * know whether a cell is on throughout (segmenter_callbacks.continuous). */
	double want = ceil(SEGMENTER_TRAIN_S * frame_rate);
	if (want > (double)ncfg.init_frames)
		ncfg.init_frames = want < 4096 ? (size_t)want : 4096;
	sg->noise = noise_create(&ncfg);
	sg->median_ratio = ncfg.median_ratio;
	sg->init_frames = ncfg.init_frames;

	sg->warm = malloc(sg->init_frames * n * sizeof(float));
	sg->ring = malloc(L * n * sizeof(float));
	sg->sum = malloc(n * sizeof(float));
	sg->smooth = malloc(n * sizeof(float));
	sg->freeze = malloc(n);
	sg->busy = calloc(n, 1);
	sg->mask = calloc(n, 1);
	sg->mask_add = calloc(n, sizeof(float));
	sg->hits = malloc((n + SCAN_BLOCK - 1) / SCAN_BLOCK);
	sg->prof = malloc(n * sizeof(float));
	sg->sums = malloc((NARROW_FRAMES - L + 1) * n * sizeof(float));
	sg->long_sum = malloc(n * sizeof(float));
	sg->tone_ring = malloc(TONE_SLOTS * n * sizeof(float));
	sg->tone_floor = malloc(TONE_SLOTS * n * sizeof(float));
	sg->tone_sum = malloc(TONE_SCALES * n * sizeof(float));
	sg->tone_px = malloc((n + 1) * sizeof(double));
	sg->tone_pf = malloc((n + 1) * sizeof(double));
	sg->tone_pb = malloc((n + 1) * sizeof(uint32_t));
	const size_t groups = n / BLOCK_GROUP;
	for (size_t i = 0; i < BLOCK_SCALES; i++)
		sg->gx[i] = malloc((groups + 1) * sizeof(double));
	sg->bnear = malloc(n);
	sg->bval = malloc(3 * n * sizeof(float));
	sg->bbad = malloc(n);
	sg->keep = malloc(n * sizeof(float));
	sg->gf = malloc((groups + 1) * sizeof(double));
	sg->tiles = calloc(3 * 2 * groups, sizeof(float));
	sg->tiles_bad = calloc(2 * groups, 1);
	sg->bflag = calloc(groups, 1);
	sg->fx = malloc((FINE_GROUPS + 1) * sizeof(double));
	sg->block_on = malloc((n + 1) * sizeof(float));
	sg->held = calloc(n, sizeof(uint64_t));
	sg->slots = calloc(cfg->max_regions, sizeof(*sg->slots));
	if (!sg->noise || !sg->warm || !sg->ring || !sg->sum || !sg->smooth || !sg->freeze ||
	    !sg->busy || !sg->mask || !sg->mask_add || !sg->hits || !sg->prof || !sg->sums ||
	    !sg->long_sum || !sg->held || !sg->slots || !sg->gx[0] || !sg->gx[1] ||
	    !sg->bnear || !sg->bval || !sg->bbad || !sg->keep || !sg->gf ||
	    !sg->tiles || !sg->tiles_bad || !sg->bflag || !sg->block_on ||
	    !sg->fx || !sg->tone_ring || !sg->tone_floor || !sg->tone_sum || !sg->tone_px || !sg->tone_pf ||
	    !sg->tone_pb)
		goto fail;
	for (size_t i = 0; i < cfg->max_regions; i++) {
		sg->slots[i].profile = malloc(n * sizeof(float));
		sg->slots[i].wide = malloc(n * sizeof(float));
		sg->slots[i].wide_n = malloc(n * sizeof(float));
		if (!sg->slots[i].profile || !sg->slots[i].wide || !sg->slots[i].wide_n)
			goto fail;
	}
	sg->t_hi = (float)pow(10.0, cfg->threshold_db / 10.0);
	sg->t_lo = (float)pow(10.0, (cfg->threshold_db - cfg->hysteresis_db) / 10.0);
	sg->t_narrow = (float)chi2_ratio(2.0 * NARROW_FRAMES, NARROW_Z);
	sg->t_narrow_on = (float)chi2_ratio(2.0 * NARROW_FRAMES, NARROW_Z_ON);
	sg->t_prior = (float)chi2_ratio(2.0 * (NARROW_FRAMES - L), NARROW_Z);
	sg->t_now = (float)chi2_ratio(2.0 * L, NARROW_Z_NOW);
	sg->gap_frames = (uint64_t)ceil(cfg->merge_gap_s * frame_rate);
	sg->hold_frames = (uint64_t)ceil(HOLD_S * frame_rate);
	sg->gone_frames = (uint64_t)ceil(CELL_GONE_S * frame_rate);
	sg->watch_frames = (uint64_t)ceil(CELL_WATCH_S * frame_rate);
	sg->carrier_frames = (uint64_t)ceil(cfg->carrier_min_s * frame_rate);
	const double bin_hz = cfg->rate_hz / (double)n;
	sg->tol_bins = (size_t)ceil(cfg->hop_tolerance_hz / bin_hz);
	sg->grow_bins = (size_t)ceil(GROW_HZ / bin_hz);
	sg->grow_block = (size_t)llround(GROW_BLOCK_HZ / bin_hz);
	if (sg->grow_block < 2)
		sg->grow_block = 2;
	if (sg->grow_bins > n / 4)
		sg->grow_bins = n / 4;
	for (size_t w = 1; w <= n; w++)
		sg->block_on[w] = (float)coarse_excess_threshold(BLOCK_Z_ON, (double)w, NARROW_FRAMES,
		                                                 BLOCK_FLOOR_FRAMES);
	for (size_t i = 0; i < BLOCK_SCALES; i++)
		for (size_t j = 0; j < BLOCK_WIDTHS; j++) {
			const double w = (double)(BLOCK_MAX >> j), f = (double)BLOCK_FRAMES(i);
			sg->block_seed[i][j] = coarse_excess_threshold(BLOCK_Z, w, f, BLOCK_FLOOR_FRAMES);
			sg->block_seed_f[i][j] = (float)(sg->block_seed[i][j] * f / sg->median_ratio);
			sg->block_pre_f[i][j] = (float)(coarse_excess_threshold(BLOCK_Z_PRE, w, f,
			                                                        BLOCK_FLOOR_FRAMES) *
			                                f / sg->median_ratio);
			sg->block_run[i][j] = coarse_excess_threshold(BLOCK_Z_ON, w, f, BLOCK_FLOOR_FRAMES);
		}
	for (size_t i = 0; i < FINE_SCALES; i++)
		for (size_t g = 1; g <= FINE_GROUPS; g++)
			sg->fine_thr[i][g] = coarse_excess_threshold(
			    BLOCK_Z_FINE, (double)(g * BLOCK_GROUP), (double)(L << i), BLOCK_FLOOR_FRAMES);
	for (size_t i = 0; i < TONE_SCALES; i++)
		for (size_t w = 1; w <= TONE_MAX_BINS; w++)
			sg->tone_thr[i][w] = tone_threshold(w, TONE_FRAMES(i), TONE_FLOOR_YOUNG);
	sg->dc_lo = n / 2 - cfg->dc_mask_bins;
	sg->dc_hi = n / 2 + cfg->dc_mask_bins + (cfg->dc_mask_bins ? 1 : 0);
	smear_table(sg);
	segmenter_reset(sg);
	return sg;
fail:
	segmenter_destroy(sg);
	return NULL;
}

/* Time smoothing over the last L raw frames, then [1 2 1]/4 over bins;
 * the result is a mean power per bin, comparable with the raw frames. */
SIMSWEEP_VECTOR_CLONES
static void smooth_frame(struct segmenter *sg, const float *raw)
{
	const size_t n = sg->cfg.nbins;
	if (raw != sg->ring + sg->ring_pos * n)
		memcpy(sg->ring + sg->ring_pos * n, raw, n * sizeof(float));
	sg->ring_pos = (sg->ring_pos + 1) % L;
	if (sg->ring_fill < L)
		sg->ring_fill++;
	/* With the ring full, the sum goes straight into the narrow seed's
	 * ring of sums. */
	float *restrict sum = sg->ring_fill == L ? sg->sums + sg->sums_pos * n : sg->sum;
	const float *restrict r0 = sg->ring;
	if (sg->ring_fill == L) {
		/* One pass, in the same order as the general case below. */
		const float *restrict r1 = sg->ring + n, *restrict r2 = sg->ring + 2 * n,
		                      *restrict r3 = sg->ring + 3 * n;
		for (size_t k = 0; k < n; k++)
			sum[k] = ((r0[k] + r1[k]) + r2[k]) + r3[k];
	} else {
		memcpy(sum, r0, n * sizeof(float));
		for (size_t f = 1; f < sg->ring_fill; f++) {
			const float *restrict r = sg->ring + f * n;
			for (size_t k = 0; k < n; k++)
				sum[k] += r[k];
		}
	}
	if (sg->ring_fill == L) {
		/* For the long sum (long_at, long_sums): the 4-frame sums. */
		const size_t ns = NARROW_FRAMES - L + 1;
		if (sg->sums_fill < ns)
			sg->sums_fill++;
		sg->sums_pos = (sg->sums_pos + 1) % ns;
	}
	const float norm = 1.0f / (4.0f * (float)sg->ring_fill);
	float *restrict s = sg->smooth;
	/* The edge bins weigh themselves 2 and the two bins inside 1 each:
	 * the same variance as 1, 2, 1 inside. (3:1 with the one neighbour gave
	 * them 1.7 x the variance the threshold assumes, and false events at
	 * the band's edge.) */
	s[0] = (2.0f * sum[0] + sum[1] + sum[2]) * norm;
	for (size_t k = 1; k + 1 < n; k++)
		s[k] = (sum[k - 1] + 2.0f * sum[k] + sum[k + 1]) * norm;
	s[n - 1] = (sum[n - 3] + sum[n - 2] + 2.0f * sum[n - 1]) * norm;
}

/* The bins a slot sums into wide: its extent +- grow_bins. */
static void wide_range(const struct segmenter *sg, const struct slot *sl, size_t *lo, size_t *hi)
{
	*lo = sl->lo > sg->grow_bins ? sl->lo - sg->grow_bins : 0;
	*hi = sl->hi + sg->grow_bins < sg->cfg.nbins ? sl->hi + sg->grow_bins : sg->cfg.nbins - 1;
}

/* In-band level of prof over [lo, hi]: the plain mean over the bins
 * between the 25 % and 75 % points of the cumulative power (no selection
 * bias); *total gets the sum of its positive values. */
static double inband_level(const float *prof, size_t lo, size_t hi, double *total)
{
	double t = 0;
	for (size_t k = lo; k <= hi; k++)
		t += prof[k] > 0 ? prof[k] : 0;
	double level = 0, acc = 0;
	size_t k25 = lo, k75 = hi;
	for (size_t k = lo; k <= hi; k++) {
		acc += prof[k] > 0 ? prof[k] : 0;
		if (acc < 0.25 * t)
			k25 = k + 1;
		if (acc < 0.75 * t)
			k75 = k + 1;
	}
	if (k25 > k75)
		k25 = k75;
	for (size_t k = k25; k <= k75 && k <= hi; k++)
		level += prof[k];
	*total = t;
	return level / (double)(k75 - k25 + 1);
}

/* The Hann window's power response at f bins from a tone, over its
 * equivalent noise bandwidth (1.5 bins): unit area. (The periodic Hann's
 * transform, for many points, is sinc(f) / (1 - f^2).) */
static double hann_response(double f)
{
	double a;
	if (fabs(f) < 1e-9)
		a = 1.0;
	else if (fabs(fabs(f) - 1.0) < 1e-9)
		a = 0.5;
	else
		a = sin(M_PI * f) / (M_PI * f) / (1.0 - f * f);
	return a * a / 1.5;
}

#define SMEAR_SPAN 12   /* bins either side of a spectrum's centre */
#define SMEAR_RES  64   /* integration points a bin */
#define SMEAR_PHASES 8  /* positions against the bin grid */

static void smear_table(struct segmenter *sg)
{
	/* cum[i]: the response's integral from -2 SMEAR_SPAN to
	 * (i / SMEAR_RES - 2 SMEAR_SPAN) bins, by the midpoint rule. */
	enum { NC = 4 * SMEAR_SPAN * SMEAR_RES + 1 };
	static const size_t np = 2 * SMEAR_SPAN + 1;
	double cum[NC];
	cum[0] = 0;
	for (size_t i = 1; i < NC; i++)
		cum[i] = cum[i - 1] +
		         hann_response(((double)i - 0.5) / SMEAR_RES - 2 * SMEAR_SPAN) / SMEAR_RES;
	float p[2 * SMEAR_SPAN + 1];
	for (size_t w = 0; w < SMEAR_N; w++) {
		double W = (double)(w + 1) * SMEAR_STEP, m = 0;
		for (size_t ph = 0; ph < SMEAR_PHASES; ph++) {
			double c = (double)ph / SMEAR_PHASES;
			for (size_t b = 0; b < np; b++) {
				/* The flat spectrum over [c - W/2, c + W/2] seen in bin
				 * b: the response's integral over [u - W/2, u + W/2]. */
				double u = (double)b - SMEAR_SPAN - c;
				double x0 = (u - 0.5 * W + 2 * SMEAR_SPAN) * SMEAR_RES;
				double x1 = (u + 0.5 * W + 2 * SMEAR_SPAN) * SMEAR_RES;
				size_t i0 = (size_t)x0, i1 = (size_t)x1;
				double c0 = cum[i0] + (x0 - (double)i0) * (cum[i0 + 1] - cum[i0]);
				double c1 = cum[i1] + (x1 - (double)i1) * (cum[i1 + 1] - cum[i1]);
				p[b] = (float)((c1 - c0) / W);
			}
			double total, level = inband_level(p, 0, np - 1, &total);
			m += total / level;
		}
		sg->smear[w] = m / SMEAR_PHASES;
	}
}

/* The width of a flat spectrum that measures `width` bins (see SMEAR_STEP). */
static double unsmear(const struct segmenter *sg, double width)
{
	const double *m = sg->smear;
	if (!(width < m[SMEAR_N - 1])) /* the excess, fading as 1 / width */
		return isfinite(width) ? width - (m[SMEAR_N - 1] - SMEAR_MAX) * SMEAR_MAX / width : width;
	size_t i = 0;
	while (i + 1 < SMEAR_N && m[i + 1] <= width)
		i++;
	double W = (double)(i + 1) * SMEAR_STEP;
	if (width > m[i] && m[i + 1] > m[i])
		W += SMEAR_STEP * (width - m[i]) / (m[i + 1] - m[i]);
	return W > 1.0 ? W : 1.0;
}

/* One block of grow_block bins beside the band, [a, b]: does it carry the
 * burst on (see GROW_Z, GROW_LEVEL)? level is the in-band level per frame. */
static int grow_block_on(const struct segmenter *sg, const struct slot *sl, size_t a, size_t b,
                         double level)
{
	const float *fl = noise_floor(sg->noise);
	double e = 0, cnt = 0, noise = 0;
	size_t used = 0;
	for (size_t k = a; k <= b; k++) {
		/* Masked bins (DC, dead) say nothing: a burst across the DC mask
		 * goes on beyond it. */
		if (sg->mask[k])
			continue;
		if (!(sl->wide_n[k] > 0))
			return 0;
		e += sl->wide[k];
		cnt += sl->wide_n[k];
		noise += fl[k] / sg->median_ratio;
		used++;
	}
	if (used == 0)
		return 1;
	/* Nor into a carrier that was on before: its skirts are not the burst. */
	for (unsigned i = 0; i < sg->slots_end; i++) {
		const struct slot *o = &sg->slots[i];
		if (o->in_use && o->persistent && o->lo <= b && o->hi >= a)
			return 0;
	}
	double mean = e / cnt, sigma = noise / (double)used * sqrt(GROW_BIN_CORR / cnt);
	return mean > GROW_Z * sigma && mean > GROW_LEVEL * level;
}

/* The band of a closing burst region, grown outwards from its extent as
 * GROW_HZ describes; sg->prof gets the profile over it. */
static double grow_band(const struct segmenter *sg, const struct slot *sl, size_t *glo, size_t *ghi)
{
	float *prof = sg->prof;
	*glo = sl->lo;
	*ghi = sl->hi;
	if (sl->persistent || sl->carrier || !sl->active_frames) {
		/* A carrier keeps its own sums (its floor may be the reference). */
		memcpy(prof + sl->lo, sl->profile + sl->lo, (sl->hi - sl->lo + 1) * sizeof(float));
		return 0;
	}
	double total;
	double level = inband_level(sl->profile, sl->lo, sl->hi, &total) / (double)sl->active_frames;
	size_t wlo, whi;
	wide_range(sg, sl, &wlo, &whi);
	const size_t bk = sg->grow_block;
	/* The level a block must hold is the band's as grown so far: the
	 * part's own is where noise peaks took it over the threshold, up to
	 * five times the burst's level on a 0.5 ms slot at 6 dB. */
	for (size_t k = wlo; k <= whi; k++)
		prof[k] = sl->wide_n[k] > 0 && !sg->mask[k] ? (float)(sl->wide[k] / sl->wide_n[k]) : 0.0f;
	while (*glo >= wlo + bk && grow_block_on(sg, sl, *glo - bk, *glo - 1, level)) {
		*glo -= bk;
		level = fmin(level, inband_level(prof, *glo, *ghi, &total));
	}
	while (*ghi + bk <= whi && grow_block_on(sg, sl, *ghi + 1, *ghi + bk, level)) {
		*ghi += bk;
		level = fmin(level, inband_level(prof, *glo, *ghi, &total));
	}
	/* A band does not end on masked bins. */
	while (*glo < sl->lo && sg->mask[*glo])
		(*glo)++;
	while (*ghi > sl->hi && sg->mask[*ghi])
		(*ghi)--;
	/* Every bin of the band over the same frames: the wide sums, scaled
	 * to the region's frames (bins that joined the extent late, or lay
	 * between two parts that merged, have their whole history there). */
	const double af = (double)sl->active_frames;
	for (size_t k = *glo; k <= *ghi; k++)
		prof[k] = sl->wide_n[k] > 0 ? (float)(sl->wide[k] / sl->wide_n[k] * af) : 0.0f;
	return level;
}

static void fill_region(const struct segmenter *sg, const struct slot *sl, unsigned idx,
                        size_t glo, size_t ghi, struct region *r)
{
	memset(r, 0, sizeof(*r));
	r->slot = idx;
	r->first_frame = sl->first_frame;
	r->last_frame = sl->last_frame;
	r->bin_lo = sl->lo;
	r->bin_hi = sl->hi;
	r->active_frames = sl->active_frames;
	r->carrier = sl->carrier;
	/* A region the narrow seed opened that grew wide is a burst the
	 * threshold saw from its start: timed from there. */
	r->lagged = sl->lagged && (sl->block || sl->hi - sl->lo + 1 <= NARROW_BINS);
	r->block = sl->block;
	r->fine = sl->fine;
	r->fine_lo = sl->fine_lo;
	r->fine_hi = sl->fine_hi;
	r->tone = sl->tone && r->lagged;
	if (sl->lagged && !r->lagged)
		r->first_frame = sl->seed_frame;
	const float *fl = noise_floor(sg->noise);
	const float *prof = sg->prof;
	/* Occupied band: centred on the power centroid, as wide as the
	 * equivalent rectangle (total excess power / in-band level), which is
	 * the true width for a flat spectrum however the window smears its
	 * edges, and is steadier than edge crossings on a short burst. */
	double total = 0, moment = 0, stotal = 0, smoment = 0;
	for (size_t k = glo; k <= ghi; k++) {
		double v = prof[k] > 0 ? prof[k] : 0;
		moment += v * (double)k;
		/* Signed, for the centroid: noise in bins at the region's edges
		 * averages out instead of pulling the centre their way. */
		stotal += prof[k];
		smoment += prof[k] * (double)k;
	}
	double level = inband_level(prof, glo, ghi, &total);
	const double ext_lo = (double)glo - 0.5, ext_hi = (double)ghi + 0.5;
	double centre = total > 0 && stotal > 0.5 * total ? smoment / stotal
	                : total > 0                       ? moment / total
	                                                  : 0.5 * (ext_lo + ext_hi);
	double width = level > 0 ? unsmear(sg, total / level) : ext_hi - ext_lo;
	/* Degenerate powers (silence, overflowing input) must not make edges
	 * outside the region, inverted, or NaN. */
	if (!isfinite(centre) || centre < ext_lo || centre > ext_hi)
		centre = 0.5 * (ext_lo + ext_hi);
	if (!isfinite(width) || !(width > 0) || width > ext_hi - ext_lo)
		width = ext_hi - ext_lo;
	double edge_lo = centre - 0.5 * width, edge_hi = centre + 0.5 * width;
	if (sl->fills) {
		/* A cell filling the band: its band is the band; there is no
		 * noise beside it to measure a width against. */
		edge_lo = ext_lo;
		edge_hi = ext_hi;
	}
	if (edge_lo < ext_lo)
		edge_lo = ext_lo;
	if (edge_hi > ext_hi)
		edge_hi = ext_hi;
	size_t lo = (size_t)(edge_lo + 0.5), hi = (size_t)(edge_hi + 0.5);
	if (hi > ghi)
		hi = ghi;
	if (lo > hi)
		lo = hi;
	r->edge_lo = edge_lo;
	r->edge_hi = edge_hi;
	r->obw_lo = lo;
	r->obw_hi = hi;
	/* A persistent carrier's floor is its own level: its noise is the
	 * receiver's, the reference level. */
	const float ref = noise_reference(sg->noise);
	double excess = 0, noise_obw = 0, noise_ext = 0;
	for (size_t k = lo; k <= hi; k++) {
		excess += prof[k];
		noise_obw += (sl->persistent && ref < fl[k] ? ref : fl[k]) / sg->median_ratio;
	}
	/* The noise in the band as measured, edge to edge: the whole bins
	 * lo .. hi are up to a bin wider (on a 3.75 kHz tone, 4 bins against
	 * 1.6: its SNR read 3 dB low). */
	noise_obw *= (edge_hi - edge_lo) / (double)(hi - lo + 1);
	for (size_t k = sl->lo; k <= sl->hi; k++)
		noise_ext += (sl->persistent && ref < fl[k] ? ref : fl[k]) / sg->median_ratio;
	r->excess_power = sl->active_frames ? excess / (double)sl->active_frames : 0;
	r->noise_obw = noise_obw;
	r->noise_per_bin = noise_ext / (double)(sl->hi - sl->lo + 1);
}

static void merge_slots(struct segmenter *sg, unsigned into, unsigned from,
                        const struct segmenter_callbacks *cb);
static void release_bins(struct segmenter *sg, const struct slot *sl);

/* Close a region, unless its grown band reaches another open burst region
 * that was on at the same time: at a few dB per bin one burst can cross the
 * threshold in two runs of bins with a dip between, two regions side by
 * side. The two are then one (merge_slots keeps the older), which stays
 * open while the other part lasts. Returns 1 when the region closed. */
static int close_slot(struct segmenter *sg, unsigned idx, const struct segmenter_callbacks *cb)
{
	struct slot *sl = &sg->slots[idx];
	size_t glo, ghi;
	double level = grow_band(sg, sl, &glo, &ghi);
	/* Another part on at the same time is the same burst when the grown
	 * band reaches it, or when the whole gap to it carries the burst on:
	 * block by block, a 0.5 ms burst at 5 dB dips under GROW_Z somewhere
	 * (its parts are then separate events, up to five for one 1 MHz
	 * burst); over the gap as one block, it does not. Never a carrier's
	 * part: a burst beside one is another signal. */
	if (!sl->persistent && !sl->carrier && sl->active_frames) {
		const int grown = glo < sl->lo || ghi > sl->hi;
		size_t wlo, whi;
		wide_range(sg, sl, &wlo, &whi);
		/* A part the band reaches first, then one over a gap. */
		for (int gap = 0; gap < 2; gap++)
			for (unsigned i = 0; i < sg->slots_end; i++) {
				const struct slot *o = &sg->slots[i];
				if (i == idx || !o->in_use || o->persistent || o->cell || o->carrier ||
				    o->first_frame > sl->last_frame)
					continue;
				int same = !gap ? grown && o->hi >= glo && o->lo <= ghi
				                : (o->lo > ghi && o->lo - 1 <= whi &&
				                   grow_block_on(sg, sl, ghi + 1, o->lo - 1, level)) ||
				                      (o->hi < glo && o->hi + 1 >= wlo &&
				                       grow_block_on(sg, sl, o->hi + 1, glo - 1, level));
				if (same) {
					merge_slots(sg, i, idx, cb);
					return 0;
				}
			}
	}
	struct region r;
	fill_region(sg, sl, idx, glo, ghi, &r);
	release_bins(sg, sl);
	sl->in_use = 0;
	if (cb && cb->close)
		cb->close(&r, cb->ctx);
	return 1;
}

static int open_slot(struct segmenter *sg, size_t a, size_t b, uint64_t first,
                     const struct segmenter_callbacks *cb)
{
	for (unsigned i = 0; i < sg->cfg.max_regions; i++) {
		struct slot *sl = &sg->slots[i];
		if (sl->in_use)
			continue;
		sl->in_use = 1;
		sl->touched = 1;
		if (i + 1 > sg->slots_end)
			sg->slots_end = i + 1;
		sl->first_frame = first;
		sl->seed_frame = sg->frame;
		sl->last_frame = sg->frame;
		sl->run_frame = sg->frame;
		sl->active_frames = 0;
		sl->lagged = 0;
		sl->block = 0;
		sl->fine = 0;
		sl->tone = 0;
		sl->lo = a;
		sl->hi = b;
		sl->carrier = 0;
		sl->persistent = 0;
		sl->cell = 0;
		sl->fills = 0;
		sl->watched = 0;
		sl->on_first = sl->on_last = sl->on_frames = 0;
		memset(sl->profile, 0, sg->cfg.nbins * sizeof(float));
		memset(sl->wide, 0, sg->cfg.nbins * sizeof(float));
		memset(sl->wide_n, 0, sg->cfg.nbins * sizeof(float));
		if (cb && cb->open) {
			struct region r = {.slot = i, .first_frame = first};
			cb->open(&r, cb->ctx);
		}
		return (int)i;
	}
	sg->overflows++;
	return -1;
}

/* Fold slot `from` into slot `into` (a hop or a widening joined them). */
static void merge_slots(struct segmenter *sg, unsigned into, unsigned from,
                        const struct segmenter_callbacks *cb)
{
	struct slot *a = &sg->slots[into], *b = &sg->slots[from];
	if (b->first_frame < a->first_frame) {
		/* Keep the older one's identity: swap roles. */
		unsigned t = into;
		into = from;
		from = t;
		a = &sg->slots[into];
		b = &sg->slots[from];
	}
	a->lo = b->lo < a->lo ? b->lo : a->lo;
	a->hi = b->hi > a->hi ? b->hi : a->hi;
	a->last_frame = b->last_frame > a->last_frame ? b->last_frame : a->last_frame;
	a->active_frames = b->active_frames > a->active_frames ? b->active_frames : a->active_frames;
	a->carrier |= b->carrier;
	a->touched |= b->touched;
	a->lagged |= b->lagged;
	a->block |= b->block;
	a->fine = a->fine && b->fine;
	a->tone = a->tone && b->tone;
	if (b->seed_frame < a->seed_frame)
		a->seed_frame = b->seed_frame;
	for (size_t k = b->lo; k <= b->hi; k++)
		a->profile[k] += b->profile[k];
	size_t wlo, whi;
	wide_range(sg, b, &wlo, &whi);
	for (size_t k = wlo; k <= whi; k++) {
		a->wide[k] += b->wide[k];
		a->wide_n[k] += b->wide_n[k];
	}
	release_bins(sg, b);
	b->in_use = 0;
	if (cb && cb->drop)
		cb->drop(from, into, cb->ctx);
}

/* A region takes bins [a, b] in this frame (a run, a block seed's band). */
static void slot_take(struct slot *sl, size_t a, size_t b)
{
	sl->touched = 1;
	if (a < sl->lo)
		sl->lo = a;
	if (b > sl->hi)
		sl->hi = b;
}

/* Slot k touches what *owner takes (a run, a block seed's band): the first
 * such is the owner, the others join it (merge_slots keeps the older). */
static void join_owner(struct segmenter *sg, int *owner, unsigned k, const struct segmenter_callbacks *cb)
{
	if (*owner < 0) {
		*owner = (int)k;
		return;
	}
	merge_slots(sg, (unsigned)*owner, k, cb);
	if (!sg->slots[*owner].in_use)
		*owner = (int)k;
}

/* Is [a, b] mostly (half or more) inside an open persistent carrier? */
static int inside_persistent(const struct segmenter *sg, size_t a, size_t b)
{
	for (unsigned i = 0; i < sg->slots_end; i++) {
		const struct slot *sl = &sg->slots[i];
		if (!sl->in_use || !sl->persistent || b < sl->lo || a > sl->hi)
			continue;
		size_t olo = a > sl->lo ? a : sl->lo, ohi = b < sl->hi ? b : sl->hi;
		if (2 * (ohi - olo + 1) >= b - a + 1)
			return 1;
	}
	return 0;
}

/* The 4-frame sums of frames j - d - L + 1 .. j - d (the current frame j),
 * d < NARROW_FRAMES - L + 1. */
static const float *sums_at(const struct segmenter *sg, size_t d)
{
	const size_t ns = NARROW_FRAMES - L + 1;
	return sg->sums + (sg->sums_pos + ns - 1 - d) % ns * sg->cfg.nbins;
}

/* The 4-frame sums of frames j - 4i, i = 0 .. 3 (the current frame j). */
static const float *sums_back(const struct segmenter *sg, size_t i)
{
	return sums_at(sg, i * L);
}

/* Bin k's power summed over the last NARROW_FRAMES frames. */
static float long_at(const struct segmenter *sg, size_t k)
{
	return ((sums_back(sg, 0)[k] + sums_back(sg, 1)[k]) + sums_back(sg, 2)[k]) + sums_back(sg, 3)[k];
}

/* The same for every bin, into sg->long_sum. */
SIMSWEEP_VECTOR_CLONES
static void long_sums(struct segmenter *sg)
{
	const size_t n = sg->cfg.nbins;
	float *restrict ls = sg->long_sum;
	const float *restrict q0 = sums_back(sg, 0), *restrict q1 = sums_back(sg, 1),
	                      *restrict q2 = sums_back(sg, 2), *restrict q3 = sums_back(sg, 3);
	for (size_t k = 0; k < n; k++)
		ls[k] = ((q0[k] + q1[k]) + q2[k]) + q3[k];
}

/* Has no region held bin k for q frames, counting the current one? */
static int quiet(const struct segmenter *sg, size_t k, uint64_t q)
{
	return !sg->freeze[k] && sg->frame + 1 - sg->held[k] >= q;
}

/* A region stops holding its bins (it closes, or joins another). Its
 * bins were frozen through the last frame. */
static void release_bins(struct segmenter *sg, const struct slot *sl)
{
	if (sl->persistent)
		return;
	/* A blip, BLIP_BINS wide or less and on for under L frames, is
	 * as a rule dropped as too short (pipeline.c, NARROW_MIN_S): its bins stay
	 * quiet for the narrow seed. A 3.75 kHz tone at 7 .. 9 dB crosses the
	 * threshold in such blips, ms apart, where noise peaks ride on it;
	 * they kept its bins from ever being quiet, and it came out as a few
	 * ms of its 32, or not at all. (Up to NARROW_BINS, slivers of an SRS
	 * comb at 10 .. 15 dB seeded regions too.) */
	if (!sl->lagged && sl->hi - sl->lo + 1 <= BLIP_BINS && sl->last_frame - sl->first_frame < L)
		return;
	for (size_t j = sl->lo; j <= sl->hi; j++)
		sg->held[j] = sg->frame;
}

/* Does the excess of s (each bin's power summed over f frames) beside
 * [a, b] (from one to four run widths out, on each side) stay under a
 * quarter of its excess in it? One tooth of a comb (an SRS) or a sliver
 * of a wider weak burst is not a narrow burst. */
static int isolated_in(const struct segmenter *sg, const float *s, const float *fl, size_t f,
                       size_t a, size_t b)
{
	const size_t n = sg->cfg.nbins;
	const double mean = (double)f / sg->median_ratio;
	size_t w = b - a + 1 < 4 ? 4 : b - a + 1;
	double in = 0, lo = 0, hi = 0;
	size_t n_lo = 0, n_hi = 0;
	for (size_t k = a; k <= b; k++)
		in += s[k] - fl[k] * mean;
	in /= (double)(b - a + 1);
	for (size_t d = w; d < 4 * w; d++) {
		if (a >= d + 1 && !sg->mask[a - d]) {
			lo += s[a - d] - fl[a - d] * mean;
			n_lo++;
		}
		if (b + d < n && !sg->mask[b + d]) {
			hi += s[b + d] - fl[b + d] * mean;
			n_hi++;
		}
	}
	/* Each side on its own: the outermost tooth of a comb has noise on
	 * one side only. */
	return (n_lo == 0 || lo / (double)n_lo < 0.25 * in) && (n_hi == 0 || hi / (double)n_hi < 0.25 * in) &&
	       n_lo + n_hi > 0;
}

/* The same on the long sums (sg->long_sum, made now). */
static int isolated(struct segmenter *sg, size_t a, size_t b)
{
	long_sums(sg);
	return isolated_in(sg, sg->long_sum, noise_floor(sg->noise), NARROW_FRAMES, a, b);
}

/* The first frame of a region the narrow seed opens now: a weak burst
 * may have been on for two of its sums before one passes. */
static uint64_t lagged_first(const struct segmenter *sg)
{
	const uint64_t back = 2 * NARROW_FRAMES - 1;
	return sg->frame >= back ? sg->frame - back : 0;
}

/* Was there power in [a, b] (a narrow, isolated run) over the
 * NARROW_FRAMES - L frames before the current smoothing's, at NARROW_Z
 * sigmas? (At NARROW_Z_ON, slivers of SRS runs were dated back into
 * events.) */
static int narrow_before(struct segmenter *sg, size_t a, size_t b)
{
	if (sg->sums_fill < NARROW_FRAMES - L + 1 || b - a + 1 > NARROW_BINS)
		return 0;
	const float *fl = noise_floor(sg->noise);
	const float t = sg->t_prior * (float)(NARROW_FRAMES - L) / (float)sg->median_ratio;
	/* (Not where a region has been lately: that power was its; nor at
	 * the band's edges, see detect_narrow.) */
	if (a < NARROW_BINS / 2 || b + NARROW_BINS / 2 >= sg->cfg.nbins)
		return 0;
	for (size_t k = a; k <= b; k++)
		if (!quiet(sg, k, SEGMENTER_LAGGED_FRAMES))
			return 0;
	for (size_t k = a; k <= b; k++)
		if (!sg->mask[k] && long_at(sg, k) - sums_back(sg, 0)[k] > fl[k] * t)
			return isolated(sg, a, b);
	return 0;
}

/* One run of active bins [a, b]: attach it to the regions it touches or
 * open a new one. Returns nothing; slots are updated. */
static void take_run(struct segmenter *sg, size_t a, size_t b, int seed,
                     const struct segmenter_callbacks *cb)
{
	const size_t tol = sg->tol_bins;
	int owner = -1;
	if (!seed)
		return; /* a run counts only when it holds a bin above threshold */
	/* A run mostly inside a persistent carrier is the carrier's own
	 * variation (a downlink's traffic); one mostly outside ignores it. */
	if (inside_persistent(sg, a, b))
		return;
	for (unsigned i = 0; i < sg->slots_end; i++) {
		struct slot *sl = &sg->slots[i];
		if (!sl->in_use || sl->persistent)
			continue;
		size_t lo = sl->lo > tol ? sl->lo - tol : 0;
		size_t hi = sl->hi + tol;
		if (b < lo || a > hi)
			continue;
		/* Near but not on it: the energy hopped there (NPRACH) only if
		 * the region has gone quiet where it was; a region still live in
		 * its own bins is another signal beside this one. */
		if ((b < sl->lo || a > sl->hi) && sl->live)
			continue;
		join_owner(sg, &owner, i, cb);
	}
	if (owner < 0) {
		/* A narrow burst on before it crossed the threshold (a weak tone
		 * does so at a noise peak, any time into it): its region is dated
		 * back as the narrow seed's are. */
		int lag = narrow_before(sg, a, b);
		uint64_t first = lag ? lagged_first(sg) : sg->frame;
		owner = open_slot(sg, a, b, first, cb);
		if (owner < 0)
			return;
		sg->slots[owner].lagged = lag;
	}
	slot_take(&sg->slots[owner], a, b);
	sg->slots[owner].fine = 0; /* a bin of it over the threshold */
}

static int masked(const struct segmenter *sg, size_t k)
{
	return sg->mask[k];
}

/* A cell's band (where the training's mean stood over the reference, and
 * its skirts) is on while its smoothed power stands over the reference
 * level, as a persistent carrier's. What was taken for a cell may have
 * been an uplink burst on through the training: its cyclic prefix passes
 * the OFDM windows while it lasts (an 8 ms LTE-M burst from 2 ms passes
 * the two of a 12 ms training). When the band has been off for CELL_GONE_S
 * and the caller says that the OFDM windows have failed since (a cell,
 * FDD or TD-LTE, is never off that long: subframes 0 and 5 of every frame
 * are downlink), the region becomes that burst, over that band, from the
 * first to the last frame the band was on, and closes as bursts do;
 * signals in its band are seen again. */
static void cell_watch(struct segmenter *sg, unsigned idx, const float *s, double ref_lo,
                       const struct segmenter_callbacks *cb)
{
	struct slot *sl = &sg->slots[idx];
	if (sg->frame >= sg->cell_frame && sg->frame - sg->cell_frame > sg->watch_frames) {
		sl->watched = 0;
		return;
	}
	double sum = 0;
	for (size_t j = sl->core_lo; j <= sl->core_hi; j++)
		sum += s[j];
	if (sum > ref_lo * (double)(sl->core_hi - sl->core_lo + 1)) {
		if (!sl->on_frames++)
			sl->on_first = sg->frame;
		sl->on_last = sg->frame;
		return;
	}
	if (sg->frame < sg->cell_frame || sg->frame - sl->on_last < sg->gone_frames || !cb ||
	    !cb->gone || !cb->gone(sg->frame, cb->ctx))
		return;
	sl->cell = 0;
	sl->watched = 0;
	sl->fills = 0;
	sl->persistent = 0;
	sl->carrier = 0;
	sl->touched = 0;
	sl->lo = sl->core_lo;
	sl->hi = sl->core_hi;
	sl->first_frame = sl->on_frames ? sl->on_first : sg->frame;
	sl->last_frame = sl->on_frames ? sl->on_last : sg->frame;
	sl->active_frames = sl->on_frames;
	/* The floor under it was learnt with the burst on: the receiver's
	 * noise there is the reference level, as it was for the cell. Its
	 * profile so far (the frames off add noise about zero) is what a
	 * burst's band is grown from. */
	noise_lower(sg->noise, sl->lo, sl->hi, noise_reference(sg->noise));
	size_t wlo, whi;
	wide_range(sg, sl, &wlo, &whi);
	for (size_t j = wlo; j <= whi; j++) {
		int in = j >= sl->lo && j <= sl->hi;
		sl->wide[j] = in ? sl->profile[j] : 0.0f;
		sl->wide_n[j] = in ? (float)sl->on_frames : 0.0f;
	}
}

/* The mask of bins never detected, once the floor knows its dead bins. */
static void make_mask(struct segmenter *sg)
{
	const uint8_t *dead = noise_dead(sg->noise);
	for (size_t k = 0; k < sg->cfg.nbins; k++) {
		sg->mask[k] = (k >= sg->dc_lo && k < sg->dc_hi) || dead[k];
		sg->mask_add[k] = sg->mask[k] ? INFINITY : 0.0f;
		sg->keep[k] = sg->mask[k] ? 0.0f : 1.0f;
	}
}

/* sg->hits: which blocks of SCAN_BLOCK bins hold a bin of x over the
 * floor times t (masked bins never), asked in vector code. */
SIMSWEEP_VECTOR_CLONES
static void scan_blocks(struct segmenter *sg, const float *restrict x, float t)
{
	const size_t n = sg->cfg.nbins;
	const float *restrict fl = noise_floor(sg->noise);
	const float *restrict m = sg->mask_add;
	for (size_t b = 0; b < n; b += SCAN_BLOCK) {
		size_t e = b + SCAN_BLOCK < n ? b + SCAN_BLOCK : n;
		unsigned any = 0;
		for (size_t j = b; j < e; j++)
			any |= x[j] > fl[j] * t + m[j];
		sg->hits[b / SCAN_BLOCK] = (uint8_t)any;
	}
}

/* Does the block of groups [a, a + w) pass the excess ratio r over the
 * sums of scale i (detect_blocks)? The floor's sum times r *
 * BLOCK_FRAMES(i) / median_ratio is its excess's threshold. */
static inline int block_passes(const struct segmenter *sg, size_t i, size_t a, size_t w, double r)
{
	const double rf = r * (double)BLOCK_FRAMES(i) / sg->median_ratio;
	return sg->gx[i][a + w] - sg->gx[i][a] > rf * (sg->gf[a + w] - sg->gf[a]);
}

/* The burst's band inside a run of blocks, groups [*lo, *hi): the
 * interval with the largest excess over the square root of its width (a
 * flat band's matched test, largest at its edges). The run alone is up to
 * a block wider on each side: a 180 kHz burst came out 450 .. 600 kHz
 * wide, its SNR measured 5 .. 10 dB under its own. */
static void block_extent(const struct segmenter *sg, size_t i, size_t *lo, size_t *hi)
{
	const double *x = sg->gx[i];
	double best = -INFINITY;
	size_t b0 = *lo, b1 = *hi;
	for (size_t a = *lo; a < *hi; a++)
		for (size_t b = a + 1; b <= *hi; b++) {
			double sc = (x[b] - x[a]) / sqrt((double)(b - a));
			if (sc > best) {
				best = sc;
				b0 = a;
				b1 = b;
			}
		}
	*lo = b0;
	*hi = b1;
}

/* Mark bins [lo, hi] +- the hop tolerance near an open region. */
static void block_near(struct segmenter *sg, size_t lo, size_t hi)
{
	const size_t n = sg->cfg.nbins, tol = sg->tol_bins;
	lo = lo > tol ? lo - tol : 0;
	hi = hi + tol < n ? hi + tol : n - 1;
	memset(sg->bnear + lo, 1, hi - lo + 1);
}

/* The tiles the seed tests (block_tiles): groups of BLOCK_GROUP bins
 * (level 0), then sums of two tiles of the level below; level l tiles are
 * BLOCK_GROUP << l bins. A block of w bins at step w / 2 is two tiles of
 * level log2(w / 2 / BLOCK_GROUP) side by side: all its sums in one vector
 * pass, where prefix sums would be a chain of dependent adds. */
#define BLOCK_LEVELS 5

/* Where level l starts in a pyramid of tiles (2 groups in all). */
static size_t tile_offset(const struct segmenter *sg, size_t l)
{
	const size_t groups = sg->cfg.nbins / BLOCK_GROUP;
	size_t off = 0;
	for (size_t k = 0; k < l; k++)
		off += groups >> k;
	return off;
}

static float *tile(const struct segmenter *sg, size_t q, size_t l)
{
	return sg->tiles + q * 2 * (sg->cfg.nbins / BLOCK_GROUP) + tile_offset(sg, l);
}

static uint8_t *tile_bad(const struct segmenter *sg, size_t l)
{
	return sg->tiles_bad + tile_offset(sg, l);
}

/* Each bin's excess over 2 L frames (q = 0) and over NARROW_FRAMES (q =
 * 1), and its floor (q = 2), masked bins 0, into sg->bval; and whether it is
 * masked or near an open region (sg->bnear), into sg->bbad. Separate
 * loops: as one, GCC makes none of them vector code. */
SIMSWEEP_VECTOR_CLONES
static void block_bins(struct segmenter *sg)
{
	const size_t n = sg->cfg.nbins;
	const float *restrict fl = noise_floor(sg->noise);
	const float *restrict keep = sg->keep;
	const float *restrict q0 = sums_back(sg, 0), *restrict q1 = sums_back(sg, 1);
	const float *restrict ls = sg->long_sum;
	float *restrict e0 = sg->bval, *restrict e1 = sg->bval + n, *restrict bf = sg->bval + 2 * n;
	const float m0 = (float)((double)BLOCK_FRAMES(0) / sg->median_ratio);
	const float m1 = (float)((double)BLOCK_FRAMES(1) / sg->median_ratio);
	for (size_t k = 0; k < n; k++)
		bf[k] = fl[k] * keep[k];
	for (size_t k = 0; k < n; k++)
		e0[k] = (q0[k] + q1[k]) * keep[k] - bf[k] * m0;
	for (size_t k = 0; k < n; k++)
		e1[k] = ls[k] * keep[k] - bf[k] * m1;
	const uint8_t *restrict mask = sg->mask, *restrict near = sg->bnear;
	uint8_t *restrict bad = sg->bbad;
	for (size_t k = 0; k < n; k++)
		bad[k] = mask[k] | near[k];
}

/* The tiles' sums of sg->bval's three (block_bins). */
SIMSWEEP_VECTOR_CLONES
static void block_tiles(struct segmenter *sg)
{
	const size_t n = sg->cfg.nbins, groups = n / BLOCK_GROUP;
	for (size_t q = 0; q < 3; q++) {
		const float *restrict v = sg->bval + q * n;
		float *restrict t = tile(sg, q, 0);
		for (size_t g = 0; g < groups; g++)
			t[g] = (v[4 * g] + v[4 * g + 1]) + (v[4 * g + 2] + v[4 * g + 3]);
		for (size_t l = 1; l < BLOCK_LEVELS; l++) {
			const float *restrict a = tile(sg, q, l - 1);
			float *restrict b = tile(sg, q, l);
			for (size_t p = 0; p < groups >> l; p++)
				b[p] = a[2 * p] + a[2 * p + 1];
		}
	}
}

/* The same of the bins not free for a seed (sg->bbad), and the groups at
 * the band's edges, where the narrow seed stays away. (Whether their bins
 * are quiet, detect_blocks asks of the blocks that pass.) */
SIMSWEEP_VECTOR_CLONES
static void block_tiles_bad(struct segmenter *sg)
{
	const size_t n = sg->cfg.nbins, groups = n / BLOCK_GROUP, edge = NARROW_BINS / 2;
	const uint8_t *restrict v = sg->bbad;
	uint8_t *restrict t = tile_bad(sg, 0);
	for (size_t g = 0; g < groups; g++)
		t[g] = (uint8_t)((v[4 * g] | v[4 * g + 1]) | (v[4 * g + 2] | v[4 * g + 3]));
	for (size_t g = 0; g < groups && g * BLOCK_GROUP < edge; g++)
		t[g] = 1;
	for (size_t g = groups; g-- > 0 && g * BLOCK_GROUP + BLOCK_GROUP + edge > n;)
		t[g] = 1;
	for (size_t l = 1; l < BLOCK_LEVELS; l++) {
		const uint8_t *restrict a = tile_bad(sg, l - 1);
		uint8_t *restrict b = tile_bad(sg, l);
		for (size_t p = 0; p < groups >> l; p++)
			b[p] = a[2 * p] | a[2 * p + 1];
	}
}

/* Flags the blocks of width j (two tiles of level l, at p and p + 1) that
 * pass the seed's test on either scale (2), or only BLOCK_Z_PRE (1), every
 * bin free. Returns how many. */
SIMSWEEP_VECTOR_CLONES
static size_t block_flags(struct segmenter *sg, size_t l, size_t j)
{
	const size_t m = (sg->cfg.nbins / BLOCK_GROUP) >> l;
	const float *restrict x0 = tile(sg, 0, l), *restrict x1 = tile(sg, 1, l),
	                      *restrict f = tile(sg, 2, l);
	const uint8_t *restrict bad = tile_bad(sg, l);
	uint8_t *restrict flag = sg->bflag;
	const float c0 = sg->block_seed_f[0][j], c1 = sg->block_seed_f[1][j];
	const float e0 = sg->block_pre_f[0][j], e1 = sg->block_pre_f[1][j];
	size_t any = 0;
	for (size_t p = 0; p + 1 < m; p++) {
		const float ff = f[p] + f[p + 1];
		const float s0 = x0[p] + x0[p + 1], s1 = x1[p] + x1[p + 1];
		const int pass = (s0 > c0 * ff) | (s1 > c1 * ff);
		const int pre = (s0 > e0 * ff) | (s1 > e1 * ff);
		const int ok = (ff > 0.0f) & !(bad[p] | bad[p + 1]);
		flag[p] = (uint8_t)((pass + pre) * ok);
		any += flag[p] != 0;
	}
	return any;
}

/* The power of bins [a, b) (masked ones 0) over block_fine's sums of
 * scale i (L << i frames) ending d frames back. */
static inline double fine_power(const struct segmenter *sg, size_t a, size_t b, size_t i, size_t d)
{
	const float *keep = sg->keep;
	double x = 0;
	for (size_t q = 0; q < ((size_t)1 << i); q++) {
		const float *v = sums_at(sg, d + q * L);
		for (size_t k = a; k < b; k++)
			x += v[k] * keep[k];
	}
	return x;
}

/* The same over groups [ga, gb) less the floor's share (the excess), and
 * how many of their bins are not masked. */
static double fine_excess(const struct segmenter *sg, size_t ga, size_t gb, size_t i, size_t d,
                          size_t *m)
{
	*m = 0;
	for (size_t k = ga * BLOCK_GROUP; k < gb * BLOCK_GROUP; k++)
		*m += !sg->mask[k];
	const double mf = (double)(L << i) / sg->median_ratio;
	return fine_power(sg, ga * BLOCK_GROUP, gb * BLOCK_GROUP, i, d) -
	       mf * (sg->gf[gb] - sg->gf[ga]);
}

/* Does a band of groups [lo, hi) that block_fine found over the sums of
 * scale i ending d frames back stand alone: on each side, over as many
 * bins as it has (FINE_SIDE_MIN at least), an excess per bin under
 * FINE_SIDE of its own? Part of a wider burst is not (an SRS symbol of
 * 720 kHz whose threshold runs held a part of its band: another part of
 * it, dated back as a weak burst, came out beside its own event). The
 * band's own excess is the largest of many and its sides' are not: at 0.5
 * of it, 140 kHz of a 720 kHz SRS run at 6 dB passed. */
#define FINE_SIDE     0.25
#define FINE_SIDE_MIN 16
static int fine_isolated(const struct segmenter *sg, size_t lo, size_t hi, size_t i, size_t d)
{
	const size_t groups = sg->cfg.nbins / BLOCK_GROUP, min_g = FINE_SIDE_MIN / BLOCK_GROUP;
	size_t w = hi - lo < min_g ? min_g : hi - lo, m_in, m_lo, m_hi;
	const double in = fine_excess(sg, lo, hi, i, d, &m_in);
	const double x_lo = fine_excess(sg, lo > w ? lo - w : 0, lo, i, d, &m_lo);
	const double x_hi = fine_excess(sg, hi, hi + w < groups ? hi + w : groups, i, d, &m_hi);
	if (!m_in || !(in > 0))
		return 0;
	const double t = FINE_SIDE * in / (double)m_in;
	return (!m_lo || x_lo / (double)m_lo < t) && (!m_hi || x_hi / (double)m_hi < t);
}

/* The finer search of a block of groups [a, a + w) that passed only
 * BLOCK_Z_PRE (BLOCK_Z_FINE): of the bands of whole groups, free, within
 * w groups of it either side, and the sums of 4 frames ending at each of
 * the last 2 L frames, of 2 L ending at each of the last L, and of
 * NARROW_FRAMES, the one whose excess stands furthest over what its size
 * needs. Returns whether it passes; its band in [*lo, *hi) (groups), the
 * frames summed in [*f0, *f1]. */
static int block_fine(struct segmenter *sg, size_t a, size_t w, size_t *lo, size_t *hi,
                      uint64_t *f0, uint64_t *f1)
{
	const size_t groups = sg->cfg.nbins / BLOCK_GROUP;
	const uint8_t *bad = tile_bad(sg, 0);
	size_t g0 = a, g1 = a + w;
	while (g0 > 0 && a - g0 < w && !bad[g0 - 1])
		g0--;
	while (g1 < groups && g1 - (a + w) < w && !bad[g1])
		g1++;
	const size_t m = g1 - g0;
	double *fx = sg->fx;
	const double *ff = sg->gf + g0; /* the floor's prefix sums (block_groups) */
	double best = 0.0;
	size_t bi = 0, bd = 0;
	for (size_t i = 0; i < FINE_SCALES; i++) {
		const size_t shifts = i == 0 ? 2 * L : i == 1 ? L : 1;
		const double mf = (double)(L << i) / sg->median_ratio;
		for (size_t d = 0; d < shifts; d++) {
			fx[0] = 0;
			for (size_t g = 0; g < m; g++)
				fx[g + 1] = fx[g] + fine_power(sg, (g0 + g) * BLOCK_GROUP,
				                               (g0 + g + 1) * BLOCK_GROUP, i, d);
			for (size_t u = 0; u < m; u++)
				for (size_t v = u + 1; v <= m && v - u <= FINE_MAX_GROUPS; v++) {
					const double fsum = mf * (ff[v] - ff[u]);
					const double need = sg->fine_thr[i][v - u] * fsum;
					if (need > 0 && (fx[v] - fx[u]) - fsum > best * need) {
						best = ((fx[v] - fx[u]) - fsum) / need;
						*lo = g0 + u;
						*hi = g0 + v;
						bi = i;
						bd = d;
					}
				}
		}
	}
	/* A band that reaches the end of the search may be part of a wider
	 * burst, which the blocks' own test is left to (a 1 MHz PRACH at 3 dB,
	 * found over 320 kHz of it a frame before its blocks passed, came out
	 * as no event). */
	*f1 = sg->frame - bd;
	*f0 = *f1 + 1 - (L << bi);
	return best >= 1.0 && *lo > g0 && *hi < g1 && fine_isolated(sg, *lo, *hi, bi, bd);
}

/* The groups' prefix sums (for the runs and extents of the blocks that
 * pass). */
static void block_groups(struct segmenter *sg)
{
	const size_t groups = sg->cfg.nbins / BLOCK_GROUP;
	const float *t0 = tile(sg, 0, 0), *t1 = tile(sg, 1, 0), *tf = tile(sg, 2, 0);
	double x0 = 0, x1 = 0, f = 0;
	sg->gx[0][0] = sg->gx[1][0] = sg->gf[0] = 0;
	for (size_t g = 0; g < groups; g++) {
		x0 += t0[g];
		x1 += t1[g];
		f += tf[g];
		sg->gx[0][g + 1] = x0;
		sg->gx[1][g + 1] = x1;
		sg->gf[g + 1] = f;
	}
}

/* The block seed (BLOCK_MIN), after the narrow seed, every L frames. A
 * block with BLOCK_STRONG of its bins over the low threshold in the
 * current raw frame is left to the threshold: a strong burst just begun,
 * which its runs have not covered yet (a block seeded beside them made
 * the burst's region one dated back, its end 2 ms late). */
#define BLOCK_STRONG 0.4
static void detect_blocks(struct segmenter *sg, const float *raw, const struct segmenter_callbacks *cb)
{
	const size_t n = sg->cfg.nbins, groups = n / BLOCK_GROUP, tol = sg->tol_bins;
	memcpy(sg->bnear, sg->freeze, n);
	for (unsigned i = 0; i < sg->slots_end; i++)
		if (sg->slots[i].in_use)
			block_near(sg, sg->slots[i].lo, sg->slots[i].hi);
	/* Quiet (as for the narrow seed): no region held its bins after this
	 * frame; none is before that many frames. */
	if (sg->frame + 1 < SEGMENTER_LAGGED_FRAMES)
		return;
	const uint64_t since = sg->frame + 1 - SEGMENTER_LAGGED_FRAMES;
	block_bins(sg);
	block_tiles(sg);
	block_tiles_bad(sg);
	int sums = 0;
	const size_t edge_g = (NARROW_BINS / 2 + BLOCK_GROUP - 1) / BLOCK_GROUP;
	for (size_t j = 0; j < BLOCK_WIDTHS; j++) {
		const size_t w = (BLOCK_MAX >> j) / BLOCK_GROUP, step = w / 2;
		const size_t l = BLOCK_LEVELS - 1 - j; /* step == 1 << l */
		if (!block_flags(sg, l, j))
			continue;
		if (!sums) {
			block_groups(sg);
			sums = 1;
		}
		const uint8_t *bad = tile_bad(sg, l);
		const size_t m = groups >> l;
		for (size_t p = 0; p + 1 < m; p++) {
			/* (A region opened since the flags were set may have taken
			 * its bins.) */
			if (!sg->bflag[p] || bad[p] || bad[p + 1])
				continue;
			const size_t a = p * step;
			size_t lo = a, hi = a + w;
			const int fine = sg->bflag[p] == 1;
			uint64_t f0 = 0, f1 = 0;
			if (fine && !block_fine(sg, a, w, &lo, &hi, &f0, &f1))
				continue;
			const float *fl = noise_floor(sg->noise);
			size_t strong = 0, held = 0;
			for (size_t k = lo * BLOCK_GROUP; k < hi * BLOCK_GROUP; k++) {
				strong += raw[k] > fl[k] * sg->t_lo && !sg->mask[k];
				held += sg->held[k] > since;
			}
			if (held || (double)strong >= BLOCK_STRONG * (double)((hi - lo) * BLOCK_GROUP))
				continue;
			if (!fine) {
				/* The run of blocks beside it that pass BLOCK_Z_ON,
				 * free or not (across the DC mask, into a region on a
				 * stronger part of the same burst). */
				const size_t i = block_passes(sg, 0, a, w, sg->block_seed[0][j]) ? 0 : 1;
				const double r = sg->block_run[i][j];
				while (lo >= edge_g + step && block_passes(sg, i, lo - step, w, r))
					lo -= step;
				while (hi + step + edge_g <= groups && block_passes(sg, i, hi + step - w, w, r))
					hi += step;
				p = hi / step - 1; /* (the loop goes on past the run) */
				block_extent(sg, i, &lo, &hi);
			}
			const size_t blo = lo * BLOCK_GROUP, bhi = hi * BLOCK_GROUP - 1;
			if (inside_persistent(sg, blo, bhi))
				continue;
			/* A region on part of it takes the rest, as it takes a run. */
			int owner = -1;
			for (unsigned k = 0; k < sg->slots_end; k++) {
				struct slot *sl = &sg->slots[k];
				if (!sl->in_use || sl->persistent || sl->cell || bhi + tol < sl->lo ||
				    blo > sl->hi + tol)
					continue;
				join_owner(sg, &owner, k, cb);
			}
			if (owner < 0) {
				owner = open_slot(sg, blo, bhi, lagged_first(sg), cb);
				if (owner < 0)
					return;
				sg->slots[owner].lagged = 1;
				sg->slots[owner].block = 1;
				sg->slots[owner].fine = fine;
				sg->slots[owner].fine_lo = f0;
				sg->slots[owner].fine_hi = f1;
			}
			struct slot *sl = &sg->slots[owner];
			slot_take(sl, blo, bhi);
			/* Its bins and those near them are no longer free. */
			block_near(sg, sl->lo, sl->hi);
			for (size_t k = 0; k < n; k++)
				sg->bbad[k] = sg->mask[k] | sg->bnear[k];
			block_tiles_bad(sg);
		}
	}
}

/* Where the tone ring holds entry i back (0: the newest). */
static size_t tone_slot(const struct segmenter *sg, size_t i)
{
	return (sg->tone_pos + TONE_SLOTS - 1 - i) % TONE_SLOTS * sg->cfg.nbins;
}

/* The 4-frame sum i back, and the floor then. */
static const float *tone_back(const struct segmenter *sg, size_t i)
{
	return sg->tone_ring + tone_slot(sg, i);
}

static const float *tone_floor_back(const struct segmenter *sg, size_t i)
{
	return sg->tone_floor + tone_slot(sg, i);
}

/* Bins [a, b]'s power summed over the last f frames (a multiple of L) and
 * the floor's at their start over the same, unmasked bins only; returns
 * the bins summed. */
static size_t tone_band(const struct segmenter *sg, size_t a, size_t b, size_t f, double *x,
                        double *nz)
{
	const float *fl = tone_floor_back(sg, f / L - 1);
	size_t m = 0;
	*x = *nz = 0;
	for (size_t k = a; k <= b; k++) {
		if (sg->mask[k])
			continue;
		for (size_t i = 0; i < f / L; i++)
			*x += tone_back(sg, i)[k];
		*nz += fl[k] * (double)f / sg->median_ratio;
		m++;
	}
	return m;
}

/* Does [a, b]'s sum over the last f frames pass z sigmas? */
static int tone_passes(const struct segmenter *sg, size_t a, size_t b, size_t f, double z)
{
	double x, nz;
	size_t m = tone_band(sg, a, b, f, &x, &nz);
	return m && x - nz > nz * excess_threshold_var(z, band_kappa((double)m), (double)m, (double)f,
	                                               BLOCK_FLOOR_FRAMES);
}

/* Each bin's sums over TONE_FRAMES(i), i < TONE_SCALES, into tone_sum. */
SIMSWEEP_VECTOR_CLONES
static void tone_sums(struct segmenter *sg)
{
	const size_t n = sg->cfg.nbins;
	size_t e = 0;
	for (size_t i = 0; i < TONE_SCALES; i++) {
		float *restrict s = sg->tone_sum + i * n;
		if (i)
			memcpy(s, s - n, n * sizeof(float));
		else
			memset(s, 0, n * sizeof(float));
		for (; e < TONE_FRAMES(i) / L; e++) {
			const float *restrict q = tone_back(sg, e);
			for (size_t k = 0; k < n; k++)
				s[k] += q[k];
		}
	}
}

/* Does a band beside [a, b] as wide, within TONE_SIDE_BINS, hold
 * TONE_SIDE_PEAK of its excess over the sums s (f frames, floor fl)? */
static int tone_beside(const struct segmenter *sg, const float *s, const float *fl, size_t f,
                       size_t a, size_t b)
{
	const size_t n = sg->cfg.nbins, w = b - a + 1;
	const double mean = (double)f / sg->median_ratio;
	double in = 0;
	for (size_t k = a; k <= b; k++)
		in += (double)s[k] - fl[k] * mean;
	for (size_t d = w; d <= TONE_SIDE_BINS; d++)
		for (int side = 0; side < 2; side++) {
			if (side ? b + d + w > n : a < d + w)
				continue;
			const size_t lo = side ? b + d : a - d - w + 1;
			double x = 0;
			for (size_t k = lo; k < lo + w; k++)
				x += sg->mask[k] ? 0.0 : (double)s[k] - fl[k] * mean;
			if (x >= TONE_SIDE_PEAK * in)
				return 1;
		}
	return 0;
}

/* Is any bin a band may take (quiet for q frames, away from the band's
 * edges) over t of its floor's sum (f frames' mean `mean`)? In float, a
 * little under t: a screen, the bands are tested in double after it. */
SIMSWEEP_VECTOR_CLONES
static int tone_any(const struct segmenter *sg, const float *restrict s, const float *restrict fl,
                    float mean, float t, uint64_t q)
{
	const size_t n = sg->cfg.nbins, edge = NARROW_BINS / 2;
	const uint8_t *restrict mask = sg->mask, *restrict fz = sg->freeze;
	const uint64_t *restrict held = sg->held;
	const uint64_t now = sg->frame + 1;
	const float tt = (1.0f + 0.999f * t) * mean;
	int any = 0;
	for (size_t k = edge; k + edge < n; k++)
		any |= (s[k] > fl[k] * tt) & !mask[k] & !fz[k] & (now - held[k] >= q);
	return any;
}

/* The tone seed (see TONE_*): every TONE_EVERY frames, the band of 1 ..
 * TONE_MAX_BINS quiet bins whose sum passes its threshold by the most. */
static void detect_tones(struct segmenter *sg, const struct segmenter_callbacks *cb)
{
	const size_t n = sg->cfg.nbins, edge = NARROW_BINS / 2;
	tone_sums(sg);
	double best = 1.0;
	size_t ba = 0, bw = 0, bi = 0;
	double *px = sg->tone_px, *pf = sg->tone_pf;
	uint32_t *pb = sg->tone_pb;
	for (size_t i = 0; i < TONE_SCALES && sg->tone_fill >= TONE_FRAMES(i) / L; i++) {
		/* (the floor the sum is measured against: as it was at its start) */
		const double floor_frames =
		    (double)(sg->frame + sg->init_frames) - (double)(TONE_FRAMES(i) - L);
		const float *s = sg->tone_sum + i * n, *fl = tone_floor_back(sg, TONE_FRAMES(i) / L - 1);
		const double mean = (double)TONE_FRAMES(i) / sg->median_ratio;
		const uint64_t q = TONE_BACK(TONE_FRAMES(i)) + L;
		double t_w[TONE_MAX_BINS + 1], t_min = INFINITY;
		for (size_t w = 1; w <= TONE_MAX_BINS; w++) {
			t_w[w] = floor_frames < TONE_FLOOR_YOUNG ? tone_threshold(w, TONE_FRAMES(i), floor_frames)
			                                         : sg->tone_thr[i][w];
			t_min = t_w[w] < t_min ? t_w[w] : t_min;
		}
		/* A band passes only if one of its bins does at its threshold:
		 * with no bin over the lowest, no band passes (the usual case). */
		if (!tone_any(sg, s, fl, (float)mean, (float)(t_min * best), q))
			continue;
		px[0] = pf[0] = 0;
		pb[0] = 0;
		for (size_t k = 0; k < n; k++) {
			int ok = k >= edge && k + edge < n && !sg->mask[k] && quiet(sg, k, q);
			px[k + 1] = px[k] + (ok ? (double)s[k] - fl[k] * mean : 0.0);
			pf[k + 1] = pf[k] + (ok ? fl[k] * mean : 0.0);
			pb[k + 1] = pb[k] + (uint32_t)!ok;
		}
		for (size_t w = 1; w <= TONE_MAX_BINS; w++) {
			const double t = t_w[w];
			for (size_t a = 0; a + w <= n; a++) {
				if (pb[a + w] != pb[a])
					continue;
				double x = px[a + w] - px[a], f = pf[a + w] - pf[a];
				if (x > best * t * f) {
					best = x / (t * f);
					ba = a;
					bw = w;
					bi = i;
				}
			}
		}
	}
	if (!bw)
		return;
	const size_t a = ba, b = ba + bw - 1, f = TONE_FRAMES(bi);
	const float *fl = tone_floor_back(sg, f / L - 1);
	/* On now (the last quarter of the sum), isolated, away from every
	 * region. */
	if (!tone_passes(sg, a, b, f / 4, TONE_Z_NOW) || inside_persistent(sg, a, b) ||
	    !isolated_in(sg, sg->tone_sum + bi * n, fl, f, a, b) ||
	    tone_beside(sg, sg->tone_sum + bi * n, fl, f, a, b))
		return;
	const size_t tol = sg->tol_bins;
	for (unsigned i = 0; i < sg->slots_end; i++) {
		const struct slot *sl = &sg->slots[i];
		if (sl->in_use && !(b + tol < sl->lo || a > sl->hi + tol))
			return;
	}
	/* Its start: the run of the sum's 4-frame sums up to now whose band
	 * excess stands furthest over its deviation (the burst is on now). */
	const double m_l = (double)L / sg->median_ratio;
	double cum = 0, top = -INFINITY;
	size_t ne = 1;
	for (size_t e = 0; e < f / L; e++) {
		const float *q = tone_back(sg, e);
		for (size_t k = a; k <= b; k++)
			cum += sg->mask[k] ? 0.0 : (double)q[k] - fl[k] * m_l;
		if (cum / sqrt((double)(e + 1)) > top) {
			top = cum / sqrt((double)(e + 1));
			ne = e + 1;
		}
	}
	const uint64_t start = sg->frame + 1 > ne * L ? sg->frame + 1 - ne * L : 0;
	int idx = open_slot(sg, a, b, start > L ? start - L : 0, cb);
	if (idx < 0)
		return;
	struct slot *sl = &sg->slots[idx];
	sl->lagged = 1;
	sl->tone = 1;
	sl->fine_lo = sl->fine_hi = start;
	/* Those frames are its own: their power goes into its profile as a
	 * frame's does while it is on (detect). */
	for (size_t e = 0; e < ne; e++) {
		const float *q = tone_back(sg, e);
		for (size_t k = a; k <= b; k++)
			sl->profile[k] += q[k] - fl[k] * (float)m_l;
	}
	sl->active_frames = ne * L;
}

/* The narrow seed (NARROW_FRAMES): extends the regions it opened, then
 * opens regions on narrow runs of bins over its threshold where no region
 * is or was lately. After the threshold scan, before the freeze. */
SIMSWEEP_VECTOR_CLONES
static void detect_narrow(struct segmenter *sg, const float *raw, const struct segmenter_callbacks *cb)
{
	if (sg->sums_fill < NARROW_FRAMES - L + 1)
		return;
	const size_t n = sg->cfg.nbins;
	const float *ls = sg->long_sum;
	const float *fl = noise_floor(sg->noise);
	const float mean = (float)NARROW_FRAMES / (float)sg->median_ratio;
	const float on = sg->t_narrow_on * mean, seed_t = sg->t_narrow * mean;
	for (unsigned i = 0; i < sg->slots_end; i++) {
		struct slot *sl = &sg->slots[i];
		if (!sl->in_use || !sl->lagged || sl->touched ||
		    (!sl->block && sl->hi - sl->lo + 1 > NARROW_BINS))
			continue;
		if (sl->tone) {
			sl->touched = tone_passes(sg, sl->lo, sl->hi, SEGMENTER_TONE_ON_FRAMES, TONE_Z_ON);
			continue;
		}
		if (sl->block) {
			/* The block seed's: on its whole band. */
			double x = 0, nz = 0;
			size_t m = 0;
			for (size_t j = sl->lo; j <= sl->hi; j++) {
				if (sg->mask[j])
					continue;
				x += long_at(sg, j);
				nz += fl[j] * mean;
				m++;
			}
			sl->touched = m && x - nz > nz * sg->block_on[m];
			continue;
		}
		for (size_t j = sl->lo; j <= sl->hi && !sl->touched; j++)
			sl->touched = !sg->mask[j] && long_at(sg, j) > fl[j] * on;
	}
	/* New seeds are looked for once every L frames: the regions they open
	 * are dated back over two sums anyway. */
	if (sg->frame % L)
		return;
	long_sums(sg);
	memcpy(sg->tone_ring + sg->tone_pos * n, sums_back(sg, 0), n * sizeof(float));
	memcpy(sg->tone_floor + sg->tone_pos * n, noise_floor(sg->noise), n * sizeof(float));
	sg->tone_pos = (sg->tone_pos + 1) % TONE_SLOTS;
	if (sg->tone_fill < TONE_SLOTS)
		sg->tone_fill++;
	/* Quiet for as long as the region would be dated back, and on now:
	 * the long sum of a burst's skirt outlasts its region by up to
	 * NARROW_FRAMES. */
	const uint64_t q = SEGMENTER_LAGGED_FRAMES;
	const float now = sg->t_now * (float)L / (float)sg->median_ratio;
	/* Not at the band's edges, where a receiver's filters roll off and
	 * the alias of a signal beyond them lands as a sliver. */
	const size_t edge = NARROW_BINS / 2;
	scan_blocks(sg, ls, seed_t);
	for (size_t k = edge; k + edge < n; k++) {
		if (!sg->hits[k / SCAN_BLOCK]) {
			k = (k / SCAN_BLOCK + 1) * SCAN_BLOCK - 1;
			continue;
		}
		if (!(ls[k] > fl[k] * seed_t) || sg->mask[k] || !quiet(sg, k, q) ||
		    !(sums_back(sg, 0)[k] > fl[k] * now))
			continue;
		/* The run around it over the lower threshold, where no region
		 * has been. */
		size_t a = k, b = k;
		while (a > edge && !sg->mask[a - 1] && quiet(sg, a - 1, q) && ls[a - 1] > fl[a - 1] * on)
			a--;
		while (b + 1 + edge < n && !sg->mask[b + 1] && quiet(sg, b + 1, q) &&
		       ls[b + 1] > fl[b + 1] * on)
			b++;
		k = b; /* (the loop goes on past the run) */
		if (b - a + 1 > NARROW_BINS || inside_persistent(sg, a, b) ||
		    !isolated_in(sg, ls, fl, NARROW_FRAMES, a, b))
			continue;
		/* Beside an open region it is that region's business. */
		const size_t tol = sg->tol_bins;
		int near = 0;
		for (unsigned i = 0; i < sg->slots_end && !near; i++) {
			const struct slot *sl = &sg->slots[i];
			near = sl->in_use && !(b + tol < sl->lo || a > sl->hi + tol);
		}
		if (near)
			continue;
		int idx = open_slot(sg, a, b, lagged_first(sg), cb);
		if (idx >= 0)
			sg->slots[idx].lagged = 1;
	}
	detect_blocks(sg, raw, cb);
	if (sg->frame % TONE_EVERY == 0)
		detect_tones(sg, cb);
}

/* A burst a few dB over the floor in each bin (a 45 kHz NPUSCH at 4 dB)
 * crosses the smoothed threshold in a bin or two at a time, and drops
 * under it in all of them now and then for longer than the merge gap: it
 * came out in 1.3 ms pieces, and a 1.08 MHz LTE-M burst at 2 dB in pieces
 * of a fraction of its band. Over its whole band the power is far more
 * certain (19 bins x 4 frames: ~76 degrees of freedom against ~11 a
 * cell). So an open region of HOLD_MIN_BINS or more, with none of its
 * bins over the threshold, still holds while
 *   - its band's 4-frame sum stands HOLD_Z sigmas over the floor;
 *   - and HOLD_LEVEL of the region's own mean level over it (the last
 *     frames of a strong burst in the sum's window held it on over gaps:
 *     two GSM bursts at 40 dB, 4 ms apart, were one);
 *   - for HOLD_S at most after a run last touched it (the floor is frozen
 *     under an open region: one that rose under it by the fraction of a
 *     dB the test allows, 0.4 dB over 1 MHz, must not hold it for ever).
 * It holds only: it never opens a region. Regions under HOLD_MIN_BINS
 * are left out: slivers of an SRS comb, pulses 1 ms apart, are held into
 * events of their own (at 12 and 18 dB, 4 in 74 in test_classify from 5
 * bins, 2 in 72 from 6; a first version, on every region, held them into
 * 3 wrong events at 8 dB). From 5 bins (12 kHz), a 15 kHz single tone at 6
 * .. 7 dB, which crosses the threshold a few bins at a time, is held whole
 * (in the evaluation, NPUSCH single tones at 6 .. 10 dB named right 10 of
 * 16 on held-out scenes against 8 of 15, and 31 fewer detections matching
 * no truth over three scene sets). */
static void hold_bands(struct segmenter *sg)
{
	if (sg->ring_fill < L)
		return;
	const float *fl = noise_floor(sg->noise);
	const float *q = sums_back(sg, 0);
	for (unsigned i = 0; i < sg->slots_end; i++) {
		struct slot *sl = &sg->slots[i];
		if (!sl->in_use || sl->persistent || sl->cell)
			continue;
		if (sl->touched) {
			sl->run_frame = sg->frame;
			continue;
		}
		if (sg->frame - sl->run_frame > sg->hold_frames)
			continue;
		double sum = 0, floor_sum = 0, level = 0;
		size_t m = 0;
		for (size_t j = sl->lo; j <= sl->hi; j++) {
			if (sg->mask[j])
				continue;
			sum += q[j];
			floor_sum += fl[j];
			level += sl->profile[j];
			m++;
		}
		if (m < HOLD_MIN_BINS || !sl->active_frames)
			continue;
		/* 2 L degrees of freedom a bin, neighbours sharing about half
		 * (GROW_BIN_CORR). */
		double dof = (double)L * (double)m;
		double noise = floor_sum * (double)L / sg->median_ratio;
		level *= (double)L / (double)sl->active_frames;
		sl->touched = sum > noise * chi2_ratio(dof, HOLD_Z) && sum - noise > HOLD_LEVEL * level;
	}
}

/* Detection on the current smoothed frame (sg->smooth) and raw frame. */
SIMSWEEP_VECTOR_CLONES
static void detect(struct segmenter *sg, const float *raw, const struct segmenter_callbacks *cb)
{
	const size_t n = sg->cfg.nbins;
	const float *s = sg->smooth;
	const float *fl = noise_floor(sg->noise);
	const float t_hi = sg->t_hi, t_lo = sg->t_lo;
	const double ref_lo = (double)noise_reference(sg->noise) * t_lo;

	/* Free slots past the last one in use leave the loops; they are reset
	 * as the loop below resets every slot it visits. */
	while (sg->slots_end > 0 && !sg->slots[sg->slots_end - 1].in_use) {
		sg->slots_end--;
		sg->slots[sg->slots_end].touched = 0;
		sg->slots[sg->slots_end].live = 0;
	}
	for (unsigned i = 0; i < sg->slots_end; i++) {
		struct slot *sl = &sg->slots[i];
		sl->touched = 0;
		sl->live = 0;
		if (!sl->in_use)
			continue;
		if (sl->cell) {
			sl->touched = 1;
			if (sl->watched)
				cell_watch(sg, i, s, ref_lo, cb);
			continue;
		}
		if (sl->persistent) {
			/* On while its band stays over the reference level. */
			double sum = 0;
			for (size_t j = sl->lo; j <= sl->hi; j++)
				sum += s[j];
			sl->touched = sum > ref_lo * (double)(sl->hi - sl->lo + 1);
			continue;
		}
		for (size_t j = sl->lo; j <= sl->hi && !sl->live; j++)
			sl->live = raw[j] > fl[j] * t_hi;
	}

	/* No detection until the time smoothing is full: a one-frame average
	 * is far noisier than the threshold assumes. */
	size_t k = sg->ring_fill < L ? n : 0;
	if (k == 0)
		scan_blocks(sg, s, t_lo);
	while (k < n) {
		if (!sg->hits[k / SCAN_BLOCK]) {
			/* No run starts in this block (one from before goes on
			 * through it by the loop below). */
			k = (k / SCAN_BLOCK + 1) * SCAN_BLOCK;
			continue;
		}
		if (!(s[k] > fl[k] * t_lo) || masked(sg, k)) {
			k++;
			continue;
		}
		size_t a = k;
		int seed = 0;
		while (k < n && s[k] > fl[k] * t_lo && !masked(sg, k)) {
			seed |= s[k] > fl[k] * t_hi;
			k++;
		}
		take_run(sg, a, k - 1, seed, cb);
	}
	detect_narrow(sg, raw, cb);
	hold_bands(sg);

	memset(sg->freeze, 0, n);
	for (unsigned i = 0; i < sg->slots_end; i++) {
		struct slot *sl = &sg->slots[i];
		if (!sl->in_use)
			continue;
		if (sl->touched) {
			sl->last_frame = sg->frame;
			sl->active_frames++;
			const float ref = noise_reference(sg->noise);
			for (size_t j = sl->lo; j <= sl->hi; j++)
				sl->profile[j] += raw[j] - (sl->persistent && ref < fl[j] ? ref : fl[j]) /
				                               (float)sg->median_ratio;
			if (!sl->persistent && !sl->carrier) { /* (a carrier's band does not grow) */
				size_t wlo, whi;
				wide_range(sg, sl, &wlo, &whi);
				for (size_t j = wlo; j <= whi; j++) {
					sl->wide[j] += raw[j] - fl[j] / (float)sg->median_ratio;
					sl->wide_n[j] += 1;
				}
			}
			if (!sl->carrier && sg->frame - sl->first_frame + 1 >= sg->carrier_frames)
				sl->carrier = 1;
		} else if (sg->frame - sl->last_frame > sg->gap_frames) {
			close_slot(sg, i, cb);
			continue;
		}
		if (!sl->persistent) { /* a persistent carrier's floor follows it */
			memset(sg->freeze + sl->lo, 1, sl->hi - sl->lo + 1);
		}
	}
}

/* Signals on through the training stand threshold_db over the reference
 * level in the learnt floor: each run of such bins (with the DC mask and
 * hysteresis of detect()) becomes a carrier region from frame 0. */
#define SKIRT_DB 3.0
#define CELL_CLEAR_DB 12.0

static int cmp_float(const void *x, const void *y)
{
	float u = *(const float *)x, v = *(const float *)y;
	return (u > v) - (u < v);
}

/* Median of v[0..n), n >= 1 (v is reordered). */
static float median_of(float *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_float);
	return v[n / 2];
}

/* Open a persistent carrier over each run of `level` (nbins values) above
 * the reference as described above. Returns how many were opened. */
static int open_runs(struct segmenter *sg, const float *level, int cell,
                     const struct segmenter_callbacks *cb)
{
	const size_t n = sg->cfg.nbins;
	const float ref = noise_reference(sg->noise);
	const uint8_t *dead = noise_dead(sg->noise);
	const float skirt = (float)pow(10.0, SKIRT_DB / 10.0);
	int opened = 0;
	size_t k = 0;
	while (k < n) {
		if (!(level[k] > ref * sg->t_lo) || masked(sg, k)) {
			k++;
			continue;
		}
		/* A run goes on across the DC mask (it splits nothing). */
		size_t a = k, b = k;
		int seed = 0;
		while (k < n && !dead[k] && (level[k] > ref * sg->t_lo || masked(sg, k))) {
			if (!masked(sg, k)) {
				seed |= level[k] > ref * sg->t_hi;
				b = k;
			}
			k++;
		}
		if (!seed || b == a)
			continue;
		/* Its skirts (a downlink's spectrum falls off slowly) belong to
		 * it down to SKIRT_DB over the reference. */
		while (a > 0 && !dead[a - 1] && level[a - 1] > ref * skirt && !masked(sg, a - 1))
			a--;
		while (b + 1 < n && !dead[b + 1] && level[b + 1] > ref * skirt && !masked(sg, b + 1))
			b++;
		k = b + 1;
		if (inside_persistent(sg, a, b))
			continue;
		int i = open_slot(sg, a, b, sg->frame, cb);
		if (i < 0)
			return opened;
		sg->slots[i].persistent = 1;
		sg->slots[i].cell = cell;
		sg->slots[i].carrier = 1;
		opened++;
	}
	return opened;
}

static void open_persistent(struct segmenter *sg, const struct segmenter_callbacks *cb)
{
	/* A cell the caller knows was on throughout (ofdm.h) comes first: it
	 * is where the training's mean power stands over the reference (a
	 * TD-LTE cell, off part of the time), or, when nowhere does, it fills
	 * the whole band and the reference is its own level. */
	if (cb && cb->continuous && sg->warm_count > 0 && cb->continuous(sg->warm_count - 1, cb->ctx)) {
		const size_t n = sg->cfg.nbins;
		float *mean = sg->sum; /* free until smoothing starts */
		memset(mean, 0, n * sizeof(*mean));
		for (size_t f = 0; f < sg->warm_count; f++)
			for (size_t k = 0; k < n; k++)
				mean[k] += sg->warm[f * n + k];
		for (size_t k = 0; k < n; k++)
			mean[k] = mean[k] / (float)sg->warm_count * (float)sg->median_ratio;
		/* One cell, one band: from the first to the last bin whose mean
		 * stands over the reference, out through its skirts; the whole
		 * live band when none does, or when it does not stand clear. */
		const uint8_t *dead = noise_dead(sg->noise);
		const float ref = noise_reference(sg->noise);
		const float skirt = (float)pow(10.0, SKIRT_DB / 10.0);
		size_t a = n, b = 0;
		for (size_t k = 0; k < n; k++) {
			if (dead[k] || masked(sg, k) || !(mean[k] > ref * sg->t_lo))
				continue;
			if (a == n)
				a = k;
			b = k;
		}
		/* A cell over half the live band or more, standing less than
		 * CELL_CLEAR_DB over the lowest live bins, has no receiver noise
		 * beside it: those bins are the receiver's roll-off under the
		 * same cell, and the cell fills the band. (Over less, the bins
		 * beside it are noise: an uplink burst on through most of the
		 * training, 12 dB over a narrowband, made the whole band a cell.) */
		int fills = a == n;
		if (!fills) {
			size_t m = 0, live = 0;
			for (size_t k = 0; k < n; k++)
				live += !dead[k] && !masked(sg, k);
			for (size_t k = a; k <= b; k++)
				if (!dead[k] && !masked(sg, k))
					sg->smooth[m++] = mean[k];
			fills = m == 0 || (2 * m >= live && median_of(sg->smooth, m) <
			                                        ref * (float)pow(10.0, CELL_CLEAR_DB / 10.0));
		}
		/* The band watched (cell_watch): where the mean stands over the
		 * reference, out through its skirts. */
		int watched = a < n;
		if (watched) {
			while (a > 0 && !dead[a - 1] && (mean[a - 1] > ref * skirt || masked(sg, a - 1)))
				a--;
			while (b + 1 < n && !dead[b + 1] && (mean[b + 1] > ref * skirt || masked(sg, b + 1)))
				b++;
		}
		size_t core_lo = a, core_hi = b;
		if (fills) {
			a = 0;
			b = n - 1;
			while (a < n && dead[a])
				a++;
			while (b > a && dead[b])
				b--;
		}
		int i = a < b ? open_slot(sg, a, b, sg->frame, cb) : -1;
		if (i >= 0) {
			sg->slots[i].persistent = 1;
			sg->slots[i].cell = 1;
			sg->slots[i].fills = fills;
			sg->slots[i].carrier = 1;
			sg->slots[i].watched = watched && core_lo < core_hi;
			sg->slots[i].core_lo = core_lo;
			sg->slots[i].core_hi = core_hi;
			sg->cell_frame = sg->warm_count - 1;
		}
	}
	/* Then the signals that stand over the reference in the floor (those
	 * mostly inside a cell are the cell's). */
	open_runs(sg, noise_floor(sg->noise), 0, cb);
}

/* Examine the frames kept while the floor trained. */
static void replay_warm(struct segmenter *sg, const struct segmenter_callbacks *cb)
{
	const size_t n = sg->cfg.nbins;
	sg->ring_fill = 0;
	sg->ring_pos = 0;
	sg->sums_fill = 0;
	sg->tone_pos = 0;
	sg->tone_fill = 0;
	sg->sums_pos = 0;
	sg->frame = 0;
	memset(sg->held, 0, n * sizeof(uint64_t));
	memset(sg->freeze, 0, n);
	make_mask(sg);
	open_persistent(sg, cb);
	/* The first L-1 frames have no full smoothing history: they are
	 * examined with the smoothing of the first L frames instead, so a burst
	 * in the very first frames keeps its energy in its profile. */
	size_t pre = sg->warm_count < L ? sg->warm_count : L;
	for (size_t i = 0; i < pre; i++)
		smooth_frame(sg, sg->warm + i * n);
	for (size_t i = 0; i < sg->warm_count; i++) {
		const float *raw = sg->warm + i * n;
		if (i >= pre)
			smooth_frame(sg, raw);
		detect(sg, raw, cb);
		noise_process(sg->noise, sg->smooth, sg->freeze);
		sg->frame++;
	}
	sg->warm_count = 0;
}

void segmenter_process(struct segmenter *sg, const float *frame, const struct segmenter_callbacks *cb)
{
	const size_t n = sg->cfg.nbins;
	if (!noise_ready(sg->noise)) {
		/* Train the floor and keep the frame to examine once it is ready. */
		smooth_frame(sg, frame);
		memcpy(sg->warm + sg->warm_count * n, frame, n * sizeof(float));
		sg->warm_count++;
		if (noise_process(sg->noise, frame, NULL))
			replay_warm(sg, cb);
		return;
	}
	smooth_frame(sg, frame);
	detect(sg, frame, cb);
	noise_process(sg->noise, sg->smooth, sg->freeze);
	sg->frame++;
}

float *segmenter_frame_buffer(struct segmenter *sg)
{
	return sg->ring + sg->ring_pos * sg->cfg.nbins;
}

void segmenter_flush(struct segmenter *sg, const struct segmenter_callbacks *cb)
{
	/* Input shorter than the training: make do with what there is. */
	if (!noise_ready(sg->noise) && noise_finish(sg->noise))
		replay_warm(sg, cb);
	/* A region that merges into another instead of closing leaves one
	 * fewer open: repeat until none is. */
	for (int open = 1; open;) {
		open = 0;
		for (unsigned i = 0; i < sg->slots_end; i++)
			if (sg->slots[i].in_use) {
				close_slot(sg, i, cb);
				open = 1;
			}
	}
}

size_t segmenter_training_frames(const struct segmenter *sg)
{
	return sg->init_frames;
}

uint64_t segmenter_frames(const struct segmenter *sg)
{
	return sg->frame;
}

double segmenter_noise_per_bin(struct segmenter *sg)
{
	if (!noise_ready(sg->noise))
		return 0;
	return noise_level(sg->noise) / sg->median_ratio;
}

const uint8_t *segmenter_busy(struct segmenter *sg)
{
	/* What another detector must leave alone: the open regions, the
	 * persistent carriers (a downlink's traffic is not a burst) and the
	 * bins never detected. Made on demand: nothing to pay without one. */
	const size_t n = sg->cfg.nbins;
	uint8_t *restrict busy = sg->busy;
	if (!noise_ready(sg->noise)) {
		memset(busy, 0, n);
		return busy;
	}
	const uint8_t *restrict fz = sg->freeze, *restrict mk = sg->mask;
	for (size_t j = 0; j < n; j++)
		busy[j] = fz[j] | mk[j];
	for (unsigned i = 0; i < sg->slots_end; i++) {
		const struct slot *sl = &sg->slots[i];
		if (sl->in_use && sl->persistent)
			memset(busy + sl->lo, 1, sl->hi - sl->lo + 1);
	}
	return busy;
}

int segmenter_cell_watched(const struct segmenter *sg)
{
	for (unsigned i = 0; i < sg->slots_end; i++)
		if (sg->slots[i].in_use && sg->slots[i].cell && sg->slots[i].watched)
			return 1;
	return 0;
}

uint64_t segmenter_overflows(const struct segmenter *sg)
{
	return sg->overflows;
}

void segmenter_reset(struct segmenter *sg)
{
	noise_reset(sg->noise);
	sg->warm_count = 0;
	sg->ring_pos = 0;
	sg->ring_fill = 0;
	sg->sums_pos = 0;
	sg->sums_fill = 0;
	sg->tone_pos = 0;
	sg->tone_fill = 0;
	memset(sg->held, 0, sg->cfg.nbins * sizeof(uint64_t));
	memset(sg->freeze, 0, sg->cfg.nbins);
	sg->frame = 0;
	sg->cell_frame = UINT64_MAX;
	memset(sg->busy, 0, sg->cfg.nbins);
	for (unsigned i = 0; i < sg->cfg.max_regions; i++) {
		/* As detect() leaves a free slot: the loops start past them all. */
		sg->slots[i].in_use = 0;
		sg->slots[i].touched = 0;
		sg->slots[i].live = 0;
	}
	sg->slots_end = 0;
}

void segmenter_destroy(struct segmenter *sg)
{
	if (!sg)
		return;
	if (sg->slots)
		for (size_t i = 0; i < sg->cfg.max_regions; i++) {
			free(sg->slots[i].profile);
			free(sg->slots[i].wide);
			free(sg->slots[i].wide_n);
		}
	free(sg->slots);
	noise_destroy(sg->noise);
	free(sg->warm);
	free(sg->ring);
	for (size_t i = 0; i < BLOCK_SCALES; i++)
		free(sg->gx[i]);
	free(sg->keep);
	free(sg->gf);
	free(sg->tiles);
	free(sg->tiles_bad);
	free(sg->bflag);
	free(sg->fx);
	free(sg->block_on);
	free(sg->bnear);
	free(sg->bval);
	free(sg->bbad);
	free(sg->sum);
	free(sg->smooth);
	free(sg->freeze);
	free(sg->busy);
	free(sg->mask);
	free(sg->mask_add);
	free(sg->hits);
	free(sg->prof);
	free(sg->sums);
	free(sg->long_sum);
	free(sg->tone_ring);
	free(sg->tone_floor);
	free(sg->tone_sum);
	free(sg->tone_px);
	free(sg->tone_pf);
	free(sg->tone_pb);
	free(sg->held);
	free(sg);
}
