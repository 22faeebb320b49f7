/* clip.h - the IQ side of burst detection: a ring of recent samples, a raw
 * copy of each open burst (from a little before it began), and, when a
 * burst ends, its baseband clip (mixed to its centre, low-pass filtered and
 * decimated by a Kaiser FIR) and sample-accurate start and end.
 *
 * Start and end come from the clip's envelope, not from the spectrogram:
 * within a window around the spectrogram's estimate, the instant that best
 * splits the envelope power into "before" and "after" means (a least-squares
 * change point) is taken. This gives a few microseconds on wide bursts and
 * about 1/bandwidth on narrow ones.
 *
 * The ring has a writer and a reader, which may run on two threads. The
 * writer puts the stream's samples in the ring (clipper_write_space,
 * clipper_write_commit) and hands their ring positions to the reader by
 * its own means, which must order the two (a mutex, say); everything else
 * is the reader's, which takes the samples handed over, in order
 * (clipper_take), and reads no others. The writer may have written at most
 * ahead_samples that the reader has not taken; the reader reads back at
 * most ring_samples from the end of what it took. The ring holds both, so
 * that neither overwrites what the other is reading.
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
	size_t ahead_samples;  /* samples the writer may have written that the
	                          reader has not taken, <= 1<<28 (default 1<<14) */
	size_t clip_samples;   /* input samples kept per burst, >= 1024 (default 1<<15) */
	double min_clip_rate_hz; /* the clip is decimated no lower than this (default 20e3) */
};

struct clip_request {
	double offset_hz;      /* burst centre relative to the tuned centre */
	double bandwidth_hz;   /* occupied bandwidth, > 0 */
	uint64_t start_lo, start_hi; /* the start lies in [start_lo, start_hi) */
	uint64_t end_lo, end_hi;     /* the end lies in [end_lo, end_hi) */
	double pre_s, post_s;  /* margins kept in the clip around the burst */
	int stream_end;        /* the stream ends at end_hi: the burst may be on
	                          up to it, with no fall to find */
	uint64_t avail;        /* when not 0, samples from here on are not used,
	                          taken or not: the result is the same however the
	                          stream was cut into takes */
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

/* Writer: where the next samples go. *dst gets the ring from the write
 * position to the end of its memory; returns that many samples (>= 1). */
size_t clipper_write_space(struct clipper *c, float complex **dst);

/* Writer: n samples (at most what clipper_write_space returned) are written
 * at its *dst. Returns the ring position of the first; ring positions
 * count the samples written since create. */
uint64_t clipper_write_commit(struct clipper *c, size_t n);

/* Reader: the n samples written at ring positions [pos, pos + n) are the
 * stream's next (after a reset: from stream position 0; the samples taken
 * must follow each other in the ring). Open slots keep their share. */
void clipper_take(struct clipper *c, uint64_t pos, size_t n);

/* Reader: the taken samples from stream position `from` on, at most n, as
 * far as they lie in one run of the ring's memory; *len gets how many.
 * `from` must be one of the last ring_samples taken. */
const float complex *clipper_samples(const struct clipper *c, uint64_t from, size_t n,
                                     size_t *len);

/* Start keeping samples for slot from stream position `from` (clamped to
 * what the ring still holds). */
void clipper_open(struct clipper *c, unsigned slot, uint64_t from);

/* Forget slot's samples. */
void clipper_drop(struct clipper *c, unsigned slot);

/* Build slot's clip and refine its start and end. Returns 0, or
 * SIMSWEEP_EINVAL for a bad request. The slot is closed afterwards. */
int clipper_finish(struct clipper *c, unsigned slot, const struct clip_request *rq,
                   struct clip_result *res);

/* Stream position of the next sample to be taken. */
uint64_t clipper_position(const struct clipper *c);

/* Forget the stream: slots close, and the next sample taken is stream
 * position 0. The ring's write position goes on. */
void clipper_reset(struct clipper *c);

void clipper_destroy(struct clipper *c);

#endif
