/* test_nametags.c - metadata from file names: rtl_433 tags, SDR#/SDRuno/HDSDR
 * names, and names that carry nothing (which must leave the outputs alone). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "simsweep/source.h"
#include "simsweep/units.h"

/* Parse name; expected NAN / 0 / UNKNOWN mean "left untouched". */
static void expect(const char *name, double freq_hz, double rate_hz, const char *start_iso)
{
	double f = NAN, r = 0.0;
	int64_t t = SIMSWEEP_UTC_UNKNOWN;
	source_parse_name(name, &f, &r, &t);
	if (isnan(freq_hz))
		CHECK(isnan(f));
	else
		CHECK_NEAR(f, freq_hz, 1e-3);
	CHECK_NEAR(r, rate_hz, 1e-6);
	int64_t want = SIMSWEEP_UTC_UNKNOWN;
	if (start_iso)
		CHECK_EQ_INT(units_parse_utc(start_iso, &want), 0);
	CHECK_EQ_INT(t, want);
	if ((isnan(freq_hz) != isnan(f)) || fabs(r - rate_hz) > 1e-6 || t != want)
		fprintf(stderr, "  ... for name '%s'\n", name);
}

int main(void)
{
	/* The examples of source.h. */
	expect("g001_868.3M_1000k.cs16", 868.3e6, 1e6, NULL);
	expect("gsm-uplink_1.0833M.cf32", NAN, 1.0833e6, NULL);
	expect("car_847M.cu8", 847e6, 0.0, NULL);
	expect("car_847M_2.4M.cu8", 847e6, 2.4e6, NULL);
	expect("SDRSharp_20231110_101112Z_847000000Hz_IQ.wav", 847e6, 0.0, "2023-11-10T10:11:12Z");

	/* The corpus names. */
	expect("gsm-downlink-bcch_937M_4M.cf32", 937e6, 4e6, NULL);
	expect("lte-downlink-6prb-amarisoft_1.92M.cf32", NAN, 1.92e6, NULL);
	expect("tdlte-b41-rtlsdr-clipped-ppm26.2_2645M_1.92M.cu8", 2645e6, 1.92e6, NULL);

	/* Directories and extensions are ignored; a dot inside a number is
	 * not an extension. */
	expect("/data/rec.v2/g001_433.92M_250k.cu8", 433.92e6, 250e3, NULL);
	expect("dir_900M_9M/plain.cu8", NAN, 0.0, NULL);
	expect("gsm-uplink_1.0833M", NAN, 1.0833e6, NULL);
	expect("x_2.4M.sigmf-data", NAN, 2.4e6, NULL);

	/* SDRuno / HDSDR: kHz and MHz, with and without the _IQ/_RF tail. */
	expect("SDRuno_20200904_204456Z_1090000kHz.wav", 1090e6, 0.0, "2020-09-04T20:44:56Z");
	expect("HDSDR_20201231_235959Z_7100kHz_RF.wav", 7.1e6, 0.0, "2020-12-31T23:59:59Z");
	expect("SDRSharp_20160101_000000Z_1.5GHz_IQ.wav", 1.5e9, 0.0, "2016-01-01T00:00:00Z");
	expect("/home/u/SDRSharp_20231110_101112Z_847000000Hz_IQ.WAV", 847e6, 0.0,
	       "2023-11-10T10:11:12Z");
	/* Without the Z the time is local: not used. */
	expect("HDSDR_20201231_235959_7100kHz_RF.wav", 7.1e6, 0.0, NULL);
	/* An impossible time is not a time. */
	expect("SDRSharp_20231310_101112Z_847000000Hz_IQ.wav", 847e6, 0.0, NULL);
	expect("SDRSharp_20231110_256112Z_847000000Hz_IQ.wav", 847e6, 0.0, NULL);
	/* A timestamp next to rtl_433 tags. */
	expect("car_20231110_101112Z_847M_2.4M.cu8", 847e6, 2.4e6, "2023-11-10T10:11:12Z");

	/* Units settle what a field is, whatever the order. */
	expect("x_2.4Msps_847M.cu8", 847e6, 2.4e6, NULL);
	expect("x_847MHz_2.4M.cu8", 847e6, 2.4e6, NULL);
	expect("x_1000k_868.3MHz.cu8", 868.3e6, 1e6, NULL);
	expect("x_250ksps.cu8", NAN, 250e3, NULL);
	expect("x_250kHz.cu8", 250e3, 0.0, NULL);
	/* rtl_433 reads a lower-case m as mega. */
	expect("x_868.3m_2.4m.cu8", 868.3e6, 2.4e6, NULL);
	/* Three tags: the first two count. */
	expect("x_868M_1M_5k.cu8", 868e6, 1e6, NULL);
	/* The single-tag threshold: 100e6 is a rate, above it a frequency. */
	expect("x_100M.cu8", NAN, 100e6, NULL);
	expect("x_100.1M.cu8", 100.1e6, 0.0, NULL);

	/* Junk: nothing is touched. */
	expect("recording.cu8", NAN, 0.0, NULL);
	expect("", NAN, 0.0, NULL);
	expect("_", NAN, 0.0, NULL);
	expect("___.cu8", NAN, 0.0, NULL);
	expect("g001.cu8", NAN, 0.0, NULL);
	expect("x_2023_12.cu8", NAN, 0.0, NULL); /* bare numbers are not tags */
	expect("x_M_k.cu8", NAN, 0.0, NULL);     /* suffix without a number */
	expect("x_-5M.cu8", NAN, 0.0, NULL);     /* no sign */
	expect("x_0M.cu8", NAN, 0.0, NULL);      /* must be > 0 */
	expect("x_1e6.cu8", NAN, 0.0, NULL);     /* no exponents */
	expect("x_0x10M.cu8", NAN, 0.0, NULL);   /* no hex */
	expect("x_infM_nanM.cu8", NAN, 0.0, NULL);
	expect("x_2.4.cu8", NAN, 0.0, NULL);
	expect("x_.5M.cu8", NAN, 0.0, NULL);
	expect("x_5.M.cu8", NAN, 0.0, NULL);
	expect("x_2.4MHzz.cu8", NAN, 0.0, NULL);
	expect("x_2.4Mx.cu8", NAN, 0.0, NULL);
	expect("x_1e999M.cu8", NAN, 0.0, NULL);
	expect("x_1234567890123456789012345678901234567890123456789012345M.cu8", NAN, 0.0, NULL);
	expect("SDRSharp_IQ.wav", NAN, 0.0, NULL);
	expect("SDRSharp_20231110_IQ.wav", NAN, 0.0, NULL);

	/* NULL outputs and a NULL path are fine. */
	source_parse_name("g001_868.3M_1000k.cs16", NULL, NULL, NULL);
	source_parse_name(NULL, NULL, NULL, NULL);
	double f = 1.0, r = 2.0;
	int64_t t = 3;
	source_parse_name(NULL, &f, &r, &t);
	CHECK(f == 1.0 && r == 2.0 && t == 3);
	/* Only the outputs the name gives are written. */
	f = 123.0;
	r = 456.0;
	t = 789;
	source_parse_name("x_2.4M.cu8", &f, &r, &t);
	CHECK(f == 123.0 && r == 2.4e6 && t == 789);
	source_parse_name("SDRSharp_20231110_101112Z_847000000Hz_IQ.wav", NULL, &r, &t);
	CHECK(r == 2.4e6);
	CHECK(t != 789);

	return check_done("nametags");
}
