/* LTE / LTE-M PUSCH, PUCCH and SRS against 36.211 5.3-5.6: each SC-FDMA
 * symbol is demodulated (CP removed, half-subcarrier shift undone, FFT) and
 * checked for the allocated PRBs, the DMRS in symbols 3 and 10 equal to the
 * base sequence with its cyclic shift, PUCCH at the band edges hopping
 * between slots, SRS on a comb in symbol 13, LTE-M narrowband hopping. */
#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "simsweep/synth.h"

#define RATE 3.84e6 /* 256-point FFT at 15 kHz, CP 20 / 18 samples */
#define NFFT 256

static fftwf_complex *buf;
static fftwf_plan plan;

/* Subcarriers 0 .. 12 n_rb - 1 of SC-FDMA symbol `sym` (0..13) of subframe sf. */
static void demod(const float complex *x, double t0_s, int sf, int sym, int n_rb, int shift,
                  double complex *Y)
{
	int slot = sym / 7, l = sym % 7;
	long s0 = lround((t0_s + sf * 1e-3 + slot * 0.5e-3) * RATE);
	for (int i = 0; i < l; i++)
		s0 += (i == 0 ? 20 : 18) + NFFT;
	s0 += l == 0 ? 20 : 18;
	float complex *B = (float complex *)buf;
	for (int i = 0; i < NFFT; i++) {
		/* undo the half-subcarrier shift of 5.6 */
		B[i] = x[s0 + i] * (shift ? cexpf(-I * (float)(M_PI * i / NFFT)) : 1.0f);
	}
	fftwf_execute(plan);
	for (int k = 0; k < 12 * n_rb; k++) {
		int bin = (k - 6 * n_rb + NFFT) % NFFT;
		Y[k] = B[bin] / NFFT;
	}
}

static double power_in(const double complex *Y, int lo, int hi)
{
	double p = 0;
	for (int k = lo; k < hi; k++)
		p += creal(Y[k] * conj(Y[k]));
	return p;
}

static float complex *render(const struct synth_tx *tx, size_t *n)
{
	struct synth_signal_config sc;
	synth_signal_config_default(&sc);
	sc.tx = tx;
	sc.rate_hz = RATE;
	struct synth_signal *s = synth_signal_create(&sc);
	CHECK(s != NULL);
	uint64_t a, b;
	synth_signal_span(s, &a, &b);
	*n = (size_t)b + 64;
	float complex *x = calloc(*n, sizeof(*x));
	synth_signal_add(s, x, 0, *n);
	synth_signal_destroy(s);
	return x;
}

static void check_pusch(void)
{
	const int n_rb = 15, first = 4, nprb = 6, cell = 77;
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_PUSCH);
	tx.p.lte.carrier_prb = n_rb;
	tx.p.lte.first_prb = first;
	tx.p.lte.n_prb = nprb;
	tx.p.lte.subframes = 2;
	tx.p.lte.cell_id = cell;
	tx.start_s = 1e-3;
	size_t n;
	float complex *x = render(&tx, &n);
	CHECK_EQ_INT(n - 64, lround(3e-3 * RATE));
	double complex Y[180], r[72];
	CHECK(synth_lte_base_sequence(cell % 30, 0, 72, r) == 0);
	/* n_PN(n_s) from c() with c_init = floor(N_ID/30) 2^5 + (N_ID mod 30) */
	unsigned char c[2000];
	synth_gold((uint32_t)((cell / 30) * 32 + cell % 30), c, sizeof c);
	for (int sf = 0; sf < 2; sf++) {
		for (int sym = 0; sym < 14; sym++) {
			demod(x, tx.start_s, sf, sym, n_rb, 1, Y);
			double in = power_in(Y, 12 * first, 12 * (first + nprb));
			double all = power_in(Y, 0, 12 * n_rb);
			CHECK(all - in < 1e-6 * all); /* only the allocated PRBs */
			CHECK_NEAR(in, 1.0, 0.02);   /* unit power */
			int dmrs = sym == 3 || sym == 10;
			/* ratio to the base sequence: constant magnitude, phase ramp alpha n */
			double complex q0 = Y[12 * first] / r[0];
			double max_dev = 0;
			int ns = 2 * sf + sym / 7, ncs = 0;
			for (int i = 0; i < 8; i++)
				ncs |= c[8 * 7 * ns + i] << i;
			ncs %= 12;
			for (int m = 0; m < 72; m++) {
				double complex q = Y[12 * first + m] / r[m];
				double complex want = q0 * cexp(I * 2 * M_PI * ncs * m / 12.0);
				double dev = cabs(q - want) / cabs(q0);
				max_dev = dev > max_dev ? dev : max_dev;
			}
			if (dmrs)
				CHECK(max_dev < 1e-3);
			else
				CHECK(max_dev > 0.1); /* data symbols are not the DMRS */
		}
	}
	/* Without undoing the half-subcarrier shift the energy leaks out. */
	demod(x, tx.start_s, 0, 3, n_rb, 0, Y);
	double in = power_in(Y, 12 * first, 12 * (first + nprb)), all = power_in(Y, 0, 12 * n_rb);
	CHECK(all - in > 0.01 * all);
	free(x);
}

static void check_pucch(void)
{
	const int n_rb = 15;
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_PUCCH);
	tx.p.lte.carrier_prb = n_rb;
	tx.p.lte.pucch_format = 2;
	tx.p.lte.pucch_m = 1;
	tx.start_s = 1e-3;
	size_t n;
	float complex *x = render(&tx, &n);
	double complex Y[180];
	for (int sym = 0; sym < 14; sym++) {
		demod(x, tx.start_s, 0, sym, n_rb, 1, Y);
		/* m = 1: slot 0 at the top PRB, slot 1 at the bottom one */
		int prb = sym < 7 ? n_rb - 1 : 0;
		double in = power_in(Y, 12 * prb, 12 * prb + 12), all = power_in(Y, 0, 12 * n_rb);
		CHECK(all - in < 1e-6 * all);
		CHECK_NEAR(in, 1.0, 0.02);
	}
	free(x);
	/* Truth: one record per slot, at the two edges. */
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	cfg.rate_hz = RATE;
	cfg.duration_s = 5e-3;
	cfg.tx = &tx;
	cfg.n_tx = 1;
	struct synth_scene *s = synth_scene_create(&cfg);
	const struct burst *t;
	CHECK_EQ_INT(synth_scene_truth(s, &t), 2);
	CHECK_NEAR(t[0].freq_offset_hz, (12 * 14 - 90 + 6) * 15e3, 1);
	CHECK_NEAR(t[1].freq_offset_hz, (-90 + 6) * 15e3, 1);
	CHECK_NEAR(t[0].duration_s, 0.5e-3, 1.0 / RATE);
	CHECK(!strcmp(t[0].kind, "pucch"));
	synth_scene_destroy(s);
}

static void check_srs(void)
{
	const int n_rb = 15;
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_SRS);
	tx.p.lte.carrier_prb = n_rb;
	tx.p.lte.first_prb = 2;
	tx.p.lte.n_prb = 8;
	tx.p.lte.srs_comb = 1;
	tx.start_s = 1e-3;
	size_t n;
	float complex *x = render(&tx, &n);
	double complex Y[180];
	demod(x, tx.start_s, 0, 13, n_rb, 1, Y);
	double even = 0, odd = 0;
	for (int k = 24; k < 24 + 96; k++)
		*(k % 2 ? &odd : &even) += creal(Y[k] * conj(Y[k]));
	CHECK(even < 1e-6 * odd);
	CHECK_NEAR(power_in(Y, 0, 180), 1.0, 0.02);
	/* nothing before symbol 13 */
	long s13 = lround((tx.start_s + 0.5e-3) * RATE) + 6 * (18 + NFFT) + 20;
	double before = 0;
	for (long i = 0; i < s13 - 20; i++)
		before += cabsf(x[i]);
	CHECK(before == 0);
	free(x);
}

static void check_ltem_hopping(void)
{
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_PUSCH);
	tx.p.lte.carrier_prb = 50;
	tx.p.lte.lte_m = 1;
	tx.p.lte.first_prb = 1;
	tx.p.lte.n_prb = 6;
	tx.p.lte.hop_prb = 24;
	tx.p.lte.hop_interval = 2;
	tx.p.lte.subframes = 8;
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	cfg.rate_hz = 15.36e6;
	cfg.duration_s = 10e-3;
	cfg.tx = &tx;
	cfg.n_tx = 1;
	struct synth_scene *s = synth_scene_create(&cfg);
	CHECK(s != NULL);
	const struct burst *t;
	size_t nt = synth_scene_truth(s, &t);
	CHECK_EQ_INT(nt, 4);
	for (size_t i = 0; i < nt; i++) {
		CHECK(!strcmp(t[i].class_id, "lte-m"));
		CHECK_NEAR(t[i].bandwidth_hz, 1.08e6, 1);
		double f = ((i % 2 ? 25 : 1) * 12 + 36 - 300) * 15e3;
		CHECK_NEAR(t[i].freq_offset_hz, f, 1);
		/* 2 ms dwell, minus the retuning symbols */
		CHECK(t[i].duration_s > 1.85e-3 && t[i].duration_s < 2.0e-3 + 1e-6);
	}
	synth_scene_destroy(s);
	/* Bad allocations are rejected: 7 PRB (not 2^a 3^b 5^c), beyond the carrier, LTE-M > 24. */
	tx.p.lte.hop_prb = 0;
	tx.p.lte.n_prb = 7;
	CHECK(synth_tx_validate(&tx) != 0);
	tx.p.lte.n_prb = 50;
	CHECK(synth_tx_validate(&tx) != 0);
	tx.p.lte.first_prb = 0;
	CHECK(synth_tx_validate(&tx) != 0);
	tx.p.lte.lte_m = 0;
	CHECK(synth_tx_validate(&tx) == 0);
}

int main(void)
{
	buf = fftwf_malloc(sizeof(fftwf_complex) * NFFT);
	plan = fftwf_plan_dft_1d(NFFT, buf, buf, FFTW_FORWARD, FFTW_ESTIMATE);
	check_pusch();
	check_pucch();
	check_srs();
	check_ltem_hopping();
	double complex r[24];
	CHECK(synth_lte_base_sequence(0, 0, 12, r) == 0);
	CHECK_NEAR(carg(r[0]), -M_PI / 4, 1e-12); /* phi(0) = -1 for u = 0 */
	CHECK(synth_lte_base_sequence(30, 0, 12, r) != 0);
	CHECK(synth_lte_base_sequence(0, 0, 18, r) != 0);
	fftwf_destroy_plan(plan);
	fftwf_free(buf);
	return check_done("synth_pusch");
}
