/* ring.c - single-producer / single-consumer ring of raw sample blocks.
 *
 * Slots live in one allocation made at create time. head (next slot the
 * producer fills) is written by the producer only, tail (oldest filled slot)
 * by the consumer only; `used` is shared and guarded by the mutex, which is
 * held for a few instructions per slot and never while copying samples: the
 * producer copies into slot[head] while that slot is invisible to the
 * consumer, then publishes it. So the device thread never waits for the DSP
 * thread; at worst it waits for the consumer's own few-instruction critical
 * section.
 */
#include "simsweep/ring.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simsweep/block.h"
#include "simsweep/error.h"

#define RING_MAX_SLOT_BYTES ((size_t)1 << 26)
#define RING_MAX_SLOTS      ((size_t)1 << 16)
#define NS_PER_S            1000000000LL

struct slot_hdr {
	size_t n;
	uint64_t sample_index;
	uint64_t dropped;
	int64_t utc_ns;
	double freq_hz, rate_hz, gain_db;
	uint32_t segment;
};

struct ring {
	struct ring_config cfg;
	uint8_t *data;         /* slots * slot_bytes */
	struct slot_hdr *hdr;  /* slots */

	pthread_mutex_t mu;
	pthread_cond_t cond;

	/* Shared, under mu. */
	size_t used;
	bool closed;
	int status;
	bool wake;
	struct ring_stats st;

	/* Producer only. */
	size_t head;
	uint64_t next_index;   /* stream index of the next sample */
	uint64_t pending_drop; /* samples lost since the last stored slot */

	/* Consumer only. */
	size_t tail;
};

void ring_config_default(struct ring_config *cfg)
{
	if (!cfg)
		return;
	*cfg = (struct ring_config){
	    .slot_bytes = 131072,
	    .slots = 64,
	    .sample_bytes = 2,
	};
}

struct ring *ring_create(const struct ring_config *cfg)
{
	if (!cfg)
		return NULL;
	size_t sb = cfg->sample_bytes;
	if (sb != 2 && sb != 4 && sb != 8)
		return NULL;
	if (cfg->slot_bytes < sb || cfg->slot_bytes > RING_MAX_SLOT_BYTES || cfg->slot_bytes % sb)
		return NULL;
	if (cfg->slots < 2 || cfg->slots > RING_MAX_SLOTS)
		return NULL;
	struct ring *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->cfg = *cfg;
	r->data = malloc(cfg->slots * cfg->slot_bytes);
	r->hdr = calloc(cfg->slots, sizeof *r->hdr);
	if (!r->data || !r->hdr)
		goto fail_mem;
	if (pthread_mutex_init(&r->mu, NULL) != 0)
		goto fail_mem;
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca) != 0)
		goto fail_mu;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	int rc = pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0)
		goto fail_mu;
	return r;
fail_mu:
	pthread_mutex_destroy(&r->mu);
fail_mem:
	free(r->data);
	free(r->hdr);
	free(r);
	return NULL;
}

int64_t ring_utc_first(int64_t rx_utc_ns, uint64_t n, double rate_hz)
{
	if (rx_utc_ns == SIMSWEEP_UTC_UNKNOWN || !(rate_hz > 0.0) || !isfinite(rate_hz))
		return SIMSWEEP_UTC_UNKNOWN;
	long double d = (long double)n * 1e9L / (long double)rate_hz;
	if (d > (long double)INT64_MAX / 2)
		return SIMSWEEP_UTC_UNKNOWN;
	int64_t ns = (int64_t)llroundl(d);
	if (rx_utc_ns < INT64_MIN / 2 + ns)
		return SIMSWEEP_UTC_UNKNOWN;
	return rx_utc_ns - ns;
}

long long ring_push(struct ring *r, const void *data, size_t bytes, const struct ring_meta *meta)
{
	if (!r || !meta || (bytes && !data) || bytes % r->cfg.sample_bytes ||
	    !(meta->rate_hz > 0.0) || !isfinite(meta->rate_hz))
		return SIMSWEEP_EINVAL;
	const size_t sb = r->cfg.sample_bytes;
	const size_t slot_samples = r->cfg.slot_bytes / sb;
	const uint64_t total = bytes / sb;
	const uint8_t *src = data;
	uint64_t off = 0;
	long long lost = 0;

	pthread_mutex_lock(&r->mu);
	bool closed = r->closed;
	size_t used = r->used;
	pthread_mutex_unlock(&r->mu);
	if (closed)
		return SIMSWEEP_EINVAL;

	while (off < total) {
		size_t n = total - off < slot_samples ? (size_t)(total - off) : slot_samples;
		if (used == r->cfg.slots) {
			/* Look again: the consumer may have released some. */
			pthread_mutex_lock(&r->mu);
			used = r->used;
			if (used == r->cfg.slots) {
				/* Full: this push's remaining samples are lost. */
				uint64_t rest = total - off;
				r->st.dropped += rest;
				r->st.produced += rest;
				r->st.overruns++;
				pthread_mutex_unlock(&r->mu);
				r->pending_drop += rest;
				r->next_index += rest;
				lost += (long long)rest;
				break;
			}
			pthread_mutex_unlock(&r->mu);
		}
		/* slot[head] is not visible to the consumer: fill it unlocked. */
		struct slot_hdr *h = &r->hdr[r->head];
		memcpy(r->data + r->head * r->cfg.slot_bytes, src + off * sb, n * sb);
		*h = (struct slot_hdr){
		    .n = n,
		    .sample_index = r->next_index,
		    .dropped = r->pending_drop,
		    .utc_ns = ring_utc_first(meta->rx_utc_ns, total - off, meta->rate_hz),
		    .freq_hz = meta->freq_hz,
		    .rate_hz = meta->rate_hz,
		    .gain_db = meta->gain_db,
		    .segment = meta->segment,
		};
		r->pending_drop = 0;
		r->next_index += n;
		r->head = (r->head + 1) % r->cfg.slots;
		off += n;

		pthread_mutex_lock(&r->mu);
		used = ++r->used;
		if (used > r->st.max_used)
			r->st.max_used = used;
		r->st.produced += n;
		pthread_cond_signal(&r->cond);
		pthread_mutex_unlock(&r->mu);
	}
	return lost;
}

void ring_push_gap(struct ring *r, uint64_t samples)
{
	if (!r || samples == 0)
		return;
	r->pending_drop += samples;
	r->next_index += samples;
	pthread_mutex_lock(&r->mu);
	r->st.produced += samples;
	r->st.dropped += samples;
	r->st.gap += samples;
	pthread_mutex_unlock(&r->mu);
}

void ring_skip(struct ring *r, uint64_t samples)
{
	if (!r || samples == 0)
		return;
	r->next_index += samples;
	pthread_mutex_lock(&r->mu);
	r->st.produced += samples;
	r->st.skipped += samples;
	pthread_mutex_unlock(&r->mu);
}

void ring_close(struct ring *r, int status)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	if (!r->closed) {
		r->closed = true;
		r->status = status > 0 ? 0 : status;
	}
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
}

int ring_close_status(struct ring *r)
{
	if (!r)
		return SIMSWEEP_EINVAL;
	pthread_mutex_lock(&r->mu);
	int s = r->closed ? r->status : 0;
	pthread_mutex_unlock(&r->mu);
	return s;
}

void ring_wake(struct ring *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->wake = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
}

/* Absolute CLOCK_MONOTONIC time timeout_ms from now. */
static struct timespec deadline_after(int timeout_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= NS_PER_S) {
		ts.tv_sec++;
		ts.tv_nsec -= NS_PER_S;
	}
	return ts;
}

int ring_wait(struct ring *r, int timeout_ms, struct ring_slot *slot)
{
	if (!r || !slot)
		return SIMSWEEP_EINVAL;
	struct timespec dl = {0};
	if (timeout_ms > 0)
		dl = deadline_after(timeout_ms);
	pthread_mutex_lock(&r->mu);
	int res;
	for (;;) {
		if (r->used > 0) {
			res = RING_SLOT;
			break;
		}
		if (r->closed) {
			res = RING_CLOSED;
			break;
		}
		if (r->wake || timeout_ms == 0) {
			res = RING_TIMEOUT;
			break;
		}
		int rc = timeout_ms < 0 ? pthread_cond_wait(&r->cond, &r->mu)
		                        : pthread_cond_timedwait(&r->cond, &r->mu, &dl);
		if (rc == ETIMEDOUT && r->used == 0 && !r->closed) {
			res = RING_TIMEOUT;
			break;
		}
	}
	r->wake = false;
	pthread_mutex_unlock(&r->mu);
	if (res != RING_SLOT)
		return res;
	/* slot[tail] is ours until ring_release: the producer does not touch
	 * a filled slot. */
	const struct slot_hdr *h = &r->hdr[r->tail];
	*slot = (struct ring_slot){
	    .data = r->data + r->tail * r->cfg.slot_bytes,
	    .n = h->n,
	    .sample_index = h->sample_index,
	    .dropped = h->dropped,
	    .utc_ns = h->utc_ns,
	    .freq_hz = h->freq_hz,
	    .rate_hz = h->rate_hz,
	    .gain_db = h->gain_db,
	    .segment = h->segment,
	};
	return RING_SLOT;
}

void ring_release(struct ring *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	if (r->used > 0) {
		r->st.delivered += r->hdr[r->tail].n;
		r->tail = (r->tail + 1) % r->cfg.slots;
		r->used--;
	}
	pthread_mutex_unlock(&r->mu);
}

void ring_stats(struct ring *r, struct ring_stats *st)
{
	if (!r || !st)
		return;
	pthread_mutex_lock(&r->mu);
	*st = r->st;
	pthread_mutex_unlock(&r->mu);
}

size_t ring_used(struct ring *r)
{
	if (!r)
		return 0;
	pthread_mutex_lock(&r->mu);
	size_t u = r->used;
	pthread_mutex_unlock(&r->mu);
	return u;
}

void ring_destroy(struct ring *r)
{
	if (!r)
		return;
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->mu);
	free(r->data);
	free(r->hdr);
	free(r);
}
