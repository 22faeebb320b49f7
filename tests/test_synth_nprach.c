/* NPRACH against 36.211 10.1.6: tone of every symbol group measured from the
 * generated signal, the hop rule (+-1 tone, +-6 tones, the Gold-sequence hop
 * recomputed here independently), group timing, the 40 ms gap. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "simsweep/synth.h"

/* c(n) of 36.211 7.2, written as the spec's arrays (independent of synth_gold). */
static void gold_ref(unsigned c_init, int *c, int len)
{
	enum { NC = 1600 };
	int n_all = NC + len + 31;
	int *x1 = calloc((size_t)n_all, sizeof(int)), *x2 = calloc((size_t)n_all, sizeof(int));
	x1[0] = 1;
	for (int i = 0; i < 31; i++)
		x2[i] = (int)((c_init >> i) & 1u);
	for (int n = 0; n + 31 < n_all; n++) {
		x1[n + 31] = (x1[n + 3] + x1[n]) % 2;
		x2[n + 31] = (x2[n + 3] + x2[n + 2] + x2[n + 1] + x2[n]) % 2;
	}
	for (int n = 0; n < len; n++)
		c[n] = (x1[n + NC] + x2[n + NC]) % 2;
	free(x1);
	free(x2);
}

/* The tone (0 .. n_tones-1) whose frequency best matches the samples. */
static int measure_tone(const float complex *x, size_t n, double rate, double df, int kk0,
                        int n_tones, double *power)
{
	int best = -1;
	double best_p = -1;
	for (int k = 0; k < n_tones; k++) {
		double f = (k + kk0 + 0.5) * df;
		double complex acc = 0;
		for (size_t i = 0; i < n; i++)
			acc += x[i] * cexp(-I * 2 * M_PI * f * (double)i / rate);
		double p = creal(acc * conj(acc));
		if (p > best_p) {
			best_p = p;
			best = k;
		}
	}
	*power = best_p / ((double)n * (double)n);
	return best;
}

static void check_format(int format, double rate, int reps, int n_init, int cell)
{
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_NPRACH);
	tx.p.nprach.format = format;
	tx.p.nprach.repetitions = reps;
	tx.p.nprach.n_init = n_init;
	tx.p.nprach.cell_id = cell;
	tx.start_s = 1e-3;
	const int f2 = format == 2;
	const double df = f2 ? 1250.0 : 3750.0;
	const int kk0 = f2 ? -72 : -24, P = f2 ? 6 : 4, N = f2 ? 36 : 12, all = f2 ? 144 : 48;
	const double cp_s = (format == 0 ? 2048 : format == 1 ? 8192 : 24576) / 30.72e6;
	const double seq_s = f2 ? 3 * 24576 / 30.72e6 : 5 * 8192 / 30.72e6;
	const int groups = reps * P;
	int *tone = malloc((size_t)groups * sizeof(int));
	CHECK(synth_nprach_tones(&tx.p.nprach, tone, (size_t)groups) == 0);

	/* The hop rule, recomputed. */
	int *c = malloc(2000 * sizeof(int));
	gold_ref((unsigned)cell, c, 2000);
	/* f(t) = (f(t-1) + (sum_{n=10t+1}^{10t+9} c(n) 2^(n-10t-1)) mod (N-1) + 1) mod N, f(-1) = 0 */
	int f[200];
	for (int t = 0; t < 200 && 10 * t + 9 < 2000; t++) {
		int sum = 0;
		for (int k = 10 * t + 1; k <= 10 * t + 9; k++)
			sum += c[k] << (k - 10 * t - 1);
		f[t] = ((t ? f[t - 1] : 0) + sum % (N - 1) + 1) % N;
	}
	int n0 = n_init % N;
	CHECK_EQ_INT(tone[0], n0);
	for (int i = 1; i < groups; i++) {
		int prev = tone[i - 1], m = i % P, want;
		if (m == 0) {
			want = (n0 + f[i / P]) % N;
		} else if (!f2) {
			want = (m == 2) ? (prev < 6 ? prev + 6 : prev - 6) : (prev % 2 ? prev - 1 : prev + 1);
			/* +-3.75 kHz and +-22.5 kHz steps */
			CHECK_NEAR(fabs((double)(tone[i] - prev)) * df, m == 2 ? 22500.0 : 3750.0, 1e-9);
		} else {
			if (m == 1 || m == 5)
				want = prev % 2 ? prev - 1 : prev + 1;
			else if (m == 2 || m == 4)
				want = (prev / 3) % 2 ? prev - 3 : prev + 3;
			else
				want = prev < 18 ? prev + 18 : prev - 18;
		}
		CHECK_EQ_INT(tone[i], want);
		CHECK(tone[i] >= 0 && tone[i] < N);
	}
	/* Pseudo-random hops do happen (not always the same tone). */
	int distinct = 0;
	for (int i = P; i < groups; i += P)
		distinct += tone[i] != tone[i - P];
	if (reps >= 4)
		CHECK(distinct >= 1);

	/* Render and measure every group's tone from the samples. */
	struct synth_signal_config sc;
	synth_signal_config_default(&sc);
	sc.tx = &tx;
	sc.rate_hz = rate;
	struct synth_signal *s = synth_signal_create(&sc);
	CHECK(s != NULL);
	uint64_t a, b;
	synth_signal_span(s, &a, &b);
	CHECK_EQ_INT(a, (uint64_t)ceil(tx.start_s * rate - 1e-7));
	CHECK_NEAR((double)(b - a) / rate, groups * (cp_s + seq_s), 1.5 / rate);
	size_t n = (size_t)b + 16;
	float complex *x = calloc(n, sizeof(*x));
	CHECK(synth_signal_add(s, x, 0, n) == 0);
	for (int i = 0; i < groups; i++) {
		double g0 = tx.start_s + i * (cp_s + seq_s) + cp_s;
		size_t s0 = (size_t)ceil(g0 * rate), len = (size_t)floor(seq_s * rate) - 2;
		double p;
		int k = measure_tone(x + s0, len, rate, df, kk0, all, &p);
		CHECK_EQ_INT(k, tone[i]);
		CHECK_NEAR(p, 1.0, 0.01); /* single tone, unit power */
	}
	/* Envelope constant inside the preamble (a single tone). */
	double mn = 1e9, mx = 0;
	for (size_t i = a; i < b; i++) {
		double m = cabsf(x[i]);
		mn = m < mn ? m : mn;
		mx = m > mx ? m : mx;
	}
	CHECK(mx - mn < 1e-3);
	CHECK(cabsf(x[a - 1]) == 0 && cabsf(x[b]) == 0);
	free(x);
	synth_signal_destroy(s);
	free(tone);
	free(c);
}

/* NPUSCH (36.211 10.1.3, 10.1.5): single tone at 3.75 kHz in 2 ms slots whose
 * last 75 us are silent, resource unit lengths, the 40 ms gap after 256 ms. */
static void check_npusch(void)
{
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_NPUSCH);
	tx.p.npusch.spacing_hz = 3750;
	tx.p.npusch.tones = 1;
	tx.p.npusch.first_tone = 30;
	tx.p.npusch.qpsk = 1;
	tx.start_s = 1e-3;
	const double rate = 1.92e6;
	struct synth_signal_config sc;
	synth_signal_config_default(&sc);
	sc.tx = &tx;
	sc.rate_hz = rate;
	struct synth_signal *s = synth_signal_create(&sc);
	CHECK(s != NULL);
	uint64_t a, b;
	synth_signal_span(s, &a, &b);
	/* one RU = 16 slots of 2 ms; the last slot's guard is not part of the span */
	CHECK_NEAR((double)(b - a) / rate, 32e-3 - 2304 / 30.72e6, 1.5 / rate);
	/* Room past the span for the last slot's 75 us guard, which is read. */
	size_t n = (size_t)b + (size_t)ceil(1e-3 * rate);
	float complex *x = calloc(n, sizeof(*x));
	synth_signal_add(s, x, 0, n);
	for (int slot = 0; slot < 16; slot++) {
		double t0 = tx.start_s + slot * 2e-3;
		size_t g0 = (size_t)ceil((t0 + 2e-3 - 2304 / 30.72e6) * rate) + 1;
		size_t g1 = (size_t)floor((t0 + 2e-3) * rate) - 1;
		double g = 0;
		for (size_t i = g0; i < g1; i++)
			g += cabsf(x[i]);
		CHECK(g == 0); /* 75 us guard */
		/* symbol 1 of the slot: one tone at (30 - 24 + 1/2) x 3.75 kHz */
		size_t s0 = (size_t)ceil((t0 + (256 + 8192 + 256) / 30.72e6) * rate);
		double p;
		int k = measure_tone(x + s0, 8192 * 1920 / 30720 - 2, rate, 3750, -24, 48, &p);
		CHECK_EQ_INT(k, 30);
		CHECK_NEAR(p, 1.0, 0.01);
	}
	free(x);
	synth_signal_destroy(s);

	/* 12 tones at 15 kHz: 1 ms a RU; 300 repetitions of 1 ms: 40 ms gap after 256 ms. */
	synth_tx_default(&tx, SYNTH_NPUSCH);
	tx.p.npusch.repetitions = 100;
	tx.p.npusch.n_ru = 3;
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	cfg.rate_hz = 240e3;
	cfg.duration_s = 0.4;
	cfg.noise_dbfs = -INFINITY;
	cfg.tx = &tx;
	cfg.n_tx = 1;
	struct synth_scene *scene = synth_scene_create(&cfg);
	const struct burst *t;
	size_t nt = synth_scene_truth(scene, &t);
	CHECK_EQ_INT(nt, 2);
	if (nt == 2) {
		CHECK_NEAR(t[0].duration_s, 0.256, 1.0 / cfg.rate_hz);
		CHECK_NEAR(t[1].start_s, 0.256 + 0.040, 1.0 / cfg.rate_hz);
		CHECK_NEAR(t[1].duration_s, 0.300 - 0.256, 1.0 / cfg.rate_hz);
		CHECK_NEAR(t[0].bandwidth_hz, 180e3, 1e-6);
		CHECK(!strcmp(t[0].kind, "npusch"));
	}
	synth_scene_destroy(scene);
	tx.p.npusch.tones = 5;
	CHECK(synth_tx_validate(&tx) != 0);
	tx.p.npusch.tones = 3;
	tx.p.npusch.first_tone = 1; /* not aligned */
	CHECK(synth_tx_validate(&tx) != 0);
}

int main(void)
{
	check_npusch();
	check_format(0, 1.92e6, 8, 5, 7);
	check_format(0, 2.4e6, 4, 11, 123);
	check_format(1, 1.92e6, 4, 2, 0);
	check_format(1, 1.0833333e6, 2, 8, 301);
	check_format(2, 1.92e6, 2, 20, 45);

	/* 40 ms gap after 64 repetitions (formats 0/1): two truth records. */
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_NPRACH);
	tx.p.nprach.repetitions = 65;
	tx.start_s = 0.002;
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	cfg.rate_hz = 240e3;
	cfg.noise_dbfs = -INFINITY;
	cfg.duration_s = 0.5;
	cfg.tx = &tx;
	cfg.n_tx = 1;
	struct synth_scene *sc = synth_scene_create(&cfg);
	CHECK(sc != NULL);
	const struct burst *t;
	size_t nt = synth_scene_truth(sc, &t);
	CHECK_EQ_INT(nt, 2);
	if (nt == 2) {
		double rep_s = 4 * (2048 + 5 * 8192) / 30.72e6; /* 5.6 ms */
		CHECK_NEAR(t[0].start_s, 0.002, 1.0 / cfg.rate_hz);
		CHECK_NEAR(t[0].duration_s, 64 * rep_s, 2.0 / cfg.rate_hz);
		CHECK_NEAR(t[1].start_s, 0.002 + 64 * rep_s + 0.040, 2.0 / cfg.rate_hz);
		CHECK_NEAR(t[1].duration_s, rep_s, 2.0 / cfg.rate_hz);
		CHECK(!strcmp(t[0].class_id, "nb-iot") && !strcmp(t[0].kind, "nprach"));
		CHECK(t[0].bandwidth_hz >= 3750 * 8 && t[0].bandwidth_hz <= 45000);
	}
	synth_scene_destroy(sc);

	/* Bad parameters are rejected. */
	struct synth_nprach p = tx.p.nprach;
	int tones[4];
	p.format = 3;
	CHECK(synth_nprach_tones(&p, tones, 4) != 0);
	p.format = 0;
	p.repetitions = 129;
	CHECK(synth_nprach_tones(&p, tones, 4) != 0);
	p.repetitions = 1;
	p.subcarrier_offset = 40;
	CHECK(synth_nprach_tones(&p, tones, 4) != 0);
	return check_done("synth_nprach");
}
