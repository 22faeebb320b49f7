/* cmd_db.c - `simsweep db FILE alerts|emitters|bursts|clusters|sessions|coverage`:
 * the common questions to an event store, answered as JSON Lines. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "simsweep/error.h"
#include "simsweep/store.h"
#include "simsweep/units.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: simsweep db FILE QUESTION [options]\n"
	        "\n"
	        "Answer from an event store (--db FILE of analyze, monitor or collect),\n"
	        "one JSON object per row:\n"
	        "  alerts      the alerts, with their reasons and severity\n"
	        "  emitters    the emitters, with their periods and jitter\n"
	        "  bursts      the bursts (use --from/--to for a time range)\n"
	        "  clusters    transmitter sessions\n"
	        "  sessions    who, where, with what\n"
	        "  coverage    what was listened to, for how long\n"
	        "options:\n"
	        "      --session N|last    only this session (default: all)\n"
	        "      --from T, --to T    time range: UTC (2024-05-01T12:00:00Z) or seconds from\n"
	        "                          the input's first sample (12.5)\n"
	        "  -h, --help\n");
}

/* A time: UTC text (range 1, ns) or seconds (range 2). */
static int parse_time(const char *opt, const char *s, int *range, double *v)
{
	int64_t ns;
	char *end = NULL;
	double sec = strtod(s, &end);
	if (end != s && *end == '\0' && isfinite(sec)) {
		*range = 2;
		*v = sec;
		return 0;
	}
	if (units_parse_utc(s, &ns) == 0) {
		*range = 1;
		*v = (double)ns;
		return 0;
	}
	fprintf(stderr, "simsweep db: invalid value for %s: '%s' (UTC or seconds)\n", opt, s);
	return -1;
}

int cmd_db(int argc, char **argv)
{
	enum { OPT_SESSION = 256, OPT_FROM, OPT_TO };
	static const struct option lo[] = {
	    {"session", required_argument, NULL, OPT_SESSION},
	    {"from", required_argument, NULL, OPT_FROM},
	    {"to", required_argument, NULL, OPT_TO},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct store_query q = {.session = 0, .range = 0, .from = -INFINITY, .to = INFINITY};
	int range_from = 0, range_to = 0;
	double from = 0, to = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case OPT_SESSION:
			if (!strcmp(optarg, "last")) {
				q.session = -1;
			} else {
				char *end = NULL;
				long long v = strtoll(optarg, &end, 10);
				if (end == optarg || *end || v < 1) {
					fprintf(stderr,
					        "simsweep db: invalid value for --session: '%s' (a "
					        "number or last)\n",
					        optarg);
					return CLI_EXIT_USAGE;
				}
				q.session = v;
			}
			break;
		case OPT_FROM:
			if (parse_time("--from", optarg, &range_from, &from))
				return CLI_EXIT_USAGE;
			break;
		case OPT_TO:
			if (parse_time("--to", optarg, &range_to, &to))
				return CLI_EXIT_USAGE;
			break;
		default:
			fprintf(stderr, "simsweep db: try 'simsweep db --help'\n");
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr,
		        "simsweep db: give a store and a question (try 'simsweep db --help')\n");
		return CLI_EXIT_USAGE;
	}
	if (range_from && range_to && range_from != range_to) {
		fprintf(stderr,
		        "simsweep db: --from and --to must both be UTC or both be seconds\n");
		return CLI_EXIT_USAGE;
	}
	q.range = range_from ? range_from : range_to;
	if (range_from)
		q.from = from;
	else if (q.range == 1)
		q.from = (double)INT64_MIN;
	if (range_to)
		q.to = to;
	else if (q.range == 1)
		q.to = (double)INT64_MAX;
	const char *path = argv[optind];
	q.what = argv[optind + 1];
	static const char *const known[] = {"alerts",   "emitters", "bursts",
	                                    "clusters", "sessions", "coverage"};
	int ok = 0;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		ok |= !strcmp(q.what, known[i]);
	if (!ok) {
		fprintf(stderr,
		        "simsweep db: unknown question '%s' (alerts, emitters, bursts, clusters, "
		        "sessions, "
		        "coverage)\n",
		        q.what);
		return CLI_EXIT_USAGE;
	}
	FILE *probe = fopen(path, "rb");
	if (!probe) {
		fprintf(stderr, "simsweep: %s: no such store\n", path);
		return CLI_EXIT_ERROR;
	}
	fclose(probe);
	char err[512];
	struct store *st;
	int rv = store_open(path, &st, err, sizeof(err));
	if (rv) {
		fprintf(stderr, "simsweep: %s\n", err);
		return CLI_EXIT_ERROR;
	}
	long rows = store_query(st, &q, stdout);
	int status = CLI_EXIT_OK;
	if (rows < 0) {
		fprintf(stderr, "simsweep: %s\n", store_errmsg(st));
		status = CLI_EXIT_ERROR;
	}
	store_close(st);
	if (fflush(stdout) != 0)
		status = CLI_EXIT_ERROR;
	return status;
}
