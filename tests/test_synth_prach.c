/* LTE PRACH against 36.211 5.7: the Zadoff-Chu sequence recovered from the
 * generated samples (FFT of the sequence part at the 1.25 kHz grid, inverse
 * DFT over the 839 subcarriers) has an ideal periodic autocorrelation and
 * its cyclic shift C_v = v N_CS is found by correlation with the root. */
#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "simsweep/synth.h"

#define NZC 839

static void check_prach(int format, double rate, int root, int ncs, int v)
{
	static const int cp_ts[4] = {3168, 21024, 6240, 21024};
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_PRACH);
	tx.p.prach.format = format;
	tx.p.prach.root = root;
	tx.p.prach.ncs = ncs;
	tx.p.prach.shift = v;
	tx.start_s = 1e-3;
	struct synth_signal_config sc;
	synth_signal_config_default(&sc);
	sc.tx = &tx;
	sc.rate_hz = rate;
	struct synth_signal *s = synth_signal_create(&sc);
	CHECK(s != NULL);
	uint64_t a, b;
	synth_signal_span(s, &a, &b);
	double cp_s = cp_ts[format] / 30.72e6, seq_s = (format >= 2 ? 2 : 1) * 800e-6;
	CHECK_NEAR((double)(b - a) / rate, cp_s + seq_s, 1.0 / rate);
	float complex *x = calloc((size_t)b + 8, sizeof(*x));
	synth_signal_add(s, x, 0, (size_t)b + 8);

	/* One 800 us period after the CP (and the second one for formats 2, 3). */
	const int L = (int)lround(800e-6 * rate); /* bins of 1.25 kHz */
	fftwf_complex *buf = fftwf_malloc(sizeof(fftwf_complex) * (size_t)L);
	fftwf_plan plan = fftwf_plan_dft_1d(L, buf, buf, FFTW_FORWARD, FFTW_ESTIMATE);
	for (int rep = 0; rep < (format >= 2 ? 2 : 1); rep++) {
		double t0 = tx.start_s + cp_s + rep * 800e-6;
		size_t s0 = (size_t)ceil(t0 * rate - 1e-7);
		double delta = (double)s0 / rate - t0; /* window start after the symbol origin */
		float complex *B = (float complex *)buf;
		for (int i = 0; i < L; i++)
			B[i] = x[s0 + (size_t)i];
		fftwf_execute(plan);
		double complex X[NZC], xr[NZC], xu[NZC];
		double in = 0, out = 0;
		for (int bin = 0; bin < L; bin++) {
			int k = (bin < L / 2 ? bin : bin - L) + NZC / 2;
			double p = crealf(B[bin]) * crealf(B[bin]) + cimagf(B[bin]) * cimagf(B[bin]);
			if (k >= 0 && k < NZC) {
				/* undo the fractional start at 2.4 MS/s (exact timing) */
				X[k] = B[bin] * cexp(-I * 2 * M_PI * (k - NZC / 2) * 1250.0 * delta);
				in += p;
			} else {
				out += p;
			}
		}
		CHECK(out < 1e-6 * in); /* nothing outside the 839 subcarriers */
		for (int n = 0; n < NZC; n++) {
			double complex acc = 0;
			for (int k = 0; k < NZC; k++)
				acc += X[k] * cexp(I * 2 * M_PI * (double)((long)n * k % NZC) / NZC);
			xr[n] = acc / NZC;
		}
		/* Constant amplitude (CAZAC) and ideal periodic autocorrelation. */
		double e = 0, amin = 1e30, amax = 0;
		for (int n = 0; n < NZC; n++) {
			double m = cabs(xr[n]);
			e += m * m;
			amin = m < amin ? m : amin;
			amax = m > amax ? m : amax;
		}
		CHECK(amax - amin < 1e-3 * amax);
		double worst = 0;
		for (int lag = 1; lag < NZC; lag++) {
			double complex acc = 0;
			for (int n = 0; n < NZC; n++)
				acc += xr[n] * conj(xr[(n + lag) % NZC]);
			double r = cabs(acc) / e;
			worst = r > worst ? r : worst;
		}
		CHECK(worst < 1e-3);
		/* Cross-correlation with the root: one peak, at lag C_v. */
		synth_prach_zc(root, xu);
		int best = -1;
		double best_r = 0, second = 0;
		for (int lag = 0; lag < NZC; lag++) {
			double complex acc = 0;
			for (int n = 0; n < NZC; n++)
				acc += xr[n] * conj(xu[(n + lag) % NZC]);
			double r = cabs(acc) / sqrt(e * NZC);
			if (r > best_r) {
				second = best_r;
				best_r = r;
				best = lag;
			} else if (r > second) {
				second = r;
			}
		}
		CHECK_EQ_INT(best, v * ncs);
		CHECK(best_r > 0.999);
		CHECK(second < 1e-3);
	}
	fftwf_destroy_plan(plan);
	fftwf_free(buf);
	free(x);
	synth_signal_destroy(s);
}

int main(void)
{
	check_prach(0, 1.92e6, 129, 13, 5);
	check_prach(1, 1.92e6, 22, 0, 0);
	check_prach(2, 2.4e6, 700, 26, 3);
	check_prach(3, 2.4e6, 1, 119, 7);
	/* The ZC root sequence itself: x_u(n) = exp(-j pi u n (n+1) / 839). */
	double complex xu[NZC];
	synth_prach_zc(25, xu);
	CHECK_NEAR(carg(xu[1] * cexp(I * M_PI * 25 * 2 / 839.0)), 0, 1e-9);
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_PRACH);
	tx.p.prach.root = 839;
	CHECK(synth_tx_validate(&tx) != 0);
	tx.p.prach.root = 1;
	tx.p.prach.ncs = 13;
	tx.p.prach.shift = 65; /* 65 x 13 >= 839 */
	CHECK(synth_tx_validate(&tx) != 0);
	return check_done("synth_prach");
}
