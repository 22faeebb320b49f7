/* test_pipeline.c - detection properties on seeded signals at 2.4 MS/s,
 * quantised as an RTL-SDR gives them (cu8):
 *  - every burst of >= 1 ms at 10 dB SNR (in its own bandwidth) is found,
 *    start within 100 us, bandwidth within 10 %, centre within 5 % of bw;
 *  - exactly one event per burst, none elsewhere;
 *  - 60 s of pure noise: zero events;
 *  - a 1.4 MHz carrier present throughout: one carrier event, no bursts;
 *  - a burst in the first millisecond, or on at the first sample, or still
 *    on at the last: its edges within 100 us;
 *  - a burst across a block boundary is one burst, whatever the block size;
 *  - a hopping NB-IoT-like preamble (tone hopping within 45 kHz every
 *    1.4 ms) is one event;
 *  - bursts of 0.5 .. 1 ms at 8 dB (a PUCCH slot, a subframe), which cross
 *    the threshold in only some of their bins: one event each, not
 *    fragments, bandwidth within 25 % (median within 10 %);
 *  - wide bursts across the DC mask: one event each, bandwidth within
 *    15 .. 20 %;
 *  - such bursts at 5 dB, under min_snr_db and unclaimed by any classifier,
 *    kept on the significance of their extent, mostly whole;
 *  - the front and back halves with up to 4 pieces in flight and the
 *    spectrum of a seeded choice of pieces left to the back (as analyze
 *    with two threads does): the same events as pipeline_process, across
 *    a break in the stream that starts a segment mid-ring, with the coarse
 *    path off and on (weak wide bursts only it finds);
 *  - bad configurations are rejected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "siggen.h"
#include "simsweep/block.h"
#include "simsweep/pipeline.h"

#define RATE 2.4e6
#define MAX_EV 4096

struct collected {
	struct burst ev[MAX_EV];
	size_t n;
};

static void collect(const struct burst *b, void *ctx)
{
	struct collected *c = ctx;
	if (c->n < MAX_EV) {
		c->ev[c->n] = *b;
		c->ev[c->n].clip = NULL;
		c->n++;
	}
}

/* cu8 round trip, as a dongle would deliver the signal. */
static void quantise(float complex *x, size_t n)
{
	uint8_t *q = malloc(2 * n);
	siggen_to_cu8(x, n, q);
	for (size_t i = 0; i < n; i++)
		x[i] = ((float)q[2 * i] - 127.5f) / 127.5f + I * (((float)q[2 * i + 1] - 127.5f) / 127.5f);
	free(q);
}

/* st (may be NULL) gets the pipeline's counts at the end. */
static void run(const float complex *x, size_t n, size_t block, struct collected *out,
                const struct pipeline_config *cfg, struct pipeline_stats *st)
{
	struct pipeline *p = pipeline_create(cfg);
	CHECK(p != NULL);
	if (!p)
		return;
	out->n = 0;
	for (size_t off = 0; off < n; off += block) {
		struct block b = {
			.iq = x + off,
			.n = n - off < block ? n - off : block,
			.sample_index = off,
			.rate_hz = RATE,
			.freq_hz = 847e6,
			.utc_ns = 1700000000LL * 1000000000LL,
			.gain_db = NAN,
		};
		CHECK_EQ_INT(pipeline_process(p, &b, collect, out), 0);
	}
	pipeline_flush(p, collect, out);
	if (st)
		pipeline_stats(p, st);
	pipeline_destroy(p);
}

/* What analyze uses for cu8: DC removed, one bin either side of DC masked. */
static void rtl_config(struct pipeline_config *cfg)
{
	pipeline_config_default(cfg);
	cfg->rate_hz = RATE;
	cfg->dc_remove = 1;
	cfg->dc_mask_hz = RATE / 1024;
}

struct truth {
	size_t start, len;
	double f_hz, bw_hz;
};

static int verbose;

static int cmp_double(const void *a, const void *b)
{
	double u = *(const double *)a, v = *(const double *)b;
	return (u > v) - (u < v);
}

static void test_bursts(void)
{
	const double noise = 0.01; /* -20 dBFS total: an RTL-SDR at moderate gain */
	const size_t n = (size_t)(RATE * 4.0);
	float complex *x = malloc(n * sizeof(*x));
	struct siggen_rng r = {0x1234567ULL};
	siggen_noise(x, n, noise, &r);
	/* Noise-like bursts from NB-IoT multi-tone (45, 180 kHz) through GSM to
	 * LTE-M (1.08 MHz). Narrower noise-like bursts have an envelope that
	 * fades within 1/bandwidth, which puts their start beyond 100 us. */
	const double bws[] = {45e3, 90e3, 180e3, 200e3, 1.08e6, 540e3};
	const double durs[] = {1e-3, 2e-3, 4.6e-3, 1e-3, 8e-3, 1.5e-3};
	struct truth t[64];
	size_t nt = 0;
	size_t pos = (size_t)(0.002 * RATE); /* one right at the start */
	while (nt < 60) {
		size_t i = nt % 6;
		double bw = bws[i];
		double span = RATE * 0.8 - bw; /* centres that keep it inside the band */
		double f = (siggen_uniform(&r) - 0.5) * span;
		/* Keep clear of the DC mask when there is room. */
		if (fabs(f) < bw / 2 + 5e3 && bw / 2 + 5e3 < span / 2)
			f = f < 0 ? -(bw / 2 + 5e3) : bw / 2 + 5e3;
		size_t len = (size_t)(durs[(nt / 6 + i) % 6] * RATE);
		double snr = 10.0; /* 10 dB in its own bandwidth */
		double p = snr * siggen_noise_in_band(noise, RATE, bw);
		siggen_add_band_burst(x, n, RATE, pos, len, f, bw, p, &r);
		t[nt++] = (struct truth){pos, len, f, bw};
		pos += len + (size_t)((0.015 + 0.04 * siggen_uniform(&r)) * RATE);
		if (pos + (size_t)(0.01 * RATE) > n)
			break;
	}
	quantise(x, n);

	struct pipeline_config cfg;
	rtl_config(&cfg);
	static struct collected c;
	const size_t blocks[] = {65536, 4095, 7};
	for (size_t bi = 0; bi < 3; bi++) {
		/* Small blocks on a shorter stretch, to keep the test quick. */
		size_t len = bi == 2 ? n / 8 : n;
		run(x, len, blocks[bi], &c, &cfg, NULL);
		size_t expect = 0;
		for (size_t i = 0; i < nt; i++)
			if (t[i].start + t[i].len + (size_t)(0.002 * RATE) < len)
				expect++;
		size_t found = 0;
		double worst_dt = 0, worst_bw = 0;
		for (size_t i = 0; i < expect; i++) {
			int matched = 0;
			for (size_t k = 0; k < c.n; k++) {
				const struct burst *b = &c.ev[k];
				double dt = ((double)b->sample - (double)t[i].start) / RATE;
				if (fabs(dt) > 1e-3 || fabs(b->freq_offset_hz - t[i].f_hz) > t[i].bw_hz)
					continue;
				matched++;
				double dbw = b->bandwidth_hz / t[i].bw_hz - 1;
				if (verbose || fabs(dt) >= 100e-6 || fabs(dbw) > 0.1)
					fprintf(stderr,
					        "  burst %zu bw %.0f dur %.1f ms: dt %+.1f us, dur %.3f ms, bw %.0f (%+.1f%%), f err %.0f, snr %.1f, p %.1f\n",
					        i, t[i].bw_hz, t[i].len / RATE * 1e3, dt * 1e6, b->duration_s * 1e3, b->bandwidth_hz,
					        dbw * 100, b->freq_offset_hz - t[i].f_hz, b->snr_db, b->power_dbfs);
				/* Measured limits, not wishes: start within 100 us from
				 * 180 kHz up; narrower noise-like bursts fade within
				 * ~1/bw and get 250 us. Bandwidth within 10 % once the
				 * burst lasts 2 ms (a 1 ms burst gives ~4 spectra per
				 * bin: 20 %, and 50 % at 45 kHz). Centre within 5 % of
				 * bw + 2.4 kHz; a 45 kHz x 1 ms noise burst's own
				 * spectrum has only ~45 cells, its centroid scatters by
				 * ~2 kHz rms: 7 kHz there (worst measured 6.3 kHz). */
				int narrow = t[i].bw_hz < 90e3;
				CHECK(fabs(dt) < (t[i].bw_hz >= 180e3 ? 100e-6 : 250e-6));
				CHECK(fabs(dbw) <= (t[i].len >= 2e-3 * RATE ? 0.10 : narrow ? 0.50 : 0.20));
				CHECK(fabs(b->freq_offset_hz - t[i].f_hz) <= (narrow ? 7e3 : 0.05 * t[i].bw_hz + 2.4e3));
				CHECK_NEAR(b->duration_s, t[i].len / RATE, t[i].bw_hz >= 90e3 ? 200e-6 : 500e-6);
				CHECK(b->type == BURST_TYPE_BURST);
				if (fabs(dt) > worst_dt)
					worst_dt = fabs(dt);
				if (fabs(dbw) > worst_bw)
					worst_bw = fabs(dbw);
			}
			if (matched != 1)
				fprintf(stderr, "  burst %zu (bw %.0f, f %.0f, t %.4f): %d events\n", i, t[i].bw_hz,
				        t[i].f_hz, t[i].start / RATE, matched);
			CHECK_EQ_INT(matched, 1);
			found += matched == 1;
		}
		fprintf(stderr, "block %zu: %zu of %zu bursts found, %zu events, worst start error %.1f us, worst bw error %.1f %%\n",
		        blocks[bi], found, expect, c.n, worst_dt * 1e6, worst_bw * 100);
		CHECK_EQ_INT(c.n, expect);
	}
	free(x);
}

/* Short bursts a few dB over the threshold: 180 kHz .. 1.08 MHz, 0.5 and
 * 1 ms, 8 dB in their own bandwidth. Each crosses the threshold in only
 * some of its bins; the region's band must grow to the burst's band, and
 * parts side by side must be one event. */
struct weak_result {
	size_t nt, found, split, wide_ok, events;
	double med;         /* median bandwidth error of the found */
	uint64_t significant; /* events kept on the significance of their extent */
};

/* 48 band-limited noise bursts of durs[0] and durs[1] s and bws[0 .. 2]
 * Hz (0.5 and 1 ms, 180 kHz .. 1.08 MHz unless given) at snr (linear, in
 * their own band): no waveform a classifier knows. */
static void weak_bursts_of(double snr, uint64_t seed, const double *durs, const double *bws,
                           struct weak_result *res)
{
	const double noise = 0.01;
	const size_t n = (size_t)(RATE * 3.0);
	float complex *x = malloc(n * sizeof(*x));
	struct siggen_rng r = {seed};
	siggen_noise(x, n, noise, &r);
	struct truth t[64];
	size_t nt = 0;
	size_t pos = (size_t)(0.02 * RATE);
	while (nt < 48 && pos + (size_t)(0.02 * RATE) < n) {
		double bw = bws[nt % 3];
		double span = RATE * 0.8 - bw;
		double f = (siggen_uniform(&r) - 0.5) * span;
		if (fabs(f) < bw / 2 + 5e3)
			f = f < 0 ? -(bw / 2 + 5e3) : bw / 2 + 5e3;
		size_t len = (size_t)(durs[nt / 3 % 2] * RATE);
		double p = snr * siggen_noise_in_band(noise, RATE, bw);
		siggen_add_band_burst(x, n, RATE, pos, len, f, bw, p, &r);
		t[nt++] = (struct truth){pos, len, f, bw};
		pos += len + (size_t)((0.02 + 0.02 * siggen_uniform(&r)) * RATE);
	}
	quantise(x, n);
	struct pipeline_config cfg;
	rtl_config(&cfg);
	static struct collected c;
	struct pipeline_stats st;
	memset(&st, 0, sizeof(st));
	run(x, n, 65536, &c, &cfg, &st);
	memset(res, 0, sizeof(*res));
	double dbw[64];
	for (size_t i = 0; i < nt; i++) {
		int matched = 0;
		double best = 0;
		for (size_t k = 0; k < c.n; k++) {
			const struct burst *b = &c.ev[k];
			double t0 = (double)t[i].start / RATE, t1 = t0 + (double)t[i].len / RATE;
			if (b->start_s > t1 || b->start_s + b->duration_s < t0 ||
			    fabs(b->freq_offset_hz - t[i].f_hz) > 0.5 * (t[i].bw_hz + b->bandwidth_hz))
				continue;
			matched++;
			best = b->bandwidth_hz / t[i].bw_hz - 1;
			if (verbose)
				fprintf(stderr, "  burst %zu (frame %zu) bw %.0f %.1f ms: event bw %.0f (%+.0f%%) f err %.0f snr %.1f\n",
				        i, t[i].start / 512, t[i].bw_hz, (double)t[i].len / RATE * 1e3, b->bandwidth_hz, best * 100,
				        b->freq_offset_hz - t[i].f_hz, b->snr_db);
		}
		if (matched == 0)
			continue;
		dbw[res->found++] = best;
		res->split += matched > 1;
		res->wide_ok += fabs(best) <= 0.25;
	}
	qsort(dbw, res->found, sizeof(dbw[0]), cmp_double);
	res->med = res->found ? dbw[res->found / 2] : NAN;
	res->nt = nt;
	res->events = c.n;
	res->significant = st.significant_bursts;
	free(x);
}

static void weak_bursts(double snr, uint64_t seed, struct weak_result *res)
{
	static const double durs[] = {0.5e-3, 1e-3}, bws[] = {180e3, 360e3, 1.08e6};
	weak_bursts_of(snr, seed, durs, bws, res);
}

static void print_weak(const char *what, const char *which, const struct weak_result *w)
{
	fprintf(stderr, "%s: %zu of %zu bursts %s found (%llu kept on significance), %zu split, %zu within 25 %%, median %+.1f %%, %zu events\n",
	        what, w->found, w->nt, which, (unsigned long long)w->significant, w->split, w->wide_ok,
	        w->med * 100, w->events);
}

static void test_weak_band(void)
{
	struct weak_result w;
	weak_bursts(6.31, 0x5eed0b17ULL, &w); /* 8 dB */
	fprintf(stderr, "weak band: %zu of %zu bursts found, %zu split, %zu with bandwidth within 25 %%, median error %+.1f %%\n",
	        w.found, w.nt, w.split, w.wide_ok, w.med * 100);
	/* Measured: 48 of 48 found, 1 split, 47 within 25 %, median -4.3 %
	 * (none split, 48 and -3.9 % when the band growth was new). Without
	 * the band growth: 48 found, 13 split, 29 within 25 %, median
	 * -14 %. */
	CHECK(w.found >= w.nt * 9 / 10);
	CHECK(w.split <= 1);
	CHECK(w.wide_ok >= w.found * 9 / 10);
	CHECK(fabs(w.med) <= 0.10);
}

/* At 5 dB such bursts measure under min_snr_db (7) and no classifier
 * claims band-limited noise: only the significance of their extent keeps
 * them. */
static void test_weak_significant(void)
{
	struct weak_result w;
	weak_bursts(3.16, 0x51691f1ULL, &w); /* 5 dB */
	print_weak("significant", "at 5 dB", &w);
	/* Measured: 47 of 48 found (46 on significance), 3 split, 42 within
	 * 25 %, median -5.4 %, 50 events; before the block seed (segment.c,
	 * detect_blocks) 42 (36), 6, 32, -5.4 %, 48; at first 42 (34), 6, 29,
	 * -10.8 %, 48. Before the significance test, the
	 * band's growth from the level of the band grown so far and the merge
	 * of parts over a gap that carries the burst: 24 found (all as
	 * fragments), 11 split, none within 25 %, median -89 %, 43 events. */
	CHECK(w.found >= w.nt * 8 / 10);
	CHECK(w.significant >= w.found / 2);
	CHECK(w.wide_ok >= w.nt / 2);
	CHECK(w.split <= w.nt / 6);
	CHECK(w.events <= w.nt + w.nt / 6);
}

/* The same bursts at 0 dB: no bin of theirs crosses the threshold but
 * at a noise peak; the block seed finds them on blocks of bins over 2 L
 * and 16 frames (segment.c, detect_blocks), and they are kept on the
 * significance of their extent. */
static void test_block_seed(void)
{
	struct weak_result w;
	weak_bursts(1.0, 0xb10c5eedULL, &w); /* 0 dB */
	print_weak("block seed", "at 0 dB", &w);
	/* Measured: 17 of 48 found, none split, 15 within 25 %, 17 events (16
	 * within 25 % before the block seed's finer search, segment.c
	 * block_fine); 1 found before the block seed. Of 0.5 .. 1 ms: a 0.5 ms burst fills under
	 * a third of the shortest sums (8 frames, 1.7 ms), ~4 sigma over 64
	 * bins of a 180 kHz one; 1 ms bursts are its share. (In the
	 * evaluation, 0 dB bursts of 1 ms or more: 42.5 -> 71 % found.) */
	CHECK(w.found >= 12);
	CHECK(w.split <= w.nt / 10);
	CHECK(w.events <= w.found + w.nt / 10);
	CHECK(w.wide_ok * 10 >= w.found * 8);
}

/* Bursts of 1 ms and 180 .. 270 kHz at 0 dB (a 12-tone NPUSCH unit, one
 * PRB of PUSCH): the blocks' grid alone (half-block steps, sums of 8
 * frames every 4) catches them at 5 .. 7 sigma; the finer search of a
 * block that passes BLOCK_Z_PRE (segment.c, block_fine) at ~6 .. 10. */
static void test_fine_seed(void)
{
	static const double durs[] = {1e-3, 1e-3}, bws[] = {180e3, 200e3, 270e3};
	struct weak_result w;
	weak_bursts_of(1.0, 0xf1e5eedULL, durs, bws, &w); /* 0 dB */
	print_weak("fine seed", "of 1 ms at 0 dB", &w);
	/* Measured: 33 of 48 found, none split, 28 within 25 %, 33 events;
	 * without the finer search 21 found, 19 within 25 %. */
	CHECK(w.found >= 30);
	CHECK(w.split <= w.nt / 10);
	CHECK(w.events <= w.found + w.nt / 10);
	CHECK(w.wide_ok * 10 >= w.found * 7);
}

/* Narrow bursts too weak for the narrow seed: 4 .. 15 kHz for 8 and 32 ms
 * at 2 dB in their own band (an NB-IoT single tone's). The tone seed
 * (segment.c, detect_tones) sums them over up to 128 frames. */
static void test_tone_seed(void)
{
	static const double durs[] = {8e-3, 32e-3}, bws[] = {4e3, 8e3, 15e3};
	struct weak_result w;
	weak_bursts_of(1.58, 0x70e5eedULL, durs, bws, &w); /* 2 dB */
	print_weak("tone seed", "of 8 and 32 ms at 2 dB", &w);
	/* Measured: 33 of 48 found, 3 split, 18 within 25 %, 36 events;
	 * without the tone seed 10 found. */
	CHECK(w.found >= 30);
	CHECK(w.split <= w.nt / 10);
	CHECK(w.events <= w.found + w.nt / 10);
}

/* Wide bursts across DC, where cu8 input has its DC bins masked: the
 * threshold runs stop at the mask either side, but the burst is one.
 * Without the band growth across the mask, burst 35 (1.44 MHz at 8 dB)
 * comes out as two halves. */
static void test_across_dc(void)
{
	const double noise = 0.01;
	const size_t n = (size_t)(RATE * 5.0);
	float complex *x = malloc(n * sizeof(*x));
	struct siggen_rng r = {0xdc0ffeeULL};
	siggen_noise(x, n, noise, &r);
	const double bws[] = {540e3, 1.08e6, 2.16e6, 1.44e6};
	const double snrs[] = {100, 10, 31.6, 6.31}; /* 20, 10, 15, 8 dB */
	struct truth t[48];
	size_t nt = 0;
	for (size_t i = 0; i < 44; i++) {
		double bw = bws[i % 4];
		double f = (siggen_uniform(&r) - 0.5) * 0.2 * bw; /* DC within its middle fifth */
		size_t pos = (size_t)((0.05 + 0.11 * (double)i) * RATE);
		size_t len = (size_t)((1 + i % 3) * 1e-3 * RATE);
		siggen_add_band_burst(x, n, RATE, pos, len, f, bw,
		                      snrs[i / 2 % 4] * siggen_noise_in_band(noise, RATE, bw), &r);
		t[nt++] = (struct truth){pos, len, f, bw};
	}
	quantise(x, n);
	struct pipeline_config cfg;
	rtl_config(&cfg);
	static struct collected c;
	run(x, n, 65536, &c, &cfg, NULL);
	for (size_t i = 0; i < nt; i++) {
		int matched = 0;
		for (size_t k = 0; k < c.n; k++) {
			const struct burst *b = &c.ev[k];
			double t0 = (double)t[i].start / RATE, t1 = t0 + (double)t[i].len / RATE;
			if (b->start_s > t1 || b->start_s + b->duration_s < t0)
				continue;
			matched++;
			double dbw = b->bandwidth_hz / t[i].bw_hz - 1;
			/* 15 % from 2 ms, 20 % for 1 ms: the worst measured is a
			 * 540 kHz burst of 2 ms at 20 dB, -11.2 % (one realisation
			 * of band-limited noise: its spectrum is not flat). */
			double tol = t[i].len >= (size_t)(2e-3 * RATE) ? 0.15 : 0.20;
			if (verbose || fabs(dbw) > tol)
				fprintf(stderr, "  across DC %zu: bw %.0f f %.0f: event bw %.0f (%+.1f%%) f %.0f\n", i,
				        t[i].bw_hz, t[i].f_hz, b->bandwidth_hz, dbw * 100, b->freq_offset_hz);
			CHECK(fabs(dbw) <= tol);
		}
		CHECK_EQ_INT(matched, 1);
	}
	fprintf(stderr, "across DC: %zu bursts, %zu events\n", nt, c.n);
	CHECK_EQ_INT(c.n, nt);
	free(x);
}

static void test_noise_only(void)
{
	const size_t chunk = (size_t)RATE;
	float complex *x = malloc(chunk * sizeof(*x));
	struct siggen_rng r = {42};
	struct pipeline_config cfg;
	rtl_config(&cfg);
	struct pipeline *p = pipeline_create(&cfg);
	static struct collected c;
	c.n = 0;
	for (int s = 0; s < 60; s++) {
		siggen_noise(x, chunk, 0.01, &r);
		quantise(x, chunk);
		struct block b = {.iq = x, .n = chunk, .sample_index = (uint64_t)s * chunk, .rate_hz = RATE,
		                  .freq_hz = NAN, .utc_ns = SIMSWEEP_UTC_UNKNOWN};
		pipeline_process(p, &b, collect, &c);
	}
	pipeline_flush(p, collect, &c);
	struct pipeline_stats st;
	pipeline_stats(p, &st);
	fprintf(stderr, "noise: 60 s, %zu events, noise floor %.2f dBFS (true -20.00), %llu short regions\n", c.n,
	        st.noise_dbfs, (unsigned long long)st.short_regions);
	for (size_t i = 0; i < c.n && i < 5; i++)
		fprintf(stderr, "  false event t %.4f bw %.0f dur %.3f ms snr %.1f\n", c.ev[i].start_s,
		        c.ev[i].bandwidth_hz, c.ev[i].duration_s * 1e3, c.ev[i].snr_db);
	CHECK_EQ_INT(c.n, 0);
	CHECK_NEAR(st.noise_dbfs, -20.0, 0.5);
	pipeline_destroy(p);
	free(x);
}

/* A 1.4 MHz LTE-like downlink (1.08 MHz occupied), on from the first to
 * the last sample, 5 s: one carrier event, no bursts. */
static void test_carrier(void)
{
	const size_t n = (size_t)(RATE * 5.0);
	float complex *x = malloc(n * sizeof(*x));
	struct siggen_rng r = {99};
	siggen_noise(x, n, 0.01, &r);
	/* Made in 100 ms pieces (the generator is circular per piece). */
	const size_t piece = (size_t)(RATE * 0.1);
	for (size_t off = 0; off < n; off += piece)
		siggen_add_band_burst(x, n, RATE, off, piece, 200e3, 1.08e6, 0.1, &r);
	quantise(x, n);
	struct pipeline_config cfg;
	rtl_config(&cfg);
	static struct collected c;
	run(x, n, 65536, &c, &cfg, NULL);
	size_t carriers = 0, bursts = 0;
	for (size_t i = 0; i < c.n; i++) {
		if (c.ev[i].type == BURST_TYPE_CARRIER) {
			carriers++;
			CHECK(c.ev[i].duration_s > 4.9);
			CHECK_NEAR(c.ev[i].freq_offset_hz, 200e3, 20e3);
			CHECK_NEAR(c.ev[i].bandwidth_hz, 1.08e6, 0.1 * 1.08e6);
		} else {
			bursts++;
		}
		fprintf(stderr, "carrier test: %s t %.4f dur %.3f s f %.0f bw %.0f\n",
		        c.ev[i].type == BURST_TYPE_CARRIER ? "carrier" : "burst", c.ev[i].start_s,
		        c.ev[i].duration_s, c.ev[i].freq_offset_hz, c.ev[i].bandwidth_hz);
	}
	CHECK_EQ_INT(carriers, 1);
	CHECK_EQ_INT(bursts, 0);
	free(x);
}

/* One band burst of len_s from at_s at snr_db, in noise, generated over
 * n_gen samples and given to the pipeline up to n_run (a cut stream): one
 * burst event, nothing else, from at_s to t1_s within 100 us. */
static void one_burst_edges(float complex *x, size_t n_gen, size_t n_run, uint64_t seed, double at_s,
                            double len_s, double f_hz, double bw_hz, double snr_db, double t1_s,
                            const char *what)
{
	const double noise = 0.01;
	struct pipeline_config cfg;
	rtl_config(&cfg);
	static struct collected c;
	struct siggen_rng r = {seed};
	siggen_noise(x, n_gen, noise, &r);
	double p = pow(10, snr_db / 10) * siggen_noise_in_band(noise, RATE, bw_hz);
	siggen_add_band_burst(x, n_gen, RATE, (size_t)(at_s * RATE), (size_t)(len_s * RATE), f_hz,
	                      bw_hz, p, &r);
	quantise(x, n_gen);
	run(x, n_run, 65536, &c, &cfg, NULL);
	size_t found = 0;
	for (size_t i = 0; i < c.n; i++) {
		if (c.ev[i].type != BURST_TYPE_BURST)
			continue;
		double t0 = c.ev[i].start_s, t1 = t0 + c.ev[i].duration_s;
		found++;
		if (verbose || fabs(t0 - at_s) > 100e-6 || fabs(t1 - t1_s) > 100e-6)
			fprintf(stderr, "%s, %.0f dB: %.4f .. %.4f ms for %.4f .. %.4f\n", what, snr_db,
			        t0 * 1e3, t1 * 1e3, at_s * 1e3, t1_s * 1e3);
		CHECK_NEAR(t0, at_s, 100e-6);
		CHECK_NEAR(t1, t1_s, 100e-6);
	}
	CHECK_EQ_INT(found, 1);
}

/* A burst in the first millisecond, or on already at the first sample:
 * the first frames are examined with the smoothing of the first four, and
 * a burst on at the first sample has no rise to find. Its edges within
 * 100 us all the same (they were 0.4 .. 0.6 ms early from 0.6 ms, and 190
 * us late from 0). */
static void test_stream_start(void)
{
	const size_t n = (size_t)(RATE * 0.03);
	float complex *x = malloc(n * sizeof(*x));
	static const double at_s[] = {0.0, 0.3e-3, 0.6e-3, 0.9e-3};
	static const double snr_db[] = {6.0, 15.0};
	for (size_t k = 0; k < 4; k++)
		for (size_t si = 0; si < 2; si++)
			for (uint64_t seed = 1; seed <= 3; seed++)
				one_burst_edges(x, n, n, 0x5eed00 + seed + 16 * k + 256 * si, at_s[k], 1e-3,
				                400e3, 540e3 / (double)seed, snr_db[si], at_s[k] + 1e-3,
				                "start");
	free(x);
}

/* A burst still on when the stream ends: no fall to find, and the end was
 * put anywhere in its level (9 us of a burst cut after 1.5 ms, which was
 * then dropped; 2 of 3.5 ms). Its end is the stream's, within 100 us. */
static void test_stream_end(void)
{
	const double at = 0.020, len_s = 4e-3;
	static const double cut_s[] = {0.5e-3, 1.0e-3, 1.5e-3, 2.5e-3, 3.5e-3, 4.5e-3};
	static const double snr_db[] = {6.0, 15.0};
	const size_t n_max = (size_t)(RATE * (at + 5e-3));
	float complex *x = malloc(n_max * sizeof(*x));
	for (size_t k = 0; k < sizeof(cut_s) / sizeof(cut_s[0]); k++)
		for (size_t si = 0; si < 2; si++)
			one_burst_edges(x, n_max, (size_t)((at + cut_s[k]) * RATE), 0xe0d00 + 16 * k + si,
			                at, len_s, -300e3, 540e3, snr_db[si],
			                cut_s[k] < len_s ? at + cut_s[k] : at + len_s, "end");
	free(x);
}

/* The stream x[0..n) in blocks of `block`, with a gap of `gap` sample
 * indices before x[split] (a new segment there). With pieces 0 through
 * pipeline_process; else pipeline_front up to `pieces` ahead of
 * pipeline_back, each piece's spectrum left to the back when the seeded
 * coin says so. */
static void run_halves(const float complex *x, size_t n, size_t block, size_t split, uint64_t gap,
                       size_t pieces, uint64_t seed, int coarse, struct collected *out)
{
	struct pipeline_config cfg;
	rtl_config(&cfg);
	cfg.coarse = coarse;
	cfg.pieces = pieces ? pieces : 1;
	struct pipeline *p = pipeline_create(&cfg);
	CHECK(p != NULL);
	if (!p)
		return;
	struct pipeline_piece *pc[8] = {NULL};
	for (size_t i = 0; i < pieces; i++)
		CHECK((pc[i] = pipeline_piece_create(p)) != NULL);
	struct siggen_rng r = {seed};
	size_t head = 0, filled = 0, deferred = 0, made = 0;
	out->n = 0;
	for (size_t off = 0; off < n;) {
		size_t end = off + block;
		if (off < split && end > split)
			end = split;
		if (end > n)
			end = n;
		struct block b = {
			.iq = x + off,
			.n = end - off,
			.sample_index = off + (off >= split ? gap : 0),
			.rate_hz = RATE,
			.freq_hz = 847e6,
			.utc_ns = 1700000000LL * 1000000000LL,
			.gain_db = NAN,
		};
		off = end;
		if (!pieces) {
			CHECK_EQ_INT(pipeline_process(p, &b, collect, out), 0);
			continue;
		}
		for (size_t o = 0; o < b.n;) {
			if (filled == pieces) {
				CHECK_EQ_INT(pipeline_back(p, pc[(head + pieces - filled) % pieces], collect, out), 0);
				filled--;
			}
			int defer = siggen_uniform(&r) < 0.5;
			o += pipeline_front(p, &b, o, pc[head], defer);
			deferred += (size_t)defer;
			made++;
			head = (head + 1) % pieces;
			filled++;
		}
	}
	for (; filled; filled--)
		CHECK_EQ_INT(pipeline_back(p, pc[(head + pieces - filled) % pieces], collect, out), 0);
	pipeline_flush(p, collect, out);
	if (pieces)
		CHECK(deferred > made / 4 && deferred < made * 3 / 4);
	for (size_t i = 0; i < pieces; i++)
		pipeline_piece_destroy(pc[i]);
	pipeline_destroy(p);
}

static int same_burst(const struct burst *a, const struct burst *b)
{
	return a->sample == b->sample && a->n_samples == b->n_samples &&
	       a->freq_offset_hz == b->freq_offset_hz && a->bandwidth_hz == b->bandwidth_hz &&
	       a->power_dbfs == b->power_dbfs && a->snr_db == b->snr_db &&
	       a->noise_dbfs == b->noise_dbfs && a->segment == b->segment &&
	       a->confidence == b->confidence && !strcmp(a->class_id, b->class_id) &&
	       (a->kind == b->kind || (a->kind && b->kind && !strcmp(a->kind, b->kind)));
}

static void test_halves(void)
{
	const double noise = 0.01;
	const size_t n = (size_t)(RATE * 3.0);
	float complex *x = malloc(n * sizeof(*x));
	struct siggen_rng r = {0xfeedULL};
	siggen_noise(x, n, noise, &r);
	const double bws[] = {45e3, 180e3, 1.08e6, 270e3};
	size_t nt = 0;
	/* Every fifth a 1.08 MHz burst: of 6 ms at 0 dB, which only the
	 * segmenter's block seed finds (segment.c, detect_blocks), or of 20 ms
	 * at -8 dB, which only the coarse path finds (its tiles sum up to 27
	 * ms; the block seed 3.4 ms, where such a burst stands under 5
	 * sigma). */
	size_t n_weak = 0, n_block = 0;
	for (size_t pos = (size_t)(0.3 * RATE); pos + (size_t)(0.025 * RATE) < n; nt++) {
		int weak = nt % 5 == 4, block = weak && nt % 10 == 4;
		double bw = weak ? 1.08e6 : bws[nt % 4];
		double f = (siggen_uniform(&r) - 0.5) * (RATE * 0.8 - bw);
		size_t len = (size_t)((block ? 6e-3 : weak ? 20e-3 : 1e-3 + 4e-3 * siggen_uniform(&r)) * RATE);
		double snr = block ? 1.0 : weak ? 0.16 : 10.0;
		siggen_add_band_burst(x, n, RATE, pos, len, f, bw, snr * siggen_noise_in_band(noise, RATE, bw), &r);
		n_weak += (size_t)weak;
		n_block += (size_t)block;
		pos += len + (size_t)((0.01 + 0.03 * siggen_uniform(&r)) * RATE);
	}
	quantise(x, n);
	/* The break after an odd number of samples: the second segment's
	 * frames lie across the ring's end at other places than the first's. */
	const size_t split = (size_t)(1.5 * RATE) + 777;
	static struct collected want, got;
	/* With the coarse path too (--weak-bursts), which takes each frame
	 * after the segmenter: the first after the floor's training is one the
	 * segmenter replays its kept frames over. */
	size_t fine_n = 0;
	for (int coarse = 0; coarse <= 1; coarse++) {
		run_halves(x, n, 10000, split, 5000, 0, 0, coarse, &want);
		CHECK(want.n >= (nt - n_weak) * 3 / 4 + n_block * 3 / 4);
		fprintf(stderr, "halves%s: %zu events of %zu bursts (%zu weak, %zu of them at 0 dB)\n",
		        coarse ? " (coarse path)" : "", want.n, nt, n_weak, n_block);
		if (!coarse)
			fine_n = want.n;
		else
			CHECK(want.n >= fine_n + (n_weak - n_block) / 2); /* the coarse path's own */
		size_t seg1 = 0;
		for (size_t i = 0; i < want.n; i++)
			seg1 += want.ev[i].sample < split;
		CHECK(seg1 > 0 && seg1 < want.n); /* events in both segments */
		const size_t blocks[] = {10000, 65536, 4095};
		for (size_t k = 0; k < 3; k++) {
			run_halves(x, n, blocks[k], split, 5000, 4, 0x5eed + k, coarse, &got);
			size_t same = 0;
			for (size_t i = 0; i < want.n && i < got.n; i++) {
				same += (size_t)same_burst(&want.ev[i], &got.ev[i]);
			}
			fprintf(stderr,
			        "halves%s, blocks of %zu: %zu events, %zu the same as pipeline_process's %zu\n",
			        coarse ? " (coarse path)" : "", blocks[k], got.n, same, want.n);
			CHECK_EQ_INT(got.n, want.n);
			CHECK_EQ_INT(same, want.n);
		}
	}
	free(x);
}

static void test_bad_config(void)
{
	struct pipeline_config cfg;
	pipeline_config_default(&cfg);
	cfg.rate_hz = 0;
	CHECK(pipeline_create(&cfg) == NULL);
	pipeline_config_default(&cfg);
	cfg.fft_size = 1023;
	CHECK(pipeline_create(&cfg) == NULL);
	pipeline_config_default(&cfg);
	cfg.overlap = 0.95;
	CHECK(pipeline_create(&cfg) == NULL);
	pipeline_config_default(&cfg);
	cfg.hysteresis_db = cfg.threshold_db + 1;
	CHECK(pipeline_create(&cfg) == NULL);
	pipeline_config_default(&cfg);
	cfg.max_regions = 0;
	CHECK(pipeline_create(&cfg) == NULL);
	CHECK(pipeline_create(NULL) == NULL);
	pipeline_destroy(NULL);
}

int main(int argc, char **argv)
{
	verbose = argc > 1 && !strcmp(argv[1], "-v");
	test_bursts();
	test_weak_band();
	test_weak_significant();
	test_block_seed();
	test_fine_seed();
	test_tone_seed();
	test_across_dc();
	test_noise_only();
	test_carrier();
	test_stream_start();
	test_stream_end();
	test_halves();
	test_bad_config();
	return check_done("pipeline");
}
