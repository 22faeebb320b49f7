/* clip.h - the IQ side of burst detection: a ring of recent samples, a raw
 * copy of each open burst (from a little before it began), and, when a
 * burst ends, its baseband clip (mixed to its centre, low-pass filtered and
 * decimated with liquid-dsp) and sample-accurate start and end.
 *
 * Start and end come from the clip's envelope, not from the spectrogram:
 * within a window around the spectrogram's estimate, the instant that best
 * splits the envelope power into "before" and "after" means (a least-squares
 * change point) is taken. This gives a few microseconds on wide bursts and
 * about 1/bandwidth on narrow ones.
 */
#ifndef SIMSWEEP_CLIP_H
#define SIMSWEEP_CLIP_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

struct clipper;

struct clipper_config {
	double rate_hz;        /* input sample rate, > 0 */
	size_t slots;          /* bursts open at once, 1 .. 1024 (as segmenter max_regions) */
	size_t ring_samples;   /* history kept, a power of two >= 4096 (default 1<<18) */
	size_t clip_samples;   /* input samples kept per burst, >= 1024 (default 1<<15) */
	double min_clip_rate_hz; /* the clip is decimated no lower than this (default 20e3) */
};

struct clip_request {
	double offset_hz;      /* burst centre relative to the tuned centre */
	double bandwidth_hz;   /* occupied bandwidth, > 0 */
	uint64_t start_lo, start_hi; /* the start lies in [start_lo, start_hi) */
	uint64_t end_lo, end_hi;     /* the end lies in [end_lo, end_hi) */
	double pre_s, post_s;  /* margins kept in the clip around the burst */
};

struct clip_result {
	uint64_t start, end;   /* refined start and end (exclusive), stream samples */
	double power;          /* mean |x|^2 of the clip between start and end
	                          (signal plus the noise in noise_bw_hz) */
	double noise_bw_hz;    /* noise bandwidth of the clip filter */
	const float complex *clip; /* valid until the slot is opened again */
	size_t clip_len;
	double clip_rate_hz;
	uint64_t clip_sample;  /* stream index of clip[0] */
};

void clipper_config_default(struct clipper_config *cfg);

struct clipper *clipper_create(const struct clipper_config *cfg);

/* Append n samples (stream positions continue from the previous push). */
void clipper_push(struct clipper *c, const float complex *x, size_t n);

/* Start keeping samples for slot from stream position `from` (clamped to
 * what the ring still holds). */
void clipper_open(struct clipper *c, unsigned slot, uint64_t from);

/* Forget slot's samples. */
void clipper_drop(struct clipper *c, unsigned slot);

/* Build slot's clip and refine its start and end. Returns 0, or
 * SIMSWEEP_EINVAL for a bad request. The slot is closed afterwards. */
int clipper_finish(struct clipper *c, unsigned slot, const struct clip_request *rq,
                   struct clip_result *res);

/* Stream position of the next sample to be pushed. */
uint64_t clipper_position(const struct clipper *c);

/* Forget everything; the next sample pushed is stream position 0. */
void clipper_reset(struct clipper *c);

void clipper_destroy(struct clipper *c);

#endif
