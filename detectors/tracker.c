/* tracker.c - clusters, emitters, periods and alerts (see tracker.h). */
#include "simsweep/tracker.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/bands.h"
#include "simsweep/block.h"
#include "simsweep/error.h"

/* A period needs this many agreeing intervals; an interval may span this
 * many missed wake-ups. */
#define TRACKER_PERIOD_MIN_INTERVALS 3
#define TRACKER_PERIOD_MAX_MISSED    2

struct cluster {
	uint64_t id;
	char class_id[16];
	double start_t, end_t; /* tracker time (s) */
	double start_s, end_s; /* stream time (s) */
	int64_t utc_ns;
	double wsum, wfreq; /* power-weighted frequency */
	double bandwidth_hz, power_dbfs;
	uint32_t n_bursts;
	int abs_freq;     /* 1 when the tuning is known (freq is absolute) */
	const char *file; /* caller's string, valid while the cluster is open */
};

struct emitter {
	uint32_t id;
	char class_id[16];
	double freq_hz, power_dbfs, bandwidth_hz;
	uint32_t n_clusters;
	double first_t, last_t, last_s;
	int64_t last_utc_ns;
	double *times; /* cluster start times, ascending, at most max_intervals + 1 */
	size_t n_times;
	double period_s, jitter_s;
	int abs_freq;
	int rule;    /* index of the explaining rule, -1 none */
	int alerted; /* 0 none, 1 medium, 2 high */
};

struct tracker {
	struct tracker_config cfg;
	struct tracker_rule *rules;
	double known_max_power_dbfs; /* strongest learned device, -INFINITY when none */
	struct cluster *open;
	size_t n_open;
	struct emitter *em;
	size_t n_em;
	double *times; /* backing store of every emitter's ring */
	double *scratch;
	uint64_t next_cluster, next_alert;
	struct tracker_stats st;
};

const char *tracker_event_name(enum tracker_event_type type)
{
	switch (type) {
	case TRACKER_EVENT_CLUSTER: return "cluster";
	case TRACKER_EVENT_EMITTER: return "emitter";
	case TRACKER_EVENT_ALERT: return "alert";
	case TRACKER_EVENT_STATUS: return "status";
	}
	return "unknown";
}

void tracker_config_default(struct tracker_config *cfg)
{
	*cfg = (struct tracker_config){
	    .cluster_gap_s = 3,
	    .cluster_freq_tol_hz = 500e3,
	    .emitter_freq_tol_hz = 200e3,
	    .emitter_power_tol_db = 8,
	    .period_tol = 0.1,
	    .strong_margin_db = 10,
	    .strong_power_dbfs = -10,
	    .max_open_clusters = 64,
	    .max_emitters = 1024,
	    .max_intervals = 256,
	};
}

struct tracker *tracker_create(const struct tracker_config *cfg)
{
	if (!cfg || !(cfg->cluster_gap_s > 0) || !(cfg->cluster_freq_tol_hz > 0) ||
	    !(cfg->emitter_freq_tol_hz > 0) || !(cfg->emitter_power_tol_db > 0) ||
	    !(cfg->period_tol > 0 && cfg->period_tol < 0.5) || !isfinite(cfg->strong_margin_db) ||
	    !isfinite(cfg->strong_power_dbfs) || cfg->max_open_clusters == 0 ||
	    cfg->max_open_clusters > 1u << 16 || cfg->max_emitters == 0 ||
	    cfg->max_emitters > 1u << 20 || cfg->max_intervals < 2 ||
	    cfg->max_intervals > 1u << 16 || (cfg->n_rules && !cfg->rules) ||
	    cfg->n_rules > 1u << 20)
		return NULL;
	if ((double)cfg->max_emitters * (double)(cfg->max_intervals + 1) > 1 << 26)
		return NULL;
	for (size_t i = 0; i < cfg->n_rules; i++) {
		const struct tracker_rule *r = &cfg->rules[i];
		if (isnan(r->freq_low_hz) != isnan(r->freq_high_hz) ||
		    r->freq_low_hz > r->freq_high_hz)
			return NULL;
	}
	struct tracker *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->open = calloc(cfg->max_open_clusters, sizeof(*t->open));
	t->em = calloc(cfg->max_emitters, sizeof(*t->em));
	t->times = calloc(cfg->max_emitters * (cfg->max_intervals + 1), sizeof(double));
	t->scratch = calloc(cfg->max_intervals + 1, sizeof(double));
	t->rules = cfg->n_rules ? calloc(cfg->n_rules, sizeof(*t->rules)) : NULL;
	if (!t->open || !t->em || !t->times || !t->scratch || (cfg->n_rules && !t->rules)) {
		tracker_destroy(t);
		return NULL;
	}
	t->known_max_power_dbfs = -INFINITY;
	for (size_t i = 0; i < cfg->n_rules; i++) {
		t->rules[i] = cfg->rules[i];
		t->rules[i].class_id[sizeof(t->rules[i].class_id) - 1] = '\0';
		t->rules[i].note[sizeof(t->rules[i].note) - 1] = '\0';
		if (t->rules[i].learned && isfinite(t->rules[i].max_power_dbfs) &&
		    t->rules[i].max_power_dbfs > t->known_max_power_dbfs)
			t->known_max_power_dbfs = t->rules[i].max_power_dbfs;
	}
	t->cfg.rules = t->rules;
	tracker_reset(t);
	return t;
}

void tracker_reset(struct tracker *t)
{
	if (!t)
		return;
	t->n_open = 0;
	t->n_em = 0;
	t->next_cluster = 1;
	t->next_alert = 1;
}

void tracker_destroy(struct tracker *t)
{
	if (!t)
		return;
	free(t->open);
	free(t->em);
	free(t->times);
	free(t->scratch);
	free(t->rules);
	free(t);
}

/* Insertion sort: a few hundred intervals once per cluster, and no
 * allocation (qsort may allocate). */
static void sort_doubles(double *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

int tracker_period(const double *times_s, size_t n, double tol, double *scratch, double *period_s,
                   double *jitter_s)
{
	*period_s = NAN;
	*jitter_s = NAN;
	if (!times_s || !scratch || n < TRACKER_PERIOD_MIN_INTERVALS + 1 || !(tol > 0))
		return SIMSWEEP_ERANGE;
	size_t ni = n - 1;
	for (size_t i = 0; i < ni; i++)
		scratch[i] = times_s[i + 1] - times_s[i];
	sort_doubles(scratch, ni);
	double med = scratch[ni / 2];
	/* Missed wake-ups make intervals of 2 or 3 periods; when they are the
	 * majority the median is one of them: the period is then the smallest
	 * interval seen at least twice of which the median is a multiple. */
	for (size_t i = 0; i < ni / 2 + 1; i++) {
		double cand = scratch[i];
		if (!(cand > 0))
			continue;
		size_t support = 0;
		for (size_t j = 0; j < ni; j++)
			support += fabs(scratch[j] - cand) <= tol * cand;
		double k = round(med / cand);
		if (support >= 2 && k >= 2 && k <= TRACKER_PERIOD_MAX_MISSED + 1 &&
		    fabs(med - k * cand) <= tol * cand) {
			med = cand;
			break;
		}
	}
	if (!(med > 0))
		return SIMSWEEP_ERANGE;
	double sum = 0, sum2 = 0;
	size_t used = 0;
	for (size_t i = 0; i < ni; i++) {
		double k = round(scratch[i] / med);
		if (k < 1 || k > TRACKER_PERIOD_MAX_MISSED + 1 ||
		    fabs(scratch[i] - k * med) > tol * med)
			continue;
		double v = scratch[i] / k;
		sum += v;
		sum2 += v * v;
		used++;
	}
	/* Regular means: most intervals agree, and they agree closely (random
	 * times that happen to fall within tol spread over all of it). */
	if (used < TRACKER_PERIOD_MIN_INTERVALS || 4 * used < 3 * ni)
		return SIMSWEEP_ERANGE;
	double mean = sum / (double)used;
	double var = (sum2 - sum * mean) / (double)(used - 1);
	/* Independent jitter j on each wake-up gives intervals spread by
	 * sqrt(2) j. */
	double jitter = var > 0 ? sqrt(var / 2) : 0;
	if (jitter > tol / 4 * mean)
		return SIMSWEEP_ERANGE;
	*period_s = mean;
	*jitter_s = jitter;
	return SIMSWEEP_OK;
}

static double burst_time(const struct burst *b)
{
	return b->utc_ns != SIMSWEEP_UTC_UNKNOWN ? (double)b->utc_ns * 1e-9 : b->start_s;
}

static double burst_freq(const struct burst *b)
{
	return isnan(b->freq_hz) ? b->freq_offset_hz : b->freq_hz;
}

static void band_of(double freq_hz, int freq_known, int *band, int *uplink)
{
	struct band_match m;
	*band = 0;
	*uplink = -1;
	if (freq_known && bands_lookup(freq_hz, &m, 1) > 0) {
		*band = m.band;
		*uplink = m.uplink;
	}
}

static int rule_matches(const struct tracker_rule *r, const char *class_id, double freq_hz,
                        double power_dbfs)
{
	if (!isnan(r->freq_low_hz) && !(freq_hz >= r->freq_low_hz && freq_hz <= r->freq_high_hz))
		return 0;
	if (r->class_id[0] && strcmp(r->class_id, class_id) != 0)
		return 0;
	/* A learned device explains what is no stronger than it was (with
	 * some margin for fading and position). */
	if (r->learned && isfinite(r->max_power_dbfs) && power_dbfs > r->max_power_dbfs + 6)
		return 0;
	return 1;
}

static int find_rule(const struct tracker *t, const char *class_id, double freq_hz,
                     double power_dbfs)
{
	for (size_t i = 0; i < t->cfg.n_rules; i++)
		if (rule_matches(&t->rules[i], class_id, freq_hz, power_dbfs))
			return (int)i;
	return -1;
}

static void emitter_event(const struct tracker *t, const struct emitter *e,
                          struct tracker_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = TRACKER_EVENT_EMITTER;
	ev->t_s = e->last_s;
	ev->utc_ns = e->last_utc_ns;
	ev->emitter_id = e->id;
	ev->class_id = e->class_id;
	ev->freq_hz = e->freq_hz;
	ev->bandwidth_hz = e->bandwidth_hz;
	ev->power_dbfs = e->power_dbfs;
	band_of(e->freq_hz, e->abs_freq, &ev->band, &ev->uplink);
	ev->n_clusters = e->n_clusters;
	ev->first_s = e->first_t;
	ev->last_s = e->last_t;
	ev->period_s = e->period_s;
	ev->jitter_s = e->jitter_s;
	ev->expected = e->rule >= 0;
	ev->rule_note = e->rule >= 0 ? t->rules[e->rule].note : NULL;
	ev->end_s = ev->duration_s = ev->freq_low_hz = ev->freq_high_hz = NAN;
}

static struct emitter *emitter_for(struct tracker *t, const struct cluster *c, double freq,
                                   int *created)
{
	*created = 0;
	struct emitter *best = NULL;
	double best_d = INFINITY;
	for (size_t i = 0; i < t->n_em; i++) {
		struct emitter *e = &t->em[i];
		double d = fabs(e->freq_hz - freq);
		if (strcmp(e->class_id, c->class_id) != 0 || d > t->cfg.emitter_freq_tol_hz ||
		    fabs(e->power_dbfs - c->power_dbfs) > t->cfg.emitter_power_tol_db)
			continue;
		if (d < best_d) {
			best_d = d;
			best = e;
		}
	}
	if (best)
		return best;
	if (t->n_em >= t->cfg.max_emitters)
		return NULL;
	struct emitter *e = &t->em[t->n_em];
	memset(e, 0, sizeof(*e));
	e->times = t->times + t->n_em * (t->cfg.max_intervals + 1);
	e->id = (uint32_t)++t->n_em;
	memcpy(e->class_id, c->class_id, sizeof(e->class_id));
	e->freq_hz = freq;
	e->power_dbfs = c->power_dbfs;
	e->bandwidth_hz = c->bandwidth_hz;
	e->first_t = c->start_t;
	e->abs_freq = c->abs_freq;
	e->period_s = e->jitter_s = NAN;
	e->rule = -1;
	t->st.emitters++;
	*created = 1;
	return e;
}

static void close_cluster(struct tracker *t, size_t idx, tracker_event_fn fn, void *ctx)
{
	struct cluster c = t->open[idx];
	t->open[idx] = t->open[--t->n_open];
	t->st.clusters++;
	double freq = c.wsum > 0 ? c.wfreq / c.wsum : c.wfreq;
	int freq_known = c.abs_freq;

	int created;
	struct emitter *e = emitter_for(t, &c, freq, &created);
	if (!e)
		t->st.overflows++;

	struct tracker_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = TRACKER_EVENT_CLUSTER;
	ev.t_s = c.start_s;
	ev.utc_ns = c.utc_ns;
	ev.file = c.file;
	ev.emitter_id = e ? e->id : 0;
	ev.cluster_id = c.id;
	ev.class_id = c.class_id;
	ev.freq_hz = freq;
	ev.bandwidth_hz = c.bandwidth_hz;
	ev.power_dbfs = c.power_dbfs;
	band_of(freq, freq_known, &ev.band, &ev.uplink);
	ev.end_s = c.end_s;
	ev.duration_s = c.end_s - c.start_s;
	ev.n_bursts = c.n_bursts;
	ev.period_s = ev.jitter_s = ev.first_s = ev.last_s = NAN;
	ev.freq_low_hz = ev.freq_high_hz = ev.covered_s = NAN;
	fn(&ev, ctx);
	if (!e)
		return;

	/* Update the emitter: a running mean of frequency and power, the ring
	 * of cluster times, the period. */
	size_t cap = t->cfg.max_intervals + 1;
	if (!created) {
		double n = (double)e->n_clusters;
		e->freq_hz = (e->freq_hz * n + freq) / (n + 1);
		e->power_dbfs = (e->power_dbfs * n + c.power_dbfs) / (n + 1);
		if (c.bandwidth_hz > e->bandwidth_hz)
			e->bandwidth_hz = c.bandwidth_hz;
	}
	e->n_clusters++;
	e->last_t = c.start_t;
	e->last_s = c.start_s;
	e->last_utc_ns = c.utc_ns;
	/* times[] stays in ascending order: the oldest drops out when full */
	if (e->n_times == cap) {
		memmove(e->times, e->times + 1, (cap - 1) * sizeof(double));
		e->n_times--;
	}
	e->times[e->n_times++] = c.start_t;
	tracker_period(e->times, e->n_times, t->cfg.period_tol, t->scratch, &e->period_s,
	               &e->jitter_s);

	int rule = find_rule(t, c.class_id, freq, c.power_dbfs);
	if (rule >= 0)
		e->rule = rule;

	struct tracker_event em;
	emitter_event(t, e, &em);
	em.file = c.file;
	fn(&em, ctx);

	/* Alert: an uplink (or unplaced) emitter no rule explains; again when
	 * it turns strong. Downlinks are base stations, not what is hunted. */
	if (e->rule >= 0 || ev.uplink == 0)
		return;
	double known = t->known_max_power_dbfs;
	int strong = isfinite(known) ? c.power_dbfs > known + t->cfg.strong_margin_db
	                             : c.power_dbfs > t->cfg.strong_power_dbfs;
	int level = strong ? 2 : 1;
	if (level <= e->alerted)
		return;
	e->alerted = level;
	char reason[256];
	const char *where = ev.uplink == 1 ? "uplink" : "unplaced";
	char bandname[16] = "";
	if (ev.band)
		snprintf(bandname, sizeof(bandname), " B%d", ev.band);
	if (strong && isfinite(known))
		snprintf(reason, sizeof(reason),
		         "%s at %.3f MHz (%s%s): not in baseline or allowlist; %.1f dB above the "
		         "strongest known device",
		         c.class_id, freq / 1e6, where, bandname, c.power_dbfs - known);
	else if (strong)
		snprintf(reason, sizeof(reason),
		         "%s at %.3f MHz (%s%s): not in baseline or allowlist; strong (%.1f dBFS): "
		         "close",
		         c.class_id, freq / 1e6, where, bandname, c.power_dbfs);
	else
		snprintf(reason, sizeof(reason),
		         "%s at %.3f MHz (%s%s): not in baseline or allowlist", c.class_id,
		         freq / 1e6, where, bandname);
	struct tracker_event al = ev;
	al.type = TRACKER_EVENT_ALERT;
	al.alert_id = t->next_alert++;
	al.severity = strong ? "high" : "medium";
	al.reason = reason;
	al.n_clusters = e->n_clusters;
	al.period_s = e->period_s;
	al.jitter_s = e->jitter_s;
	t->st.alerts++;
	fn(&al, ctx);
}

void tracker_process(struct tracker *t, const struct burst *b, const char *file,
                     tracker_event_fn fn, void *ctx)
{
	if (!t || !b || b->type != BURST_TYPE_BURST)
		return;
	t->st.bursts++;
	double now = burst_time(b);
	/* Close the clusters this burst is past the gap of. */
	for (size_t i = 0; i < t->n_open;) {
		if (now - t->open[i].end_t > t->cfg.cluster_gap_s)
			close_cluster(t, i, fn, ctx);
		else
			i++;
	}
	const char *cls = b->class_id ? b->class_id : "unknown";
	double freq = burst_freq(b);
	double w = isfinite(b->power_dbfs) ? pow(10, b->power_dbfs / 10) : 0;
	struct cluster *c = NULL;
	for (size_t i = 0; i < t->n_open; i++) {
		struct cluster *o = &t->open[i];
		double of = o->wsum > 0 ? o->wfreq / o->wsum : o->wfreq;
		if (!strcmp(o->class_id, cls) && fabs(of - freq) <= t->cfg.cluster_freq_tol_hz) {
			c = o;
			break;
		}
	}
	if (!c) {
		if (t->n_open >= t->cfg.max_open_clusters) {
			/* close the oldest to make room */
			size_t oldest = 0;
			for (size_t i = 1; i < t->n_open; i++)
				if (t->open[i].end_t < t->open[oldest].end_t)
					oldest = i;
			close_cluster(t, oldest, fn, ctx);
		}
		c = &t->open[t->n_open++];
		memset(c, 0, sizeof(*c));
		c->id = t->next_cluster++;
		snprintf(c->class_id, sizeof(c->class_id), "%s", cls);
		c->start_t = now;
		c->start_s = b->start_s;
		c->utc_ns = b->utc_ns;
		c->power_dbfs = -INFINITY;
		c->file = file;
		c->abs_freq = !isnan(b->freq_hz);
	}
	if (w > 0) {
		c->wsum += w;
		c->wfreq += w * freq;
	} else if (c->wsum <= 0) {
		c->wfreq = freq; /* no power yet: the latest frequency */
	}
	double end_t = now + b->duration_s;
	if (end_t > c->end_t)
		c->end_t = end_t;
	if (b->start_s + b->duration_s > c->end_s)
		c->end_s = b->start_s + b->duration_s;
	if (b->bandwidth_hz > c->bandwidth_hz)
		c->bandwidth_hz = b->bandwidth_hz;
	if (b->power_dbfs > c->power_dbfs)
		c->power_dbfs = b->power_dbfs;
	c->n_bursts++;
	c->file = file;
}

void tracker_flush(struct tracker *t, tracker_event_fn fn, void *ctx)
{
	if (!t)
		return;
	while (t->n_open > 0) {
		/* oldest first, so events stay in time order */
		size_t oldest = 0;
		for (size_t i = 1; i < t->n_open; i++)
			if (t->open[i].start_t < t->open[oldest].start_t)
				oldest = i;
		close_cluster(t, oldest, fn, ctx);
	}
}

size_t tracker_emitter_count(const struct tracker *t)
{
	return t ? t->n_em : 0;
}

int tracker_emitter(const struct tracker *t, size_t i, struct tracker_event *ev)
{
	if (!t || !ev || i >= t->n_em)
		return SIMSWEEP_EINVAL;
	emitter_event(t, &t->em[i], ev);
	return SIMSWEEP_OK;
}

void tracker_stats(const struct tracker *t, struct tracker_stats *st)
{
	if (t && st)
		*st = t->st;
}
