/* cmd_synth.c - `simsweep synth`: a reference uplink recording and its truth.
 *
 *   simsweep synth --kind nprach --nprach-format 0 --reps 4 -s 2.4M -f 847M \
 *                  --snr 10 --cfo 1k --seed 1 -o out
 *   simsweep synth --scene mixed --duration 10 -o mixed
 *
 * writes out.sigmf-meta + out.sigmf-data (SigMF 1.0, cu8 or cf32_le) and
 * out.truth.jsonl (one JSON object per transmission, the keys of analyze's
 * events). Everything is written under temporary names and renamed at the
 * end, so a failure never leaves half a file.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/jsonl.h"
#include "simsweep/synth.h"
#include "simsweep/units.h"

#define CMD "synth"
#define BLOCK_SAMPLES 65536
#define DEFAULT_TAIL_S 0.01  /* noise after a single transmission */
#define PATH_MAX_LEN 4096

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: simsweep synth (--kind KIND | --scene mixed) [options] -o NAME\n"
	        "\n"
	        "Write a reference uplink recording NAME.sigmf-meta + NAME.sigmf-data and\n"
	        "its truth NAME.truth.jsonl (one line per transmission, analyze's keys).\n"
	        "\n"
	        "what:\n"
	        "  --kind KIND          nprach npusch prach pusch pucch srs normal-burst access-burst\n"
	        "  --scene mixed        random bursts of every class, with noise-only stretches\n"
	        "  --at S               start of the transmission, seconds (default 0.01)\n"
	        "  --offset HZ          centre offset from the tuned frequency (default 0)\n"
	        "  --snr DB             SNR in the occupied bandwidth (default 10)\n"
	        "  --power DBFS         mean power instead of --snr\n"
	        "  --rate-bursts N      mixed: transmissions per second (default 4)\n"
	        "NB-IoT:\n"
	        "  --nprach-format N    0, 1, 2             --reps N       repetitions 1..128\n"
	        "  --n-init N           first NPRACH tone   --sc-offset N  NPRACH subcarrier offset\n"
	        "  --npusch-format N    1, 2                --spacing HZ   3750 or 15000\n"
	        "  --tones N            1, 3, 6, 12         --first-tone N --ru N  --qpsk\n"
	        "  --cell-id N          0..503 (NPRACH hopping, DMRS)\n"
	        "LTE / LTE-M:\n"
	        "  --prach-format N     0..3  --root N  --ncs N  --shift N\n"
	        "  --carrier-prb N      host carrier (default 6)   --prb N  --first-prb N\n"
	        "  --subframes N        --lte-m  --hop PRB  --hop-interval N\n"
	        "  --pucch-format F     1, 1a, 2   --pucch-m N   --comb N (SRS)\n"
	        "GSM:\n"
	        "  --tsc N              training sequence 0..7   --frames N  bursts, one a frame\n"
	        "recording:\n"
	        "  -s, --rate RATE      sample rate (default 2.4M)\n"
	        "  -f, --freq FREQ      tuned centre frequency (default: unknown)\n"
	        "      --duration S     length (default: transmission + 10 ms; mixed 10 s)\n"
	        "      --noise DBFS     total noise power (default -30)\n"
	        "      --format F       cu8 (as an RTL-SDR, the default) or cf32\n"
	        "      --start-time UTC UTC of the first sample\n"
	        "      --seed N         (default 1)\n"
	        "impairments:\n"
	        "      --cfo HZ  --ppm PPM  --iq-gain DB  --iq-phase DEG  --dc I,Q\n"
	        "  -o, --output NAME    output base name (required)\n"
	        "  -h, --help\n");
}

enum {
	OPT_KIND = 256, OPT_SCENE, OPT_AT, OPT_OFFSET, OPT_SNR, OPT_POWER, OPT_RATE_BURSTS,
	OPT_NPRACH_FORMAT, OPT_REPS, OPT_N_INIT, OPT_SC_OFFSET, OPT_NPUSCH_FORMAT, OPT_SPACING,
	OPT_TONES, OPT_FIRST_TONE, OPT_RU, OPT_QPSK, OPT_CELL, OPT_PRACH_FORMAT, OPT_ROOT,
	OPT_NCS, OPT_SHIFT, OPT_CARRIER_PRB, OPT_PRB, OPT_FIRST_PRB, OPT_SUBFRAMES, OPT_LTE_M,
	OPT_HOP, OPT_HOP_INTERVAL, OPT_PUCCH_FORMAT, OPT_PUCCH_M, OPT_COMB, OPT_TSC, OPT_FRAMES,
	OPT_DURATION, OPT_NOISE, OPT_FORMAT, OPT_START, OPT_SEED, OPT_CFO, OPT_PPM, OPT_IQ_GAIN,
	OPT_IQ_PHASE, OPT_DC,
	OPT_COUNT
};

/* Integer options: range, and where the value goes (set after --kind is known). */
struct int_opt {
	int id;
	const char *name;
	int min, max;
};

static const struct int_opt int_opts[] = {
    {OPT_NPRACH_FORMAT, "--nprach-format", 0, 2}, {OPT_REPS, "--reps", 1, 128},
    {OPT_N_INIT, "--n-init", 0, 143},             {OPT_SC_OFFSET, "--sc-offset", 0, 108},
    {OPT_NPUSCH_FORMAT, "--npusch-format", 1, 2}, {OPT_SPACING, "--spacing", 3750, 15000},
    {OPT_TONES, "--tones", 1, 12},                {OPT_FIRST_TONE, "--first-tone", 0, 47},
    {OPT_RU, "--ru", 1, 10},                      {OPT_CELL, "--cell-id", 0, 503},
    {OPT_PRACH_FORMAT, "--prach-format", 0, 3},   {OPT_ROOT, "--root", 1, 838},
    {OPT_NCS, "--ncs", 0, 419},                   {OPT_SHIFT, "--shift", 0, 838},
    {OPT_CARRIER_PRB, "--carrier-prb", 6, 110},   {OPT_PRB, "--prb", 1, 110},
    {OPT_FIRST_PRB, "--first-prb", 0, 109},       {OPT_SUBFRAMES, "--subframes", 1, 2048},
    {OPT_HOP, "--hop", -104, 104},                {OPT_HOP_INTERVAL, "--hop-interval", 1, 16},
    {OPT_PUCCH_M, "--pucch-m", 0, 109},           {OPT_COMB, "--comb", 0, 1},
    {OPT_TSC, "--tsc", 0, 7},                     {OPT_FRAMES, "--frames", 1, 100000},
};

struct synth_opts {
	int have_kind, mixed;
	enum synth_kind kind;
	struct synth_tx tx;
	int set[OPT_COUNT];   /* integer option given */
	long val[OPT_COUNT];  /* its value */
	int qpsk, lte_m, pucch_format;
	double at_s, offset_hz, snr_db, power_dbfs, bursts_per_s;
	struct synth_scene_config sc;
	int cf32;
	const char *output;
};

static int parse_int_opt(int id, const char *s, struct synth_opts *o)
{
	for (size_t i = 0; i < sizeof(int_opts) / sizeof(int_opts[0]); i++) {
		if (int_opts[i].id != id)
			continue;
		char *end = NULL;
		errno = 0;
		long v = strtol(s, &end, 10);
		if (end == s || *end || errno || v < int_opts[i].min || v > int_opts[i].max) {
			fprintf(stderr, "simsweep " CMD ": invalid value for %s: '%s' (expected %d .. %d)\n",
			        int_opts[i].name, s, int_opts[i].min, int_opts[i].max);
			return -1;
		}
		o->set[id] = 1;
		o->val[id] = v;
		return 0;
	}
	return -1;
}

#define SET_INT(opt, field)                  \
	do {                                 \
		if (o->set[opt])             \
			(field) = (int)o->val[opt]; \
	} while (0)

/* The transmission the options describe. */
static void build_tx(struct synth_opts *o, struct synth_tx *tx)
{
	synth_tx_default(tx, o->kind);
	tx->start_s = o->at_s;
	tx->freq_offset_hz = o->offset_hz;
	tx->snr_db = o->snr_db;
	tx->power_dbfs = o->power_dbfs;
	switch (o->kind) {
	case SYNTH_NPRACH:
		SET_INT(OPT_NPRACH_FORMAT, tx->p.nprach.format);
		SET_INT(OPT_REPS, tx->p.nprach.repetitions);
		SET_INT(OPT_N_INIT, tx->p.nprach.n_init);
		SET_INT(OPT_SC_OFFSET, tx->p.nprach.subcarrier_offset);
		SET_INT(OPT_CELL, tx->p.nprach.cell_id);
		break;
	case SYNTH_NPUSCH:
		SET_INT(OPT_NPUSCH_FORMAT, tx->p.npusch.format);
		SET_INT(OPT_SPACING, tx->p.npusch.spacing_hz);
		SET_INT(OPT_TONES, tx->p.npusch.tones);
		SET_INT(OPT_FIRST_TONE, tx->p.npusch.first_tone);
		SET_INT(OPT_RU, tx->p.npusch.n_ru);
		SET_INT(OPT_REPS, tx->p.npusch.repetitions);
		SET_INT(OPT_CELL, tx->p.npusch.cell_id);
		tx->p.npusch.qpsk = o->qpsk;
		/* Format 2 and 3.75 kHz are single tone unless --tones says otherwise. */
		if (!o->set[OPT_TONES] && (tx->p.npusch.format == 2 || tx->p.npusch.spacing_hz == 3750))
			tx->p.npusch.tones = 1;
		break;
	case SYNTH_PRACH:
		SET_INT(OPT_PRACH_FORMAT, tx->p.prach.format);
		SET_INT(OPT_ROOT, tx->p.prach.root);
		SET_INT(OPT_NCS, tx->p.prach.ncs);
		SET_INT(OPT_SHIFT, tx->p.prach.shift);
		break;
	case SYNTH_PUSCH:
	case SYNTH_PUCCH:
	case SYNTH_SRS:
		SET_INT(OPT_CARRIER_PRB, tx->p.lte.carrier_prb);
		SET_INT(OPT_PRB, tx->p.lte.n_prb);
		SET_INT(OPT_FIRST_PRB, tx->p.lte.first_prb);
		SET_INT(OPT_SUBFRAMES, tx->p.lte.subframes);
		SET_INT(OPT_REPS, tx->p.lte.subframes);
		SET_INT(OPT_HOP, tx->p.lte.hop_prb);
		SET_INT(OPT_HOP_INTERVAL, tx->p.lte.hop_interval);
		SET_INT(OPT_PUCCH_M, tx->p.lte.pucch_m);
		SET_INT(OPT_COMB, tx->p.lte.srs_comb);
		SET_INT(OPT_CELL, tx->p.lte.cell_id);
		tx->p.lte.lte_m = o->lte_m;
		if (o->pucch_format)
			tx->p.lte.pucch_format = o->pucch_format;
		break;
	case SYNTH_GSM_NORMAL:
	case SYNTH_GSM_ACCESS:
		SET_INT(OPT_TSC, tx->p.gsm.tsc);
		SET_INT(OPT_FRAMES, tx->p.gsm.frames);
		break;
	default: break;
	}
}

static int parse_args(int argc, char **argv, struct synth_opts *o)
{
	static const struct option long_opts[] = {
	    {"kind", required_argument, NULL, OPT_KIND},
	    {"scene", required_argument, NULL, OPT_SCENE},
	    {"at", required_argument, NULL, OPT_AT},
	    {"offset", required_argument, NULL, OPT_OFFSET},
	    {"snr", required_argument, NULL, OPT_SNR},
	    {"power", required_argument, NULL, OPT_POWER},
	    {"rate-bursts", required_argument, NULL, OPT_RATE_BURSTS},
	    {"nprach-format", required_argument, NULL, OPT_NPRACH_FORMAT},
	    {"reps", required_argument, NULL, OPT_REPS},
	    {"n-init", required_argument, NULL, OPT_N_INIT},
	    {"sc-offset", required_argument, NULL, OPT_SC_OFFSET},
	    {"npusch-format", required_argument, NULL, OPT_NPUSCH_FORMAT},
	    {"spacing", required_argument, NULL, OPT_SPACING},
	    {"tones", required_argument, NULL, OPT_TONES},
	    {"first-tone", required_argument, NULL, OPT_FIRST_TONE},
	    {"ru", required_argument, NULL, OPT_RU},
	    {"qpsk", no_argument, NULL, OPT_QPSK},
	    {"cell-id", required_argument, NULL, OPT_CELL},
	    {"prach-format", required_argument, NULL, OPT_PRACH_FORMAT},
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"ncs", required_argument, NULL, OPT_NCS},
	    {"shift", required_argument, NULL, OPT_SHIFT},
	    {"carrier-prb", required_argument, NULL, OPT_CARRIER_PRB},
	    {"prb", required_argument, NULL, OPT_PRB},
	    {"first-prb", required_argument, NULL, OPT_FIRST_PRB},
	    {"subframes", required_argument, NULL, OPT_SUBFRAMES},
	    {"lte-m", no_argument, NULL, OPT_LTE_M},
	    {"hop", required_argument, NULL, OPT_HOP},
	    {"hop-interval", required_argument, NULL, OPT_HOP_INTERVAL},
	    {"pucch-format", required_argument, NULL, OPT_PUCCH_FORMAT},
	    {"pucch-m", required_argument, NULL, OPT_PUCCH_M},
	    {"comb", required_argument, NULL, OPT_COMB},
	    {"tsc", required_argument, NULL, OPT_TSC},
	    {"frames", required_argument, NULL, OPT_FRAMES},
	    {"rate", required_argument, NULL, 's'},
	    {"freq", required_argument, NULL, 'f'},
	    {"duration", required_argument, NULL, OPT_DURATION},
	    {"noise", required_argument, NULL, OPT_NOISE},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"start-time", required_argument, NULL, OPT_START},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"cfo", required_argument, NULL, OPT_CFO},
	    {"ppm", required_argument, NULL, OPT_PPM},
	    {"iq-gain", required_argument, NULL, OPT_IQ_GAIN},
	    {"iq-phase", required_argument, NULL, OPT_IQ_PHASE},
	    {"dc", required_argument, NULL, OPT_DC},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	optind = 0;
	opterr = 0;
	int c;
	double d;
	while ((c = getopt_long(argc, argv, ":s:f:o:h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_KIND:
			if (synth_kind_parse(optarg, &o->kind) != 0) {
				fprintf(stderr, "simsweep " CMD ": invalid value for --kind: '%s' (expected "
				                "nprach npusch prach pusch pucch srs normal-burst access-burst)\n",
				        optarg);
				return -1;
			}
			o->have_kind = 1;
			break;
		case OPT_SCENE:
			if (strcmp(optarg, "mixed") != 0) {
				fprintf(stderr, "simsweep " CMD ": invalid value for --scene: '%s' (expected mixed)\n",
				        optarg);
				return -1;
			}
			o->mixed = 1;
			break;
		case OPT_AT:
			if (opt_double(CMD, "--at", optarg, 0, 1e6, &o->at_s))
				return -1;
			break;
		case OPT_OFFSET:
			if (opt_si(CMD, "--offset", optarg, -5e8, 5e8, &o->offset_hz))
				return -1;
			break;
		case OPT_SNR:
			if (opt_double(CMD, "--snr", optarg, -50, 100, &o->snr_db))
				return -1;
			break;
		case OPT_POWER:
			if (opt_double(CMD, "--power", optarg, -200, 10, &o->power_dbfs))
				return -1;
			o->snr_db = NAN;
			break;
		case OPT_RATE_BURSTS:
			if (opt_double(CMD, "--rate-bursts", optarg, 0.01, 50, &o->bursts_per_s))
				return -1;
			break;
		case OPT_QPSK: o->qpsk = 1; break;
		case OPT_LTE_M: o->lte_m = 1; break;
		case OPT_PUCCH_FORMAT:
			if (!strcmp(optarg, "1"))
				o->pucch_format = 1;
			else if (!strcmp(optarg, "1a"))
				o->pucch_format = 0x1a;
			else if (!strcmp(optarg, "2"))
				o->pucch_format = 2;
			else {
				fprintf(stderr, "simsweep " CMD ": invalid value for --pucch-format: '%s' (expected 1, 1a or 2)\n",
				        optarg);
				return -1;
			}
			break;
		case 's':
			if (opt_si(CMD, "--rate", optarg, 1e4, 1e9, &o->sc.rate_hz))
				return -1;
			break;
		case 'f':
			if (opt_si(CMD, "--freq", optarg, 0, 1e12, &o->sc.freq_hz))
				return -1;
			break;
		case OPT_DURATION:
			if (opt_double(CMD, "--duration", optarg, 1e-6, 1e6, &o->sc.duration_s))
				return -1;
			break;
		case OPT_NOISE:
			if (opt_double(CMD, "--noise", optarg, -200, 10, &o->sc.noise_dbfs))
				return -1;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "cu8"))
				o->cf32 = 0;
			else if (!strcmp(optarg, "cf32") || !strcmp(optarg, "cf32_le"))
				o->cf32 = 1;
			else {
				fprintf(stderr, "simsweep " CMD ": invalid value for --format: '%s' (expected cu8 or cf32)\n",
				        optarg);
				return -1;
			}
			break;
		case OPT_START:
			if (opt_utc(CMD, "--start-time", optarg, &o->sc.start_utc_ns))
				return -1;
			break;
		case OPT_SEED: {
			size_t v;
			if (opt_size(CMD, "--seed", optarg, 0, SIZE_MAX, &v))
				return -1;
			o->sc.seed = v;
			break;
		}
		case OPT_CFO:
			if (opt_si(CMD, "--cfo", optarg, -1e7, 1e7, &d))
				return -1;
			o->sc.imp.cfo_hz = d;
			break;
		case OPT_PPM:
			if (opt_double(CMD, "--ppm", optarg, -1000, 1000, &o->sc.imp.ppm))
				return -1;
			break;
		case OPT_IQ_GAIN:
			if (opt_double(CMD, "--iq-gain", optarg, -6, 6, &o->sc.imp.iq_gain_db))
				return -1;
			break;
		case OPT_IQ_PHASE:
			if (opt_double(CMD, "--iq-phase", optarg, -30, 30, &o->sc.imp.iq_phase_deg))
				return -1;
			break;
		case OPT_DC: {
			char *end = NULL;
			double di = strtod(optarg, &end), dq = 0;
			int ok = end != optarg && *end == ',';
			if (ok) {
				char *q = end + 1;
				dq = strtod(q, &end);
				ok = end != q && !*end;
			}
			if (!ok || !(fabs(di) <= 1) || !(fabs(dq) <= 1)) {
				fprintf(stderr, "simsweep " CMD ": invalid value for --dc: '%s' (expected I,Q within -1 .. 1)\n",
				        optarg);
				return -1;
			}
			o->sc.imp.dc_i = di;
			o->sc.imp.dc_q = dq;
			break;
		}
		case 'o': o->output = optarg; break;
		case 'h': usage(stdout); return 1;
		case ':':
			fprintf(stderr, "simsweep " CMD ": option '%s' needs a value\n", argv[optind - 1]);
			return -1;
		case '?':
			fprintf(stderr, "simsweep " CMD ": unknown option '%s'\n", argv[optind - 1]);
			return -1;
		default:
			if (parse_int_opt(c, optarg, o))
				return -1;
			break;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "simsweep " CMD ": unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->output) {
		fprintf(stderr, "simsweep " CMD ": no output name (-o NAME)\n");
		return -1;
	}
	if (o->have_kind == o->mixed) {
		fprintf(stderr, "simsweep " CMD ": give one of --kind or --scene\n");
		return -1;
	}
	return 0;
}

/* ---- Output -------------------------------------------------------------------- */

struct out_files {
	char final[3][PATH_MAX_LEN];
	char tmp[3][PATH_MAX_LEN];
	int created[3];
};

enum { F_META, F_DATA, F_TRUTH };

static int write_meta(FILE *f, const struct synth_opts *o, const struct synth_scene *s,
                      const char *what)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *global = cJSON_AddObjectToObject(root, "global");
	cJSON_AddStringToObject(global, "core:datatype", o->cf32 ? "cf32_le" : "cu8");
	cJSON_AddNumberToObject(global, "core:sample_rate", o->sc.rate_hz);
	cJSON_AddStringToObject(global, "core:version", "1.0.0");
	cJSON_AddStringToObject(global, "core:recorder", "simsweep synth");
	cJSON_AddStringToObject(global, "core:description", what);
	cJSON *caps = cJSON_AddArrayToObject(root, "captures");
	cJSON *cap = cJSON_CreateObject();
	cJSON_AddNumberToObject(cap, "core:sample_start", 0);
	if (isfinite(o->sc.freq_hz))
		cJSON_AddNumberToObject(cap, "core:frequency", o->sc.freq_hz);
	if (o->sc.start_utc_ns != SIMSWEEP_UTC_UNKNOWN) {
		char buf[UNITS_UTC_LEN];
		cJSON_AddStringToObject(cap, "core:datetime", units_format_utc(o->sc.start_utc_ns, buf));
	}
	cJSON_AddItemToArray(caps, cap);
	cJSON *ann = cJSON_AddArrayToObject(root, "annotations");
	const struct burst *t;
	size_t n = synth_scene_truth(s, &t);
	for (size_t i = 0; i < n; i++) {
		cJSON *a = cJSON_CreateObject();
		cJSON_AddNumberToObject(a, "core:sample_start", (double)t[i].sample);
		cJSON_AddNumberToObject(a, "core:sample_count", (double)t[i].n_samples);
		double lo = t[i].freq_offset_hz - t[i].bandwidth_hz / 2;
		double hi = t[i].freq_offset_hz + t[i].bandwidth_hz / 2;
		if (isfinite(o->sc.freq_hz)) {
			cJSON_AddNumberToObject(a, "core:freq_lower_edge", o->sc.freq_hz + lo);
			cJSON_AddNumberToObject(a, "core:freq_upper_edge", o->sc.freq_hz + hi);
		}
		char label[64];
		snprintf(label, sizeof label, "%s %s", t[i].class_id, t[i].kind);
		cJSON_AddStringToObject(a, "core:label", label);
		cJSON_AddItemToArray(ann, a);
	}
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return SIMSWEEP_ENOMEM;
	int rc = fputs(text, f) < 0 || fputc('\n', f) == EOF ? SIMSWEEP_EIO : 0;
	free(text);
	return rc;
}

static int write_data(FILE *f, struct synth_scene *s, int cf32)
{
	float complex *buf = malloc(BLOCK_SAMPLES * sizeof(*buf));
	unsigned char *raw = malloc(BLOCK_SAMPLES * 2 * sizeof(float));
	int rc = 0;
	if (!buf || !raw) {
		rc = SIMSWEEP_ENOMEM;
		goto out;
	}
	size_t n;
	while ((n = synth_scene_render(s, buf, BLOCK_SAMPLES)) > 0) {
		size_t bytes;
		if (cf32) {
			float *fl = (float *)raw;
			for (size_t i = 0; i < n; i++) {
				fl[2 * i] = crealf(buf[i]);
				fl[2 * i + 1] = cimagf(buf[i]);
			}
			bytes = n * 2 * sizeof(float);
		} else {
			/* Already quantised by the scene: exact inverse of (v - 127.5) / 127.5. */
			for (size_t i = 0; i < n; i++) {
				double v[2] = {crealf(buf[i]), cimagf(buf[i])};
				for (int j = 0; j < 2; j++) {
					double q = floor(v[j] * 127.5 + 127.5 + 0.5);
					raw[2 * i + (size_t)j] = (unsigned char)(q < 0 ? 0 : q > 255 ? 255 : q);
				}
			}
			bytes = n * 2;
		}
		if (fwrite(raw, 1, bytes, f) != bytes) {
			rc = SIMSWEEP_EIO;
			break;
		}
	}
out:
	free(buf);
	free(raw);
	return rc;
}

static void remove_tmp(struct out_files *of)
{
	for (int i = 0; i < 3; i++)
		if (of->created[i])
			remove(of->tmp[i]);
}

int cmd_synth(int argc, char **argv)
{
	struct synth_opts o;
	memset(&o, 0, sizeof(o));
	synth_scene_config_default(&o.sc);
	o.at_s = 0.01;
	o.snr_db = 10;
	o.power_dbfs = -30;
	o.bursts_per_s = 4;
	o.sc.duration_s = NAN;
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	o.sc.imp.quantize_cu8 = !o.cf32;

	struct synth_tx one, *tx = NULL;
	size_t n_tx = 0;
	char what[256];
	if (o.mixed) {
		struct synth_mixed_config mc;
		synth_mixed_config_default(&mc);
		mc.rate_hz = o.sc.rate_hz;
		mc.duration_s = isfinite(o.sc.duration_s) ? o.sc.duration_s : 10;
		mc.bursts_per_s = o.bursts_per_s;
		mc.seed = o.sc.seed;
		if (!isfinite(o.sc.duration_s))
			o.sc.duration_s = mc.duration_s;
		if (mc.rate_hz < 1e6) {
			fprintf(stderr, "simsweep " CMD ": --scene mixed needs --rate of at least 1M\n");
			return CLI_EXIT_USAGE;
		}
		if (synth_mixed_generate(&mc, &tx, &n_tx) != 0) {
			fprintf(stderr, "simsweep " CMD ": cannot make the mixed scene\n");
			return CLI_EXIT_ERROR;
		}
		snprintf(what, sizeof what, "simsweep synth mixed scene, seed %llu",
		         (unsigned long long)o.sc.seed);
	} else {
		build_tx(&o, &one);
		if (synth_tx_validate(&one) != 0) {
			fprintf(stderr, "simsweep " CMD ": the --kind %s parameters do not fit together "
			                "(see 'simsweep synth --help' for the ranges)\n",
			        synth_kind_name(o.kind));
			return CLI_EXIT_USAGE;
		}
		tx = &one;
		n_tx = 1;
		if (!isfinite(o.sc.duration_s)) {
			struct synth_signal_config gc;
			synth_signal_config_default(&gc);
			gc.tx = &one;
			gc.rate_hz = o.sc.rate_hz;
			struct synth_signal *g = synth_signal_create(&gc);
			if (!g) {
				fprintf(stderr, "simsweep " CMD ": out of memory\n");
				return CLI_EXIT_ERROR;
			}
			uint64_t a, b;
			synth_signal_span(g, &a, &b);
			synth_signal_destroy(g);
			o.sc.duration_s = (double)b / o.sc.rate_hz + DEFAULT_TAIL_S;
		}
		snprintf(what, sizeof what, "simsweep synth %s", synth_kind_name(o.kind));
	}
	if (isfinite(one.snr_db) && o.sc.noise_dbfs == -INFINITY) {
		fprintf(stderr, "simsweep " CMD ": --snr needs noise (--noise)\n");
		return CLI_EXIT_USAGE;
	}
	o.sc.tx = tx;
	o.sc.n_tx = n_tx;
	struct synth_scene *s = synth_scene_create(&o.sc);
	if (tx != &one)
		free(tx);
	if (!s) {
		fprintf(stderr, "simsweep " CMD ": the recording options do not fit together "
		                "(rate, duration, noise, impairments)\n");
		return CLI_EXIT_USAGE;
	}

	struct out_files of;
	memset(&of, 0, sizeof(of));
	static const char *const ext[3] = {".sigmf-meta", ".sigmf-data", ".truth.jsonl"};
	for (int i = 0; i < 3; i++) {
		int w1 = snprintf(of.final[i], PATH_MAX_LEN, "%s%s", o.output, ext[i]);
		int w2 = snprintf(of.tmp[i], PATH_MAX_LEN, "%s%s.tmp", o.output, ext[i]);
		if (w1 < 0 || w2 < 0 || w1 >= PATH_MAX_LEN || w2 >= PATH_MAX_LEN) {
			fprintf(stderr, "simsweep " CMD ": %s: name too long\n", o.output);
			synth_scene_destroy(s);
			return CLI_EXIT_USAGE;
		}
	}
	int status = CLI_EXIT_OK;
	const char *failed = NULL;
	FILE *f[3] = {NULL, NULL, NULL};
	for (int i = 0; i < 3 && !failed; i++) {
		f[i] = fopen(of.tmp[i], "wb");
		if (!f[i])
			failed = of.final[i];
		else
			of.created[i] = 1;
	}
	if (!failed && write_meta(f[F_META], &o, s, what) != 0)
		failed = of.final[F_META];
	if (!failed && write_data(f[F_DATA], s, o.cf32) != 0)
		failed = of.final[F_DATA];
	if (!failed) {
		const struct burst *t;
		size_t n = synth_scene_truth(s, &t);
		for (size_t i = 0; i < n && !failed; i++)
			if (jsonl_write_burst(f[F_TRUTH], &t[i], NULL) != 0)
				failed = of.final[F_TRUTH];
	}
	for (int i = 0; i < 3; i++)
		if (f[i] && fclose(f[i]) != 0 && !failed)
			failed = of.final[i];
	if (!failed) {
		for (int i = 0; i < 3 && !failed; i++)
			if (rename(of.tmp[i], of.final[i]) != 0)
				failed = of.final[i];
			else
				of.created[i] = 0;
	}
	if (failed) {
		fprintf(stderr, "simsweep " CMD ": %s: cannot write: %s\n", failed, strerror(errno));
		remove_tmp(&of);
		status = CLI_EXIT_ERROR;
	}
	synth_scene_destroy(s);
	return status;
}
