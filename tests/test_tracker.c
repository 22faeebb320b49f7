/* test_tracker.c - findings from seeded burst lists: a module waking every
 * 1800 s +- 1 s among distractors is one emitter with its period and
 * jitter; sessions of bursts are one cluster each; a baseline or an
 * allowlist silences what it explains; what nothing explains is an alert
 * with a reason, "high" when far stronger than the known devices. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "simsweep/block.h"
#include "simsweep/tracker.h"

static uint64_t rng_state;

static double uniform(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
	double u = uniform(), v = uniform();
	if (u < 1e-300)
		u = 1e-300;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

#define MAX_BURSTS 4096
static struct burst bursts[MAX_BURSTS];
static size_t n_bursts;
static const int64_t T0_NS = 1714564800000000000ll; /* 2024-05-01T12:00:00Z */

static void add(double t_s, double freq_hz, double power_dbfs, const char *cls)
{
	if (n_bursts >= MAX_BURSTS)
		return;
	struct burst *b = &bursts[n_bursts++];
	memset(b, 0, sizeof(*b));
	b->type = BURST_TYPE_BURST;
	b->rate_hz = 2.4e6;
	b->start_s = t_s;
	b->sample = (uint64_t)(t_s * b->rate_hz);
	b->duration_s = 5e-3;
	b->n_samples = 12000;
	b->freq_hz = freq_hz;
	b->freq_offset_hz = freq_hz - 847e6;
	b->bandwidth_hz = 180e3;
	b->power_dbfs = power_dbfs;
	b->snr_db = 20;
	b->noise_dbfs = -40;
	b->utc_ns = T0_NS + (int64_t)llround(t_s * 1e9);
	b->class_id = cls;
}

static int cmp_burst(const void *a, const void *b)
{
	double x = ((const struct burst *)a)->start_s, y = ((const struct burst *)b)->start_s;
	return (x > y) - (x < y);
}

/* A module session: a random access, then data bursts within 2 s. */
static void session(double t, double freq, double power, const char *cls, int n_data)
{
	add(t, freq, power, cls);
	for (int i = 0; i < n_data; i++)
		add(t + 0.3 + 0.4 * i, freq + 15e3 * (i % 3), power - 1, cls);
}

struct collect {
	size_t clusters, emitters, alerts, high_alerts;
	size_t cluster_bursts;
	struct tracker_event last_emitter[16];
	char reason[256];
	char severity[16];
	double alert_freq[16];
	int time_ok;
};

static void on_event(const struct tracker_event *ev, void *ctx)
{
	struct collect *c = ctx;
	if (ev->utc_ns == SIMSWEEP_UTC_UNKNOWN || !isfinite(ev->t_s))
		c->time_ok = 0;
	switch (ev->type) {
	case TRACKER_EVENT_CLUSTER:
		c->clusters++;
		c->cluster_bursts += ev->n_bursts;
		break;
	case TRACKER_EVENT_EMITTER:
		c->emitters++;
		if (ev->emitter_id < 16) {
			c->last_emitter[ev->emitter_id] = *ev;
			c->last_emitter[ev->emitter_id].class_id = NULL;
			c->last_emitter[ev->emitter_id].rule_note = NULL;
		}
		break;
	case TRACKER_EVENT_ALERT:
		if (c->alerts < 16)
			c->alert_freq[c->alerts] = ev->freq_hz;
		c->alerts++;
		if (!strcmp(ev->severity, "high"))
			c->high_alerts++;
		snprintf(c->reason, sizeof(c->reason), "%s", ev->reason);
		snprintf(c->severity, sizeof(c->severity), "%s", ev->severity);
		break;
	case TRACKER_EVENT_STATUS: break;
	}
}

static struct tracker *run(const struct tracker_rule *rules, size_t n_rules, struct collect *c)
{
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	cfg.rules = rules;
	cfg.n_rules = n_rules;
	struct tracker *t = tracker_create(&cfg);
	CHECK(t != NULL);
	memset(c, 0, sizeof(*c));
	c->time_ok = 1;
	for (size_t i = 0; i < n_bursts; i++)
		tracker_process(t, &bursts[i], "scene.cu8", on_event, c);
	tracker_flush(t, on_event, c);
	return t;
}

/* 6 h: the tracker at 847.1 MHz (NB-IoT, B20 uplink) every 1800 s with 1 s
 * of jitter; distractor LTE bursts at random uplink frequencies; a
 * downlink-band (B20 DL) GSM-like burst now and then. */
static void scene(uint64_t seed, double tracker_power)
{
	rng_state = seed;
	n_bursts = 0;
	for (int k = 0; k <= 12; k++)
		session(60 + 1800.0 * k + gauss(), 847.1e6, tracker_power, "nb-iot", 4);
	for (int i = 0; i < 150; i++)
		add(uniform() * 21600, 832.5e6 + uniform() * 9e6, -45 + 5 * uniform(), "lte");
	for (int i = 0; i < 10; i++)
		add(uniform() * 21600, 800e6, -30, "gsm");
	qsort(bursts, n_bursts, sizeof(bursts[0]), cmp_burst);
}

static void test_create_rejects(void)
{
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	struct tracker *t = tracker_create(&cfg);
	CHECK(t != NULL);
	tracker_destroy(t);
	tracker_destroy(NULL);
	CHECK(tracker_create(NULL) == NULL);
	cfg.cluster_gap_s = 0;
	CHECK(tracker_create(&cfg) == NULL);
	tracker_config_default(&cfg);
	cfg.max_emitters = 0;
	CHECK(tracker_create(&cfg) == NULL);
	tracker_config_default(&cfg);
	cfg.period_tol = 0.7;
	CHECK(tracker_create(&cfg) == NULL);
	tracker_config_default(&cfg);
	struct tracker_rule bad = {.freq_low_hz = 900e6, .freq_high_hz = 800e6, .note = "x"};
	cfg.rules = &bad;
	cfg.n_rules = 1;
	CHECK(tracker_create(&cfg) == NULL);
	cfg.rules = NULL;
	CHECK(tracker_create(&cfg) == NULL);
}

static void test_period(void)
{
	double scratch[16], p, j;
	double regular[7] = {0, 10, 20, 30, 40, 50, 60};
	CHECK(tracker_period(regular, 7, 0.1, scratch, &p, &j) == 0);
	CHECK_NEAR(p, 10, 1e-9);
	CHECK_NEAR(j, 0, 1e-9);
	/* a missed wake-up (an interval of 2 periods) still gives the period */
	double missed[6] = {0, 10, 30, 40, 50, 60};
	CHECK(tracker_period(missed, 6, 0.1, scratch, &p, &j) == 0);
	CHECK_NEAR(p, 10, 1e-9);
	/* too few, or no agreement */
	CHECK(tracker_period(regular, 2, 0.1, scratch, &p, &j) != 0);
	CHECK(isnan(p) && isnan(j));
	double random[4] = {0, 3, 17, 18};
	CHECK(tracker_period(random, 4, 0.1, scratch, &p, &j) != 0);
	double one[1] = {5};
	CHECK(tracker_period(one, 1, 0.1, scratch, &p, &j) != 0);
}

static void test_emitter_period(void)
{
	scene(12345, -35);
	struct collect c;
	struct tracker *t = run(NULL, 0, &c);
	/* 13 module sessions of 5 bursts, and 160 single-burst distractors */
	CHECK(c.clusters >= 13 + 140);
	CHECK_EQ_INT(c.cluster_bursts, n_bursts);
	CHECK(c.time_ok);
	struct tracker_stats st;
	tracker_stats(t, &st);
	CHECK_EQ_INT(st.bursts, n_bursts);
	CHECK_EQ_INT(st.overflows, 0);
	/* exactly one periodic emitter, the module */
	size_t periodic = 0;
	for (size_t i = 0; i < tracker_emitter_count(t); i++) {
		struct tracker_event ev;
		CHECK(tracker_emitter(t, i, &ev) == 0);
		if (!isfinite(ev.period_s))
			continue;
		periodic++;
		CHECK(!strcmp(ev.class_id, "nb-iot"));
		CHECK_NEAR(ev.freq_hz, 847.1e6, 20e3);
		CHECK_EQ_INT(ev.n_clusters, 13);
		CHECK_NEAR(ev.period_s, 1800, 1.0);
		CHECK(ev.jitter_s > 0.4 && ev.jitter_s < 2.0);
		CHECK_EQ_INT(ev.band, 20);
		CHECK_EQ_INT(ev.uplink, 1);
		fprintf(stderr, "emitter %u: period %.3f s, jitter %.3f s\n", ev.emitter_id,
		        ev.period_s, ev.jitter_s);
	}
	CHECK_EQ_INT(periodic, 1);
	/* with no baseline every uplink emitter is unexpected, the downlink
	 * GSM-like bursts at 800 MHz are not; one alert per emitter */
	CHECK(c.alerts > 1);
	for (size_t i = 0; i < c.alerts && i < 16; i++)
		CHECK(c.alert_freq[i] < 790e6 || c.alert_freq[i] > 821e6);
	CHECK(st.alerts == c.alerts);
	CHECK(st.emitters >= c.alerts);
	tracker_destroy(t);
}

static void test_rules(void)
{
	scene(777, -35);
	/* an allowlist for the distractors' LTE band part and the module: no alert */
	struct tracker_rule rules[2] = {
	    {.freq_low_hz = 832e6,
	     .freq_high_hz = 842e6,
	     .class_id = "lte",
	     .max_power_dbfs = NAN,
	     .note = "fixed LTE users"},
	    {.freq_low_hz = 847.0e6,
	     .freq_high_hz = 847.2e6,
	     .class_id = "nb-iot",
	     .max_power_dbfs = -33,
	     .note = "our own logger",
	     .learned = 1},
	};
	struct collect c;
	struct tracker *t = run(rules, 2, &c);
	CHECK_EQ_INT(c.alerts, 0);
	struct tracker_event ev;
	int found = 0;
	for (size_t i = 0; i < tracker_emitter_count(t); i++)
		if (!tracker_emitter(t, i, &ev) && isfinite(ev.period_s)) {
			found = 1;
			CHECK(ev.expected);
			CHECK(ev.rule_note && !strcmp(ev.rule_note, "our own logger"));
		}
	CHECK(found);
	tracker_destroy(t);

	/* only the LTE allowlist: the module is the one unexpected emitter */
	t = run(rules, 1, &c);
	CHECK_EQ_INT(c.alerts, 1);
	CHECK_NEAR(c.alert_freq[0], 847.1e6, 20e3);
	CHECK(strstr(c.reason, "nb-iot") && strstr(c.reason, "847.1") &&
	      strstr(c.reason, "not in baseline or allowlist"));
	CHECK(!strcmp(c.severity, "medium"));
	tracker_destroy(t);

	/* the same module 30 dB stronger than the known device (a learned
	 * rule elsewhere): unexpected, and "high" */
	scene(777, -3);
	struct tracker_rule known[2] = {
	    rules[0],
	    {.freq_low_hz = 852e6,
	     .freq_high_hz = 853e6,
	     .class_id = "lte-m",
	     .max_power_dbfs = -33,
	     .note = "team phone",
	     .learned = 1},
	};
	t = run(known, 2, &c);
	CHECK_EQ_INT(c.alerts, 1);
	CHECK_EQ_INT(c.high_alerts, 1);
	CHECK(strstr(c.reason, "above the strongest known device") != NULL);
	tracker_destroy(t);

	/* a learned rule does not explain a device far stronger than it was */
	t = run(&rules[1], 1, &c);
	size_t strong_alerts = 0;
	for (size_t i = 0; i < c.alerts && i < 16; i++)
		if (fabs(c.alert_freq[i] - 847.1e6) < 20e3)
			strong_alerts++;
	CHECK_EQ_INT(strong_alerts, 1);
	tracker_destroy(t);
}

/* Sessions separated by less than the gap are one cluster; carriers are
 * not clustered; unknown tuning gives no band and still works. */
static void test_clusters(void)
{
	n_bursts = 0;
	session(10, 847.1e6, -30, "nb-iot", 3);
	session(11.5, 847.1e6, -30, "nb-iot", 2); /* within 3 s: same cluster */
	session(30, 847.1e6, -30, "nb-iot", 0);
	struct burst carrier = bursts[0];
	carrier.type = BURST_TYPE_CARRIER;
	struct collect c;
	struct tracker_config cfg;
	tracker_config_default(&cfg);
	struct tracker *t = tracker_create(&cfg);
	memset(&c, 0, sizeof(c));
	c.time_ok = 1;
	tracker_process(t, &carrier, NULL, on_event, &c);
	for (size_t i = 0; i < n_bursts; i++)
		tracker_process(t, &bursts[i], "x", on_event, &c);
	CHECK_EQ_INT(c.clusters, 1); /* the first closed when the burst at 30 s came */
	tracker_flush(t, on_event, &c);
	CHECK_EQ_INT(c.clusters, 2);
	CHECK_EQ_INT(c.cluster_bursts, 8);
	CHECK_EQ_INT(tracker_emitter_count(t), 1);
	tracker_reset(t);
	CHECK_EQ_INT(tracker_emitter_count(t), 0);
	/* unknown tuning: offsets, no band, the alert says "unplaced" */
	for (size_t i = 0; i < n_bursts; i++) {
		bursts[i].freq_hz = NAN;
		bursts[i].utc_ns = SIMSWEEP_UTC_UNKNOWN;
	}
	memset(&c, 0, sizeof(c));
	for (size_t i = 0; i < n_bursts; i++)
		tracker_process(t, &bursts[i], "x", on_event, &c);
	tracker_flush(t, on_event, &c);
	CHECK_EQ_INT(c.clusters, 2);
	CHECK_EQ_INT(c.alerts, 1);
	CHECK(strstr(c.reason, "unplaced") != NULL);
	tracker_destroy(t);
}

int main(void)
{
	test_create_rejects();
	test_period();
	test_emitter_period();
	test_rules();
	test_clusters();
	return check_done("tracker");
}
