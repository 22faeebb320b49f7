/* scan.h - what to watch when one SDR window is narrower than the bands:
 * a schedule of tuning windows over the uplinks of E-UTRA bands, and the
 * fraction of time each band was actually watched (the probability of
 * intercept a report must state honestly).
 *
 * Windows: a window at centre c sees [c - U/2, c + U/2] with
 * U = usable_fraction * rate (the edges of an SDR's passband roll off). The
 * centre itself holds the DC spike, so windows overlap: neighbours are at
 * most 0.45 U apart and every window's centre lies well inside its
 * neighbours. A band narrower than 0.45 U gets one window whose centre sits
 * just below the band.
 *
 *   band  |<-------------------------- W -------------------------->|
 *   win 0 [-----U-----x-----U-----]
 *   win 1        [-----------x-----------]
 *   win 2                [-----------x-----------]     x = DC, step <= 0.45 U
 *
 * Bands (or parts of them) outside [tuner_min_hz, tuner_max_hz] are left
 * out, with a message saying so (scan_skipped()).
 *
 * Windows are visited in order, band after band, each for dwell_s; the
 * caller bumps the capture segment at every retune, and segment k is
 * window k mod scan_window_count().
 */
#ifndef SIMSWEEP_SCAN_H
#define SIMSWEEP_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_MAX_BANDS 16

struct scan;

struct scan_config {
	int bands[SCAN_MAX_BANDS]; /* E-UTRA band numbers, watched in this order */
	size_t n_bands;            /* 1 .. SCAN_MAX_BANDS */
	double rate_hz;            /* SDR sample rate, > 0 */
	double usable_fraction;    /* usable part of the band the SDR samples,
	                              0.1 .. 1 (default 0.8) */
	double dwell_s;            /* time per window, > 0 (default 2) */
	double tuner_min_hz;       /* tuning range of the device (default 0 .. 1e11) */
	double tuner_max_hz;
};

struct scan_band_stats {
	const char *name;        /* "B20" */
	double low_hz, high_hz;  /* watched part of the uplink */
	size_t windows;          /* windows over it */
	double watched_fraction; /* time-average of the fraction of the band
	                            under a window, 0 .. 1 */
};

void scan_config_default(struct scan_config *cfg);

/* The bands of a named plan: "uk", "eu", "us" (case-insensitive). Writes up
 * to max band numbers to bands (may be NULL) and returns how many the plan
 * has; 0 for an unknown plan. */
size_t scan_plan_bands(const char *plan, int *bands, size_t max);

/* NULL on a bad configuration, an unknown band or when no band is within
 * reach, with the reason in err. */
struct scan *scan_create(const struct scan_config *cfg, char *err, size_t err_len);

size_t scan_window_count(const struct scan *s);
/* Centre frequency of window i (i < scan_window_count()). */
double scan_window_freq(const struct scan *s, size_t i);
/* Samples per dwell. */
uint64_t scan_dwell_samples(const struct scan *s);

/* Messages about bands (or parts) out of the device's reach. */
size_t scan_skipped_count(const struct scan *s);
const char *scan_skipped(const struct scan *s, size_t i);

/* Count `samples` analysed in capture segment `segment`. */
void scan_account(struct scan *s, uint32_t segment, uint64_t samples);

size_t scan_band_count(const struct scan *s);
/* Stats of band i. The watched fraction is over total_samples, the length
 * of the stream so far (settling and lost samples included: that time was
 * not watched); 0 when total_samples is 0. */
void scan_band_stats(const struct scan *s, size_t i, uint64_t total_samples,
                     struct scan_band_stats *st);

/* NULL is a no-op. */
void scan_destroy(struct scan *s);

#endif
