/* cmd_collect.c - `simsweep collect --mqtt URL --db site.db`: subscribe to
 * the events of many sensors and write them into one store. Each message
 * is stored once: sensors may send one twice (at-least-once delivery), the
 * store remembers (sensor, session, seq). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/mqtt.h"
#include "simsweep/store.h"
#include "simsweep/units.h"

/* The only global: set by SIGINT/SIGTERM. */
static volatile sig_atomic_t collect_stop;

static void on_signal(int sig)
{
	(void)sig;
	collect_stop = 1;
}

struct collect_ctx {
	struct store *st;
	const char *db_path;
	unsigned long stored, duplicates, bad;
	unsigned long count; /* stop after this many stored (0: never) */
	int quiet;
	int failed;
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: simsweep collect --mqtt URL --db FILE [options]\n"
	    "\n"
	    "Subscribe to <prefix>/+/+ and write the events of every sensor into one store.\n"
	    "  --mqtt URL           mqtt[s]://[user[:pass]@]host[:port]/prefix\n"
	    "  --db FILE            the store (SQLite)\n"
	    "  --client-id ID       MQTT client id (default simsweep-collect-<host>); the broker\n"
	    "                       keeps this client's messages while it is away\n"
	    "  --cafile F, --capath D, --cert F, --key F   TLS\n"
	    "  -u, --username U, -P, --password P            credentials\n"
	    "  --idle S             stop after S seconds without a message\n"
	    "  --count N            stop after N messages stored\n"
	    "  -q, --quiet          no summary on stderr\n"
	    "  -h, --help\n");
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(x) ? x->valuestring : NULL;
}

static int64_t utc(const cJSON *o, const char *key)
{
	const char *s = str(o, key);
	int64_t ns;
	return s && units_parse_utc(s, &ns) == 0 ? ns : SIMSWEEP_UTC_UNKNOWN;
}

static int band_num(const cJSON *o)
{
	const char *b = str(o, "band");
	return b && b[0] == 'B' ? atoi(b + 1) : 0;
}

static int link_of(const cJSON *o)
{
	const char *l = str(o, "link");
	return !l ? -1 : !strcmp(l, "uplink") ? 1 : !strcmp(l, "downlink") ? 0 : -1;
}

static double first_last(const cJSON *o, const char *key)
{
	char k[32];
	snprintf(k, sizeof(k), "%s_time", key);
	int64_t ns = utc(o, k);
	if (ns != SIMSWEEP_UTC_UNKNOWN)
		return (double)ns * 1e-9;
	snprintf(k, sizeof(k), "%s_s", key);
	return num(o, k);
}

/* One message's content into the store (inside the caller's transaction). */
static int store_message(struct store *st, int64_t session, const char *type, const cJSON *j)
{
	/* The sensor's position when it sent one (--gps): "lat"/"lon"/"fix_time",
	 * or "gps":"no fix". */
	struct jsonl_position pos = {.fix = 0, .fix_utc_ns = SIMSWEEP_UTC_UNKNOWN};
	double lat = num(j, "lat"), lon = num(j, "lon");
	if (isfinite(lat) && isfinite(lon)) {
		pos.fix = 1;
		pos.lat_deg = lat;
		pos.lon_deg = lon;
		pos.fix_utc_ns = utc(j, "fix_time");
		store_set_position(st, &pos);
	} else {
		store_set_position(st, str(j, "gps") ? &pos : NULL);
	}
	if (!strcmp(type, "burst") || !strcmp(type, "carrier")) {
		struct burst b = {0};
		b.type = !strcmp(type, "carrier") ? BURST_TYPE_CARRIER : BURST_TYPE_BURST;
		b.start_s = num(j, "t_s");
		double sample = num(j, "sample");
		b.sample = isfinite(sample) && sample >= 0 ? (uint64_t)sample : 0;
		b.duration_s = num(j, "duration_s");
		b.freq_offset_hz = num(j, "freq_offset_hz");
		double f = num(j, "freq_hz");
		/* "freq_hz" is the offset when the tuning was unknown */
		b.freq_hz = str(j, "link") || f != b.freq_offset_hz ? f : NAN;
		b.bandwidth_hz = num(j, "bandwidth_hz");
		b.power_dbfs = num(j, "power_dbfs");
		b.snr_db = num(j, "snr_db");
		b.noise_dbfs = num(j, "noise_dbfs");
		b.class_id = str(j, "class");
		b.kind = str(j, "kind");
		b.confidence = num(j, "confidence");
		b.utc_ns = utc(j, "time");
		return store_burst(st, session, &b, str(j, "file"));
	}
	struct tracker_event ev = {0};
	ev.t_s = num(j, "t_s");
	ev.utc_ns = utc(j, "time");
	ev.file = str(j, "file");
	ev.class_id = str(j, "class");
	ev.freq_hz = num(j, "freq_hz");
	ev.bandwidth_hz = num(j, "bandwidth_hz");
	ev.power_dbfs = num(j, "power_dbfs");
	ev.band = band_num(j);
	ev.uplink = link_of(j);
	double v = num(j, "emitter_id");
	ev.emitter_id = isfinite(v) ? (uint32_t)v : 0;
	v = num(j, "cluster_id");
	ev.cluster_id = isfinite(v) ? (uint64_t)v : 0;
	ev.period_s = num(j, "period_s");
	ev.jitter_s = num(j, "jitter_s");
	if (!strcmp(type, "cluster")) {
		ev.type = TRACKER_EVENT_CLUSTER;
		ev.end_s = num(j, "end_s");
		ev.duration_s = num(j, "duration_s");
		v = num(j, "bursts");
		ev.n_bursts = isfinite(v) ? (uint32_t)v : 0;
	} else if (!strcmp(type, "emitter")) {
		ev.type = TRACKER_EVENT_EMITTER;
		v = num(j, "clusters");
		ev.n_clusters = isfinite(v) ? (uint32_t)v : 0;
		ev.first_s = first_last(j, "first");
		ev.last_s = first_last(j, "last");
		ev.expected = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "expected"));
		ev.rule_note = str(j, "note");
	} else if (!strcmp(type, "alert")) {
		ev.type = TRACKER_EVENT_ALERT;
		v = num(j, "alert_id");
		ev.alert_id = isfinite(v) ? (uint64_t)v : 0;
		v = num(j, "clusters");
		ev.n_clusters = isfinite(v) ? (uint32_t)v : 0;
		ev.severity = str(j, "severity");
		ev.reason = str(j, "reason");
	} else if (!strcmp(type, "status")) {
		ev.type = TRACKER_EVENT_STATUS;
		ev.message = str(j, "message");
		ev.freq_low_hz = num(j, "freq_low_hz");
		ev.freq_high_hz = num(j, "freq_high_hz");
		ev.covered_s = num(j, "covered_s");
	} else {
		return SIMSWEEP_EFORMAT;
	}
	return store_event(st, session, &ev);
}

static int on_message(const char *topic, const char *payload, size_t len, void *ctxp)
{
	(void)len;
	struct collect_ctx *c = ctxp;
	cJSON *j = cJSON_Parse(payload);
	const char *type = str(j, "type");
	const char *sensor = str(j, "sensor");
	const char *uid = str(j, "uid");
	double seq = num(j, "seq");
	if (!cJSON_IsObject(j) || !type || !sensor || !uid || !(seq >= 0)) {
		if (!c->bad++ && !c->quiet)
			fprintf(stderr, "simsweep collect: %s: not a simsweep event, ignored\n",
			        topic);
		cJSON_Delete(j);
		return 0;
	}
	int rv = store_begin(c->st);
	int isnew = 0;
	int64_t session = 0;
	if (!rv)
		rv = isnew = store_received(c->st, sensor, uid, (uint64_t)seq);
	if (isnew == 1) {
		rv = 0;
		struct sink_session sess = {.gain_db = NAN};
		if (!strcmp(type, "session")) {
			sess.operator_name = str(j, "operator");
			sess.location = str(j, "location");
			sess.vehicle = str(j, "vehicle");
			sess.antenna = str(j, "antenna");
			sess.notes = str(j, "notes");
			sess.gain_db = num(j, "gain_db");
		}
		rv = store_session(c->st, &sess, sensor, uid, utc(j, "started"), &session);
		if (!rv && strcmp(type, "session") != 0)
			rv = store_message(c->st, session, type, j);
		if (rv == SIMSWEEP_EFORMAT) {
			if (!c->bad++ && !c->quiet)
				fprintf(stderr,
				        "simsweep collect: %s: unknown event type '%s', ignored\n",
				        topic, type);
			rv = 0;
		}
	}
	if (!rv)
		rv = store_commit(c->st);
	cJSON_Delete(j);
	if (rv < 0) {
		store_rollback(c->st);
		fprintf(stderr, "simsweep: %s\n", store_errmsg(c->st));
		c->failed = 1;
		return 1;
	}
	if (isnew == 1)
		c->stored++;
	else
		c->duplicates++;
	return c->count && c->stored >= c->count ? 2 : 0;
}

int cmd_collect(int argc, char **argv)
{
	enum {
		OPT_MQTT = 256,
		OPT_DB,
		OPT_CLIENT,
		OPT_CAFILE,
		OPT_CAPATH,
		OPT_CERT,
		OPT_KEY,
		OPT_IDLE,
		OPT_COUNT
	};
	static const struct option lo[] = {
	    {"mqtt", required_argument, NULL, OPT_MQTT},
	    {"db", required_argument, NULL, OPT_DB},
	    {"client-id", required_argument, NULL, OPT_CLIENT},
	    {"cafile", required_argument, NULL, OPT_CAFILE},
	    {"capath", required_argument, NULL, OPT_CAPATH},
	    {"cert", required_argument, NULL, OPT_CERT},
	    {"key", required_argument, NULL, OPT_KEY},
	    {"username", required_argument, NULL, 'u'},
	    {"password", required_argument, NULL, 'P'},
	    {"idle", required_argument, NULL, OPT_IDLE},
	    {"count", required_argument, NULL, OPT_COUNT},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct mqtt_config mc = {0};
	const char *db = NULL;
	double idle = 0;
	size_t count = 0;
	struct collect_ctx c = {0};
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "u:P:qh", lo, NULL)) != -1) {
		switch (ch) {
		case OPT_MQTT: mc.url = optarg; break;
		case OPT_DB: db = optarg; break;
		case OPT_CLIENT: mc.client_id = optarg; break;
		case OPT_CAFILE: mc.cafile = optarg; break;
		case OPT_CAPATH: mc.capath = optarg; break;
		case OPT_CERT: mc.cert = optarg; break;
		case OPT_KEY: mc.key = optarg; break;
		case 'u': mc.user = optarg; break;
		case 'P': mc.password = optarg; break;
		case OPT_IDLE:
			if (opt_double("collect", "--idle", optarg, 0, 1e9, &idle))
				return CLI_EXIT_USAGE;
			break;
		case OPT_COUNT:
			if (opt_size("collect", "--count", optarg, 1, (size_t)1 << 40, &count))
				return CLI_EXIT_USAGE;
			break;
		case 'q': c.quiet = 1; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default:
			fprintf(stderr, "simsweep collect: try 'simsweep collect --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (!mc.url || !db || optind < argc) {
		fprintf(stderr, "simsweep collect: give --mqtt URL and --db FILE (try 'simsweep "
		                "collect --help')\n");
		return CLI_EXIT_USAGE;
	}
	c.count = count;
	c.db_path = db;
	char err[512] = "";
	int rv = store_open(db, &c.st, err, sizeof(err));
	if (rv) {
		fprintf(stderr, "simsweep: %s\n", err);
		return CLI_EXIT_ERROR;
	}
	struct mqtt_sub *sub;
	rv = mqtt_sub_open(&mc, &sub, err, sizeof(err));
	if (rv) {
		fprintf(stderr, "simsweep: %s\n", err[0] ? err : simsweep_strerror(rv));
		store_close(c.st);
		return rv == SIMSWEEP_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_ERROR;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	mqtt_sub_run(sub, on_message, &c, &collect_stop, idle);
	mqtt_sub_close(sub);
	store_close(c.st);
	if (!c.quiet)
		fprintf(stderr,
		        "simsweep: %s: %lu events stored, %lu duplicates left out, %lu ignored\n",
		        db, c.stored, c.duplicates, c.bad);
	return c.failed ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}
