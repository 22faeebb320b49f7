/* classify.c - burst features and the classifier run (see classify.h); the
 * classifiers themselves are in classify_registry.c. */
#include "simsweep/classify.h"

/* complex.h before fftw3.h: fftwf_complex is then float complex. */
#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"

/* 3GPP TS 36.211 numerology. */
#define SCFDMA_SYMBOL_S (1.0 / 15e3)       /* 2048 Ts useful symbol, 66.67 us (5.6) */
#define SCFDMA_SLOT_S   0.5e-3             /* 7 symbols, normal CP (5.6) */
#define SCFDMA_CP_S     (144.0 / 30.72e6)  /* 4.69 us, the shorter normal CP (5.6) */
#define NBIOT_SYMBOL_S  (1.0 / 3.75e3)     /* 8192 Ts, 266.67 us (10.1.6.1) */
#define NBIOT_TONE_HZ   3.75e3             /* NPRACH / NPUSCH subcarrier (10.1.6.1) */
#define PRACH_SEQ_S     800e-6             /* 24576 Ts (5.7.1, Table 5.7.1-1) */
#define PRACH_CP_S      (3168.0 / 30.72e6) /* format 0, the shortest CP: 103.1 us */

#define TONE_FFT         1024   /* zero-padded DFT of one 266.67 us window */
#define TONE_PURE        0.5    /* a window whose strongest tone holds this much is "pure" */
#define TONE_NOISE_MAX_W 64     /* noise's purity for windows up to this long (tone_noise_purity) */
#define TONE_SAME_HZ     1000.0 /* tone changes smaller than this are no change */
#define TONE_GRID_TOL_HZ 900.0  /* a change within this of k x 3.75 kHz is on the grid */
#define CP_MIN_CLIP_HZ   60e3   /* below this clip rate a 4.7 us CP is under 0.3 sample */
#define MAX_FOLD         8192   /* folded-profile length bound (one slot at 16 MS/s) */

struct classifier_set {
	struct classify_config cfg;
	fftwf_complex *fft_in, *fft_out;
	fftwf_plan plan;
	double complex *prod; /* x[n] conj(x[n + lag]), max_clip */
	double *energy;       /* (|x[n]|^2 + |x[n + lag]|^2) / 2, max_clip */
	double *metric;       /* per-position correlation, max_clip */
	double *purity;       /* per-window purity, max_clip / 2 */
	double *spec;         /* TONE_FFT: the windows' power spectra summed (tone_track) */
	unsigned char *on;    /* per-window on flags of the pulse analysis, max_clip / 2 */
	double *run_len;      /* on-run lengths, then start spacings, max_clip / 2 */
	double *run_gap;
	/* The median purity noise alone gives a window of w samples
	 * (tone_noise_purity), by w; 0: not computed yet. */
	double noise_purity[TONE_NOISE_MAX_W + 1];
	struct classify_features last;
};

void classify_config_default(struct classify_config *cfg)
{
	cfg->min_confidence = 0.5;
	cfg->max_clip = (size_t)1 << 16;
}

struct classifier_set *classify_create(const struct classify_config *cfg)
{
	if (!cfg || !(cfg->min_confidence >= 0) || !(cfg->min_confidence <= 1) ||
	    cfg->max_clip < 1024 || cfg->max_clip > ((size_t)1 << 22))
		return NULL;
	struct classifier_set *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->fft_in = fftwf_malloc(TONE_FFT * sizeof(fftwf_complex));
	s->fft_out = fftwf_malloc(TONE_FFT * sizeof(fftwf_complex));
	s->prod = malloc((cfg->max_clip + 1) * sizeof(*s->prod));
	s->energy = malloc((cfg->max_clip + 1) * sizeof(*s->energy));
	s->metric = malloc((cfg->max_clip + 1) * sizeof(*s->metric));
	s->purity = malloc((cfg->max_clip / 2 + 1) * sizeof(*s->purity));
	s->spec = malloc(TONE_FFT * sizeof(*s->spec));
	s->on = malloc(cfg->max_clip / 2 + 1);
	s->run_len = malloc((cfg->max_clip / 2 + 1) * sizeof(*s->run_len));
	s->run_gap = malloc((cfg->max_clip / 2 + 1) * sizeof(*s->run_gap));
	if (!s->fft_in || !s->fft_out || !s->prod || !s->energy || !s->metric || !s->purity ||
	    !s->spec || !s->on || !s->run_len || !s->run_gap)
		goto error;
	s->plan = fftwf_plan_dft_1d(TONE_FFT, s->fft_in, s->fft_out, FFTW_FORWARD, FFTW_ESTIMATE);
	if (!s->plan)
		goto error;
	return s;
error:
	classify_destroy(s);
	return NULL;
}

void classify_destroy(struct classifier_set *s)
{
	if (!s)
		return;
	if (s->plan)
		fftwf_destroy_plan(s->plan);
	fftwf_free(s->fft_in);
	fftwf_free(s->fft_out);
	free(s->prod);
	free(s->energy);
	free(s->metric);
	free(s->purity);
	free(s->spec);
	free(s->on);
	free(s->run_len);
	free(s->run_gap);
	free(s);
}

/* The k-th smallest of v[0..n), k < n (Hoare's selection; reorders v so
 * that v[0..k) <= v[k] <= v[k+1..n)): the value a sort would put at k,
 * in linear time. */
static double select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		double pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

/* Median of v[0..n) (reorders v). */
static double median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	double m = select_kth(v, n, n / 2);
	if (n % 2)
		return m;
	/* The other middle value is the largest of those below. */
	double below = v[0];
	for (size_t i = 1; i < n / 2; i++)
		below = v[i] > below ? v[i] : below;
	return 0.5 * (below + m);
}

static double mean_power(const float complex *x, size_t n)
{
	double p = 0;
	for (size_t i = 0; i < n; i++)
		p += crealf(x[i]) * crealf(x[i]) + cimagf(x[i]) * cimagf(x[i]);
	return n ? p / (double)n : NAN;
}

/* Envelope fourth moment of the signal with the noise (power noise, complex
 * Gaussian) removed: for s + w, E|x|^4 = E|s|^4 + 4 S N + 2 N^2. */
static double envelope_m4(const float complex *x, size_t n, double noise)
{
	double p2 = 0, p4 = 0;
	for (size_t i = 0; i < n; i++) {
		double e = crealf(x[i]) * crealf(x[i]) + cimagf(x[i]) * cimagf(x[i]);
		p2 += e;
		p4 += e * e;
	}
	p2 /= (double)n;
	p4 /= (double)n;
	double sig = p2 - noise;
	if (!(sig > 0.5 * noise))
		return NAN; /* below -3 dB in the clip the correction dominates */
	return (p4 - 4 * sig * noise - 2 * noise * noise) / (sig * sig);
}

/* Share of DUTY_WINDOW_S windows whose power stands over a quarter of the
 * mean signal power (both above the noise); NAN under 4 windows. */
#define DUTY_WINDOW_S 125e-6

static double duty_cycle(const float complex *x, size_t n, double rate, double p, double noise)
{
	size_t w = (size_t)llround(DUTY_WINDOW_S * rate);
	if (w < 1 || n / w < 4 || !(p > noise))
		return NAN;
	size_t on = 0, windows = n / w;
	for (size_t k = 0; k < windows; k++)
		on += mean_power(x + k * w, w) - noise > 0.25 * (p - noise);
	return (double)on / (double)windows;
}

/* Slots a subframe apart: the window powers' correlation at a 1 ms lag
 * less that at 0.5 ms. On/off in 0.5 ms slots correlates at +1 and -1;
 * a steady signal or noise at ~0 +- 0.4 over 1.5 ms.
 *
 *   PUCCH, one edge:  |###|   |###|   |###|     +1 at 1 ms, -1 at 0.5 ms
 */
#define GATE_WINDOW_S (SCFDMA_SLOT_S / 8) /* 62.5 us */

static double gate_correlation(const double *pw, size_t nw, size_t lag)
{
	double m = 0;
	for (size_t k = 0; k < nw; k++)
		m += pw[k];
	m /= (double)nw;
	double c = 0, a = 0, b = 0;
	for (size_t k = 0; k + lag < nw; k++) {
		double u = pw[k] - m, v = pw[k + lag] - m;
		c += u * v;
		a += u * u;
		b += v * v;
	}
	return a > 0 && b > 0 ? c / sqrt(a * b) : 0;
}

/* The same on/off as a two-sample test: the mean power of the windows in
 * the slots a subframe apart from the burst's start (on) against that of
 * the slots between them (off), over its standard error from the spread
 * within each, the best of the starts within SLOT_Z_SHIFT windows of the
 * body's (its edge is known to ~0.1 ms). Over a run of two slots, 1.5 ms
 * (PUCCH of 2 subframes), the gate's correlations have 8 pairs of windows
 * a subframe apart, and under ~3 dB they are lost in the windows' noise;
 * the means use every window. On at the start only: a steady burst in a
 * region longer than itself is on in the middle, which counts against it.
 *
 *   PUCCH, one edge:  |###|   |###|      on - off over its error: ~5 at
 *                      on  off  on       -3 dB in the clip; ~0 steady */
#define SLOT_Z_SHIFT 3

static double slot_z(const double *pw, size_t nw)
{
	const size_t per = 16, half = 8; /* windows in a subframe, a slot */
	double best = -INFINITY;
	for (size_t s = 0; s <= 2 * SLOT_Z_SHIFT; s++) {
		double sum[2] = {0, 0}, sq[2] = {0, 0};
		size_t cnt[2] = {0, 0};
		for (size_t k = 0; k < nw; k++) {
			/* Window k's place in the subframe from the start s - SHIFT. */
			size_t ph = (k + per + SLOT_Z_SHIFT - s) % per;
			int on = ph < half;
			sum[on] += pw[k];
			sq[on] += pw[k] * pw[k];
			cnt[on]++;
		}
		if (cnt[0] < 4 || cnt[1] < 4)
			continue;
		double m1 = sum[1] / (double)cnt[1], m0 = sum[0] / (double)cnt[0];
		double ss = sq[1] - m1 * sum[1] + sq[0] - m0 * sum[0];
		double var = ss / (double)(cnt[0] + cnt[1] - 2);
		if (!(var > 0))
			continue;
		double z = (m1 - m0) / sqrt(var * (1.0 / (double)cnt[1] + 1.0 / (double)cnt[0]));
		if (z > best)
			best = z;
	}
	return isfinite(best) ? best : NAN;
}

/* The clip's GATE_WINDOW_S window powers into s->metric; returns how
 * many (0 under 2.5 slots: no on/off to see). */
static size_t slot_windows(struct classifier_set *s, const float complex *x, size_t n, double rate)
{
	size_t w = (size_t)llround(GATE_WINDOW_S * rate);
	if (w < 1 || (double)n < 2.5 * SCFDMA_SLOT_S * rate)
		return 0;
	size_t nw = n / w; /* <= max_clip */
	for (size_t k = 0; k < nw; k++)
		s->metric[k] = mean_power(x + k * w, w);
	return nw;
}

static double slot_gate(const double *pw, size_t nw)
{
	return gate_correlation(pw, nw, 16) - gate_correlation(pw, nw, 8);
}

/* The share of a window's energy in its strongest bin of the zero-padded
 * TONE_FFT-point DFT of its w samples (w <= TONE_FFT); *best gets the bin.
 * With acc, the bins' powers are added to acc[0 .. TONE_FFT). */
static double window_purity(struct classifier_set *s, const float complex *y, size_t w,
                            size_t *best, double *acc)
{
	double e = 0;
	for (size_t i = 0; i < TONE_FFT; i++) {
		float complex v = i < w ? y[i] : 0;
		s->fft_in[i] = v;
		e += crealf(v) * crealf(v) + cimagf(v) * cimagf(v);
	}
	fftwf_execute(s->plan);
	*best = 0;
	double bp = -1;
	for (size_t i = 0; i < TONE_FFT; i++) {
		float complex o = s->fft_out[i];
		double p = (double)crealf(o) * crealf(o) + (double)cimagf(o) * cimagf(o);
		if (acc)
			acc[i] += p;
		if (p > bp) {
			bp = p;
			*best = i;
		}
	}
	return e > 0 ? bp / ((double)w * e) : 0;
}

/* The median purity of windows of w samples of white noise: the floor a
 * tone's purity stands on. It depends on w alone (the strongest of about w
 * independent bins, interpolated by the zero padding): 0.12 at w = 40 (a
 * 150 kHz clip), 0.21 at 20, 0.34 at 10. Measured once per w on
 * TONE_NOISE_WINDOWS windows of seeded noise (the median to about 0.003 at
 * w = 40), so the same clip always gives the same answer; only up to
 * TONE_NOISE_MAX_W (clips up to 240 kHz, where NPRACH's rule reads it):
 * for a 2.4 MHz clip (w = 640) the noise alone cost 35 M instructions,
 * more than 2 s of the stream through the rest of analyze. NAN above. */
#define TONE_NOISE_WINDOWS 127

static double tone_noise_purity(struct classifier_set *s, size_t w)
{
	if (w > TONE_NOISE_MAX_W)
		return NAN;
	if (s->noise_purity[w] > 0)
		return s->noise_purity[w];
	uint64_t st = 0x9e3779b97f4a7c15u ^ (uint64_t)w;
	double pur[TONE_NOISE_WINDOWS];
	float complex y[TONE_NOISE_MAX_W];
	for (size_t k = 0; k < TONE_NOISE_WINDOWS; k++) {
		for (size_t i = 0; i < w; i++) {
			/* Box-Muller on a 64-bit LCG (Knuth's MMIX constants). */
			double u[2];
			for (int j = 0; j < 2; j++) {
				st = st * 6364136223846793005u + 1442695040888963407u;
				u[j] = ((double)(st >> 11) + 0.5) / 9007199254740992.0;
			}
			double r = sqrt(-2 * log(u[0]));
			y[i] = (float)(r * cos(2 * M_PI * u[1])) + (float)(r * sin(2 * M_PI * u[1])) * I;
		}
		size_t best;
		pur[k] = window_purity(s, y, w, &best, NULL);
	}
	s->noise_purity[w] = median(pur, TONE_NOISE_WINDOWS);
	return s->noise_purity[w];
}

/* Shares of the windows' summed spectrum (tone_track) beyond the share
 * white noise gives the same bins (their number over the clip's), scaled
 * to 0 .. 1, ~0 for noise:
 *   tone_conc   its strongest TONE_BAND_HZ, the main lobe of a tone in one
 *               266.67 us window (0.50 .. 0.71 measured for 3.75 kHz NPUSCH
 *               tones at 11 .. 20 dB): a tone too weak to hold a window's
 *               strongest bin (purity) still stands out of the sum of many;
 *               NAN when that band is a third of the clip or more;
 *   band_share  the burst's bandwidth around the clip's centre (where the
 *               burst is): the band the detector found, seen in the clip
 *               itself; NAN when under one bin or over 80 % of the clip. */
#define TONE_BAND_HZ (2 * NBIOT_TONE_HZ)

static double excess_share(double in, double total, size_t nb)
{
	double f0 = (double)nb / TONE_FFT;
	return (in / total - f0) / (1 - f0);
}

static void spectrum_shares(const double *spec, double rate, double bw,
                            struct classify_features *f)
{
	double total = 0;
	for (size_t i = 0; i < TONE_FFT; i++)
		total += spec[i];
	if (!(total > 0))
		return;
	size_t nb = (size_t)llround(TONE_BAND_HZ / rate * TONE_FFT);
	if (nb >= 1 && 3 * nb < TONE_FFT) {
		double run = 0;
		for (size_t i = 0; i < nb; i++)
			run += spec[i];
		double best = run;
		/* Circular: a tone near the clip's edge wraps around. */
		for (size_t i = 0; i < TONE_FFT; i++) {
			run += spec[(i + nb) % TONE_FFT] - spec[i];
			best = run > best ? run : best;
		}
		f->tone_conc = excess_share(best, total, nb);
	}
	nb = (size_t)llround(bw / rate * TONE_FFT);
	if (nb >= 1 && (double)nb <= 0.8 * TONE_FFT) {
		/* Bins of the zero-padded DFT: 0 is the centre, negative
		 * frequencies from the top. */
		double in = 0;
		for (size_t k = 0; k < nb; k++)
			in += spec[(TONE_FFT - nb / 2 + k) % TONE_FFT];
		f->band_share = excess_share(in, total, nb);
	}
}

/* Single-tone analysis over consecutive 266.67 us windows: purity of each
 * window and the steps of the strongest tone between pure windows.
 *
 *   NPRACH format 0:  |CP|sym|sym|sym|sym|sym|  one tone per 1.4 ms group,
 *                     then +-3.75 kHz, +-22.5 kHz, +-3.75 kHz, pseudo-random
 */
static void tone_track(struct classifier_set *s, const float complex *x, size_t n, double rate,
                       struct classify_features *f)
{
	size_t w = (size_t)llround(NBIOT_SYMBOL_S * rate);
	if (w > TONE_FFT)
		w = TONE_FFT;
	if (w < 8 || n < w)
		return;
	size_t nw = n / w, np = 0;
	memset(s->spec, 0, TONE_FFT * sizeof(*s->spec));
	/* Runs of >= 2 pure windows on one tone are "tones"; a window that
	 * straddles two symbol groups is a run of one and is ignored. */
	double run_hz = NAN, tone_hz = NAN, lo_hz = INFINITY, hi_hz = -INFINITY;
	size_t run = 0;
	for (size_t k = 0; k <= nw; k++) {
		double hz = NAN;
		if (k < nw) {
			size_t best;
			double pur = window_purity(s, x + k * w, w, &best, s->spec);
			s->purity[np++] = pur;
			if (pur >= TONE_PURE) {
				hz = (double)best * rate / TONE_FFT;
				if (hz >= rate / 2)
					hz -= rate;
			}
		}
		if (run > 0 && !isnan(hz) && fabs(hz - run_hz) < TONE_SAME_HZ) {
			run++;
			continue;
		}
		/* The run ends: a tone if long enough, and a step from the last tone. */
		if (run >= 2) {
			lo_hz = run_hz < lo_hz ? run_hz : lo_hz;
			hi_hz = run_hz > hi_hz ? run_hz : hi_hz;
			if (!isnan(tone_hz)) {
				double d = fabs(run_hz - tone_hz);
				double k_tones = round(d / NBIOT_TONE_HZ);
				if (d < TONE_SAME_HZ)
					; /* the same tone again */
				else if (fabs(d - k_tones * NBIOT_TONE_HZ) <= TONE_GRID_TOL_HZ)
					f->tone_steps_grid++;
				else
					f->tone_steps_off++;
			}
			tone_hz = run_hz;
		}
		run_hz = hz;
		run = isnan(hz) ? 0 : 1;
	}
	f->tone_windows = np;
	f->tone_purity = median(s->purity, np);
	f->tone_noise_purity = tone_noise_purity(s, w);
	f->tone_span_hz = hi_hz >= lo_hz ? hi_hz - lo_hz : NAN;
}

/* Cyclic-prefix correlation at `lag` samples over windows of `cp` samples.
 * With period > 0 the products are folded modulo the period (SC-FDMA: the 7
 * CPs of a slot fall on the same positions of a 71.43 us fold, to within
 * 0.5 us); with period 0 they are not (one PRACH preamble).
 * Returns the best window's |sum x conj(x+lag)| / sum energy minus the
 * median over window positions (a tone or a flat spectrum correlates at
 * every position and so scores ~0). */
static double cp_correlation(struct classifier_set *s, const float complex *x, size_t n, size_t lag,
                             size_t cp, double period)
{
	if (lag == 0 || cp < 1 || n < lag + cp + 1)
		return NAN;
	size_t m = n - lag;
	size_t len = m;
	if (period > 0) {
		len = (size_t)ceil(period);
		if (len > MAX_FOLD || len > m || len < cp + 2)
			return NAN;
		if (m < 2 * len)
			return NAN; /* fewer than two symbols: no fold */
		memset(s->prod, 0, len * sizeof(*s->prod));
		memset(s->energy, 0, len * sizeof(*s->energy));
	}
	for (size_t i = 0; i < m; i++) {
		double complex a = x[i], b = x[i + lag];
		double complex p = a * conj(b);
		double e = 0.5 * (creal(a) * creal(a) + cimag(a) * cimag(a) + creal(b) * creal(b) +
		                  cimag(b) * cimag(b));
		size_t j = i;
		if (period > 0) {
			j = (size_t)fmod((double)i, period);
			if (j >= len)
				j = len - 1;
			s->prod[j] += p;
			s->energy[j] += e;
		} else {
			s->prod[j] = p;
			s->energy[j] = e;
		}
	}
	/* Sliding sums of cp products (circular when folded). */
	size_t npos = period > 0 ? len : len - cp + 1;
	double complex ps = 0;
	double es = 0;
	for (size_t i = 0; i < cp; i++) {
		ps += s->prod[i % len];
		es += s->energy[i % len];
	}
	double best = 0;
	for (size_t i = 0; i < npos; i++) {
		double v = es > 0 ? cabs(ps) / es : 0;
		s->metric[i] = v;
		best = v > best ? v : best;
		ps += s->prod[(i + cp) % len] - s->prod[i];
		es += s->energy[(i + cp) % len] - s->energy[i];
	}
	return best - median(s->metric, npos);
}

/* GMSK squared (TS 45.004 2.6: MSK-type, h = 1/2): the phase moves by
 * +-pi/2 a bit, so x^2 moves by +-pi, the same mod 2 pi: x^2 carries two
 * spectral lines at +-R/2 = +-135.4 kHz (the classic MSK timing lines),
 * both moved by twice the residual frequency offset. An SC-FDMA symbol or
 * noise squared spreads over the band. Returns the share of the energy of
 * x^2 in the best pair (three bins about each line, the weaker line
 * doubled: a lone spur is no pair) over offsets up to LINE_SHIFT_HZ; NAN
 * when the clip rate does not reach the lines. */
#define GSM_HALF_BITRATE_HZ (1625e3 / 6 / 2) /* 270.833 kbit/s / 2 (45.010 5.1) */
#define LINE_SHIFT_HZ       36e3             /* 2 x an 18 kHz residual offset */

static double gmsk_lines(struct classifier_set *s, const float complex *x, size_t n, double rate)
{
	if (!(rate / 2 > GSM_HALF_BITRATE_HZ) || n < 32)
		return NAN;
	size_t m = n < TONE_FFT ? n : TONE_FFT;
	double e = 0;
	for (size_t i = 0; i < TONE_FFT; i++) {
		float complex v = i < m ? x[i] * x[i] : 0;
		s->fft_in[i] = v;
		e += (double)crealf(v) * crealf(v) + (double)cimagf(v) * cimagf(v);
	}
	if (!(e > 0))
		return NAN;
	fftwf_execute(s->plan);
	double *p = s->metric;
	for (size_t i = 0; i < TONE_FFT; i++) {
		float complex o = s->fft_out[i];
		p[i] = (double)crealf(o) * crealf(o) + (double)cimagf(o) * cimagf(o);
	}
	const double bin_hz = rate / TONE_FFT;
	long half = lround(GSM_HALF_BITRATE_HZ / bin_hz), shift = lround(LINE_SHIFT_HZ / bin_hz);
	double best = 0;
	for (long d = -shift; d <= shift; d++) {
		double line[2] = {0, 0};
		for (int side = 0; side < 2; side++)
			for (long j = -1; j <= 1; j++) {
				long k = (side ? half : -half) + d + j;
				line[side] += p[((k % TONE_FFT) + TONE_FFT) % TONE_FFT];
			}
		double weaker = line[0] < line[1] ? line[0] : line[1];
		best = weaker > best ? weaker : best;
	}
	return 2 * best / ((double)m * e);
}

/* Pulses: on-runs of PULSE_WINDOW_S windows over the whole clip (margins
 * too, so that a run at the burst's edge is whole), a window "on" when its
 * power stands a third of the way from the noise to the burst's level (the
 * 95th percentile of its windows). Gaps of one window are closed; runs of
 * one window are ignored. Only runs that overlap the burst [i0, i1) count.
 *
 *   SRS (36.211 5.5.3):     |#|.........|#|.........|#|   one 71 us symbol
 *                            <-- 1 ms -->                  a subframe apart
 *   PUCCH (5.4.3) one edge: |###|   |###|   |###|          0.5 ms slots
 */
#define PULSE_WINDOW_S (SCFDMA_SYMBOL_S / 4) /* 16.7 us */

/* The largest share of the runs whose starts lie within PULSE_GRID_TOL_S
 * of a whole number of subframes from one run's start (NAN under 3 runs,
 * or over PULSE_GRID_MAX: the pairs are counted, and a clip can hold
 * thousands of noise runs; the evaluation's bursts show 55 at most). The
 * median spacing says the same of a clean run of SRS symbols, but one
 * noise pulse among them moves it off the grid (4 symbols 1 ms apart and
 * a noise pulse: 0.86 .. 0.88 ms); the share stays 0.8. */
#define PULSE_GRID_TOL_S 0.1e-3
#define PULSE_GRID_MAX   128

static double pulse_grid(const double *start, size_t nr)
{
	if (nr < 3 || nr > PULSE_GRID_MAX)
		return NAN;
	size_t best = 0;
	for (size_t i = 0; i < nr; i++) {
		size_t on = 0;
		for (size_t j = 0; j < nr; j++) {
			double d = fabs(start[j] - start[i]) / 1e-3;
			on += fabs(d - round(d)) * 1e-3 <= PULSE_GRID_TOL_S;
		}
		best = on > best ? on : best;
	}
	return (double)best / (double)nr;
}

static void pulse_track(struct classifier_set *s, const float complex *clip, size_t len, size_t i0,
                        size_t i1, double rate, double noise, struct classify_features *f)
{
	size_t w = (size_t)llround(PULSE_WINDOW_S * rate);
	if (w < 2 || len / w < 4 || i1 <= i0)
		return;
	size_t nw = len / w, k0 = i0 / w, k1 = (i1 + w - 1) / w;
	if (k1 > nw)
		k1 = nw;
	if (k1 <= k0)
		return;
	for (size_t k = 0; k < nw; k++)
		s->purity[k] = mean_power(clip + k * w, w);
	size_t nb = k1 - k0;
	memcpy(s->metric, s->purity + k0, nb * sizeof(*s->metric));
	double level = select_kth(s->metric, nb, (size_t)floor(0.95 * (double)(nb - 1)));
	if (!(level > 2 * noise))
		return; /* the burst's peak is under 0 dB in the clip: no edges */
	double thr = noise + (level - noise) / 3;
	for (size_t k = 0; k < nw; k++)
		s->on[k] = s->purity[k] > thr;
	for (size_t k = 1; k + 1 < nw; k++)
		if (!s->on[k] && s->on[k - 1] && s->on[k + 1])
			s->on[k] = 2; /* a closed gap: on, but counted as such */
	size_t nr = 0, start = 0, last_start = SIZE_MAX;
	for (size_t k = 0; k <= nw; k++) {
		int on = k < nw && s->on[k];
		if (on && (k == 0 || !s->on[k - 1]))
			start = k;
		if (!on && k > 0 && s->on[k - 1]) {
			size_t runw = k - start;
			/* overlaps the burst's windows, longer than one window */
			if (runw >= 2 && k > k0 && start < k1) {
				s->metric[nr] = (double)(start * w) / rate; /* (free by now) */
				s->run_len[nr] = (double)(runw * w) / rate;
				if (last_start != SIZE_MAX)
					s->run_gap[nr - 1] = (double)((start - last_start) * w) / rate;
				last_start = start;
				nr++;
			}
		}
	}
	f->pulses = nr;
	f->pulse_s = median(s->run_len, nr);
	f->pulse_gap_s = nr >= 2 ? median(s->run_gap, nr - 1) : NAN;
	f->pulse_grid = pulse_grid(s->metric, nr);
	if (nr > 0) {
		double on = 0;
		size_t m = 0;
		for (size_t k = 0; k < nw; k++)
			if (s->on[k]) {
				on += s->purity[k];
				m++;
			}
		on /= (double)m;
		if (on > noise && noise > 0)
			f->pulse_snr_db = 10 * log10((on - noise) / noise);
	}
}

/* Correlation at lag over the samples whose window and lagged window are
 * both on (pulse_track), normalised by their energy. */
static double on_correlation(const struct classifier_set *s, const float complex *clip, size_t len,
                             size_t w, size_t lag)
{
	double complex c = 0;
	double e = 0;
	/* Whole windows only: pulse_track set the on flags of those (a flag
	 * past them was a former clip's). */
	len = len / w * w;
	if (lag == 0 || len <= lag)
		return NAN;
	for (size_t i = 0; i + lag < len; i++) {
		if (!s->on[i / w] || !s->on[(i + lag) / w])
			continue;
		double complex a = clip[i], b = clip[i + lag];
		c += a * conj(b);
		e += 0.5 * (creal(a) * creal(a) + cimag(a) * cimag(a) + creal(b) * creal(b) +
		            cimag(b) * cimag(b));
	}
	return e > 0 ? cabs(c) / e : NAN;
}

int classify_features(struct classifier_set *s, const struct burst *b, struct classify_features *f)
{
	if (!s || !b || !f)
		return SIMSWEEP_EINVAL;
	*f = (struct classify_features){
	    .body_s = NAN,
	    .clip_snr_db = NAN,
	    .env_m4 = NAN,
	    .duty = NAN,
	    .tone_purity = NAN,
	    .tone_noise_purity = NAN,
	    .tone_span_hz = NAN,
	    .tone_conc = NAN,
	    .band_share = NAN,
	    .cp66 = NAN,
	    .cp800 = NAN,
	    .slot_gate = NAN,
	    .slot_z = NAN,
	    .gmsk_lines = NAN,
	    .comb = NAN,
	    .pulse_s = NAN,
	    .pulse_gap_s = NAN,
	    .pulse_snr_db = NAN,
	    .pulse_grid = NAN,
	};
	const double rate = b->clip_rate_hz;
	if (!b->clip || b->clip_len < 16 || !(rate > 0) || !(b->rate_hz > 0))
		return SIMSWEEP_OK;
	size_t len = b->clip_len < s->cfg.max_clip ? b->clip_len : s->cfg.max_clip;
	const double dec = b->rate_hz / rate;
	/* The burst inside the clip; the rest is margin (noise). */
	double i0d = b->sample >= b->clip_sample ? (double)(b->sample - b->clip_sample) / dec : 0;
	size_t i0 = (size_t)llround(i0d);
	size_t i1 = i0 + (size_t)llround((double)b->n_samples / dec);
	if (i0 >= len)
		return SIMSWEEP_OK;
	if (i1 > len)
		i1 = len;
	/* Noise from the margins, away from the edges (filter and ramp). */
	size_t guard = (size_t)ceil(20e-6 * rate) + 2;
	double noise = 0;
	size_t nn = 0;
	if (i0 > guard) {
		noise += mean_power(b->clip, i0 - guard) * (double)(i0 - guard);
		nn += i0 - guard;
	}
	if (b->clip_len > i1 + guard && len == b->clip_len) {
		size_t a = i1 + guard;
		noise += mean_power(b->clip + a, len - a) * (double)(len - a);
		nn += len - a;
	}
	if (nn >= 8) {
		noise /= (double)nn;
	} else if (isfinite(b->snr_db) && b->bandwidth_hz > 0) {
		/* No margin: the pipeline's SNR in bandwidth_hz, scaled to the clip. */
		double p = mean_power(b->clip + i0, i1 - i0);
		double k = pow(10, b->snr_db / 10) * b->bandwidth_hz / rate;
		noise = p / (1 + k);
	} else {
		noise = 0;
	}
	/* Trim the edges of the body: ramps and edge uncertainty. */
	size_t trim = (size_t)ceil(0.03 * (double)(i1 - i0)) + 1;
	if (i1 - i0 <= 2 * trim + 8)
		return SIMSWEEP_OK;
	const float complex *x = b->clip + i0 + trim;
	size_t n = i1 - i0 - 2 * trim;
	f->body_s = (double)(i1 - i0) / rate;
	double p = mean_power(x, n);
	f->clip_snr_db = noise > 0 && p > noise ? 10 * log10((p - noise) / noise) : NAN;
	f->env_m4 = envelope_m4(x, n, noise);
	f->duty = duty_cycle(x, n, rate, p, noise);
	size_t nsw = slot_windows(s, x, n, rate);
	if (nsw) {
		f->slot_gate = slot_gate(s->metric, nsw);
		f->slot_z = slot_z(s->metric, nsw);
	}
	tone_track(s, x, n, rate, f);
	if (f->tone_windows > 0)
		spectrum_shares(s->spec, rate, b->bandwidth_hz, f);
	f->gmsk_lines = gmsk_lines(s, x, n, rate);
	/* Half a symbol: a comb on every other subcarrier (SRS, 36.211
	 * 5.5.3.2, k_TC) repeats itself, x(t + 33.3 us) = +-x(t), whatever
	 * its PRBs. Against the same at 0.77 x the lag (a narrow spectrum
	 * correlates at both). */
	pulse_track(s, b->clip, len, i0, i1, rate, noise, f);
	size_t pw = (size_t)llround(PULSE_WINDOW_S * rate);
	size_t half = (size_t)llround(SCFDMA_SYMBOL_S / 2 * rate);
	if (f->pulses > 0 && half >= 4) {
		double c = on_correlation(s, b->clip, len, pw, half);
		double cr = on_correlation(s, b->clip, len, pw, (size_t)llround(0.77 * (double)half));
		if (!isnan(c) && !isnan(cr))
			f->comb = c - cr;
	}
	/* The CP correlation of noise over few samples is large by chance: the
	 * same measurement at lags where no CP repeats (x 0.77, x 1.29) is the
	 * reference it must beat. */
	/* At least one sample: a band-limited clip still correlates near the
	 * CP when the CP is shorter than a sample (NPUSCH 3 tones at 150 kHz). */
	size_t cp_n = rate >= CP_MIN_CLIP_HZ ? (size_t)llround(SCFDMA_CP_S * rate) : 0;
	if (rate >= CP_MIN_CLIP_HZ && cp_n < 1)
		cp_n = 1;
	double sym = SCFDMA_SYMBOL_S * rate, fold = SCFDMA_SLOT_S / 7 * rate;
	double c66 = cp_correlation(s, x, n, (size_t)llround(sym), cp_n, fold);
	double r1 = cp_correlation(s, x, n, (size_t)llround(0.77 * sym), cp_n, fold);
	double r2 = cp_correlation(s, x, n, (size_t)llround(1.29 * sym), cp_n, fold);
	f->cp66 = c66 - 0.5 * (r1 + r2);
	/* A preamble is barely longer than the lag: use the margins too. */
	size_t pcp = (size_t)floor(PRACH_CP_S * rate * 0.9);
	double p800 = cp_correlation(s, b->clip, len, (size_t)llround(PRACH_SEQ_S * rate), pcp, 0);
	double pr1 =
	    cp_correlation(s, b->clip, len, (size_t)llround(0.77 * PRACH_SEQ_S * rate), pcp, 0);
	f->cp800 = p800 - pr1;
	return SIMSWEEP_OK;
}

int classify_run(struct classifier_set *s, struct burst *b)
{
	if (!s || !b)
		return SIMSWEEP_EINVAL;
	b->class_id = "unknown";
	b->kind = NULL;
	b->confidence = 0;
	b->class_by_band = 0;
	int err = classify_features(s, b, &s->last);
	if (err)
		return err;
	/* A carrier outlasts every uplink burst (a downlink, a spur). */
	if (b->type == BURST_TYPE_CARRIER)
		return SIMSWEEP_OK;
	size_t nc;
	const struct classifier *const *reg = classify_registry(&nc);
	struct classify_result best = {.verdict = CLASSIFY_NOT_MINE};
	const struct classifier *who = NULL, *band_who = NULL;
	double band_best = 0;
	const char *band_kind = NULL;
	for (size_t i = 0; i < nc; i++) {
		const struct classifier *c = reg[i];
		if (!(b->bandwidth_hz >= c->bw_min_hz && b->bandwidth_hz <= c->bw_max_hz &&
		      b->duration_s >= c->dur_min_s && b->duration_s <= c->dur_max_s))
			continue;
		struct classify_result r = {.verdict = CLASSIFY_NOT_MINE};
		c->classify(b, &s->last, &r);
		if (r.verdict != CLASSIFY_SCORED)
			continue;
		if (r.score > best.score) {
			best = r;
			who = c;
		}
		if (r.band_score > band_best) {
			band_best = r.band_score;
			band_kind = r.band_kind;
			band_who = c;
		}
	}
	if (who && best.score >= s->cfg.min_confidence) {
		b->class_id = who->id;
		b->kind = best.kind;
		b->confidence = best.score;
	} else if (band_who && band_best >= s->cfg.min_confidence) {
		b->class_id = band_who->id;
		b->kind = band_kind;
		b->confidence = band_best;
		b->class_by_band = 1;
	}
	return SIMSWEEP_OK;
}

const struct classify_features *classify_last_features(const struct classifier_set *s)
{
	return s ? &s->last : NULL;
}

int classify_burst(struct burst *b)
{
	if (!b)
		return SIMSWEEP_EINVAL;
	struct classify_config cfg;
	classify_config_default(&cfg);
	struct classifier_set *s = classify_create(&cfg);
	if (!s)
		return SIMSWEEP_ENOMEM;
	int err = classify_run(s, b);
	classify_destroy(s);
	return err;
}
