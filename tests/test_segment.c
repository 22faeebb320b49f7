/* test_segment.c - regions from frames: a block of elevated bins gives one
 * region with the right bins and frames, a tone hopping inside 45 kHz
 * stays one region, noise alone gives none, and bad configurations are
 * rejected. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "siggen.h"
#include "simsweep/segment.h"

struct log {
	int opens, closes, drops;
	struct region last;
};

static void on_open(const struct region *r, void *ctx)
{
	(void)r;
	((struct log *)ctx)->opens++;
}

static void on_close(const struct region *r, void *ctx)
{
	struct log *l = ctx;
	l->closes++;
	l->last = *r;
}

static void on_drop(unsigned from, unsigned into, void *ctx)
{
	(void)from;
	(void)into;
	((struct log *)ctx)->drops++;
}

/* frames of exponential noise (mean 1), bins [lo, hi] x gain in frames
 * [f0, f1); with hop_bins != 0 the elevated bins move by hop_bins every
 * 7 frames (a hopping tone). */
static void feed(struct segmenter *sg, struct log *l, int frames, int f0, int f1, size_t lo,
                 size_t hi, float gain, int hop_bins)
{
	float fr[1024];
	struct siggen_rng r = {3};
	struct segmenter_callbacks cb = {on_open, on_close, on_drop, l, NULL};
	for (int i = 0; i < frames; i++) {
		/* NPRACH-like: +1 tone, +6 tones, -1 tone, then a pseudo-random
		 * jump of up to 11 tones (3.75 kHz tones; hop_bins = bins per tone
		 * times 10). */
		static const int tones[8] = {0, 1, 7, 6, 0, 1, 11, 10};
		int shift = hop_bins ? tones[(i / 7) % 8] * hop_bins / 10 : 0;
		for (size_t k = 0; k < 1024; k++) {
			float v = (float)-log(siggen_uniform(&r));
			if (i >= f0 && i < f1 && k >= lo + (size_t)shift && k <= hi + (size_t)shift)
				v *= gain;
			fr[k] = v;
		}
		segmenter_process(sg, fr, &cb);
	}
	segmenter_flush(sg, &cb);
}

/* Every callback, in order, with the whole region: two segmenters agree
 * only if these match byte for byte. */
struct trace {
	size_t n;
	unsigned char rec[64][1 + sizeof(struct region)];
	int overflow;
};

static void trace_add(struct trace *t, unsigned char kind, const struct region *r)
{
	if (t->n == 64) {
		t->overflow = 1;
		return;
	}
	t->rec[t->n][0] = kind;
	memset(t->rec[t->n] + 1, 0, sizeof(struct region));
	if (r)
		memcpy(t->rec[t->n] + 1, r, sizeof(*r));
	t->n++;
}

static void tr_open(const struct region *r, void *ctx) { trace_add(ctx, 'o', r); }
static void tr_close(const struct region *r, void *ctx) { trace_add(ctx, 'c', r); }
static void tr_drop(unsigned from, unsigned into, void *ctx)
{
	struct region r;
	memset(&r, 0, sizeof(r));
	r.slot = from;
	r.bin_lo = into;
	trace_add(ctx, 'd', &r);
}

/* A segmenter fed the smoothing of a separate smoother (as the pipeline's
 * front half makes it) reports exactly what one smoothing for itself does,
 * over bursts, a hopping tone and a reset between two segments. */
static void check_external_smoothing(const struct segmenter_config *c)
{
	struct segmenter *a = segmenter_create(c), *b = segmenter_create(c);
	struct smoother *sm = smoother_create(c->nbins);
	CHECK(a && b && sm);
	if (!a || !b || !sm)
		return;
	struct trace ta = {0}, tb = {0};
	struct segmenter_callbacks ca = {tr_open, tr_close, tr_drop, &ta, NULL};
	struct segmenter_callbacks cbb = {tr_open, tr_close, tr_drop, &tb, NULL};
	float fr[1024], sfr[1024];
	struct siggen_rng r = {17};
	for (int seg = 0; seg < 2; seg++) {
		for (int i = 0; i < 1501; i++) {
			int shift = ((i / 7) % 5) * 3;
			for (size_t k = 0; k < 1024; k++) {
				float v = (float)-log(siggen_uniform(&r));
				if (i % 300 >= 100 && i % 300 < 130 && k >= 200 && k < 260)
					v *= 6.0f; /* bursts */
				if (i >= 700 && i < 900 && k >= (size_t)(600 + shift) && k < (size_t)(603 + shift))
					v *= 30.0f; /* a hopping tone */
				fr[k] = v;
			}
			smoother_push(sm, fr, sfr);
			segmenter_process(a, fr, &ca);
			segmenter_process_smoothed(b, fr, sfr, &cbb);
		}
		segmenter_flush(a, &ca);
		segmenter_flush(b, &cbb);
		segmenter_reset(a);
		segmenter_reset(b);
		smoother_reset(sm);
	}
	CHECK(!ta.overflow && !tb.overflow);
	CHECK(ta.n >= 8); /* the scene made regions */
	CHECK_EQ_INT(ta.n, tb.n);
	CHECK(memcmp(ta.rec, tb.rec, sizeof(ta.rec)) == 0);
	segmenter_destroy(a);
	segmenter_destroy(b);
	smoother_destroy(sm);
	CHECK(smoother_create(1) == NULL);
	smoother_destroy(NULL);
}

int main(void)
{
	struct segmenter_config c;
	segmenter_config_default(&c);
	struct segmenter *sg = segmenter_create(&c);
	CHECK(sg != NULL);

	struct log l = {0};
	feed(sg, &l, 2000, 100, 150, 300, 340, 20.0f, 0);
	CHECK_EQ_INT(l.opens, 1);
	CHECK_EQ_INT(l.closes, 1);
	CHECK(l.last.first_frame >= 100 && l.last.first_frame <= 102);
	CHECK(l.last.last_frame >= 149 && l.last.last_frame <= 149 + SEGMENTER_SMOOTH_FRAMES);
	CHECK_NEAR(l.last.edge_lo, 299.5, 1.5);
	CHECK_NEAR(l.last.edge_hi, 340.5, 1.5);
	CHECK(!l.last.carrier);

	/* A tone hopping as NPRACH does within 45 kHz (3.75 kHz tones = 1.6
	 * bins): one region. */
	segmenter_reset(sg);
	l = (struct log){0};
	feed(sg, &l, 2000, 500, 560, 600, 601, 30.0f, 16);
	CHECK_EQ_INT(l.closes, 1);

	/* Noise alone: nothing. */
	segmenter_reset(sg);
	l = (struct log){0};
	feed(sg, &l, 20000, 0, 0, 0, 0, 1.0f, 0);
	CHECK_EQ_INT(l.opens, 0);
	CHECK_EQ_INT(l.closes, 0);
	segmenter_destroy(sg);

	struct segmenter_config b = c;
	b.nbins = 8;
	CHECK(segmenter_create(&b) == NULL);
	b = c;
	b.hysteresis_db = b.threshold_db;
	CHECK(segmenter_create(&b) == NULL);
	b = c;
	b.max_regions = 0;
	CHECK(segmenter_create(&b) == NULL);
	b = c;
	b.rate_hz = -1;
	CHECK(segmenter_create(&b) == NULL);
	b = c;
	b.dc_mask_bins = 512;
	CHECK(segmenter_create(&b) == NULL);
	CHECK(segmenter_create(NULL) == NULL);
	segmenter_destroy(NULL);
	check_external_smoothing(&c);
	return check_done("segment");
}
