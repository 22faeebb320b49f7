/* lte.c - LTE and LTE-M uplink: PRACH (36.211 5.7), PUSCH (5.3, DMRS 5.5.2.1),
 * PUCCH formats 1/1a/2 (5.4, DMRS 5.5.2.2), SRS (5.5.3), SC-FDMA (5.6).
 *
 * One subframe (1 ms) = 2 slots x 7 SC-FDMA symbols, 15 kHz, normal CP:
 *
 *   | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |10 |11 |12 |13 |
 *   CP 160 Ts for symbols 0 and 7, 144 Ts for the others, 2048 Ts useful
 *   PUSCH: DMRS in 3 and 10;  PUCCH 1/1a: DMRS 2-4, 9-11;  PUCCH 2: DMRS 1, 5, 8, 12
 *   SRS: symbol 13
 *
 * Subcarrier k of an N_RB carrier sits at (k - 6 N_RB + 1/2) x 15 kHz from the
 * carrier centre: the half-subcarrier shift of 5.6.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"
#include "synth_internal.h"

#define LTE_SPACING_HZ 15000.0
#define LTE_SC_PER_PRB 12        /* N_sc^RB */
#define LTE_SYMBOL_TS 2048
#define LTE_CP0_TS 160           /* Table 5.6-1, normal CP, l = 0 */
#define LTE_CP_TS 144            /* l = 1 .. 6 */
#define LTE_SYMBOLS_PER_SLOT 7   /* N_symb^UL */
#define LTE_SLOT_TS 15360
#define LTE_SLOTS_PER_FRAME 20
#define LTE_MIN_PRB 6
#define LTE_MAX_PRB 110
#define LTE_MAX_SUBFRAMES 2048
#define LTE_PUSCH_DMRS_SYMBOL 3  /* 5.5.2.1.2: l = 3 of each slot */
#define LTEM_MAX_PRB 24          /* Cat-M2; Cat-M1 uses 6 */

/* 36.211 Table 5.7.1-1, Ts. */
static const int prach_cp_ts[4] = {3168, 21024, 6240, 21024};
static const int prach_seq_ts[4] = {24576, 24576, 2 * 24576, 2 * 24576};
#define PRACH_NZC 839            /* 5.7.2 */
#define PRACH_SPACING_HZ 1250.0  /* Table 5.7.3-1 */

/* 36.211 Table 5.5.1.2-1: phi(n) for M_sc^RS = 12. */
static const signed char phi12[30][12] = {
    {-1, 1, 3, -3, 3, 3, 1, 1, 3, 1, -3, 3},      {1, 1, 3, 3, 3, -1, 1, -3, -3, 1, -3, 3},
    {1, 1, -3, -3, -3, -1, -3, -3, 1, -3, 1, -1}, {-1, 1, 1, 1, 1, -1, -3, -3, 1, -3, 3, -1},
    {-1, 3, 1, -1, 1, -1, -3, -1, 1, -1, 1, 3},   {1, -3, 3, -1, -1, 1, 1, -1, -1, 3, -3, 1},
    {-1, 3, -3, -3, -3, 3, 1, -1, 3, 3, -3, 1},   {-3, -1, -1, -1, 1, -3, 3, -1, 1, -3, 3, 1},
    {1, -3, 3, 1, -1, -1, -1, 1, 1, 3, -1, 1},    {1, -3, -1, 3, 3, -1, -3, 1, 1, 1, 1, 1},
    {-1, 3, -1, 1, 1, -3, -3, -1, -3, -3, 3, -1}, {3, 1, -1, -1, 3, 3, -3, 1, 3, 1, 3, 3},
    {1, -3, 1, 1, -3, 1, 1, 1, -3, -3, -3, 1},    {3, 3, -3, 3, -3, 1, 1, 3, -1, -3, 3, 3},
    {-3, 1, -1, -3, -1, 3, 1, 3, 3, 3, -1, 1},    {3, -1, 1, -3, -1, -1, 1, 1, 3, 1, -1, -3},
    {1, 3, 1, -1, 1, 3, 3, 3, -1, -1, 3, -1},     {-3, 1, 1, 3, -3, 3, -3, -3, 3, 1, 3, -1},
    {-3, 3, 1, 1, -3, 1, -3, -3, -1, -1, 1, -3},  {-1, 3, 1, 3, 1, -1, -1, 3, -3, -1, -3, -1},
    {-1, -3, 1, 1, 1, 1, 3, 1, -1, 1, -3, -1},    {-1, 3, -1, 1, -3, -3, -3, -3, -3, 1, -1, -3},
    {1, 1, -3, -3, -3, -3, -1, 3, -3, 1, -3, 3},  {1, 1, -1, -3, -1, -3, 1, -1, 1, 3, -1, 1},
    {1, 1, 3, 1, 3, 3, -1, 1, -1, -3, -3, 1},     {1, -3, 3, 3, 1, 3, 3, 1, -3, -1, -1, 3},
    {1, 3, -3, -3, 3, -3, 1, -1, -1, 3, -1, -3},  {-3, -1, -3, -1, -3, 3, 1, -1, 1, 3, -3, -3},
    {-1, 3, -3, 3, -1, 3, 3, -3, 3, 3, -1, -1},   {3, -3, -3, -1, -1, -3, -1, 3, -3, 3, 1, -1},
};

/* 36.211 Table 5.5.1.2-2: phi(n) for M_sc^RS = 24. */
static const signed char phi24[30][24] = {
    {-1, 3, 1, -3, 3, -1, 1, 3, -3, 3, 1, 3, -3, 3, 1, 1, -1, 1, 3, -3, 3, -3, -1, -3},
    {-3, 3, -3, -3, -3, 1, -3, -3, 3, -1, 1, 1, 1, 3, 1, -1, 3, -3, -3, 1, 3, 1, 1, -3},
    {3, -1, 3, 3, 1, 1, -3, 3, 3, 3, 3, 1, -1, 3, -1, 1, 1, -1, -3, -1, -1, 1, 3, 3},
    {-1, -3, 1, 1, 3, -3, 1, 1, -3, -1, -1, 1, 3, 1, 3, 1, -1, 3, 1, 1, -3, -1, -3, -1},
    {-1, -1, -1, -3, -3, -1, 1, 1, 3, 3, -1, 3, -1, 1, -1, -3, 1, -1, -3, -3, 1, -3, -1, -1},
    {-3, 1, 1, 3, -1, 1, 3, 1, -3, 1, -3, 1, 1, -1, -1, 3, -1, -3, 3, -3, -3, -3, 1, 1},
    {1, 1, -1, -1, 3, -3, -3, 3, -3, 1, -1, -1, 1, -1, 1, 1, -1, -3, -1, 1, -1, 3, -1, -3},
    {-3, 3, 3, -1, -1, -3, -1, 3, 1, 3, 1, 3, 1, 1, -1, 3, 1, -1, 1, 3, -3, -1, -1, 1},
    {-3, 1, 3, -3, 1, -1, -3, 3, -3, 3, -1, -1, -1, -1, 1, -3, -3, -3, 1, -3, -3, -3, 1, -3},
    {1, 1, -3, 3, 3, -1, -3, -1, 3, -3, 3, 3, 3, -1, 1, 1, -3, 1, -1, 1, 1, -3, 1, 1},
    {-1, 1, -3, -3, 3, -1, 3, -1, -1, -3, -3, -3, -1, -3, -3, 1, -1, 1, 3, 3, -1, 1, -1, 3},
    {1, 3, 3, -3, -3, 1, 3, 1, -1, -3, -3, -3, 3, 3, -3, 3, 3, -1, -3, 3, -1, 1, -3, 1},
    {1, 3, 3, 1, 1, 1, -1, -1, 1, -3, 3, -1, 1, 1, -3, 3, 3, -1, -3, 3, -3, -1, -3, -1},
    {3, -1, -1, -1, -1, -3, -1, 3, 3, 1, -1, 1, 3, 3, 3, -1, 1, 1, -3, 1, 3, -1, -3, 3},
    {-3, -3, 3, 1, 3, 1, -3, 3, 1, 3, 1, 1, 3, 3, -1, -1, -3, 1, -3, -1, 3, 1, 1, 3},
    {-1, -1, 1, -3, 1, 3, -3, 1, -1, -3, -1, 3, 1, 3, 1, -1, -3, -3, -1, -1, -3, -3, -3, -1},
    {-1, -3, 3, -1, -1, -1, -1, 1, 1, -3, 3, 1, 3, 3, 1, -1, 1, -3, 1, -3, 1, 1, -3, -1},
    {1, 3, -1, 3, 3, -1, -3, 1, -1, -3, 3, 3, 3, -1, 1, 1, 3, -1, -3, -1, 3, -1, -1, -1},
    {1, 1, 1, 1, 1, -1, 3, -1, -3, 1, 1, 3, -3, 1, -3, -1, 1, 1, -3, -3, 3, 1, 1, -3},
    {1, 3, 3, 1, -1, -3, 3, -1, 3, 3, 3, -3, 1, -1, 1, -1, -3, -1, 1, 3, -1, 3, -3, -3},
    {-1, -3, 3, -3, -3, -3, -1, -1, -3, -1, -3, 3, 1, 3, -3, -1, 3, -1, 1, -1, 3, -3, 1, -1},
    {-3, -3, 1, 1, -1, 1, -1, 1, -1, 3, 1, -3, -1, 1, -1, 1, -1, -1, 3, 3, -3, -1, 1, -3},
    {-3, -1, -3, 3, 1, -1, -3, -1, -3, -3, 3, -3, 3, -3, -1, 1, 3, 1, -3, 1, 3, 3, -1, -3},
    {-1, -1, -1, -1, 3, 3, 3, 1, 3, 3, -3, 1, 3, -1, 3, -1, 3, 3, -3, 3, 1, -1, 3, 3},
    {1, -1, 3, 3, -1, -3, 3, -3, -1, -1, 3, -1, 3, -1, -1, 1, 1, 1, 1, -1, -1, -3, -1, 3},
    {1, -1, 1, -1, 3, -1, 3, 1, 1, -1, -1, -3, 1, 1, -3, 1, 3, -3, 1, 1, -3, -3, -1, -1},
    {-3, -1, 1, 3, 1, 1, -3, -1, -1, -3, 3, -3, 3, 1, -3, 3, -3, 1, -1, 1, -3, 1, 1, 1},
    {-1, -3, 3, 3, 1, 1, 3, -1, -3, -1, -1, -1, 3, 1, -3, -3, -1, 3, -3, -1, -3, -1, -3, -1},
    {-1, -3, -1, -1, 1, -3, -1, -1, 1, -1, -3, 1, 1, -3, 1, -3, -3, 3, 1, 1, -1, 3, -1, -1},
    {1, 1, -1, -1, -3, -1, 3, -1, 3, -1, 1, 3, 1, -1, 3, 1, 3, -3, -3, 1, -1, -1, 1, 3},
};

static int is_prime(int n)
{
	if (n < 2)
		return 0;
	for (int d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

int synth_lte_base_sequence(int u, int v, int m_sc, double complex *r)
{
	if (!r || u < 0 || u > 29 || v < 0 || v > 1 || m_sc < 12 || m_sc % 12 != 0)
		return SIMSWEEP_EINVAL;
	if (m_sc == 12 || m_sc == 24) {
		if (v != 0)
			return SIMSWEEP_EINVAL;
		for (int n = 0; n < m_sc; n++) {
			int phi = m_sc == 12 ? phi12[u][n] : phi24[u][n];
			r[n] = cexp(I * phi * M_PI / 4);
		}
		return 0;
	}
	/* 5.5.1.1: N_ZC the largest prime below M_sc; q from u and v. */
	int nzc = m_sc - 1;
	while (!is_prime(nzc))
		nzc--;
	double qbar = (double)nzc * (u + 1) / 31.0;
	int q = (int)floor(qbar + 0.5) + v * (((int)floor(2 * qbar)) % 2 ? -1 : 1);
	for (int n = 0; n < m_sc; n++) {
		long m = n % nzc;
		/* x_q(m) = exp(-j pi q m (m+1) / N_ZC); reduce the product exactly. */
		long e = ((long)q * m % (2L * nzc)) * (m + 1) % (2L * nzc);
		r[n] = cexp(-I * M_PI * (double)e / nzc);
	}
	return 0;
}

void synth_prach_zc(int root, double complex *x)
{
	for (long n = 0; n < PRACH_NZC; n++) {
		long e = ((long)root * n % (2L * PRACH_NZC)) * (n + 1) % (2L * PRACH_NZC);
		x[n] = cexp(-I * M_PI * (double)e / PRACH_NZC);
	}
}

static int smooth_235(int n)
{
	while (n % 2 == 0)
		n /= 2;
	while (n % 3 == 0)
		n /= 3;
	while (n % 5 == 0)
		n /= 5;
	return n == 1;
}

int lte_validate(const struct synth_tx *tx)
{
	if (tx->kind == SYNTH_PRACH) {
		const struct synth_prach *p = &tx->p.prach;
		if (p->format < 0 || p->format > 3 || p->root < 1 || p->root >= PRACH_NZC ||
		    p->ncs < 0 || p->ncs > 419 || p->shift < 0 || (p->ncs == 0 && p->shift != 0) ||
		    (long)p->shift * p->ncs >= PRACH_NZC)
			return SIMSWEEP_EINVAL;
		return 0;
	}
	const struct synth_lte *p = &tx->p.lte;
	if (p->carrier_prb < LTE_MIN_PRB || p->carrier_prb > LTE_MAX_PRB || p->subframes < 1 ||
	    p->subframes > LTE_MAX_SUBFRAMES || p->cell_id < 0 || p->cell_id > 503 ||
	    (p->lte_m != 0 && p->lte_m != 1))
		return SIMSWEEP_EINVAL;
	if (tx->kind == SYNTH_PUCCH) {
		if (p->pucch_format != 1 && p->pucch_format != 0x1a && p->pucch_format != 2)
			return SIMSWEEP_EINVAL;
		if (p->pucch_m < 0 || p->pucch_m / 2 >= p->carrier_prb / 2)
			return SIMSWEEP_EINVAL;
		return 0;
	}
	if (p->first_prb < 0 || p->n_prb < 1 || p->first_prb + p->n_prb > p->carrier_prb)
		return SIMSWEEP_EINVAL;
	if (tx->kind == SYNTH_SRS) {
		if (p->n_prb % 4 || (p->srs_comb != 0 && p->srs_comb != 1))
			return SIMSWEEP_EINVAL;
		return 0;
	}
	if (!smooth_235(p->n_prb) || (p->lte_m && p->n_prb > LTEM_MAX_PRB))
		return SIMSWEEP_EINVAL;
	if (p->hop_prb) {
		if (!p->lte_m || p->hop_interval < 1 || p->first_prb + p->hop_prb < 0 ||
		    p->first_prb + p->hop_prb + p->n_prb > p->carrier_prb)
			return SIMSWEEP_EINVAL;
		/* The two narrowbands must not overlap. */
		if (abs(p->hop_prb) < p->n_prb)
			return SIMSWEEP_EINVAL;
	}
	return 0;
}

double lte_bandwidth_hz(const struct synth_tx *tx)
{
	switch (tx->kind) {
	case SYNTH_PRACH: return PRACH_NZC * PRACH_SPACING_HZ;
	case SYNTH_PUCCH: return LTE_SC_PER_PRB * LTE_SPACING_HZ;
	default: return tx->p.lte.n_prb * LTE_SC_PER_PRB * LTE_SPACING_HZ;
	}
}

/* ---- PRACH ------------------------------------------------------------------ */

static int prach_expand(const struct synth_tx *tx, struct expansion *e)
{
	const struct synth_prach *p = &tx->p.prach;
	double complex *x = malloc(2 * PRACH_NZC * sizeof(*x));
	if (!x)
		return SIMSWEEP_ENOMEM;
	double complex *X = x + PRACH_NZC;
	double complex xu[PRACH_NZC];
	synth_prach_zc(p->root, xu);
	/* x_{u,v}(n) = x_u((n + C_v) mod N_ZC), C_v = v N_CS (unrestricted set, 5.7.2). */
	int cv = p->shift * p->ncs;
	for (int n = 0; n < PRACH_NZC; n++)
		x[n] = xu[(n + cv) % PRACH_NZC];
	/* X(k) = sum_n x(n) exp(-j 2 pi n k / N_ZC) (5.7.3). */
	double complex tw[PRACH_NZC];
	for (int n = 0; n < PRACH_NZC; n++)
		tw[n] = cexp(-I * 2 * M_PI * n / PRACH_NZC);
	for (int k = 0; k < PRACH_NZC; k++) {
		double complex acc = 0;
		for (int n = 0; n < PRACH_NZC; n++)
			acc += x[n] * tw[(long)n * k % PRACH_NZC];
		X[k] = acc;
	}
	/* With phi = 7 and K (k0 + 1/2) the 839 subcarriers sit centred in the
	 * 6-PRB (1.08 MHz) PRACH block: subcarrier k at (k - 419) x 1.25 kHz. */
	double cp_s = prach_cp_ts[p->format] * SYNTH_TS_S;
	double seq_s = prach_seq_ts[p->format] * SYNTH_TS_S;
	double half = PRACH_NZC * PRACH_SPACING_HZ / 2;
	uint32_t rec = exp_record(e, -half, half);
	exp_tones(e, tx->start_s, tx->start_s + cp_s + seq_s, tx->start_s + cp_s,
	          -(PRACH_NZC / 2) * PRACH_SPACING_HZ, PRACH_SPACING_HZ, X, PRACH_NZC, rec);
	free(x);
	return e->failed ? SIMSWEEP_ENOMEM : 0;
}

/* ---- SC-FDMA helpers ------------------------------------------------------------ */

struct lte_ctx {
	const struct synth_tx *tx;
	struct expansion *e;
	uint8_t *c_pusch;  /* n_PN for the PUSCH DMRS cyclic shift, 5.5.2.1.1 */
	uint8_t *c_pucch;  /* n_cs^cell for PUCCH, 5.4 */
	double complex *buf, *buf2;
	int n_rb;          /* carrier N_RB^UL */
};

static double sym_cp_s(int l)
{
	return (l == 0 ? LTE_CP0_TS : LTE_CP_TS) * SYNTH_TS_S;
}

/* Start of symbol l (0..6) of a slot starting at slot_s. */
static double sym_start_s(double slot_s, int l)
{
	double t = slot_s;
	for (int i = 0; i < l; i++)
		t += sym_cp_s(i) + LTE_SYMBOL_TS * SYNTH_TS_S;
	return t;
}

/* Add one SC-FDMA symbol carrying a[0..m) on subcarriers k0, k0 + step, ... */
static void add_symbol(struct lte_ctx *x, double slot_s, int l, int k0, int step,
                       const double complex *a, int m, uint32_t rec)
{
	double t0 = sym_start_s(slot_s, l);
	double cp = sym_cp_s(l);
	double f0 = (k0 - 6.0 * x->n_rb + 0.5) * LTE_SPACING_HZ;
	if (step == 1) {
		exp_tones(x->e, t0, t0 + cp + LTE_SYMBOL_TS * SYNTH_TS_S, t0 + cp, f0, LTE_SPACING_HZ,
		          a, (size_t)m, rec);
		return;
	}
	/* A comb: zeros between the used subcarriers. */
	int span = (m - 1) * step + 1;
	for (int i = 0; i < span; i++)
		x->buf2[i] = 0;
	for (int i = 0; i < m; i++)
		x->buf2[i * step] = a[i];
	exp_tones(x->e, t0, t0 + cp + LTE_SYMBOL_TS * SYNTH_TS_S, t0 + cp, f0, LTE_SPACING_HZ,
	          x->buf2, (size_t)span, rec);
}

static uint32_t band_record(struct lte_ctx *x, int prb, int n_prb)
{
	double lo = (LTE_SC_PER_PRB * prb - 6.0 * x->n_rb) * LTE_SPACING_HZ;
	return exp_record(x->e, lo, lo + n_prb * LTE_SC_PER_PRB * LTE_SPACING_HZ);
}

/* 8 bits of c() from index i0, LSB first. */
static int c_byte(const uint8_t *c, size_t i0)
{
	int v = 0;
	for (int i = 0; i < 8; i++)
		v |= c[i0 + (size_t)i] << i;
	return v;
}

/* ---- PUSCH ---------------------------------------------------------------------- */

static int pusch_expand(struct lte_ctx *x, uint64_t seed)
{
	const struct synth_lte *p = &x->tx->p.lte;
	const int m = p->n_prb * LTE_SC_PER_PRB;
	const int u = p->cell_id % 30; /* f_ss^PUSCH, group hopping off (5.5.1.3) */
	double complex *r = malloc((size_t)m * sizeof(*r));
	double complex *tw = malloc((size_t)m * sizeof(*tw));
	double complex *d = malloc((size_t)m * sizeof(*d));
	if (!r || !tw || !d) {
		free(r);
		free(tw);
		free(d);
		return SIMSWEEP_ENOMEM;
	}
	synth_lte_base_sequence(u, 0, m, r);
	for (int i = 0; i < m; i++)
		tw[i] = cexp(-I * 2 * M_PI * i / m);
	uint32_t rec = 0;
	int prev_prb = -1;
	double t = x->tx->start_s;
	for (int sf = 0; sf < p->subframes; sf++) {
		int hop = p->hop_prb ? (sf / p->hop_interval) % 2 : 0;
		int prb = p->first_prb + hop * p->hop_prb;
		int next_hop = p->hop_prb && sf + 1 < p->subframes ? ((sf + 1) / p->hop_interval) % 2 : hop;
		if (prb != prev_prb) {
			rec = band_record(x, prb, p->n_prb);
			prev_prb = prb;
		}
		for (int slot = 0; slot < 2; slot++) {
			double slot_s = t + slot * LTE_SLOT_TS * SYNTH_TS_S;
			int ns = (2 * sf + slot) % LTE_SLOTS_PER_FRAME;
			for (int l = 0; l < LTE_SYMBOLS_PER_SLOT; l++) {
				int sym = slot * LTE_SYMBOLS_PER_SLOT + l;
				/* LTE-M retuning guard: the last symbol before a hop and
				 * the first after one are not sent. */
				if (p->hop_prb && ((sym == 13 && next_hop != hop) ||
				                   (sym == 0 && sf > 0 && hop != ((sf - 1) / p->hop_interval) % 2)))
					continue;
				if (l == LTE_PUSCH_DMRS_SYMBOL) {
					/* 5.5.2.1.1: alpha = 2 pi n_cs / 12,
					 * n_cs = (n_DMRS1 + n_DMRS2 + n_PN(n_s)) mod 12, n_DMRS = 0. */
					int ncs = c_byte(x->c_pusch, (size_t)(8 * LTE_SYMBOLS_PER_SLOT * ns)) % 12;
					double alpha = 2 * M_PI * ncs / 12.0;
					for (int n = 0; n < m; n++)
						x->buf[n] = cexp(I * alpha * n) * r[n];
				} else {
					/* QPSK data, transform precoded (5.3.3): DFT / sqrt(M). */
					uint64_t key = synth_hash(seed, (uint64_t)(sf * 14 + sym));
					for (int i = 0; i < m; i++) {
						uint64_t h = synth_hash(key, (uint64_t)i);
						d[i] = ((h & 1) ? -M_SQRT1_2 : M_SQRT1_2) +
						       I * ((h & 2) ? -M_SQRT1_2 : M_SQRT1_2);
					}
					for (int k = 0; k < m; k++) {
						double complex acc = 0;
						for (int i = 0; i < m; i++)
							acc += d[i] * tw[(long)i * k % m];
						x->buf[k] = acc / sqrt((double)m);
					}
				}
				add_symbol(x, slot_s, l, prb * LTE_SC_PER_PRB, 1, x->buf, m, rec);
			}
		}
		t += 2 * LTE_SLOT_TS * SYNTH_TS_S;
	}
	free(r);
	free(tw);
	free(d);
	return x->e->failed ? SIMSWEEP_ENOMEM : 0;
}

/* ---- PUCCH ---------------------------------------------------------------------- */

static int pucch_expand(struct lte_ctx *x, uint64_t seed)
{
	const struct synth_lte *p = &x->tx->p.lte;
	double complex rbar[12], seq[12];
	synth_lte_base_sequence(p->cell_id % 30, 0, 12, rbar);
	double t = x->tx->start_s;
	for (int sf = 0; sf < p->subframes; sf++) {
		/* Format 1a: one BPSK HARQ-ACK bit per subframe; format 2: 10 QPSK symbols. */
		uint64_t key = synth_hash(seed, (uint64_t)sf);
		double complex d0 = p->pucch_format == 1 ? 1.0 : ((key & 1) ? -1.0 : 1.0);
		int data_n = 0;
		for (int slot = 0; slot < 2; slot++) {
			double slot_s = t + slot * LTE_SLOT_TS * SYNTH_TS_S;
			int ns = (2 * sf + slot) % LTE_SLOTS_PER_FRAME;
			/* 5.4.3: n_PRB = floor(m/2) when (m + n_s mod 2) is even, else at
			 * the other edge: the slot hops edge to edge. */
			int prb = (p->pucch_m + ns % 2) % 2 == 0 ? p->pucch_m / 2
			                                           : x->n_rb - 1 - p->pucch_m / 2;
			uint32_t rec = band_record(x, prb, 1);
			for (int l = 0; l < LTE_SYMBOLS_PER_SLOT; l++) {
				int dmrs = p->pucch_format == 2 ? (l == 1 || l == 5) : (l >= 2 && l <= 4);
				/* n_cs^cell(n_s, l) = sum_i c(8 N_symb n_s + 8 l + i) 2^i (5.4) */
				int ncs = c_byte(x->c_pucch, (size_t)(8 * LTE_SYMBOLS_PER_SLOT * ns + 8 * l)) % 12;
				double alpha = 2 * M_PI * ncs / 12.0;
				for (int n = 0; n < 12; n++)
					seq[n] = cexp(I * alpha * n) * rbar[n];
				double complex z = 1.0;
				if (!dmrs) {
					if (p->pucch_format == 2) {
						uint64_t h = synth_hash(key, (uint64_t)data_n++);
						z = ((h & 1) ? -M_SQRT1_2 : M_SQRT1_2) +
						    I * ((h & 2) ? -M_SQRT1_2 : M_SQRT1_2);
					} else {
						z = d0; /* orthogonal cover n_oc = 0: all +1 */
					}
				}
				for (int n = 0; n < 12; n++)
					x->buf[n] = z * seq[n];
				add_symbol(x, slot_s, l, prb * LTE_SC_PER_PRB, 1, x->buf, 12, rec);
			}
		}
		t += 2 * LTE_SLOT_TS * SYNTH_TS_S;
	}
	return x->e->failed ? SIMSWEEP_ENOMEM : 0;
}

/* ---- SRS ------------------------------------------------------------------------- */

static int srs_expand(struct lte_ctx *x)
{
	const struct synth_lte *p = &x->tx->p.lte;
	/* 5.5.3.1: M_sc^RS = m_SRS N_sc^RB / 2 on every other subcarrier. */
	const int m = p->n_prb * LTE_SC_PER_PRB / 2;
	double complex *r = malloc((size_t)m * sizeof(*r));
	if (!r)
		return SIMSWEEP_ENOMEM;
	synth_lte_base_sequence(p->cell_id % 30, 0, m, r);
	const int ncs = 0; /* n_SRS^cs: alpha = 2 pi n_cs / 8 */
	for (int n = 0; n < m; n++)
		r[n] *= cexp(I * 2 * M_PI * ncs * n / 8.0);
	double t = x->tx->start_s;
	for (int sf = 0; sf < p->subframes; sf++) {
		uint32_t rec = band_record(x, p->first_prb, p->n_prb);
		double slot_s = t + LTE_SLOT_TS * SYNTH_TS_S;
		add_symbol(x, slot_s, LTE_SYMBOLS_PER_SLOT - 1, p->first_prb * LTE_SC_PER_PRB + p->srs_comb,
		           2, r, m, rec);
		t += 2 * LTE_SLOT_TS * SYNTH_TS_S;
	}
	free(r);
	return x->e->failed ? SIMSWEEP_ENOMEM : 0;
}

int lte_expand(const struct synth_tx *tx, uint64_t seed, struct expansion *e)
{
	if (tx->kind == SYNTH_PRACH)
		return prach_expand(tx, e);
	const struct synth_lte *p = &tx->p.lte;
	struct lte_ctx x = {.tx = tx, .e = e, .n_rb = p->carrier_prb};
	const size_t c_len = 8 * LTE_SYMBOLS_PER_SLOT * LTE_SLOTS_PER_FRAME + 64;
	const size_t n_sc = (size_t)p->carrier_prb * LTE_SC_PER_PRB;
	x.c_pusch = malloc(c_len);
	x.c_pucch = malloc(c_len);
	x.buf = malloc(n_sc * sizeof(*x.buf));
	x.buf2 = malloc(n_sc * sizeof(*x.buf2));
	int rc = SIMSWEEP_ENOMEM;
	if (!x.c_pusch || !x.c_pucch || !x.buf || !x.buf2)
		goto out;
	/* 5.5.2.1.1: c_init = floor(N_ID / 30) 2^5 + f_ss^PUSCH; 5.4: c_init = N_ID. */
	synth_gold((uint32_t)((p->cell_id / 30) * 32 + p->cell_id % 30), x.c_pusch, c_len);
	synth_gold((uint32_t)p->cell_id, x.c_pucch, c_len);
	switch (tx->kind) {
	case SYNTH_PUSCH: rc = pusch_expand(&x, seed); break;
	case SYNTH_PUCCH: rc = pucch_expand(&x, seed); break;
	default: rc = srs_expand(&x); break;
	}
out:
	free(x.c_pusch);
	free(x.c_pucch);
	free(x.buf);
	free(x.buf2);
	return rc;
}
