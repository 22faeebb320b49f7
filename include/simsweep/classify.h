/* classify.h - burst classifiers: what a burst is (GSM, NB-IoT, LTE-M, LTE)
 * and which channel it carries, from its IQ clip.
 *
 *   burst (clip at clip_rate_hz, bandwidth_hz, duration_s)
 *     ─▶ features, measured once per burst (classify_features):
 *          envelope fourth moment, single-tone purity and tone steps per
 *          266.67 us window, cyclic-prefix correlation at 66.67 us and 800 us,
 *          GMSK lines of the squared signal, on-runs (pulses) and the
 *          half-symbol (SRS comb) correlation over them
 *     ─▶ every registered classifier whose bandwidth/duration range admits
 *        the burst: "not mine", or a score 0..1 and a kind
 *     ─▶ the best score >= min_confidence sets class_id, kind, confidence
 *
 * A feature that cannot be computed from the clip (too short, decimated
 * too far for the lag, no clip at all) is NAN, and a classifier that needs
 * it answers "not mine".
 */
#ifndef SIMSWEEP_CLASSIFY_H
#define SIMSWEEP_CLASSIFY_H

#include <stddef.h>

#include "simsweep/burst.h"

/* What a classifier says about one burst. */
enum classify_verdict {
	CLASSIFY_NOT_MINE = 0, /* outside its range, or a feature it needs is missing */
	CLASSIFY_SCORED = 1,   /* score and kind are set */
};

struct classify_result {
	enum classify_verdict verdict;
	double score;     /* 0 .. 1: how well the burst fits */
	const char *kind; /* static string: "nprach", "pusch", "normal-burst"... */
	/* A name on the shape of the burst's band alone (how wide, how
	 * concentrated in the clip, how long), weaker than score's waveform
	 * evidence: used only when no classifier's score reaches
	 * min_confidence; it names a burst the detector found and is no
	 * evidence that it is a transmission (burst.class_by_band). 0 and
	 * NULL when none. */
	double band_score;
	const char *band_kind;
};

/* Measurements on one burst; NAN (or 0 counts) when not computable. */
struct classify_features {
	double body_s;          /* burst samples found in the clip, seconds */
	double clip_snr_db;     /* signal / noise in the clip's whole bandwidth (clip_rate_hz);
	                           noise from the clip's margins */
	double env_m4;          /* normalised fourth moment of the signal envelope,
	                           E|s|^4 / (E|s|^2)^2 with the noise removed:
	                           1 constant envelope (GMSK, one tone), ~2 Gaussian-like
	                           (SC-FDMA over many subcarriers) */
	double tone_purity;     /* median over 266.67 us windows of the fraction of the
	                           window's energy in its strongest tone, 0 .. 1 */
	double tone_noise_purity; /* the median purity noise alone gives the same windows:
	                           the floor tone_purity stands on (0.12 in a 150 kHz clip;
	                           NAN for clips over 240 kHz) */
	size_t tone_windows;    /* windows measured */
	size_t tone_steps_grid; /* tone changes between pure windows that land on the
	                           3.75 kHz grid (NPRACH hops: 3.75, 22.5 kHz...) */
	size_t tone_steps_off;  /* tone changes off that grid */
	double tone_span_hz;    /* max - min tone frequency over pure windows */
	double tone_conc;       /* share of the windows' summed spectrum in its strongest
	                           7.5 kHz (one tone's main lobe) beyond white noise's
	                           share, 0 .. 1: 0.50 .. 0.71 a 3.75 kHz tone at 11 ..
	                           20 dB, ~0 noise or a wide signal (NAN: clip under
	                           22.5 kHz) */
	double band_share;      /* share of the same spectrum within the burst's bandwidth
	                           around the clip's centre, beyond white noise's share,
	                           0 .. 1: ~0 when the clip shows no such band (NAN: band
	                           under one bin or over 80 % of the clip) */
	double cp66;            /* CP correlation at the 66.67 us lag (15 kHz SC-FDMA),
	                           best CP position minus the median position, -1 .. 1 */
	double cp800;           /* CP correlation at the 800 us lag (PRACH, 1.25 kHz),
	                           best position minus the median, -1 .. 1 */
	double duty;            /* share of the burst's 125 us windows that are on (over a
	                           quarter of its mean power above the noise): ~1 for a
	                           continuous transmission, ~0.5..0.7 for PUCCH slots at
	                           one band edge merged over subframes (NAN: too short) */
	double slot_gate;       /* envelope correlation at 1 ms less that at 0.5 ms, over
	                           62.5 us windows, -2 .. 2: ~1.5 for 0.5 ms slots that
	                           recur a subframe apart (PUCCH at one band edge), ~0
	                           for a steady or noise-like one (NAN: under 1.25 ms) */
	double slot_z;          /* the same on/off as a test: mean power in the slots a
	                           subframe apart from the start less that between them,
	                           over its standard error, the best start within 0.19 ms
	                           of the burst's: ~5 for such slots at -3 dB in the clip,
	                           ~0 or below for a steady one (NAN: under 1.25 ms) */
	double gmsk_lines;      /* share of the squared signal's energy in its two strongest
	                           bins near +-135.4 kHz (half the GSM bit rate), 0 .. 1:
	                           MSK-type modulation squares into two spectral lines
	                           (~0.3 .. 0.6 for GSM), SC-FDMA and noise do not (~0.05) */
	double comb;            /* correlation at half the 66.67 us symbol over the on
	                           windows, less the same at 0.77 x that lag, -1 .. 1: ~1 for
	                           a comb on every other subcarrier (SRS), ~0 otherwise */
	size_t pulses;          /* on-runs (17 us windows over the clip, a third of the
	                           way from the noise to the burst's level) */
	double pulse_s;         /* median on-run length, s (NAN: no run) */
	double pulse_gap_s;     /* median start-to-start spacing of the runs, s (NAN: < 2) */
	double pulse_snr_db;    /* signal / noise over the on windows (the runs, as the comb
	                           measures them), in the clip's bandwidth (NAN: no run) */
	double pulse_grid;      /* the largest share of the runs whose starts lie within
	                           0.1 ms of a whole number of ms from one run's start:
	                           1 for SRS symbols in consecutive subframes, ~0.8 with a
	                           noise pulse among 4 (NAN: under 3 runs or over 128) */
};

/* A classifier: a const descriptor in the registry. */
struct classifier {
	const char *id;   /* stable class id: "gsm", "nb-iot", "lte-m", "lte" */
	double bw_min_hz; /* occupied bandwidth it considers, Hz */
	double bw_max_hz;
	double dur_min_s; /* burst duration it considers, s */
	double dur_max_s;
	/* Score a burst the range admits, into r, which the caller has zeroed
	 * but for verdict (CLASSIFY_NOT_MINE). Pure: no I/O, no state. */
	void (*classify)(const struct burst *b, const struct classify_features *f,
	                 struct classify_result *r);
};

/* The registry: n descriptors, in no meaningful order (ids are the keys). */
const struct classifier *const *classify_registry(size_t *n);
/* A descriptor by id, NULL when none. */
const struct classifier *classify_find(const char *id);

struct classify_config {
	double min_confidence; /* a best score below this leaves the burst unknown,
	                          0 .. 1 (default 0.5) */
	size_t max_clip;       /* clip samples analysed (longer clips: the first
	                          max_clip), 1024 .. 1 << 22 (default 1 << 16) */
};

void classify_config_default(struct classify_config *cfg);

struct classifier_set;

/* NULL on a bad configuration or out of memory. Makes the FFTW plan. */
struct classifier_set *classify_create(const struct classify_config *cfg);

/* Measure the features of b (no allocation). Returns 0 or SIMSWEEP_EINVAL. */
int classify_features(struct classifier_set *s, const struct burst *b, struct classify_features *f);

/* Classify b in place: class_id ("unknown" when nothing claims it), kind
 * (NULL then) and confidence (0 then). The features behind the decision
 * are kept until the next call (classify_last_features). Returns 0, or
 * SIMSWEEP_EINVAL for a NULL argument. */
int classify_run(struct classifier_set *s, struct burst *b);

/* Features of the last classify_run. */
const struct classify_features *classify_last_features(const struct classifier_set *s);

/* NULL is a no-op. */
void classify_destroy(struct classifier_set *s);

/* One-shot convenience: classify_create, classify_run, classify_destroy
 * with the default configuration (allocates; use a set in a loop).
 * Returns 0, SIMSWEEP_EINVAL or SIMSWEEP_ENOMEM. */
int classify_burst(struct burst *b);

#endif
