/* test_units.c - SI numbers and UTC timestamps as users type them and as
 * recordings carry them. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "simsweep/error.h"
#include "simsweep/units.h"

#define NS_PER_S 1000000000LL

static void si_ok(const char *s, double want)
{
	double v = -12345.0;
	int rc = units_parse_si(s, &v);
	CHECK_EQ_INT(rc, 0);
	CHECK_NEAR(v, want, fabs(want) * 1e-12);
	if (rc != 0 || fabs(v - want) > fabs(want) * 1e-12)
		fprintf(stderr, "  ... for \"%s\"\n", s);
}

static void si_bad(const char *s)
{
	double v = -12345.0;
	int rc = units_parse_si(s, &v);
	CHECK_EQ_INT(rc, SIMSWEEP_EFORMAT);
	CHECK(v == -12345.0); /* untouched on error */
	if (rc != SIMSWEEP_EFORMAT)
		fprintf(stderr, "  ... for \"%s\"\n", s);
}

static void test_si(void)
{
	si_ok("2.4M", 2.4e6);
	si_ok("868.3M", 868.3e6);
	si_ok("1000k", 1e6);
	si_ok("1000K", 1e6);
	si_ok("1.2G", 1.2e9);
	si_ok("1.2g", 1.2e9);
	si_ok("250000", 250000.0);
	si_ok("2.4e6", 2.4e6);
	si_ok("847MHz", 847e6);
	si_ok("847mhz", 847e6);
	si_ok("2.4Msps", 2.4e6);
	si_ok("2.4m", 2.4e6); /* rtl_433: m is mega, not milli */
	si_ok("1090000kHz", 1.09e9);
	si_ok("847000000Hz", 847e6);
	si_ok("0", 0.0);
	si_ok(".5k", 500.0);
	si_ok("1e-3", 1e-3);

	si_bad("");
	si_bad(" 2.4M");
	si_bad("2.4M ");
	si_bad("M");
	si_bad("k2");
	si_bad("2.4T");
	si_bad("2.4MM");
	si_bad("2.4kM");
	si_bad("2.4MHzz");
	si_bad("2.4 MHz");
	si_bad("abc");
	si_bad("inf");
	si_bad("nan");
	si_bad("1e400");
	si_bad("2,4M");
	si_bad("2.4Mx");
	CHECK_EQ_INT(units_parse_si(NULL, NULL), SIMSWEEP_EFORMAT);
	double v;
	CHECK_EQ_INT(units_parse_si(NULL, &v), SIMSWEEP_EFORMAT);
	CHECK_EQ_INT(units_parse_si("1", NULL), SIMSWEEP_EFORMAT);
}

static void utc_ok(const char *s, int64_t want_ns)
{
	int64_t t = 0;
	int rc = units_parse_utc(s, &t);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(t, want_ns);
	if (rc != 0 || t != want_ns)
		fprintf(stderr, "  ... for \"%s\"\n", s);
}

static void utc_bad(const char *s)
{
	int64_t t = 42;
	int rc = units_parse_utc(s, &t);
	CHECK_EQ_INT(rc, SIMSWEEP_EFORMAT);
	if (rc != SIMSWEEP_EFORMAT)
		fprintf(stderr, "  ... for \"%s\"\n", s);
}

static void fmt_is(int64_t ns, const char *want)
{
	char buf[UNITS_UTC_LEN];
	const char *got = units_format_utc(ns, buf);
	CHECK(got == buf);
	CHECK(strcmp(buf, want) == 0);
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "  ... %lld formats as %s, want %s\n", (long long)ns, buf, want);
}

static void test_utc(void)
{
	/* 2023-11-10T10:11:12Z = 1699611072 s. */
	const int64_t t0 = 1699611072LL * NS_PER_S;
	utc_ok("1970-01-01T00:00:00Z", 0);
	utc_ok("2023-11-10T10:11:12Z", t0);
	utc_ok("2023-11-10T10:11:12.123456Z", t0 + 123456000);
	utc_ok("2023-11-10T10:11:12.5+00:00", t0 + 500000000);
	utc_ok("2023-11-10T10:11:12", t0);  /* no zone: UTC */
	utc_ok("2023-11-10 10:11:12Z", t0); /* space for T */
	utc_ok("2023-11-10t10:11:12z", t0);
	utc_ok("2023-11-10T10:11:12.000000001Z", t0 + 1);
	utc_ok("2023-11-10T10:11:12.1234567891Z", t0 + 123456789); /* beyond ns: cut */
	utc_ok("2023-11-10T11:11:12+01:00", t0);
	utc_ok("2023-11-10T09:41:12-00:30", t0);
	utc_ok("2023-11-10T15:41:12+0530", t0);
	utc_ok("2024-02-29T00:00:00Z", 1709164800LL * NS_PER_S); /* leap day */
	utc_ok("2000-03-01T00:00:00Z", 951868800LL * NS_PER_S);
	utc_ok("1969-12-31T23:59:59Z", -NS_PER_S); /* before the epoch */
	utc_ok("1969-12-31T23:59:59.5Z", -NS_PER_S / 2);
	utc_ok("1900-01-01T00:00:00Z", -2208988800LL * NS_PER_S);

	utc_bad("");
	utc_bad("2023-11-10");
	utc_bad("2023-11-10T10:11");
	utc_bad("2023-13-10T10:11:12Z");
	utc_bad("2023-00-10T10:11:12Z");
	utc_bad("2023-11-00T10:11:12Z");
	utc_bad("2023-11-32T10:11:12Z");
	utc_bad("2023-11-10T24:11:12Z");
	utc_bad("2023-11-10T10:60:12Z");
	utc_bad("2023-11-10T10:11:61Z");
	utc_bad("2023-11-10T10:11:12.Z");
	utc_bad("2023-11-10T10:11:12ZZ");
	utc_bad("2023-11-10T10:11:12+25:00");
	utc_bad("2023-11-10X10:11:12Z");
	utc_bad("23-11-10T10:11:12Z");
	utc_bad("2023/11/10T10:11:12Z");
	utc_bad("2023-11-10T10:11:12 Z");
	utc_bad("yesterday");
	CHECK_EQ_INT(units_parse_utc(NULL, NULL), SIMSWEEP_EFORMAT);

	fmt_is(0, "1970-01-01T00:00:00.000000Z");
	fmt_is(t0, "2023-11-10T10:11:12.000000Z");
	fmt_is(t0 + 123456000, "2023-11-10T10:11:12.123456Z");
	/* Rounded to the microsecond, half away from zero, carrying into
	 * the second, the day and the year. */
	fmt_is(t0 + 123456499, "2023-11-10T10:11:12.123456Z");
	fmt_is(t0 + 123456500, "2023-11-10T10:11:12.123457Z");
	fmt_is(t0 + 999999500, "2023-11-10T10:11:13.000000Z");
	fmt_is(1704067199LL * NS_PER_S + 999999600, "2024-01-01T00:00:00.000000Z");
	fmt_is(1709164800LL * NS_PER_S, "2024-02-29T00:00:00.000000Z");
	/* Before the epoch. */
	fmt_is(-1, "1970-01-01T00:00:00.000000Z");
	fmt_is(-1000, "1969-12-31T23:59:59.999999Z");
	fmt_is(-NS_PER_S / 2, "1969-12-31T23:59:59.500000Z");
	fmt_is(-2208988800LL * NS_PER_S, "1900-01-01T00:00:00.000000Z");

	/* Round trip, over many times at microsecond resolution. */
	int64_t t = -3000000000LL * NS_PER_S / 1000;
	int bad = 0;
	for (int i = 0; i < 20000; i++) {
		char buf[UNITS_UTC_LEN];
		int64_t back = 0;
		units_format_utc(t, buf);
		if (units_parse_utc(buf, &back) != 0 || back != t)
			bad++;
		t += 98765432112000LL; /* ~1.1 days + odd microseconds */
	}
	CHECK_EQ_INT(bad, 0);
}

/* Dates that do not exist, and times an int64 of ns cannot hold (about
 * 1677-09-21 .. 2262-04-11): both come from files (SigMF core:datetime), so
 * they must be refused, not wrapped around. */
static void test_utc_range(void)
{
	utc_bad("2023-02-29T00:00:00Z");
	utc_bad("2023-02-30T00:00:00Z");
	utc_bad("2023-04-31T00:00:00Z");
	utc_bad("1900-02-29T00:00:00Z");
	utc_ok("2262-01-01T00:00:00Z", 9214646400LL * NS_PER_S);
	utc_ok("1678-01-01T00:00:00Z", -9214560000LL * NS_PER_S);
	utc_bad("2263-01-01T00:00:00Z");
	utc_bad("9999-12-31T23:59:59Z");
	utc_bad("1677-01-01T00:00:00Z");
	utc_bad("0000-01-01T00:00:00Z");
}

int main(void)
{
	test_si();
	test_utc();
	test_utc_range();
	return check_done("units");
}
