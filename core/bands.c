/* bands.c - E-UTRA and GSM band plans: channel numbers <-> frequencies, and
 * which bands hold a frequency. See include/simsweep/bands.h.
 *
 * Arithmetic is done in integer kHz wherever a raster point is computed, so
 * that EARFCN 6300 is exactly 806000 kHz; only the conversion of a caller's
 * frequency to the nearest channel uses floating point.
 */
#include "simsweep/bands.h"

#include <math.h>

#include "simsweep/error.h"

/* NB-IoT channel offset granularity: 2.5 kHz (0.0025 MHz), 36.101 clause 5.7.3. */
#define NBIOT_OFFSET_STEP_HZ 2500.0
/* M_UL range for FDD, 36.101 clause 5.7.3: -10..9. */
#define NBIOT_M_UL_MIN (-10)
#define NBIOT_M_UL_MAX 9

/* 3GPP TS 36.101 Table 5.7.3-1 (E-UTRA channel numbers), with the band edges
 * of Table 5.5-1. Ascending band number. n_*_max = N_Offs + 10 * (F_high -
 * F_low) - 1, as in the table's "Range of N" columns. */
/* clang-format off */
static const struct bands_eutra eutra_table[] = {
	{.band = 1, .name = "2100 IMT",
	 .ul_low_khz = 1920000, .ul_high_khz = 1980000, .n_offs_ul = 18000, .n_ul_max = 18599,
	 .dl_low_khz = 2110000, .dl_high_khz = 2170000, .n_offs_dl = 0, .n_dl_max = 599},
	{.band = 2, .name = "1900 PCS",
	 .ul_low_khz = 1850000, .ul_high_khz = 1910000, .n_offs_ul = 18600, .n_ul_max = 19199,
	 .dl_low_khz = 1930000, .dl_high_khz = 1990000, .n_offs_dl = 600, .n_dl_max = 1199},
	{.band = 3, .name = "1800 DCS",
	 .ul_low_khz = 1710000, .ul_high_khz = 1785000, .n_offs_ul = 19200, .n_ul_max = 19949,
	 .dl_low_khz = 1805000, .dl_high_khz = 1880000, .n_offs_dl = 1200, .n_dl_max = 1949},
	{.band = 4, .name = "1700 AWS-1",
	 .ul_low_khz = 1710000, .ul_high_khz = 1755000, .n_offs_ul = 19950, .n_ul_max = 20399,
	 .dl_low_khz = 2110000, .dl_high_khz = 2155000, .n_offs_dl = 1950, .n_dl_max = 2399},
	{.band = 5, .name = "850 CLR",
	 .ul_low_khz = 824000, .ul_high_khz = 849000, .n_offs_ul = 20400, .n_ul_max = 20649,
	 .dl_low_khz = 869000, .dl_high_khz = 894000, .n_offs_dl = 2400, .n_dl_max = 2649},
	{.band = 7, .name = "2600 IMT-E",
	 .ul_low_khz = 2500000, .ul_high_khz = 2570000, .n_offs_ul = 20750, .n_ul_max = 21449,
	 .dl_low_khz = 2620000, .dl_high_khz = 2690000, .n_offs_dl = 2750, .n_dl_max = 3449},
	{.band = 8, .name = "900 E-GSM",
	 .ul_low_khz = 880000, .ul_high_khz = 915000, .n_offs_ul = 21450, .n_ul_max = 21799,
	 .dl_low_khz = 925000, .dl_high_khz = 960000, .n_offs_dl = 3450, .n_dl_max = 3799},
	{.band = 12, .name = "700 a",
	 .ul_low_khz = 699000, .ul_high_khz = 716000, .n_offs_ul = 23010, .n_ul_max = 23179,
	 .dl_low_khz = 729000, .dl_high_khz = 746000, .n_offs_dl = 5010, .n_dl_max = 5179},
	{.band = 13, .name = "700 c",
	 .ul_low_khz = 777000, .ul_high_khz = 787000, .n_offs_ul = 23180, .n_ul_max = 23279,
	 .dl_low_khz = 746000, .dl_high_khz = 756000, .n_offs_dl = 5180, .n_dl_max = 5279},
	{.band = 14, .name = "700 PS",
	 .ul_low_khz = 788000, .ul_high_khz = 798000, .n_offs_ul = 23280, .n_ul_max = 23379,
	 .dl_low_khz = 758000, .dl_high_khz = 768000, .n_offs_dl = 5280, .n_dl_max = 5379},
	{.band = 17, .name = "700 b",
	 .ul_low_khz = 704000, .ul_high_khz = 716000, .n_offs_ul = 23730, .n_ul_max = 23849,
	 .dl_low_khz = 734000, .dl_high_khz = 746000, .n_offs_dl = 5730, .n_dl_max = 5849},
	{.band = 18, .name = "800 Lower",
	 .ul_low_khz = 815000, .ul_high_khz = 830000, .n_offs_ul = 23850, .n_ul_max = 23999,
	 .dl_low_khz = 860000, .dl_high_khz = 875000, .n_offs_dl = 5850, .n_dl_max = 5999},
	{.band = 19, .name = "800 Upper",
	 .ul_low_khz = 830000, .ul_high_khz = 845000, .n_offs_ul = 24000, .n_ul_max = 24149,
	 .dl_low_khz = 875000, .dl_high_khz = 890000, .n_offs_dl = 6000, .n_dl_max = 6149},
	{.band = 20, .name = "800 DD",
	 .ul_low_khz = 832000, .ul_high_khz = 862000, .n_offs_ul = 24150, .n_ul_max = 24449,
	 .dl_low_khz = 791000, .dl_high_khz = 821000, .n_offs_dl = 6150, .n_dl_max = 6449},
	{.band = 25, .name = "1900+",
	 .ul_low_khz = 1850000, .ul_high_khz = 1915000, .n_offs_ul = 26040, .n_ul_max = 26689,
	 .dl_low_khz = 1930000, .dl_high_khz = 1995000, .n_offs_dl = 8040, .n_dl_max = 8689},
	{.band = 26, .name = "850+",
	 .ul_low_khz = 814000, .ul_high_khz = 849000, .n_offs_ul = 26690, .n_ul_max = 27039,
	 .dl_low_khz = 859000, .dl_high_khz = 894000, .n_offs_dl = 8690, .n_dl_max = 9039},
	{.band = 28, .name = "700 APT",
	 .ul_low_khz = 703000, .ul_high_khz = 748000, .n_offs_ul = 27210, .n_ul_max = 27659,
	 .dl_low_khz = 758000, .dl_high_khz = 803000, .n_offs_dl = 9210, .n_dl_max = 9659},
	/* Band 66: the downlink is 20 MHz wider than the uplink; 2180..2200 MHz
	 * is for downlink-only (carrier aggregation) carriers. */
	{.band = 66, .name = "1700 E-AWS",
	 .ul_low_khz = 1710000, .ul_high_khz = 1780000, .n_offs_ul = 131972, .n_ul_max = 132671,
	 .dl_low_khz = 2110000, .dl_high_khz = 2200000, .n_offs_dl = 66436, .n_dl_max = 67335},
	{.band = 71, .name = "600",
	 .ul_low_khz = 663000, .ul_high_khz = 698000, .n_offs_ul = 133122, .n_ul_max = 133471,
	 .dl_low_khz = 617000, .dl_high_khz = 652000, .n_offs_dl = 68586, .n_dl_max = 68935},
};
/* clang-format on */

#define EUTRA_COUNT (sizeof eutra_table / sizeof eutra_table[0])

/* The order bands_lookup() reports overlapping bands in (documented in
 * bands.h): most widely deployed first. Every band of eutra_table appears
 * exactly once (checked by the unit test through bands_lookup()). */
static const int lookup_preference[] = {
    1, 3, 7, 8, 20, 28, 2, 4, 5, 12, 13, 14, 17, 25, 26, 66, 71, 18, 19,
};

#define PREFERENCE_COUNT (sizeof lookup_preference / sizeof lookup_preference[0])

/* 3GPP TS 45.005 clause 2: carrier frequencies, lower band (uplink) Fl(n),
 * upper band (downlink) Fu(n) = Fl(n) + duplex.
 *   GSM850:   Fl(n) = 824.2 + 0.2 * (n - 128),    128 <= n <= 251
 *   E-GSM900: Fl(n) = 890 + 0.2 * n,              0 <= n <= 124
 *             Fl(n) = 890 + 0.2 * (n - 1024),     975 <= n <= 1023
 *   DCS1800:  Fl(n) = 1710.2 + 0.2 * (n - 512),   512 <= n <= 885
 *   PCS1900:  Fl(n) = 1850.2 + 0.2 * (n - 512),   512 <= n <= 810
 * E-GSM900 spans are listed low frequency first: 975..1023 then 0..124. */
/* clang-format off */
static const struct bands_gsm gsm_table[BANDS_GSM_COUNT] = {
	[BANDS_GSM850] = {.id = BANDS_GSM850, .name = "GSM850",
		.ul_low_khz = 824000, .ul_high_khz = 849000, .duplex_khz = 45000, .n_spans = 1,
		.spans = {{.first = 128, .last = 251, .first_ul_khz = 824200}}},
	[BANDS_EGSM900] = {.id = BANDS_EGSM900, .name = "E-GSM900",
		.ul_low_khz = 880000, .ul_high_khz = 915000, .duplex_khz = 45000, .n_spans = 2,
		.spans = {{.first = 975, .last = 1023, .first_ul_khz = 880200},
		          {.first = 0, .last = 124, .first_ul_khz = 890000}}},
	[BANDS_DCS1800] = {.id = BANDS_DCS1800, .name = "DCS1800",
		.ul_low_khz = 1710000, .ul_high_khz = 1785000, .duplex_khz = 95000, .n_spans = 1,
		.spans = {{.first = 512, .last = 885, .first_ul_khz = 1710200}}},
	[BANDS_PCS1900] = {.id = BANDS_PCS1900, .name = "PCS1900",
		.ul_low_khz = 1850000, .ul_high_khz = 1910000, .duplex_khz = 80000, .n_spans = 1,
		.spans = {{.first = 512, .last = 810, .first_ul_khz = 1850200}}},
};
/* clang-format on */

size_t bands_eutra_count(void)
{
	return EUTRA_COUNT;
}

const struct bands_eutra *bands_eutra_at(size_t i)
{
	return i < EUTRA_COUNT ? &eutra_table[i] : NULL;
}

const struct bands_eutra *bands_eutra_find(int band)
{
	for (size_t i = 0; i < EUTRA_COUNT; i++)
		if (eutra_table[i].band == band)
			return &eutra_table[i];
	return NULL;
}

/* The columns of one link of a band. */
struct link_plan {
	uint32_t low_khz;
	uint32_t high_khz;
	unsigned n_offs;
	unsigned n_max;
};

static struct link_plan link_plan(const struct bands_eutra *b, int uplink)
{
	if (uplink)
		return (struct link_plan){b->ul_low_khz, b->ul_high_khz, b->n_offs_ul, b->n_ul_max};
	return (struct link_plan){b->dl_low_khz, b->dl_high_khz, b->n_offs_dl, b->n_dl_max};
}

/* Finds the band and checks the link argument. */
static int get_plan(int band, int uplink, struct link_plan *plan)
{
	const struct bands_eutra *b = bands_eutra_find(band);
	if (!b || (uplink != 0 && uplink != 1))
		return SIMSWEEP_EINVAL;
	*plan = link_plan(b, uplink);
	return SIMSWEEP_OK;
}

/* F = F_low + 0.1 * (N - N_Offs) MHz, in kHz; N must be in range. */
static uint32_t earfcn_khz(const struct link_plan *p, unsigned earfcn)
{
	return p->low_khz + BANDS_EARFCN_RASTER_KHZ * (earfcn - p->n_offs);
}

static int freq_in(double freq_hz, uint32_t low_khz, uint32_t high_khz)
{
	return freq_hz >= low_khz * 1e3 && freq_hz <= high_khz * 1e3;
}

/* Nearest channel index 0..count-1 of a raster starting at first_khz. */
static unsigned nearest_step(double freq_hz, uint32_t first_khz, uint32_t step_khz, unsigned count)
{
	double k = floor((freq_hz - first_khz * 1e3) / (step_khz * 1e3) + 0.5);
	if (k < 0)
		return 0;
	if (k > count - 1)
		return count - 1;
	return (unsigned)k;
}

static unsigned nearest_earfcn(const struct link_plan *p, double freq_hz)
{
	return p->n_offs +
	       nearest_step(freq_hz, p->low_khz, BANDS_EARFCN_RASTER_KHZ, p->n_max - p->n_offs + 1);
}

int bands_earfcn_to_freq_hz(int band, int uplink, unsigned earfcn, double *freq_hz)
{
	struct link_plan p;
	int err = get_plan(band, uplink, &p);
	if (err)
		return err;
	if (!freq_hz)
		return SIMSWEEP_EINVAL;
	if (earfcn < p.n_offs || earfcn > p.n_max)
		return SIMSWEEP_ERANGE;
	*freq_hz = earfcn_khz(&p, earfcn) * 1e3;
	return SIMSWEEP_OK;
}

int bands_freq_to_earfcn(int band, int uplink, double freq_hz, unsigned *earfcn)
{
	struct link_plan p;
	int err = get_plan(band, uplink, &p);
	if (err)
		return err;
	if (!earfcn)
		return SIMSWEEP_EINVAL;
	if (!freq_in(freq_hz, p.low_khz, p.high_khz))
		return SIMSWEEP_ERANGE;
	*earfcn = nearest_earfcn(&p, freq_hz);
	return SIMSWEEP_OK;
}

int bands_earfcn_find(unsigned earfcn, int *band, int *uplink)
{
	if (!band || !uplink)
		return SIMSWEEP_EINVAL;
	for (size_t i = 0; i < EUTRA_COUNT; i++) {
		for (int ul = 1; ul >= 0; ul--) {
			struct link_plan p = link_plan(&eutra_table[i], ul);
			if (earfcn >= p.n_offs && earfcn <= p.n_max) {
				*band = eutra_table[i].band;
				*uplink = ul;
				return SIMSWEEP_OK;
			}
		}
	}
	return SIMSWEEP_ERANGE;
}

int bands_earfcn_pair(int band, int uplink, unsigned earfcn, unsigned *paired)
{
	const struct bands_eutra *b = bands_eutra_find(band);
	if (!b || (uplink != 0 && uplink != 1) || !paired)
		return SIMSWEEP_EINVAL;
	struct link_plan p = link_plan(b, uplink), other = link_plan(b, !uplink);
	if (earfcn < p.n_offs || earfcn > p.n_max)
		return SIMSWEEP_ERANGE;
	/* Same distance from the band's lower edge on both links. */
	unsigned n = other.n_offs + (earfcn - p.n_offs);
	if (n > other.n_max)
		return SIMSWEEP_ERANGE;
	*paired = n;
	return SIMSWEEP_OK;
}

int bands_nbiot_ul_to_freq_hz(int band, unsigned n_ul, int m_ul, double *freq_hz)
{
	if (m_ul < NBIOT_M_UL_MIN || m_ul > NBIOT_M_UL_MAX)
		return SIMSWEEP_EINVAL;
	double f_hz;
	int err = bands_earfcn_to_freq_hz(band, 1, n_ul, &f_hz);
	if (err)
		return err;
	if (!freq_hz)
		return SIMSWEEP_EINVAL;
	/* + 0.0025 * (2 * M_UL) MHz */
	*freq_hz = f_hz + NBIOT_OFFSET_STEP_HZ * (2 * m_ul);
	return SIMSWEEP_OK;
}

/* M_DL in {-10, .., -1, -0.5, 0, .., 9} (36.101 clause 5.7.3), as 2 * M_DL. */
static int nbiot_m_dl_x2_valid(int m_dl_x2)
{
	if (m_dl_x2 == -1)
		return 1;
	return m_dl_x2 >= -20 && m_dl_x2 <= 18 && m_dl_x2 % 2 == 0;
}

int bands_nbiot_dl_to_freq_hz(int band, unsigned n_dl, int m_dl_x2, double *freq_hz)
{
	if (!nbiot_m_dl_x2_valid(m_dl_x2))
		return SIMSWEEP_EINVAL;
	double f_hz;
	int err = bands_earfcn_to_freq_hz(band, 0, n_dl, &f_hz);
	if (err)
		return err;
	if (!freq_hz)
		return SIMSWEEP_EINVAL;
	/* + 0.0025 * (2 * M_DL + 1) MHz */
	*freq_hz = f_hz + NBIOT_OFFSET_STEP_HZ * (m_dl_x2 + 1);
	return SIMSWEEP_OK;
}

size_t bands_lookup(double freq_hz, struct band_match *out, size_t max)
{
	size_t found = 0;
	if (!(freq_hz >= 0)) /* also NaN */
		return 0;
	for (int ul = 1; ul >= 0; ul--) {
		for (size_t i = 0; i < PREFERENCE_COUNT; i++) {
			const struct bands_eutra *b = bands_eutra_find(lookup_preference[i]);
			if (!b)
				continue;
			struct link_plan p = link_plan(b, ul);
			if (!freq_in(freq_hz, p.low_khz, p.high_khz))
				continue;
			if (out && found < max)
				out[found] = (struct band_match){
				    .band = b->band,
				    .uplink = ul,
				    .earfcn = nearest_earfcn(&p, freq_hz),
				};
			found++;
		}
	}
	return found;
}

const struct bands_gsm *bands_gsm_at(enum bands_gsm_band id)
{
	if ((int)id < 0 || id >= BANDS_GSM_COUNT)
		return NULL;
	return &gsm_table[id];
}

int bands_gsm_arfcn_to_freq_hz(enum bands_gsm_band gsm_band, int uplink, unsigned arfcn,
                               double *freq_hz)
{
	const struct bands_gsm *g = bands_gsm_at(gsm_band);
	if (!g || !freq_hz || (uplink != 0 && uplink != 1))
		return SIMSWEEP_EINVAL;
	for (size_t i = 0; i < g->n_spans; i++) {
		const struct bands_arfcn_span *s = &g->spans[i];
		if (arfcn < s->first || arfcn > s->last)
			continue;
		uint32_t khz = s->first_ul_khz + BANDS_ARFCN_SPACING_KHZ * (arfcn - s->first);
		if (!uplink)
			khz += g->duplex_khz;
		*freq_hz = khz * 1e3;
		return SIMSWEEP_OK;
	}
	return SIMSWEEP_ERANGE;
}

/* Nearest ARFCN to an uplink frequency within the band's uplink edges. */
static unsigned gsm_nearest_arfcn(const struct bands_gsm *g, double ul_hz)
{
	unsigned best = g->spans[0].first;
	double best_dist_hz = INFINITY;
	for (size_t i = 0; i < g->n_spans; i++) {
		const struct bands_arfcn_span *s = &g->spans[i];
		unsigned k = nearest_step(ul_hz, s->first_ul_khz, BANDS_ARFCN_SPACING_KHZ,
		                          s->last - s->first + 1);
		double centre_hz = (s->first_ul_khz + BANDS_ARFCN_SPACING_KHZ * k) * 1e3;
		if (fabs(ul_hz - centre_hz) < best_dist_hz) {
			best_dist_hz = fabs(ul_hz - centre_hz);
			best = s->first + k;
		}
	}
	return best;
}

int bands_gsm_freq_to_arfcn(enum bands_gsm_band gsm_band, int uplink, double freq_hz,
                            unsigned *arfcn)
{
	const struct bands_gsm *g = bands_gsm_at(gsm_band);
	if (!g || !arfcn || (uplink != 0 && uplink != 1))
		return SIMSWEEP_EINVAL;
	/* Work on the uplink frequency: a downlink carrier is its uplink + duplex. */
	double ul_hz = uplink ? freq_hz : freq_hz - g->duplex_khz * 1e3;
	if (!freq_in(ul_hz, g->ul_low_khz, g->ul_high_khz))
		return SIMSWEEP_ERANGE;
	*arfcn = gsm_nearest_arfcn(g, ul_hz);
	return SIMSWEEP_OK;
}

size_t bands_gsm_lookup(double freq_hz, struct bands_gsm_match *out, size_t max)
{
	size_t found = 0;
	if (!(freq_hz >= 0))
		return 0;
	for (int ul = 1; ul >= 0; ul--) {
		for (int id = 0; id < BANDS_GSM_COUNT; id++) {
			unsigned arfcn;
			if (bands_gsm_freq_to_arfcn((enum bands_gsm_band)id, ul, freq_hz, &arfcn))
				continue;
			if (out && found < max)
				out[found] = (struct bands_gsm_match){
				    .gsm_band = (enum bands_gsm_band)id,
				    .uplink = ul,
				    .arfcn = arfcn,
				};
			found++;
		}
	}
	return found;
}

enum bands_reach bands_reach(double low_hz, double high_hz, double tuner_min_hz,
                             double tuner_max_hz)
{
	if (!(low_hz <= high_hz) || !(tuner_min_hz <= tuner_max_hz))
		return BANDS_REACH_NO;
	if (high_hz <= tuner_min_hz || low_hz >= tuner_max_hz)
		return BANDS_REACH_NO;
	if (low_hz >= tuner_min_hz && high_hz <= tuner_max_hz)
		return BANDS_REACH_FULLY;
	return BANDS_REACH_PARTLY;
}
