/* cmd_monitor.c - `simsweep monitor -d SOURCE`: a live SDR in, JSON Lines
 * out, for hours. The same pipeline and the same events as `analyze`, with
 * t_s counted from the first sample received; losses and overloads are
 * reported as "status" lines and in the summary, never silently.
 *
 * Parses options into one configuration, opens the live source, and runs
 *   live_read ─▶ pipeline_process ─▶ outputs (the sinks and tracker of
 *                                    `analyze`: outopts.h)
 * on this thread, until SIGINT/SIGTERM, --duration, --samples, the end of
 * --learn, or the device is lost. Scanning (--band, --plan) retunes through a
 * schedule of windows (scan.h); each window is one input of the outputs, with
 * its coverage.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "detopts.h"
#include "opts.h"
#include "outopts.h"
#include "simsweep/bands.h"
#include "simsweep/error.h"
#include "simsweep/live.h"
#include "simsweep/pipeline.h"
#include "simsweep/record.h"
#include "simsweep/rules.h"
#include "simsweep/scan.h"
#include "simsweep/units.h"

#define READ_TIMEOUT_MS 100
#define STATUS_PERIOD_S 1.0
#define MAX_BANDS       SCAN_MAX_BANDS

/* The only global: set by SIGINT/SIGTERM, read by the loop. */
static volatile sig_atomic_t monitor_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

struct monitor_opts {
	struct live_config live;
	struct detopts det;   /* detection options, as analyze's */
	double duration_s;    /* 0: until stopped */
	uint64_t max_samples; /* 0: no limit */
	struct outopts out;   /* sinks, tracker, alerts (shared with analyze) */
	double learn_s;       /* --learn: learn a baseline for this long (0: off) */
	const char *learn_out;
	int quiet;
	int bands[MAX_BANDS];
	size_t n_bands;
	const char *plan;
	double dwell_s;
	unsigned cycles;      /* stop after this many passes (0: never) */
	const char *record_dir;
};

struct monitor_run {
	struct outputs *out;
	const char *dev_name;
	double rate_hz;
	double freq_hz;                  /* centre of the current window */
	/* status lines */
	uint64_t st_dropped, st_clipped; /* since the last status line */
	double st_last;                  /* monotonic time of the last one */
	uint64_t pos;                    /* stream index after the last block */
	int64_t pos_utc_ns;              /* UTC of pos, when known */
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: simsweep monitor -d SOURCE [options]\n"
	        "\n"
	        "Watch a live SDR and print every burst as one JSON object per line, as\n"
	        "`simsweep analyze` does for recordings (t_s counts from the first sample\n"
	        "received). Stop with Ctrl-C: open bursts are flushed, a summary printed.\n"
	        "SOURCE: rtlsdr:N, rtlsdr:serial=S, rtltcp:HOST:PORT, soapy:ARGS\n"
	        "        (`simsweep devices` lists what is connected).\n"
	        "\n"
	        "device:\n"
	        "  -d, --device SOURCE     the SDR to read\n"
	        "  -f, --freq FREQ         centre frequency, e.g. 847M\n"
	        "  -s, --rate RATE         sample rate (default 2.4M)\n"
	        "  -g, --gain GAIN         tuner gain in dB, or 'auto' (default)\n"
	        "  -p, --ppm PPM           frequency correction (default 0)\n"
	        "      --bias-tee          power the antenna port\n"
	        "      --settle S          discard S seconds after each retune or connection\n"
	        "                          (default 0.06)\n"
	        "      --buffer S          seconds of samples held if detection falls behind\n"
	        "                          (default 2)\n"
	        "      --no-reconnect      end when an rtl_tcp connection is lost\n"
	        "scanning:\n"
	        "      --band LIST         watch the uplinks of these E-UTRA bands, e.g. 20,8\n"
	        "      --plan uk|eu|us     the uplinks that carry LTE-M/NB-IoT/GSM there\n"
	        "      --dwell S           seconds per window when scanning (default 2)\n"
	        "      --cycles N          stop after N passes over every window\n"
	        "run:\n"
	        "  -T, --duration S        stop after S seconds\n"
	        "  -n, --samples N         stop after N samples\n"
	        "  -q, --quiet             no summary on stderr\n"
	        "      --record DIR        also record the raw stream as SigMF into DIR\n"
	        "      --learn DURATION    learn what is on the air for DURATION (600, 10m, 1h),\n"
	        "                          write it as a baseline file and end\n"
	        "      --learn-out FILE    the baseline file --learn writes (default baseline.json)\n"
	        "detection: as `simsweep analyze`:\n"
	        "      --fft-size N, --overlap F, -t/--threshold DB, --min-duration S,\n"
	        "      --min-snr DB, --merge-gap S, --carrier-time S, --dc-mask HZ,\n"
	        "      --no-dc-removal, --weak-bursts\n"
	        "  -h, --help\n"
	        "\n"
	        "Besides burst and carrier events, a line\n"
	        "  {\"type\":\"status\",\"t_s\":T,\"dropped\":N,\"clipped\":M,\"time\":UTC}\n"
	        "is written at most once a second when samples were lost (N: samples\n"
	        "dropped since the previous status line) or at the ADC limits (M).\n"
	        "Every output option of `simsweep analyze` works here too (--session-gain\n"
	        "defaults to --gain):\n\n");
	outopts_usage(f);
}

enum {
	OPT_BIAS = 256,
	OPT_SETTLE,
	OPT_BUFFER,
	OPT_NO_RECONNECT,
	OPT_BAND,
	OPT_PLAN,
	OPT_DWELL,
	OPT_CYCLES,
	OPT_RECORD,
	OPT_LEARN,
	OPT_LEARN_OUT,
};

static const struct option long_opts[] = {
	{"device", required_argument, NULL, 'd'},
	{"freq", required_argument, NULL, 'f'},
	{"rate", required_argument, NULL, 's'},
	{"gain", required_argument, NULL, 'g'},
	{"ppm", required_argument, NULL, 'p'},
	{"bias-tee", no_argument, NULL, OPT_BIAS},
	{"settle", required_argument, NULL, OPT_SETTLE},
	{"buffer", required_argument, NULL, OPT_BUFFER},
	{"no-reconnect", no_argument, NULL, OPT_NO_RECONNECT},
	{"band", required_argument, NULL, OPT_BAND},
	{"plan", required_argument, NULL, OPT_PLAN},
	{"dwell", required_argument, NULL, OPT_DWELL},
	{"cycles", required_argument, NULL, OPT_CYCLES},
	{"duration", required_argument, NULL, 'T'},
	{"samples", required_argument, NULL, 'n'},
	{"quiet", no_argument, NULL, 'q'},
	{"record", required_argument, NULL, OPT_RECORD},
	DETOPTS_LONG,
	{"learn", required_argument, NULL, OPT_LEARN},
	{"learn-out", required_argument, NULL, OPT_LEARN_OUT},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* "20,8,B3" -> {20, 8, 3}. */
static int parse_bands(const char *s, struct monitor_opts *o)
{
	const char *p = s;
	while (*p) {
		if (*p == 'B' || *p == 'b')
			p++;
		char *end;
		long b = strtol(p, &end, 10);
		if (end == p || (*end && *end != ',') || b < 1 || b > 255) {
			fprintf(stderr, "simsweep monitor: invalid value for --band: '%s' (e.g. 20,8)\n", s);
			return -1;
		}
		if (o->n_bands == MAX_BANDS) {
			fprintf(stderr, "simsweep monitor: --band: at most %d bands\n", MAX_BANDS);
			return -1;
		}
		o->bands[o->n_bands++] = (int)b;
		p = *end ? end + 1 : end;
	}
	return o->n_bands ? 0 : -1;
}

static int parse_loop(int argc, char **argv, struct monitor_opts *o, const struct option *lo);
static int check_args(int argc, char **argv, struct monitor_opts *o);

/* Returns 0 to run, 1 after --help, -1 after a usage error. */
static int parse_args(int argc, char **argv, struct monitor_opts *o)
{
	memset(o, 0, sizeof *o);
	live_config_default(&o->live);
	o->live.reconnect = 1;
	detopts_init(&o->det);
	o->dwell_s = 2.0;
	o->learn_out = "baseline.json";
	outopts_init(&o->out);
	struct option *lo = outopts_merge_long(long_opts);
	if (!lo) {
		fprintf(stderr, "simsweep monitor: out of memory\n");
		return -1;
	}
	int rv = parse_loop(argc, argv, o, lo);
	free(lo);
	if (rv)
		return rv;
	return check_args(argc, argv, o);
}

static int parse_loop(int argc, char **argv, struct monitor_opts *o, const struct option *lo)
{
	const char *cmd = "monitor";
	optind = 1;
	int c;
	size_t fft;
	double v;
	while ((c = getopt_long(argc, argv, "d:f:s:g:p:T:n:qt:h" OUTOPTS_SHORT, lo, NULL)) != -1) {
		int taken = outopts_parse(&o->out, cmd, c, optarg);
		if (taken < 0)
			return -1;
		if (taken)
			continue;
		taken = detopts_parse(&o->det, cmd, c, optarg);
		if (taken < 0)
			return -1;
		if (taken)
			continue;
		switch (c) {
		case 'd': o->live.device = optarg; break;
		case 'f':
			if (opt_si(cmd, "--freq", optarg, 1e3, 1e11, &o->live.freq_hz))
				return -1;
			break;
		case 's':
			if (opt_si(cmd, "--rate", optarg, 1e3, 1e10, &o->live.rate_hz))
				return -1;
			break;
		case 'g':
			if (strcmp(optarg, "auto") == 0)
				o->live.gain_db = NAN;
			else if (opt_double(cmd, "--gain", optarg, -50, 100, &o->live.gain_db))
				return -1;
			break;
		case 'p':
			if (opt_double(cmd, "--ppm", optarg, -1000, 1000, &o->live.ppm))
				return -1;
			break;
		case OPT_BIAS: o->live.bias_tee = 1; break;
		case OPT_SETTLE:
			if (opt_double(cmd, "--settle", optarg, 0, 10, &o->live.settle_s))
				return -1;
			break;
		case OPT_BUFFER:
			if (opt_double(cmd, "--buffer", optarg, 0.1, 60, &o->live.buffer_s))
				return -1;
			break;
		case OPT_NO_RECONNECT: o->live.reconnect = 0; break;
		case OPT_BAND:
			if (parse_bands(optarg, o))
				return -1;
			break;
		case OPT_PLAN:
			if (!scan_plan_bands(optarg, NULL, 0)) {
				fprintf(stderr, "simsweep monitor: unknown --plan '%s' (uk, eu, us)\n", optarg);
				return -1;
			}
			o->plan = optarg;
			break;
		case OPT_DWELL:
			if (opt_double(cmd, "--dwell", optarg, 0.01, 86400, &o->dwell_s))
				return -1;
			break;
		case OPT_CYCLES:
			if (opt_size(cmd, "--cycles", optarg, 1, 1000000, &fft))
				return -1;
			o->cycles = (unsigned)fft;
			break;
		case 'T':
			if (opt_double(cmd, "--duration", optarg, 0.001, 1e9, &o->duration_s))
				return -1;
			break;
		case 'n':
			if (opt_si(cmd, "--samples", optarg, 1, 1e18, &v))
				return -1;
			o->max_samples = (uint64_t)v;
			break;
		case OPT_LEARN:
			if (opt_duration(cmd, "--learn", optarg, 0.001, 1e9, &o->learn_s))
				return -1;
			break;
		case OPT_LEARN_OUT: o->learn_out = optarg; break;
		case 'q': o->quiet = 1; break;
		case OPT_RECORD: o->record_dir = optarg; break;
		case 'h': usage(stdout); return 1;
		default:
			fprintf(stderr, "simsweep monitor: try 'simsweep monitor --help'\n");
			return -1;
		}
	}
	return 0;
}

static int check_args(int argc, char **argv, struct monitor_opts *o)
{
	if (optind < argc) {
		fprintf(stderr, "simsweep monitor: unexpected argument '%s' (try 'simsweep monitor --help')\n",
		        argv[optind]);
		return -1;
	}
	if (!o->live.device) {
		fprintf(stderr, "simsweep monitor: no device: give -d rtlsdr:0, -d rtltcp:HOST:PORT, ... "
		                "(simsweep devices lists them)\n");
		return -1;
	}
	int scanning = o->n_bands > 0 || o->plan;
	if (scanning && !isnan(o->live.freq_hz)) {
		fprintf(stderr, "simsweep monitor: give either --freq or --band/--plan, not both\n");
		return -1;
	}
	if (o->n_bands > 0 && o->plan) {
		fprintf(stderr, "simsweep monitor: give either --band or --plan, not both\n");
		return -1;
	}
	if (o->cycles && !scanning) {
		fprintf(stderr, "simsweep monitor: --cycles needs --band or --plan\n");
		return -1;
	}
	if (!scanning && isnan(o->live.freq_hz)) {
		fprintf(stderr, "simsweep monitor: no frequency: give -f FREQ (e.g. -f 847M), --band or --plan\n");
		return -1;
	}
	if (o->learn_s > 0) {
		if (o->out.fail_on_alert) {
			fprintf(stderr, "simsweep monitor: give either --learn or --fail-on-alert, not both\n");
			return -1;
		}
		if (o->out.track == 0) {
			fprintf(stderr, "simsweep monitor: --learn needs the tracker: drop --no-track\n");
			return -1;
		}
		o->out.track = 1;
	}
	/* The session's gain is the tuner's unless given. */
	if (isnan(o->out.sink.session.gain_db))
		o->out.sink.session.gain_db = o->live.gain_db;
	return 0;
}

static void on_burst(const struct burst *b, void *ctx)
{
	struct monitor_run *r = ctx;
	outputs_burst(r->out, b, r->dev_name);
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One status event, through every sink, with what was lost and clipped
 * since the last one. */
static void write_status(struct monitor_run *r)
{
	struct tracker_event ev = {
	    .type = TRACKER_EVENT_STATUS,
	    .t_s = (double)r->pos / r->rate_hz,
	    .utc_ns = r->pos_utc_ns,
	    .file = r->dev_name,
	    .message = "samples lost or at the ADC limits",
	    .freq_hz = NAN,
	    .freq_low_hz = r->freq_hz - r->rate_hz / 2,
	    .freq_high_hz = r->freq_hz + r->rate_hz / 2,
	    .covered_s = NAN,
	    .period_s = NAN,
	    .jitter_s = NAN,
	    .uplink = -1,
	    .has_loss = 1,
	    .dropped = r->st_dropped,
	    .clipped = r->st_clipped,
	};
	outputs_status(r->out, &ev);
	r->st_dropped = 0;
	r->st_clipped = 0;
	r->st_last = mono_s();
}

static void maybe_status(struct monitor_run *r, int force)
{
	if (!r->st_dropped && !r->st_clipped)
		return;
	if (force || mono_s() - r->st_last >= STATUS_PERIOD_S)
		write_status(r);
}

/* Tell the user about connections lost and regained (stderr). */
static void report_events(struct live *lv, const char *name)
{
	struct live_event ev;
	while (live_next_event(lv, &ev))
		fprintf(stderr, "simsweep: %s: %s\n", name, ev.msg);
}

static void print_summary(struct live *lv, struct pipeline *pl, const struct scan *sc,
                          uint64_t stream_samples, uint64_t stale, const char *name, double wall_s,
                          const char *why)
{
	struct pipeline_stats ps;
	pipeline_stats(pl, &ps);
	struct live_stats ls;
	live_stats(lv, &ls);
	double rate = live_info(lv)->rate_hz;
	char floor[32] = "unknown";
	if (isfinite(ps.noise_dbfs))
		snprintf(floor, sizeof floor, "%.1f dBFS", ps.noise_dbfs);
	fprintf(stderr,
	        "simsweep: %s: %s after %.1f s: %llu samples analysed (%.3f s at %.4g MS/s), "
	        "%llu bursts, %llu carriers, noise floor %s; dropped %llu (%llu detection behind, "
	        "%llu while disconnected), clipped %llu, settling %llu, reconnects %llu\n",
	        name, why, wall_s, (unsigned long long)ps.samples, (double)ps.samples / rate, rate / 1e6,
	        (unsigned long long)ps.bursts, (unsigned long long)ps.carriers, floor,
	        (unsigned long long)(ls.overflow + ls.missed), (unsigned long long)ls.overflow,
	        (unsigned long long)ls.missed, (unsigned long long)ps.clipped,
	        (unsigned long long)ls.settled, (unsigned long long)ls.reconnects);
	if (sc) {
		fprintf(stderr, "simsweep: %s: %llu samples queued past their window's dwell skipped\n",
		        name, (unsigned long long)stale);
		for (size_t i = 0; i < scan_band_count(sc); i++) {
			struct scan_band_stats bs;
			scan_band_stats(sc, i, stream_samples, &bs);
			fprintf(stderr,
			        "simsweep: %s: band %s uplink %.1f-%.1f MHz: %zu windows, watched %.1f %% "
			        "of the time\n",
			        name, bs.name, bs.low_hz / 1e6, bs.high_hz / 1e6, bs.windows,
			        100.0 * bs.watched_fraction);
		}
	}
	if (ps.samples > 0 && (double)ps.clipped > 1e-3 * (double)ps.samples)
		fprintf(stderr,
		        "simsweep: %s: warning: %.2f %% of samples at the ADC limits (overload): lower the gain\n",
		        name, 100.0 * (double)ps.clipped / (double)ps.samples);
}

/* Build the scan schedule for --band/--plan, or NULL when not scanning.
 * *failed is set after printing why when it cannot be made. */
static struct scan *make_scan(struct monitor_opts *o, int *failed)
{
	*failed = 0;
	if (!o->n_bands && !o->plan)
		return NULL;
	struct scan_config sc;
	scan_config_default(&sc);
	if (o->plan)
		sc.n_bands = scan_plan_bands(o->plan, sc.bands, SCAN_MAX_BANDS);
	else {
		for (size_t i = 0; i < o->n_bands; i++)
			sc.bands[i] = o->bands[i];
		sc.n_bands = o->n_bands;
	}
	sc.rate_hz = o->live.rate_hz;
	sc.dwell_s = o->dwell_s;
	const char *dev = o->live.device;
	if (strncmp(dev, "rtlsdr", 6) == 0 || strncmp(dev, "rtltcp", 6) == 0) {
		sc.tuner_min_hz = BANDS_RTLSDR_MIN_FREQ_HZ;
		sc.tuner_max_hz = BANDS_RTLSDR_MAX_FREQ_HZ;
	}
	char err[256] = "";
	struct scan *s = scan_create(&sc, err, sizeof err);
	if (!s) {
		fprintf(stderr, "simsweep monitor: %s\n", err[0] ? err : "cannot make a scan schedule");
		*failed = 1;
		return NULL;
	}
	for (size_t i = 0; i < scan_skipped_count(s); i++)
		fprintf(stderr, "simsweep monitor: %s\n", scan_skipped(s, i));
	o->live.freq_hz = scan_window_freq(s, 0);
	return s;
}

/* The current window (or the whole run when not scanning) as one input of
 * the outputs. */
static void begin_window(struct monitor_run *r, const struct live_info *info, double freq_hz,
                         int64_t utc_ns)
{
	r->freq_hz = freq_hz;
	struct sink_input in = {
	    .name = r->dev_name,
	    .kind = "live",
	    .datatype = sink_sigmf_datatype(sample_format_name(info->format)),
	    .rate_hz = info->rate_hz,
	    .freq_hz = freq_hz,
	    .start_utc_ns = utc_ns,
	};
	outputs_begin_input(r->out, &in);
}

/* Close the window's clusters and record what it covered. */
static void end_window(struct monitor_run *r, uint64_t samples, int64_t utc_ns)
{
	outputs_end_input(r->out, r->dev_name, r->freq_hz - r->rate_hz / 2,
	                  r->freq_hz + r->rate_hz / 2, (double)samples / r->rate_hz, utc_ns);
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor_opts o;
	int rv = parse_args(argc, argv, &o);
	if (rv) {
		outopts_free(&o.out);
		return rv > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	int scan_failed;
	struct scan *sc = make_scan(&o, &scan_failed);
	if (scan_failed) {
		outopts_free(&o.out);
		return CLI_EXIT_USAGE;
	}

	struct monitor_run run = {.st_last = -1e9, .pos_utc_ns = SIMSWEEP_UTC_UNKNOWN};
	rv = outputs_open(&o.out, &run.out);
	if (rv) {
		scan_destroy(sc);
		outopts_free(&o.out);
		return rv;
	}

	/* Signals stop the loop; the handler only sets the flag (no
	 * SA_RESTART: the loop wakes every READ_TIMEOUT_MS anyway). */
	monitor_stop = 0;
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	int status = CLI_EXIT_OK;
	struct live *lv = NULL;
	struct pipeline *pl = NULL;
	struct record *rec = NULL;
	char err[256] = "";
	rv = live_open(&o.live, &lv, err, sizeof err);
	if (rv != SIMSWEEP_OK) {
		fprintf(stderr, "simsweep: %s\n", err[0] ? err : simsweep_strerror(rv));
		status = CLI_EXIT_ERROR;
		goto out;
	}
	const struct live_info *info = live_info(lv);
	const char *name = info->name;
	run.dev_name = name;
	run.rate_hz = info->rate_hz;

	struct pipeline_config pc;
	detopts_config(&o.det, info->rate_hz, info->format == SAMPLE_FORMAT_CU8, &pc);
	pl = pipeline_create(&pc);
	if (!pl) {
		fprintf(stderr, "simsweep: %s: cannot set up detection at %.0f S/s with these options\n", name,
		        pc.rate_hz);
		status = CLI_EXIT_ERROR;
		goto out;
	}
	if (o.record_dir) {
		rec = record_open(o.record_dir, info, err, sizeof err);
		if (!rec) {
			fprintf(stderr, "simsweep: %s: %s\n", o.record_dir, err);
			status = CLI_EXIT_ERROR;
			goto out;
		}
	}
	if (!o.quiet) {
		char gain[32] = "auto";
		if (!isnan(info->gain_db))
			snprintf(gain, sizeof gain, "%.1f dB", info->gain_db);
		fprintf(stderr, "simsweep: %s: tuner %s, %.6f MHz, %.4g MS/s, gain %s%s%s\n", name,
		        info->tuner, info->freq_hz / 1e6, info->rate_hz / 1e6, gain,
		        sc ? " (scanning)" : "", o.learn_s > 0 ? " (learning a baseline)" : "");
	}

	double t_start = mono_s();
	const char *why = "stopped";
	uint64_t window_start = UINT64_MAX; /* stream index of the current window's first sample */
	size_t window = 0;
	uint32_t window_segment = 0;
	uint64_t window_samples = 0; /* samples analysed in the current window */
	int64_t window_utc_ns = SIMSWEEP_UTC_UNKNOWN;
	uint64_t stale = 0;       /* samples of windows already left, skipped */
	unsigned cycles_done = 0; /* complete passes over the windows */
	int learned = 0;          /* --learn: the learning time is over */
	uint64_t learn_samples = o.learn_s > 0 ? (uint64_t)llround(o.learn_s * info->rate_hz) : 0;
	begin_window(&run, info, info->freq_hz, SIMSWEEP_UTC_UNKNOWN);
	for (;;) {
		if (monitor_stop) {
			why = "stopped by signal";
			break;
		}
		if (o.duration_s > 0 && mono_s() - t_start >= o.duration_s) {
			why = "duration reached";
			break;
		}
		struct block b;
		rv = live_read(lv, &b, READ_TIMEOUT_MS);
		report_events(lv, name);
		if (rv == LIVE_TIMEOUT) {
			maybe_status(&run, 0);
			outputs_poll(run.out);
			continue;
		}
		if (rv == LIVE_END) {
			why = "stream ended";
			break;
		}
		if (rv < 0) {
			const char *detail = live_errmsg(lv);
			fprintf(stderr, "simsweep: %s\n", detail && *detail ? detail : simsweep_strerror(rv));
			why = "device lost";
			status = CLI_EXIT_ERROR;
			break;
		}
		int last = 0;
		if (o.max_samples) {
			if (b.sample_index >= o.max_samples)
				break;
			if (b.sample_index + b.n >= o.max_samples) {
				b.n = (size_t)(o.max_samples - b.sample_index);
				last = 1;
			}
		}
		/* --learn counts stream time: samples received, and those lost. */
		if (learn_samples) {
			if (b.sample_index >= learn_samples) {
				why = "learning done";
				learned = 1;
				break;
			}
			if (b.sample_index + b.n >= learn_samples) {
				b.n = (size_t)(learn_samples - b.sample_index);
				learned = 1;
			}
		}
		run.st_dropped += b.dropped;
		run.st_clipped += b.clipped;
		run.pos = b.sample_index + b.n;
		run.pos_utc_ns = b.utc_ns == SIMSWEEP_UTC_UNKNOWN
		                     ? SIMSWEEP_UTC_UNKNOWN
		                     : b.utc_ns + (int64_t)llround((double)b.n * 1e9 / b.rate_hz);
		/* Scanning: blocks still queued from a window already left are
		 * past its dwell; they are skipped (counted, not watched) so that
		 * a backlog cannot hold the schedule back. Nor are they recorded:
		 * the recording is what was analysed, so that analyze gives the
		 * same events from it. */
		if (sc && b.segment != window_segment) {
			stale += b.n;
			continue;
		}
		if (rec) {
			size_t raw_bytes;
			const void *raw = live_raw(lv, &raw_bytes);
			if (record_write(rec, &b, raw, b.n * sample_format_size(info->format)) < 0) {
				fprintf(stderr, "simsweep: %s: recording failed: %s\n", o.record_dir,
				        record_errmsg(rec));
				status = CLI_EXIT_ERROR;
				break;
			}
		}
		if (window_utc_ns == SIMSWEEP_UTC_UNKNOWN)
			window_utc_ns = b.utc_ns;
		window_samples += b.n;
		if (pipeline_process(pl, &b, on_burst, &run) != SIMSWEEP_OK) {
			fprintf(stderr, "simsweep: %s: sample rate changed while streaming\n", name);
			status = CLI_EXIT_ERROR;
			break;
		}
		maybe_status(&run, 0);
		if (outputs_broken(run.out))
			break;
		if (last) {
			why = "sample count reached";
			break;
		}
		if (learned) {
			why = "learning done";
			break;
		}
		if (sc) {
			scan_account(sc, b.segment, b.n);
			if (window_start == UINT64_MAX)
				window_start = b.sample_index;
			if (b.sample_index + b.n - window_start < scan_dwell_samples(sc))
				continue;
			window = (window + 1) % scan_window_count(sc);
			if (window == 0 && o.cycles && ++cycles_done >= o.cycles) {
				why = "scan cycles done";
				break;
			}
			window_segment++;
			window_start = UINT64_MAX;
			if (live_retune(lv, scan_window_freq(sc, window)) != SIMSWEEP_OK) {
				fprintf(stderr, "simsweep: %s: cannot tune to %.6f MHz\n", name,
				        scan_window_freq(sc, window) / 1e6);
				status = CLI_EXIT_ERROR;
				why = "tuning failed";
				break;
			}
			/* One sweep step ends: its clusters and its coverage. */
			end_window(&run, window_samples, window_utc_ns);
			window_samples = 0;
			window_utc_ns = SIMSWEEP_UTC_UNKNOWN;
			begin_window(&run, info, scan_window_freq(sc, window), SIMSWEEP_UTC_UNKNOWN);
		}
	}
	pipeline_flush(pl, on_burst, &run);
	maybe_status(&run, 1);
	end_window(&run, window_samples, window_utc_ns);
	report_events(lv, name);
	if (rec && record_close(rec, err, sizeof err) < 0) {
		fprintf(stderr, "simsweep: %s: %s\n", o.record_dir, err);
		status = CLI_EXIT_ERROR;
	}
	rec = NULL;
	if (o.learn_s > 0 && status == CLI_EXIT_OK) {
		/* A run stopped early still leaves what it saw, said so. */
		if (!learned)
			fprintf(stderr, "simsweep: %s: learned for %.1f s of the %.1f s asked (%s)\n", name,
			        (double)run.pos / run.rate_hz, o.learn_s, why);
		struct tracker *trk = outputs_tracker(run.out);
		if (rules_save_baseline(o.learn_out, trk, NULL, err, sizeof err)) {
			fprintf(stderr, "simsweep: %s\n", err);
			status = CLI_EXIT_ERROR;
		} else if (!o.quiet) {
			fprintf(stderr, "simsweep: %s: %zu emitters recorded\n", o.learn_out,
			        tracker_emitter_count(trk));
		}
	}
	if (!o.quiet || status != CLI_EXIT_OK)
		print_summary(lv, pl, sc, run.pos, stale, name, mono_s() - t_start, why);
out:
	if (rec)
		record_close(rec, NULL, 0);
	pipeline_destroy(pl);
	live_close(lv);
	scan_destroy(sc);
	status = outputs_close(run.out, status);
	outopts_free(&o.out);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return status;
}
