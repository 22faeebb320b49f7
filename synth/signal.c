/* signal.c - one transmission as a signal: expanded once into pieces, each
 * piece evaluated from its time-continuous formula at the output sample
 * instants, added into the caller's buffer. Also the transmission defaults,
 * validation and names, and the Gold sequence of 36.211 7.2. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"
#include "synth_internal.h"

/* ---- Expansion pools ---------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

void exp_free(struct expansion *e)
{
	free(e->pieces);
	free(e->coef);
	free(e->bits);
	free(e->rec);
	memset(e, 0, sizeof(*e));
}

static struct piece *new_piece(struct expansion *e)
{
	if (e->failed ||
	    grow((void **)&e->pieces, &e->cap_pieces, e->n_pieces + 1, sizeof(*e->pieces))) {
		e->failed = 1;
		return NULL;
	}
	struct piece *p = &e->pieces[e->n_pieces++];
	memset(p, 0, sizeof(*p));
	return p;
}

struct piece *exp_tones(struct expansion *e, double t0_s, double t1_s, double tref_s,
                        double f0_hz, double df_hz, const double complex *c, size_t n,
                        uint32_t record)
{
	if (e->failed || grow((void **)&e->coef, &e->cap_coef, e->n_coef + n, sizeof(*e->coef))) {
		e->failed = 1;
		return NULL;
	}
	struct piece *p = new_piece(e);
	if (!p)
		return NULL;
	double energy = 0;
	for (size_t k = 0; k < n; k++)
		energy += creal(c[k]) * creal(c[k]) + cimag(c[k]) * cimag(c[k]);
	double g = energy > 0 ? 1.0 / sqrt(energy) : 0.0;
	for (size_t k = 0; k < n; k++)
		e->coef[e->n_coef + k] = g * c[k];
	p->type = PIECE_TONES;
	p->t0_s = t0_s;
	p->t1_s = t1_s;
	p->tref_s = tref_s;
	p->f0_hz = f0_hz;
	p->df_hz = df_hz;
	p->n_coef = (uint32_t)n;
	p->off = e->n_coef;
	p->record = record;
	e->n_coef += n;
	return p;
}

struct piece *exp_gmsk(struct expansion *e, double t0_s, double t1_s, const uint8_t *bits,
                       size_t n, uint32_t record)
{
	if (e->failed || grow((void **)&e->bits, &e->cap_bits, e->n_bits + n, 1)) {
		e->failed = 1;
		return NULL;
	}
	struct piece *p = new_piece(e);
	if (!p)
		return NULL;
	memcpy(e->bits + e->n_bits, bits, n);
	p->type = PIECE_GMSK;
	p->t0_s = t0_s;
	p->t1_s = t1_s;
	p->tref_s = t0_s;
	p->n_coef = (uint32_t)n;
	p->off = e->n_bits;
	p->record = record;
	e->n_bits += n;
	return p;
}

uint32_t exp_record(struct expansion *e, double lo_hz, double hi_hz)
{
	if (e->failed || grow((void **)&e->rec, &e->cap_rec, e->n_rec + 1, sizeof(*e->rec))) {
		e->failed = 1;
		return 0;
	}
	e->rec[e->n_rec].lo_hz = lo_hz;
	e->rec[e->n_rec].hi_hz = hi_hz;
	return (uint32_t)e->n_rec++;
}

uint64_t synth_sample_at(double t_s, double rate_hz)
{
	if (!(t_s > 0))
		return 0;
	/* Times are built from exact Ts multiples; the tolerance keeps a time
	 * that is an exact sample instant on that sample despite rounding. */
	double x = t_s * rate_hz;
	return (uint64_t)ceil(x - 1e-7);
}

/* ---- Gold sequence (36.211 7.2) ----------------------------------------- */

/* x1(n+31) = x1(n+3) + x1(n), x2(n+31) = x2(n+3) + x2(n+2) + x2(n+1) + x2(n),
 * c(n) = x1(n + Nc) + x2(n + Nc) mod 2, Nc = 1600, x1(0) = 1, x1(1..30) = 0,
 * x2 initialised with c_init. */
#define GOLD_NC 1600

void synth_gold(uint32_t c_init, uint8_t *c, size_t len)
{
	uint32_t x1 = 1, x2 = c_init & 0x7FFFFFFFu; /* bit n = x(n) of the window */
	for (size_t n = 0; n < GOLD_NC + len; n++) {
		if (n >= GOLD_NC)
			c[n - GOLD_NC] = (uint8_t)((x1 ^ x2) & 1u);
		uint32_t f1 = ((x1 >> 3) ^ x1) & 1u;
		uint32_t f2 = ((x2 >> 3) ^ (x2 >> 2) ^ (x2 >> 1) ^ x2) & 1u;
		x1 = (x1 >> 1) | (f1 << 30);
		x2 = (x2 >> 1) | (f2 << 30);
	}
}

/* ---- Transmissions ------------------------------------------------------- */

static const char *const kind_names[SYNTH_KIND_COUNT] = {
    [SYNTH_NPRACH] = "nprach",        [SYNTH_NPUSCH] = "npusch",
    [SYNTH_PRACH] = "prach",          [SYNTH_PUSCH] = "pusch",
    [SYNTH_PUCCH] = "pucch",          [SYNTH_SRS] = "srs",
    [SYNTH_GSM_NORMAL] = "normal-burst", [SYNTH_GSM_ACCESS] = "access-burst",
};

const char *synth_kind_name(enum synth_kind kind)
{
	if ((int)kind < 0 || kind >= SYNTH_KIND_COUNT)
		return NULL;
	return kind_names[kind];
}

int synth_kind_parse(const char *name, enum synth_kind *kind)
{
	if (!name)
		return SIMSWEEP_EINVAL;
	for (int k = 0; k < SYNTH_KIND_COUNT; k++) {
		if (!strcmp(name, kind_names[k])) {
			*kind = (enum synth_kind)k;
			return 0;
		}
	}
	return SIMSWEEP_EINVAL;
}

void synth_tx_default(struct synth_tx *tx, enum synth_kind kind)
{
	memset(tx, 0, sizeof(*tx));
	tx->kind = kind;
	tx->start_s = 0;
	tx->freq_offset_hz = 0;
	tx->power_dbfs = -30;
	tx->snr_db = NAN;
	switch (kind) {
	case SYNTH_NPRACH:
		tx->p.nprach.format = 0;
		tx->p.nprach.repetitions = 1;
		tx->p.nprach.n_init = 0;
		tx->p.nprach.subcarrier_offset = 0;
		tx->p.nprach.cell_id = 0;
		break;
	case SYNTH_NPUSCH:
		tx->p.npusch.format = 1;
		tx->p.npusch.spacing_hz = 15000;
		tx->p.npusch.tones = 12;
		tx->p.npusch.first_tone = 0;
		tx->p.npusch.n_ru = 1;
		tx->p.npusch.repetitions = 1;
		break;
	case SYNTH_PRACH:
		tx->p.prach.format = 0;
		tx->p.prach.root = 129;
		break;
	case SYNTH_PUSCH:
	case SYNTH_PUCCH:
	case SYNTH_SRS:
		tx->p.lte.carrier_prb = 6;
		tx->p.lte.first_prb = 0;
		tx->p.lte.n_prb = kind == SYNTH_SRS ? 4 : 6;
		tx->p.lte.subframes = 1;
		tx->p.lte.hop_interval = 1;
		tx->p.lte.pucch_format = 1;
		break;
	case SYNTH_GSM_NORMAL:
	case SYNTH_GSM_ACCESS:
		tx->p.gsm.tsc = 0;
		tx->p.gsm.frames = 1;
		break;
	default: break;
	}
}

int synth_tx_validate(const struct synth_tx *tx)
{
	if (!tx || (int)tx->kind < 0 || tx->kind >= SYNTH_KIND_COUNT)
		return SIMSWEEP_EINVAL;
	if (!(tx->start_s >= 0) || !(tx->start_s < 1e7) || !isfinite(tx->freq_offset_hz) ||
	    !(fabs(tx->freq_offset_hz) < 1e9))
		return SIMSWEEP_EINVAL;
	if (!isfinite(tx->snr_db) && !(tx->power_dbfs <= 20 && tx->power_dbfs >= -300))
		return SIMSWEEP_EINVAL;
	if (isfinite(tx->snr_db) && !(fabs(tx->snr_db) <= 100))
		return SIMSWEEP_EINVAL;
	switch (tx->kind) {
	case SYNTH_NPRACH:
	case SYNTH_NPUSCH: return nbiot_validate(tx);
	case SYNTH_GSM_NORMAL:
	case SYNTH_GSM_ACCESS: return gsm_validate(tx);
	default: return lte_validate(tx);
	}
}

double synth_tx_bandwidth_hz(const struct synth_tx *tx)
{
	if (synth_tx_validate(tx) != 0)
		return NAN;
	switch (tx->kind) {
	case SYNTH_NPRACH:
	case SYNTH_NPUSCH: return nbiot_bandwidth_hz(tx);
	case SYNTH_GSM_NORMAL:
	case SYNTH_GSM_ACCESS: return GSM_99PCT_BW_HZ;
	default: return lte_bandwidth_hz(tx);
	}
}

/* ---- Signals ------------------------------------------------------------- */

struct synth_signal {
	struct synth_tx tx;
	double rate_hz;      /* nominal */
	double rate_eff_hz;  /* the sampling clock as it really runs */
	double amp;
	double centre_hz;    /* tx centre + carrier offset */
	struct expansion e;
	uint64_t *s0, *s1;   /* per piece: first sample, end sample */
	uint64_t first, end;
	float *phase;        /* GMSK phase cache of one piece */
	size_t phase_cap;
	size_t phase_piece;  /* piece the cache holds, SIZE_MAX none */
};

void synth_signal_config_default(struct synth_signal_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rate_hz = 1.92e6;
	cfg->amplitude = 1.0;
}

struct synth_signal *synth_signal_create(const struct synth_signal_config *cfg)
{
	if (!cfg || !cfg->tx || synth_tx_validate(cfg->tx) != 0)
		return NULL;
	if (!(cfg->rate_hz >= 1e3 && cfg->rate_hz <= 1e9) || !(cfg->amplitude > 0) ||
	    !(cfg->amplitude < 1e6) || !isfinite(cfg->carrier_offset_hz) ||
	    !(fabs(cfg->clock_ppm) <= 1000))
		return NULL;
	struct synth_signal *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->tx = *cfg->tx;
	s->rate_hz = cfg->rate_hz;
	s->rate_eff_hz = cfg->rate_hz * (1 + cfg->clock_ppm * 1e-6);
	s->amp = cfg->amplitude;
	s->centre_hz = cfg->tx->freq_offset_hz + cfg->carrier_offset_hz;
	s->phase_piece = SIZE_MAX;
	int rc;
	switch (s->tx.kind) {
	case SYNTH_NPRACH:
	case SYNTH_NPUSCH: rc = nbiot_expand(&s->tx, cfg->seed, &s->e); break;
	case SYNTH_GSM_NORMAL:
	case SYNTH_GSM_ACCESS: rc = gsm_expand(&s->tx, cfg->seed, &s->e); break;
	default: rc = lte_expand(&s->tx, cfg->seed, &s->e); break;
	}
	if (rc != 0 || s->e.failed || s->e.n_pieces == 0)
		goto error;
	s->s0 = malloc(s->e.n_pieces * sizeof(*s->s0));
	s->s1 = malloc(s->e.n_pieces * sizeof(*s->s1));
	if (!s->s0 || !s->s1)
		goto error;
	for (size_t i = 0; i < s->e.n_pieces; i++) {
		s->s0[i] = synth_sample_at(s->e.pieces[i].t0_s, s->rate_eff_hz);
		s->s1[i] = synth_sample_at(s->e.pieces[i].t1_s, s->rate_eff_hz);
		/* Pieces are in time order and disjoint. */
		if (i && s->s0[i] < s->s1[i - 1])
			s->s0[i] = s->s1[i - 1];
		if (s->s1[i] < s->s0[i])
			s->s1[i] = s->s0[i];
	}
	s->first = s->s0[0];
	s->end = s->s1[s->e.n_pieces - 1];
	return s;
error:
	synth_signal_destroy(s);
	return NULL;
}

void synth_signal_destroy(struct synth_signal *s)
{
	if (!s)
		return;
	exp_free(&s->e);
	free(s->s0);
	free(s->s1);
	free(s->phase);
	free(s);
}

void synth_signal_span(const struct synth_signal *s, uint64_t *first, uint64_t *end)
{
	*first = s->first;
	*end = s->end;
}

/* Records: span in samples and band, for the scene's truth. */
size_t signal_n_records(const struct synth_signal *s);
void signal_record(const struct synth_signal *s, size_t r, uint64_t *first, uint64_t *end,
                   double *lo_hz, double *hi_hz);

size_t signal_n_records(const struct synth_signal *s)
{
	return s->e.n_rec;
}

void signal_record(const struct synth_signal *s, size_t r, uint64_t *first, uint64_t *end,
                   double *lo_hz, double *hi_hz)
{
	uint64_t a = UINT64_MAX, b = 0;
	for (size_t i = 0; i < s->e.n_pieces; i++) {
		if (s->e.pieces[i].record != r || s->s1[i] == s->s0[i])
			continue;
		if (s->s0[i] < a)
			a = s->s0[i];
		if (s->s1[i] > b)
			b = s->s1[i];
	}
	if (a == UINT64_MAX)
		a = b = 0;
	/* A GSM piece carries its power ramps; the record is the useful bits. */
	if (s->tx.kind == SYNTH_GSM_NORMAL || s->tx.kind == SYNTH_GSM_ACCESS) {
		for (size_t i = 0; i < s->e.n_pieces; i++) {
			const struct piece *p = &s->e.pieces[i];
			if (p->record != r)
				continue;
			double ramp_s = GSM_RAMP_BITS / GSM_BIT_RATE_HZ;
			a = synth_sample_at(p->t0_s + ramp_s, s->rate_eff_hz);
			b = synth_sample_at(p->t1_s - ramp_s, s->rate_eff_hz);
			break;
		}
	}
	*first = a;
	*end = b;
	*lo_hz = s->e.rec[r].lo_hz + s->centre_hz;
	*hi_hz = s->e.rec[r].hi_hz + s->centre_hz;
}

static void add_tones(const struct synth_signal *s, const struct piece *p, float complex *out,
                      uint64_t a, uint64_t b, uint64_t first)
{
	const double complex *c = s->e.coef + p->off;
	const size_t K = p->n_coef;
	const double two_pi = 2 * M_PI;
	for (uint64_t j = a; j < b; j++) {
		double t = (double)j / s->rate_eff_hz;
		double tau = t - p->tref_s;
		/* Carrier at absolute time (phase-continuous across pieces, as a
		 * real oscillator), baseband from the piece's own origin. */
		double cyc = s->centre_hz * t + p->f0_hz * tau;
		cyc -= floor(cyc);
		double complex acc;
		if (K == 1) {
			acc = c[0];
		} else {
			double wc = p->df_hz * tau;
			wc -= floor(wc);
			double complex w = cexp(I * two_pi * wc);
			acc = c[K - 1];
			for (size_t k = K - 1; k-- > 0;)
				acc = acc * w + c[k];
		}
		acc *= s->amp * cexp(I * two_pi * cyc);
		out[j - first] += (float complex)acc;
	}
}

static int add_gmsk(struct synth_signal *s, size_t idx, float complex *out, uint64_t a,
                    uint64_t b, uint64_t first)
{
	const struct piece *p = &s->e.pieces[idx];
	size_t len = gsm_phase_len(p);
	if (s->phase_piece != idx) {
		if (len > s->phase_cap) {
			float *q = realloc(s->phase, len * sizeof(*q));
			if (!q)
				return SIMSWEEP_ENOMEM;
			s->phase = q;
			s->phase_cap = len;
		}
		int rc = gsm_phase(p, s->e.bits + p->off, s->phase, len);
		if (rc != 0)
			return rc;
		s->phase_piece = idx;
	}
	const double nbits = p->n_coef;
	for (uint64_t j = a; j < b; j++) {
		double t = (double)j / s->rate_eff_hz;
		double u = (t - p->t0_s) * GSM_BIT_RATE_HZ; /* bits into the piece */
		double x = u * GSM_OS;
		if (x < 0)
			x = 0;
		size_t i = (size_t)x;
		if (i >= len - 1)
			i = len - 2;
		double fr = x - (double)i;
		double ph = s->phase[i] + fr * (s->phase[i + 1] - s->phase[i]);
		/* Power ramp (45.005 power-time template) inside the pad bits. */
		double env = 1.0;
		if (u < GSM_RAMP_BITS)
			env = sin(M_PI / 2 * (u > 0 ? u : 0) / GSM_RAMP_BITS);
		else if (u > nbits - GSM_RAMP_BITS)
			env = sin(M_PI / 2 * (nbits - u > 0 ? nbits - u : 0) / GSM_RAMP_BITS);
		env *= env;
		double cyc = s->centre_hz * t;
		cyc -= floor(cyc);
		double complex v = s->amp * env * cexp(I * (ph + 2 * M_PI * cyc));
		out[j - first] += (float complex)v;
	}
	return 0;
}

int synth_signal_add(struct synth_signal *s, float complex *out, uint64_t first, size_t n)
{
	if (!s || (!out && n))
		return SIMSWEEP_EINVAL;
	uint64_t last = first + n;
	if (n == 0 || last <= s->first || first >= s->end)
		return 0;
	/* First piece that ends after `first`. */
	size_t lo = 0, hi = s->e.n_pieces;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->s1[mid] <= first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->e.n_pieces && s->s0[i] < last; i++) {
		uint64_t a = s->s0[i] > first ? s->s0[i] : first;
		uint64_t b = s->s1[i] < last ? s->s1[i] : last;
		if (a >= b)
			continue;
		const struct piece *p = &s->e.pieces[i];
		if (p->type == PIECE_TONES) {
			add_tones(s, p, out, a, b, first);
		} else {
			int rc = add_gmsk(s, i, out, a, b, first);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}
