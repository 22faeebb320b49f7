/* test_scan.c - the scan schedule: every part of a band is under a window,
 * every window's DC spike lies inside a neighbour, bands out of reach are
 * named, the watched fraction adds up, bad configurations are rejected. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "simsweep/bands.h"
#include "simsweep/scan.h"

/* Is f inside some window other than `except` (edges included), at least
 * margin from its centre? */
static int covered(const struct scan *s, double f, double half, double margin, size_t except)
{
	for (size_t w = 0; w < scan_window_count(s); w++) {
		double c = scan_window_freq(s, w);
		if (w != except && fabs(f - c) <= half + 1e-3 && fabs(f - c) >= margin)
			return 1;
	}
	return 0;
}

static void test_band20(void)
{
	struct scan_config c;
	scan_config_default(&c);
	c.bands[0] = 20;
	c.n_bands = 1;
	c.rate_hz = 2.4e6;
	c.tuner_min_hz = BANDS_RTLSDR_MIN_FREQ_HZ;
	c.tuner_max_hz = BANDS_RTLSDR_MAX_FREQ_HZ;
	char err[160];
	struct scan *s = scan_create(&c, err, sizeof err);
	CHECK(s != NULL);
	if (!s)
		return;
	double half = 0.8 * 2.4e6 / 2;
	size_t n = scan_window_count(s);
	/* 30 MHz at <= 0.45 * 1.92 MHz steps. */
	CHECK(n >= 33 && n <= 36);
	CHECK_EQ_INT(scan_skipped_count(s), 0);
	/* Every 10 kHz of the uplink 832..862 MHz is seen away from a DC. */
	int holes = 0;
	for (double f = 832e6; f <= 862e6; f += 10e3)
		holes += !covered(s, f, half, 1e3, (size_t)-1);
	CHECK_EQ_INT(holes, 0);
	/* Each window's centre is seen by another window. */
	int dc_holes = 0;
	for (size_t w = 0; w < n; w++)
		dc_holes += !covered(s, scan_window_freq(s, w), half, 50e3, w);
	CHECK_EQ_INT(dc_holes, 0);
	CHECK_EQ_INT(scan_dwell_samples(s), 4800000);

	/* Watched fraction: one full cycle of dwells, nothing lost. */
	uint64_t dwell = scan_dwell_samples(s);
	for (uint32_t seg = 0; seg < n; seg++)
		scan_account(s, seg, dwell);
	struct scan_band_stats st;
	scan_band_stats(s, 0, dwell * n, &st);
	CHECK(strcmp(st.name, "B20") == 0);
	CHECK_EQ_INT(st.windows, n);
	/* Sum of window widths over the band / (n * band width). */
	CHECK(st.watched_fraction > 1.0 / n && st.watched_fraction < 3.0 / n);
	/* Half the stream lost: half the time watched. */
	struct scan_band_stats st2;
	scan_band_stats(s, 0, 2 * dwell * n, &st2);
	CHECK_NEAR(st2.watched_fraction, st.watched_fraction / 2, 1e-12);
	scan_band_stats(s, 0, 0, &st2);
	CHECK_EQ_INT(st2.watched_fraction, 0);
	scan_destroy(s);
}

static void test_reach_and_plans(void)
{
	int bands[SCAN_MAX_BANDS];
	size_t n = scan_plan_bands("UK", bands, SCAN_MAX_BANDS);
	CHECK(n >= 3);
	CHECK_EQ_INT(bands[0], 20);
	CHECK_EQ_INT(scan_plan_bands("mars", NULL, 0), 0);
	CHECK(scan_plan_bands("us", NULL, 0) > 0);
	CHECK(scan_plan_bands("eu", NULL, 0) > 0);

	struct scan_config c;
	scan_config_default(&c);
	c.n_bands = scan_plan_bands("uk", c.bands, SCAN_MAX_BANDS);
	c.tuner_min_hz = BANDS_RTLSDR_MIN_FREQ_HZ;
	c.tuner_max_hz = BANDS_RTLSDR_MAX_FREQ_HZ;
	char err[160];
	struct scan *s = scan_create(&c, err, sizeof err);
	CHECK(s != NULL);
	if (s) {
		/* Band 1 (1920 MHz) out of reach, band 3 (1710-1785) in part. */
		CHECK_EQ_INT(scan_skipped_count(s), 2);
		int saw1 = 0, saw3 = 0;
		for (size_t i = 0; i < scan_skipped_count(s); i++) {
			saw1 |= strstr(scan_skipped(s, i), "band 1 ") != NULL;
			saw3 |= strstr(scan_skipped(s, i), "band 3 ") != NULL;
		}
		CHECK(saw1 && saw3);
		for (size_t w = 0; w < scan_window_count(s); w++)
			CHECK(scan_window_freq(s, w) <= BANDS_RTLSDR_MAX_FREQ_HZ);
		scan_destroy(s);
	}

	/* A band narrower than a window: one window, DC below the band. */
	scan_config_default(&c);
	c.bands[0] = 13; /* uplink 777-787 MHz */
	c.n_bands = 1;
	c.rate_hz = 30e6;
	s = scan_create(&c, err, sizeof err);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(scan_window_count(s), 1);
		double f = scan_window_freq(s, 0);
		CHECK(f < 777e6 && f + 12e6 >= 787e6);
		scan_destroy(s);
	}

	/* Rejected: no band, unknown band, nothing in reach, bad rate. */
	scan_config_default(&c);
	CHECK(scan_create(&c, err, sizeof err) == NULL);
	c.bands[0] = 99;
	c.n_bands = 1;
	CHECK(scan_create(&c, err, sizeof err) == NULL);
	CHECK(strstr(err, "99") != NULL);
	c.bands[0] = 1;
	c.tuner_max_hz = BANDS_RTLSDR_MAX_FREQ_HZ;
	CHECK(scan_create(&c, err, sizeof err) == NULL);
	c.bands[0] = 20;
	c.rate_hz = 0;
	CHECK(scan_create(&c, err, sizeof err) == NULL);
	CHECK(scan_create(NULL, err, sizeof err) == NULL);
	scan_destroy(NULL);
}

int main(void)
{
	test_band20();
	test_reach_and_plans();
	return check_done("scan");
}
