/* outopts.c - output options and the outputs bundle (see outopts.h). */
#include "outopts.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/gnss.h"
#include "simsweep/jsonl.h"
#include "simsweep/rules.h"
#include "simsweep/units.h"

extern char **environ;

enum {
	OO_SIGMF = 1000,
	OO_DB,
	OO_SESSION_NOTE,
	OO_OPERATOR,
	OO_LOCATION,
	OO_VEHICLE,
	OO_ANTENNA,
	OO_SESSION_GAIN,
	OO_MQTT,
	OO_SENSOR,
	OO_CAFILE,
	OO_CAPATH,
	OO_CERT,
	OO_KEY,
	OO_MQTT_QUEUE,
	OO_MQTT_QUEUE_MAX,
	OO_MQTT_WAIT,
	OO_BASELINE,
	OO_ALLOWLIST,
	OO_ALERT_EXEC,
	OO_ALERT_ARG,
	OO_FAIL_ON_ALERT,
	OO_TRACK,
	OO_NO_TRACK,
	OO_CLUSTER_GAP,
	OO_EMITTER_TOL,
	OO_CLIPS,
	OO_GPS,
};

static const struct option oo_long[] = {
    {"output", required_argument, NULL, 'o'},
    {"output-format", required_argument, NULL, 'F'},
    {"sigmf-annotate", required_argument, NULL, OO_SIGMF},
    {"db", required_argument, NULL, OO_DB},
    {"session-note", required_argument, NULL, OO_SESSION_NOTE},
    {"operator", required_argument, NULL, OO_OPERATOR},
    {"location", required_argument, NULL, OO_LOCATION},
    {"vehicle", required_argument, NULL, OO_VEHICLE},
    {"antenna", required_argument, NULL, OO_ANTENNA},
    {"session-gain", required_argument, NULL, OO_SESSION_GAIN},
    {"mqtt", required_argument, NULL, OO_MQTT},
    {"sensor", required_argument, NULL, OO_SENSOR},
    {"cafile", required_argument, NULL, OO_CAFILE},
    {"capath", required_argument, NULL, OO_CAPATH},
    {"cert", required_argument, NULL, OO_CERT},
    {"key", required_argument, NULL, OO_KEY},
    {"username", required_argument, NULL, 'u'},
    {"password", required_argument, NULL, 'P'},
    {"mqtt-queue", required_argument, NULL, OO_MQTT_QUEUE},
    {"mqtt-queue-max", required_argument, NULL, OO_MQTT_QUEUE_MAX},
    {"mqtt-wait", required_argument, NULL, OO_MQTT_WAIT},
    {"baseline", required_argument, NULL, OO_BASELINE},
    {"allowlist", required_argument, NULL, OO_ALLOWLIST},
    {"alert-exec", required_argument, NULL, OO_ALERT_EXEC},
    {"alert-arg", required_argument, NULL, OO_ALERT_ARG},
    {"fail-on-alert", no_argument, NULL, OO_FAIL_ON_ALERT},
    {"track", no_argument, NULL, OO_TRACK},
    {"no-track", no_argument, NULL, OO_NO_TRACK},
    {"cluster-gap", required_argument, NULL, OO_CLUSTER_GAP},
    {"emitter-tolerance", required_argument, NULL, OO_EMITTER_TOL},
    {"clips", required_argument, NULL, OO_CLIPS},
    {"gps", optional_argument, NULL, OO_GPS},
};
#define OO_N_LONG (sizeof(oo_long) / sizeof(oo_long[0]))

void outopts_init(struct outopts *o)
{
	memset(o, 0, sizeof(*o));
	sink_options_default(&o->sink);
	tracker_config_default(&o->trk);
	o->track = -1;
}

void outopts_free(struct outopts *o)
{
	free(o->rule_files);
	free(o->alert_args);
	o->rule_files = NULL;
	o->alert_args = NULL;
}

struct option *outopts_merge_long(const struct option *own)
{
	size_t n = 0;
	while (own && own[n].name)
		n++;
	struct option *lo = calloc(n + OO_N_LONG + 1, sizeof(*lo));
	if (!lo)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		/* the shared definition wins over a command's own of the same name */
		int dup = 0;
		for (size_t j = 0; j < OO_N_LONG; j++)
			dup |= !strcmp(own[i].name, oo_long[j].name);
		if (!dup)
			lo[k++] = own[i];
	}
	for (size_t j = 0; j < OO_N_LONG; j++)
		lo[k++] = oo_long[j];
	return lo;
}

static int push(const char ***list, size_t *n, const char *v)
{
	const char **nl = realloc(*list, (*n + 1) * sizeof(**list));
	if (!nl) {
		fprintf(stderr, "simsweep: out of memory\n");
		return -1;
	}
	nl[(*n)++] = v;
	*list = nl;
	return 0;
}

int outopts_parse(struct outopts *o, const char *cmd, int c, const char *arg)
{
	struct sink_options *s = &o->sink;
	double v;
	size_t z;
	switch (c) {
	case 'o': s->output = arg; return 1;
	case 'F':
		if (!strcmp(arg, "json") || !strcmp(arg, "jsonl"))
			s->format = SINK_FORMAT_JSON;
		else if (!strcmp(arg, "csv"))
			s->format = SINK_FORMAT_CSV;
		else if (!strcmp(arg, "none"))
			s->format = SINK_FORMAT_NONE;
		else {
			fprintf(stderr,
			        "simsweep %s: unknown --output-format '%s' (json, csv, none)\n",
			        cmd, arg);
			return -1;
		}
		o->format_given = 1;
		return 1;
	case OO_SIGMF: s->sigmf_annotate = arg; return 1;
	case OO_DB: s->db_path = arg; return 1;
	case OO_CLIPS: s->clips_dir = arg; return 1;
	case OO_GPS:
		o->gps = 1;
		o->gps_addr = arg;
		return 1;
	case OO_SESSION_NOTE: s->session.notes = arg; return 1;
	case OO_OPERATOR: s->session.operator_name = arg; return 1;
	case OO_LOCATION: s->session.location = arg; return 1;
	case OO_VEHICLE: s->session.vehicle = arg; return 1;
	case OO_ANTENNA: s->session.antenna = arg; return 1;
	case OO_SESSION_GAIN:
		if (opt_double(cmd, "--session-gain", arg, -100, 200, &v))
			return -1;
		s->session.gain_db = v;
		return 1;
	case OO_MQTT: s->mqtt_url = arg; return 1;
	case OO_SENSOR: s->session.sensor = arg; return 1;
	case OO_CAFILE: s->mqtt_cafile = arg; return 1;
	case OO_CAPATH: s->mqtt_capath = arg; return 1;
	case OO_CERT: s->mqtt_cert = arg; return 1;
	case OO_KEY: s->mqtt_key = arg; return 1;
	case 'u': s->mqtt_user = arg; return 1;
	case 'P': s->mqtt_password = arg; return 1;
	case OO_MQTT_QUEUE: s->mqtt_queue = arg; return 1;
	case OO_MQTT_QUEUE_MAX:
		if (opt_size(cmd, "--mqtt-queue-max", arg, 1, (size_t)1 << 30, &z))
			return -1;
		s->mqtt_queue_max = z;
		return 1;
	case OO_MQTT_WAIT:
		return opt_double(cmd, "--mqtt-wait", arg, 0, 86400, &s->mqtt_flush_timeout_s) ? -1
		                                                                               : 1;
	case OO_BASELINE:
	case OO_ALLOWLIST: return push(&o->rule_files, &o->n_rule_files, arg) ? -1 : 1;
	case OO_ALERT_EXEC: o->alert_exec = arg; return 1;
	case OO_ALERT_ARG: return push(&o->alert_args, &o->n_alert_args, arg) ? -1 : 1;
	case OO_FAIL_ON_ALERT: o->fail_on_alert = 1; return 1;
	case OO_TRACK: o->track = 1; return 1;
	case OO_NO_TRACK: o->track = 0; return 1;
	case OO_CLUSTER_GAP:
		return opt_double(cmd, "--cluster-gap", arg, 1e-3, 86400, &o->trk.cluster_gap_s)
		           ? -1
		           : 1;
	case OO_EMITTER_TOL:
		return opt_si(cmd, "--emitter-tolerance", arg, 1, 100e6,
		              &o->trk.emitter_freq_tol_hz)
		           ? -1
		           : 1;
	default: return 0;
	}
}

void outopts_usage(FILE *f)
{
	fprintf(
	    f,
	    "output:\n"
	    "  -o, --output FILE       write events to FILE (default: stdout)\n"
	    "  -F, --output-format F   json (JSON Lines, the default), csv (bursts only), none\n"
	    "      --sigmf-annotate OUT.sigmf-meta\n"
	    "                          a copy of the input's SigMF metadata (or a new one for a\n"
	    "                          raw/WAV recording) with every burst as an annotation\n"
	    "      --db FILE           SQLite store: session, bursts, clusters, emitters, alerts\n"
	    "      --clips DIR         each burst's IQ clip as a SigMF recording (cf32, the\n"
	    "                          burst as its annotation) named by its time and frequency\n"
	    "      --operator NAME, --location TEXT, --vehicle ID, --antenna TEXT,\n"
	    "      --session-gain DB, --session-note TEXT   details stored with the session\n"
	    "      --gps[=HOST:PORT]   the receiver's position from gpsd (default\n"
	    "                          localhost:2947) on every event: lat, lon, fix_time,\n"
	    "                          or \"gps\":\"no fix\"\n"
	    "      --mqtt URL          publish to mqtt[s]://[user[:pass]@]host[:port]/prefix,\n"
	    "                          topics <prefix>/<sensor>/<type>, QoS 1\n"
	    "      --sensor NAME       this sensor's name (default: the host name)\n"
	    "      --cafile F, --capath D, --cert F, --key F   MQTT TLS\n"
	    "  -u, --username U, -P, --password P            MQTT credentials\n"
	    "      --mqtt-queue FILE   on-disk queue while the broker is away\n"
	    "                          (default ~/.local/state/simsweep/mqtt-<sensor>.queue)\n"
	    "      --mqtt-queue-max N  messages kept while the broker is away (default 1000000)\n"
	    "      --mqtt-wait S       at the end, wait this long for the broker (default 10);\n"
	    "                          what it has not taken stays queued for the next run\n"
	    "findings (on with --track, --db, --mqtt, --baseline, --allowlist, --alert-*):\n"
	    "      --track             add cluster, emitter and alert events to the bursts\n"
	    "      --no-track          bursts only\n"
	    "      --baseline FILE     what is normally on the air (simsweep baseline); "
	    "repeatable\n"
	    "      --allowlist FILE    hand-written expected frequencies/bands/classes; "
	    "repeatable\n"
	    "      --cluster-gap S     a silence this long ends a transmitter session (default 3)\n"
	    "      --emitter-tolerance HZ  clusters this close are one emitter (default 200k)\n"
	    "      --alert-exec CMD    run CMD per alert (split on spaces, no shell), details in\n"
	    "                          SIMSWEEP_ALERT_* environment variables\n"
	    "      --alert-arg ARG     one more argument for --alert-exec (repeatable)\n"
	    "      --fail-on-alert     exit status 3 when an alert was raised\n");
}

/* ---- the bundle ---- */

#define MAX_CHILDREN 64

struct outputs {
	const struct outopts *o;
	struct sink_list *sinks;
	struct tracker *trk;
	struct tracker_rule *rules;
	size_t n_rules;
	char **alert_argv; /* words of --alert-exec, then --alert-arg */
	char *alert_words; /* storage of the words */
	pid_t children[MAX_CHILDREN];
	size_t n_children;
	int exec_failed;
	unsigned long alerts;
	int sink_error;
	const char *sensor;
	struct gnss *gnss; /* --gps */
};

/* The receiver's position, for the events about to be written. */
static void refresh_position(struct outputs *out)
{
	if (!out->gnss)
		return;
	struct gnss_fix fx;
	gnss_get(out->gnss, &fx);
	struct jsonl_position pos = {
	    .fix = fx.valid,
	    .lat_deg = fx.lat_deg,
	    .lon_deg = fx.lon_deg,
	    .fix_utc_ns = fx.fix_utc_ns,
	};
	sink_list_set_position(out->sinks, &pos);
}

static void on_sink_error(int err, const char *msg, void *ctx)
{
	(void)err;
	struct outputs *out = ctx;
	out->sink_error = 1;
	/* a closed pipe (| head) ends the output quietly */
	if (errno != EPIPE)
		fprintf(stderr, "simsweep: %s\n", msg);
}

/* Reap finished alert programs; block = wait for all. */
static void reap(struct outputs *out, int block)
{
	for (size_t i = 0; i < out->n_children;) {
		int st;
		pid_t r = waitpid(out->children[i], &st, block ? 0 : WNOHANG);
		if (r == 0) {
			i++;
			continue;
		}
		if (r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 127 && !out->exec_failed) {
			fprintf(stderr, "simsweep: --alert-exec %s: cannot run it\n",
			        out->alert_argv[0]);
			out->exec_failed = 1;
		} else if (r > 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
			fprintf(stderr, "simsweep: --alert-exec %s: %s %d\n", out->alert_argv[0],
			        WIFEXITED(st) ? "exited with status" : "killed by signal",
			        WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		}
		out->children[i] = out->children[--out->n_children];
	}
}

static int add_env(char ***env, size_t *n, const char *key, const char *val)
{
	size_t len = strlen(key) + strlen(val ? val : "") + 2;
	char *kv = malloc(len);
	char **ne = realloc(*env, (*n + 2) * sizeof(**env));
	if (!kv || !ne) {
		free(kv);
		if (ne)
			*env = ne;
		return -1;
	}
	snprintf(kv, len, "%s=%s", key, val ? val : "");
	*env = ne;
	ne[(*n)++] = kv;
	ne[*n] = NULL;
	return 0;
}

static void fmt_num(char *buf, size_t len, double v, int dec)
{
	if (isfinite(v))
		snprintf(buf, len, "%.*f", dec, v);
	else
		buf[0] = '\0';
}

/* Run the alert program: no shell, the details in the environment. */
static void run_alert(struct outputs *out, const struct tracker_event *ev)
{
	if (!out->alert_argv)
		return;
	reap(out, 0);
	if (out->n_children >= MAX_CHILDREN)
		reap(out, 1);
	size_t n = 0;
	char **env = NULL;
	size_t own_start;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "SIMSWEEP_ALERT_", 15) != 0) {
			char **ne = realloc(env, (n + 2) * sizeof(*env));
			if (!ne)
				goto done;
			env = ne;
			env[n++] = *e;
			env[n] = NULL;
		}
	own_start = n;
	char id[32], em[32], cl[32], pw[32], fq[32], pe[32], ji[32], ts[32];
	char band[16] = "", tbuf[UNITS_UTC_LEN] = "";
	snprintf(id, sizeof(id), "%llu", (unsigned long long)ev->alert_id);
	snprintf(em, sizeof(em), "%lu", (unsigned long)ev->emitter_id);
	snprintf(cl, sizeof(cl), "%lu", (unsigned long)ev->n_clusters);
	fmt_num(fq, sizeof(fq), ev->freq_hz, 1);
	fmt_num(pw, sizeof(pw), ev->power_dbfs, 2);
	fmt_num(pe, sizeof(pe), ev->period_s, 3);
	fmt_num(ji, sizeof(ji), ev->jitter_s, 3);
	fmt_num(ts, sizeof(ts), ev->t_s, 7);
	if (ev->band > 0)
		snprintf(band, sizeof(band), "B%d", ev->band);
	if (ev->utc_ns != SIMSWEEP_UTC_UNKNOWN)
		units_format_utc(ev->utc_ns, tbuf);
	char *json = NULL;
	size_t jlen = 0;
	FILE *jf = open_memstream(&json, &jlen);
	if (jf) {
		jsonl_write_event(jf, ev);
		fclose(jf);
		if (json && jlen && json[jlen - 1] == '\n')
			json[jlen - 1] = '\0';
	}
	const char *link = ev->uplink == 1 ? "uplink" : ev->uplink == 0 ? "downlink" : "";
	if (add_env(&env, &n, "SIMSWEEP_ALERT_ID", id) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_SEVERITY", ev->severity) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_REASON", ev->reason) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_CLASS", ev->class_id) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_FREQ_HZ", fq) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_POWER_DBFS", pw) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_BAND", band) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_LINK", link) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_EMITTER_ID", em) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_CLUSTERS", cl) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_PERIOD_S", pe) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_JITTER_S", ji) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_T_S", ts) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_TIME", tbuf) ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_FILE", ev->file ? ev->file : "") ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_SENSOR", out->sensor ? out->sensor : "") ||
	    add_env(&env, &n, "SIMSWEEP_ALERT_JSON", json ? json : "")) {
		fprintf(stderr, "simsweep: --alert-exec: out of memory\n");
		goto done_own;
	}
	pid_t pid;
	/* stdout belongs to the events: the program's goes to stderr */
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	int rc = posix_spawnp(&pid, out->alert_argv[0], &fa, NULL, out->alert_argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		if (!out->exec_failed)
			fprintf(stderr, "simsweep: --alert-exec %s: cannot run it: %s\n",
			        out->alert_argv[0], strerror(rc));
		out->exec_failed = 1;
	} else {
		out->children[out->n_children++] = pid;
	}
done_own:
	for (size_t i = own_start; i < n; i++)
		free(env[i]);
	free(json);
done:
	free(env);
}

static void on_event(const struct tracker_event *ev, void *ctx)
{
	struct outputs *out = ctx;
	/* The store comes first in the sink list: the alert is committed
	 * before the other sinks or the program announce it. */
	sink_list_write_event(out->sinks, ev);
	if (ev->type == TRACKER_EVENT_ALERT) {
		out->alerts++;
		run_alert(out, ev);
	}
}

static int split_words(struct outputs *out, const struct outopts *o)
{
	if (!o->alert_exec && !o->n_alert_args)
		return 0;
	if (!o->alert_exec) {
		fprintf(stderr, "simsweep: --alert-arg needs --alert-exec\n");
		return -1;
	}
	out->alert_words = strdup(o->alert_exec);
	size_t max = strlen(o->alert_exec) / 2 + 2 + o->n_alert_args;
	out->alert_argv = calloc(max, sizeof(char *));
	if (!out->alert_words || !out->alert_argv) {
		fprintf(stderr, "simsweep: out of memory\n");
		return -1;
	}
	size_t n = 0;
	for (char *save = NULL, *w = strtok_r(out->alert_words, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save))
		out->alert_argv[n++] = w;
	for (size_t i = 0; i < o->n_alert_args; i++)
		out->alert_argv[n++] = (char *)o->alert_args[i];
	if (n == 0 || !out->alert_argv[0][0]) {
		fprintf(stderr, "simsweep: --alert-exec: no program given\n");
		return -1;
	}
	return 0;
}

int outputs_open(const struct outopts *o, struct outputs **outp)
{
	*outp = NULL;
	struct outputs *out = calloc(1, sizeof(*out));
	if (!out) {
		fprintf(stderr, "simsweep: out of memory\n");
		return CLI_EXIT_ERROR;
	}
	out->o = o;
	out->sensor = o->sink.session.sensor;
	if (split_words(out, o)) {
		outputs_close(out, 0);
		return CLI_EXIT_USAGE;
	}
	char err[512] = "";
	for (size_t i = 0; i < o->n_rule_files; i++) {
		if (rules_load(o->rule_files[i], &out->rules, &out->n_rules, err, sizeof(err))) {
			fprintf(stderr, "simsweep: %s\n", err);
			outputs_close(out, 0);
			return CLI_EXIT_ERROR;
		}
	}
	int track = o->track;
	if (track < 0)
		track = o->sink.db_path || o->sink.mqtt_url || o->n_rule_files || o->alert_exec ||
		        o->fail_on_alert;
	if (track) {
		struct tracker_config tc = o->trk;
		tc.rules = out->rules;
		tc.n_rules = out->n_rules;
		out->trk = tracker_create(&tc);
		if (!out->trk) {
			fprintf(stderr, "simsweep: cannot set up the tracker with these options\n");
			outputs_close(out, 0);
			return CLI_EXIT_USAGE;
		}
	}
	struct sink_options so = o->sink;
	so.on_error = on_sink_error;
	so.on_error_ctx = out;
	int rv = sink_list_open(&so, &out->sinks, err, sizeof(err));
	if (rv) {
		fprintf(stderr, "simsweep: %s\n", err[0] ? err : simsweep_strerror(rv));
		outputs_close(out, 0);
		return CLI_EXIT_ERROR;
	}
	if (o->gps) {
		rv = gnss_open(o->gps_addr, &out->gnss, err, sizeof(err));
		if (rv) {
			fprintf(stderr, "simsweep: %s\n", err[0] ? err : simsweep_strerror(rv));
			outputs_close(out, 0);
			return rv == SIMSWEEP_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_ERROR;
		}
		refresh_position(out);
	}
	*outp = out;
	return CLI_EXIT_OK;
}

void outputs_begin_input(struct outputs *out, const struct sink_input *in)
{
	if (out)
		sink_list_begin_input(out->sinks, in);
}

void outputs_burst(struct outputs *out, const struct burst *b, const char *file)
{
	if (!out)
		return;
	refresh_position(out);
	sink_list_write_burst(out->sinks, b, file);
	if (out->trk)
		tracker_process(out->trk, b, file, on_event, out);
}

void outputs_end_input(struct outputs *out, const char *file, double freq_low_hz,
                       double freq_high_hz, double covered_s, int64_t utc_ns)
{
	if (!out)
		return;
	refresh_position(out);
	if (out->trk) {
		tracker_flush(out->trk, on_event, out);
		struct tracker_event ev = {
		    .type = TRACKER_EVENT_STATUS,
		    .t_s = 0,
		    .utc_ns = utc_ns,
		    .file = file,
		    .message = "analysed",
		    .freq_low_hz = freq_low_hz,
		    .freq_high_hz = freq_high_hz,
		    .covered_s = covered_s,
		    .freq_hz = NAN,
		    .period_s = NAN,
		    .jitter_s = NAN,
		    .uplink = -1,
		};
		sink_list_write_event(out->sinks, &ev);
	}
	sink_list_end_input(out->sinks);
	reap(out, 0);
}

void outputs_poll(struct outputs *out)
{
	if (!out)
		return;
	sink_list_poll(out->sinks);
	reap(out, 0);
}

void outputs_status(struct outputs *out, const struct tracker_event *ev)
{
	if (!out)
		return;
	refresh_position(out);
	sink_list_write_event(out->sinks, ev);
}

int outputs_broken(const struct outputs *out)
{
	return out && sink_list_broken(out->sinks);
}

struct tracker *outputs_tracker(struct outputs *out)
{
	return out ? out->trk : NULL;
}

unsigned long outputs_alerts(const struct outputs *out)
{
	return out ? out->alerts : 0;
}

int outputs_close(struct outputs *out, int status)
{
	if (!out)
		return status;
	if (out->sinks && sink_list_close(out->sinks) != SIMSWEEP_OK && status == CLI_EXIT_OK)
		status = CLI_EXIT_ERROR;
	reap(out, 1);
	if ((out->sink_error || out->exec_failed) && status == CLI_EXIT_OK)
		status = CLI_EXIT_ERROR;
	if (out->o->fail_on_alert && out->alerts > 0 && status == CLI_EXIT_OK)
		status = CLI_EXIT_ALERT;
	gnss_close(out->gnss);
	tracker_destroy(out->trk);
	free(out->rules);
	free(out->alert_argv);
	free(out->alert_words);
	free(out);
	return status;
}
