/* synth_internal.h - what the synthesizer's files share: the piece list a
 * transmission expands into, the time base, counter-based random numbers. */
#ifndef SIMSWEEP_SYNTH_INTERNAL_H
#define SIMSWEEP_SYNTH_INTERNAL_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#include "simsweep/synth.h"

/* Basic time unit Ts = 1 / (15000 x 2048) s (36.211 4). */
#define SYNTH_TS_S (1.0 / 30.72e6)

/* A piece is one stretch of waveform with one formula: a sum of tones
 * (an SC-FDMA symbol, an NPRACH symbol group, a PRACH preamble) or a GMSK
 * burst. Pieces of one transmission never overlap in time. */
enum piece_type {
	PIECE_TONES = 0,
	PIECE_GMSK = 1,
};

struct piece {
	enum piece_type type;
	double t0_s, t1_s;      /* radiated from t0 (inclusive) to t1 (exclusive) */
	double tref_s;          /* time origin of the baseband formula */
	double f0_hz;           /* TONES: frequency of coefficient 0, relative to the tx centre */
	double df_hz;           /* TONES: spacing of the coefficients */
	uint32_t n_coef;        /* TONES: coefficients; GMSK: bits */
	size_t off;             /* index of the first coefficient / bit in the pools */
	uint32_t record;        /* truth record (of this tx) the piece belongs to */
};

/* One record's frequency extent, relative to the tx centre. */
struct piece_record {
	double lo_hz, hi_hz;    /* occupied band edges */
};

/* A transmission expanded into pieces. */
struct expansion {
	struct piece *pieces;
	size_t n_pieces, cap_pieces;
	double complex *coef;   /* TONES coefficients, sum |c|^2 = 1 per piece */
	size_t n_coef, cap_coef;
	uint8_t *bits;          /* GMSK bits (already differentially encoded) */
	size_t n_bits, cap_bits;
	struct piece_record *rec;
	size_t n_rec, cap_rec;
	int failed;             /* an allocation failed */
};

void exp_free(struct expansion *e);
/* Append a tones piece with n coefficients (copied, then normalised to unit
 * energy). Returns the piece or NULL (e->failed set). */
struct piece *exp_tones(struct expansion *e, double t0_s, double t1_s, double tref_s,
                        double f0_hz, double df_hz, const double complex *c, size_t n,
                        uint32_t record);
struct piece *exp_gmsk(struct expansion *e, double t0_s, double t1_s, const uint8_t *bits,
                       size_t n, uint32_t record);
/* Start a new truth record with band [lo, hi]; returns its index. */
uint32_t exp_record(struct expansion *e, double lo_hz, double hi_hz);

/* Expanders, one per family. Payload randomness from seed. */
int nbiot_expand(const struct synth_tx *tx, uint64_t seed, struct expansion *e);
int lte_expand(const struct synth_tx *tx, uint64_t seed, struct expansion *e);
int gsm_expand(const struct synth_tx *tx, uint64_t seed, struct expansion *e);
int nbiot_validate(const struct synth_tx *tx);
int lte_validate(const struct synth_tx *tx);
int gsm_validate(const struct synth_tx *tx);
double nbiot_bandwidth_hz(const struct synth_tx *tx);
double lte_bandwidth_hz(const struct synth_tx *tx);

/* GMSK (45.004): bit rate, the modulator's oversampling for the phase table. */
#define GSM_BIT_RATE_HZ (13e6 / 48.0)  /* 270.833 kbit/s (45.004 2) */
#define GSM_99PCT_BW_HZ (0.92 * GSM_BIT_RATE_HZ) /* 99 % power bandwidth of GMSK BT 0.3 */
#define GSM_RAMP_BITS 1.0             /* power ramp before and after the useful bits */
/* Phase trajectory of a GMSK piece: phase[j] at t0 + j / (GSM_OS x bit rate). */
#define GSM_OS 32
int gsm_phase(const struct piece *p, const uint8_t *bits, float *phase, size_t n_phase);
size_t gsm_phase_len(const struct piece *p);

/* Counter-based random numbers: the same (key, counter) always gives the same
 * value, whatever order samples are rendered in. */
static inline uint64_t synth_mix64(uint64_t x)
{
	/* splitmix64 finaliser */
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

static inline uint64_t synth_hash(uint64_t key, uint64_t counter)
{
	return synth_mix64(key ^ synth_mix64(counter));
}

/* Uniform in (0, 1). */
static inline double synth_unit(uint64_t h)
{
	return ((double)(h >> 11) + 0.5) / 9007199254740992.0;
}

/* First stream sample at or after time t_s, at rate r. */
uint64_t synth_sample_at(double t_s, double rate_hz);

#endif
