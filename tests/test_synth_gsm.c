/* GSM bursts against 45.002 / 45.004: 148-bit normal and 88-bit access
 * bursts, a constant envelope, one burst every 4.615 ms frame, and the
 * training sequence read back from the GMSK phase. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "simsweep/synth.h"

#define BIT_RATE (13e6 / 48)

static const char *const tsc[8] = {
    "00100101110000100010010111", "00101101110111100010110111",
    "01000011101110100100001110", "01000111101101000100011110",
    "00011010111001000001101011", "01001110101100000100111010",
    "10100111110110001010011111", "11101111000100101110111100",
};

static float complex *render(const struct synth_tx *tx, double rate, size_t n)
{
	struct synth_signal_config sc;
	synth_signal_config_default(&sc);
	sc.tx = tx;
	sc.rate_hz = rate;
	struct synth_signal *s = synth_signal_create(&sc);
	CHECK(s != NULL);
	float complex *x = calloc(n, sizeof(*x));
	synth_signal_add(s, x, 0, n);
	synth_signal_destroy(s);
	return x;
}

/* Phase at time t, interpolated. */
static double phase_at(const float complex *x, double t, double rate)
{
	double u = t * rate;
	size_t i = (size_t)u;
	double fr = u - (double)i;
	double complex v = (1 - fr) * x[i] + fr * x[i + 1];
	return carg(v);
}

static void check_normal(double rate, int code)
{
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_GSM_NORMAL);
	tx.p.gsm.tsc = code;
	tx.p.gsm.frames = 4;
	tx.start_s = 1e-3;
	size_t n = (size_t)(0.03 * rate);
	float complex *x = render(&tx, rate, n);
	const double frame_s = 1250 / BIT_RATE; /* 8 x 156.25 bits */
	CHECK_NEAR(frame_s, 4.615385e-3, 1e-9);
	for (int f = 0; f < 4; f++) {
		double t0 = tx.start_s + f * frame_s;
		/* on-time at half amplitude: 148 bits + the ramps' halves */
		size_t a = (size_t)((t0 - 5 / BIT_RATE) * rate), b = (size_t)((t0 + 155 / BIT_RATE) * rate);
		size_t on0 = 0, on1 = 0;
		for (size_t i = a; i < b; i++) {
			if (cabsf(x[i]) > 0.5) {
				if (!on0)
					on0 = i;
				on1 = i;
			}
		}
		double on_bits = (double)(on1 - on0 + 1) / rate * BIT_RATE;
		CHECK_NEAR(on_bits, 149, 1.5);
		CHECK_NEAR((double)on0 / rate, t0 - 0.5 / BIT_RATE, 1.5 / rate);
		/* constant envelope over the useful part */
		double mn = 1e9, mx = 0;
		for (size_t i = (size_t)ceil(t0 * rate); i < (size_t)((t0 + 148 / BIT_RATE) * rate); i++) {
			double m = cabsf(x[i]);
			mn = m < mn ? m : mn;
			mx = m > mx ? m : mx;
		}
		CHECK(mx - mn < 1e-3);
		CHECK_NEAR(mx, 1.0, 1e-3);
		/* Guard: silence from 149 bits on to the next frame. */
		size_t g0 = (size_t)((t0 + 149.5 / BIT_RATE) * rate), g1 = (size_t)((t0 + 156.25 / BIT_RATE) * rate);
		double g = 0;
		for (size_t i = g0; i < g1; i++)
			g += cabsf(x[i]);
		CHECK(g == 0);
		/* Bits from the phase: d^_i from the sign of the phase step over bit i,
		 * d_i = d^_i xor d_(i-1) (45.004 differential encoding). */
		char bits[149];
		for (int pol = 0; pol < 2; pol++) {
			int prev = 1, ok = 1; /* d_(-1) = 1 */
			for (int i = 0; i < 148; i++) {
				double p1 = phase_at(x, t0 + (i + 1.0) / BIT_RATE, rate);
				double p0 = phase_at(x, t0 + (double)i / BIT_RATE, rate);
				double d = remainder(p1 - p0, 2 * M_PI);
				int dh = (d < 0) ^ pol;
				int bit = dh ^ prev;
				prev = bit;
				bits[i] = (char)('0' + bit);
			}
			bits[148] = 0;
			ok = !strncmp(bits, "000", 3) && !strncmp(bits + 145, "000", 3) &&
			     !strncmp(bits + 61, tsc[code], 26);
			if (ok)
				break;
			if (pol == 1) {
				CHECK(ok);
				fprintf(stderr, "bits %s\n", bits);
			}
		}
	}
	free(x);
}

static void check_access(double rate)
{
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_GSM_ACCESS);
	tx.start_s = 2e-3;
	size_t n = (size_t)(0.006 * rate);
	float complex *x = render(&tx, rate, n);
	size_t on0 = 0, on1 = 0;
	for (size_t i = 0; i < n; i++)
		if (cabsf(x[i]) > 0.5) {
			if (!on0)
				on0 = i;
			on1 = i;
		}
	CHECK_NEAR((double)(on1 - on0 + 1) / rate * BIT_RATE, 89, 1.5);
	free(x);
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	cfg.rate_hz = rate;
	cfg.duration_s = 0.01;
	cfg.tx = &tx;
	cfg.n_tx = 1;
	struct synth_scene *s = synth_scene_create(&cfg);
	const struct burst *t;
	CHECK_EQ_INT(synth_scene_truth(s, &t), 1);
	CHECK_NEAR(t[0].duration_s, 88 / BIT_RATE, 1.5 / rate);
	CHECK_NEAR(t[0].start_s, 2e-3, 1.0 / rate);
	CHECK(!strcmp(t[0].kind, "access-burst") && !strcmp(t[0].class_id, "gsm"));
	synth_scene_destroy(s);
}

int main(void)
{
	check_normal(1083333.3333, 0);
	check_normal(2.4e6, 5);
	check_normal(1.92e6, 7);
	check_access(2.4e6);
	/* Truth of a multi-frame transmission: one record a burst, 577 us slots
	 * of which 148 bits are sent, one burst every 4.615 ms. */
	struct synth_tx tx;
	synth_tx_default(&tx, SYNTH_GSM_NORMAL);
	tx.p.gsm.frames = 10;
	tx.start_s = 0.001;
	struct synth_scene_config cfg;
	synth_scene_config_default(&cfg);
	cfg.rate_hz = 2.4e6;
	cfg.duration_s = 0.06;
	cfg.tx = &tx;
	cfg.n_tx = 1;
	struct synth_scene *s = synth_scene_create(&cfg);
	const struct burst *t;
	size_t nt = synth_scene_truth(s, &t);
	CHECK_EQ_INT(nt, 10);
	for (size_t i = 0; i < nt; i++) {
		CHECK_NEAR(t[i].duration_s, 148 / BIT_RATE, 1.0 / cfg.rate_hz);
		CHECK_NEAR(t[i].duration_s, 546.46e-6, 0.5e-6);
		if (i)
			CHECK_NEAR(t[i].start_s - t[i - 1].start_s, 4.615385e-3, 1.0 / cfg.rate_hz);
	}
	CHECK_NEAR(156.25 / BIT_RATE, 576.92e-6, 0.01e-6);
	synth_scene_destroy(s);
	tx.p.gsm.tsc = 8;
	CHECK(synth_tx_validate(&tx) != 0);
	return check_done("synth_gsm");
}
