/* nbiot.c - NB-IoT uplink: NPRACH (36.211 10.1.6) and NPUSCH (10.1.3-10.1.5).
 *
 * NPRACH, formats 0/1: one repetition = 4 symbol groups, each one tone:
 *
 *   |CP|  5 x 266.67 us, same tone |CP|  5 symbols  |CP| ... |CP| ...
 *   <--- 1.4 ms (fmt 0) / 1.6 ms (fmt 1) --->
 *   tone:  n0        n0 +-1          n1 = n0 +-1 +-6    n1 -+1   then a Gold
 *                                                          sequence hop
 *
 * Format 2 (Rel-15): 1.25 kHz tones, CP 800 us + 3 x 800 us, 6 groups per
 * repetition, hops of +-1, +-3, +-18 tones and a pseudo-random hop.
 *
 * NPUSCH single tone, 3.75 kHz: slots of 2 ms = 7 x (256 + 8192) Ts and a
 * 2304 Ts (75 us) guard; 15 kHz: LTE slots of 0.5 ms.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"
#include "synth_internal.h"

/* 36.211 Table 10.1.6.1-1 (frame structure type 1), in Ts. */
#define NPRACH_F0_CP_TS 2048
#define NPRACH_F1_CP_TS 8192
#define NPRACH_F01_SEQ_TS (5 * 8192)
#define NPRACH_F2_CP_TS 24576
#define NPRACH_F2_SEQ_TS (3 * 24576)
#define NPRACH_F01_SPACING_HZ 3750.0
#define NPRACH_F2_SPACING_HZ 1250.0
#define NPRACH_F01_GROUPS 4   /* P: symbol groups per repetition */
#define NPRACH_F2_GROUPS 6
#define NPRACH_F01_HOP_TONES 12 /* N_sc^RA: tones the hopping stays within */
#define NPRACH_F2_HOP_TONES 36
#define NPRACH_F01_CARRIER_TONES 48 /* NPRACH tones across the 180 kHz carrier */
#define NPRACH_F2_CARRIER_TONES 144
/* 36.211 10.1.6.1: a 40 ms gap after every 64 (formats 0/1) or 16 (format 2)
 * repetitions, frame structure type 1. */
#define NPRACH_GAP_TS (40 * 30720)
#define NPRACH_F01_REPS_PER_GAP 64
#define NPRACH_F2_REPS_PER_GAP 16
#define NPRACH_MAX_REPS 128

/* 36.211 10.1.5, Table 10.1.5-1 and 5.6: NPUSCH symbol timing in Ts. */
#define NB_375_SYMBOL_TS 8192
#define NB_375_CP_TS 256
#define NB_375_GUARD_TS 2304  /* end of every 2 ms slot, not transmitted */
#define NB_15_SYMBOL_TS 2048
#define NB_15_CP0_TS 160
#define NB_15_CP_TS 144
#define NB_SYMBOLS_PER_SLOT 7
/* 36.211 10.1.3.6: after 256 ms of NPUSCH a 40 ms gap (FDD). */
#define NPUSCH_RUN_TS (256 * 30720)
#define NPUSCH_GAP_TS (40 * 30720)
#define NPUSCH_DMRS_C_INIT 35 /* 36.211 10.1.4.1.1 */

int nbiot_validate(const struct synth_tx *tx)
{
	if (tx->kind == SYNTH_NPRACH) {
		const struct synth_nprach *p = &tx->p.nprach;
		int f2 = p->format == 2;
		int hop = f2 ? NPRACH_F2_HOP_TONES : NPRACH_F01_HOP_TONES;
		int all = f2 ? NPRACH_F2_CARRIER_TONES : NPRACH_F01_CARRIER_TONES;
		if (p->format < 0 || p->format > 2 || p->repetitions < 1 ||
		    p->repetitions > NPRACH_MAX_REPS || p->n_init < 0 || p->n_init >= all ||
		    p->subcarrier_offset < 0 || p->cell_id < 0 || p->cell_id > 503)
			return SIMSWEEP_EINVAL;
		int n_start = p->subcarrier_offset + (p->n_init / hop) * hop;
		if (n_start + hop > all)
			return SIMSWEEP_EINVAL;
		return 0;
	}
	const struct synth_npusch *p = &tx->p.npusch;
	if ((p->format != 1 && p->format != 2) || (p->spacing_hz != 3750 && p->spacing_hz != 15000))
		return SIMSWEEP_EINVAL;
	if (p->tones != 1 && p->tones != 3 && p->tones != 6 && p->tones != 12)
		return SIMSWEEP_EINVAL;
	if (p->tones > 1 && (p->spacing_hz != 15000 || p->format != 1))
		return SIMSWEEP_EINVAL;
	int all = p->spacing_hz == 3750 ? 48 : 12;
	if (p->first_tone < 0 || p->first_tone + p->tones > all)
		return SIMSWEEP_EINVAL;
	/* 36.213 16.5.1: allowed multi-tone positions are aligned to the tone count. */
	if (p->tones > 1 && p->first_tone % p->tones)
		return SIMSWEEP_EINVAL;
	if (p->n_ru < 1 || p->n_ru > 10 || (p->format == 2 && p->n_ru != 1))
		return SIMSWEEP_EINVAL;
	if (p->repetitions < 1 || p->repetitions > 128 || p->qpsk < 0 || p->qpsk > 1 ||
	    p->cell_id < 0 || p->cell_id > 503)
		return SIMSWEEP_EINVAL;
	return 0;
}

/* ---- NPRACH ----------------------------------------------------------------- */

int synth_nprach_tones(const struct synth_nprach *p, int *tone, size_t n_groups)
{
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_NPRACH);
	tx.p.nprach = *p;
	if (!tone || nbiot_validate(&tx) != 0)
		return SIMSWEEP_EINVAL;
	const int f2 = p->format == 2;
	const int N = f2 ? NPRACH_F2_HOP_TONES : NPRACH_F01_HOP_TONES;
	const size_t P = f2 ? NPRACH_F2_GROUPS : NPRACH_F01_GROUPS;
	const int n_start = p->subcarrier_offset + (p->n_init / N) * N;
	/* f(t) uses c(n) for n up to 10 t + 9 with t = i / P. */
	size_t t_max = n_groups / P + 1;
	size_t c_len = 10 * t_max + 10;
	uint8_t *c = malloc(c_len);
	if (!c)
		return SIMSWEEP_ENOMEM;
	synth_gold((uint32_t)p->cell_id, c, c_len);
	int f_prev = 0; /* f(-1) = 0 */
	size_t f_t = 0; /* next t to compute f(t) for */
	int first = p->n_init % N, prev = first;
	for (size_t i = 0; i < n_groups; i++) {
		int n;
		size_t m = i % P;
		if (i == 0) {
			n = first;
		} else if (m == 0) {
			/* Pseudo-random hop: n(i) = (n(0) + f(i / P)) mod N, with
			 * f(t) = (f(t-1) + (sum_{n=10t+1}^{10t+9} c(n) 2^(n-10t-1)) mod (N-1) + 1) mod N. */
			size_t t = i / P;
			while (f_t <= t) {
				unsigned sum = 0;
				for (size_t k = 10 * f_t + 1; k <= 10 * f_t + 9; k++)
					sum += (unsigned)c[k] << (k - (10 * f_t + 1));
				f_prev = (f_prev + (int)(sum % (unsigned)(N - 1)) + 1) % N;
				f_t++;
			}
			n = (first + f_prev) % N;
		} else if (!f2) {
			/* Formats 0/1: i mod 4 = 1, 3: +-1; i mod 4 = 2: +-6. */
			if (m == 1 || m == 3)
				n = prev % 2 == 0 ? prev + 1 : prev - 1;
			else
				n = prev < 6 ? prev + 6 : prev - 6;
		} else {
			/* Format 2: i mod 6 = 1, 5: +-1; 2, 4: +-3; 3: +-18. */
			if (m == 1 || m == 5)
				n = prev % 2 == 0 ? prev + 1 : prev - 1;
			else if (m == 2 || m == 4)
				n = (prev / 3) % 2 == 0 ? prev + 3 : prev - 3;
			else
				n = prev < 18 ? prev + 18 : prev - 18;
		}
		tone[i] = n_start + n;
		prev = n;
	}
	free(c);
	return 0;
}

struct nprach_numbers {
	double cp_s, seq_s, spacing_hz;
	int groups, reps_per_gap, kk0; /* K k0: tone index of the carrier's lowest tone */
};

static void nprach_numbers(int format, struct nprach_numbers *n)
{
	if (format == 2) {
		n->cp_s = NPRACH_F2_CP_TS * SYNTH_TS_S;
		n->seq_s = NPRACH_F2_SEQ_TS * SYNTH_TS_S;
		n->spacing_hz = NPRACH_F2_SPACING_HZ;
		n->groups = NPRACH_F2_GROUPS;
		n->reps_per_gap = NPRACH_F2_REPS_PER_GAP;
		n->kk0 = -NPRACH_F2_CARRIER_TONES / 2; /* K = 12, k0 = -6 */
	} else {
		n->cp_s = (format == 0 ? NPRACH_F0_CP_TS : NPRACH_F1_CP_TS) * SYNTH_TS_S;
		n->seq_s = NPRACH_F01_SEQ_TS * SYNTH_TS_S;
		n->spacing_hz = NPRACH_F01_SPACING_HZ;
		n->groups = NPRACH_F01_GROUPS;
		n->reps_per_gap = NPRACH_F01_REPS_PER_GAP;
		n->kk0 = -NPRACH_F01_CARRIER_TONES / 2; /* K = 4, k0 = -6 */
	}
}

static int nprach_expand(const struct synth_tx *tx, struct expansion *e)
{
	const struct synth_nprach *p = &tx->p.nprach;
	struct nprach_numbers nn;
	nprach_numbers(p->format, &nn);
	size_t n_groups = (size_t)p->repetitions * (size_t)nn.groups;
	int *tone = malloc(n_groups * sizeof(*tone));
	if (!tone)
		return SIMSWEEP_ENOMEM;
	int rc = synth_nprach_tones(p, tone, n_groups);
	if (rc != 0) {
		free(tone);
		return rc;
	}
	const double group_s = nn.cp_s + nn.seq_s;
	const size_t groups_per_run = (size_t)nn.reps_per_gap * (size_t)nn.groups;
	double t = tx->start_s;
	const double one = 1.0;
	for (size_t run = 0; run * groups_per_run < n_groups; run++) {
		size_t g0 = run * groups_per_run;
		size_t g1 = g0 + groups_per_run < n_groups ? g0 + groups_per_run : n_groups;
		int lo = tone[g0], hi = tone[g0];
		for (size_t i = g0; i < g1; i++) {
			lo = tone[i] < lo ? tone[i] : lo;
			hi = tone[i] > hi ? tone[i] : hi;
		}
		uint32_t rec = exp_record(e, (lo + nn.kk0) * nn.spacing_hz,
		                          (hi + nn.kk0 + 1) * nn.spacing_hz);
		if (run > 0)
			t += NPRACH_GAP_TS * SYNTH_TS_S;
		for (size_t i = g0; i < g1; i++) {
			/* s(t) = beta exp(j 2 pi (n_sc(i) + K k0 + 1/2) df_RA (t - T_CP)) */
			double f = (tone[i] + nn.kk0 + 0.5) * nn.spacing_hz;
			double complex c = one;
			exp_tones(e, t, t + group_s, t + nn.cp_s, f, 0, &c, 1, rec);
			t += group_s;
		}
	}
	free(tone);
	return e->failed ? SIMSWEEP_ENOMEM : 0;
}

/* ---- NPUSCH ------------------------------------------------------------------ */

/* Slots per resource unit (36.211 Table 10.1.2.3-1). */
static int npusch_slots_per_ru(const struct synth_npusch *p)
{
	if (p->format == 2)
		return 4;
	switch (p->tones) {
	case 1: return 16;
	case 3: return 8;
	case 6: return 4;
	default: return 2;
	}
}

/* Is symbol l of a slot a DMRS symbol (36.211 10.1.4.2)? */
static int npusch_is_dmrs(const struct synth_npusch *p, int l)
{
	if (p->format == 1)
		return l == (p->spacing_hz == 3750 ? 4 : 3);
	return p->spacing_hz == 3750 ? (l >= 0 && l <= 2) : (l >= 2 && l <= 4);
}

/* 36.211 Tables 10.1.4.1.2-1 and -2: phi(n) of the 3- and 6-tone DMRS. */
static const signed char npusch_phi3[12][3] = {
    {1, -3, -3}, {1, -3, -1}, {1, -3, 3}, {1, -1, -1}, {1, -1, 1}, {1, -1, 3},
    {1, 1, -3},  {1, 1, -1},  {1, 1, 3},  {1, 3, -1},  {1, 3, 1},  {1, 3, 3},
};
static const signed char npusch_phi6[14][6] = {
    {1, 1, 1, 1, 3, -3},    {1, 1, 3, 1, -3, 3},    {1, -1, -1, -1, 1, -3},
    {1, -1, 3, -3, -1, -1}, {1, 3, 1, -1, -1, 3},   {1, -3, -3, 1, 3, 1},
    {-1, -1, 1, -3, -3, -1}, {-1, -1, -1, 3, -3, -1}, {3, -1, 1, -3, -3, 3},
    {3, -1, 3, -3, -1, 1},  {3, -3, 3, -1, 3, 3},   {-3, 1, 3, 1, -3, -1},
    {-3, 1, -3, 3, -3, -1}, {-3, 3, -3, 1, 1, -3},
};

/* Multi-tone DMRS r_u(n) = exp(j phi(n) pi / 4) (36.211 10.1.4.1.2), cyclic
 * shift 0; 12 tones use the LTE table of 5.5.1.2. */
static void npusch_dmrs_multi(int tones, int cell_id, double complex *r)
{
	if (tones == 12) {
		synth_lte_base_sequence(cell_id % 30, 0, 12, r);
		return;
	}
	for (int n = 0; n < tones; n++) {
		int phi = tones == 3 ? npusch_phi3[cell_id % 12][n] : npusch_phi6[cell_id % 14][n];
		r[n] = cexp(I * phi * M_PI / 4);
	}
}

static double complex qpsk(uint64_t h)
{
	const double a = M_SQRT1_2;
	return ((h & 1) ? -a : a) + I * ((h & 2) ? -a : a);
}

/* DFT of x (length m <= 12) scaled by 1/sqrt(m) (transform precoding, 36.211 5.3.3). */
static void dft_small(const double complex *x, double complex *y, int m)
{
	for (int k = 0; k < m; k++) {
		double complex acc = 0;
		for (int i = 0; i < m; i++)
			acc += x[i] * cexp(-I * 2 * M_PI * (double)i * k / m);
		y[k] = acc / sqrt((double)m);
	}
}

static int npusch_expand(const struct synth_tx *tx, uint64_t seed, struct expansion *e)
{
	const struct synth_npusch *p = &tx->p.npusch;
	const int is375 = p->spacing_hz == 3750;
	const double df = p->spacing_hz;
	const long n_slots = (long)p->n_ru * npusch_slots_per_ru(p) * p->repetitions;
	/* Subcarrier k of the carrier sits at (k - K/2 + 1/2) df, K = 48 or 12. */
	const int k_half = is375 ? 24 : 6;
	const double lo_hz = (p->first_tone - k_half) * df;
	const double hi_hz = (p->first_tone + p->tones - k_half) * df;
	/* Single-tone DMRS: (1 + j)/sqrt 2 (1 - 2 c(n)) w(n mod 16), 36.211 10.1.4.1.1. */
	uint8_t *c = NULL;
	const long n_dmrs = n_slots * 3 + 3;
	if (p->tones == 1) {
		c = malloc((size_t)n_dmrs);
		if (!c)
			return SIMSWEEP_ENOMEM;
		synth_gold(NPUSCH_DMRS_C_INIT, c, (size_t)n_dmrs);
	}
	const int w_row = p->cell_id % 16;
	double complex dmrs_multi[12];
	if (p->tones > 1)
		npusch_dmrs_multi(p->tones, p->cell_id, dmrs_multi);
	const double rho = p->qpsk ? M_PI / 4 : M_PI / 2; /* 36.211 10.1.5 */
	double t = tx->start_s;
	double run_s = 0;
	double phi_hat = 0; /* phase continuity term of the single-tone formula */
	long symbol = 0, dmrs_n = 0;
	uint32_t rec = exp_record(e, lo_hz, hi_hz);
	const double f_tone = (p->first_tone - k_half + 0.5) * df;
	for (long slot = 0; slot < n_slots; slot++) {
		if (run_s >= NPUSCH_RUN_TS * SYNTH_TS_S - 1e-9) {
			t += NPUSCH_GAP_TS * SYNTH_TS_S;
			run_s = 0;
			rec = exp_record(e, lo_hz, hi_hz);
		}
		double slot_start = t;
		for (int l = 0; l < NB_SYMBOLS_PER_SLOT; l++) {
			double cp_s = (is375 ? NB_375_CP_TS : (l == 0 ? NB_15_CP0_TS : NB_15_CP_TS)) * SYNTH_TS_S;
			double sym_s = (is375 ? NB_375_SYMBOL_TS : NB_15_SYMBOL_TS) * SYNTH_TS_S;
			int dmrs = npusch_is_dmrs(p, l);
			uint64_t h = synth_hash(seed, (uint64_t)symbol);
			if (p->tones == 1) {
				double complex a;
				if (dmrs) {
					int wv = __builtin_popcount((unsigned)(w_row & (int)(dmrs_n % 16))) & 1;
					a = (M_SQRT1_2 + I * M_SQRT1_2) * (1 - 2 * c[dmrs_n]) * (wv ? -1 : 1);
					dmrs_n++;
				} else {
					a = p->qpsk ? qpsk(h) : ((h & 1) ? -1.0 : 1.0);
				}
				/* phi(l~) = rho (l~ mod 2) + phi_hat(l~) */
				double complex v = a * cexp(I * (rho * (double)(symbol % 2) + phi_hat));
				exp_tones(e, t, t + cp_s + sym_s, t + cp_s, f_tone, 0, &v, 1, rec);
				phi_hat += 2 * M_PI * f_tone * (cp_s + sym_s);
			} else {
				double complex x[12], y[12];
				if (dmrs) {
					memcpy(y, dmrs_multi, sizeof(double complex) * (size_t)p->tones);
				} else {
					for (int i = 0; i < p->tones; i++)
						x[i] = qpsk(synth_hash(seed ^ 0x5A5A, (uint64_t)symbol * 16 + (uint64_t)i));
					dft_small(x, y, p->tones);
				}
				exp_tones(e, t, t + cp_s + sym_s, t + cp_s, lo_hz + 0.5 * df, df, y,
				          (size_t)p->tones, rec);
			}
			t += cp_s + sym_s;
			symbol++;
		}
		if (is375) {
			t += NB_375_GUARD_TS * SYNTH_TS_S;
			phi_hat += 2 * M_PI * f_tone * NB_375_GUARD_TS * SYNTH_TS_S;
		}
		run_s += t - slot_start;
	}
	free(c);
	return e->failed ? SIMSWEEP_ENOMEM : 0;
}

int nbiot_expand(const struct synth_tx *tx, uint64_t seed, struct expansion *e)
{
	if (tx->kind == SYNTH_NPRACH)
		return nprach_expand(tx, e);
	return npusch_expand(tx, seed, e);
}

double nbiot_bandwidth_hz(const struct synth_tx *tx)
{
	if (tx->kind == SYNTH_NPUSCH)
		return tx->p.npusch.tones * (double)tx->p.npusch.spacing_hz;
	const struct synth_nprach *p = &tx->p.nprach;
	struct nprach_numbers nn;
	nprach_numbers(p->format, &nn);
	size_t n = (size_t)p->repetitions * (size_t)nn.groups;
	int *tone = malloc(n * sizeof(*tone));
	if (!tone || synth_nprach_tones(p, tone, n) != 0) {
		free(tone);
		/* The widest it can be: the hopping band. */
		return (p->format == 2 ? NPRACH_F2_HOP_TONES : NPRACH_F01_HOP_TONES) * nn.spacing_hz;
	}
	int lo = tone[0], hi = tone[0];
	for (size_t i = 1; i < n; i++) {
		lo = tone[i] < lo ? tone[i] : lo;
		hi = tone[i] > hi ? tone[i] : hi;
	}
	free(tone);
	return (hi - lo + 1) * nn.spacing_hz;
}
