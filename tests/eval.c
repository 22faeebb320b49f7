/* eval.c - evaluation of the burst detector and classifiers on synthetic
 * recordings, as an RTL-SDR gives them: 2.4 MS/s, cu8, tuned to 850 MHz
 * with a reference error of up to +-30 ppm.
 *
 *   synth scene (every kind, SNR -3 .. 20 dB, random offsets and ppm)
 *     ─▶ the real pipeline (DC removal and mask, as `simsweep analyze` on cu8)
 *     ─▶ detections matched to the truth records: overlapping in time, centre
 *        within the truth's bandwidth / 2 + 10 kHz
 *     ─▶ detection probability, class-correct rate, confusion matrix,
 *        start-time and frequency errors
 *   negative recordings (noise; an LTE-like downlink; CW spurs; a TDD
 *   downlink with gaps) ─▶ every burst event is a false alarm
 *
 * The report ends with the targets, measured, PASS or FAIL.
 * Usage: simsweep_eval [--short] [--noise-minutes N]. The long form (`make eval`) always exits 0
 * once it has printed; --short (the CI test) fails only on the regression
 * guards below, set from the measured figures less a margin.
 * --noise-minutes N runs only N minutes of seeded noise (cu8, as the
 * negatives) through the pipeline, in scenes of up to 5 minutes, and
 * prints the burst events per hour: the negatives above are too short to
 * show a rate under 1 per hour.
 * EVAL_NOISE_SEED=S seeds --noise-minutes' scenes from S (default 77000),
 * so that runs in parallel cover different noise;
 * EVAL_SEED=S draws the positive scenes from other seeds (default 0, the
 * scenes the rules were tuned on; any other S gives scenes they never saw);
 * EVAL_VERBOSE=1 lists every truth burst and detection on stderr;
 * EVAL_ONLY=<case index> runs the positive scenes of one case only, and
 * negatives of 1 s (their false-alarm figures then mean nothing).
 */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/block.h"
#include "simsweep/burst.h"
#include "simsweep/classify.h"
#include "simsweep/pipeline.h"
#include "simsweep/synth.h"

#define RATE_HZ      2.4e6
#define TUNED_HZ     850e6
#define NOISE_DBFS   -30.0
#define BLOCK        16384
#define MAX_PPM      30.0
#define EDGE_HZ      1.14e6  /* burst edges stay inside +-EDGE_HZ after the ppm shift */
#define PRB_HZ       180e3   /* 12 x 15 kHz (36.211 5.2.3) */
#define NB_HALF_HZ   90e3    /* half an NB-IoT carrier */
#define FREQ_TOL_HZ  10e3    /* match: |f - f_truth| <= bw_truth / 2 + this */
#define LONG_BURST_S 0.999e-3

/* ---- Regression guards (--short): measured figures less a margin ------- */
#define GUARD_CLASS_HI  0.95 /* class correct at SNR >= 6 dB (measured 1.000; 0.984 before
                                the PUCCH on/off rule) */
#define GUARD_CLASS_MID 0.65 /* class correct at 0 .. 6 dB (measured 0.784; 0.757 before
                                the GSM rule of df4ec64, 0.730 before the time grid
                                rule's purity ramp from 0.2, 0.595 before the NPRACH
                                time grid rule) */
#define GUARD_DET_0DB   0.17 /* detection at 0 dB, bursts >= 1 ms (measured 0.200, 4 of 20;
                                0.150 before weak bursts were kept on their significance) */
#define GUARD_NEG_FA    0    /* burst events on each negative recording (measured 0) */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct rng {
	uint64_t s;
};

static double rng_unit(struct rng *r)
{
	r->s = mix64(r->s);
	return ((double)(r->s >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_uniform(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unit(r);
}

static int rng_int(struct rng *r, int n)
{
	int v = (int)(rng_unit(r) * n);
	return v < n ? v : n - 1;
}

/* ---- What is evaluated ------------------------------------------------- */

enum ecase {
	E_NPRACH_F0_R1,
	E_NPRACH_F1_R1,
	E_NPRACH_F0_R4,
	E_NPRACH_F1_R4,
	E_NPUSCH_1,
	E_NPUSCH_3,
	E_NPUSCH_12,
	E_PRACH_F0,
	E_LTEM_PUSCH,
	E_LTE_PUSCH_NARROW,
	E_LTE_PUSCH_WIDE,
	E_PUCCH,
	E_SRS,
	E_GSM_NORMAL,
	E_GSM_ACCESS,
	E_COUNT
};

static const char *const case_names[E_COUNT] = {
    "nb-iot/nprach f0 r1", "nb-iot/nprach f1 r1", "nb-iot/nprach f0 r4",
    "nb-iot/nprach f1 r4", "nb-iot/npusch 1 tone", "nb-iot/npusch 3 tones",
    "nb-iot/npusch 12 tones", "lte/prach f0",      "lte-m/pusch 6 PRB",
    "lte/pusch 1-6 PRB",   "lte/pusch 8-12 PRB",   "lte/pucch",            "lte/srs",
    "gsm/normal-burst",    "gsm/access-burst",
};

static const char *const class_ids[] = {"nb-iot", "lte-m", "lte", "gsm"};
#define N_CLASSES 4

enum { BIN_M3, BIN_0, BIN_3, BIN_6, BIN_10, N_BINS, BIN_ZERO = N_BINS };
static const double bin_lo[N_BINS] = {-3, 0, 3, 6, 10};
static const double bin_hi[N_BINS] = {0, 3, 6, 10, 20};
static const char *const bin_names[N_BINS + 1] = {"-3..0", "0..3", "3..6", "6..10", "10..20",
                                                  "0 dB"};

/* Centre of an LTE allocation of n_prb from first_prb on a carrier of
 * carrier_prb at carrier_hz (36.211 5.2.3: PRB p spans
 * (p - N_RB/2) x 180 kHz .. + 180 kHz, to within the 7.5 kHz shift). */
static double lte_alloc_centre(double carrier_hz, int carrier_prb, int first_prb, int n_prb)
{
	return carrier_hz + ((double)first_prb + 0.5 * n_prb - 0.5 * carrier_prb) * PRB_HZ;
}

/* A centre for a burst of half-width half_hz that keeps its edges inside
 * the band after the LO shift, and (narrow kinds) off the DC mask. */
static double pick_centre(struct rng *r, double half_hz, double shift_hz, int avoid_dc)
{
	double lim = EDGE_HZ - half_hz - fabs(shift_hz);
	if (lim < 0)
		lim = 0;
	for (int tries = 0; tries < 100; tries++) {
		double c = rng_uniform(r, -lim, lim);
		if (!avoid_dc || fabs(c + shift_hz) >= half_hz + 15e3)
			return c;
	}
	return lim;
}

static const int smooth_prb[] = {1, 2, 3, 4, 5, 6, 8, 9, 10, 12};

/* One transmission of case k at SNR snr_db, placed at t_s; shift_hz is the
 * scene's LO shift (-ppm x tuned frequency). */
static void make_tx(enum ecase k, struct rng *r, double t_s, double snr_db, double shift_hz,
                    struct synth_tx *tx)
{
	static const enum synth_kind kinds[E_COUNT] = {
	    SYNTH_NPRACH, SYNTH_NPRACH, SYNTH_NPRACH, SYNTH_NPRACH, SYNTH_NPUSCH,
	    SYNTH_NPUSCH, SYNTH_NPUSCH, SYNTH_PRACH,  SYNTH_PUSCH,  SYNTH_PUSCH,
	    SYNTH_PUSCH,  SYNTH_PUCCH,  SYNTH_SRS,    SYNTH_GSM_NORMAL, SYNTH_GSM_ACCESS,
	};
	synth_tx_default(tx, kinds[k]);
	tx->start_s = t_s;
	tx->snr_db = snr_db;
	int cell = rng_int(r, 504);
	switch (k) {
	case E_NPRACH_F0_R1:
	case E_NPRACH_F1_R1:
	case E_NPRACH_F0_R4:
	case E_NPRACH_F1_R4:
		tx->p.nprach.format = k == E_NPRACH_F1_R1 || k == E_NPRACH_F1_R4;
		tx->p.nprach.repetitions = k == E_NPRACH_F0_R4 || k == E_NPRACH_F1_R4 ? 4 : 1;
		tx->p.nprach.n_init = rng_int(r, 12);
		tx->p.nprach.subcarrier_offset = 12 * rng_int(r, 4);
		tx->p.nprach.cell_id = cell;
		tx->freq_offset_hz = pick_centre(r, NB_HALF_HZ, shift_hz, 1);
		break;
	case E_NPUSCH_1:
		tx->p.npusch.tones = 1;
		tx->p.npusch.spacing_hz = rng_int(r, 2) ? 15000 : 3750;
		tx->p.npusch.format = rng_int(r, 2) ? 2 : 1;
		tx->p.npusch.first_tone = rng_int(r, tx->p.npusch.spacing_hz == 15000 ? 12 : 48);
		tx->p.npusch.qpsk = rng_int(r, 2);
		tx->p.npusch.cell_id = cell;
		tx->freq_offset_hz = pick_centre(r, NB_HALF_HZ, shift_hz, 1);
		break;
	case E_NPUSCH_3:
	case E_NPUSCH_12:
		tx->p.npusch.tones = k == E_NPUSCH_3 ? 3 : 12;
		tx->p.npusch.first_tone = k == E_NPUSCH_3 ? 3 * rng_int(r, 4) : 0;
		tx->p.npusch.n_ru = 1 + rng_int(r, 2);
		tx->p.npusch.cell_id = cell;
		tx->freq_offset_hz = pick_centre(r, NB_HALF_HZ, shift_hz, 1);
		break;
	case E_PRACH_F0:
		tx->p.prach.root = 1 + rng_int(r, 838);
		tx->p.prach.ncs = 13;
		tx->p.prach.shift = rng_int(r, 64);
		tx->freq_offset_hz = pick_centre(r, 839 * 1250.0 / 2, shift_hz, 0);
		break;
	case E_LTEM_PUSCH: {
		/* A 6-PRB narrowband of a 15-PRB carrier, 1 .. 8 repetitions. */
		struct synth_lte *p = &tx->p.lte;
		p->carrier_prb = 15;
		p->first_prb = 6 * rng_int(r, 2);
		p->n_prb = 6;
		p->subframes = 1 + rng_int(r, 8);
		p->lte_m = 1;
		p->cell_id = cell;
		double c = pick_centre(r, 3 * PRB_HZ, shift_hz, 0);
		tx->freq_offset_hz = c - lte_alloc_centre(0, 15, p->first_prb, 6);
		break;
	}
	case E_LTE_PUSCH_NARROW:
	case E_LTE_PUSCH_WIDE: {
		/* 1 .. 6 PRB (as narrow as LTE-M) or 8 .. 12 PRB of a 15-PRB
		 * carrier, 1 .. 4 subframes. */
		struct synth_lte *p = &tx->p.lte;
		p->carrier_prb = 15;
		p->n_prb = k == E_LTE_PUSCH_NARROW ? smooth_prb[rng_int(r, 6)]
		                                   : smooth_prb[6 + rng_int(r, 4)];
		p->first_prb = rng_int(r, 15 - p->n_prb + 1);
		p->subframes = 1 + rng_int(r, 4);
		p->cell_id = cell;
		double c = pick_centre(r, 0.5 * p->n_prb * PRB_HZ, shift_hz, 0);
		tx->freq_offset_hz = c - lte_alloc_centre(0, 15, p->first_prb, p->n_prb);
		break;
	}
	case E_PUCCH: {
		/* Both band edges of a 6 .. 12 PRB carrier (slot hopping). */
		struct synth_lte *p = &tx->p.lte;
		static const int fmt[] = {1, 0x1a, 2};
		p->carrier_prb = 6 + rng_int(r, 7);
		p->pucch_format = fmt[rng_int(r, 3)];
		p->pucch_m = rng_int(r, 2);
		p->subframes = 1 + rng_int(r, 2);
		p->cell_id = cell;
		tx->freq_offset_hz = pick_centre(r, 0.5 * p->carrier_prb * PRB_HZ, shift_hz, 0);
		break;
	}
	case E_SRS: {
		struct synth_lte *p = &tx->p.lte;
		p->carrier_prb = 15;
		p->n_prb = 4 * (1 + rng_int(r, 3));
		p->first_prb = rng_int(r, 15 - p->n_prb + 1);
		p->srs_comb = rng_int(r, 2);
		p->subframes = 1 + rng_int(r, 4);
		p->cell_id = cell;
		double c = pick_centre(r, 0.5 * p->n_prb * PRB_HZ, shift_hz, 0);
		tx->freq_offset_hz = c - lte_alloc_centre(0, 15, p->first_prb, p->n_prb);
		break;
	}
	case E_GSM_NORMAL:
	case E_GSM_ACCESS:
		tx->p.gsm.tsc = rng_int(r, 8);
		tx->freq_offset_hz = pick_centre(r, 135e3, shift_hz, 1);
		break;
	default: break;
	}
}

/* ---- Running a recording through the pipeline -------------------------- */

struct det {
	enum burst_type type;
	double start_s, end_s, f_hz, bw_hz;
	const char *class_id, *kind; /* static strings */
	double confidence;
	int has_f;
	struct classify_features f; /* for EVAL_VERBOSE */
};

struct dets {
	struct det *d;
	size_t n, cap;
	int oom;
};

static void on_burst(const struct burst *b, void *ctx)
{
	struct dets *c = ctx;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct det *q = realloc(c->d, cap * sizeof(*q));
		if (!q) {
			c->oom = 1;
			return;
		}
		c->d = q;
		c->cap = cap;
	}
	struct det *d = &c->d[c->n++];
	d->type = b->type;
	d->start_s = b->start_s;
	d->end_s = b->start_s + b->duration_s;
	d->f_hz = b->freq_offset_hz;
	d->bw_hz = b->bandwidth_hz;
	d->class_id = b->class_id ? b->class_id : "unknown";
	d->kind = b->kind;
	d->confidence = b->confidence;
	d->has_f = b->features != NULL;
	if (b->features)
		d->f = *b->features;
}

/* Constant tones added before quantisation (the CW-spur recording). */
struct spurs {
	size_t n;
	double freq_hz[4];
	double amp[4];
};

/* The scenes' common settings: the tuning, the noise, cu8 as an RTL-SDR
 * gives it. */
static void scene_config(struct synth_scene_config *sc, double duration_s, uint64_t seed)
{
	synth_scene_config_default(sc);
	sc->rate_hz = RATE_HZ;
	sc->freq_hz = TUNED_HZ;
	sc->noise_dbfs = NOISE_DBFS;
	sc->duration_s = duration_s;
	sc->imp.quantize_cu8 = 1;
	sc->seed = seed;
}

/* Render the scene block by block into the pipeline. With spurs, the
 * scene renders unquantised and the quantisation follows the tones. */
static int run_scene(struct synth_scene *s, const struct spurs *sp, struct dets *out)
{
	struct pipeline_config pc;
	pipeline_config_default(&pc);
	pc.rate_hz = RATE_HZ;
	pc.dc_remove = 1;
	pc.dc_mask_hz = RATE_HZ / 1024;
	/* The defaults, as analyze runs them; EVAL_COARSE=1 measures with the
	 * coarse path (analyze --weak-bursts). */
	pc.coarse = getenv("EVAL_COARSE") && atoi(getenv("EVAL_COARSE")) != 0;
	struct pipeline *p = pipeline_create(&pc);
	if (!p)
		return -1;
	static float complex buf[BLOCK];
	struct synth_impairments q;
	memset(&q, 0, sizeof q);
	q.quantize_cu8 = 1;
	uint64_t pos = 0;
	size_t got;
	int rc = 0;
	out->n = 0;
	while ((got = synth_scene_render(s, buf, BLOCK)) > 0) {
		if (sp) {
			for (size_t i = 0; i < got; i++) {
				double t = (double)(pos + i) / RATE_HZ;
				for (size_t k = 0; k < sp->n; k++)
					buf[i] += (float)sp->amp[k] *
					          cexpf(I * (float)fmod(2 * M_PI * sp->freq_hz[k] * t,
					                                2 * M_PI));
			}
			synth_impair(&q, buf, got);
		}
		struct block b = {
		    .iq = buf,
		    .n = got,
		    .sample_index = pos,
		    .rate_hz = RATE_HZ,
		    .freq_hz = TUNED_HZ,
		    .utc_ns = SIMSWEEP_UTC_UNKNOWN,
		    .gain_db = NAN,
		};
		if (pipeline_process(p, &b, on_burst, out) != 0) {
			rc = -1;
			break;
		}
		pos += got;
	}
	pipeline_flush(p, on_burst, out);
	pipeline_destroy(p);
	return out->oom ? -1 : rc;
}

/* ---- Positive scenes --------------------------------------------------- */

struct result {
	enum ecase k;
	int bin;              /* BIN_* or BIN_ZERO */
	double dur_s;         /* truth duration */
	int detected;
	const char *class_id; /* predicted (detected only) */
	const char *kind;
	double dt_us, df_hz;  /* detection - truth */
	int ambiguous;        /* a waveform another class sends too (see report) */
};

struct results {
	struct result *r;
	size_t n, cap;
	size_t extra;         /* detections that matched no truth */
	size_t extra_classified;
};

static int push_result(struct results *rs, const struct result *x)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 256;
		struct result *q = realloc(rs->r, cap * sizeof(*q));
		if (!q)
			return -1;
		rs->r = q;
		rs->cap = cap;
	}
	rs->r[rs->n++] = *x;
	return 0;
}

#define MAX_TX 8

/* One scene: n_tx transmissions of case k, SNR within bin (or 0 dB),
 * separated by 6 .. 14 ms of noise. */
static int run_positive(enum ecase k, int bin, size_t n_tx, uint64_t seed, struct dets *d,
                        struct results *rs)
{
	struct rng r = {mix64(seed)};
	struct synth_tx tx[MAX_TX];
	double ppm = rng_uniform(&r, -MAX_PPM, MAX_PPM);
	double shift_hz = -ppm * 1e-6 * TUNED_HZ;
	double t = rng_uniform(&r, 8e-3, 12e-3);
	for (size_t i = 0; i < n_tx; i++) {
		double snr = bin == BIN_ZERO ? 0.0 : rng_uniform(&r, bin_lo[bin], bin_hi[bin]);
		make_tx(k, &r, t, snr, shift_hz, &tx[i]);
		struct synth_signal_config sc;
		synth_signal_config_default(&sc);
		sc.tx = &tx[i];
		sc.rate_hz = RATE_HZ;
		sc.amplitude = 0.01;
		struct synth_signal *sig = synth_signal_create(&sc);
		if (!sig) {
			fprintf(stderr, "eval: bad transmission (%s)\n", case_names[k]);
			return -1;
		}
		uint64_t a, b;
		synth_signal_span(sig, &a, &b);
		synth_signal_destroy(sig);
		t += (double)(b - a) / RATE_HZ + rng_uniform(&r, 6e-3, 14e-3);
	}
	struct synth_scene_config sc;
	scene_config(&sc, t, seed);
	sc.imp.ppm = ppm;
	sc.tx = tx;
	sc.n_tx = n_tx;
	struct synth_scene *s = synth_scene_create(&sc);
	if (!s) {
		fprintf(stderr, "eval: synth_scene_create failed (%s)\n", case_names[k]);
		return -1;
	}
	if (run_scene(s, NULL, d) != 0) {
		synth_scene_destroy(s);
		fprintf(stderr, "eval: pipeline failed\n");
		return -1;
	}
	const struct burst *tr;
	size_t nt = synth_scene_truth(s, &tr);
	unsigned char used[4096];
	memset(used, 0, sizeof used);
	for (size_t i = 0; i < nt; i++) {
		double t0 = tr[i].start_s, t1 = t0 + tr[i].duration_s;
		size_t best = SIZE_MAX;
		double best_ov = 0;
		for (size_t j = 0; j < d->n; j++) {
			if (d->d[j].type != BURST_TYPE_BURST)
				continue;
			double ov = fmin(t1, d->d[j].end_s) - fmax(t0, d->d[j].start_s);
			double df = fabs(d->d[j].f_hz - tr[i].freq_offset_hz);
			if (ov > best_ov && df <= 0.5 * tr[i].bandwidth_hz + FREQ_TOL_HZ) {
				best_ov = ov;
				best = j;
			}
		}
		/* One PRB of LTE PUSCH is NPUSCH's 12 tones (the same SC-FDMA,
		 * DMRS symbol and length); six PRB for <= 4 subframes are an
		 * LTE-M narrowband. */
		int amb = k == E_NPUSCH_12 ||
		          (k == E_LTE_PUSCH_NARROW && (fabs(tr[i].bandwidth_hz - PRB_HZ) < 1 ||
		                                       fabs(tr[i].bandwidth_hz - 6 * PRB_HZ) < 1));
		struct result x = {.k = k, .bin = bin, .dur_s = tr[i].duration_s, .ambiguous = amb};
		if (getenv("EVAL_VERBOSE"))
			fprintf(stderr, "truth %-22s %8.3f ms %7.3f ms f %9.0f bw %7.0f snr %5.1f -> %s\n",
			        case_names[k], t0 * 1e3, tr[i].duration_s * 1e3,
			        tr[i].freq_offset_hz, tr[i].bandwidth_hz, tr[i].snr_db,
			        best == SIZE_MAX ? "missed" : d->d[best].class_id);
		if (best != SIZE_MAX) {
			if (best < sizeof used)
				used[best] = 1;
			x.detected = 1;
			x.class_id = d->d[best].class_id;
			x.kind = d->d[best].kind;
			x.dt_us = (d->d[best].start_s - t0) * 1e6;
			x.df_hz = d->d[best].f_hz - tr[i].freq_offset_hz;
		}
		if (push_result(rs, &x) != 0) {
			synth_scene_destroy(s);
			return -1;
		}
	}
	for (size_t j = 0; j < d->n && getenv("EVAL_VERBOSE"); j++) {
		const struct det *e = &d->d[j];
		fprintf(stderr, "  det %d %8.3f ms %7.3f ms f %9.0f bw %7.0f %s/%s %.2f", e->type,
		        e->start_s * 1e3, (e->end_s - e->start_s) * 1e3, e->f_hz, e->bw_hz,
		        e->class_id, e->kind ? e->kind : "-", e->confidence);
		if (e->has_f)
			fprintf(stderr,
			        " | snr %.1f m4 %.2f pur %.2f/%.2f win %zu grid %zu off %zu span %.0f "
			        "conc %.2f band %.2f cp66 %.2f cp800 %.2f duty %.2f lines %.3f comb %.2f "
			        "pulses %zu "
			        "pulse %.0f gap %.0f gate %.2f z %.1f psnr %.1f pgrid %.2f",
			        e->f.clip_snr_db, e->f.env_m4, e->f.tone_purity, e->f.tone_noise_purity,
			        e->f.tone_windows,
			        e->f.tone_steps_grid, e->f.tone_steps_off, e->f.tone_span_hz,
			        e->f.tone_conc, e->f.band_share, e->f.cp66, e->f.cp800, e->f.duty,
			        e->f.gmsk_lines, e->f.comb,
			        e->f.pulses, e->f.pulse_s * 1e6, e->f.pulse_gap_s * 1e6, e->f.slot_gate, e->f.slot_z, e->f.pulse_snr_db, e->f.pulse_grid);
		fputc('\n', stderr);
	}
	for (size_t j = 0; j < d->n && j < sizeof used; j++)
		if (!used[j] && d->d[j].type == BURST_TYPE_BURST) {
			rs->extra++;
			rs->extra_classified += strcmp(d->d[j].class_id, "unknown") != 0;
		}
	synth_scene_destroy(s);
	return 0;
}

/* ---- Negative recordings ------------------------------------------------ */

enum neg { N_NOISE, N_DOWNLINK, N_SPURS, N_TDD, N_NEG };
static const char *const neg_names[N_NEG] = {
    "noise only", "LTE-like downlink + traffic", "CW spurs", "TDD downlink 3/5 ms"};

struct neg_result {
	double duration_s;
	size_t bursts, classified, carriers;
};

/* A 12-PRB allocation filling a 12-PRB carrier at the centre. */
static void dl_tx(struct synth_tx *tx, double t_s, int subframes, double snr_db, int cell)
{
	synth_tx_default(tx, SYNTH_PUSCH);
	tx->start_s = t_s;
	tx->snr_db = snr_db;
	tx->freq_offset_hz = 0;
	tx->p.lte.carrier_prb = 12;
	tx->p.lte.first_prb = 0;
	tx->p.lte.n_prb = 12;
	tx->p.lte.subframes = subframes;
	tx->p.lte.cell_id = cell;
}

#define DL_CHUNK_SF 1000 /* continuous carrier: back-to-back 1 s transmissions */

static int run_negative(enum neg which, double duration_s, uint64_t seed, struct dets *d,
                        struct neg_result *out)
{
	struct rng r = {mix64(seed)};
	size_t cap = 16, n = 0;
	struct synth_tx *tx = NULL;
	struct spurs sp = {0};
	double ppm = rng_uniform(&r, -MAX_PPM, MAX_PPM);
	if (which == N_DOWNLINK) {
		/* The carrier, then traffic: PUSCH allocations of 1 .. 6 PRB on top
		 * of it, 1 .. 4 subframes, 3 .. 10 dB above its density. */
		size_t chunks = (size_t)ceil(duration_s / (DL_CHUNK_SF * 1e-3));
		size_t traffic = (size_t)(duration_s * 20);
		cap = chunks + traffic;
		tx = calloc(cap, sizeof(*tx));
		if (!tx)
			return -1;
		for (size_t c = 0; c < chunks; c++)
			dl_tx(&tx[n++], (double)c * DL_CHUNK_SF * 1e-3, DL_CHUNK_SF, 12, 101);
		for (size_t i = 0; i < traffic; i++) {
			struct synth_tx *t = &tx[n++];
			dl_tx(t, 1e-3 * floor(rng_uniform(&r, 0, duration_s * 1e3 - 5)),
			      1 + rng_int(&r, 4), rng_uniform(&r, 15, 22), rng_int(&r, 504));
			t->p.lte.n_prb = 1 + rng_int(&r, 6);
			t->p.lte.first_prb = rng_int(&r, 12 - t->p.lte.n_prb + 1);
		}
	} else if (which == N_TDD) {
		/* Downlink subframes 0-2 of every 5 ms half-frame. */
		size_t halves = (size_t)(duration_s / 5e-3);
		cap = halves ? halves : 1;
		tx = calloc(cap, sizeof(*tx));
		if (!tx)
			return -1;
		for (size_t h = 0; h < halves; h++)
			dl_tx(&tx[n++], (double)h * 5e-3, 3, 12, 202);
	} else if (which == N_SPURS) {
		/* Four constant tones, 10 .. 25 dB over the noise in a 2.3 kHz bin. */
		static const double f[4] = {-613.3e3, -201.7e3, 318.9e3, 877.0e3};
		sp.n = 4;
		for (size_t k = 0; k < sp.n; k++) {
			sp.freq_hz[k] = f[k];
			double snr_bin_db = 10 + 5 * (double)k;
			double bin_noise = pow(10, NOISE_DBFS / 10) * (RATE_HZ / 1024) / RATE_HZ;
			sp.amp[k] = sqrt(bin_noise * pow(10, snr_bin_db / 10));
		}
	}
	struct synth_scene_config sc;
	scene_config(&sc, duration_s, seed);
	sc.imp.ppm = ppm;
	sc.imp.quantize_cu8 = which != N_SPURS;
	sc.tx = tx;
	sc.n_tx = n;
	struct synth_scene *s = synth_scene_create(&sc);
	free(tx);
	if (!s) {
		fprintf(stderr, "eval: synth_scene_create failed (%s)\n", neg_names[which]);
		return -1;
	}
	int rc = run_scene(s, which == N_SPURS ? &sp : NULL, d);
	synth_scene_destroy(s);
	if (rc != 0) {
		fprintf(stderr, "eval: pipeline failed\n");
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->duration_s = duration_s;
	for (size_t j = 0; j < d->n; j++) {
		if (d->d[j].type == BURST_TYPE_CARRIER) {
			out->carriers++;
			continue;
		}
		out->bursts++;
		out->classified += strcmp(d->d[j].class_id, "unknown") != 0;
	}
	return 0;
}

/* ---- Report -------------------------------------------------------------- */

static const char *class_of_case(enum ecase k)
{
	static char buf[E_COUNT][16];
	const char *slash = strchr(case_names[k], '/');
	size_t n = (size_t)(slash - case_names[k]);
	memcpy(buf[k], case_names[k], n);
	buf[k][n] = 0;
	return buf[k];
}

/* Kind of a case (after the slash, up to the first space). */
static int kind_matches(enum ecase k, const char *kind)
{
	if (!kind)
		return 0;
	const char *s = strchr(case_names[k], '/') + 1;
	size_t n = strcspn(s, " ");
	return strlen(kind) == n && !strncmp(s, kind, n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median and 90th percentile of |v|; n > 0. */
static void quantiles(double *v, size_t n, double *p50, double *p90)
{
	for (size_t i = 0; i < n; i++)
		v[i] = fabs(v[i]);
	qsort(v, n, sizeof(*v), cmp_double);
	*p50 = v[(n - 1) / 2];
	*p90 = v[(size_t)ceil(0.9 * (double)n) - 1];
}

static void pct(char *s, size_t len, size_t num, size_t den)
{
	if (den)
		snprintf(s, len, "%5.1f%% (%zu/%zu)", 100.0 * (double)num / (double)den, num, den);
	else
		snprintf(s, len, "%s", "-");
}

/* Predicted labels of the confusion matrix, collected as they appear. */
#define MAX_LABELS 32
struct labels {
	char name[MAX_LABELS][32];
	size_t n;
};

static size_t label_index(struct labels *L, const struct result *x)
{
	char s[32];
	if (!x->detected)
		snprintf(s, sizeof s, "%s", "missed");
	else if (!strcmp(x->class_id, "unknown"))
		snprintf(s, sizeof s, "%s", "unknown");
	else
		snprintf(s, sizeof s, "%s/%s", x->class_id, x->kind ? x->kind : "-");
	for (size_t i = 0; i < L->n; i++)
		if (!strcmp(L->name[i], s))
			return i;
	if (L->n == MAX_LABELS)
		return MAX_LABELS - 1;
	snprintf(L->name[L->n], sizeof L->name[0], "%s", s);
	return L->n++;
}

/* Column header: class abbreviated, kind cut to fit. */
static void short_label(const char *name, char *out, size_t len)
{
	const char *slash = strchr(name, '/');
	if (!slash) {
		snprintf(out, len, "%s", name);
		return;
	}
	const char *c = !strncmp(name, "nb-iot", 6) ? "nb" : !strncmp(name, "lte-m", 5) ? "m"
	                                                  : !strncmp(name, "lte", 3)   ? "lte"
	                                                                               : "gsm";
	snprintf(out, len, "%s/%.6s", c, slash + 1);
}

struct summary {
	double class_hi, class_mid, det_0db;
	size_t n_class_hi, n_class_mid, n_det_0db;
};

static void report(const struct results *rs, struct summary *sum)
{
	char a[64];
	size_t det[E_COUNT][N_BINS + 1] = {{0}}, tot[E_COUNT][N_BINS + 1] = {{0}};
	for (size_t i = 0; i < rs->n; i++) {
		const struct result *x = &rs->r[i];
		tot[x->k][x->bin]++;
		det[x->k][x->bin] += (size_t)x->detected;
	}

	printf("\n## Detection probability (truth bursts found / bursts), by SNR bin (dB)\n\n");
	printf("%-24s", "truth");
	for (int b = 0; b <= N_BINS; b++)
		printf(" %17s", bin_names[b]);
	printf("\n");
	for (int k = 0; k < E_COUNT; k++) {
		printf("%-24s", case_names[k]);
		for (int b = 0; b <= N_BINS; b++) {
			pct(a, sizeof a, det[k][b], tot[k][b]);
			printf(" %17s", a);
		}
		printf("\n");
	}
	for (int c = 0; c < N_CLASSES; c++) {
		printf("%-24s", class_ids[c]);
		for (int b = 0; b <= N_BINS; b++) {
			size_t dn = 0, tn = 0;
			for (int k = 0; k < E_COUNT; k++)
				if (!strcmp(class_of_case((enum ecase)k), class_ids[c])) {
					dn += det[k][b];
					tn += tot[k][b];
				}
			pct(a, sizeof a, dn, tn);
			printf(" %17s", a);
		}
		printf("\n");
	}
	/* Bursts of >= 1 ms at exactly 0 dB. */
	size_t d0 = 0, t0 = 0;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].bin == BIN_ZERO && rs->r[i].dur_s >= LONG_BURST_S) {
			t0++;
			d0 += (size_t)rs->r[i].detected;
		}
	pct(a, sizeof a, d0, t0);
	printf("\nbursts >= 1 ms at 0 dB: detected %s\n", a);
	printf("detections matching no truth burst: %zu (%zu of them classified)\n", rs->extra,
	       rs->extra_classified);

	/* Class correct over the detected bursts, by SNR bin. */
	printf("\n## Class correct (predicted class = truth class, over detected bursts)\n\n");
	printf("%-24s", "truth");
	for (int b = 0; b <= N_BINS; b++)
		printf(" %17s", bin_names[b]);
	printf("\n");
	size_t cc[N_BINS + 1] = {0}, cn[N_BINS + 1] = {0}, kc[N_BINS + 1] = {0};
	size_t fc[N_BINS + 1] = {0}; /* lte and lte-m taken as one class */
	size_t uc[N_BINS + 1] = {0}, un[N_BINS + 1] = {0}; /* unambiguous truth only */
	size_t ccase[E_COUNT][N_BINS + 1] = {{0}};
	for (size_t i = 0; i < rs->n; i++) {
		const struct result *x = &rs->r[i];
		if (!x->detected)
			continue;
		int ok = !strcmp(x->class_id, class_of_case(x->k));
		cn[x->bin]++;
		cc[x->bin] += (size_t)ok;
		kc[x->bin] += (size_t)(ok && kind_matches(x->k, x->kind));
		fc[x->bin] += (size_t)(ok || (!strncmp(x->class_id, "lte", 3) &&
		                              !strncmp(class_of_case(x->k), "lte", 3)));
		ccase[x->k][x->bin] += (size_t)ok;
		un[x->bin] += (size_t)!x->ambiguous;
		uc[x->bin] += (size_t)(ok && !x->ambiguous);
	}
	for (int k = 0; k < E_COUNT; k++) {
		printf("%-24s", case_names[k]);
		for (int b = 0; b <= N_BINS; b++) {
			pct(a, sizeof a, ccase[k][b], det[k][b]);
			printf(" %17s", a);
		}
		printf("\n");
	}
	printf("%-24s", "all (class)");
	for (int b = 0; b <= N_BINS; b++) {
		pct(a, sizeof a, cc[b], cn[b]);
		printf(" %17s", a);
	}
	printf("\n%-24s", "all (lte-m taken as lte)");
	for (int b = 0; b <= N_BINS; b++) {
		pct(a, sizeof a, fc[b], cn[b]);
		printf(" %17s", a);
	}
	printf("\n%-24s", "all (class and kind)");
	for (int b = 0; b <= N_BINS; b++) {
		pct(a, sizeof a, kc[b], cn[b]);
		printf(" %17s", a);
	}
	printf("\n\n");
	size_t hi_c = cc[BIN_6] + cc[BIN_10], hi_n = cn[BIN_6] + cn[BIN_10];
	size_t mid_c = cc[BIN_0] + cc[BIN_3], mid_n = cn[BIN_0] + cn[BIN_3];
	/* Every burst, a miss counted as wrong, for comparison. */
	size_t hi_all = 0, mid_all = 0;
	for (int k = 0; k < E_COUNT; k++) {
		hi_all += tot[k][BIN_6] + tot[k][BIN_10];
		mid_all += tot[k][BIN_0] + tot[k][BIN_3];
	}
	pct(a, sizeof a, hi_c, hi_n);
	printf("class correct, SNR >= 6 dB:  %s of detected;", a);
	pct(a, sizeof a, hi_c, hi_all);
	printf(" %s of all bursts\n", a);
	pct(a, sizeof a, mid_c, mid_n);
	printf("class correct, SNR 0..6 dB:  %s of detected;", a);
	pct(a, sizeof a, mid_c, mid_all);
	printf(" %s of all bursts\n", a);
	/* The targets count every burst; for reading them: how much of the
	 * shortfall no classifier can make up from the waveform. */
	pct(a, sizeof a, uc[BIN_6] + uc[BIN_10], un[BIN_6] + un[BIN_10]);
	printf("the same without the allocations two classes share (LTE PUSCH of 1 PRB = NPUSCH\n"
	       "of 12 tones, LTE PUSCH of 6 PRB = an LTE-M narrowband):\n"
	       "  SNR >= 6 dB: %s of detected;", a);
	pct(a, sizeof a, uc[BIN_0] + uc[BIN_3], un[BIN_0] + un[BIN_3]);
	printf(" SNR 0..6 dB: %s\n", a);
	sum->class_hi = hi_n ? (double)hi_c / (double)hi_n : 0;
	sum->class_mid = mid_n ? (double)mid_c / (double)mid_n : 0;
	sum->det_0db = t0 ? (double)d0 / (double)t0 : 0;
	sum->n_class_hi = hi_n;
	sum->n_class_mid = mid_n;
	sum->n_det_0db = t0;

	/* Confusion matrix over every SNR. */
	struct labels L = {.n = 0};
	snprintf(L.name[L.n++], sizeof L.name[0], "%s", "missed");
	snprintf(L.name[L.n++], sizeof L.name[0], "%s", "unknown");
	static size_t conf[E_COUNT][MAX_LABELS];
	memset(conf, 0, sizeof conf);
	for (size_t i = 0; i < rs->n; i++)
		conf[rs->r[i].k][label_index(&L, &rs->r[i])]++;
	printf("\n## Confusion matrix (rows: truth; columns: predicted class/kind; all SNR)\n\n");
	printf("%-24s", "truth");
	for (size_t j = 0; j < L.n; j++) {
		char h[16];
		short_label(L.name[j], h, sizeof h);
		printf(" %9s", h);
	}
	printf("\n");
	for (int k = 0; k < E_COUNT; k++) {
		printf("%-24s", case_names[k]);
		for (size_t j = 0; j < L.n; j++)
			printf(" %9zu", conf[k][j]);
		printf("\n");
	}
	printf("columns:");
	for (size_t j = 0; j < L.n; j++)
		printf(" %s%s", L.name[j], j + 1 < L.n ? "," : "\n");

	/* Time and frequency errors of the detected bursts. */
	printf("\n## Start-time error (us) and frequency error (Hz), |detected - truth|\n\n");
	printf("%-24s %6s %10s %10s %10s %10s\n", "truth", "n", "t p50", "t p90", "f p50",
	       "f p90");
	double *vt = malloc((rs->n ? rs->n : 1) * sizeof(double));
	double *vf = malloc((rs->n ? rs->n : 1) * sizeof(double));
	if (!vt || !vf) {
		free(vt);
		free(vf);
		return;
	}
	for (int row = 0; row < E_COUNT + N_CLASSES; row++) {
		size_t n = 0;
		for (size_t i = 0; i < rs->n; i++) {
			const struct result *x = &rs->r[i];
			if (!x->detected)
				continue;
			int in = row < E_COUNT ? (int)x->k == row
			                       : !strcmp(class_of_case(x->k), class_ids[row - E_COUNT]);
			if (!in)
				continue;
			vt[n] = x->dt_us;
			vf[n] = x->df_hz;
			n++;
		}
		const char *name = row < E_COUNT ? case_names[row] : class_ids[row - E_COUNT];
		if (!n) {
			printf("%-24s %6zu %10s %10s %10s %10s\n", name, n, "-", "-", "-", "-");
			continue;
		}
		double t50, t90, f50, f90;
		quantiles(vt, n, &t50, &t90);
		quantiles(vf, n, &f50, &f90);
		printf("%-24s %6zu %10.1f %10.1f %10.0f %10.0f\n", name, n, t50, t90, f50, f90);
	}
	free(vt);
	free(vf);
}

/* Minutes of noise only, in scenes of up to NOISE_SCENE_S each. */
#define NOISE_SCENE_S 300.0

static int noise_minutes(double minutes)
{
	struct dets d = {0};
	size_t bursts = 0, classified = 0, carriers = 0;
	double done_s = 0;
	const char *seed0 = getenv("EVAL_NOISE_SEED");
	const uint64_t base = seed0 ? strtoull(seed0, NULL, 10) : 77000;
	for (uint64_t k = 0; done_s < minutes * 60 - 1e-9; k++) {
		double len = fmin(NOISE_SCENE_S, minutes * 60 - done_s);
		struct synth_scene_config sc;
		scene_config(&sc, len, base + k);
		struct synth_scene *s = synth_scene_create(&sc);
		if (!s || run_scene(s, NULL, &d) != 0) {
			synth_scene_destroy(s);
			free(d.d);
			fprintf(stderr, "eval: noise scene failed\n");
			return 1;
		}
		synth_scene_destroy(s);
		for (size_t j = 0; j < d.n; j++) {
			if (d.d[j].type == BURST_TYPE_CARRIER) {
				carriers++;
				continue;
			}
			bursts++;
			classified += strcmp(d.d[j].class_id, "unknown") != 0;
			fprintf(stderr, "noise event: scene %llu at %.3f s, %.3f ms, f %.0f Hz, bw %.0f Hz, %s\n",
			        (unsigned long long)k, d.d[j].start_s, (d.d[j].end_s - d.d[j].start_s) * 1e3,
			        d.d[j].f_hz, d.d[j].bw_hz, d.d[j].class_id);
		}
		done_s += len;
	}
	free(d.d);
	printf("noise only, %.1f minutes (%.1f MS/s cu8, %.0f dBFS): %zu burst events (%zu classified), "
	       "%zu carriers: %.2f burst events per hour\n",
	       done_s / 60, RATE_HZ / 1e6, NOISE_DBFS, bursts, classified, carriers,
	       (double)bursts * 3600 / done_s);
	return 0;
}

int main(int argc, char **argv)
{
	int short_form = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--short")) {
			short_form = 1;
		} else if (!strcmp(argv[i], "--noise-minutes") && i + 1 < argc && atof(argv[i + 1]) > 0) {
			return noise_minutes(atof(argv[++i]));
		} else {
			fprintf(stderr, "usage: %s [--short] [--noise-minutes N]\n", argv[0]);
			return 2;
		}
	}
	/* Long: 4 scenes of 4 transmissions per case and SNR bin (>= 1120
	 * bursts), 2 scenes of 4 at 0 dB; short: 1 scene of 2, 1 of 2 at 0 dB. */
	const size_t scenes = short_form ? 1 : 4, per_scene = short_form ? 2 : 4;
	const size_t scenes_0db = short_form ? 1 : 2;
	double noise_s = short_form ? 10 : 60, neg_s = short_form ? 3 : 20;
	if (getenv("EVAL_ONLY"))
		noise_s = neg_s = 1;

	const uint64_t seed_base = getenv("EVAL_SEED") ? strtoull(getenv("EVAL_SEED"), NULL, 10) : 0;
	struct dets d = {0};
	struct results rs = {0};
	int failed = 0;
	for (int k = 0; k < E_COUNT && !failed; k++)
		for (int b = 0; b <= N_BINS && !failed; b++) {
			size_t ns = b == BIN_ZERO ? scenes_0db : scenes;
			if (getenv("EVAL_ONLY") && atoi(getenv("EVAL_ONLY")) != k)
				continue;
			for (size_t s = 0; s < ns && !failed; s++) {
				uint64_t seed = 1 + seed_base * 100000 + (uint64_t)k * 1000 +
				                (uint64_t)b * 100 + s;
				failed = run_positive((enum ecase)k, b, per_scene, seed, &d, &rs) != 0;
			}
		}
	struct neg_result neg[N_NEG];
	static const uint64_t neg_seed[N_NEG] = {9001, 9002, 9003, 9004};
	for (int w = 0; w < N_NEG && !failed; w++)
		failed = run_negative((enum neg)w, w == N_NOISE ? noise_s : neg_s, neg_seed[w], &d,
		                      &neg[w]) != 0;
	free(d.d);
	if (failed) {
		free(rs.r);
		fprintf(stderr, "eval: failed\n");
		return 1;
	}

	printf("# simsweep classifier evaluation (%s form)\n\n", short_form ? "short" : "long");
	printf("%.1f MS/s cu8, tuned %.0f MHz, |ppm| <= %.0f, noise %.0f dBFS, %zu truth bursts\n",
	       RATE_HZ / 1e6, TUNED_HZ / 1e6, MAX_PPM, NOISE_DBFS, rs.n);
	struct summary sum;
	report(&rs, &sum);

	printf("\n## False alarms on negative recordings (burst events; carriers listed apart)\n\n");
	printf("%-30s %9s %7s %11s %9s %12s\n", "recording", "length s", "bursts", "classified",
	       "carriers", "FA per hour");
	double worst_fa_h = 0;
	for (int w = 0; w < N_NEG; w++) {
		double fa_h = (double)neg[w].bursts * 3600 / neg[w].duration_s;
		worst_fa_h = fmax(worst_fa_h, fa_h);
		printf("%-30s %9.0f %7zu %11zu %9zu %12.1f\n", neg_names[w], neg[w].duration_s,
		       neg[w].bursts, neg[w].classified, neg[w].carriers, fa_h);
	}
	double exposure_s = 0;
	for (int w = 0; w < N_NEG; w++)
		exposure_s += neg[w].duration_s;
	printf("(%.0f s of negatives in all: one event would be %.0f per hour)\n", exposure_s,
	       3600 / exposure_s);

	printf("\ntargets:\n");
	printf("  class correct >= 97%% at SNR >= 6 dB:            %5.1f%% (n %zu)  %s\n",
	       100 * sum.class_hi, sum.n_class_hi, sum.class_hi >= 0.97 ? "PASS" : "FAIL");
	printf("  class correct >= 85%% at SNR 0..6 dB:            %5.1f%% (n %zu)  %s\n",
	       100 * sum.class_mid, sum.n_class_mid, sum.class_mid >= 0.85 ? "PASS" : "FAIL");
	printf("  detection >= 95%% at 0 dB, bursts >= 1 ms:        %5.1f%% (n %zu)  %s\n",
	       100 * sum.det_0db, sum.n_det_0db, sum.det_0db >= 0.95 ? "PASS" : "FAIL");
	printf("  false alarms < 1 per hour on the negatives:     %5.1f/h (worst)  %s\n",
	       worst_fa_h, worst_fa_h < 1 ? "PASS" : "FAIL");
	printf("  LTE-like downlink never reported as a burst:    %zu bursts  %s\n",
	       neg[N_DOWNLINK].bursts, neg[N_DOWNLINK].bursts == 0 ? "PASS" : "FAIL");
	free(rs.r);

	if (!short_form)
		return 0;
	/* Regression guards. */
	int bad = 0;
	if (sum.class_hi < GUARD_CLASS_HI) {
		fprintf(stderr, "guard: class correct at >= 6 dB %.3f < %.2f\n", sum.class_hi,
		        GUARD_CLASS_HI);
		bad = 1;
	}
	if (sum.class_mid < GUARD_CLASS_MID) {
		fprintf(stderr, "guard: class correct at 0..6 dB %.3f < %.2f\n", sum.class_mid,
		        GUARD_CLASS_MID);
		bad = 1;
	}
	if (sum.det_0db < GUARD_DET_0DB) {
		fprintf(stderr, "guard: detection at 0 dB %.3f < %.2f\n", sum.det_0db,
		        GUARD_DET_0DB);
		bad = 1;
	}
	for (int w = 0; w < N_NEG; w++)
		if (neg[w].bursts > GUARD_NEG_FA) {
			fprintf(stderr, "guard: %zu bursts on %s\n", neg[w].bursts, neg_names[w]);
			bad = 1;
		}
	return bad;
}
