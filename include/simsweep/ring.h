/* ring.h - the hand-over between a device thread (USB callback, network
 * reader) and the DSP thread: a preallocated single-producer /
 * single-consumer ring of raw sample blocks.
 *
 *   device thread                         DSP thread
 *   ring_push(bytes, meta) ──▶ [slot][slot][slot]... ──▶ ring_wait() / ring_release()
 *
 * The producer only copies into a free slot and signals; it never waits and
 * never allocates. When every slot is taken it drops the data and counts it:
 * the next slot it fills carries the number of samples lost just before it,
 * and the stream index of every slot counts the lost samples too, so a drop
 * shows as a gap in sample_index that nothing downstream can mistake for
 * continuity. A producer that knows of samples it never received (a
 * connection lost for a while) reports them with ring_push_gap(); samples
 * thrown away on purpose (settling after a retune) go through ring_skip(),
 * which also advances the index but is not a loss.
 *
 * Accounting, exact at any moment the producer is idle:
 *   stats.produced == stats.delivered + stats.dropped + stats.skipped
 *                     + (samples in slots not yet released)
 *
 * Thread rules: exactly one producer thread calls ring_push, ring_push_gap,
 * ring_skip and ring_close; exactly one consumer thread calls ring_wait and
 * ring_release. ring_stats may be called from either. ring_create and
 * ring_destroy are called with no other thread using the ring.
 */
#ifndef SIMSWEEP_RING_H
#define SIMSWEEP_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring;

struct ring_config {
	size_t slot_bytes;   /* capacity of a slot in bytes, a multiple of
	                        sample_bytes, 2 .. 1<<26 (default 131072) */
	size_t slots;        /* number of slots, 2 .. 1<<16 (default 64) */
	size_t sample_bytes; /* bytes per complex sample: 2 (cu8, cs8), 4 (cs16),
	                        8 (cf32) (default 2) */
};

/* What the producer knows about the bytes it pushes. */
struct ring_meta {
	double freq_hz;   /* tuned centre, NAN when unknown */
	double rate_hz;   /* sample rate, > 0 */
	double gain_db;   /* front-end gain, NAN when unknown or automatic */
	uint32_t segment; /* capture segment: bump at every retune */
	int64_t rx_utc_ns; /* CLOCK_REALTIME when the LAST byte pushed was
	                      received (ns since the Unix epoch), or
	                      SIMSWEEP_UTC_UNKNOWN */
};

/* One filled slot, as the consumer sees it. */
struct ring_slot {
	const uint8_t *data;   /* n * sample_bytes bytes */
	size_t n;              /* whole samples, >= 1 */
	uint64_t sample_index; /* stream index of the first sample (counting every
	                          dropped, missed or skipped sample before it) */
	uint64_t dropped;      /* samples lost (ring full, or reported by
	                          ring_push_gap) immediately before this slot */
	int64_t utc_ns;        /* UTC of the first sample: rx_utc_ns minus the
	                          duration of the samples from this one to the
	                          last of the push, or SIMSWEEP_UTC_UNKNOWN */
	double freq_hz, rate_hz, gain_db;
	uint32_t segment;
};

struct ring_stats {
	uint64_t produced;  /* samples offered: pushed + gaps + skipped */
	uint64_t delivered; /* samples in slots the consumer released */
	uint64_t dropped;   /* samples lost because the ring was full, plus gaps */
	uint64_t gap;       /* of which reported by ring_push_gap */
	uint64_t skipped;   /* samples passed to ring_skip */
	uint64_t overruns;  /* pushes that found the ring full */
	size_t max_used;    /* most slots ever filled at once */
};

void ring_config_default(struct ring_config *cfg);

/* Allocates every slot. NULL on a bad configuration or out of memory. */
struct ring *ring_create(const struct ring_config *cfg);

/* Producer: copy `bytes` bytes (whole samples) into as many slots as they
 * need; a push larger than a slot is split, a slot never holds two pushes.
 * Never blocks. Returns the number of samples dropped by this call (0 when
 * all were stored), or SIMSWEEP_EINVAL (bytes not a whole number of samples,
 * bad meta, or the ring closed). */
long long ring_push(struct ring *r, const void *data, size_t bytes, const struct ring_meta *meta);

/* Producer: `samples` samples were lost before they reached the producer
 * (e.g. a network outage). They advance the stream index and are added to
 * the dropped count carried by the next slot. */
void ring_push_gap(struct ring *r, uint64_t samples);

/* Producer: `samples` samples were received and thrown away on purpose
 * (settling after a retune). They advance the stream index only. */
void ring_skip(struct ring *r, uint64_t samples);

/* Producer: no more data. status is 0 for a clean end or a negative
 * SIMSWEEP_E* code; the consumer sees it once every slot is consumed. */
void ring_close(struct ring *r, int status);

/* Consumer: results of ring_wait. */
#define RING_TIMEOUT 0 /* nothing arrived within the timeout */
#define RING_SLOT    1 /* *slot is filled */
#define RING_CLOSED  2 /* the producer closed and every slot was consumed */

/* Consumer: wait up to timeout_ms (0: do not wait, < 0: forever) for the
 * oldest filled slot. The slot stays valid, and is not reused, until
 * ring_release(). Calling ring_wait again before ring_release returns the
 * same slot. */
int ring_wait(struct ring *r, int timeout_ms, struct ring_slot *slot);

/* Consumer: give the slot returned by ring_wait back to the producer. */
void ring_release(struct ring *r);

/* The status given to ring_close (0 when still open). */
int ring_close_status(struct ring *r);

/* Wake a consumer blocked in ring_wait (it returns RING_TIMEOUT), e.g. to
 * look at a stop flag. Safe from any thread, not from a signal handler. */
void ring_wake(struct ring *r);

void ring_stats(struct ring *r, struct ring_stats *st);

/* Number of filled slots now. */
size_t ring_used(struct ring *r);

/* UTC of the first of n samples at rate_hz whose last one arrived at
 * rx_utc_ns: rx_utc_ns - n / rate_hz, rounded to the ns. Unknown stays
 * unknown. */
int64_t ring_utc_first(int64_t rx_utc_ns, uint64_t n, double rate_hz);

/* NULL is a no-op. */
void ring_destroy(struct ring *r);

#endif
