/* test_bands.c - band plans against values typed in from 3GPP TS 36.101
 * Table 5.7.3-1 and TS 45.005 clause 2, and channel frequencies worked out by
 * hand (the expected numbers below are not produced by the code under test).
 */
#include "simsweep/bands.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "simsweep/error.h"

#define MHZ 1e6
/* Raster points are computed in integer kHz, so they should be exact; allow
 * for the decimal fractions of the expected values written in MHz. */
#define TOL_HZ 1e-3

/* 36.101 Table 5.7.3-1 (and Table 5.5-1 for the edges), typed in again here,
 * with the RTL-SDR column of uplink-physics.md section 6. */
struct band_row {
	int band;
	double ul_low_mhz, ul_high_mhz;
	unsigned n_ul_min, n_ul_max;
	double dl_low_mhz, dl_high_mhz;
	unsigned n_dl_min, n_dl_max;
	enum bands_reach rtlsdr_ul;
};

static const struct band_row rows[] = {
    {1, 1920, 1980, 18000, 18599, 2110, 2170, 0, 599, BANDS_REACH_NO},
    {2, 1850, 1910, 18600, 19199, 1930, 1990, 600, 1199, BANDS_REACH_NO},
    {3, 1710, 1785, 19200, 19949, 1805, 1880, 1200, 1949, BANDS_REACH_PARTLY},
    {4, 1710, 1755, 19950, 20399, 2110, 2155, 1950, 2399, BANDS_REACH_FULLY},
    {5, 824, 849, 20400, 20649, 869, 894, 2400, 2649, BANDS_REACH_FULLY},
    {7, 2500, 2570, 20750, 21449, 2620, 2690, 2750, 3449, BANDS_REACH_NO},
    {8, 880, 915, 21450, 21799, 925, 960, 3450, 3799, BANDS_REACH_FULLY},
    {12, 699, 716, 23010, 23179, 729, 746, 5010, 5179, BANDS_REACH_FULLY},
    {13, 777, 787, 23180, 23279, 746, 756, 5180, 5279, BANDS_REACH_FULLY},
    {14, 788, 798, 23280, 23379, 758, 768, 5280, 5379, BANDS_REACH_FULLY},
    {17, 704, 716, 23730, 23849, 734, 746, 5730, 5849, BANDS_REACH_FULLY},
    {18, 815, 830, 23850, 23999, 860, 875, 5850, 5999, BANDS_REACH_FULLY},
    {19, 830, 845, 24000, 24149, 875, 890, 6000, 6149, BANDS_REACH_FULLY},
    {20, 832, 862, 24150, 24449, 791, 821, 6150, 6449, BANDS_REACH_FULLY},
    {25, 1850, 1915, 26040, 26689, 1930, 1995, 8040, 8689, BANDS_REACH_NO},
    {26, 814, 849, 26690, 27039, 859, 894, 8690, 9039, BANDS_REACH_FULLY},
    {28, 703, 748, 27210, 27659, 758, 803, 9210, 9659, BANDS_REACH_FULLY},
    {66, 1710, 1780, 131972, 132671, 2110, 2200, 66436, 67335, BANDS_REACH_PARTLY},
    {71, 663, 698, 133122, 133471, 617, 652, 68586, 68935, BANDS_REACH_FULLY},
};

#define N_ROWS (sizeof rows / sizeof rows[0])

/* One channel of one link worked out by hand: F = F_low + 0.1 (N - N_Offs). */
struct channel {
	int band;
	int uplink;
	unsigned earfcn;
	double freq_mhz;
};

static const struct channel channels[] = {
    {1, 0, 300, 2140.0},   /* 2110 + 0.1 * 300 */
    {1, 1, 18300, 1950.0}, /* 1920 + 0.1 * 300 */
    {2, 0, 900, 1960.0},   /* 1930 + 0.1 * 300 */
    {3, 0, 1575, 1842.5},  /* 1805 + 0.1 * 375 */
    {3, 1, 19575, 1747.5}, /* 1710 + 0.1 * 375 */
    {4, 0, 2175, 2132.5},  /* 2110 + 0.1 * 225 */
    {4, 1, 20175, 1732.5}, /* 1710 + 0.1 * 225 */
    {5, 0, 2525, 881.5},   /* 869 + 0.1 * 125 */
    {5, 1, 20525, 836.5},  /* 824 + 0.1 * 125 */
    {7, 0, 3100, 2655.0},  /* 2620 + 0.1 * 350 */
    {7, 1, 21100, 2535.0}, /* 2500 + 0.1 * 350 */
    {8, 0, 3625, 942.5},   /* 925 + 0.1 * 175 */
    {8, 1, 21625, 897.5},  /* 880 + 0.1 * 175 */
    {12, 0, 5110, 739.0},  /* 729 + 0.1 * 100 */
    {12, 1, 23110, 709.0}, /* 699 + 0.1 * 100 */
    {13, 0, 5230, 751.0},  /* 746 + 0.1 * 50 */
    {13, 1, 23230, 782.0}, /* 777 + 0.1 * 50 */
    {14, 0, 5330, 763.0},  /* 758 + 0.1 * 50 */
    {14, 1, 23330, 793.0}, /* 788 + 0.1 * 50 */
    {17, 0, 5780, 739.0},  /* 734 + 0.1 * 50 */
    {17, 1, 23780, 709.0}, /* 704 + 0.1 * 50 */
    {18, 0, 5925, 867.5},  /* 860 + 0.1 * 75 */
    {18, 1, 23925, 822.5}, /* 815 + 0.1 * 75 */
    {19, 0, 6075, 882.5},  /* 875 + 0.1 * 75 */
    {19, 1, 24075, 837.5}, /* 830 + 0.1 * 75 */
    /* UK band 20 operators (uplink-physics.md section 6): UL = DL + 41 MHz */
    {20, 0, 6175, 793.5},  /* Three: 791 + 0.1 * 25 */
    {20, 1, 24175, 834.5}, /*        832 + 0.1 * 25 */
    {20, 0, 6225, 798.5},  /* EE */
    {20, 1, 24225, 839.5},
    {20, 0, 6300, 806.0}, /* Vodafone */
    {20, 1, 24300, 847.0},
    {20, 0, 6400, 816.0}, /* O2 */
    {20, 1, 24400, 857.0},
    {25, 0, 8365, 1962.5},   /* 1930 + 0.1 * 325 */
    {25, 1, 26365, 1882.5},  /* 1850 + 0.1 * 325 */
    {26, 0, 8865, 876.5},    /* 859 + 0.1 * 175 */
    {26, 1, 26865, 831.5},   /* 814 + 0.1 * 175 */
    {28, 0, 9460, 783.0},    /* 758 + 0.1 * 250 */
    {28, 1, 27460, 728.0},   /* 703 + 0.1 * 250 */
    {66, 0, 66786, 2145.0},  /* 2110 + 0.1 * 350 */
    {66, 1, 132322, 1745.0}, /* 1710 + 0.1 * 350 */
    {71, 0, 68761, 634.5},   /* 617 + 0.1 * 175 */
    {71, 1, 133297, 680.5},  /* 663 + 0.1 * 175 */
};

static void test_table(void)
{
	CHECK_EQ_INT(bands_eutra_count(), N_ROWS);
	CHECK(bands_eutra_at(bands_eutra_count()) == NULL);
	CHECK(bands_eutra_find(6) == NULL);
	CHECK(bands_eutra_find(0) == NULL);
	for (size_t i = 0; i < N_ROWS; i++) {
		const struct band_row *r = &rows[i];
		const struct bands_eutra *b = bands_eutra_find(r->band);
		CHECK(b != NULL);
		if (!b)
			continue;
		CHECK(bands_eutra_at(i) == b); /* the table is in ascending band order */
		CHECK(b->name != NULL);
		CHECK_EQ_INT(b->ul_low_khz, r->ul_low_mhz * 1000);
		CHECK_EQ_INT(b->ul_high_khz, r->ul_high_mhz * 1000);
		CHECK_EQ_INT(b->n_offs_ul, r->n_ul_min);
		CHECK_EQ_INT(b->n_ul_max, r->n_ul_max);
		CHECK_EQ_INT(b->dl_low_khz, r->dl_low_mhz * 1000);
		CHECK_EQ_INT(b->dl_high_khz, r->dl_high_mhz * 1000);
		CHECK_EQ_INT(b->n_offs_dl, r->n_dl_min);
		CHECK_EQ_INT(b->n_dl_max, r->n_dl_max);
		/* The typed-in ranges agree with 10 channels per MHz. */
		CHECK_EQ_INT(r->n_ul_max - r->n_ul_min + 1,
		             lround((r->ul_high_mhz - r->ul_low_mhz) * 10));
		CHECK_EQ_INT(r->n_dl_max - r->n_dl_min + 1,
		             lround((r->dl_high_mhz - r->dl_low_mhz) * 10));
		CHECK_EQ_INT(bands_reach(r->ul_low_mhz * MHZ, r->ul_high_mhz * MHZ,
		                         BANDS_RTLSDR_MIN_FREQ_HZ, BANDS_RTLSDR_MAX_FREQ_HZ),
		             r->rtlsdr_ul);
	}
}

/* First and last EARFCN of each link sit on the lower edge and 100 kHz below
 * the upper edge; one more on either side is rejected. */
static void test_edges(void)
{
	for (size_t i = 0; i < N_ROWS; i++) {
		const struct band_row *r = &rows[i];
		for (int ul = 0; ul <= 1; ul++) {
			unsigned n_min = ul ? r->n_ul_min : r->n_dl_min;
			unsigned n_max = ul ? r->n_ul_max : r->n_dl_max;
			double low_mhz = ul ? r->ul_low_mhz : r->dl_low_mhz;
			double high_mhz = ul ? r->ul_high_mhz : r->dl_high_mhz;
			double f = 0;
			CHECK_EQ_INT(bands_earfcn_to_freq_hz(r->band, ul, n_min, &f), 0);
			CHECK_NEAR(f, low_mhz * MHZ, TOL_HZ);
			CHECK_EQ_INT(bands_earfcn_to_freq_hz(r->band, ul, n_max, &f), 0);
			CHECK_NEAR(f, (high_mhz - 0.1) * MHZ, TOL_HZ);
			CHECK_EQ_INT(bands_earfcn_to_freq_hz(r->band, ul, n_min - 1, &f),
			             SIMSWEEP_ERANGE); /* n_min = 0 wraps to UINT_MAX */
			CHECK_EQ_INT(bands_earfcn_to_freq_hz(r->band, ul, n_max + 1, &f),
			             SIMSWEEP_ERANGE);
			unsigned n = 0;
			CHECK_EQ_INT(bands_freq_to_earfcn(r->band, ul, low_mhz * MHZ, &n), 0);
			CHECK_EQ_INT(n, n_min);
			CHECK_EQ_INT(bands_freq_to_earfcn(r->band, ul, high_mhz * MHZ, &n), 0);
			CHECK_EQ_INT(n, n_max); /* clamped */
			CHECK_EQ_INT(bands_freq_to_earfcn(r->band, ul, low_mhz * MHZ - 1e3, &n),
			             SIMSWEEP_ERANGE);
			CHECK_EQ_INT(bands_freq_to_earfcn(r->band, ul, high_mhz * MHZ + 1e3, &n),
			             SIMSWEEP_ERANGE);
		}
	}
}

static void test_channels(void)
{
	for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++) {
		const struct channel *c = &channels[i];
		double f = 0;
		unsigned n = 0;
		CHECK_EQ_INT(bands_earfcn_to_freq_hz(c->band, c->uplink, c->earfcn, &f), 0);
		CHECK_NEAR(f, c->freq_mhz * MHZ, TOL_HZ);
		CHECK_EQ_INT(bands_freq_to_earfcn(c->band, c->uplink, c->freq_mhz * MHZ, &n), 0);
		CHECK_EQ_INT(n, c->earfcn);
		int band = 0, uplink = -1;
		CHECK_EQ_INT(bands_earfcn_find(c->earfcn, &band, &uplink), 0);
		CHECK_EQ_INT(band, c->band);
		CHECK_EQ_INT(uplink, c->uplink);
	}

	/* Nearest EARFCN: 847.04 MHz is 40 kHz above 24300, 847.06 is 40 below 24301. */
	unsigned n = 0;
	CHECK_EQ_INT(bands_freq_to_earfcn(20, 1, 847.04 * MHZ, &n), 0);
	CHECK_EQ_INT(n, 24300);
	CHECK_EQ_INT(bands_freq_to_earfcn(20, 1, 847.06 * MHZ, &n), 0);
	CHECK_EQ_INT(n, 24301);

	/* Paired channels: band 20 N_UL = N_DL + 18000. */
	CHECK_EQ_INT(bands_earfcn_pair(20, 0, 6300, &n), 0);
	CHECK_EQ_INT(n, 24300);
	CHECK_EQ_INT(bands_earfcn_pair(20, 1, 24175, &n), 0);
	CHECK_EQ_INT(n, 6175);
	CHECK_EQ_INT(bands_earfcn_pair(1, 0, 0, &n), 0);
	CHECK_EQ_INT(n, 18000);
	/* Band 66: DL 67135 (2179.9 MHz) pairs with the last UL 132671; above
	 * 2180 MHz the downlink has no uplink. */
	CHECK_EQ_INT(bands_earfcn_pair(66, 0, 67135, &n), 0);
	CHECK_EQ_INT(n, 132671);
	CHECK_EQ_INT(bands_earfcn_pair(66, 0, 67136, &n), SIMSWEEP_ERANGE);
	CHECK_EQ_INT(bands_earfcn_pair(66, 1, 132671, &n), 0);
	CHECK_EQ_INT(n, 67135);
	CHECK_EQ_INT(bands_earfcn_pair(20, 0, 6450, &n), SIMSWEEP_ERANGE);

	/* EARFCNs no band of the table holds: between band 8 DL and band 12 DL,
	 * above band 28 UL, beyond band 71 UL. */
	int band, uplink;
	CHECK_EQ_INT(bands_earfcn_find(5000, &band, &uplink), SIMSWEEP_ERANGE);
	CHECK_EQ_INT(bands_earfcn_find(27660, &band, &uplink), SIMSWEEP_ERANGE);
	CHECK_EQ_INT(bands_earfcn_find(133472, &band, &uplink), SIMSWEEP_ERANGE);
	CHECK_EQ_INT(bands_earfcn_find(599, &band, &uplink), 0);
	CHECK_EQ_INT(band, 1);
	CHECK_EQ_INT(bands_earfcn_find(600, &band, &uplink), 0);
	CHECK_EQ_INT(band, 2);

	/* Bad arguments. */
	double f;
	CHECK_EQ_INT(bands_earfcn_to_freq_hz(6, 1, 20000, &f), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(bands_earfcn_to_freq_hz(20, 2, 24300, &f), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(bands_earfcn_to_freq_hz(20, 1, 24300, NULL), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(bands_freq_to_earfcn(20, 1, 847e6, NULL), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(bands_freq_to_earfcn(99, 1, 847e6, &n), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(bands_freq_to_earfcn(20, 1, NAN, &n), SIMSWEEP_ERANGE);
	/* A downlink EARFCN is not an uplink one. */
	CHECK_EQ_INT(bands_earfcn_to_freq_hz(20, 1, 6300, &f), SIMSWEEP_ERANGE);
}

/* Every EARFCN of every band: frequency -> EARFCN gives it back, also 49 kHz
 * off the raster, and bands_lookup() of the frequency lists it. */
static void test_round_trip(void)
{
	for (size_t i = 0; i < N_ROWS; i++) {
		const struct band_row *r = &rows[i];
		long bad = 0;
		for (int ul = 0; ul <= 1; ul++) {
			unsigned n_min = ul ? r->n_ul_min : r->n_dl_min;
			unsigned n_max = ul ? r->n_ul_max : r->n_dl_max;
			for (unsigned n = n_min; n <= n_max; n++) {
				double f = 0;
				unsigned back = 0, below = 0, above = 0;
				int err = bands_earfcn_to_freq_hz(r->band, ul, n, &f);
				err |= bands_freq_to_earfcn(r->band, ul, f, &back);
				err |= bands_freq_to_earfcn(r->band, ul, f + 49e3, &above);
				if (n > n_min)
					err |= bands_freq_to_earfcn(r->band, ul, f - 49e3, &below);
				else
					below = n;
				struct band_match m[8];
				size_t k = bands_lookup(f, m, 8);
				int listed = 0;
				for (size_t j = 0; j < k && j < 8; j++)
					listed |= m[j].band == r->band && m[j].uplink == ul &&
					          m[j].earfcn == n;
				if (err || back != n || below != n || above != n || !listed) {
					if (!bad)
						fprintf(stderr,
						        "round trip: band %d %s EARFCN %u\n",
						        r->band, ul ? "UL" : "DL", n);
					bad++;
				}
			}
		}
		CHECK_EQ_INT(bad, 0);
	}
}

static void test_nbiot(void)
{
	double f = 0;
	/* Uplink: F_UL = F(N_UL) + 0.0025 * 2 * M_UL MHz; band 20 N_UL 24300 is 847.0. */
	CHECK_EQ_INT(bands_nbiot_ul_to_freq_hz(20, 24300, 0, &f), 0);
	CHECK_NEAR(f, 847.0 * MHZ, TOL_HZ);
	CHECK_EQ_INT(bands_nbiot_ul_to_freq_hz(20, 24300, -10, &f), 0);
	CHECK_NEAR(f, 846.95 * MHZ, TOL_HZ);
	CHECK_EQ_INT(bands_nbiot_ul_to_freq_hz(20, 24300, 9, &f), 0);
	CHECK_NEAR(f, 847.045 * MHZ, TOL_HZ);
	CHECK_EQ_INT(bands_nbiot_ul_to_freq_hz(8, 21625, 1, &f), 0);
	CHECK_NEAR(f, 897.505 * MHZ, TOL_HZ);
	CHECK_EQ_INT(bands_nbiot_ul_to_freq_hz(20, 24300, 10, &f), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(bands_nbiot_ul_to_freq_hz(20, 24300, -11, &f), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(bands_nbiot_ul_to_freq_hz(20, 6300, 0, &f), SIMSWEEP_ERANGE);

	/* Downlink: F_DL = F(N_DL) + 0.0025 * (2 * M_DL + 1) MHz; band 20 N_DL 6300
	 * is 806.0. M_DL = -0.5 (passed as -1) sits on the raster. */
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 6300, -1, &f), 0);
	CHECK_NEAR(f, 806.0 * MHZ, TOL_HZ);
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 6300, 0, &f), 0); /* M_DL = 0 */
	CHECK_NEAR(f, 806.0025 * MHZ, TOL_HZ);
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 6300, -2, &f), 0); /* M_DL = -1 */
	CHECK_NEAR(f, 805.9975 * MHZ, TOL_HZ);
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 6300, 18, &f), 0); /* M_DL = 9 */
	CHECK_NEAR(f, 806.0475 * MHZ, TOL_HZ);
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 6300, -20, &f), 0); /* M_DL = -10 */
	CHECK_NEAR(f, 805.9525 * MHZ, TOL_HZ);
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 6300, -3, &f), SIMSWEEP_EINVAL); /* -1.5 */
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 6300, 1, &f), SIMSWEEP_EINVAL);  /* 0.5 */
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 6300, 20, &f), SIMSWEEP_EINVAL); /* 10 */
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 6300, -22, &f), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(bands_nbiot_dl_to_freq_hz(20, 24300, 0, &f), SIMSWEEP_ERANGE);
}

static void test_gsm(void)
{
	/* 45.005 clause 2, by hand. */
	static const struct {
		enum bands_gsm_band gsm_band;
		unsigned arfcn;
		double ul_mhz, dl_mhz;
	} g[] = {
	    {BANDS_EGSM900, 1, 890.2, 935.2},     {BANDS_EGSM900, 124, 914.8, 959.8},
	    {BANDS_EGSM900, 0, 890.0, 935.0},     {BANDS_EGSM900, 975, 880.2, 925.2},
	    {BANDS_EGSM900, 1023, 889.8, 934.8},  {BANDS_GSM850, 128, 824.2, 869.2},
	    {BANDS_GSM850, 251, 848.8, 893.8},    {BANDS_GSM850, 190, 836.6, 881.6},
	    {BANDS_DCS1800, 512, 1710.2, 1805.2}, {BANDS_DCS1800, 885, 1784.8, 1879.8},
	    {BANDS_DCS1800, 700, 1747.8, 1842.8}, {BANDS_PCS1900, 512, 1850.2, 1930.2},
	    {BANDS_PCS1900, 810, 1909.8, 1989.8}, {BANDS_PCS1900, 661, 1880.0, 1960.0},
	};
	for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
		double f = 0;
		unsigned n = 0;
		CHECK_EQ_INT(bands_gsm_arfcn_to_freq_hz(g[i].gsm_band, 1, g[i].arfcn, &f), 0);
		CHECK_NEAR(f, g[i].ul_mhz * MHZ, TOL_HZ);
		CHECK_EQ_INT(bands_gsm_arfcn_to_freq_hz(g[i].gsm_band, 0, g[i].arfcn, &f), 0);
		CHECK_NEAR(f, g[i].dl_mhz * MHZ, TOL_HZ);
		CHECK_EQ_INT(bands_gsm_freq_to_arfcn(g[i].gsm_band, 1, g[i].ul_mhz * MHZ, &n), 0);
		CHECK_EQ_INT(n, g[i].arfcn);
		CHECK_EQ_INT(bands_gsm_freq_to_arfcn(g[i].gsm_band, 0, g[i].dl_mhz * MHZ, &n), 0);
		CHECK_EQ_INT(n, g[i].arfcn);
	}

	/* ARFCNs outside each band. */
	static const struct {
		enum bands_gsm_band gsm_band;
		unsigned arfcn;
	} out[] = {
	    {BANDS_EGSM900, 125}, {BANDS_EGSM900, 974}, {BANDS_EGSM900, 1024},
	    {BANDS_GSM850, 127},  {BANDS_GSM850, 252},  {BANDS_DCS1800, 511},
	    {BANDS_DCS1800, 886}, {BANDS_PCS1900, 811}, {BANDS_PCS1900, 885},
	};
	for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
		double f;
		CHECK_EQ_INT(bands_gsm_arfcn_to_freq_hz(out[i].gsm_band, 1, out[i].arfcn, &f),
		             SIMSWEEP_ERANGE);
	}
	double f;
	unsigned n;
	CHECK_EQ_INT(bands_gsm_arfcn_to_freq_hz(BANDS_GSM_COUNT, 1, 1, &f), SIMSWEEP_EINVAL);
	CHECK(bands_gsm_at(BANDS_GSM_COUNT) == NULL);
	CHECK(bands_gsm_at(BANDS_PCS1900) != NULL);

	/* Nearest channel: 890.05 MHz -> ARFCN 0 (890.0); band edges -> the
	 * outermost carriers; outside the edges -> rejected. */
	CHECK_EQ_INT(bands_gsm_freq_to_arfcn(BANDS_EGSM900, 1, 890.05 * MHZ, &n), 0);
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(bands_gsm_freq_to_arfcn(BANDS_EGSM900, 1, 889.85 * MHZ, &n), 0);
	CHECK_EQ_INT(n, 1023);
	CHECK_EQ_INT(bands_gsm_freq_to_arfcn(BANDS_EGSM900, 1, 880.0 * MHZ, &n), 0);
	CHECK_EQ_INT(n, 975);
	CHECK_EQ_INT(bands_gsm_freq_to_arfcn(BANDS_EGSM900, 0, 960.0 * MHZ, &n), 0);
	CHECK_EQ_INT(n, 124);
	CHECK_EQ_INT(bands_gsm_freq_to_arfcn(BANDS_EGSM900, 1, 879.9 * MHZ, &n), SIMSWEEP_ERANGE);
	CHECK_EQ_INT(bands_gsm_freq_to_arfcn(BANDS_DCS1800, 1, 1800.0 * MHZ, &n), SIMSWEEP_ERANGE);

	/* Lookup: 847 MHz is GSM850 uplink ARFCN 128 + (847 - 824.2) / 0.2 = 242. */
	struct bands_gsm_match m[4];
	CHECK_EQ_INT(bands_gsm_lookup(847e6, m, 4), 1);
	CHECK_EQ_INT(m[0].gsm_band, BANDS_GSM850);
	CHECK_EQ_INT(m[0].uplink, 1);
	CHECK_EQ_INT(m[0].arfcn, 242);
	/* 885 MHz: E-GSM900 uplink ARFCN 1024 + (885 - 890) / 0.2 = 999, then
	 * GSM850 downlink ARFCN 128 + (840 - 824.2) / 0.2 = 207. */
	CHECK_EQ_INT(bands_gsm_lookup(885e6, m, 4), 2);
	CHECK_EQ_INT(m[0].gsm_band, BANDS_EGSM900);
	CHECK_EQ_INT(m[0].uplink, 1);
	CHECK_EQ_INT(m[0].arfcn, 999);
	CHECK_EQ_INT(m[1].gsm_band, BANDS_GSM850);
	CHECK_EQ_INT(m[1].uplink, 0);
	CHECK_EQ_INT(m[1].arfcn, 207);
	/* 1860 MHz: PCS1900 uplink 512 + (1860 - 1850.2) / 0.2 = 561, then DCS1800
	 * downlink 512 + (1765 - 1710.2) / 0.2 = 786. */
	CHECK_EQ_INT(bands_gsm_lookup(1860e6, m, 4), 2);
	CHECK_EQ_INT(m[0].gsm_band, BANDS_PCS1900);
	CHECK_EQ_INT(m[0].arfcn, 561);
	CHECK_EQ_INT(m[1].gsm_band, BANDS_DCS1800);
	CHECK_EQ_INT(m[1].uplink, 0);
	CHECK_EQ_INT(m[1].arfcn, 786);
	CHECK_EQ_INT(bands_gsm_lookup(433.92e6, m, 4), 0);
	CHECK_EQ_INT(bands_gsm_lookup(885e6, NULL, 0), 2);
}

/* Expected lookup: band, link and EARFCN, in the documented order. */
struct expect {
	int band, uplink;
	unsigned earfcn;
};

static void check_lookup(double freq_hz, const struct expect *e, size_t n_expect)
{
	struct band_match m[8];
	size_t n = bands_lookup(freq_hz, m, 8);
	CHECK_EQ_INT(n, n_expect);
	for (size_t i = 0; i < n && i < n_expect; i++) {
		CHECK_EQ_INT(m[i].band, e[i].band);
		CHECK_EQ_INT(m[i].uplink, e[i].uplink);
		CHECK_EQ_INT(m[i].earfcn, e[i].earfcn);
	}
}

static void test_lookup(void)
{
	/* 847 MHz: B20 UL 24150 + 150, B5 UL 20400 + 230, B26 UL 26690 + 330. */
	const struct expect e847[] = {{20, 1, 24300}, {5, 1, 20630}, {26, 1, 27020}};
	check_lookup(847e6, e847, 3);
	/* 1750 MHz: B3, B4, B66 uplinks (40 MHz above 1710 each). */
	const struct expect e1750[] = {{3, 1, 19600}, {4, 1, 20350}, {66, 1, 132372}};
	check_lookup(1750e6, e1750, 3);
	/* 2140 MHz: B1, B4, B66 downlinks. */
	const struct expect e2140[] = {{1, 0, 300}, {4, 0, 2250}, {66, 0, 66736}};
	check_lookup(2140e6, e2140, 3);
	/* 880 MHz: B8 uplink edge first, then downlinks B5, B26, B19. */
	const struct expect e880[] = {{8, 1, 21450}, {5, 0, 2510}, {26, 0, 8900}, {19, 0, 6050}};
	check_lookup(880e6, e880, 4);
	/* 710 MHz: uplinks of B28, B12, B17 in preference order. */
	const struct expect e710[] = {{28, 1, 27280}, {12, 1, 23120}, {17, 1, 23790}};
	check_lookup(710e6, e710, 3);
	/* 820 MHz: B26 before B18 (last in the preference order), then B20 DL. */
	const struct expect e820[] = {{26, 1, 26750}, {18, 1, 23900}, {20, 0, 6440}};
	check_lookup(820e6, e820, 3);
	/* 849 MHz, the upper edge of B5 and B26 uplinks: clamped to their last EARFCN. */
	const struct expect e849[] = {{20, 1, 24320}, {5, 1, 20649}, {26, 1, 27039}};
	check_lookup(849e6, e849, 3);
	/* 1900 MHz: B2 then B25 uplinks. */
	const struct expect e1900[] = {{2, 1, 19100}, {25, 1, 26540}};
	check_lookup(1900e6, e1900, 2);
	/* 2195 MHz: only B66's downlink-only part. */
	const struct expect e2195[] = {{66, 0, 67286}};
	check_lookup(2195e6, e2195, 1);

	/* In no band. */
	CHECK_EQ_INT(bands_lookup(100e6, NULL, 0), 0);
	CHECK_EQ_INT(bands_lookup(2400e6, NULL, 0), 0);
	CHECK_EQ_INT(bands_lookup(3500e6, NULL, 0), 0);
	CHECK_EQ_INT(bands_lookup(1795e6, NULL, 0), 0); /* between B3 UL and DL */
	CHECK_EQ_INT(bands_lookup(-847e6, NULL, 0), 0);
	CHECK_EQ_INT(bands_lookup(NAN, NULL, 0), 0);

	/* max smaller than the count: the count is still returned, nothing past max
	 * is written. */
	struct band_match m[3] = {{-1, -1, 0}, {-1, -1, 0}, {-1, -1, 0}};
	CHECK_EQ_INT(bands_lookup(880e6, m, 2), 4);
	CHECK_EQ_INT(m[0].band, 8);
	CHECK_EQ_INT(m[1].band, 5);
	CHECK_EQ_INT(m[2].band, -1);
	CHECK_EQ_INT(bands_lookup(880e6, NULL, 0), 4);
}

static void test_reach(void)
{
	const double lo = BANDS_RTLSDR_MIN_FREQ_HZ, hi = BANDS_RTLSDR_MAX_FREQ_HZ;
	CHECK(lo > 20e6 && lo < 30e6);
	CHECK(hi > 1700e6 && hi < 1800e6);
	CHECK_EQ_INT(bands_reach(1710e6, 1785e6, lo, hi), BANDS_REACH_PARTLY);
	CHECK_EQ_INT(bands_reach(1850e6, 1910e6, lo, hi), BANDS_REACH_NO);
	CHECK_EQ_INT(bands_reach(880e6, 915e6, lo, hi), BANDS_REACH_FULLY);
	CHECK_EQ_INT(bands_reach(10e6, 30e6, lo, hi), BANDS_REACH_PARTLY);
	CHECK_EQ_INT(bands_reach(1e6, 20e6, lo, hi), BANDS_REACH_NO);
	CHECK_EQ_INT(bands_reach(NAN, 20e6, lo, hi), BANDS_REACH_NO);
}

int main(void)
{
	test_table();
	test_edges();
	test_channels();
	test_round_trip();
	test_nbiot();
	test_gsm();
	test_lookup();
	test_reach();
	return check_done("bands");
}
