/* test_noise.c - the per-bin noise floor: converges to the median of the
 * power fed, ignores bursts in frozen bins, starts below a carrier that is
 * on from the first frame, and rejects bad configurations. */
#include <stdlib.h>

#include "check.h"
#include "siggen.h"
#include "simsweep/noise.h"

int main(void)
{
	struct noise_config c;
	noise_config_default(&c);
	c.nbins = 64;
	struct noise *nf = noise_create(&c);
	CHECK(nf != NULL);
	float fr[64];
	uint8_t freeze[64] = {0};
	struct siggen_rng r = {11};
	/* Exponential power of mean 1 (median ln 2); bins 10..19 carry a
	 * carrier 20 dB up from the first frame. */
	for (int i = 0; i < 20000; i++) {
		for (int k = 0; k < 64; k++) {
			float v = (float)-log(siggen_uniform(&r));
			fr[k] = k >= 10 && k < 20 ? 100.0f * v : v;
		}
		for (int k = 0; k < 64; k++)
			freeze[k] = k >= 10 && k < 20; /* the caller's detector holds them */
		noise_process(nf, fr, i < (int)c.init_frames ? NULL : freeze);
	}
	CHECK(noise_ready(nf));
	const float *fl = noise_floor(nf);
	for (int k = 0; k < 64; k++) {
		if (k >= 10 && k < 20)
			CHECK(fl[k] < 2.0f); /* started and stayed below the carrier */
		else
			CHECK_NEAR(fl[k], log(2.0), 0.1);
	}
	CHECK_NEAR(noise_floor_median(nf), log(2.0), 0.1);
	/* Reset forgets it; a short input can still finish training. */
	noise_reset(nf);
	CHECK(!noise_ready(nf));
	CHECK(!noise_finish(nf));
	noise_process(nf, fr, NULL);
	CHECK(noise_finish(nf));
	CHECK(noise_ready(nf));
	noise_destroy(nf);

	struct noise_config b = c;
	b.nbins = 0;
	CHECK(noise_create(&b) == NULL);
	b = c;
	b.frame_rate_hz = 0;
	CHECK(noise_create(&b) == NULL);
	b = c;
	b.init_quantile = 1.5;
	CHECK(noise_create(&b) == NULL);
	b = c;
	b.median_ratio = 0;
	CHECK(noise_create(&b) == NULL);
	CHECK(noise_create(NULL) == NULL);
	noise_destroy(NULL);
	return check_done("noise");
}
