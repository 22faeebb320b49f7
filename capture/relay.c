/* relay.c - two stages on two threads over a bounded queue (see relay.h).
 *
 * Slots are used round-robin. `filled` counts slots produced and not yet
 * consumed; the producer waits while all are filled, the consumer while
 * none is. Both stages touch an item only while it is theirs: the mutex
 * orders the hand-over (a filled slot's contents are visible to the
 * consumer, a returned slot's to the producer).
 */
#include "simsweep/relay.h"

#include <pthread.h>
#include <stdbool.h>

struct relay {
	void *const *items;
	size_t n;
	relay_produce_fn produce;
	void *pctx;

	pthread_mutex_t mu;
	pthread_cond_t cond;
	/* Shared, under mu. */
	size_t filled;
	bool done;     /* the producer has finished: no item after those filled */
	bool stop;     /* the consumer wants no more */
	int last;      /* produce's last return value */
};

static void *producer(void *arg)
{
	struct relay *r = arg;
	size_t head = 0;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (r->filled == r->n && !r->stop)
			pthread_cond_wait(&r->cond, &r->mu);
		bool stop = r->stop;
		size_t backlog = r->filled;
		pthread_mutex_unlock(&r->mu);
		if (stop)
			break;
		int rv = r->produce(r->items[head], backlog, r->pctx);
		pthread_mutex_lock(&r->mu);
		if (rv == 1) {
			r->filled++;
		} else {
			r->last = rv;
			r->done = true;
		}
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->mu);
		if (rv != 1)
			return NULL;
		head = (head + 1) % r->n;
	}
	pthread_mutex_lock(&r->mu);
	r->done = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static int run_here(void *const *items, relay_produce_fn produce, void *pctx,
                    relay_consume_fn consume, void *cctx)
{
	for (;;) {
		int rv = produce(items[0], 0, pctx);
		if (rv != 1)
			return rv;
		rv = consume(items[0], cctx);
		if (rv != 0)
			return rv;
	}
}

int relay_run(void *const *items, size_t n_items, unsigned nthreads, relay_produce_fn produce,
              void *pctx, relay_consume_fn consume, void *cctx)
{
	if (nthreads < 2 || n_items < 2)
		return run_here(items, produce, pctx, consume, cctx);
	struct relay r = {
	    .items = items, .n = n_items, .produce = produce, .pctx = pctx,
	};
	if (pthread_mutex_init(&r.mu, NULL) != 0)
		return run_here(items, produce, pctx, consume, cctx);
	if (pthread_cond_init(&r.cond, NULL) != 0) {
		pthread_mutex_destroy(&r.mu);
		return run_here(items, produce, pctx, consume, cctx);
	}
	pthread_t th;
	if (pthread_create(&th, NULL, producer, &r) != 0) {
		pthread_cond_destroy(&r.cond);
		pthread_mutex_destroy(&r.mu);
		return run_here(items, produce, pctx, consume, cctx);
	}
	size_t tail = 0;
	int result = 0;
	for (;;) {
		pthread_mutex_lock(&r.mu);
		while (r.filled == 0 && !r.done)
			pthread_cond_wait(&r.cond, &r.mu);
		bool have = r.filled > 0;
		if (!have)
			result = r.last;
		pthread_mutex_unlock(&r.mu);
		if (!have)
			break;
		int rv = consume(items[tail], cctx);
		tail = (tail + 1) % n_items;
		pthread_mutex_lock(&r.mu);
		r.filled--;
		if (rv != 0)
			r.stop = true;
		pthread_cond_broadcast(&r.cond);
		pthread_mutex_unlock(&r.mu);
		if (rv != 0) {
			result = rv;
			break;
		}
	}
	pthread_join(th, NULL);
	pthread_cond_destroy(&r.cond);
	pthread_mutex_destroy(&r.mu);
	return result;
}
