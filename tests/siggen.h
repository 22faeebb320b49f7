/* siggen.h - seeded, deterministic test signals: complex white noise,
 * band-limited noise bursts (flat spectrum, exact bandwidth, made in the
 * frequency domain), tones, and 8-bit RTL-SDR quantisation. Shared by the
 * tests and the sample generator. Header-only; needs fftw3f and libm. */
#ifndef SIMSWEEP_SIGGEN_H
#define SIMSWEEP_SIGGEN_H

#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct siggen_rng {
	uint64_t s;
};

static inline uint64_t siggen_next(struct siggen_rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform in (0, 1). */
static inline double siggen_uniform(struct siggen_rng *r)
{
	return ((double)(siggen_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

/* Complex Gaussian with E|z|^2 = 1. */
static inline float complex siggen_cgauss(struct siggen_rng *r)
{
	double u1 = siggen_uniform(r), u2 = siggen_uniform(r);
	double m = sqrt(-log(u1));
	return (float)(m * cos(2 * M_PI * u2)) + I * (float)(m * sin(2 * M_PI * u2));
}

/* x[i] = complex white noise of mean power `power`. */
static inline void siggen_noise(float complex *x, size_t n, double power, struct siggen_rng *r)
{
	float a = (float)sqrt(power);
	for (size_t i = 0; i < n; i++)
		x[i] = a * siggen_cgauss(r);
}

/* Add a burst of band-limited noise: `len` samples from `start`, flat
 * spectrum over [f_hz - bw_hz/2, f_hz + bw_hz/2], mean power `power`. */
static inline void siggen_add_band_burst(float complex *x, size_t n, double rate_hz, size_t start,
                                         size_t len, double f_hz, double bw_hz, double power,
                                         struct siggen_rng *r)
{
	if (start >= n || len == 0)
		return;
	if (start + len > n)
		len = n - start;
	fftwf_complex *buf = fftwf_malloc(len * sizeof(fftwf_complex));
	fftwf_plan p = fftwf_plan_dft_1d((int)len, buf, buf, FFTW_BACKWARD, FFTW_ESTIMATE);
	float complex *X = (float complex *)buf;
	double df = rate_hz / (double)len;
	size_t used = 0;
	for (size_t k = 0; k < len; k++) {
		double f = (k < (len + 1) / 2 ? (double)k : (double)k - (double)len) * df;
		if (fabs(f - f_hz) <= bw_hz / 2) {
			X[k] = siggen_cgauss(r);
			used++;
		} else {
			X[k] = 0;
		}
	}
	fftwf_execute(p);
	/* Scale to the wanted power (measured, so the burst is exact). */
	double e = 0;
	for (size_t i = 0; i < len; i++)
		e += crealf(X[i]) * crealf(X[i]) + cimagf(X[i]) * cimagf(X[i]);
	float a = used && e > 0 ? (float)sqrt(power * (double)len / e) : 0.0f;
	for (size_t i = 0; i < len; i++)
		x[start + i] += a * X[i];
	fftwf_destroy_plan(p);
	fftwf_free(buf);
}

/* Add a tone of mean power `power` at f_hz for len samples from start. */
static inline void siggen_add_tone(float complex *x, size_t n, double rate_hz, size_t start,
                                   size_t len, double f_hz, double power)
{
	float a = (float)sqrt(power);
	for (size_t i = 0; i < len && start + i < n; i++) {
		double ph = 2 * M_PI * f_hz * (double)(start + i) / rate_hz;
		x[start + i] += a * (float)cos(ph) + I * a * (float)sin(ph);
	}
}

/* Quantise to RTL-SDR cu8 (full scale 1.0 -> 127.5) with clipping. */
static inline void siggen_to_cu8(const float complex *x, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		double v[2] = {crealf(x[i]), cimagf(x[i])};
		for (int j = 0; j < 2; j++) {
			double q = floor(v[j] * 127.5 + 127.5 + 0.5);
			out[2 * i + j] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
		}
	}
}

/* Noise power (in a bandwidth bw of a white noise of total power p at rate). */
static inline double siggen_noise_in_band(double noise_power, double rate_hz, double bw_hz)
{
	return noise_power * bw_hz / rate_hz;
}

#endif
