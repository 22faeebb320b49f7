/* ofdm.c - cyclic-prefix continuity of an LTE cell (see ofdm.h). */
#include "simsweep/ofdm.h"
#include "simsweep/simd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SUBCARRIER_HZ 15e3    /* TS 36.211 6.2.3: delta f = 15 kHz */
#define SLOT_S 0.5e-3         /* TS 36.211 4.1: T_slot = 15360 Ts */
#define CP_TS 144.0           /* normal CP of symbols 1..6, in Ts */
#define SYMBOL_TS 2048.0      /* useful symbol, in Ts */
#define SYMBOLS_PER_SLOT 7    /* normal CP */

struct ofdm {
	size_t N;                 /* symbol length, samples (the lag) */
	size_t S;                 /* slot length, samples */
	size_t cp;                /* CP length, samples */
	double period;            /* symbol + CP, samples */
	size_t win_slots;         /* slots per window */
	float complex *hist;      /* last N samples (ring) */
	size_t hist_pos;
	uint64_t pos;             /* samples seen since reset */
	float complex *acc;       /* lag products per slot of the window, win_slots x S */
	float *en;                /* energy per slot of the window, win_slots x S */
	size_t slot_pos;          /* pos mod S */
	size_t slots;             /* complete slots in the current window */
	uint64_t second_pass_end; /* end of the second window that passed, or UINT64_MAX */
	unsigned passes;
	uint64_t first_fail_end;  /* end of the first window that failed, or UINT64_MAX */
	double last;
	double last_share;        /* share of the last window's slots that agree */
	uint64_t win_end[OFDM_HISTORY];  /* the last windows: end, samples... */
	uint8_t win_pass[OFDM_HISTORY];  /* ...and whether it passed (a ring) */
	uint64_t windows;         /* windows complete since reset */
	float complex *fold_acc;  /* S */
	float *fold_en;           /* S */
	float complex *sum_acc;   /* S: CP-length sums of the fold */
	double *sum_en;           /* S */
	size_t sym_off[SYMBOLS_PER_SLOT]; /* symbol starts from the first, samples */
};

struct ofdm *ofdm_create(double rate_hz)
{
	if (!(rate_hz >= 64 * SUBCARRIER_HZ) || !(rate_hz <= 100e6))
		return NULL;
	double n = rate_hz / SUBCARRIER_HZ, s = rate_hz * SLOT_S;
	if (fabs(n - round(n)) > 0.005 * n || fabs(s - round(s)) > 1e-6 * s)
		return NULL;
	struct ofdm *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->N = (size_t)round(n);
	o->S = (size_t)round(s);
	o->cp = (size_t)floor((double)o->N * CP_TS / SYMBOL_TS);
	if (o->cp < 1)
		o->cp = 1;
	o->period = (double)o->N * (SYMBOL_TS + CP_TS) / SYMBOL_TS;
	o->win_slots = (size_t)round(OFDM_WINDOW_S / SLOT_S);
	o->hist = calloc(o->N, sizeof(*o->hist));
	o->acc = calloc(o->S * o->win_slots, sizeof(*o->acc));
	o->en = calloc(o->S * o->win_slots, sizeof(*o->en));
	o->fold_acc = calloc(o->S, sizeof(*o->fold_acc));
	o->fold_en = calloc(o->S, sizeof(*o->fold_en));
	o->sum_acc = calloc(o->S, sizeof(*o->sum_acc));
	o->sum_en = calloc(o->S, sizeof(*o->sum_en));
	for (size_t m = 0; m < SYMBOLS_PER_SLOT; m++)
		o->sym_off[m] = (size_t)llround((double)m * o->period);
	if (!o->hist || !o->acc || !o->en || !o->fold_acc || !o->fold_en || !o->sum_acc ||
	    !o->sum_en) {
		ofdm_destroy(o);
		return NULL;
	}
	ofdm_reset(o);
	return o;
}

/* CP metric at offset t of one slot's (or the fold's) arrays: the CP-length
 * sums at the 7 symbols of a slot from t on (symbol period N * 2192/2048,
 * the first symbol's longer CP neglected), |sum of products| / energy. */
static double cp_metric(const struct ofdm *o, const float complex *acc, const float *en, size_t t)
{
	const size_t S = o->S, L = o->cp;
	float complex a = 0;
	double e = 0;
	for (size_t m = 0; m < SYMBOLS_PER_SLOT; m++) {
		size_t k = (t + o->sym_off[m]) % S;
		for (size_t j = 0; j < L; j++) {
			a += acc[k];
			e += en[k];
			if (++k == S)
				k = 0;
		}
	}
	return e > 0 ? cabs(a) / e : 0.0;
}

/* The window passes at a CP offset t where the fold of its slots shows the
 * CP (metric >= OFDM_PASS) and so do at least OFDM_SLOT_SHARE of its slots
 * on their own (one strong burst cannot carry it). Returns the best fold
 * metric among such offsets, 0 when none. */
static double window_metric(struct ofdm *o)
{
	const size_t S = o->S, L = o->cp, W = o->win_slots;
	float complex *fa = o->fold_acc;
	float *fe = o->fold_en;
	memset(fa, 0, S * sizeof(*fa));
	memset(fe, 0, S * sizeof(*fe));
	for (size_t w = 0; w < W; w++)
		for (size_t t = 0; t < S; t++) {
			fa[t] += o->acc[w * S + t];
			fe[t] += o->en[w * S + t];
		}
	/* CP-length circular sums of the fold at every offset (in place of
	 * the fold: sa/se), then the 7-symbol sums from those. */
	float complex *sa = o->sum_acc;
	double *se = o->sum_en;
	float complex a = 0;
	double e = 0;
	for (size_t j = 0; j < L; j++) {
		a += fa[j];
		e += fe[j];
	}
	for (size_t t = 0; t < S; t++) {
		sa[t] = a;
		se[t] = e;
		size_t in = (t + L) % S;
		a += fa[in] - fa[t];
		e += (double)fe[in] - (double)fe[t];
	}
	double best = 0;
	o->last_share = 0;
	for (size_t t = 0; t < S; t++) {
		float complex ca = 0;
		double ce = 0;
		for (size_t m = 0; m < SYMBOLS_PER_SLOT; m++) {
			size_t at = t + o->sym_off[m]; /* < 2 S */
			if (at >= S)
				at -= S;
			ca += sa[at];
			ce += se[at];
		}
		/* Most offsets are far under the bar: a squared test with a wide
		 * margin skips the exact one (cabs) for them. */
		double bar = 0.98 * (best > OFDM_PASS ? best : OFDM_PASS) * ce;
		double cr = crealf(ca), ci = cimagf(ca);
		if (!(ce > 0) || cr * cr + ci * ci < bar * bar)
			continue;
		double m = cabs(ca) / ce;
		if (m < OFDM_PASS || m <= best)
			continue;
		size_t agree = 0;
		for (size_t w = 0; w < W; w++)
			agree += cp_metric(o, o->acc + w * S, o->en + w * S, t) >= OFDM_SLOT_PASS;
		double share = (double)agree / (double)W;
		if (share >= OFDM_SLOT_SHARE) {
			best = m;
			o->last_share = share;
		}
	}
	return best > 1.0 ? 1.0 : best;
}

/* One run of samples that stays within the history ring and the slot:
 * each sample's product with the one a symbol before it (h, which it then
 * replaces) into the slot's sums. Written out in real arithmetic: the same
 * operations as old * conjf(x), without the library's NaN handling. */
SIMSWEEP_VECTOR_CLONES
static void lag_products(float *restrict h, const float *restrict x, float *restrict acc,
                         float *restrict en, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		float or = h[2 * j], oi = h[2 * j + 1], xr = x[2 * j], xi = x[2 * j + 1];
		acc[2 * j] += or * xr + oi * xi;
		acc[2 * j + 1] += oi * xr - or * xi;
		en[j] += 0.5f * ((or * or + oi * oi) + (xr * xr + xi * xi));
		h[2 * j] = xr;
		h[2 * j + 1] = xi;
	}
}

static void end_window(struct ofdm *o)
{
	o->last = window_metric(o);
	o->win_end[o->windows % OFDM_HISTORY] = o->pos;
	o->win_pass[o->windows % OFDM_HISTORY] = o->last >= OFDM_PASS;
	o->windows++;
	if (o->last >= OFDM_PASS) {
		if (++o->passes == OFDM_MIN_WINDOWS)
			o->second_pass_end = o->pos;
	} else if (o->first_fail_end == UINT64_MAX) {
		o->first_fail_end = o->pos;
	}
	memset(o->acc, 0, o->S * o->win_slots * sizeof(*o->acc));
	memset(o->en, 0, o->S * o->win_slots * sizeof(*o->en));
}

void ofdm_process(struct ofdm *o, const float complex *x, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* A run up to the end of the input, of the history ring, of the
		 * slot, and of the first symbol (which has no products). */
		size_t run = n - i;
		if (run > o->N - o->hist_pos)
			run = o->N - o->hist_pos;
		if (run > o->S - o->slot_pos)
			run = o->S - o->slot_pos;
		if (o->pos < o->N && run > o->N - o->pos)
			run = (size_t)(o->N - o->pos);
		float complex *h = o->hist + o->hist_pos;
		if (o->pos >= o->N) {
			size_t at = o->slots * o->S + o->slot_pos;
			lag_products((float *)h, (const float *)(x + i), (float *)(o->acc + at), o->en + at,
			             run);
		} else {
			memcpy(h, x + i, run * sizeof(*h));
		}
		i += run;
		o->pos += run;
		o->hist_pos += run;
		if (o->hist_pos == o->N)
			o->hist_pos = 0;
		o->slot_pos += run;
		if (o->slot_pos < o->S)
			continue;
		o->slot_pos = 0;
		if (++o->slots < o->win_slots)
			continue;
		o->slots = 0;
		end_window(o);
	}
}

int ofdm_continuous(const struct ofdm *o, uint64_t pos)
{
	return o->second_pass_end != UINT64_MAX && o->second_pass_end <= pos &&
	       !(o->first_fail_end != UINT64_MAX && o->first_fail_end <= pos);
}

int ofdm_failing(const struct ofdm *o, uint64_t pos, unsigned k)
{
	unsigned failed = 0;
	for (uint64_t i = o->windows; i > 0 && o->windows - i < OFDM_HISTORY && failed < k; i--) {
		size_t at = (size_t)((i - 1) % OFDM_HISTORY);
		if (o->win_end[at] > pos)
			continue;
		if (o->win_pass[at])
			return 0;
		failed++;
	}
	return failed >= k;
}

double ofdm_last_metric(const struct ofdm *o)
{
	return o->last;
}

void ofdm_reset(struct ofdm *o)
{
	memset(o->hist, 0, o->N * sizeof(*o->hist));
	memset(o->acc, 0, o->S * o->win_slots * sizeof(*o->acc));
	memset(o->en, 0, o->S * o->win_slots * sizeof(*o->en));
	o->hist_pos = 0;
	o->pos = 0;
	o->slot_pos = 0;
	o->slots = 0;
	o->second_pass_end = UINT64_MAX;
	o->passes = 0;
	o->last_share = 0;
	o->first_fail_end = UINT64_MAX;
	o->last = -1.0;
	o->windows = 0;
}

void ofdm_destroy(struct ofdm *o)
{
	if (!o)
		return;
	free(o->hist);
	free(o->acc);
	free(o->en);
	free(o->fold_acc);
	free(o->fold_en);
	free(o->sum_acc);
	free(o->sum_en);
	free(o);
}
