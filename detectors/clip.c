/* clip.c - burst IQ clips and sample-accurate burst edges (see clip.h). */
#include "simsweep/clip.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"
#include "simsweep/simd.h"

#define MAX_DECIM_LOG2 7 /* decimation by up to 128 */
#define FILTER_SEMI_LEN 6 /* a filter of 2 * D * FILTER_SEMI_LEN + 1 taps */
/* Partial sums of the decimator's dot product: 8 complex samples a step
 * (vector code where the CPU has it, the same sums in any version). */
#define DOT_LANES 16

#define FILTER_ATTEN_DB 60.0f

/* A decimating FIR low-pass with real taps: output i is
 * scale * sum_j h[j] x[i D - j], j = 0 .. len - 1 (x before the clip's
 * start taken as 0). */
struct decimator {
	unsigned D, len;
	float *h2;   /* 2 * len: the taps reversed, each twice (re, im) */
	float scale; /* 1 / DC gain */
};

struct clip_slot {
	int open;
	uint64_t start;      /* stream index of raw[0] */
	size_t len;          /* samples in raw */
	float complex *raw;  /* clip_samples */
};

struct clipper {
	struct clipper_config cfg;
	float complex *ring; /* ring position q is at ring[q % ring_cap] */
	size_t ring_cap;     /* ring_samples + ahead_samples */
	uint64_t origin;     /* ring position of stream position 0 */
	uint64_t written;    /* samples taken since reset */
	struct clip_slot *slots;
	float complex *tail; /* scratch for the end of long bursts */
	size_t tail_cap;
	double *csum;        /* prefix sums of the envelope */
	size_t csum_cap;
	struct decimator decim[MAX_DECIM_LOG2 + 1]; /* [0] unused: D = 1 needs no filter */
	double delay[MAX_DECIM_LOG2 + 1];        /* group delay, input samples */
	/* The writer's only: samples written to the ring since create. */
	uint64_t fed;
};

void clipper_config_default(struct clipper_config *cfg)
{
	cfg->rate_hz = 2.4e6;
	cfg->slots = 64;
	cfg->ring_samples = (size_t)1 << 18;
	cfg->ahead_samples = (size_t)1 << 14;
	cfg->clip_samples = (size_t)1 << 15;
	cfg->min_clip_rate_hz = 20e3;
}

/* Modified Bessel function of the first kind, order 0 (power series). */
static double bessel_i0(double x)
{
	double sum = 1, term = 1, q = 0.25 * x * x;
	for (int k = 1; k < 100 && term > 1e-16 * sum; k++) {
		term *= q / ((double)k * (double)k);
		sum += term;
	}
	return sum;
}

/* The decimator by D: a Kaiser-windowed sinc low-pass of 2 * D *
 * FILTER_SEMI_LEN + 1 taps, cut-off 0.5 / D, FILTER_ATTEN_DB stop band
 * (Kaiser's beta for it). Designed here in double precision: liquid's own
 * design evaluates its Bessel series through lgamma, which made the design
 * of all the decimators most of the cost of a pipeline for a short file. */
static int make_decimator(struct decimator *q, unsigned D)
{
	enum { MAX_TAPS = 2 * (1u << MAX_DECIM_LOG2) * FILTER_SEMI_LEN + 1 };
	float h[MAX_TAPS];
	const unsigned len = 2 * D * FILTER_SEMI_LEN + 1;
	const double as = FILTER_ATTEN_DB;
	const double beta = as > 50 ? 0.1102 * (as - 8.7)
	                    : as > 21 ? 0.5842 * pow(as - 21, 0.4) + 0.07886 * (as - 21)
	                              : 0;
	const double fc = 0.5 / (double)D, mid = 0.5 * (double)(len - 1), i0b = bessel_i0(beta);
	for (unsigned i = 0; i < len; i++) {
		double t = (double)i - mid;
		double x = 2.0 * fc * t;
		double sinc = t == 0 ? 1.0 : sin(M_PI * x) / (M_PI * x);
		double r = t / mid;
		double w = bessel_i0(beta * sqrt(1.0 - r * r)) / i0b;
		h[i] = (float)(sinc * w);
	}
	q->D = D;
	q->len = len;
	q->h2 = malloc(2 * len * sizeof(*q->h2));
	if (!q->h2)
		return -1;
	for (unsigned j = 0; j < len; j++)
		q->h2[2 * j] = q->h2[2 * j + 1] = h[len - 1 - j];
	q->scale = 1.0f;
	return 0;
}

/* sum_k h2[k] x[k] over m floats (m even), the even ones into *re and the
 * odd ones into *im: a complex signal through real taps. Liquid-dsp's
 * decimator did this in portable scalar code, the largest single cost of
 * the clips. */
SIMSWEEP_VECTOR_CLONES
static void dot_real_taps(const float *restrict h2, const float *restrict x, size_t m, float *re,
                          float *im)
{
	float acc[DOT_LANES] = {0};
	size_t k = 0;
	for (; k + DOT_LANES <= m; k += DOT_LANES)
		for (size_t l = 0; l < DOT_LANES; l++)
			acc[l] += h2[k + l] * x[k + l];
	float r = 0, q = 0;
	for (size_t l = 0; l < DOT_LANES; l += 2) {
		r += acc[l];
		q += acc[l + 1];
	}
	for (; k < m; k += 2) {
		r += h2[k] * x[k];
		q += h2[k + 1] * x[k + 1];
	}
	*re = r;
	*im = q;
}

/* Output i of the decimator over x[0 .. i D] (earlier samples 0). */
static float complex decimate_one(const struct decimator *q, const float complex *x, size_t i)
{
	const long start = (long)(i * q->D) + 1 - (long)q->len;
	const size_t skip = start < 0 ? (size_t)(-start) : 0;
	float re, im;
	dot_real_taps(q->h2 + 2 * skip, (const float *)(x + (start < 0 ? 0 : start)),
	              2 * (q->len - skip), &re, &im);
	return (re + im * I) * q->scale;
}

/* Decimate n samples in place: returns n / D outputs in x[0 ..). Output i
 * reads x[i D - len + 1 .. i D], so writing it to x[i] harms no later one
 * once i (D - 1) > len - 1 - D; the first outputs wait in a buffer. */
#define DECIM_HELD 32
/* The most held: at D = 2, (len - 1) / (D - 1) + 1 = 4 FILTER_SEMI_LEN + 1. */
_Static_assert(4 * FILTER_SEMI_LEN + 1 <= DECIM_HELD, "decimate holds too few outputs");
static size_t decimate(const struct decimator *q, float complex *x, size_t n)
{
	const size_t outs = n / q->D;
	float complex held[DECIM_HELD];
	const size_t first = (size_t)(q->len - 1) / (q->D - 1) + 1;
	for (size_t i = 0; i < outs; i++) {
		float complex y = decimate_one(q, x, i);
		if (i < first)
			held[i] = y;
		else
			x[i] = y;
	}
	memcpy(x, held, (outs < first ? outs : first) * sizeof(*x));
	return outs;
}

/* A decimator's gain, measured with a constant; its delay is half its
 * length, 2 * D * FILTER_SEMI_LEN + 1 taps: a Kaiser low-pass is symmetric
 * (linear phase), so every frequency is delayed by D * FILTER_SEMI_LEN
 * input samples. */
static void calibrate(struct clipper *c, int l2)
{
	struct decimator *q = &c->decim[l2];
	const unsigned D = 1u << l2;
	/* DC gain: the taps' sum, by the dot product itself over ones. */
	float ones[2 * (2 * (1u << MAX_DECIM_LOG2) * FILTER_SEMI_LEN + 1)];
	for (unsigned k = 0; k < 2 * q->len; k++)
		ones[k] = 1.0f;
	float re, im;
	dot_real_taps(q->h2, ones, 2 * q->len, &re, &im);
	q->scale = 1.0f / fabsf(re);
	c->delay[l2] = (double)D * FILTER_SEMI_LEN;
}

struct clipper *clipper_create(const struct clipper_config *cfg)
{
	if (!cfg || !(cfg->rate_hz > 0) || !isfinite(cfg->rate_hz) || cfg->slots < 1 ||
	    cfg->slots > 1024 || cfg->ring_samples < 4096 ||
	    (cfg->ring_samples & (cfg->ring_samples - 1)) || cfg->ring_samples > ((size_t)1 << 28) ||
	    cfg->ahead_samples > ((size_t)1 << 28) ||
	    cfg->clip_samples < 1024 || cfg->clip_samples > ((size_t)1 << 26) ||
	    !(cfg->min_clip_rate_hz > 0))
		return NULL;
	struct clipper *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cfg = *cfg;
	c->ring_cap = cfg->ring_samples + cfg->ahead_samples;
	c->ring = malloc(c->ring_cap * sizeof(*c->ring));
	c->slots = calloc(cfg->slots, sizeof(*c->slots));
	c->tail_cap = cfg->ring_samples;
	c->tail = malloc(c->tail_cap * sizeof(*c->tail));
	c->csum_cap = (cfg->clip_samples > c->tail_cap ? cfg->clip_samples : c->tail_cap) + 1;
	c->csum = malloc(c->csum_cap * sizeof(*c->csum));
	if (!c->ring || !c->slots || !c->tail || !c->csum)
		goto fail;
	for (size_t i = 0; i < cfg->slots; i++) {
		c->slots[i].raw = malloc(cfg->clip_samples * sizeof(float complex));
		if (!c->slots[i].raw)
			goto fail;
	}
	for (int l2 = 1; l2 <= MAX_DECIM_LOG2; l2++) {
		if (make_decimator(&c->decim[l2], 1u << l2) != 0)
			goto fail;
		calibrate(c, l2);
	}
	return c;
fail:
	clipper_destroy(c);
	return NULL;
}

/* n taken samples from stream position `from` on, into dst: one or two
 * runs of the ring's memory. */
static size_t copy_from_ring(const struct clipper *c, uint64_t from, size_t n, float complex *dst)
{
	for (size_t i = 0; i < n;) {
		size_t len;
		const float complex *x = clipper_samples(c, from + i, n - i, &len);
		memcpy(dst + i, x, len * sizeof(*x));
		i += len;
	}
	return n;
}

static uint64_t ring_oldest(const struct clipper *c)
{
	return c->written > c->cfg.ring_samples ? c->written - c->cfg.ring_samples : 0;
}

size_t clipper_write_space(struct clipper *c, float complex **dst)
{
	size_t at = (size_t)(c->fed % c->ring_cap);
	*dst = c->ring + at;
	return c->ring_cap - at;
}

uint64_t clipper_write_commit(struct clipper *c, size_t n)
{
	uint64_t pos = c->fed;
	c->fed += n;
	return pos;
}

const float complex *clipper_samples(const struct clipper *c, uint64_t from, size_t n,
                                     size_t *len)
{
	size_t at = (size_t)((c->origin + from) % c->ring_cap);
	*len = n < c->ring_cap - at ? n : c->ring_cap - at;
	return c->ring + at;
}

/* The samples were written by the writer: only the slots' shares of them
 * are read, from the ring. */
void clipper_take(struct clipper *c, uint64_t pos, size_t n)
{
	if (c->written == 0)
		c->origin = pos;
	const uint64_t first = c->written;
	c->written += n;
	for (size_t s = 0; s < c->cfg.slots; s++) {
		struct clip_slot *sl = &c->slots[s];
		if (!sl->open || sl->len >= c->cfg.clip_samples)
			continue;
		uint64_t next = sl->start + sl->len;
		if (next < first || next >= first + n)
			continue;
		size_t take = (size_t)(first + n - next);
		if (take > c->cfg.clip_samples - sl->len)
			take = c->cfg.clip_samples - sl->len;
		sl->len += copy_from_ring(c, next, take, sl->raw + sl->len);
	}
}

void clipper_open(struct clipper *c, unsigned slot, uint64_t from)
{
	if (slot >= c->cfg.slots)
		return;
	struct clip_slot *sl = &c->slots[slot];
	uint64_t oldest = ring_oldest(c);
	if (from < oldest)
		from = oldest;
	if (from > c->written)
		from = c->written;
	size_t n = (size_t)(c->written - from);
	if (n > c->cfg.clip_samples)
		n = c->cfg.clip_samples;
	sl->open = 1;
	sl->start = from;
	sl->len = copy_from_ring(c, from, n, sl->raw);
}

void clipper_drop(struct clipper *c, unsigned slot)
{
	if (slot < c->cfg.slots)
		c->slots[slot].open = 0;
}

/* x[k] *= exp(-j w (pos + k)). The phase at the start of each MIX_BLOCK
 * samples comes from the stream position in double precision (no drift
 * over a long clip, clips of one burst from different buffers agree);
 * within a block a table of exp(-j w i). Real arithmetic, so that it is
 * vector code (a complex float product calls a NaN-checking helper). */
#define MIX_BLOCK 64

static void mix_down(float complex *x, size_t n, uint64_t pos, double w)
{
	float rot_re[MIX_BLOCK], rot_im[MIX_BLOCK];
	for (size_t i = 0; i < MIX_BLOCK; i++) {
		rot_re[i] = (float)cos(w * (double)i);
		rot_im[i] = (float)-sin(w * (double)i);
	}
	float *v = (float *)x;
	for (size_t b = 0; b < n; b += MIX_BLOCK) {
		double ph = fmod(w * (double)(pos + b), 2.0 * M_PI);
		const float br = (float)cos(ph), bi = (float)-sin(ph);
		float pr[MIX_BLOCK], pi[MIX_BLOCK];
		for (size_t i = 0; i < MIX_BLOCK; i++) {
			pr[i] = br * rot_re[i] - bi * rot_im[i];
			pi[i] = br * rot_im[i] + bi * rot_re[i];
		}
		size_t e = n - b < MIX_BLOCK ? n - b : MIX_BLOCK;
		float *restrict y = v + 2 * b;
		for (size_t i = 0; i < e; i++) {
			float re = y[2 * i], im = y[2 * i + 1];
			y[2 * i] = re * pr[i] - im * pi[i];
			y[2 * i + 1] = re * pi[i] + im * pr[i];
		}
	}
}

/* Mix x (n samples at stream position pos) down by offset_hz and decimate
 * by 1 << l2 in place. Returns the number of output samples; *t0 gets the
 * stream position (fractional) of output 0. */
static size_t baseband(struct clipper *c, float complex *x, size_t n, uint64_t pos, double offset_hz,
                       int l2, double *t0)
{
	/* Phase referenced to the stream position so that clips of one burst
	 * from different buffers agree. */
	mix_down(x, n, pos, 2.0 * M_PI * offset_hz / c->cfg.rate_hz);
	if (l2 == 0) {
		*t0 = (double)pos;
		return n;
	}
	const size_t D = (size_t)1 << l2;
	size_t outs = decimate(&c->decim[l2], x, n);
	/* Output i is centred on input i*D - delay; skip the filter's start-up. */
	size_t skip = (size_t)ceil(c->delay[l2] / (double)D);
	if (skip > outs)
		skip = outs;
	memmove(x, x + skip, (outs - skip) * sizeof(*x));
	*t0 = (double)pos + (double)(skip * D) - c->delay[l2];
	return outs - skip;
}

/* Least-squares change point of the envelope in [a, b) (indices into the
 * prefix sums cs): the split t maximising (t-a)(b-t)(m_after - m_before)^2
 * with the sign `rising`. Returns a when none. */
static size_t change_point(const double *cs, size_t a, size_t b, int rising)
{
	size_t best = a;
	double best_score = 0;
	for (size_t t = a + 1; t < b; t++) {
		double n1 = (double)(t - a), n2 = (double)(b - t);
		double m1 = (cs[t] - cs[a]) / n1, m2 = (cs[b] - cs[t]) / n2;
		double d = rising ? m2 - m1 : m1 - m2;
		if (d <= 0)
			continue;
		double score = n1 * n2 * d * d;
		if (score > best_score) {
			best_score = score;
			best = t;
		}
	}
	return best;
}

/* At the stream's ends a burst may be on already, or still: the change
 * point then lies anywhere in its level. Does the mean envelope x beside
 * it stand nearer the burst's level `on` than the noise (NAN: unknown,
 * no)? */
static int nearer_burst(double on, double x, double noise)
{
	return !isnan(noise) && on > noise && x - noise > 0.5 * (on - noise);
}

static void prefix_sums(double *cs, const float complex *x, size_t n)
{
	cs[0] = 0;
	for (size_t i = 0; i < n; i++) {
		float re = crealf(x[i]), im = cimagf(x[i]);
		cs[i + 1] = cs[i] + (double)(re * re + im * im);
	}
}

/* Stream position -> index into a clip starting at t0 with step D, clamped. */
static size_t to_index(uint64_t pos, double t0, double D, size_t len)
{
	double i = ((double)pos - t0) / D;
	if (i < 0)
		return 0;
	if (i > (double)len)
		return len;
	return (size_t)(i + 0.5);
}

int clipper_finish(struct clipper *c, unsigned slot, const struct clip_request *rq,
                   struct clip_result *res)
{
	if (slot >= c->cfg.slots || !rq || !res || !(rq->bandwidth_hz > 0) ||
	    rq->start_lo > rq->start_hi || rq->end_lo > rq->end_hi)
		return SIMSWEEP_EINVAL;
	struct clip_slot *sl = &c->slots[slot];
	memset(res, 0, sizeof(*res));
	const double rate = c->cfg.rate_hz;
	int l2 = 0;
	while (l2 < MAX_DECIM_LOG2 && rate / (double)(2u << l2) >= 2.0 * rq->bandwidth_hz &&
	       rate / (double)(2u << l2) >= c->cfg.min_clip_rate_hz)
		l2++;
	const double D = (double)(1u << l2);
	res->noise_bw_hz = rate / D;
	res->clip_rate_hz = rate / D;
	size_t raw_len = sl->len;
	if (rq->avail) {
		const uint64_t lim = rq->avail > sl->start ? rq->avail - sl->start : 0;
		if (lim < raw_len)
			raw_len = (size_t)lim;
	}
	if (!sl->open || raw_len == 0) {
		res->start = rq->start_lo;
		res->end = rq->end_hi > rq->start_lo ? rq->end_hi : rq->start_lo + 1;
		sl->open = 0;
		return SIMSWEEP_OK;
	}
	const uint64_t raw_end = sl->start + raw_len;
	const int whole = raw_end >= rq->end_hi; /* the clip covers the end too */

	double t0;
	size_t len = baseband(c, sl->raw, raw_len, sl->start, rq->offset_hz, l2, &t0);
	float complex *y = sl->raw;
	prefix_sums(c->csum, y, len);

	/* Start: the rising change point in the start window (a short burst
	 * may lie in it whole: its end is a fall, which `rising` refuses). */
	size_t a = to_index(rq->start_lo, t0, D, len), b = to_index(rq->start_hi, t0, D, len);
	size_t ts = b > a + 2 ? change_point(c->csum, a, b, 1) : a;
	double start = t0 + (double)ts * D;

	double end;
	size_t te = len;
	double after = NAN; /* mean envelope after the end: noise */
	double noise_before = ts > 8 ? c->csum[ts] / (double)ts : NAN; /* and before the start */
	if (whole) {
		size_t a2 = to_index(rq->end_lo, t0, D, len), b2 = to_index(rq->end_hi, t0, D, len);
		if (a2 < ts + 1)
			a2 = ts + 1;
		te = b2 > a2 + 2 ? change_point(c->csum, a2, b2, 0) : b2;
		if (rq->stream_end && b2 > te + 1 &&
		    nearer_burst((c->csum[b2] - c->csum[ts]) / (double)(b2 - ts),
		                 (c->csum[b2] - c->csum[te]) / (double)(b2 - te), noise_before))
			te = b2;
		end = t0 + (double)te * D;
		if (len > te + 8)
			after = (c->csum[len] - c->csum[te]) / (double)(len - te);
	} else {
		/* A long burst: the end is taken from the ring's copy of it. */
		uint64_t lo = rq->end_lo, hi = rq->end_hi;
		uint64_t oldest = ring_oldest(c);
		if (lo < oldest)
			lo = oldest;
		if (hi > c->written)
			hi = c->written;
		if (rq->avail && hi > rq->avail)
			hi = rq->avail;
		end = (double)hi;
		if (hi > lo && hi - lo <= c->tail_cap) {
			size_t n = copy_from_ring(c, lo, (size_t)(hi - lo), c->tail);
			double u0;
			size_t tlen = baseband(c, c->tail, n, lo, rq->offset_hz, l2, &u0);
			if (tlen > 2) {
				/* The burst's level from the head, before csum is the tail's. */
				double on = len > ts ? (c->csum[len] - c->csum[ts]) / (double)(len - ts) : NAN;
				prefix_sums(c->csum, c->tail, tlen);
				size_t t = change_point(c->csum, 0, tlen, 0);
				if (rq->stream_end && tlen > t + 1 &&
				    nearer_burst(on, (c->csum[tlen] - c->csum[t]) / (double)(tlen - t),
				                 noise_before))
					t = tlen;
				end = u0 + (double)t * D;
				if (tlen > t + 8)
					after = (c->csum[tlen] - c->csum[t]) / (double)(tlen - t);
			}
			/* csum now belongs to the tail: recompute for the head. */
			prefix_sums(c->csum, y, len);
		}
	}
	/* A burst already on at the stream's first sample has no rise to
	 * find: the change point falls anywhere in its level. When the clip
	 * and the window start at the stream's start, and the envelope before
	 * the change point stands nearer the burst's level than the noise
	 * after its end, the burst began with the stream. (Wrongly so, it
	 * moves the start by no more than the envelope there was nearer the
	 * burst for.) */
	if (sl->start == 0 && a == 0 && ts > a && te > ts &&
	    nearer_burst((c->csum[te] - c->csum[ts]) / (double)(te - ts),
	                 (c->csum[ts] - c->csum[a]) / (double)(ts - a), after))
		start = 0;
	if (start < 0)
		start = 0;
	if (end <= start)
		end = start + D;
	res->start = (uint64_t)llround(start);
	res->end = (uint64_t)llround(end);
	if (res->end <= res->start)
		res->end = res->start + 1;

	/* Power between the edges, over what the clip holds. */
	size_t p0 = to_index(res->start, t0, D, len), p1 = to_index(res->end, t0, D, len);
	if (p1 > p0)
		res->power = (c->csum[p1] - c->csum[p0]) / (double)(p1 - p0);

	/* The clip: the burst with its margins, as far as it was kept. */
	double pre = rq->pre_s * rate, post = rq->post_s * rate;
	size_t c0 = to_index((uint64_t)(start > pre ? start - pre : 0), t0, D, len);
	size_t c1 = to_index((uint64_t)(end + post), t0, D, len);
	if (c1 < c0)
		c1 = c0;
	res->clip = y + c0;
	res->clip_len = c1 - c0;
	res->clip_sample = (uint64_t)llround(t0 + (double)c0 * D > 0 ? t0 + (double)c0 * D : 0);
	sl->open = 0;
	return SIMSWEEP_OK;
}

uint64_t clipper_position(const struct clipper *c)
{
	return c->written;
}

void clipper_reset(struct clipper *c)
{
	c->written = 0;
	for (size_t i = 0; i < c->cfg.slots; i++)
		c->slots[i].open = 0;
}

void clipper_destroy(struct clipper *c)
{
	if (!c)
		return;
	for (int l2 = 1; l2 <= MAX_DECIM_LOG2; l2++)
		free(c->decim[l2].h2);
	if (c->slots)
		for (size_t i = 0; i < c->cfg.slots; i++)
			free(c->slots[i].raw);
	free(c->slots);
	free(c->ring);
	free(c->tail);
	free(c->csum);
	free(c);
}
