/* test_clip.c - the clipper's baseband clip: a tone inside a burst's band
 * comes out at unit gain and at its frequency, one beyond the clip's band is
 * suppressed, and the burst's start and end are found within a clip sample,
 * at decimations by 4, 16 and 64. */
#include <complex.h>
#include <math.h>
#include <string.h>

#include "check.h"
#include "simsweep/clip.h"

#define RATE  2.4e6
#define N     60000
#define START 20000
#define END   44000

/* A burst of tones (offset_hz from the tuned centre, amplitude 1 each)
 * from START to END in N samples, through a fresh clipper; the clip of a
 * request centred on centre_hz, bandwidth bw_hz. */
/* The stream's length, and the request's avail (0: none). */
static size_t n_total = N;
static uint64_t avail_at;

static int run(const double *tone_hz, size_t ntones, int always, double centre_hz,
               double bw_hz, struct clip_result *res, struct clipper **out)
{
	struct clipper_config cfg;
	clipper_config_default(&cfg);
	struct clipper *c = clipper_create(&cfg);
	CHECK(c != NULL);
	if (!c)
		return -1;
	int opened = 0;
	for (size_t done = 0; done < n_total;) {
		float complex *x;
		size_t k = clipper_write_space(c, &x);
		if (k > 4096)
			k = 4096;
		if (k > n_total - done)
			k = n_total - done;
		for (size_t i = 0; i < k; i++) {
			size_t n = done + i;
			double complex v = 0;
			if (always || (n >= START && n < END))
				for (size_t t = 0; t < ntones; t++)
					v += cexp(2 * M_PI * I * tone_hz[t] * (double)n / RATE);
			x[i] = (float complex)v;
		}
		uint64_t pos = clipper_write_commit(c, k);
		clipper_take(c, pos, k);
		done += k;
		/* As the pipeline does: opened once the start is seen, from a
		 * little before it (the ring's history). */
		if (!opened && done >= START) {
			clipper_open(c, 0, START - 2000);
			opened = 1;
		}
	}
	struct clip_request rq = {
	    .offset_hz = centre_hz,
	    .bandwidth_hz = bw_hz,
	    .start_lo = START - 500,
	    .start_hi = START + 500,
	    .end_lo = END - 500,
	    .end_hi = END + 500,
	    .pre_s = 200e-6,
	    .post_s = 200e-6,
	    .avail = avail_at,
	};
	CHECK_EQ_INT(clipper_finish(c, 0, &rq, res), 0);
	*out = c;
	return 0;
}

/* Mean |x|^2 of the clip over the burst, away from its edges. */
static double body_power(const struct clip_result *r)
{
	double dec = RATE / r->clip_rate_hz, p = 0;
	size_t n = 0;
	for (size_t i = 0; i < r->clip_len; i++) {
		double s = (double)r->clip_sample + (double)i * dec;
		if (s < START + 2000 || s > END - 2000)
			continue;
		float complex v = r->clip[i];
		p += crealf(v) * crealf(v) + cimagf(v) * cimagf(v);
		n++;
	}
	return n ? p / (double)n : NAN;
}

/* A request's avail: the clip is what it would be had the stream been
 * taken only that far (the pipeline passes the end of the frame being
 * examined, so how the stream was cut into takes changes no event). 20
 * samples past the end window: there the decimating filter's last outputs
 * depend on what follows (without avail, 1559 clip samples against 1555). */
static void test_avail(void)
{
	const double centre = 300e3, in_hz = centre + 0.25 * 45e3;
	struct clip_result a, b;
	struct clipper *ca, *cb;
	n_total = END + 520;
	avail_at = 0;
	if (run(&in_hz, 1, 0, centre, 45e3, &a, &ca))
		return;
	n_total = N;
	avail_at = END + 520;
	if (run(&in_hz, 1, 0, centre, 45e3, &b, &cb))
		return;
	fprintf(stderr, "avail: %zu and %zu clip samples, ends %llu and %llu\n", a.clip_len, b.clip_len,
	        (unsigned long long)a.end, (unsigned long long)b.end);
	CHECK(a.start == b.start && a.end == b.end && a.power == b.power);
	CHECK(a.clip_len == b.clip_len && a.clip_sample == b.clip_sample);
	CHECK(a.clip_len && !memcmp(a.clip, b.clip, a.clip_len * sizeof(*a.clip)));
	clipper_destroy(ca);
	clipper_destroy(cb);
	avail_at = 0;
}

int main(void)
{
	test_avail();
	/* Narrow to wide: decimation by 64 .. 4 (clip rates 37.5 .. 600 kHz). */
	static const double bws[] = {10e3, 45e3, 180e3};
	for (size_t b = 0; b < sizeof(bws) / sizeof(bws[0]); b++) {
		const double centre = 300e3;
		struct clip_result r;
		struct clipper *c;
		/* In band, a quarter of the burst's band off its centre. */
		double in_hz = centre + 0.25 * bws[b];
		if (run(&in_hz, 1, 0, centre, bws[b], &r, &c))
			return check_done("clip");
		double rate = r.clip_rate_hz;
		double pin = body_power(&r);
		fprintf(stderr, "bw %6.0f Hz: clip rate %.0f Hz, %zu samples, in-band power %.4f, "
		        "start %+lld, end %+lld\n",
		        bws[b], rate, r.clip_len, pin, (long long)r.start - START,
		        (long long)r.end - END);
		CHECK(rate < RATE && rate >= 2 * bws[b]);
		CHECK_NEAR(10 * log10(pin), 0, 0.1);
		/* A step in power with no noise: found within one clip sample
		 * (measured: the start 0.75 of one late, 4, 16 and 48 input
		 * samples; the end 0 .. 48; the same with liquid-dsp's
		 * decimator, which this one replaced). */
		double one = RATE / rate + 1;
		CHECK(fabs((double)r.start - START) <= one);
		CHECK(fabs((double)r.end - END) <= one);
		/* The clip's phase follows the tone: 0.25 x bw after mixing down. */
		size_t mid = r.clip_len / 2;
		double dphi = carg(r.clip[mid + 1] * conj(r.clip[mid]));
		CHECK_NEAR(dphi, 2 * M_PI * 0.25 * bws[b] / rate, 1e-3);
		clipper_destroy(c);

		/* Beyond the clip's band: 0.8 x its rate off the centre (past the
		 * 0.5 x of its Nyquist and the filter's transition). */
		double out_hz = centre + 0.8 * rate;
		if (run(&out_hz, 1, 0, centre, bws[b], &r, &c))
			return check_done("clip");
		double pout = body_power(&r);
		fprintf(stderr, "  tone at 0.8 x the clip rate: %.1f dB\n", 10 * log10(pout));
		CHECK(r.clip_rate_hz == rate);
		CHECK(10 * log10(pout) < -55);
		clipper_destroy(c);

		/* A tone on all along: every clip sample, the first ones too,
		 * is the tone at unit gain (the filter's start-up is left out of
		 * the clip). */
		if (run(&in_hz, 1, 1, centre, bws[b], &r, &c))
			return check_done("clip");
		double worst = 0;
		for (size_t i = 0; i < r.clip_len; i++) {
			double e = fabs(cabsf(r.clip[i]) - 1.0);
			worst = e > worst ? e : worst;
		}
		fprintf(stderr, "  tone all along: %zu samples, |x| within %.4f of 1\n", r.clip_len,
		        worst);
		CHECK(r.clip_len > 100);
		CHECK(worst < 0.01);
		clipper_destroy(c);
	}
	return check_done("clip");
}
