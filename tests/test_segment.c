/* test_segment.c - regions from frames: a block of elevated bins gives one
 * region with the right bins and frames, a tone hopping inside 45 kHz
 * stays one region, noise alone gives none, and bad configurations are
 * rejected. */
#include <stdlib.h>

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
	struct segmenter_callbacks cb = {on_open, on_close, on_drop, l, NULL, NULL};
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
	return check_done("segment");
}
