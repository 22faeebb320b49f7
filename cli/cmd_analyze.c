/* cmd_analyze.c - `simsweep analyze FILE...`: recordings in, events out
 * (JSON Lines, CSV, SigMF annotations, SQLite, MQTT; findings from the
 * tracker when asked), and `simsweep baseline FILE... -o baseline.json`:
 * the same analysis, its emitters written as a baseline.
 * Parses options into one configuration, wires each input to a pipeline and
 * the outputs, reports errors as one line per file, and goes on with the
 * next file after a bad one. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "detopts.h"
#include "opts.h"
#include "outopts.h"
#include "simsweep/error.h"
#include "simsweep/pipeline.h"
#include "simsweep/relay.h"
#include "simsweep/rules.h"
#include "simsweep/sink.h"
#include "simsweep/source.h"

struct analyze_opts {
	struct source_config src;   /* template: path filled per file */
	struct detopts det;         /* detection options; rate filled per file */
	struct outopts out;         /* sinks, tracker, alerts */
	int quiet;
	size_t threads;             /* 1, or 2: spectrum on a second thread */
	int baseline;               /* `simsweep baseline`: write the emitters to -o */
	const char *baseline_note;
};

struct run_ctx {
	struct outputs *out;
	const char *file;
};

static void usage(FILE *f, int baseline)
{
	if (baseline)
		fprintf(f,
		        "usage: simsweep baseline [options] FILE... -o baseline.json\n"
		        "\n"
		        "Record what is normally on the air: analyse the recordings, group their\n"
		        "bursts into emitters and write them as a baseline file, for\n"
		        "'simsweep analyze --baseline baseline.json' (or monitor) to leave out.\n"
		        "  -o, --output FILE       the baseline file to write (required)\n"
		        "      --note TEXT         note stored with every entry (default \"baseline\")\n"
		        "The input and detection options are those of 'simsweep analyze'.\n");
	else
		fprintf(f,
		        "usage: simsweep analyze [options] FILE...\n"
		        "\n"
		        "Find every burst in IQ recordings and print one JSON object per line.\n");
	fprintf(f,
	        "FILE: .cu8 .cs8 .cs16 .cf32/.cfile raw I/Q, .sigmf-meta/.sigmf-data, .wav;\n"
	        "      FORMAT:FILE forces a raw format (cu8:-  reads stdin).\n"
	        "Rate and frequency come from the options, the recording's metadata, or\n"
	        "tags in the name (car_847M_2.4M.cu8).\n"
	        "\n"
	        "input:\n"
	        "  -s, --rate RATE         sample rate, e.g. 2.4M\n"
	        "  -f, --freq FREQ         centre frequency, e.g. 847M\n"
	        "      --format FMT        raw format: cu8 cs8 cs16 cf32\n"
	        "      --start-time UTC    UTC of the first sample, e.g. 2024-05-01T12:00:00Z\n"
	        "  -j, --threads N         1, or 2: reading and the spectrum on a second thread,\n"
	        "                          which shares the spectrum with the first (the events\n"
	        "                          are the same; default 2 on a machine with two cores\n"
	        "                          or more)\n"
	        "  -q, --quiet             no summary on stderr\n"
	        "  -h, --help\n");
	detopts_usage(f);
	if (!baseline)
		outopts_usage(f);
}

enum {
	OPT_FORMAT = 256,
	OPT_START,
	OPT_NOTE,
};

/* Pieces in flight between the two threads (each 140 KB of frames at 1024
 * points, and its 16384 samples, 128 KB, in the clipper's ring): about
 * 4 ms of the front's work, enough to ride out the bursts whose clips and
 * classification hold up the back (with 8 the two threads waited for each
 * other a third of the time). */
#define RELAY_PIECES 32

static const struct option long_opts[] = {
	{"rate", required_argument, NULL, 's'},
	{"freq", required_argument, NULL, 'f'},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"start-time", required_argument, NULL, OPT_START},
	{"note", required_argument, NULL, OPT_NOTE},
	{"quiet", no_argument, NULL, 'q'},
	{"threads", required_argument, NULL, 'j'},
	DETOPTS_LONG,
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* One option of analyze's own: 0 taken, -1 after printing a usage error. */
static int parse_one(struct analyze_opts *o, const char *cmd, int c, const char *arg)
{
	int det = detopts_parse(&o->det, cmd, c, arg);
	if (det)
		return det < 0 ? -1 : 0;
	switch (c) {
	case 's': return opt_si(cmd, "--rate", arg, 1e3, 1e10, &o->src.rate_hz);
	case 'f': return opt_si(cmd, "--freq", arg, 0, 1e12, &o->src.freq_hz);
	case OPT_FORMAT:
		o->src.format = sample_format_parse(arg);
		if (o->src.format == SAMPLE_FORMAT_UNKNOWN) {
			fprintf(stderr, "simsweep %s: unknown --format '%s' (cu8, cs8, cs16, cf32)\n", cmd, arg);
			return -1;
		}
		return 0;
	case OPT_START: return opt_utc(cmd, "--start-time", arg, &o->src.start_utc_ns);
	case OPT_NOTE: o->baseline_note = arg; return 0;
	case 'q': o->quiet = 1; return 0;
	case 'j': return opt_size(cmd, "--threads", arg, 1, 2, &o->threads);
	default:
		fprintf(stderr, "simsweep %s: try 'simsweep %s --help'\n", cmd, cmd);
		return -1;
	}
}

/* Returns 0 to run, 1 after --help, -1 after a usage error. */
static int parse_args(int argc, char **argv, struct analyze_opts *o)
{
	const char *cmd = o->baseline ? "baseline" : "analyze";
	source_config_default(&o->src);
	detopts_init(&o->det);
	o->quiet = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	o->threads = cpus >= 2 ? 2 : 1;
	o->baseline_note = NULL;
	outopts_init(&o->out);
	struct option *lo = outopts_merge_long(long_opts);
	if (!lo) {
		fprintf(stderr, "simsweep %s: out of memory\n", cmd);
		return -1;
	}
	optind = 1;
	int c, rv = 0;
	while (rv == 0 && (c = getopt_long(argc, argv, "s:f:qj:t:h" OUTOPTS_SHORT, lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout, o->baseline);
			rv = 1;
			break;
		}
		int taken = outopts_parse(&o->out, cmd, c, optarg);
		if (taken < 0)
			rv = -1;
		else if (!taken)
			rv = parse_one(o, cmd, c, optarg);
	}
	free(lo);
	if (rv)
		return rv;
	if (optind >= argc) {
		fprintf(stderr, "simsweep %s: no input file (try 'simsweep %s --help')\n", cmd, cmd);
		return -1;
	}
	if (o->baseline) {
		if (!o->out.sink.output || !strcmp(o->out.sink.output, "-")) {
			fprintf(stderr, "simsweep baseline: give the baseline file to write: -o baseline.json\n");
			return -1;
		}
		/* The baseline is the output: no event stream, findings on. */
		o->out.sink.format = SINK_FORMAT_NONE;
		o->out.track = 1;
	}
	return 0;
}

static void on_burst(const struct burst *b, void *ctx)
{
	struct run_ctx *rc = ctx;
	outputs_burst(rc->out, b, rc->file);
}

/* The two halves of the pipeline as the relay's stages: the reading and
 * the spectrum, on the second thread when there is one... */
struct front_ctx {
	struct source *src;
	struct pipeline *pl;
	struct block blk;
	size_t off;     /* samples of blk taken */
	int read_rv;    /* source_read's last result */
	size_t defer_below; /* pieces waiting for the back under which the
	                       front leaves their spectrum to it (0: never) */
};

static int produce(void *item, size_t backlog, void *ctx)
{
	struct front_ctx *f = ctx;
	while (f->off >= f->blk.n) {
		f->read_rv = source_read(f->src, &f->blk);
		if (f->read_rv != 1)
			return f->read_rv;
		f->off = 0;
	}
	size_t took = pipeline_front(f->pl, &f->blk, f->off, item, backlog < f->defer_below);
	f->off = took ? f->off + took : f->blk.n; /* a block without samples */
	return 1;
}

/* ...and the rest, with the outputs, on the caller's. */
struct back_ctx {
	struct pipeline *pl;
	struct run_ctx *rc;
};

#define STOP_RATE   1
#define STOP_OUTPUT 2

static int consume(void *item, void *ctx)
{
	struct back_ctx *k = ctx;
	if (pipeline_back(k->pl, item, on_burst, k->rc) != SIMSWEEP_OK)
		return STOP_RATE;
	return outputs_broken(k->rc->out) ? STOP_OUTPUT : 0;
}

/* The .sigmf-meta beside a SigMF recording's .sigmf-data. */
static char *sigmf_meta_path(const char *data_path)
{
	const char *ext = ".sigmf-data";
	size_t n = data_path ? strlen(data_path) : 0, el = strlen(ext);
	if (n < el || strcmp(data_path + n - el, ext) != 0)
		return NULL;
	char *m = malloc(n + 1);
	if (m) {
		memcpy(m, data_path, n - el);
		memcpy(m + n - el, ".sigmf-meta", el + 1);
	}
	return m;
}

/* "cu8:file" forces a format; anything else is a plain path. */
static const char *split_format(const char *arg, enum sample_format *fmt)
{
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg || colon - arg > 8)
		return arg;
	char name[9];
	memcpy(name, arg, (size_t)(colon - arg));
	name[colon - arg] = '\0';
	enum sample_format f = sample_format_parse(name);
	if (f == SAMPLE_FORMAT_UNKNOWN)
		return arg;
	*fmt = f;
	return colon + 1;
}

/* Analyse one input. Returns 0, or 1 after printing why it failed (the
 * events found before the failure are already written). */
static int analyze_one(const struct analyze_opts *o, const char *arg, struct run_ctx *rc)
{
	struct source_config sc = o->src;
	sc.path = split_format(arg, &sc.format);
	const char *name = strcmp(sc.path, "-") ? sc.path : "(stdin)";
	char err[256] = "";
	struct source *src = NULL;
	int rv = source_open(&sc, &src, err, sizeof(err));
	if (rv != SIMSWEEP_OK) {
		fprintf(stderr, "simsweep: %s: %s\n", name, err[0] ? err : simsweep_strerror(rv));
		return 1;
	}
	const struct source_info *info = source_info(src);
	struct pipeline_config pc;
	detopts_config(&o->det, info->rate_hz, info->format == SAMPLE_FORMAT_CU8, &pc);
	/* The relay lets the front run this many pieces ahead of the back. */
	size_t npieces = o->threads > 1 ? RELAY_PIECES : 1;
	pc.pieces = npieces;
	struct pipeline *pl = pipeline_create(&pc);
	if (!pl) {
		fprintf(stderr, "simsweep: %s: cannot set up detection at %.0f S/s with these options\n", name,
		        pc.rate_hz);
		source_close(src);
		return 1;
	}
	rc->file = name;
	char *meta = !strcmp(info->kind, "sigmf") ? sigmf_meta_path(info->data_path) : NULL;
	struct sink_input in = {
		.name = name,
		.kind = info->kind,
		.meta_path = meta,
		.data_path = strcmp(sc.path, "-") ? info->data_path : NULL,
		.datatype = sink_sigmf_datatype(sample_format_name(info->format)),
		.rate_hz = info->rate_hz,
		.freq_hz = info->freq_hz,
		.start_utc_ns = info->start_utc_ns,
	};
	outputs_begin_input(rc->out, &in);
	int status = 0;
	struct pipeline_piece *pieces[RELAY_PIECES] = {NULL};
	for (size_t i = 0; i < npieces; i++) {
		pieces[i] = pipeline_piece_create(pl);
		if (!pieces[i]) {
			fprintf(stderr, "simsweep: %s: out of memory\n", name);
			status = 1;
		}
	}
	/* With two threads the front (reading, DC removal, the spectrum) is
	 * the heavier half: while the back keeps up, so that fewer than half
	 * the pieces wait for it, the front leaves their spectrum to the back.
	 * The queue settles where the two halves take as long. */
	struct front_ctx fc = {.src = src, .pl = pl, .defer_below = npieces > 1 ? npieces / 2 : 0};
	struct back_ctx bc = {.pl = pl, .rc = rc};
	rv = 0;
	if (!status) {
		int stop = relay_run((void *const *)pieces, npieces, (unsigned)o->threads, produce, &fc,
		                     consume, &bc);
		if (stop == STOP_RATE) {
			fprintf(stderr, "simsweep: %s: sample rate changed inside the recording\n", name);
			status = 1;
		}
		rv = fc.read_rv;
	}
	for (size_t i = 0; i < npieces; i++)
		pipeline_piece_destroy(pieces[i]);
	pipeline_flush(pl, on_burst, rc);
	if (rv < 0) {
		const char *detail = source_errmsg(src);
		fprintf(stderr, "simsweep: %s: %s\n", name, detail && *detail ? detail : simsweep_strerror(rv));
		status = 1;
	}
	struct pipeline_stats st;
	pipeline_stats(pl, &st);
	if (!o->quiet) {
		double dur = (double)st.samples / pc.rate_hz;
		char floor[32] = "unknown";
		if (isfinite(st.noise_dbfs))
			snprintf(floor, sizeof(floor), "%.1f dBFS", st.noise_dbfs);
		fprintf(stderr,
		        "simsweep: %s: %llu samples (%.3f s at %.4g MS/s), %llu bursts, %llu carriers, "
		        "noise floor %s\n",
		        name, (unsigned long long)st.samples, dur, pc.rate_hz / 1e6,
		        (unsigned long long)st.bursts, (unsigned long long)st.carriers, floor);
	}
	if (st.samples > 0 && (double)st.clipped > 1e-3 * (double)st.samples)
		fprintf(stderr,
		        "simsweep: %s: warning: %.2f %% of samples at the ADC limits (overload): lower the gain\n",
		        name, 100.0 * (double)st.clipped / (double)st.samples);
	if (st.overflows > 0)
		fprintf(stderr, "simsweep: %s: warning: %llu bursts not tracked (too many at once)\n", name,
		        (unsigned long long)st.overflows);
	double covered = (double)st.samples / pc.rate_hz;
	double lo = isnan(info->freq_hz) ? NAN : info->freq_hz - pc.rate_hz / 2;
	double hi = isnan(info->freq_hz) ? NAN : info->freq_hz + pc.rate_hz / 2;
	outputs_end_input(rc->out, name, lo, hi, covered, info->start_utc_ns);
	free(meta);
	pipeline_destroy(pl);
	source_close(src);
	return status;
}

static int run(int argc, char **argv, int baseline)
{
	struct analyze_opts o;
	memset(&o, 0, sizeof(o));
	o.baseline = baseline;
	int rv = parse_args(argc, argv, &o);
	if (rv) {
		outopts_free(&o.out);
		return rv > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	struct run_ctx rc = {0};
	rv = outputs_open(&o.out, &rc.out);
	if (rv) {
		outopts_free(&o.out);
		return rv;
	}
	int failed = 0;
	for (int i = optind; i < argc; i++) {
		failed |= analyze_one(&o, argv[i], &rc);
		if (outputs_broken(rc.out))
			break;
	}
	if (baseline) {
		char err[512];
		if (rules_save_baseline(o.out.sink.output, outputs_tracker(rc.out), o.baseline_note, err,
		                        sizeof(err))) {
			fprintf(stderr, "simsweep: %s\n", err);
			failed = 1;
		} else if (!o.quiet) {
			fprintf(stderr, "simsweep: %s: %zu emitters recorded\n", o.out.sink.output,
			        tracker_emitter_count(outputs_tracker(rc.out)));
		}
	}
	rv = outputs_close(rc.out, failed ? CLI_EXIT_ERROR : CLI_EXIT_OK);
	outopts_free(&o.out);
	return rv;
}

int cmd_analyze(int argc, char **argv)
{
	return run(argc, argv, 0);
}

int cmd_baseline(int argc, char **argv)
{
	return run(argc, argv, 1);
}
