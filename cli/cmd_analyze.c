/* cmd_analyze.c - `simsweep analyze FILE...`: recordings in, JSON Lines out.
 * Parses options into one configuration, wires each input to a pipeline and
 * the JSON writer, reports errors as one line per file, and goes on with the
 * next file after a bad one. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "simsweep/error.h"
#include "simsweep/jsonl.h"
#include "simsweep/pipeline.h"
#include "simsweep/source.h"

struct analyze_opts {
	struct source_config src;   /* template: path filled per file */
	struct pipeline_config pl;  /* rate filled per file */
	int dc_remove;              /* -1 auto (cu8: on), 0 off, 1 on */
	double dc_mask_hz;          /* < 0: auto */
	const char *output;
	int quiet;
};

struct run_ctx {
	FILE *out;
	const char *out_name;
	const char *file;
	int write_error;
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: simsweep analyze [options] FILE...\n"
	        "\n"
	        "Find every burst in IQ recordings and print one JSON object per line.\n"
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
	        "output:\n"
	        "  -o, --output FILE       write events to FILE (default: stdout)\n"
	        "  -F, --output-format F   json (JSON Lines, the default)\n"
	        "  -q, --quiet             no summary on stderr\n"
	        "detection:\n"
	        "      --fft-size N        FFT length (default 1024)\n"
	        "      --overlap F         frame overlap 0 .. 0.875 (default 0.5)\n"
	        "  -t, --threshold DB      detection threshold over the noise floor (default 7)\n"
	        "      --min-duration S    shortest burst reported, seconds (default 150e-6)\n"
	        "      --min-snr DB        weakest burst reported (default 7)\n"
	        "      --merge-gap S       silences shorter than this join a burst (default 1e-3)\n"
	        "      --carrier-time S    a signal lasting this long is a carrier (default 1)\n"
	        "      --dc-mask HZ        ignore +-HZ around DC (default: one bin for cu8, else 0)\n"
	        "      --no-dc-removal     keep the DC offset (removed by default for cu8)\n"
	        "  -h, --help\n");
}

enum {
	OPT_FORMAT = 256,
	OPT_START,
	OPT_FFT,
	OPT_OVERLAP,
	OPT_MIN_DUR,
	OPT_MIN_SNR,
	OPT_MERGE,
	OPT_CARRIER,
	OPT_DC_MASK,
	OPT_NO_DC,
};

static const struct option long_opts[] = {
	{"rate", required_argument, NULL, 's'},
	{"freq", required_argument, NULL, 'f'},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"start-time", required_argument, NULL, OPT_START},
	{"output", required_argument, NULL, 'o'},
	{"output-format", required_argument, NULL, 'F'},
	{"quiet", no_argument, NULL, 'q'},
	{"fft-size", required_argument, NULL, OPT_FFT},
	{"overlap", required_argument, NULL, OPT_OVERLAP},
	{"threshold", required_argument, NULL, 't'},
	{"min-duration", required_argument, NULL, OPT_MIN_DUR},
	{"min-snr", required_argument, NULL, OPT_MIN_SNR},
	{"merge-gap", required_argument, NULL, OPT_MERGE},
	{"carrier-time", required_argument, NULL, OPT_CARRIER},
	{"dc-mask", required_argument, NULL, OPT_DC_MASK},
	{"no-dc-removal", no_argument, NULL, OPT_NO_DC},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int parse_args(int argc, char **argv, struct analyze_opts *o)
{
	const char *cmd = "analyze";
	source_config_default(&o->src);
	pipeline_config_default(&o->pl);
	o->dc_remove = -1;
	o->dc_mask_hz = -1;
	o->output = NULL;
	o->quiet = 0;
	optind = 1;
	int c;
	size_t fft;
	while ((c = getopt_long(argc, argv, "s:f:o:F:qt:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (opt_si(cmd, "--rate", optarg, 1e3, 1e10, &o->src.rate_hz))
				return -1;
			break;
		case 'f':
			if (opt_si(cmd, "--freq", optarg, 0, 1e12, &o->src.freq_hz))
				return -1;
			break;
		case OPT_FORMAT:
			o->src.format = sample_format_parse(optarg);
			if (o->src.format == SAMPLE_FORMAT_UNKNOWN) {
				fprintf(stderr, "simsweep analyze: unknown --format '%s' (cu8, cs8, cs16, cf32)\n", optarg);
				return -1;
			}
			break;
		case OPT_START:
			if (opt_utc(cmd, "--start-time", optarg, &o->src.start_utc_ns))
				return -1;
			break;
		case 'o': o->output = optarg; break;
		case 'F':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "jsonl") != 0) {
				fprintf(stderr, "simsweep analyze: unknown --output-format '%s' (json)\n", optarg);
				return -1;
			}
			break;
		case 'q': o->quiet = 1; break;
		case OPT_FFT:
			if (opt_size(cmd, "--fft-size", optarg, 16, 65536, &fft))
				return -1;
			if (fft % 2) {
				fprintf(stderr, "simsweep analyze: invalid value for --fft-size: '%s' (must be even)\n", optarg);
				return -1;
			}
			o->pl.fft_size = fft;
			break;
		case OPT_OVERLAP:
			if (opt_double(cmd, "--overlap", optarg, 0, 0.875, &o->pl.overlap))
				return -1;
			break;
		case 't':
			if (opt_double(cmd, "--threshold", optarg, 1, 60, &o->pl.threshold_db))
				return -1;
			if (o->pl.hysteresis_db >= o->pl.threshold_db)
				o->pl.hysteresis_db = o->pl.threshold_db / 2;
			break;
		case OPT_MIN_DUR:
			if (opt_double(cmd, "--min-duration", optarg, 0, 60, &o->pl.min_duration_s))
				return -1;
			break;
		case OPT_MIN_SNR:
			if (opt_double(cmd, "--min-snr", optarg, -20, 100, &o->pl.min_snr_db))
				return -1;
			break;
		case OPT_MERGE:
			if (opt_double(cmd, "--merge-gap", optarg, 0, 10, &o->pl.merge_gap_s))
				return -1;
			break;
		case OPT_CARRIER:
			if (opt_double(cmd, "--carrier-time", optarg, 1e-3, 1e5, &o->pl.carrier_min_s))
				return -1;
			break;
		case OPT_DC_MASK:
			if (opt_si(cmd, "--dc-mask", optarg, 0, 1e9, &o->dc_mask_hz))
				return -1;
			break;
		case OPT_NO_DC: o->dc_remove = 0; break;
		case 'h': usage(stdout); return 1;
		default:
			fprintf(stderr, "simsweep analyze: try 'simsweep analyze --help'\n");
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "simsweep analyze: no input file (try 'simsweep analyze --help')\n");
		return -1;
	}
	return 0;
}

static void on_burst(const struct burst *b, void *ctx)
{
	struct run_ctx *rc = ctx;
	if (rc->write_error)
		return;
	if (jsonl_write_burst(rc->out, b, rc->file) != SIMSWEEP_OK)
		rc->write_error = errno ? errno : EIO;
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
	struct pipeline_config pc = o->pl;
	pc.rate_hz = info->rate_hz;
	int is_cu8 = info->format == SAMPLE_FORMAT_CU8;
	pc.dc_remove = o->dc_remove < 0 ? is_cu8 : o->dc_remove;
	pc.dc_mask_hz = o->dc_mask_hz >= 0 ? o->dc_mask_hz : (is_cu8 ? pc.rate_hz / (double)pc.fft_size : 0);
	struct pipeline *pl = pipeline_create(&pc);
	if (!pl) {
		fprintf(stderr, "simsweep: %s: cannot set up detection at %.0f S/s with these options\n", name,
		        pc.rate_hz);
		source_close(src);
		return 1;
	}
	rc->file = name;
	struct block blk;
	int status = 0;
	while ((rv = source_read(src, &blk)) == 1) {
		if (pipeline_process(pl, &blk, on_burst, rc) != SIMSWEEP_OK) {
			fprintf(stderr, "simsweep: %s: sample rate changed inside the recording\n", name);
			status = 1;
			break;
		}
		if (rc->write_error)
			break;
	}
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
	pipeline_destroy(pl);
	source_close(src);
	return status;
}

int cmd_analyze(int argc, char **argv)
{
	struct analyze_opts o;
	int rv = parse_args(argc, argv, &o);
	if (rv)
		return rv > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	struct run_ctx rc = {.out = stdout, .out_name = "stdout"};
	if (o.output && strcmp(o.output, "-") != 0) {
		rc.out = fopen(o.output, "w");
		if (!rc.out) {
			fprintf(stderr, "simsweep: %s: cannot write: %s\n", o.output, strerror(errno));
			return CLI_EXIT_ERROR;
		}
		rc.out_name = o.output;
	}
	int failed = 0;
	for (int i = optind; i < argc; i++) {
		failed |= analyze_one(&o, argv[i], &rc);
		if (rc.write_error)
			break;
	}
	if (rc.write_error) {
		if (rc.write_error != EPIPE)
			fprintf(stderr, "simsweep: %s: write failed: %s\n", rc.out_name, strerror(rc.write_error));
		failed = 1;
	}
	if (rc.out != stdout && fclose(rc.out) != 0) {
		fprintf(stderr, "simsweep: %s: write failed: %s\n", rc.out_name, strerror(errno));
		failed = 1;
	}
	return failed ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}
