/* opts.c - option parsing helpers shared by the subcommands. */
#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "simsweep/units.h"

int opt_si(const char *cmd, const char *opt, const char *s, double min, double max, double *out)
{
	double v;
	if (units_parse_si(s, &v) != 0 || !(v >= min) || !(v <= max)) {
		fprintf(stderr, "simsweep %s: invalid value for %s: '%s' (expected %g .. %g, k/M/G suffixes allowed)\n",
		        cmd, opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int opt_double(const char *cmd, const char *opt, const char *s, double min, double max, double *out)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !(v >= min) || !(v <= max)) {
		fprintf(stderr, "simsweep %s: invalid value for %s: '%s' (expected %g .. %g)\n", cmd, opt, s,
		        min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int opt_size(const char *cmd, const char *opt, const char *s, size_t min, size_t max, size_t *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *end || errno || *s == '-' || v < min || v > max) {
		fprintf(stderr, "simsweep %s: invalid value for %s: '%s' (expected %zu .. %zu)\n", cmd, opt, s,
		        min, max);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int opt_utc(const char *cmd, const char *opt, const char *s, int64_t *out)
{
	if (units_parse_utc(s, out) != 0) {
		fprintf(stderr, "simsweep %s: invalid time for %s: '%s' (expected ISO-8601 UTC, e.g. 2024-05-01T12:00:00.5Z)\n",
		        cmd, opt, s);
		return -1;
	}
	return 0;
}
