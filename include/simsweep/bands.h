/* bands.h - cellular band plans: which band, link and channel a frequency is.
 *
 * - E-UTRA operating bands and their EARFCN rasters: 3GPP TS 36.101
 *   clause 5.7.3, Table 5.7.3-1 (operating bands: Table 5.5-1). All are FDD.
 *     F_DL = F_DL_low + 0.1 * (N_DL - N_Offs-DL)  MHz
 *     F_UL = F_UL_low + 0.1 * (N_UL - N_Offs-UL)  MHz
 *   The EARFCN range of a link is N_Offs .. N_Offs + 10 * (F_high - F_low) - 1:
 *   the last channel is 100 kHz below the band's upper edge.
 * - NB-IoT carriers: the same EARFCN plus an offset M (36.101 clause 5.7.3).
 * - GSM ARFCNs of GSM850, E-GSM900, DCS1800 and PCS1900: 3GPP TS 45.005
 *   clause 2.
 *
 * Units: frequencies are Hz (double) at the API and kHz (integers) in the
 * tables, so that every raster point is exact. EARFCNs and ARFCNs are
 * unsigned. An "uplink" argument is 1 for the uplink (the UE transmits, what
 * simsweep hunts), 0 for the downlink (the base station transmits).
 *
 * Functions that can fail return 0 or a negative SIMSWEEP_E* code:
 * SIMSWEEP_EINVAL for an unknown band, a bad link or offset, or a NULL
 * pointer; SIMSWEEP_ERANGE for a channel number or frequency outside the band.
 * Nothing here allocates or prints; the tables are const.
 */
#ifndef SIMSWEEP_BANDS_H
#define SIMSWEEP_BANDS_H

#include <stddef.h>
#include <stdint.h>

/* Tuning range of an RTL-SDR with the R820T/R820T2 tuner (the common
 * dongle): about 24 MHz to 1766 MHz. Bands 1, 2, 7 and 25 and PCS1900 lie
 * above it; a HackRF, Airspy or LimeSDR (SoapySDR) reaches them. */
#define BANDS_RTLSDR_MIN_FREQ_HZ 24e6
#define BANDS_RTLSDR_MAX_FREQ_HZ 1766e6

/* EARFCN raster: 100 kHz (36.101 clause 5.7.2). */
#define BANDS_EARFCN_RASTER_KHZ 100u
/* GSM carrier spacing: 200 kHz (45.005 clause 2). */
#define BANDS_ARFCN_SPACING_KHZ 200u

/* One E-UTRA operating band (36.101 Table 5.7.3-1). Frequencies are the
 * band edges: the link occupies [low, high]. EARFCN ranges are inclusive. */
struct bands_eutra {
	int band;             /* E-UTRA band number, 1..88 */
	const char *name;     /* common name, e.g. "800 DD", "1800 DCS" */
	uint32_t ul_low_khz;  /* F_UL_low, kHz */
	uint32_t ul_high_khz; /* F_UL_high, kHz */
	unsigned n_offs_ul;   /* N_Offs-UL */
	unsigned n_ul_max;    /* last uplink EARFCN; the first is n_offs_ul */
	uint32_t dl_low_khz;  /* F_DL_low, kHz */
	uint32_t dl_high_khz; /* F_DL_high, kHz */
	unsigned n_offs_dl;   /* N_Offs-DL */
	unsigned n_dl_max;    /* last downlink EARFCN; the first is n_offs_dl */
};

/* Number of E-UTRA bands in the table (ascending band number), and entry i
 * (NULL when i >= bands_eutra_count()). */
size_t bands_eutra_count(void);
const struct bands_eutra *bands_eutra_at(size_t i);

/* The entry of E-UTRA band `band`, or NULL when the table has no such band. */
const struct bands_eutra *bands_eutra_find(int band);

/* EARFCN -> carrier frequency in Hz. SIMSWEEP_ERANGE when earfcn is outside
 * the band's range for that link. */
int bands_earfcn_to_freq_hz(int band, int uplink, unsigned earfcn, double *freq_hz);

/* Frequency -> the nearest EARFCN of that band and link. freq_hz must lie
 * within the link's edges [low, high] (SIMSWEEP_ERANGE otherwise); near the
 * upper edge the answer is clamped to the last EARFCN. */
int bands_freq_to_earfcn(int band, int uplink, double freq_hz, unsigned *earfcn);

/* The band and link an EARFCN belongs to (EARFCN ranges of different bands
 * and links do not overlap in Table 5.7.3-1). SIMSWEEP_ERANGE when no band
 * of the table holds it. */
int bands_earfcn_find(unsigned earfcn, int *band, int *uplink);

/* The EARFCN of the other link at the same duplex distance: the uplink
 * channel paired with a downlink one, or the reverse (band 20:
 * N_UL = N_DL + 18000). SIMSWEEP_ERANGE when earfcn is outside the band, or
 * when the other link has no such channel (band 66 downlink above 2180 MHz
 * is downlink only). */
int bands_earfcn_pair(int band, int uplink, unsigned earfcn, unsigned *paired);

/* NB-IoT carrier frequencies (36.101 clause 5.7.3, FDD):
 *   F_UL = F_UL_low + 0.1 * (N_UL - N_Offs-UL) + 0.0025 * (2 * M_UL)      MHz
 *   F_DL = F_DL_low + 0.1 * (N_DL - N_Offs-DL) + 0.0025 * (2 * M_DL + 1)  MHz
 * M_UL is one of -10..9. M_DL is one of -10..-1, -0.5, 0..9, so it is passed
 * doubled: m_dl_x2 = 2 * M_DL, one of -20, -18, .., -2, -1, 0, 2, .., 18
 * (m_dl_x2 = -1, i.e. M_DL = -0.5, puts a stand-alone carrier on the raster).
 * SIMSWEEP_ERANGE for an EARFCN outside the band, SIMSWEEP_EINVAL for an
 * offset outside its set. */
int bands_nbiot_ul_to_freq_hz(int band, unsigned n_ul, int m_ul, double *freq_hz);
int bands_nbiot_dl_to_freq_hz(int band, unsigned n_dl, int m_dl_x2, double *freq_hz);

/* What bands_lookup() finds: one band and link holding a frequency. */
struct band_match {
	int band;        /* E-UTRA band number */
	int uplink;      /* 1 uplink, 0 downlink */
	unsigned earfcn; /* nearest EARFCN on the 100 kHz raster */
};

/* All E-UTRA bands whose uplink or downlink holds freq_hz (edges included).
 * Uplinks come first, then downlinks; within a link, bands follow this
 * preference order, most widely deployed first:
 *   1, 3, 7, 8, 20, 28, 2, 4, 5, 12, 13, 14, 17, 25, 26, 66, 71, 18, 19
 * so 847 MHz gives band 20 uplink, then band 5 and band 26 uplinks.
 * Returns how many were found; only the first max are written to out (out
 * may be NULL when max is 0). A frequency in no band, NaN or negative gives 0. */
size_t bands_lookup(double freq_hz, struct band_match *out, size_t max);

/* GSM bands (45.005 clause 2). E-GSM900 includes P-GSM900 (ARFCN 1..124);
 * R-GSM (railway) and the 450/480/750 bands are not included. */
enum bands_gsm_band {
	BANDS_GSM850 = 0, /* ARFCN 128..251 */
	BANDS_EGSM900,    /* ARFCN 975..1023, 0..124 */
	BANDS_DCS1800,    /* ARFCN 512..885 */
	BANDS_PCS1900,    /* ARFCN 512..810: the same numbers as DCS1800 */
	BANDS_GSM_COUNT
};

/* A run of ARFCNs with evenly spaced carriers: ARFCN n (first <= n <= last)
 * has its uplink at first_ul_khz + 200 * (n - first) kHz. */
struct bands_arfcn_span {
	unsigned first;
	unsigned last;
	uint32_t first_ul_khz;
};

/* One GSM band. The downlink is the uplink + duplex_khz. */
struct bands_gsm {
	enum bands_gsm_band id;
	const char *name;    /* "GSM850", "E-GSM900", "DCS1800", "PCS1900" */
	uint32_t ul_low_khz; /* uplink band edges, kHz */
	uint32_t ul_high_khz;
	uint32_t duplex_khz; /* DL - UL: 45 MHz, 45 MHz, 95 MHz, 80 MHz */
	size_t n_spans;      /* 1, or 2 for E-GSM900 */
	struct bands_arfcn_span spans[2];
};

/* The GSM band `id`, or NULL for an id outside 0..BANDS_GSM_COUNT-1. */
const struct bands_gsm *bands_gsm_at(enum bands_gsm_band id);

/* ARFCN -> carrier frequency in Hz. The band must be given: ARFCNs 512..810
 * mean different carriers in DCS1800 and PCS1900. SIMSWEEP_ERANGE when the
 * ARFCN is not one of the band's. Examples: E-GSM900 ARFCN 1 is 890.2 MHz
 * uplink, 935.2 MHz downlink; ARFCN 975 is 880.2 MHz uplink. */
int bands_gsm_arfcn_to_freq_hz(enum bands_gsm_band gsm_band, int uplink, unsigned arfcn,
                               double *freq_hz);

/* Frequency -> the nearest ARFCN of that band and link. freq_hz must lie
 * within the link's edges (SIMSWEEP_ERANGE otherwise). */
int bands_gsm_freq_to_arfcn(enum bands_gsm_band gsm_band, int uplink, double freq_hz,
                            unsigned *arfcn);

/* What bands_gsm_lookup() finds. */
struct bands_gsm_match {
	enum bands_gsm_band gsm_band;
	int uplink;     /* 1 uplink, 0 downlink */
	unsigned arfcn; /* nearest ARFCN */
};

/* All GSM bands whose uplink or downlink holds freq_hz (edges included):
 * uplinks first, then downlinks, each in the order of enum bands_gsm_band.
 * GSM850 downlink and E-GSM900 uplink share 880..894 MHz; DCS1800 downlink
 * and PCS1900 uplink share 1850..1880 MHz. Returns how many were found; only
 * the first max are written (out may be NULL when max is 0). */
size_t bands_gsm_lookup(double freq_hz, struct bands_gsm_match *out, size_t max);

/* How much of [low_hz, high_hz] a receiver tuning [tuner_min_hz,
 * tuner_max_hz] covers, e.g. a band's uplink against BANDS_RTLSDR_*. */
enum bands_reach {
	BANDS_REACH_NO = 0,
	BANDS_REACH_PARTLY,
	BANDS_REACH_FULLY,
};
enum bands_reach bands_reach(double low_hz, double high_hz, double tuner_min_hz,
                             double tuner_max_hz);

#endif
