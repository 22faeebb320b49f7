/* tracker.h - from bursts to findings: clusters, emitters, their periods,
 * and alerts for what neither the baseline nor the allowlist explains.
 *
 *   bursts ─▶ clusters (one transmitter session: same class, channel within
 *             cluster_freq_tol_hz, silences under cluster_gap_s)
 *          ─▶ emitters (clusters sharing class, channel within
 *             emitter_freq_tol_hz and power within emitter_power_tol_db)
 *          ─▶ period (median interval between an emitter's clusters, the
 *             intervals near it or near a multiple of it averaged) and jitter
 *             (spread of the wake-up times: see tracker_period)
 *          ─▶ alert (an uplink emitter no rule explains; "high" severity when
 *             it is strong_margin_db above the strongest known device)
 *
 *   time ─────────────────────────────────────────────────────────────▶
 *   burst  ▌ ▌▌  ▌          (gap > cluster_gap_s)          ▌ ▌▌▌
 *          └cluster 1┘                                    └cluster 2┘
 *          └──────────── interval (period_s ± jitter_s) ──┘
 *
 * Time: a burst's time is its UTC (utc_ns) when known, else its start_s;
 * every event carries t_s (seconds from the stream's first sample) and
 * utc_ns (SIMSWEEP_UTC_UNKNOWN when not known) like bursts.
 *
 * The tracker is pure: no I/O, no printing; all memory is allocated in
 * tracker_create (fixed capacities; what does not fit is counted). Events go
 * to a callback, synchronously, in order. Carriers (BURST_TYPE_CARRIER) are
 * not clustered: a signal on for seconds is not a module phoning home.
 */
#ifndef SIMSWEEP_TRACKER_H
#define SIMSWEEP_TRACKER_H

#include <stddef.h>
#include <stdint.h>

#include "simsweep/burst.h"

enum tracker_event_type {
	TRACKER_EVENT_CLUSTER = 0, /* a closed cluster */
	TRACKER_EVENT_EMITTER,     /* an emitter was created or updated (same id) */
	TRACKER_EVENT_ALERT,       /* an unexpected emitter, or its severity rose */
	TRACKER_EVENT_STATUS,      /* coverage and free text (from the CLI, not the tracker) */
};

/* Stable names: "cluster", "emitter", "alert", "status". */
const char *tracker_event_name(enum tracker_event_type type);

/* One event. Fields that do not apply to a type are 0/NAN/NULL. Strings are
 * valid only during the callback. */
struct tracker_event {
	enum tracker_event_type type;
	double t_s;       /* stream seconds of the event (cluster/emitter: its start or last
	                     cluster; alert: the cluster that raised it) */
	int64_t utc_ns;   /* UTC of t_s, or SIMSWEEP_UTC_UNKNOWN */
	const char *file; /* input name, or NULL */

	/* cluster, emitter, alert */
	uint32_t emitter_id;  /* 1, 2, ... (0: none) */
	uint64_t cluster_id;  /* 1, 2, ... (cluster, alert) */
	const char *class_id; /* "nb-iot", "lte-m", "lte", "gsm", "unknown" */
	double freq_hz;       /* power-weighted centre, absolute or offset (as bursts) */
	double bandwidth_hz;  /* widest burst */
	double power_dbfs;    /* strongest burst */
	int band;             /* E-UTRA band of freq_hz, 0 when none or unknown */
	int uplink;           /* 1 uplink, 0 downlink, -1 unknown */

	/* cluster */
	double end_s;      /* stream seconds of the end of the last burst */
	double duration_s; /* end_s - t_s */
	uint32_t n_bursts;

	/* emitter */
	uint32_t n_clusters;
	double first_s;  /* tracker time (UTC seconds, or stream seconds) of the first cluster */
	double last_s;   /* ... of the last cluster */
	double period_s; /* NAN until three intervals agree (tracker_period) */
	double jitter_s; /* NAN with period_s */
	int expected;    /* 1 when a rule explains the emitter */
	const char *rule_note; /* the explaining rule's note, or NULL */

	/* alert */
	uint64_t alert_id;    /* 1, 2, ... */
	const char *severity; /* "medium", "high" */
	const char *reason;   /* one sentence */

	/* status: coverage of one input or sweep step */
	const char *message; /* free text, or NULL */
	double freq_low_hz;  /* covered band, NAN when unknown */
	double freq_high_hz;
	double covered_s; /* seconds of signal analysed */
	int has_loss;     /* 1: a live source's losses since the previous such event: */
	uint64_t dropped; /* samples lost (ring full, disconnected) */
	uint64_t clipped; /* samples at the ADC limits */
};

typedef void (*tracker_event_fn)(const struct tracker_event *ev, void *ctx);

/* What a baseline or allowlist entry explains: a frequency range and, when
 * given, a class and a power ceiling. */
struct tracker_rule {
	double freq_low_hz; /* inclusive range; NAN/NAN matches any frequency */
	double freq_high_hz;
	char class_id[16];     /* "" matches any class */
	double max_power_dbfs; /* NAN: any power; else the device seen (baseline) */
	char note[128];        /* why it is expected ("team phone", "downlink leakage") */
	int learned;           /* 1 from a baseline (a known device: its power counts
	                          for the severity), 0 from a hand-written allowlist */
};

struct tracker_config {
	double cluster_gap_s;        /* a silence longer than this ends a cluster (default 3) */
	double cluster_freq_tol_hz;  /* a burst this close joins a cluster (default 500e3) */
	double emitter_freq_tol_hz;  /* clusters this close are one emitter (default 200e3) */
	double emitter_power_tol_db; /* ... and this close in power (default 8) */
	double period_tol;           /* an interval within this fraction of the median (or of
	                                a multiple of it) counts for the period (default 0.1) */
	double strong_margin_db;     /* "high" severity above the strongest known device
	                                by this much (default 10) */
	double strong_power_dbfs;    /* with no known device, "high" above this (default -10) */
	size_t max_open_clusters;    /* (default 64) */
	size_t max_emitters;         /* (default 1024) */
	size_t max_intervals;        /* intervals kept per emitter, latest first (default 256) */
	const struct tracker_rule *rules; /* baseline + allowlist, copied at create */
	size_t n_rules;
};

struct tracker_stats {
	uint64_t bursts;    /* bursts taken in */
	uint64_t clusters;  /* clusters closed */
	uint64_t emitters;  /* emitters created */
	uint64_t alerts;    /* alerts raised */
	uint64_t overflows; /* clusters or emitters that did not fit */
};

void tracker_config_default(struct tracker_config *cfg);

/* NULL when a tolerance is not positive, a capacity is 0 or too large, or a
 * rule has a bad range. */
struct tracker *tracker_create(const struct tracker_config *cfg);

/* One burst, in order of detection. file names the input in the events. */
void tracker_process(struct tracker *t, const struct burst *b, const char *file,
                     tracker_event_fn fn, void *ctx);

/* Close every open cluster (end of an input, or of a session). Emitters and
 * their periods are kept. */
void tracker_flush(struct tracker *t, tracker_event_fn fn, void *ctx);

/* Emitters so far: n_clusters, period, rule; i < tracker_emitter_count(). The
 * event is filled as an TRACKER_EVENT_EMITTER event. */
size_t tracker_emitter_count(const struct tracker *t);
int tracker_emitter(const struct tracker *t, size_t i, struct tracker_event *ev);

void tracker_stats(const struct tracker *t, struct tracker_stats *st);

/* Forget clusters and emitters (stats and rules are kept). */
void tracker_reset(struct tracker *t);

void tracker_destroy(struct tracker *t);

/* Period of a list of event times (seconds, ascending): the median
 * interval (or, when missed wake-ups make most intervals 2 or 3 periods,
 * the smallest interval seen twice that the median is a multiple of); the
 * period is the mean of the intervals within tol of it or of 2 or 3 times it
 * (divided). Regular means at least 3 such intervals, at least 3/4 of all,
 * and a jitter under tol/4 of the period. jitter_s is the spread of the
 * wake-up times around a regular schedule: the standard deviation of those
 * intervals / sqrt(2) (each interval carries the jitter of two wake-ups).
 * Returns 0, or SIMSWEEP_ERANGE when not regular (period/jitter NAN).
 * scratch holds n doubles. */
int tracker_period(const double *times_s, size_t n, double tol, double *scratch, double *period_s,
                   double *jitter_s);

#endif
