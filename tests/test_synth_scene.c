/* Scenes: bad configurations rejected; samples independent of the block size
 * and deterministic for a seed; the SNR of each kind within 0.5 dB of the
 * request, measured in its occupied bandwidth; impairments; the random
 * "mixed" scene. */
#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "simsweep/block.h"
#include "simsweep/synth.h"

static float complex *render_all(struct synth_scene *s, size_t block, size_t *n)
{
	*n = (size_t)synth_scene_length(s);
	float complex *x = malloc(*n * sizeof(*x));
	size_t pos = 0, got;
	while ((got = synth_scene_render(s, x + pos, block < *n - pos ? block : *n - pos)) > 0)
		pos += got;
	CHECK_EQ_INT(pos, *n);
	return x;
}

static void make_list(struct synth_tx *tx)
{
	synth_tx_default(&tx[0], SYNTH_NPRACH);
	tx[0].start_s = 0.002;
	tx[0].freq_offset_hz = 300e3;
	tx[0].snr_db = 10;
	synth_tx_default(&tx[1], SYNTH_NPUSCH);
	tx[1].start_s = 0.010;
	tx[1].freq_offset_hz = -500e3;
	tx[1].snr_db = 5;
	synth_tx_default(&tx[2], SYNTH_PRACH);
	tx[2].start_s = 0.013;
	tx[2].snr_db = 8;
	synth_tx_default(&tx[3], SYNTH_PUSCH);
	tx[3].start_s = 0.016;
	tx[3].p.lte.subframes = 2;
	tx[3].snr_db = 12;
	synth_tx_default(&tx[4], SYNTH_GSM_NORMAL);
	tx[4].start_s = 0.0185;
	tx[4].freq_offset_hz = 600e3;
	tx[4].p.gsm.frames = 3;
	tx[4].snr_db = 15;
	synth_tx_default(&tx[5], SYNTH_PUCCH);
	tx[5].start_s = 0.033;
	tx[5].power_dbfs = -40;
	synth_tx_default(&tx[6], SYNTH_SRS);
	tx[6].start_s = 0.035;
	tx[6].power_dbfs = -40;
	synth_tx_default(&tx[7], SYNTH_GSM_ACCESS);
	tx[7].start_s = 0.037;
	tx[7].power_dbfs = -20;
}

static void check_blocks(void)
{
	struct synth_tx tx[8];
	make_list(tx);
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	cfg.rate_hz = 2.4e6;
	cfg.freq_hz = 847e6;
	cfg.duration_s = 0.04;
	cfg.tx = tx;
	cfg.n_tx = 8;
	cfg.seed = 42;
	cfg.imp.cfo_hz = 1234;
	cfg.imp.ppm = 3.5;
	cfg.imp.iq_gain_db = 0.5;
	cfg.imp.iq_phase_deg = 2;
	cfg.imp.dc_i = 0.01;
	cfg.imp.quantize_cu8 = 1;
	struct synth_scene *s = synth_scene_create(&cfg);
	CHECK(s != NULL);
	size_t n1, n2, n3;
	float complex *a = render_all(s, 65536, &n1);
	synth_scene_reset(s);
	float complex *b = render_all(s, 7, &n2);
	synth_scene_reset(s);
	float complex *c = render_all(s, 4095, &n3);
	CHECK(n1 == n2 && n2 == n3);
	CHECK(!memcmp(a, b, n1 * sizeof(*a)));
	CHECK(!memcmp(a, c, n1 * sizeof(*a)));
	/* cu8 grid */
	int on_grid = 1;
	for (size_t i = 0; i < n1; i++) {
		double q = crealf(a[i]) * 127.5 + 127.5;
		on_grid &= fabs(q - round(q)) < 1e-3;
	}
	CHECK(on_grid);
	/* same seed, same samples; another seed, other noise */
	struct synth_scene *s2 = synth_scene_create(&cfg);
	size_t n4;
	float complex *d = render_all(s2, 1000, &n4);
	CHECK(!memcmp(a, d, n1 * sizeof(*a)));
	synth_scene_destroy(s2);
	cfg.seed = 43;
	s2 = synth_scene_create(&cfg);
	free(d);
	d = render_all(s2, 1000, &n4);
	CHECK(memcmp(a, d, n1 * sizeof(*a)) != 0);
	synth_scene_destroy(s2);
	/* truth: sorted, ppm and cfo applied to the frequencies */
	const struct burst *t;
	size_t nt = synth_scene_truth(s, &t);
	CHECK(nt >= 8);
	for (size_t i = 1; i < nt; i++)
		CHECK(t[i].sample >= t[i - 1].sample);
	/* NPRACH tones sit in the lower quarter of its carrier at 300 kHz */
	CHECK(t[0].freq_offset_hz > 300e3 + 1234 - 3.5 * 847 - 90e3 &&
	      t[0].freq_offset_hz < 300e3 + 1234 - 3.5 * 847 - 40e3);
	CHECK(isfinite(t[0].freq_hz));
	synth_scene_destroy(s);
	free(a);
	free(b);
	free(c);
	free(d);
}

/* SNR: the scene with and without the transmission share the noise (same
 * seed), so their difference is the signal; the noise is measured in the
 * signal's band from the noise-only periodogram. */
static void check_snr(enum synth_kind kind, double rate, double snr_db, double *err_db,
                      double *in_band)
{
	struct synth_tx tx;
	synth_tx_default(&tx, kind);
	tx.start_s = 0.004;
	tx.freq_offset_hz = 200e3;
	tx.snr_db = snr_db;
	if (kind == SYNTH_NPRACH)
		tx.p.nprach.repetitions = 2;
	if (kind == SYNTH_GSM_NORMAL)
		tx.p.gsm.frames = 2;
	if (kind == SYNTH_NPUSCH) {
		tx.p.npusch.tones = 3;
		tx.p.npusch.first_tone = 3;
	}
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	cfg.rate_hz = rate;
	cfg.duration_s = 0.030;
	cfg.noise_dbfs = -25;
	cfg.tx = &tx;
	cfg.n_tx = 1;
	struct synth_scene *s = synth_scene_create(&cfg);
	cfg.n_tx = 0;
	struct synth_scene *z = synth_scene_create(&cfg);
	size_t n, m;
	float complex *x = render_all(s, 65536, &n);
	float complex *w = render_all(z, 65536, &m);
	const struct burst *t;
	size_t nt = synth_scene_truth(s, &t);
	CHECK(nt >= 1);
	/* signal power over the records */
	double ps = 0;
	uint64_t cnt = 0;
	for (size_t r = 0; r < nt; r++)
		for (uint64_t i = t[r].sample; i < t[r].sample + t[r].n_samples; i++) {
			float complex d = x[i] - w[i];
			ps += crealf(d) * crealf(d) + cimagf(d) * cimagf(d);
			cnt++;
		}
	ps /= (double)cnt;
	/* noise and signal spectra over one FFT of the whole recording */
	size_t L = n;
	fftwf_complex *B = fftwf_malloc(sizeof(fftwf_complex) * L);
	fftwf_plan p = fftwf_plan_dft_1d((int)L, B, B, FFTW_FORWARD, FFTW_ESTIMATE);
	float complex *Bc = (float complex *)B;
	double lo = t[0].freq_offset_hz - t[0].bandwidth_hz / 2, hi = lo + t[0].bandwidth_hz;
	const double lo0 = lo, hi0 = hi; /* the band the SNR is defined in */
	/* several records (PUCCH hops edge to edge): the union of their bands */
	for (size_t r = 1; r < nt; r++) {
		double l2 = t[r].freq_offset_hz - t[r].bandwidth_hz / 2, h2 = l2 + t[r].bandwidth_hz;
		lo = l2 < lo ? l2 : lo;
		hi = h2 > hi ? h2 : hi;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < L; i++)
			Bc[i] = pass ? x[i] - w[i] : w[i];
		fftwf_execute(p);
		double inb = 0, tot = 0, wide = 0, bw = hi0 - lo0;
		for (size_t k = 0; k < L; k++) {
			double f = (k < L / 2 ? (double)k : (double)k - (double)L) * rate / (double)L;
			double e = crealf(Bc[k]) * crealf(Bc[k]) + cimagf(Bc[k]) * cimagf(Bc[k]);
			tot += e;
			if (f >= lo0 && f < hi0)
				inb += e;
			if (f >= lo - 0.1 * bw && f < hi + 0.1 * bw)
				wide += e;
		}
		if (pass == 0) {
			double noise_in_band = inb / tot * (tot / (double)L / (double)L); /* mean power share */
			*err_db = 10 * log10(ps / noise_in_band) - snr_db;
		} else {
			*in_band = wide / tot; /* occupied: power within the band (+-10 %) */
		}
	}
	fftwf_destroy_plan(p);
	fftwf_free(B);
	free(x);
	free(w);
	synth_scene_destroy(s);
	synth_scene_destroy(z);
}

static void check_bad(void)
{
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_NPRACH);
	cfg.tx = &tx;
	cfg.n_tx = 1;
	struct synth_scene *s = synth_scene_create(&cfg);
	CHECK(s != NULL);
	synth_scene_destroy(s);
	CHECK(synth_scene_create(NULL) == NULL);
	struct synth_scene_config b = cfg;
	b.rate_hz = 0;
	CHECK(synth_scene_create(&b) == NULL);
	b = cfg;
	b.duration_s = 0;
	CHECK(synth_scene_create(&b) == NULL);
	b = cfg;
	b.noise_dbfs = NAN;
	CHECK(synth_scene_create(&b) == NULL);
	b = cfg;
	b.imp.ppm = 5000;
	CHECK(synth_scene_create(&b) == NULL);
	b = cfg;
	b.imp.quantize_cu8 = 2;
	CHECK(synth_scene_create(&b) == NULL);
	b = cfg;
	b.tx = NULL;
	CHECK(synth_scene_create(&b) == NULL);
	struct synth_tx bad = tx;
	bad.start_s = -1;
	b = cfg;
	b.tx = &bad;
	CHECK(synth_scene_create(&b) == NULL);
	bad = tx;
	bad.snr_db = 10;
	b = cfg;
	b.tx = &bad;
	b.noise_dbfs = -INFINITY; /* an SNR needs noise */
	CHECK(synth_scene_create(&b) == NULL);
	bad = tx;
	bad.kind = SYNTH_KIND_COUNT;
	CHECK(synth_tx_validate(&bad) != 0);
	struct synth_signal_config sc;
	synth_signal_config_default(&sc);
	CHECK(synth_signal_create(&sc) == NULL); /* no tx */
	sc.tx = &tx;
	sc.rate_hz = 10;
	CHECK(synth_signal_create(&sc) == NULL);
	sc.rate_hz = 1e6;
	sc.amplitude = 0;
	CHECK(synth_signal_create(&sc) == NULL);
	enum synth_kind k;
	CHECK(synth_kind_parse("nprach", &k) == 0 && k == SYNTH_NPRACH);
	CHECK(synth_kind_parse("lte", &k) != 0);
	struct synth_mixed_config mc;
	synth_mixed_config_default(&mc);
	mc.bursts_per_s = 0;
	struct synth_tx *list;
	size_t nl;
	CHECK(synth_mixed_generate(&mc, &list, &nl) != 0);
}

static void check_mixed(void)
{
	struct synth_mixed_config mc;
	synth_mixed_config_default(&mc);
	mc.duration_s = 20;
	mc.seed = 9;
	struct synth_tx *a, *b;
	size_t na, nb;
	CHECK(synth_mixed_generate(&mc, &a, &na) == 0);
	CHECK(synth_mixed_generate(&mc, &b, &nb) == 0);
	CHECK(na == nb && !memcmp(a, b, na * sizeof(*a)));
	CHECK(na >= 20 && na <= 200);
	int seen[SYNTH_KIND_COUNT] = {0};
	for (size_t i = 0; i < na; i++) {
		seen[a[i].kind]++;
		CHECK(synth_tx_validate(&a[i]) == 0);
		CHECK(isfinite(a[i].snr_db));
	}
	for (int k = 0; k < SYNTH_KIND_COUNT; k++)
		CHECK(seen[k] > 0);
	/* A scene of it: truth in the band, not overlapping, quiet stretches. */
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	cfg.rate_hz = mc.rate_hz;
	cfg.duration_s = mc.duration_s;
	cfg.tx = a;
	cfg.n_tx = na;
	struct synth_scene *s = synth_scene_create(&cfg);
	CHECK(s != NULL);
	const struct burst *t;
	size_t nt = synth_scene_truth(s, &t);
	CHECK(nt >= na);
	int quiet_hit = 0;
	for (size_t i = 0; i < nt; i++) {
		CHECK(fabs(t[i].freq_offset_hz) + t[i].bandwidth_hz / 2 <= 0.5 * cfg.rate_hz);
		double in_sec = fmod(t[i].start_s, 1.0);
		quiet_hit += in_sec > 0.71;
		if (i)
			CHECK(t[i].sample >= t[i - 1].sample);
	}
	CHECK(quiet_hit == 0);
	synth_scene_destroy(s);
	free(a);
	free(b);
}

int main(void)
{
	check_bad();
	check_blocks();
	static const enum synth_kind kinds[] = {SYNTH_NPRACH, SYNTH_NPUSCH, SYNTH_PRACH, SYNTH_PUSCH,
	                                        SYNTH_PUCCH, SYNTH_GSM_NORMAL, SYNTH_GSM_ACCESS};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		for (int r = 0; r < 2; r++) {
			double rate = r ? 2.4e6 : 1.92e6, err, occ;
			check_snr(kinds[i], rate, 10, &err, &occ);
			fprintf(stderr, "%-13s %.2f MS/s: SNR error %+.3f dB, power in band +-10%% %.4f\n",
			        synth_kind_name(kinds[i]), rate / 1e6, err, occ);
			CHECK(fabs(err) < 0.5);
			CHECK(occ > (kinds[i] == SYNTH_NPUSCH ? 0.9 : 0.95));
		}
	}
	check_mixed();
	return check_done("synth_scene");
}
