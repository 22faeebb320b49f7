/* scan.c - the window schedule over uplink bands (scan.h). Pure: no I/O. */
#include "simsweep/scan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "simsweep/bands.h"

#define MAX_STEP_FRACTION 0.45 /* of U: each window's DC inside its neighbours */
#define MIN_STEP_FRACTION 0.30
#define MAX_WINDOWS       4096
#define MSG_LEN           160

struct scan_band {
	int band;
	char name[8];
	double low_hz, high_hz;
	size_t first, count; /* its windows */
};

struct scan {
	struct scan_config cfg;
	double usable_hz;
	struct scan_band bands[SCAN_MAX_BANDS];
	size_t n_bands;
	double freq[MAX_WINDOWS];
	uint64_t samples[MAX_WINDOWS]; /* analysed per window */
	size_t n_windows;
	char skipped[SCAN_MAX_BANDS][MSG_LEN];
	size_t n_skipped;
};

/* Plans: the uplinks that carry LTE-M, NB-IoT and GSM in each region
 * (GSM900 lies in band 8's uplink, DCS1800 in band 3's, GSM850 in band 5's,
 * PCS1900 in band 25's). */
static const struct {
	const char *name;
	int bands[8];
	size_t n;
} plans[] = {
    {"uk", {20, 8, 3, 1}, 4},
    {"eu", {20, 8, 3, 1, 28, 7}, 6},
    {"us", {12, 13, 5, 71, 66, 25}, 6},
};

void scan_config_default(struct scan_config *cfg)
{
	if (!cfg)
		return;
	*cfg = (struct scan_config){
	    .n_bands = 0,
	    .rate_hz = 2.4e6,
	    .usable_fraction = 0.8,
	    .dwell_s = 2.0,
	    .tuner_min_hz = 0,
	    .tuner_max_hz = 1e11,
	};
}

size_t scan_plan_bands(const char *plan, int *bands, size_t max)
{
	if (!plan)
		return 0;
	for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
		if (strcasecmp(plan, plans[i].name) != 0)
			continue;
		for (size_t k = 0; bands && k < plans[i].n && k < max; k++)
			bands[k] = plans[i].bands[k];
		return plans[i].n;
	}
	return 0;
}

static void set_err(char *err, size_t len, const char *msg)
{
	if (err && len)
		snprintf(err, len, "%s", msg);
}

/* Lay windows over [lo, hi]; returns how many, or 0 when too many. */
static size_t lay_windows(struct scan *s, double lo, double hi)
{
	double u = s->usable_hz;
	double w = hi - lo;
	size_t at = s->n_windows;
	if (w <= MAX_STEP_FRACTION * u) {
		/* One window, its DC spike just below the band. */
		if (at + 1 > MAX_WINDOWS)
			return 0;
		s->freq[at] = lo - (0.5 - MAX_STEP_FRACTION) * u;
		s->n_windows++;
		return 1;
	}
	size_t n = 2;
	if (w > u)
		n = (size_t)ceil((w - u) / (MAX_STEP_FRACTION * u)) + 1;
	if (n < 2)
		n = 2;
	double d = (w - u) / (double)(n - 1);
	if (d < MIN_STEP_FRACTION * u)
		d = MIN_STEP_FRACTION * u;
	if (at + n > MAX_WINDOWS)
		return 0;
	double mid = lo + w / 2;
	for (size_t k = 0; k < n; k++)
		s->freq[at + k] = mid + ((double)k - (double)(n - 1) / 2) * d;
	s->n_windows += n;
	return n;
}

struct scan *scan_create(const struct scan_config *cfg, char *err, size_t err_len)
{
	set_err(err, err_len, "");
	if (!cfg || cfg->n_bands < 1 || cfg->n_bands > SCAN_MAX_BANDS || !(cfg->rate_hz > 0) ||
	    !isfinite(cfg->rate_hz) || !(cfg->usable_fraction >= 0.1 && cfg->usable_fraction <= 1) ||
	    !(cfg->dwell_s > 0) || !(cfg->tuner_max_hz > cfg->tuner_min_hz)) {
		set_err(err, err_len, "invalid scan configuration");
		return NULL;
	}
	struct scan *s = calloc(1, sizeof *s);
	if (!s) {
		set_err(err, err_len, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	s->usable_hz = cfg->usable_fraction * cfg->rate_hz;
	for (size_t i = 0; i < cfg->n_bands; i++) {
		const struct bands_eutra *e = bands_eutra_find(cfg->bands[i]);
		char msg[MSG_LEN];
		if (!e) {
			snprintf(msg, sizeof msg, "unknown E-UTRA band %d", cfg->bands[i]);
			set_err(err, err_len, msg);
			free(s);
			return NULL;
		}
		double lo = e->ul_low_khz * 1e3, hi = e->ul_high_khz * 1e3;
		double clo = fmax(lo, cfg->tuner_min_hz), chi = fmin(hi, cfg->tuner_max_hz);
		if (chi <= clo) {
			snprintf(s->skipped[s->n_skipped++], MSG_LEN,
			         "band %d uplink (%.1f-%.1f MHz) is beyond this device's range: not watched",
			         e->band, lo / 1e6, hi / 1e6);
			continue;
		}
		if (clo > lo || chi < hi)
			snprintf(s->skipped[s->n_skipped++], MSG_LEN,
			         "band %d uplink (%.1f-%.1f MHz): only %.1f-%.1f MHz within this device's "
			         "range",
			         e->band, lo / 1e6, hi / 1e6, clo / 1e6, chi / 1e6);
		struct scan_band *b = &s->bands[s->n_bands];
		b->band = e->band;
		snprintf(b->name, sizeof b->name, "B%d", e->band);
		b->low_hz = clo;
		b->high_hz = chi;
		b->first = s->n_windows;
		b->count = lay_windows(s, clo, chi);
		if (!b->count) {
			set_err(err, err_len, "too many scan windows: use a higher sample rate");
			free(s);
			return NULL;
		}
		s->n_bands++;
	}
	if (s->n_bands == 0) {
		set_err(err, err_len, "no band of the scan is within this device's range");
		free(s);
		return NULL;
	}
	return s;
}

size_t scan_window_count(const struct scan *s)
{
	return s ? s->n_windows : 0;
}

double scan_window_freq(const struct scan *s, size_t i)
{
	return s && i < s->n_windows ? s->freq[i] : NAN;
}

uint64_t scan_dwell_samples(const struct scan *s)
{
	return s ? (uint64_t)llround(s->cfg.dwell_s * s->cfg.rate_hz) : 0;
}

size_t scan_skipped_count(const struct scan *s)
{
	return s ? s->n_skipped : 0;
}

const char *scan_skipped(const struct scan *s, size_t i)
{
	return s && i < s->n_skipped ? s->skipped[i] : "";
}

void scan_account(struct scan *s, uint32_t segment, uint64_t samples)
{
	if (!s || !s->n_windows)
		return;
	s->samples[segment % s->n_windows] += samples;
}

size_t scan_band_count(const struct scan *s)
{
	return s ? s->n_bands : 0;
}

void scan_band_stats(const struct scan *s, size_t i, uint64_t total_samples,
                     struct scan_band_stats *st)
{
	if (!s || !st || i >= s->n_bands)
		return;
	const struct scan_band *b = &s->bands[i];
	*st = (struct scan_band_stats){
	    .name = b->name, .low_hz = b->low_hz, .high_hz = b->high_hz, .windows = b->count};
	if (total_samples == 0)
		return;
	/* Every window counts, whichever band it was laid for: overlapping
	 * bands (4 and 66) share what one window sees. */
	double width = b->high_hz - b->low_hz, acc = 0;
	for (size_t w = 0; w < s->n_windows; w++) {
		double lo = fmax(b->low_hz, s->freq[w] - s->usable_hz / 2);
		double hi = fmin(b->high_hz, s->freq[w] + s->usable_hz / 2);
		if (hi > lo)
			acc += (double)s->samples[w] * (hi - lo) / width;
	}
	double f = acc / (double)total_samples;
	st->watched_fraction = f > 1 ? 1 : f;
}

void scan_destroy(struct scan *s)
{
	free(s);
}
