/* coarse.c - significance-tested tiles for long or wide weak bursts (see coarse.h).
 *
 *   frame ─▶ acc[j] += P[2j] + P[2j+1]           (4 frames: one tick, one row)
 *   row   ─▶ x[j] = row[j] - ref[j]  (busy cells 0) ─▶ prefix over cells
 *         ─▶ + previous integral row                (integral image, doubles)
 *   tile [a, a+W) x (t-T, t]: sums in O(1) from four rows; passes when
 *         sum x > (chi-square quantile / mean - 1) x sum ref
 */
#include "simsweep/coarse.h"
#include "simsweep/simd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_BINS   2
#define TICK_FRAMES 4
#define T_LEVELS    5   /* tile durations 2, 4, 8, 16, 32 ticks */
#define T_MAX       32
#define W_LEVELS    9   /* tile widths 1 .. 256 cells */
#define HIST        128 /* ticks kept for refinement (a power of two) */
#define IMG         64  /* integral rows kept, > T_MAX (a power of two) */
#define INIT_TICKS  16  /* reference training: 64 frames, past the segmenter's */
/* Ticks without a passing tile before a region closes: longer than the
 * stride of the longest tiles, so a burst only they see stays one region. */
#define CLOSE_TICKS (T_MAX / 2 + 2)
/* Variance of a tile's power relative to its mean, times its bins x frames:
 * 35/18 for sums over Hann bins (adjacent bins correlate 4/9), times ~1.2
 * for the 50 % overlap of frames; rounded up. */
#define KAPPA2 2.4
/* Efficiency of a median against a mean, for the trained reference. */
#define MEDIAN_EFF (2.0 / M_PI)
/* A cell this far over its reference (~6 sigma of a 2x4 cell) holds a
 * signal: it does not update the reference. */
#define REF_GATE 4.0
/* The reference learns from the tick this far back, once the longest
 * tiles have had their look at it: a weak burst too long for the short
 * tiles would otherwise pass into the reference before it is found. */
#define REF_DELAY T_MAX

struct cslot {
	int in_use;
	size_t lo, hi;          /* cells [lo, hi) */
	uint64_t first_tick, last_tick;
	uint64_t opened;        /* tick it opened */
};

struct coarse {
	struct coarse_config cfg;
	size_t ncell;
	size_t w_levels;
	size_t join_cells;
	float *acc;             /* ncell: the tick being summed */
	uint8_t *accb;          /* ncell: a busy bin in it */
	size_t acc_n;           /* frames in acc */
	float *hist;            /* HIST x ncell rows */
	uint8_t *hvalid;        /* HIST x ncell */
	double *cx, *cr, *cv;   /* IMG x (ncell + 1) integral rows: excess, reference, valid cells */
	float *ref;             /* ncell: mean power of a cell (one tick) */
	uint64_t *hold;         /* ncell: the reference skips ticks up to this one + 1
	                           (a region's, including after it closed) */
	float *tmp;             /* scratch, ncell + HIST floats */
	double *dtmp;           /* scratch, 2 x (max(ncell, HIST) + 1) */
	double thr[W_LEVELS][T_LEVELS];
	double n_eff;           /* frames the reference stands for */
	int ready;
	uint64_t epoch;         /* first tick with an integral row */
	uint64_t tick;          /* ticks completed since the reset */
	uint64_t frame;
	struct cslot *slots;
};

void coarse_config_default(struct coarse_config *cfg)
{
	cfg->nbins = 1024;
	cfg->hop = 512;
	cfg->rate_hz = 2.4e6;
	cfg->z_sigma = 6.6;
	cfg->ref_frames = 4096;
	cfg->join_hz = 45e3;
	cfg->max_regions = 16;
}

struct coarse *coarse_create(const struct coarse_config *cfg)
{
	if (!cfg || cfg->nbins < 64 || cfg->nbins > 65536 || cfg->nbins % CELL_BINS ||
	    cfg->hop < 1 || cfg->hop > cfg->nbins || !(cfg->rate_hz > 0) || !isfinite(cfg->rate_hz) ||
	    !(cfg->z_sigma >= 3) || !(cfg->z_sigma <= 20) || !(cfg->ref_frames >= 64) ||
	    !(cfg->ref_frames <= 1e6) || !(cfg->join_hz >= 0) || !(cfg->join_hz < cfg->rate_hz) ||
	    cfg->max_regions < 1 || cfg->max_regions > 256)
		return NULL;
	struct coarse *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cfg = *cfg;
	const size_t n = cfg->nbins / CELL_BINS;
	c->ncell = n;
	c->w_levels = 0;
	while (c->w_levels < W_LEVELS && ((size_t)1 << c->w_levels) <= n / 2)
		c->w_levels++;
	c->join_cells = (size_t)ceil(cfg->join_hz / (cfg->rate_hz / (double)cfg->nbins) / CELL_BINS);
	const size_t m = n > HIST ? n : HIST;
	c->acc = calloc(n, sizeof(float));
	c->accb = calloc(n, 1);
	c->hist = calloc(HIST * n, sizeof(float));
	c->hvalid = calloc(HIST * n, 1);
	c->cx = calloc(IMG * (n + 1), sizeof(double));
	c->cr = calloc(IMG * (n + 1), sizeof(double));
	c->cv = calloc(IMG * (n + 1), sizeof(double));
	c->ref = calloc(n, sizeof(float));
	c->hold = calloc(n, sizeof(uint64_t));
	c->tmp = calloc(n + HIST, sizeof(float));
	c->dtmp = calloc(2 * (m + 1), sizeof(double));
	c->slots = calloc(cfg->max_regions, sizeof(*c->slots));
	if (!c->acc || !c->accb || !c->hist || !c->hvalid || !c->cx || !c->cr || !c->cv || !c->ref ||
	    !c->hold || !c->tmp || !c->dtmp || !c->slots) {
		coarse_destroy(c);
		return NULL;
	}
	coarse_reset(c);
	return c;
}

/* Power over the reference, minus one, that a tile of m bins x f frames
 * needs: the z_sigma quantile of its chi-square (Wilson-Hilferty), the
 * variance widened by the reference's own (n_eff frames of the same bins). */
double coarse_excess_threshold(double z, double m, double f, double n_eff)
{
	return excess_threshold_var(z, KAPPA2, m, f, n_eff);
}

double excess_threshold_var(double z, double kappa2, double m, double f, double n_eff)
{
	double v = kappa2 / (m * f) + kappa2 / (m * n_eff);
	double a = v / 9.0; /* 2 / (9 nu) with nu = 2 / v */
	double r = 1.0 - a + z * sqrt(a);
	return r * r * r - 1.0;
}

static void make_thresholds(struct coarse *c)
{
	for (size_t w = 0; w < c->w_levels; w++)
		for (size_t t = 0; t < T_LEVELS; t++)
			c->thr[w][t] = coarse_excess_threshold(c->cfg.z_sigma, (double)(CELL_BINS << w),
			                                (double)(TICK_FRAMES * (2 << t)), c->n_eff);
}

static const float *hrow(const struct coarse *c, uint64_t t)
{
	return c->hist + (t & (HIST - 1)) * c->ncell;
}

static const uint8_t *hval(const struct coarse *c, uint64_t t)
{
	return c->hvalid + (t & (HIST - 1)) * c->ncell;
}

static uint64_t oldest_tick(const struct coarse *c)
{
	return c->tick > HIST ? c->tick - HIST : 0;
}

/* The interval [i, k) of 0 .. n with the largest excess over its standard
 * deviation, from prefix sums of the excess (px) and of its variance (pq),
 * n + 1 values each. *i0, *k0 keep their values when no interval has a
 * variance; returns the score (-inf then). */
static double best_interval(const double *px, const double *pq, size_t n, size_t *i0, size_t *k0)
{
	double best = -INFINITY;
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k <= n; k++) {
			double q = pq[k] - pq[i];
			if (!(q > 0))
				continue;
			double sc = (px[k] - px[i]) / sqrt(q);
			if (sc > best) {
				best = sc;
				*i0 = i;
				*k0 = k;
			}
		}
	return best;
}

/* The most significant span of ticks [from, to] over cells [lo, hi):
 * maximises the excess over its standard deviation. */
static double best_span(struct coarse *c, size_t lo, size_t hi, uint64_t from, uint64_t to,
                        uint64_t *s, uint64_t *e)
{
	const size_t nt = (size_t)(to - from + 1);
	double *px = c->dtmp, *pq = c->dtmp + nt + 1;
	px[0] = pq[0] = 0;
	for (size_t i = 0; i < nt; i++) {
		const float *row = hrow(c, from + i);
		const uint8_t *v = hval(c, from + i);
		double x = 0, q = 0;
		for (size_t j = lo; j < hi; j++)
			if (v[j]) {
				x += row[j] - c->ref[j];
				q += (double)c->ref[j] * c->ref[j];
			}
		px[i + 1] = px[i] + x;
		pq[i + 1] = pq[i] + q;
	}
	size_t i0 = 0, k0 = nt;
	double best = best_interval(px, pq, nt, &i0, &k0);
	*s = from + i0;
	*e = from + k0 - 1;
	return best;
}

/* The most significant band of cells inside [lo, hi) over ticks [s, e]. */
static double best_band(struct coarse *c, size_t lo, size_t hi, uint64_t s, uint64_t e,
                        size_t *a, size_t *b)
{
	const size_t nc = hi - lo;
	double *px = c->dtmp, *pq = c->dtmp + nc + 1;
	float *y = c->tmp;
	memset(y, 0, nc * sizeof(*y));
	for (uint64_t t = s; t <= e; t++) {
		const float *row = hrow(c, t);
		const uint8_t *v = hval(c, t);
		for (size_t j = lo; j < hi; j++)
			if (v[j])
				y[j - lo] += row[j] - c->ref[j];
	}
	const double ticks = (double)(e - s + 1);
	px[0] = pq[0] = 0;
	for (size_t j = 0; j < nc; j++) {
		px[j + 1] = px[j] + y[j];
		pq[j + 1] = pq[j] + ticks * (double)c->ref[lo + j] * c->ref[lo + j];
	}
	size_t i0 = 0, k0 = nc;
	double best = best_interval(px, pq, nc, &i0, &k0);
	*a = lo + i0;
	*b = lo + k0;
	return best;
}

/* Emit the bursts in ticks [from, to] over cells [lo, hi): the most
 * significant rectangle (span over the cells, band over that span, a
 * little wider than the tiles' union, then the span again), if it passes
 * the test of a tile its size, then the same on each side of it (a long
 * tile joins bursts a few ms apart into one region). */
static void emit(struct coarse *c, unsigned slot, size_t lo, size_t hi, uint64_t from, uint64_t to,
                 int depth, const struct coarse_callbacks *cb)
{
	if (to < from + 1 || depth > 3)
		return;
	size_t pad = 2 + (hi - lo) / 8;
	size_t blo = lo > pad ? lo - pad : 0;
	size_t bhi = hi + pad < c->ncell ? hi + pad : c->ncell;
	uint64_t s, e;
	size_t a, b;
	best_span(c, lo, hi, from, to, &s, &e);
	best_band(c, blo, bhi, s, e, &a, &b);
	double score = best_span(c, a, b, from, to, &s, &e);
	double x = 0, r = 0, vcells = 0;
	for (uint64_t t = s; t <= e; t++) {
		const float *row = hrow(c, t);
		const uint8_t *v = hval(c, t);
		for (size_t j = a; j < b; j++)
			if (v[j]) {
				x += row[j] - c->ref[j];
				r += c->ref[j];
				vcells++;
			}
	}
	const double ticks = (double)(e - s + 1);
	if (!(vcells > 0) || !(r > 0))
		return;
	double th = coarse_excess_threshold(c->cfg.z_sigma, CELL_BINS * vcells / ticks, TICK_FRAMES * ticks,
	                             c->n_eff);
	if (!(x > th * r))
		return;
	/* One tick either side is left to this burst: its edges smear into it. */
	if (s >= from + 2)
		emit(c, slot, lo, hi, from, s - 2, depth + 1, cb);
	struct coarse_region out = {
	    .slot = slot,
	    .first_frame = s * TICK_FRAMES,
	    .last_frame = e * TICK_FRAMES + TICK_FRAMES - 1,
	    .edge_lo = (double)(a * CELL_BINS) - 0.5,
	    .edge_hi = (double)(b * CELL_BINS) - 0.5,
	    .excess_power = x / (ticks * TICK_FRAMES),
	    .noise_per_bin = r / (vcells * CELL_BINS * TICK_FRAMES),
	    .z = score / sqrt(KAPPA2 / (CELL_BINS * TICK_FRAMES)),
	};
	if (cb && cb->close)
		cb->close(&out, cb->ctx);
	if (e + 2 <= to)
		emit(c, slot, lo, hi, e + 2, to, depth + 1, cb);
}

static void close_slot(struct coarse *c, unsigned i, const struct coarse_callbacks *cb)
{
	struct cslot *sl = &c->slots[i];
	sl->in_use = 0;
	uint64_t lo_t = sl->first_tick > 2 ? sl->first_tick - 2 : 0;
	if (lo_t < oldest_tick(c))
		lo_t = oldest_tick(c);
	if (c->tick == 0)
		return;
	emit(c, i, sl->lo, sl->hi, lo_t, c->tick - 1, 0, cb);
}

static void merge_slots(struct coarse *c, unsigned into, unsigned from)
{
	struct cslot *a = &c->slots[into], *b = &c->slots[from];
	a->lo = b->lo < a->lo ? b->lo : a->lo;
	a->hi = b->hi > a->hi ? b->hi : a->hi;
	a->first_tick = b->first_tick < a->first_tick ? b->first_tick : a->first_tick;
	a->last_tick = b->last_tick > a->last_tick ? b->last_tick : a->last_tick;
	a->opened = b->opened < a->opened ? b->opened : a->opened;
	b->in_use = 0;
}

/* A tile over cells [a, b) and ticks [t0, t1] passed. */
static void add_tile(struct coarse *c, size_t a, size_t b, uint64_t t0, uint64_t t1)
{
	const size_t tol = c->join_cells;
	int owner = -1;
	for (unsigned i = 0; i < c->cfg.max_regions; i++) {
		struct cslot *sl = &c->slots[i];
		if (!sl->in_use || a >= sl->hi + tol || b + tol <= sl->lo ||
		    t0 > sl->last_tick + CLOSE_TICKS)
			continue;
		if (owner < 0) {
			owner = (int)i;
		} else {
			merge_slots(c, (unsigned)owner, i);
		}
	}
	if (owner >= 0) {
		struct cslot *sl = &c->slots[owner];
		sl->lo = a < sl->lo ? a : sl->lo;
		sl->hi = b > sl->hi ? b : sl->hi;
		sl->first_tick = t0 < sl->first_tick ? t0 : sl->first_tick;
		sl->last_tick = t1 > sl->last_tick ? t1 : sl->last_tick;
		return;
	}
	for (unsigned i = 0; i < c->cfg.max_regions; i++) {
		struct cslot *sl = &c->slots[i];
		if (sl->in_use)
			continue;
		sl->in_use = 1;
		sl->lo = a;
		sl->hi = b;
		sl->first_tick = t0;
		sl->last_tick = t1;
		sl->opened = c->tick;
		return;
	}
	/* All slots busy: the tile is lost (regions are rare). */
}

/* Tiles of W cells starting at each of TILE_BLOCK consecutive cells (the
 * integral rows from the block's first cell): does any pass its first test
 * (the one in detect)? Most blocks hold none; asked of a whole block at
 * once it is vector code (AVX2 where the CPU has it), with the same
 * comparisons as one by one. */
#define TILE_BLOCK 64
/* Tiles up to this wide are asked by block. Their stride is W / 2: the block
 * asks W / 2 times as many tiles as there are, in vector code, which is
 * cheaper than the scalar loop up to about 16 cells (the stride divides
 * TILE_BLOCK, so blocks stay aligned). */
#define TILE_BLOCK_W 16

SIMSWEEP_VECTOR_CLONES
static int any_tile_passes(const double *x1, const double *x0, const double *r1,
                           const double *r0, size_t W, double th)
{
	int any = 0;
	for (size_t i = 0; i < TILE_BLOCK; i++) {
		double sxt = (x1[i + W] - x1[i]) - (x0[i + W] - x0[i]);
		double srt = (r1[i + W] - r1[i]) - (r0[i + W] - r0[i]);
		any |= (srt > 0) & (sxt > th * srt);
	}
	return any;
}

/* Tests on the integral image after tick t. */
static void detect(struct coarse *c, uint64_t t)
{
	const size_t n = c->ncell;
	const float *row = hrow(c, t);
	const uint8_t *v = hval(c, t);
	const double *x0p = c->cx + ((t + IMG - 1) & (IMG - 1)) * (n + 1);
	const double *r0p = c->cr + ((t + IMG - 1) & (IMG - 1)) * (n + 1);
	const double *v0p = c->cv + ((t + IMG - 1) & (IMG - 1)) * (n + 1);
	double *x1 = c->cx + (t & (IMG - 1)) * (n + 1);
	double *r1 = c->cr + (t & (IMG - 1)) * (n + 1);
	double *v1 = c->cv + (t & (IMG - 1)) * (n + 1);
	double sx = 0, sr = 0, sv = 0;
	x1[0] = x0p[0];
	r1[0] = r0p[0];
	v1[0] = v0p[0];
	for (size_t j = 0; j < n; j++) {
		if (v[j]) {
			sx += row[j] - c->ref[j];
			sr += c->ref[j];
			sv += 1;
		}
		x1[j + 1] = x0p[j + 1] + sx;
		r1[j + 1] = r0p[j + 1] + sr;
		v1[j + 1] = v0p[j + 1] + sv;
	}
	for (size_t tl = 0; tl < T_LEVELS; tl++) {
		const uint64_t T = (uint64_t)2 << tl;
		if (t + 1 < c->epoch + T || (t + 1) % (T / 2))
			continue;
		const size_t r0 = (size_t)((t - T) & (IMG - 1)) * (n + 1);
		const double *x0 = c->cx + r0, *rr0 = c->cr + r0, *vv0 = c->cv + r0;
		for (size_t wl = 0; wl < c->w_levels; wl++) {
			const size_t W = (size_t)1 << wl, s = W > 1 ? W / 2 : 1;
			const double th = c->thr[wl][tl], full = (double)(W * T);
			for (size_t a = 0; a + W <= n; a += s) {
				if (W <= TILE_BLOCK_W && a % TILE_BLOCK == 0 &&
				    a + TILE_BLOCK + W <= n &&
				    !any_tile_passes(x1 + a, x0 + a, r1 + a, rr0 + a, W, th)) {
					/* No tile of W cells starting in the next
					 * TILE_BLOCK cells passes, those of stride
					 * s among them included. */
					a += TILE_BLOCK - s;
					continue;
				}
				const size_t b = a + W;
				double sxt = (x1[b] - x1[a]) - (x0[b] - x0[a]);
				double srt = (r1[b] - r1[a]) - (rr0[b] - rr0[a]);
				if (!(srt > 0) || !(sxt > th * srt))
					continue;
				double svt = (v1[b] - v1[a]) - (vv0[b] - vv0[a]);
				if (svt < full - 0.5) {
					/* Part of it busy: its own, smaller, test. */
					if (2 * svt < full)
						continue;
					double m = CELL_BINS * svt / (double)T;
					if (!(sxt > coarse_excess_threshold(c->cfg.z_sigma, m,
					                             (double)(TICK_FRAMES * T), c->n_eff) *
					                srt))
						continue;
				}
				add_tile(c, a, b, t + 1 - T, t);
			}
		}
	}
}

/* Reference update from tick t - REF_DELAY: cells with no region on them
 * then, no busy bins, and not far over it. */
static void update_ref(struct coarse *c, uint64_t t)
{
	const size_t n = c->ncell;
	/* A region holds its cells up to its last passing tile, and a while
	 * after; one that has lasted longer than any burst it could report
	 * is a weak carrier, which the reference takes in (one event, not one
	 * every HIST ticks). */
	for (unsigned i = 0; i < c->cfg.max_regions; i++) {
		const struct cslot *sl = &c->slots[i];
		if (!sl->in_use || t >= sl->opened + HIST / 2)
			continue;
		for (size_t j = sl->lo; j < sl->hi; j++)
			if (c->hold[j] < sl->last_tick + CLOSE_TICKS)
				c->hold[j] = sl->last_tick + CLOSE_TICKS;
	}
	if (t < c->epoch + REF_DELAY)
		return;
	const uint64_t td = t - REF_DELAY;
	c->n_eff += TICK_FRAMES;
	if (c->n_eff > c->cfg.ref_frames)
		c->n_eff = c->cfg.ref_frames;
	const float alpha = (float)(TICK_FRAMES / c->n_eff);
	const float *row = hrow(c, td);
	const uint8_t *v = hval(c, td);
	for (size_t j = 0; j < n; j++)
		if (v[j] && td > c->hold[j] && row[j] < REF_GATE * c->ref[j])
			c->ref[j] += alpha * (row[j] - c->ref[j]);
	make_thresholds(c);
}

static void close_stale(struct coarse *c, uint64_t t, const struct coarse_callbacks *cb)
{
	for (unsigned i = 0; i < c->cfg.max_regions; i++)
		if (c->slots[i].in_use && (t > c->slots[i].last_tick + CLOSE_TICKS ||
		                           t + T_MAX + 2 >= c->slots[i].first_tick + HIST))
			close_slot(c, i, cb);
}

static int cmp_float(const void *x, const void *y)
{
	float u = *(const float *)x, w = *(const float *)y;
	return (u > w) - (u < w);
}

/* End of training: per-cell medians over the kept ticks, scaled to means
 * by the band's median mean/median ratio; then the kept ticks are
 * examined with the busy flags as they are now (the caller's carriers are
 * known only once its own training is over). */
static void train(struct coarse *c, const struct coarse_callbacks *cb)
{
	const size_t n = c->ncell, nt = (size_t)c->tick;
	float *col = c->tmp, *ratio = c->tmp + HIST;
	size_t nr = 0;
	const uint8_t *last = hval(c, c->tick - 1);
	for (size_t j = 0; j < n; j++) {
		double mean = 0;
		for (size_t t = 0; t < nt; t++) {
			col[t] = hrow(c, t)[j];
			mean += col[t];
		}
		mean /= (double)nt;
		qsort(col, nt, sizeof(*col), cmp_float);
		float med = nt % 2 ? col[nt / 2] : 0.5f * (col[nt / 2 - 1] + col[nt / 2]);
		c->ref[j] = med;
		if (last[j] && med > 0 && nr < n) /* ratio[] reuses tmp past HIST: n floats */
			ratio[nr++] = (float)(mean / med);
	}
	float g = 1.0f;
	if (nr > 0) {
		qsort(ratio, nr, sizeof(*ratio), cmp_float);
		g = ratio[nr / 2];
	}
	for (size_t j = 0; j < n; j++)
		c->ref[j] *= g;
	c->n_eff = (double)(nt * TICK_FRAMES) * MEDIAN_EFF;
	make_thresholds(c);
	for (size_t t = 0; t < nt; t++) {
		uint8_t *v = c->hvalid + (t & (HIST - 1)) * n;
		for (size_t j = 0; j < n; j++)
			v[j] &= last[j];
	}
	c->ready = 1;
	c->epoch = 0;
	memset(c->cx + (IMG - 1) * (n + 1), 0, (n + 1) * sizeof(double));
	memset(c->cr + (IMG - 1) * (n + 1), 0, (n + 1) * sizeof(double));
	memset(c->cv + (IMG - 1) * (n + 1), 0, (n + 1) * sizeof(double));
	for (size_t t = 0; t < nt; t++) {
		detect(c, t);
		close_stale(c, t, cb);
	}
}

/* A frame's bins into the tick's cells (CELL_BINS each), and their busy
 * flags. */
SIMSWEEP_VECTOR_CLONES
static void accumulate(float *restrict acc, uint8_t *restrict accb, const float *restrict frame,
                       const uint8_t *restrict busy, size_t n)
{
	for (size_t j = 0; j < n; j++)
		acc[j] += frame[2 * j] + frame[2 * j + 1];
	if (busy)
		for (size_t j = 0; j < n; j++)
			accb[j] |= busy[2 * j] | busy[2 * j + 1];
}

void coarse_process(struct coarse *c, const float *frame, const uint8_t *busy,
                    const struct coarse_callbacks *cb)
{
	const size_t n = c->ncell;
	float *restrict acc = c->acc;
	accumulate(acc, c->accb, frame, busy, n);
	c->frame++;
	if (++c->acc_n < TICK_FRAMES)
		return;
	/* A tick is complete. */
	const uint64_t t = c->tick;
	float *row = c->hist + (t & (HIST - 1)) * n;
	uint8_t *v = c->hvalid + (t & (HIST - 1)) * n;
	for (size_t j = 0; j < n; j++) {
		row[j] = acc[j];
		v[j] = !c->accb[j] && isfinite(acc[j]);
		if (!v[j])
			row[j] = 0;
	}
	memset(acc, 0, n * sizeof(*acc));
	memset(c->accb, 0, n);
	c->acc_n = 0;
	c->tick++;
	if (!c->ready) {
		if (c->tick == INIT_TICKS)
			train(c, cb);
		return;
	}
	detect(c, t);
	update_ref(c, t);
	close_stale(c, t, cb);
}

void coarse_flush(struct coarse *c, const struct coarse_callbacks *cb)
{
	for (unsigned i = 0; i < c->cfg.max_regions; i++)
		if (c->slots[i].in_use)
			close_slot(c, i, cb);
}

uint64_t coarse_frames(const struct coarse *c)
{
	return c->frame;
}

void coarse_reset(struct coarse *c)
{
	memset(c->acc, 0, c->ncell * sizeof(float));
	memset(c->accb, 0, c->ncell);
	c->acc_n = 0;
	c->tick = 0;
	c->frame = 0;
	c->ready = 0;
	c->epoch = 0;
	c->n_eff = 0;
	memset(c->hold, 0, c->ncell * sizeof(uint64_t));
	for (unsigned i = 0; i < c->cfg.max_regions; i++)
		c->slots[i].in_use = 0;
}

void coarse_destroy(struct coarse *c)
{
	if (!c)
		return;
	free(c->acc);
	free(c->accb);
	free(c->hist);
	free(c->hvalid);
	free(c->cx);
	free(c->cr);
	free(c->cv);
	free(c->ref);
	free(c->hold);
	free(c->tmp);
	free(c->dtmp);
	free(c->slots);
	free(c);
}
