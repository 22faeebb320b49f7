/* scene.c - transmissions + noise + impairments, rendered block by block.
 *
 * A transmission's signal is expanded when rendering reaches it and freed
 * when rendering has passed it, so a recording of hours streams in memory
 * bounded by the longest single transmission. Noise and payload come from
 * counter-based random numbers keyed by the seed and the sample index: the
 * samples do not depend on how the stream is cut into blocks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/block.h"
#include "simsweep/error.h"
#include "synth_internal.h"

/* From signal.c: the truth records of a signal. */
size_t signal_n_records(const struct synth_signal *s);
void signal_record(const struct synth_signal *s, size_t r, uint64_t *first, uint64_t *end,
                   double *lo_hz, double *hi_hz);

struct scene_tx {
	struct synth_tx tx;
	struct synth_signal_config sc;
	uint64_t first, end;         /* samples it touches */
	struct synth_signal *sig;    /* while active */
};

struct synth_scene {
	struct synth_scene_config cfg;
	struct scene_tx *tx;         /* sorted by first sample */
	size_t n_tx;
	size_t next;                 /* first tx not yet activated */
	uint64_t pos, length;
	double noise_amp;            /* rms of the complex noise */
	uint64_t noise_key;
	struct burst *truth;
	size_t n_truth;
};

void synth_scene_config_default(struct synth_scene_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rate_hz = 2.4e6;
	cfg->freq_hz = NAN;
	cfg->noise_dbfs = -30;
	cfg->duration_s = 1;
	cfg->start_utc_ns = SIMSWEEP_UTC_UNKNOWN;
	cfg->seed = 1;
}

static const char *class_of(const struct synth_tx *tx)
{
	switch (tx->kind) {
	case SYNTH_NPRACH:
	case SYNTH_NPUSCH: return "nb-iot";
	case SYNTH_GSM_NORMAL:
	case SYNTH_GSM_ACCESS: return "gsm";
	case SYNTH_PRACH: return "lte";
	default: return tx->p.lte.lte_m ? "lte-m" : "lte";
	}
}

static int imp_valid(const struct synth_impairments *m)
{
	return isfinite(m->cfo_hz) && fabs(m->cfo_hz) < 1e8 && fabs(m->ppm) <= 1000 &&
	       fabs(m->iq_gain_db) <= 6 && fabs(m->iq_phase_deg) <= 30 && fabs(m->dc_i) <= 1 &&
	       fabs(m->dc_q) <= 1 && (m->quantize_cu8 == 0 || m->quantize_cu8 == 1);
}

static int cmp_tx(const void *a, const void *b)
{
	const struct scene_tx *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int cmp_burst(const void *a, const void *b)
{
	const struct burst *x = a, *y = b;
	if (x->sample != y->sample)
		return x->sample < y->sample ? -1 : 1;
	return x->freq_offset_hz < y->freq_offset_hz ? -1 : x->freq_offset_hz > y->freq_offset_hz;
}

struct synth_scene *synth_scene_create(const struct synth_scene_config *cfg)
{
	if (!cfg || !(cfg->rate_hz >= 1e3 && cfg->rate_hz <= 1e9) || !(cfg->duration_s > 0) ||
	    !(cfg->duration_s * cfg->rate_hz < 1e15) || isinf(cfg->freq_hz) ||
	    !(cfg->noise_dbfs <= 20 || cfg->noise_dbfs == -INFINITY) || isnan(cfg->noise_dbfs) ||
	    !imp_valid(&cfg->imp) || (cfg->n_tx && !cfg->tx))
		return NULL;
	int have_noise = cfg->noise_dbfs > -INFINITY;
	for (size_t i = 0; i < cfg->n_tx; i++) {
		if (synth_tx_validate(&cfg->tx[i]) != 0)
			return NULL;
		if (isfinite(cfg->tx[i].snr_db) && !have_noise)
			return NULL;
	}
	struct synth_scene *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->cfg.tx = NULL;
	s->length = (uint64_t)llround(cfg->duration_s * cfg->rate_hz);
	if (s->length == 0)
		s->length = 1;
	double noise_pow = have_noise ? pow(10, cfg->noise_dbfs / 10) : 0;
	s->noise_amp = sqrt(noise_pow);
	s->noise_key = synth_mix64(cfg->seed ^ 0x6E6F697365ULL);
	s->n_tx = cfg->n_tx;
	s->tx = calloc(cfg->n_tx ? cfg->n_tx : 1, sizeof(*s->tx));
	if (!s->tx)
		goto error;
	/* Signals appear shifted by -ppm of the tuned frequency (the LO is off). */
	double lo_err_hz = isfinite(cfg->freq_hz) ? -cfg->imp.ppm * 1e-6 * cfg->freq_hz : 0;
	size_t cap_truth = 0;
	for (size_t i = 0; i < cfg->n_tx; i++) {
		struct scene_tx *t = &s->tx[i];
		t->tx = cfg->tx[i];
		double bw = synth_tx_bandwidth_hz(&t->tx);
		double p_dbfs = t->tx.power_dbfs;
		if (isfinite(t->tx.snr_db))
			p_dbfs = t->tx.snr_db + 10 * log10(noise_pow * bw / cfg->rate_hz);
		synth_signal_config_default(&t->sc);
		t->sc.tx = &t->tx;
		t->sc.rate_hz = cfg->rate_hz;
		t->sc.amplitude = pow(10, p_dbfs / 20);
		t->sc.carrier_offset_hz = cfg->imp.cfo_hz + lo_err_hz;
		t->sc.clock_ppm = cfg->imp.ppm;
		t->sc.seed = synth_hash(cfg->seed, i + 1);
		/* Expand once for the span and the truth, then drop it. */
		struct synth_signal *sig = synth_signal_create(&t->sc);
		if (!sig)
			goto error;
		synth_signal_span(sig, &t->first, &t->end);
		size_t nr = signal_n_records(sig);
		if (s->n_truth + nr > cap_truth) {
			size_t c = cap_truth ? cap_truth * 2 : 64;
			while (c < s->n_truth + nr)
				c *= 2;
			struct burst *q = realloc(s->truth, c * sizeof(*q));
			if (!q) {
				synth_signal_destroy(sig);
				goto error;
			}
			s->truth = q;
			cap_truth = c;
		}
		for (size_t r = 0; r < nr; r++) {
			uint64_t a, b;
			double lo, hi;
			signal_record(sig, r, &a, &b, &lo, &hi);
			if (b <= a || a >= s->length)
				continue; /* entirely after the end of the recording */
			if (b > s->length)
				b = s->length;
			struct burst *u = &s->truth[s->n_truth++];
			memset(u, 0, sizeof(*u));
			u->type = BURST_TYPE_BURST;
			u->sample = a;
			u->n_samples = b - a;
			u->rate_hz = cfg->rate_hz;
			u->start_s = (double)a / cfg->rate_hz;
			u->duration_s = (double)(b - a) / cfg->rate_hz;
			u->freq_offset_hz = (lo + hi) / 2;
			u->freq_hz = isfinite(cfg->freq_hz) ? cfg->freq_hz + u->freq_offset_hz : NAN;
			u->bandwidth_hz = hi - lo;
			u->power_dbfs = p_dbfs;
			double n_bw = noise_pow * u->bandwidth_hz / cfg->rate_hz;
			u->noise_dbfs = have_noise ? 10 * log10(n_bw) : -INFINITY;
			u->snr_db = have_noise ? p_dbfs - u->noise_dbfs : INFINITY;
			u->utc_ns = cfg->start_utc_ns == SIMSWEEP_UTC_UNKNOWN
			                ? SIMSWEEP_UTC_UNKNOWN
			                : cfg->start_utc_ns + (int64_t)llround(u->start_s * 1e9);
			u->class_id = class_of(&t->tx);
			u->kind = synth_kind_name(t->tx.kind);
			u->confidence = 1.0;
		}
		synth_signal_destroy(sig);
	}
	qsort(s->tx, s->n_tx, sizeof(*s->tx), cmp_tx);
	for (size_t i = 0; i < s->n_tx; i++)
		s->tx[i].sc.tx = &s->tx[i].tx; /* moved by the sort */
	if (s->n_truth)
		qsort(s->truth, s->n_truth, sizeof(*s->truth), cmp_burst);
	return s;
error:
	synth_scene_destroy(s);
	return NULL;
}

void synth_scene_destroy(struct synth_scene *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->tx && i < s->n_tx; i++)
		synth_signal_destroy(s->tx[i].sig);
	free(s->tx);
	free(s->truth);
	free(s);
}

void synth_scene_reset(struct synth_scene *s)
{
	for (size_t i = 0; i < s->n_tx; i++) {
		synth_signal_destroy(s->tx[i].sig);
		s->tx[i].sig = NULL;
	}
	s->next = 0;
	s->pos = 0;
}

uint64_t synth_scene_length(const struct synth_scene *s)
{
	return s->length;
}

size_t synth_scene_truth(const struct synth_scene *s, const struct burst **truth)
{
	*truth = s->truth;
	return s->n_truth;
}

size_t synth_scene_render(struct synth_scene *s, float complex *out, size_t n)
{
	if (!s || !out || s->pos >= s->length)
		return 0;
	if ((uint64_t)n > s->length - s->pos)
		n = (size_t)(s->length - s->pos);
	const uint64_t a = s->pos, b = s->pos + n;
	for (size_t i = 0; i < n; i++) {
		/* Complex Gaussian, E|z|^2 = 1, from the sample index. */
		uint64_t h1 = synth_hash(s->noise_key, 2 * (a + i));
		uint64_t h2 = synth_hash(s->noise_key, 2 * (a + i) + 1);
		double m = sqrt(-log(synth_unit(h1)));
		double ph = 2 * M_PI * synth_unit(h2);
		out[i] = s->noise_amp ? (float)(s->noise_amp * m * cos(ph)) +
		                            I * (float)(s->noise_amp * m * sin(ph))
		                      : 0.0f;
	}
	/* Activate the transmissions that start before b. */
	while (s->next < s->n_tx && s->tx[s->next].first < b)
		s->next++;
	for (size_t i = 0; i < s->next; i++) {
		struct scene_tx *t = &s->tx[i];
		if (t->end <= a)
			continue;
		if (!t->sig) {
			t->sig = synth_signal_create(&t->sc);
			if (!t->sig)
				continue; /* out of memory: the transmission is missing */
		}
		synth_signal_add(t->sig, out, a, n);
		if (t->end <= b) {
			synth_signal_destroy(t->sig);
			t->sig = NULL;
		}
	}
	synth_impair(&s->cfg.imp, out, n);
	s->pos = b;
	return n;
}

/* ---- Random "mixed" scenes ------------------------------------------------------ */

void synth_mixed_config_default(struct synth_mixed_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rate_hz = 2.4e6;
	cfg->duration_s = 10;
	cfg->bursts_per_s = 4;
	cfg->snr_min_db = 0;
	cfg->snr_max_db = 20;
	cfg->quiet_fraction = 0.3;
	cfg->seed = 1;
}

/* Longest time one transmission of the mixed scene takes. */
static double tx_duration_s(const struct synth_tx *tx)
{
	switch (tx->kind) {
	case SYNTH_NPRACH: {
		const struct synth_nprach *p = &tx->p.nprach;
		double g = p->format == 2 ? 3.2e-3 * 6 : (p->format == 0 ? 1.4e-3 : 1.6e-3) * 4;
		return g * p->repetitions;
	}
	case SYNTH_NPUSCH: {
		const struct synth_npusch *p = &tx->p.npusch;
		/* Resource unit durations, 36.211 Table 10.1.2.3-1. */
		double ru_s;
		if (p->format == 2)
			ru_s = p->spacing_hz == 3750 ? 8e-3 : 2e-3;
		else if (p->spacing_hz == 3750)
			ru_s = 32e-3;
		else
			ru_s = p->tones == 1 ? 8e-3 : p->tones == 3 ? 4e-3 : p->tones == 6 ? 2e-3 : 1e-3;
		return ru_s * p->n_ru * p->repetitions;
	}
	case SYNTH_PRACH: return 3e-3;
	case SYNTH_GSM_NORMAL:
	case SYNTH_GSM_ACCESS: return tx->p.gsm.frames * 4.615385e-3;
	default: return tx->p.lte.subframes * 1e-3;
	}
}

static double uni(uint64_t key, uint64_t *ctr)
{
	return synth_unit(synth_hash(key, (*ctr)++));
}

static int pick(uint64_t key, uint64_t *ctr, int n)
{
	int v = (int)(uni(key, ctr) * n);
	return v >= n ? n - 1 : v;
}

/* One random transmission of kind k, not yet placed in time or frequency. */
static void random_tx(struct synth_tx *tx, enum synth_kind k, uint64_t key, uint64_t *ctr)
{
	synth_tx_default(tx, k);
	switch (k) {
	case SYNTH_NPRACH:
		tx->p.nprach.format = pick(key, ctr, 3);
		tx->p.nprach.repetitions = 1 << pick(key, ctr, 3);
		tx->p.nprach.n_init = pick(key, ctr, tx->p.nprach.format == 2 ? 36 : 12);
		tx->p.nprach.cell_id = pick(key, ctr, 504);
		break;
	case SYNTH_NPUSCH: {
		static const int tones[4] = {1, 3, 6, 12};
		struct synth_npusch *p = &tx->p.npusch;
		p->spacing_hz = pick(key, ctr, 3) == 0 ? 3750 : 15000;
		p->tones = p->spacing_hz == 3750 ? 1 : tones[pick(key, ctr, 4)];
		p->first_tone = p->tones == 1 ? pick(key, ctr, p->spacing_hz == 3750 ? 48 : 12)
		                              : p->tones * pick(key, ctr, 12 / p->tones);
		p->n_ru = 1 + pick(key, ctr, 2);
		p->qpsk = pick(key, ctr, 2);
		p->cell_id = pick(key, ctr, 504);
		break;
	}
	case SYNTH_PRACH:
		tx->p.prach.format = pick(key, ctr, 4);
		tx->p.prach.root = 1 + pick(key, ctr, 838);
		tx->p.prach.ncs = 13;
		tx->p.prach.shift = pick(key, ctr, 64);
		break;
	case SYNTH_PUSCH: {
		struct synth_lte *p = &tx->p.lte;
		static const int widths[5] = {1, 2, 3, 5, 8};
		p->lte_m = pick(key, ctr, 2);
		p->carrier_prb = 6;
		p->n_prb = p->lte_m ? 6 : widths[pick(key, ctr, 5)];
		p->first_prb = pick(key, ctr, p->carrier_prb - (p->n_prb > 6 ? 6 : p->n_prb) + 1);
		if (p->n_prb > 6) {
			p->carrier_prb = 15;
			p->first_prb = pick(key, ctr, 15 - p->n_prb + 1);
		}
		p->subframes = 1 + pick(key, ctr, 4);
		p->cell_id = pick(key, ctr, 504);
		break;
	}
	case SYNTH_PUCCH:
		tx->p.lte.pucch_format = pick(key, ctr, 2) ? 2 : 0x1a;
		tx->p.lte.pucch_m = pick(key, ctr, 2);
		tx->p.lte.subframes = 1 + pick(key, ctr, 2);
		tx->p.lte.cell_id = pick(key, ctr, 504);
		break;
	case SYNTH_SRS:
		tx->p.lte.n_prb = 4;
		tx->p.lte.first_prb = pick(key, ctr, 3);
		tx->p.lte.srs_comb = pick(key, ctr, 2);
		break;
	case SYNTH_GSM_NORMAL:
		tx->p.gsm.tsc = pick(key, ctr, 8);
		tx->p.gsm.frames = 1 + pick(key, ctr, 8);
		break;
	default: break;
	}
}

/* Half the span a transmission occupies around its freq_offset_hz. */
static double half_span_hz(const struct synth_tx *tx)
{
	switch (tx->kind) {
	case SYNTH_NPRACH:
	case SYNTH_NPUSCH: return 90e3;
	case SYNTH_PRACH: return 540e3;
	case SYNTH_GSM_NORMAL:
	case SYNTH_GSM_ACCESS: return 135e3;
	default: return tx->p.lte.carrier_prb * 90e3;
	}
}

int synth_mixed_generate(const struct synth_mixed_config *cfg, struct synth_tx **out, size_t *n_out)
{
	if (!cfg || !out || !n_out || !(cfg->rate_hz >= 1e6 && cfg->rate_hz <= 1e9) ||
	    !(cfg->duration_s > 0 && cfg->duration_s <= 1e6) ||
	    !(cfg->bursts_per_s > 0 && cfg->bursts_per_s <= 50) ||
	    !(cfg->snr_min_db <= cfg->snr_max_db) || !(fabs(cfg->snr_min_db) <= 100) ||
	    !(fabs(cfg->snr_max_db) <= 100) ||
	    !(cfg->quiet_fraction >= 0 && cfg->quiet_fraction <= 0.9))
		return SIMSWEEP_EINVAL;
	*out = NULL;
	*n_out = 0;
	size_t cap = (size_t)(cfg->duration_s * cfg->bursts_per_s * 2) + 16;
	struct synth_tx *tx = malloc(cap * sizeof(*tx));
	if (!tx)
		return SIMSWEEP_ENOMEM;
	const uint64_t key = synth_mix64(cfg->seed ^ 0x6D69786564ULL);
	uint64_t ctr = 0;
	size_t n = 0;
	/* Each second: its first part busy, the rest (quiet_fraction) noise only.
	 * Inside the busy part, transmissions one after another with random gaps. */
	const double gap_min_s = 5e-3;
	for (double sec = 0; sec < cfg->duration_s; sec += 1.0) {
		double busy_end = sec + (1.0 - cfg->quiet_fraction);
		if (busy_end > cfg->duration_s)
			busy_end = cfg->duration_s;
		double mean_gap = (1.0 - cfg->quiet_fraction) / cfg->bursts_per_s;
		double t = sec + gap_min_s + uni(key, &ctr) * mean_gap;
		for (;;) {
			struct synth_tx x;
			random_tx(&x, (enum synth_kind)pick(key, &ctr, SYNTH_KIND_COUNT), key, &ctr);
			double d = tx_duration_s(&x);
			if (t + d + gap_min_s > busy_end)
				break;
			double half = half_span_hz(&x);
			double room = 0.45 * cfg->rate_hz - half;
			if (room < 0)
				room = 0;
			x.freq_offset_hz = floor((uni(key, &ctr) * 2 - 1) * room / 5e3) * 5e3;
			x.start_s = t;
			x.snr_db = cfg->snr_min_db + uni(key, &ctr) * (cfg->snr_max_db - cfg->snr_min_db);
			if (n == cap) {
				struct synth_tx *q = realloc(tx, 2 * cap * sizeof(*tx));
				if (!q) {
					free(tx);
					return SIMSWEEP_ENOMEM;
				}
				tx = q;
				cap *= 2;
			}
			tx[n++] = x;
			t += d + gap_min_s + 2 * uni(key, &ctr) * mean_gap;
		}
	}
	*out = tx;
	*n_out = n;
	return 0;
}
