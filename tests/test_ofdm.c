/* test_ofdm.c - cyclic-prefix continuity (ofdm.h) and what the pipeline
 * makes of it:
 *  - an LTE SC-FDMA signal on throughout passes every window, noise none,
 *    a 3 ms uplink burst only while it lasts;
 *  - the verdict does not depend on how the stream is cut;
 *  - rates off the LTE numerology get no detector;
 *  - through the pipeline, a cell filling the band with traffic bursts on
 *    top is one carrier and no burst, while the same traffic bursts over
 *    plain noise are all reported. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "simsweep/block.h"
#include "simsweep/ofdm.h"
#include "simsweep/pipeline.h"
#include "simsweep/synth.h"

#define RATE 2.4e6

/* Render a scene: noise at -30 dBFS, the given transmissions, cu8. */
static float complex *render(const struct synth_tx *tx, size_t n_tx, double dur_s, size_t *n)
{
	struct synth_scene_config sc;
	synth_scene_config_default(&sc);
	sc.rate_hz = RATE;
	sc.noise_dbfs = -30;
	sc.duration_s = dur_s;
	sc.seed = 7;
	sc.tx = tx;
	sc.n_tx = n_tx;
	sc.imp.quantize_cu8 = 1;
	struct synth_scene *s = synth_scene_create(&sc);
	CHECK(s != NULL);
	if (!s)
		exit(1);
	size_t len = (size_t)synth_scene_length(s);
	float complex *x = malloc(len * sizeof(*x));
	CHECK(synth_scene_render(s, x, len) == len);
	synth_scene_destroy(s);
	*n = len;
	return x;
}

static void pusch(struct synth_tx *tx, double start_s, int subframes, int carrier_prb, int first_prb,
                  int n_prb, double offset_hz, double snr_db)
{
	synth_tx_default(tx, SYNTH_PUSCH);
	tx->start_s = start_s;
	tx->freq_offset_hz = offset_hz;
	tx->snr_db = snr_db;
	tx->p.lte.carrier_prb = carrier_prb;
	tx->p.lte.first_prb = first_prb;
	tx->p.lte.n_prb = n_prb;
	tx->p.lte.subframes = subframes;
}

static struct ofdm *feed(const float complex *x, size_t n, size_t piece)
{
	struct ofdm *o = ofdm_create(RATE);
	CHECK(o != NULL);
	for (size_t off = 0; off < n; off += piece)
		ofdm_process(o, x + off, n - off < piece ? n - off : piece);
	return o;
}

struct count {
	int bursts, carriers;
	double carrier_bw;
	double start_s[8], end_s[8]; /* the first bursts' */
};

static void on_burst(const struct burst *b, void *ctx)
{
	struct count *c = ctx;
	if (b->type == BURST_TYPE_CARRIER) {
		c->carriers++;
		c->carrier_bw = b->bandwidth_hz;
	} else {
		if (c->bursts < 8) {
			c->start_s[c->bursts] = b->start_s;
			c->end_s[c->bursts] = b->start_s + b->duration_s;
		}
		c->bursts++;
	}
}

/* Was a burst reported within 100 us of [t0, t1] at both edges? */
static int reported(const struct count *c, double t0, double t1)
{
	for (int i = 0; i < c->bursts && i < 8; i++)
		if (fabs(c->start_s[i] - t0) < 100e-6 && fabs(c->end_s[i] - t1) < 100e-6)
			return 1;
	return 0;
}

static struct count analyze(const float complex *x, size_t n)
{
	struct pipeline_config cfg;
	pipeline_config_default(&cfg);
	cfg.rate_hz = RATE;
	cfg.dc_remove = 1;
	cfg.dc_mask_hz = RATE / 1024;
	struct pipeline *p = pipeline_create(&cfg);
	CHECK(p != NULL);
	struct count c = {0};
	struct block b = {.iq = x, .n = n, .rate_hz = RATE, .freq_hz = NAN,
	                  .utc_ns = SIMSWEEP_UTC_UNKNOWN, .gain_db = NAN};
	CHECK(pipeline_process(p, &b, on_burst, &c) == 0);
	pipeline_flush(p, on_burst, &c);
	pipeline_destroy(p);
	return c;
}

int main(void)
{
	CHECK(ofdm_create(1.0833e6) == NULL); /* GSM rate: no whole symbol */
	CHECK(ofdm_create(0) == NULL);
	struct ofdm *o = ofdm_create(1.92e6);
	CHECK(o != NULL);
	ofdm_destroy(o);
	ofdm_destroy(NULL);

	/* 40 ms of SC-FDMA, 6 PRB, 10 dB: every 5 ms window passes. */
	struct synth_tx tx[16];
	pusch(&tx[0], 0.0, 40, 6, 0, 6, 0.0, 10.0);
	size_t n;
	float complex *x = render(tx, 1, 0.040, &n);
	o = feed(x, n, n);
	CHECK(ofdm_continuous(o, n));
	CHECK(ofdm_last_metric(o) >= OFDM_PASS);
	/* Cut into pieces of 7: the same verdict and metric. */
	struct ofdm *o7 = feed(x, n, 7);
	CHECK(ofdm_continuous(o7, n));
	CHECK_NEAR(ofdm_last_metric(o7), ofdm_last_metric(o), 1e-3);
	ofdm_destroy(o7);
	/* Before the first window ends there is no verdict. */
	CHECK(!ofdm_continuous(o, (uint64_t)(0.004 * RATE)));
	ofdm_destroy(o);
	free(x);

	/* Noise alone: no window passes. */
	x = render(NULL, 0, 0.040, &n);
	o = feed(x, n, 4096);
	CHECK(!ofdm_continuous(o, n));
	CHECK(ofdm_last_metric(o) < 0.45);
	ofdm_destroy(o);
	free(x);

	/* A 3 ms uplink burst at 12 ms: continuity fails (its own window
	 * passes, the first ones do not). */
	pusch(&tx[0], 0.012, 3, 6, 0, 6, 300e3, 15.0);
	x = render(tx, 1, 0.040, &n);
	o = feed(x, n, 4096);
	CHECK(!ofdm_continuous(o, n));
	ofdm_destroy(o);
	free(x);

	/* Through the pipeline. Traffic: 3-PRB bursts 12 dB up, 2 ms long,
	 * every 7 ms, at different places. Over a cell of 12 PRB (2.16 MHz of
	 * the 2.4 MHz band) on throughout, they are the cell's own: one
	 * carrier, no burst. */
	const double traffic_hz[] = {-600e3, 300e3, -200e3, 700e3, 0.0, 450e3};
	size_t nt = 0;
	pusch(&tx[nt++], 0.0, 60, 12, 0, 12, 0.0, 10.0);
	for (int i = 0; i < 6; i++)
		pusch(&tx[nt++], 0.004 + 0.007 * i, 2, 6, 0, 3, traffic_hz[i], 22.0);
	x = render(tx, nt, 0.060, &n);
	struct count c = analyze(x, n);
	fprintf(stderr, "cell + traffic: %d carriers (bw %.0f), %d bursts\n", c.carriers, c.carrier_bw,
	        c.bursts);
	CHECK_EQ_INT(c.carriers, 1);
	CHECK_EQ_INT(c.bursts, 0);
	CHECK(c.carrier_bw > 1.5e6);
	free(x);
	/* The same bursts over plain noise are handsets: all six reported. */
	x = render(tx + 1, nt - 1, 0.060, &n);
	c = analyze(x, n);
	fprintf(stderr, "traffic alone: %d carriers, %d bursts\n", c.carriers, c.bursts);
	CHECK_EQ_INT(c.carriers, 0);
	CHECK_EQ_INT(c.bursts, 6);
	free(x);

	/* An LTE-M burst of 8 ms from 2 ms: its cyclic prefix passes both
	 * windows of the floor's training, as a cell would. It is a burst,
	 * reported with its edges, and the two later in its band are reported
	 * too. Taken for a cell open to the end, it hid them: at 18 dB in its
	 * band; at 12 dB, standing less than 12 dB over the noise, it was a
	 * cell filling the band, and hid every burst. */
	static const double at[] = {0.002, 0.040, 0.070};
	static const int sf[] = {8, 2, 4};
	for (double snr = 12; snr <= 18; snr += 6) {
		nt = 0;
		for (int i = 0; i < 3; i++) {
			pusch(&tx[nt], at[i], sf[i], 15, 3, 3, 0.0, snr);
			tx[nt++].p.lte.lte_m = 1;
		}
		/* And another, elsewhere. */
		pusch(&tx[nt++], 0.055, 1, 6, 0, 3, 600e3, snr);
		x = render(tx, nt, 0.100, &n);
		c = analyze(x, n);
		fprintf(stderr, "%.0f dB, burst through the training + 3: %d carriers, %d bursts\n", snr,
		        c.carriers, c.bursts);
		CHECK_EQ_INT(c.carriers, 0);
		CHECK_EQ_INT(c.bursts, 4);
		for (int i = 0; i < 3; i++)
			CHECK(reported(&c, at[i], at[i] + 1e-3 * sf[i]));
		CHECK(reported(&c, 0.055, 0.056));
		free(x);
	}

	/* Wider than half the band (10 PRB, 1.8 MHz) at 10 dB from 1 ms for
	 * 10 ms: it stood less than 12 dB over the noise, a cell filling the
	 * band, and hid every burst. */
	nt = 0;
	pusch(&tx[nt++], 0.001, 10, 15, 2, 10, 0.0, 10.0);
	pusch(&tx[nt++], 0.040, 2, 6, 0, 3, -600e3, 10.0);
	pusch(&tx[nt++], 0.070, 1, 6, 0, 3, 600e3, 10.0);
	x = render(tx, nt, 0.100, &n);
	c = analyze(x, n);
	fprintf(stderr, "wide burst through the training + 2: %d carriers, %d bursts\n", c.carriers,
	        c.bursts);
	CHECK_EQ_INT(c.carriers, 0);
	CHECK_EQ_INT(c.bursts, 3);
	CHECK(reported(&c, 0.001, 0.011));
	CHECK(reported(&c, 0.040, 0.042));
	CHECK(reported(&c, 0.070, 0.071));
	free(x);

	/* A cell (6 PRB at +500 kHz, on throughout) stays one: GSM bursts
	 * 30 dB up beside it, one a TDMA frame over 28 ms, make its OFDM
	 * windows fail (their energy swamps the fold), but its band stays on.
	 * The GSM bursts are reported, nothing else. */
	nt = 0;
	pusch(&tx[nt++], 0.0, 100, 6, 0, 6, 500e3, 10.0);
	synth_tx_default(&tx[nt], SYNTH_GSM_NORMAL);
	tx[nt].start_s = 0.030;
	tx[nt].freq_offset_hz = -700e3;
	tx[nt].snr_db = 30.0;
	tx[nt++].p.gsm.frames = 6;
	x = render(tx, nt, 0.100, &n);
	o = feed(x, n, 4096);
	CHECK(ofdm_failing(o, (uint64_t)(0.058 * RATE), 2)); /* (the windows do fail) */
	CHECK(!ofdm_failing(o, n, 2));                        /* (and pass again) */
	ofdm_destroy(o);
	c = analyze(x, n);
	fprintf(stderr, "cell + GSM beside it: %d carriers, %d bursts\n", c.carriers, c.bursts);
	CHECK_EQ_INT(c.carriers, 1);
	CHECK_EQ_INT(c.bursts, 6);
	free(x);
	return check_done("ofdm");
}
