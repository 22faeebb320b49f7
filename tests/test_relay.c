/* test_relay.c - the two-stage relay: every item consumed once, in the
 * order produced, with one thread and with two; consume's stop ends
 * production; produce's error reaches the caller after the items before
 * it; a slow consumer and a slow producer both lose nothing. */
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "simsweep/relay.h"

#define N_ITEMS 4

struct item {
	uint64_t seq;
	uint64_t payload[64]; /* seq repeated: a slot overwritten early is seen */
};

struct prod {
	uint64_t next;
	uint64_t count;     /* items to make */
	int end_rv;         /* what to return after them: 0 or an error */
	long sleep_ns;
	size_t max_backlog; /* the largest backlog produce was told */
	size_t short_q;     /* calls told 0 or 1 */
};

struct cons {
	uint64_t expect;
	uint64_t bad;
	uint64_t stop_after; /* 0: never stop */
	long sleep_ns;
};

static void nap(long ns)
{
	if (ns > 0) {
		struct timespec ts = {0, ns};
		nanosleep(&ts, NULL);
	}
}

static int produce(void *it, size_t backlog, void *ctx)
{
	struct prod *p = ctx;
	struct item *x = it;
	if (backlog > p->max_backlog)
		p->max_backlog = backlog;
	p->short_q += backlog <= 1;
	if (p->next == p->count)
		return p->end_rv;
	nap(p->sleep_ns);
	x->seq = p->next++;
	for (size_t i = 0; i < 64; i++)
		x->payload[i] = x->seq;
	return 1;
}

static int consume(void *it, void *ctx)
{
	struct cons *c = ctx;
	const struct item *x = it;
	nap(c->sleep_ns);
	int ok = x->seq == c->expect;
	for (size_t i = 0; i < 64; i++)
		ok &= x->payload[i] == c->expect;
	c->bad += !ok;
	c->expect++;
	return c->stop_after && c->expect == c->stop_after ? 7 : 0;
}

static int run(unsigned threads, struct prod *p, struct cons *c)
{
	static struct item items[N_ITEMS];
	void *ptr[N_ITEMS];
	for (size_t i = 0; i < N_ITEMS; i++)
		ptr[i] = &items[i];
	return relay_run(ptr, N_ITEMS, threads, produce, p, consume, c);
}

int main(void)
{
	for (unsigned threads = 1; threads <= 2; threads++) {
		/* All in order, then the end. */
		struct prod p = {.count = 20000};
		struct cons c = {0};
		CHECK_EQ_INT(run(threads, &p, &c), 0);
		CHECK(c.expect == 20000);
		CHECK(c.bad == 0);

		/* A slow consumer: the producer waits for free slots, and is told
		 * the queue is full but for the slot it fills (one thread: 0). */
		p = (struct prod){.count = 200};
		c = (struct cons){.sleep_ns = 100000};
		CHECK_EQ_INT(run(threads, &p, &c), 0);
		CHECK(c.expect == 200 && c.bad == 0);
		CHECK(p.max_backlog == (threads > 1 ? N_ITEMS - 1 : 0));

		/* A slow producer: the consumer waits for filled ones, and the
		 * producer is told the queue is empty, but for the item it has
		 * just filled (the consumer may not have woken up to it yet). */
		p = (struct prod){.count = 200, .sleep_ns = 100000};
		c = (struct cons){0};
		CHECK_EQ_INT(run(threads, &p, &c), 0);
		CHECK(c.expect == 200 && c.bad == 0);
		CHECK(p.short_q >= 190);

		/* The consumer stops: its value comes back, nothing after it is
		 * consumed, and the producer made at most the slots ahead. */
		p = (struct prod){.count = 20000};
		c = (struct cons){.stop_after = 1000};
		CHECK_EQ_INT(run(threads, &p, &c), 7);
		CHECK(c.expect == 1000 && c.bad == 0);
		CHECK(p.next <= 1000 + N_ITEMS);

		/* An error from the producer: every item before it is consumed,
		 * then the error is returned. */
		p = (struct prod){.count = 500, .end_rv = -5};
		c = (struct cons){0};
		CHECK_EQ_INT(run(threads, &p, &c), -5);
		CHECK(c.expect == 500 && c.bad == 0);

		/* Nothing at all. */
		p = (struct prod){.count = 0};
		c = (struct cons){0};
		CHECK_EQ_INT(run(threads, &p, &c), 0);
		CHECK(c.expect == 0);
	}
	return check_done("relay");
}
