/* synth.h - reference uplink waveform synthesizer: NB-IoT (NPRACH, NPUSCH),
 * LTE and LTE-M (PRACH, PUSCH, PUCCH, SRS) and GSM (normal and access bursts),
 * written from 3GPP TS 36.211 clauses 5 and 10 and TS 45.002/45.004.
 *
 * Every waveform is evaluated from its time-continuous definition at the
 * instants of the output samples, so the timing is exact at any sample rate
 * (1.92, 2.4, 1.0833 MS/s ...), not rounded to a sample grid.
 *
 * Three layers:
 *   struct synth_tx      one transmission: kind, parameters, start, offset, power
 *   synth_signal_*       one transmission as a signal that ADDS its samples into
 *                        a caller buffer at any stream position (composition)
 *   synth_scene_*        transmissions + noise + receiver impairments + seed,
 *                        rendered in blocks of any size in constant memory;
 *                        rendering in blocks of 7 or 65536 samples gives the
 *                        same samples. Each scene also yields its truth: one
 *                        struct burst per transmission as a monitor should
 *                        report it.
 *
 * Time: seconds from the stream's first sample (sample 0 is at t = 0).
 * Frequency: Hz relative to the tuned centre. Power: dB full scale, where
 * a complex sample of magnitude 1.0 is 0 dBFS.
 */
#ifndef SIMSWEEP_SYNTH_H
#define SIMSWEEP_SYNTH_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#include "simsweep/burst.h"

enum synth_kind {
	SYNTH_NPRACH = 0,   /* NB-IoT random access (36.211 10.1.6) */
	SYNTH_NPUSCH,       /* NB-IoT shared channel (36.211 10.1.3) */
	SYNTH_PRACH,        /* LTE / LTE-M random access (36.211 5.7) */
	SYNTH_PUSCH,        /* LTE / LTE-M shared channel (36.211 5.3) */
	SYNTH_PUCCH,        /* LTE control channel (36.211 5.4) */
	SYNTH_SRS,          /* LTE sounding reference signal (36.211 5.5.3) */
	SYNTH_GSM_NORMAL,   /* GSM normal burst (45.002 5.2.3) */
	SYNTH_GSM_ACCESS,   /* GSM access burst (45.002 5.2.7) */
	SYNTH_KIND_COUNT
};

/* NPRACH preamble (36.211 10.1.6). */
struct synth_nprach {
	int format;            /* 0, 1 (3.75 kHz tones) or 2 (1.25 kHz, Rel-15) */
	int repetitions;       /* N_rep^NPRACH: 1 .. 128 */
	int n_init;            /* starting subcarrier chosen by MAC: 0 .. 11 (formats 0/1), 0 .. 35 (2) */
	int subcarrier_offset; /* N_sc_offset^NPRACH in NPRACH tones: 0 .. 36 (0/1), 0 .. 108 (2);
	                          the band n_start .. n_start + 11 (35) must fit in 48 (144) tones */
	int cell_id;           /* N_ID^Ncell 0 .. 503: c_init of the hopping Gold sequence */
};

/* NPUSCH (36.211 10.1.3, 10.1.4, 10.1.5). */
struct synth_npusch {
	int format;            /* 1 (data) or 2 (HARQ-ACK) */
	int spacing_hz;        /* 3750 or 15000 */
	int tones;             /* N_sc^RU: 1 (3.75 or 15 kHz), 3, 6, 12 (15 kHz, format 1) */
	int first_tone;        /* first subcarrier: 0 .. 47 (3.75 kHz) or 0 .. 12 - tones (15 kHz) */
	int n_ru;              /* resource units per transport block: 1 .. 10 (format 2: 1) */
	int repetitions;       /* 1 .. 128 */
	int qpsk;              /* single tone: 0 pi/2-BPSK, 1 pi/4-QPSK; multi-tone is always QPSK */
	int cell_id;           /* N_ID^Ncell 0 .. 503: DMRS sequence choice */
};

/* LTE PRACH preamble (36.211 5.7). */
struct synth_prach {
	int format;            /* 0 .. 3 */
	int root;              /* u: physical root sequence number 1 .. 838 */
	int ncs;               /* N_CS: cyclic shift unit 0 .. 419 (0: only v = 0) */
	int shift;             /* v: preamble's cyclic shift index, C_v = v * N_CS < 839 */
};

/* LTE / LTE-M PUSCH, PUCCH and SRS share one carrier description. */
struct synth_lte {
	int carrier_prb;       /* N_RB^UL of the host carrier: 6 .. 110 */
	int first_prb;         /* PUSCH / SRS: first allocated PRB */
	int n_prb;             /* PUSCH: 1 .. carrier (2^a 3^b 5^c); SRS: multiple of 4 */
	int subframes;         /* consecutive 1 ms subframes (LTE-M: repetitions) 1 .. 2048 */
	int lte_m;             /* 1: an LTE-M (BL/CE) UE: class "lte-m", 6-PRB narrowbands */
	int hop_prb;           /* LTE-M narrowband hopping: PRB offset of the second
	                          narrowband (0: no hopping) */
	int hop_interval;      /* LTE-M: subframes between hops (N_ch^NB), >= 1 */
	int pucch_format;      /* PUCCH: 1, 0x1a or 2 */
	int pucch_m;           /* PUCCH resource index m (PRB pair from the band edge) 0 .. */
	int srs_comb;          /* SRS transmission comb k_TC: 0 or 1 */
	int cell_id;           /* N_ID^cell 0 .. 503: sequence group and cyclic shifts */
};

/* GSM bursts (45.002 5.2, 45.004 2). */
struct synth_gsm {
	int tsc;               /* normal burst training sequence code 0 .. 7 */
	int frames;            /* bursts, one per 4.615 ms TDMA frame: 1 .. 100000 */
};

/* One transmission. */
struct synth_tx {
	enum synth_kind kind;
	double start_s;        /* start of the first symbol / bit, >= 0 */
	double freq_offset_hz; /* centre of the NB-IoT carrier, the LTE carrier
	                          (PUSCH/PUCCH/SRS), the PRACH block or the GSM channel,
	                          relative to the tuned centre */
	double power_dbfs;     /* mean power while transmitting; ignored when snr_db is finite */
	double snr_db;         /* finite: power set from the scene noise so that the SNR in
	                          the occupied bandwidth is snr_db (NAN: use power_dbfs) */
	union {
		struct synth_nprach nprach;
		struct synth_npusch npusch;
		struct synth_prach prach;
		struct synth_lte lte;
		struct synth_gsm gsm;
	} p;
};

/* Fill tx with defaults for a kind: a valid transmission at t = 0, 0 Hz,
 * -30 dBFS, snr_db NAN. NPRACH format 0, 1 repetition; NPUSCH format 1
 * 12 tones 1 RU; PRACH format 0 root 129; PUSCH 6 PRB of a 6-PRB carrier,
 * 1 subframe; PUCCH format 1 m = 0 on 6 PRB; SRS 4 PRB; GSM TSC 0, 1 frame. */
void synth_tx_default(struct synth_tx *tx, enum synth_kind kind);

/* Validate tx (every parameter range above). Returns 0 or SIMSWEEP_EINVAL. */
int synth_tx_validate(const struct synth_tx *tx);

/* Stable names: "nprach", "npusch", "prach", "pusch", "pucch", "srs",
 * "normal-burst", "access-burst"; NULL for an invalid kind. */
const char *synth_kind_name(enum synth_kind kind);
/* Kind from its name; returns 0 or SIMSWEEP_EINVAL. */
int synth_kind_parse(const char *name, enum synth_kind *kind);

/* Occupied bandwidth (Hz) of a transmission, as its truth record reports it:
 * the span of the subcarriers it uses (NPRACH: the tones its hops visit),
 * 839 x 1.25 kHz for PRACH, 0.92 x 270.833 kHz (99 % power) for GMSK. */
double synth_tx_bandwidth_hz(const struct synth_tx *tx);

/* ---- One transmission as a signal ------------------------------------- */

struct synth_signal;

struct synth_signal_config {
	const struct synth_tx *tx;   /* copied */
	double rate_hz;              /* output sample rate, 1e3 .. 1e9 */
	double amplitude;            /* rms amplitude while transmitting (> 0) */
	double carrier_offset_hz;    /* added to every frequency (CFO) */
	double clock_ppm;            /* sample clock error: sample n is at n / (rate (1 + ppm 1e-6)) */
	uint64_t seed;               /* payload bits */
};

void synth_signal_config_default(struct synth_signal_config *cfg);
/* NULL on a bad configuration or out of memory. */
struct synth_signal *synth_signal_create(const struct synth_signal_config *cfg);
/* out[i] += sample (first + i) of the transmission, i < n; samples outside
 * the transmission add nothing. Any order of calls, any n. */
int synth_signal_add(struct synth_signal *s, float complex *out, uint64_t first, size_t n);
/* Stream span [first, end) of samples the signal touches. */
void synth_signal_span(const struct synth_signal *s, uint64_t *first, uint64_t *end);
void synth_signal_destroy(struct synth_signal *s);

/* ---- Scenes ------------------------------------------------------------ */

/* Receiver impairments, applied in this order after signal + noise:
 * IQ imbalance, DC offset, 8-bit quantisation. */
struct synth_impairments {
	double cfo_hz;           /* carrier offset added to every transmission */
	double ppm;              /* receiver reference error: the LO reads freq_hz (1 + ppm 1e-6)
	                            (signals appear -ppm 1e-6 freq_hz away) and the sample
	                            clock runs at rate_hz (1 + ppm 1e-6); |ppm| <= 1000 */
	double iq_gain_db;       /* I/Q amplitude imbalance (I gain / Q gain), |.| <= 6 */
	double iq_phase_deg;     /* I/Q quadrature error, |.| <= 30 */
	double dc_i, dc_q;       /* DC offset, full scale units, |.| <= 1 */
	int quantize_cu8;        /* 1: quantise as an RTL-SDR (cu8, 127.5 = 0) and
	                            return the de-quantised values */
};

struct synth_scene_config {
	double rate_hz;          /* 1e3 .. 1e9 */
	double freq_hz;          /* tuned centre (NAN: unknown; ppm then shifts nothing) */
	double noise_dbfs;       /* total complex white noise power over rate_hz
	                            (-INFINITY: no noise; then snr_db of a tx is invalid) */
	double duration_s;       /* length of the recording, > 0 */
	int64_t start_utc_ns;    /* UTC of sample 0 for the truth records, or
	                            SIMSWEEP_UTC_UNKNOWN (include simsweep/block.h) */
	struct synth_impairments imp;
	uint64_t seed;
	const struct synth_tx *tx; /* n_tx transmissions, copied */
	size_t n_tx;
};

void synth_scene_config_default(struct synth_scene_config *cfg);

struct synth_scene;

/* NULL when any argument is bad (every tx is validated) or out of memory. */
struct synth_scene *synth_scene_create(const struct synth_scene_config *cfg);
/* Write the next n samples (signal + noise + impairments) to out.
 * Returns the number written: n, fewer at the end of the recording, 0 after it. */
size_t synth_scene_render(struct synth_scene *s, float complex *out, size_t n);
/* Back to sample 0 (the same samples again). */
void synth_scene_reset(struct synth_scene *s);
/* Total samples of the recording. */
uint64_t synth_scene_length(const struct synth_scene *s);
/* Truth records, sorted by start sample; valid until destroy. class_id and
 * kind point to static strings; clip is NULL. */
size_t synth_scene_truth(const struct synth_scene *s, const struct burst **truth);
void synth_scene_destroy(struct synth_scene *s);

/* ---- Random scenes ------------------------------------------------------ */

/* "mixed": bursts of every class and kind at random offsets, powers and
 * times, with noise-only stretches; deterministic for a seed. */
struct synth_mixed_config {
	double rate_hz;          /* decides the usable band: offsets keep every burst inside
	                            +-0.45 rate_hz */
	double duration_s;       /* > 0 */
	double bursts_per_s;     /* mean transmissions per second (> 0, <= 50) */
	double snr_min_db, snr_max_db;
	double quiet_fraction;   /* fraction of each second left to noise, 0 .. 0.9 */
	uint64_t seed;
};

void synth_mixed_config_default(struct synth_mixed_config *cfg);

/* Apply the receiver impairments (IQ imbalance, DC, quantisation; not the
 * frequency ones, which act on the transmissions) to n samples in place. */
void synth_impair(const struct synth_impairments *imp, float complex *x, size_t n);
/* Allocate and fill a list of transmissions (free() it). Every tx has a finite
 * snr_db; they never overlap in time. Returns 0, SIMSWEEP_EINVAL or SIMSWEEP_ENOMEM. */
int synth_mixed_generate(const struct synth_mixed_config *cfg, struct synth_tx **tx, size_t *n_tx);

/* ---- Sequences, exposed for tests and detectors ------------------------- */

/* Pseudo-random sequence c(n), n = 0 .. len-1, of 36.211 7.2 (length-31 Gold). */
void synth_gold(uint32_t c_init, uint8_t *c, size_t len);

/* NPRACH subcarrier index n_sc^RA(i) of symbol groups i = 0 .. n_groups-1
 * (36.211 10.1.6.1): 0 .. 47 (formats 0/1, 3.75 kHz) or 0 .. 143 (format 2,
 * 1.25 kHz); tone n sits at (n - 24 + 1/2) x 3.75 kHz, or (n - 72 + 1/2) x
 * 1.25 kHz, from the NB-IoT carrier centre. Returns 0 or SIMSWEEP_EINVAL. */
int synth_nprach_tones(const struct synth_nprach *p, int *tone, size_t n_groups);

/* Uplink reference-signal base sequence r_{u,v}(n), n < m_sc (36.211 5.5.1):
 * tables for 12 and 24, Zadoff-Chu for >= 36. Returns 0 or SIMSWEEP_EINVAL. */
int synth_lte_base_sequence(int u, int v, int m_sc, double complex *r);

/* Zadoff-Chu x_u(n), n < 839 (36.211 5.7.2). */
void synth_prach_zc(int root, double complex *x);

#endif
