/* test_coarse.c - the coarse detection path (coarse.h) on power frames:
 * exponential per-bin powers stand for the periodogram of noise. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "simsweep/coarse.h"

#define NB 1024

struct found {
	int n;
	struct coarse_region r[8];
};

static void on_close(const struct coarse_region *r, void *ctx)
{
	struct found *f = ctx;
	if (f->n < 8)
		f->r[f->n] = *r;
	f->n++;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static double unit(uint64_t *s)
{
	return ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

/* frames of noise (mean 1 per bin), with a burst of power `level` over the
 * noise in bins [b0, b1) and frames [f0, f1); busy over the burst's bins
 * when asked. */
static struct found run(uint64_t seed, size_t frames, size_t b0, size_t b1, size_t f0, size_t f1,
                        double level, int busy_burst)
{
	struct coarse_config cfg;
	coarse_config_default(&cfg);
	struct coarse *c = coarse_create(&cfg);
	struct found f = {0};
	CHECK(c != NULL);
	if (!c)
		return f;
	static float frame[NB];
	static uint8_t busy[NB];
	struct coarse_callbacks cb = {on_close, &f};
	uint64_t s = seed;
	for (size_t j = 0; j < frames; j++) {
		memset(busy, 0, sizeof busy);
		for (size_t k = 0; k < NB; k++) {
			double m = 1.0;
			if (k >= b0 && k < b1 && j >= f0 && j < f1) {
				m += level;
				busy[k] = (uint8_t)busy_burst;
			}
			frame[k] = (float)(-m * log(unit(&s)));
		}
		coarse_process(c, frame, busy, &cb);
	}
	coarse_flush(c, &cb);
	CHECK_EQ_INT(coarse_frames(c), frames);
	coarse_destroy(c);
	return f;
}

static void test_create_rejects(void)
{
	struct coarse_config cfg;
	coarse_config_default(&cfg);
	CHECK(coarse_create(NULL) == NULL);
	struct coarse_config bad = cfg;
	bad.nbins = 1023;
	CHECK(coarse_create(&bad) == NULL);
	bad = cfg;
	bad.nbins = 32;
	CHECK(coarse_create(&bad) == NULL);
	bad = cfg;
	bad.z_sigma = 1;
	CHECK(coarse_create(&bad) == NULL);
	bad = cfg;
	bad.hop = 0;
	CHECK(coarse_create(&bad) == NULL);
	bad = cfg;
	bad.max_regions = 0;
	CHECK(coarse_create(&bad) == NULL);
	bad = cfg;
	bad.rate_hz = NAN;
	CHECK(coarse_create(&bad) == NULL);
	coarse_destroy(NULL);
	/* Small and odd-sized bands work. */
	struct coarse_config small = cfg;
	small.nbins = 64;
	small.hop = 32;
	struct coarse *c = coarse_create(&small);
	CHECK(c != NULL);
	if (!c)
		return;
	float fr[64];
	for (int i = 0; i < 64; i++)
		fr[i] = 1;
	for (int j = 0; j < 201; j++)
		coarse_process(c, fr, NULL, NULL);
	coarse_flush(c, NULL);
	coarse_destroy(c);
}

int main(void)
{
	test_create_rejects();

	/* Noise only: nothing (1 s of frames at 2.4 MS/s, hop 512). */
	struct found f = run(1, 4700, 0, 0, 0, 0, 0, 0);
	CHECK_EQ_INT(f.n, 0);

	/* A 0 dB burst over 77 bins (180 kHz) and 5 frames (1.07 ms), which
	 * never reaches a per-bin threshold: found once, in place. */
	f = run(2, 1000, 300, 377, 400, 405, 1.0, 0);
	CHECK_EQ_INT(f.n, 1);
	if (f.n == 1) {
		CHECK_NEAR(f.r[0].edge_lo, 299.5, 6);
		CHECK_NEAR(f.r[0].edge_hi, 376.5, 6);
		CHECK_NEAR((double)f.r[0].first_frame, 400, 8);
		CHECK_NEAR((double)f.r[0].last_frame, 404, 8);
		CHECK(f.r[0].z > 6);
	}

	/* Deterministic. */
	f = run(3, 1000, 300, 377, 400, 405, 1.0, 0);
	struct found g = run(3, 1000, 300, 377, 400, 405, 1.0, 0);
	CHECK_EQ_INT(f.n, g.n);
	if (f.n == g.n && f.n > 0)
		CHECK(f.r[0].first_frame == g.r[0].first_frame && f.r[0].edge_lo == g.r[0].edge_lo);

	/* The same burst where the caller says a signal is known: nothing. */
	f = run(2, 1000, 300, 377, 400, 405, 1.0, 1);
	CHECK_EQ_INT(f.n, 0);

	/* A narrow long one: 2 bins (one NB-IoT tone) for 150 frames (32 ms). */
	f = run(4, 1000, 600, 602, 300, 450, 1.0, 0);
	CHECK_EQ_INT(f.n, 1);
	return check_done("coarse");
}
