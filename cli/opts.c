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

int opt_duration(const char *cmd, const char *opt, const char *s, double min_s, double max_s,
                 double *out_s)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	double unit_s = 1;
	if (end != s && *end && !end[1]) {
		switch (*end) {
		case 's': unit_s = 1; end++; break;
		case 'm': unit_s = 60; end++; break;
		case 'h': unit_s = 3600; end++; break;
		default: break;
		}
	}
	v *= unit_s;
	if (end == s || *end || errno || !(v >= min_s) || !(v <= max_s)) {
		fprintf(stderr,
		        "simsweep %s: invalid value for %s: '%s' (seconds, or with s/m/h: 30s, 10m, 2h; "
		        "%g .. %g s)\n",
		        cmd, opt, s, min_s, max_s);
		return -1;
	}
	*out_s = v;
	return 0;
}
