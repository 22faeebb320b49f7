#include "simsweep/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "simsweep/error.h"

int units_parse_si(const char *s, double *out)
{
	if (!s || !out || !*s || isspace((unsigned char)*s))
		return SIMSWEEP_EFORMAT;
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(v))
		return SIMSWEEP_EFORMAT;
	double mult = 1.0;
	switch (*end) {
	case 'k':
	case 'K': mult = 1e3; end++; break;
	case 'm':
	case 'M': mult = 1e6; end++; break;
	case 'g':
	case 'G': mult = 1e9; end++; break;
	default: break;
	}
	if (*end && strcasecmp(end, "hz") != 0 && strcasecmp(end, "sps") != 0 && strcasecmp(end, "s") != 0)
		return SIMSWEEP_EFORMAT;
	/* "1e308G" is finite before its suffix, infinite after. */
	if (!isfinite(v * mult))
		return SIMSWEEP_EFORMAT;
	*out = v * mult;
	return SIMSWEEP_OK;
}

int64_t units_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* H. Hinnant's days_from_civil. */
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Days from 1970-01-01 to 1678-01-01 and to 2262-04-01: the UTC range that
 * units_parse_utc() accepts. */
#define UTC_MIN_DAYS (-106650LL)
#define UTC_MAX_DAYS 106741LL

static int read_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int units_parse_utc(const char *s, int64_t *utc_ns)
{
	if (!s || !utc_ns)
		return SIMSWEEP_EFORMAT;
	const char *p = s;
	int Y, M, D, h, mi, sec;
	if (read_digits(&p, 4, &Y) || *p++ != '-' || read_digits(&p, 2, &M) || *p++ != '-' ||
	    read_digits(&p, 2, &D))
		return SIMSWEEP_EFORMAT;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return SIMSWEEP_EFORMAT;
	p++;
	if (read_digits(&p, 2, &h) || *p++ != ':' || read_digits(&p, 2, &mi) || *p++ != ':' ||
	    read_digits(&p, 2, &sec))
		return SIMSWEEP_EFORMAT;
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
	if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] + (M == 2 && leap) || h > 23 || mi > 59 ||
	    sec > 60)
		return SIMSWEEP_EFORMAT;
	/* int64 nanoseconds reach from 1677-09-21 to 2262-04-11; the years
	 * are checked here (so that the seconds below cannot overflow), the
	 * exact range once the zone offset is applied. */
	if (Y < 1677 || Y > 2262)
		return SIMSWEEP_EFORMAT;
	int64_t frac_ns = 0;
	if (*p == '.' || *p == ',') {
		p++;
		int digits = 0;
		int64_t scale = 100000000;
		while (isdigit((unsigned char)*p)) {
			if (digits < 9) {
				frac_ns += (*p - '0') * scale;
				scale /= 10;
			}
			digits++;
			p++;
		}
		if (digits == 0)
			return SIMSWEEP_EFORMAT;
	}
	int64_t offset_s = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		int oh, om = 0;
		p++;
		if (read_digits(&p, 2, &oh))
			return SIMSWEEP_EFORMAT;
		if (*p == ':')
			p++;
		if (*p && read_digits(&p, 2, &om))
			return SIMSWEEP_EFORMAT;
		if (oh > 23 || om > 59)
			return SIMSWEEP_EFORMAT;
		offset_s = sign * (oh * 3600 + om * 60);
	}
	if (*p)
		return SIMSWEEP_EFORMAT;
	int64_t days = units_days_from_civil(Y, (unsigned)M, (unsigned)D);
	int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_s;
	/* UTC from 1678-01-01 up to 2262-04-01T00:00:00Z: whole days inside
	 * the int64 range, wide enough that a time rounded to the microsecond
	 * (units_format_utc) still parses. */
	if (secs < UTC_MIN_DAYS * 86400 || secs > UTC_MAX_DAYS * 86400 ||
	    (secs == UTC_MAX_DAYS * 86400 && frac_ns > 0))
		return SIMSWEEP_EFORMAT;
	*utc_ns = secs * 1000000000LL + frac_ns;
	return SIMSWEEP_OK;
}

char *units_format_utc(int64_t utc_ns, char *buf)
{
	/* Round to the microsecond first so that .9999996 carries into the second. */
	/* Floor division first, so that INT64_MIN and INT64_MAX cannot overflow;
	 * then half away from zero. */
	int64_t us = utc_ns / 1000, rem_ns = utc_ns % 1000;
	if (rem_ns < 0) {
		us -= 1;
		rem_ns += 1000;
	}
	if (rem_ns > 500 || (rem_ns == 500 && utc_ns >= 0))
		us += 1;
	int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	int64_t frac_us = us - secs * 1000000;
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t sod = secs - days * 86400;
	/* civil_from_days (H. Hinnant). */
	int64_t z = days + 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned d = doy - (153 * mp + 2) / 5 + 1;
	const unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	/* Through a buffer wide enough for any int64 fields, so that GCC's
	 * -Wformat-truncation (blind to the ranges at -O0/-O1) is quiet; the
	 * result always fits UNITS_UTC_LEN. */
	char tmp[96];
	int len = snprintf(tmp, sizeof tmp, "%04lld-%02u-%02uT%02d:%02d:%02d.%06lldZ", (long long)y,
	                   m, d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
	                   (long long)frac_us);
	size_t n = len < 0 ? 0 : (size_t)len < UNITS_UTC_LEN ? (size_t)len : UNITS_UTC_LEN - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return buf;
}
