/* test_ring.c - the producer/consumer ring: no sample lost without being
 * counted, no torn slot, indexes and timestamps consistent; drops are exact
 * when the consumer stalls; bad configurations are rejected. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/ring.h"

/* The two bytes of sample i: its index, so that a slot holding bytes of
 * another push (a torn slot) or misplaced samples is seen. */
static void fill(uint8_t *buf, uint64_t first, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint64_t i = first + k;
		buf[2 * k] = (uint8_t)(i & 0xff);
		buf[2 * k + 1] = (uint8_t)((i >> 8) & 0xff);
	}
}

static int content_ok(const struct ring_slot *s)
{
	for (size_t k = 0; k < s->n; k++) {
		uint64_t i = s->sample_index + k;
		if (s->data[2 * k] != (uint8_t)(i & 0xff) ||
		    s->data[2 * k + 1] != (uint8_t)((i >> 8) & 0xff))
			return 0;
	}
	return 1;
}

static void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

static void test_config(void)
{
	struct ring_config c;
	ring_config_default(&c);
	struct ring *r = ring_create(&c);
	CHECK(r != NULL);
	ring_destroy(r);
	ring_destroy(NULL);
	CHECK(ring_create(NULL) == NULL);
	struct ring_config bad = c;
	bad.slots = 1;
	CHECK(ring_create(&bad) == NULL);
	bad = c;
	bad.sample_bytes = 3;
	CHECK(ring_create(&bad) == NULL);
	bad = c;
	bad.slot_bytes = 7; /* not whole samples */
	CHECK(ring_create(&bad) == NULL);
	bad = c;
	bad.slot_bytes = 0;
	CHECK(ring_create(&bad) == NULL);
	bad = c;
	bad.slot_bytes = (size_t)1 << 27;
	CHECK(ring_create(&bad) == NULL);

	r = ring_create(&c);
	struct ring_meta m = {.freq_hz = NAN, .rate_hz = 0, .gain_db = NAN,
	                      .rx_utc_ns = SIMSWEEP_UTC_UNKNOWN};
	uint8_t b[4] = {0};
	CHECK(ring_push(r, b, 4, &m) == SIMSWEEP_EINVAL); /* no rate */
	m.rate_hz = 1e6;
	CHECK(ring_push(r, b, 3, &m) == SIMSWEEP_EINVAL); /* half a sample */
	CHECK(ring_push(r, b, 4, &m) == 0);
	ring_destroy(r);
}

static void test_utc(void)
{
	CHECK(ring_utc_first(SIMSWEEP_UTC_UNKNOWN, 10, 1e6) == SIMSWEEP_UTC_UNKNOWN);
	CHECK(ring_utc_first(1000, 10, 0) == SIMSWEEP_UTC_UNKNOWN);
	/* 2.4 MS/s: 24000 samples last 10 ms. */
	CHECK_EQ_INT(ring_utc_first(1700000000000000000LL, 24000, 2.4e6),
	             1700000000000000000LL - 10000000LL);
	/* 1 sample at 3 S/s: 333333333.3 ns, rounded. */
	CHECK_EQ_INT(ring_utc_first(1000000000LL, 1, 3.0), 1000000000LL - 333333333LL);
}

/* Single thread: a push split over slots, exact drops when full, gaps and
 * skips in the index, timestamps per slot, close after drain. */
static void test_sequential(void)
{
	struct ring_config c = {.slot_bytes = 200, .slots = 4, .sample_bytes = 2};
	struct ring *r = ring_create(&c);
	CHECK(r != NULL);
	uint8_t buf[2000];
	struct ring_meta m = {.freq_hz = 847e6, .rate_hz = 1e6, .gain_db = 20.0, .segment = 3,
	                      .rx_utc_ns = 2000000000LL};
	/* 250 samples: slots of 100, 100, 50. */
	fill(buf, 0, 250);
	CHECK_EQ_INT(ring_push(r, buf, 500, &m), 0);
	CHECK_EQ_INT(ring_used(r), 3);
	/* 300 more: one slot left, 200 dropped. */
	fill(buf, 250, 300);
	CHECK_EQ_INT(ring_push(r, buf, 600, &m), 200);
	CHECK_EQ_INT(ring_used(r), 4);
	/* Full: all 50 dropped. */
	fill(buf, 550, 50);
	CHECK_EQ_INT(ring_push(r, buf, 100, &m), 50);

	struct ring_slot s;
	CHECK_EQ_INT(ring_wait(r, 0, &s), RING_SLOT);
	CHECK_EQ_INT(s.sample_index, 0);
	CHECK_EQ_INT(s.n, 100);
	CHECK_EQ_INT(s.dropped, 0);
	CHECK(content_ok(&s));
	CHECK_EQ_INT(s.segment, 3);
	CHECK(s.freq_hz == 847e6 && s.gain_db == 20.0 && s.rate_hz == 1e6);
	/* First of 250 samples whose last arrived at 2 s: 250 us earlier. */
	CHECK_EQ_INT(s.utc_ns, 2000000000LL - 250000LL);
	/* Waiting again before releasing gives the same slot. */
	struct ring_slot s2;
	CHECK_EQ_INT(ring_wait(r, 0, &s2), RING_SLOT);
	CHECK(s2.data == s.data && s2.sample_index == 0);
	ring_release(r);
	CHECK_EQ_INT(ring_wait(r, 0, &s), RING_SLOT);
	CHECK_EQ_INT(s.sample_index, 100);
	CHECK_EQ_INT(s.utc_ns, 2000000000LL - 150000LL);
	ring_release(r);
	CHECK_EQ_INT(ring_wait(r, 0, &s), RING_SLOT);
	CHECK_EQ_INT(s.sample_index, 200);
	CHECK_EQ_INT(s.n, 50);
	ring_release(r);
	CHECK_EQ_INT(ring_wait(r, 0, &s), RING_SLOT);
	CHECK_EQ_INT(s.sample_index, 250);
	CHECK_EQ_INT(s.n, 100);
	CHECK(content_ok(&s));
	ring_release(r);
	CHECK_EQ_INT(ring_wait(r, 0, &s), RING_TIMEOUT);
	CHECK_EQ_INT(ring_wait(r, 20, &s), RING_TIMEOUT);

	/* The next stored slot carries every loss before it: 200 + 50 from
	 * the full ring, 1000 reported missed; 30 skipped advance the index
	 * without being a loss. */
	ring_push_gap(r, 1000);
	ring_skip(r, 30);
	fill(buf, 1630, 10);
	CHECK_EQ_INT(ring_push(r, buf, 20, &m), 0);
	CHECK_EQ_INT(ring_wait(r, 0, &s), RING_SLOT);
	CHECK_EQ_INT(s.dropped, 1250);
	CHECK_EQ_INT(s.sample_index, 1630);
	CHECK(content_ok(&s));
	ring_release(r);

	struct ring_stats st;
	ring_stats(r, &st);
	CHECK_EQ_INT(st.produced, 1640);
	CHECK_EQ_INT(st.delivered, 360);
	CHECK_EQ_INT(st.dropped, 1250);
	CHECK_EQ_INT(st.gap, 1000);
	CHECK_EQ_INT(st.skipped, 30);
	CHECK_EQ_INT(st.overruns, 2);
	CHECK_EQ_INT(st.max_used, 4);
	CHECK_EQ_INT(st.produced, st.delivered + st.dropped + st.skipped);

	/* Close: what is queued is still delivered, then RING_CLOSED. */
	fill(buf, 1640, 5);
	CHECK_EQ_INT(ring_push(r, buf, 10, &m), 0);
	ring_close(r, SIMSWEEP_EIO);
	CHECK(ring_push(r, buf, 10, &m) == SIMSWEEP_EINVAL);
	CHECK_EQ_INT(ring_wait(r, 0, &s), RING_SLOT);
	CHECK_EQ_INT(s.sample_index, 1640);
	ring_release(r);
	CHECK_EQ_INT(ring_wait(r, -1, &s), RING_CLOSED);
	CHECK_EQ_INT(ring_close_status(r), SIMSWEEP_EIO);
	ring_destroy(r);
}

/* Two threads, a consumer slower than the producer. */
struct prod_ctx {
	struct ring *r;
	uint64_t produced;
	uint64_t lost; /* sum of ring_push results */
	int pushes;
	int errors;    /* ring_push failures (checked on the main thread) */
};

static void *producer(void *arg)
{
	struct prod_ctx *p = arg;
	static uint8_t buf[2 * 4099];
	uint64_t idx = 0;
	uint32_t x = 12345;
	struct ring_meta m = {.freq_hz = 800e6, .rate_hz = 2.4e6, .gain_db = NAN,
	                      .rx_utc_ns = 1700000000000000000LL};
	for (int k = 0; k < p->pushes; k++) {
		x = x * 1103515245u + 12345u;
		size_t n = 1 + (x >> 8) % 4099; /* odd sizes, up to 4 slots */
		if (k % 97 == 50) {
			/* A reported outage now and then. */
			ring_push_gap(p->r, 777);
			idx += 777;
			p->produced += 777;
		}
		fill(buf, idx, n);
		m.rx_utc_ns += (int64_t)(n * 1e9 / 2.4e6);
		long long lost = ring_push(p->r, buf, 2 * n, &m);
		if (lost < 0)
			p->errors++;
		else if (lost > 0)
			p->lost += (uint64_t)lost;
		idx += n;
		p->produced += n;
		if (k % 16 == 0)
			sleep_us(50);
	}
	ring_close(p->r, 0);
	return NULL;
}

static void test_threads(void)
{
	struct ring_config c = {.slot_bytes = 2048, .slots = 8, .sample_bytes = 2};
	struct ring *r = ring_create(&c);
	CHECK(r != NULL);
	struct prod_ctx p = {.r = r, .pushes = 3000};
	pthread_t th;
	CHECK(pthread_create(&th, NULL, producer, &p) == 0);

	uint64_t expect = 0, delivered = 0, dropped = 0, slots = 0;
	int torn = 0, bad_index = 0, rc;
	struct ring_slot s;
	while ((rc = ring_wait(r, 10000, &s)) != RING_CLOSED) {
		if (rc != RING_SLOT)
			continue;
		if (s.sample_index != expect + s.dropped)
			bad_index++;
		if (!content_ok(&s))
			torn++;
		expect = s.sample_index + s.n;
		delivered += s.n;
		dropped += s.dropped;
		if (++slots % 3 == 0)
			sleep_us(300); /* slow consumer */
		ring_release(r);
	}
	pthread_join(th, NULL);

	struct ring_stats st;
	ring_stats(r, &st);
	CHECK_EQ_INT(p.errors, 0);
	CHECK_EQ_INT(torn, 0);
	CHECK_EQ_INT(bad_index, 0);
	CHECK_EQ_INT(st.produced, p.produced);
	CHECK_EQ_INT(st.delivered, delivered);
	CHECK_EQ_INT(st.skipped, 0);
	/* Every loss is counted: those after the last stored slot are in the
	 * stats but carried by no slot. */
	CHECK_EQ_INT(delivered + st.dropped, p.produced);
	CHECK(dropped <= st.dropped);
	CHECK_EQ_INT(st.dropped - st.gap, p.lost);
	CHECK_EQ_INT(expect + (st.dropped - dropped), p.produced);
	CHECK_EQ_INT(ring_close_status(r), 0);
	fprintf(stderr, "threads: %llu samples, %llu delivered, %llu dropped, %llu overruns\n",
	        (unsigned long long)p.produced, (unsigned long long)delivered,
	        (unsigned long long)st.dropped, (unsigned long long)st.overruns);
	ring_destroy(r);
}

/* A consumer that waits for the producer to finish: the drops are exact. */
static void *stalled_producer(void *arg)
{
	struct prod_ctx *p = arg;
	uint8_t buf[2 * 100];
	struct ring_meta m = {.freq_hz = NAN, .rate_hz = 1e6, .gain_db = NAN,
	                      .rx_utc_ns = SIMSWEEP_UTC_UNKNOWN};
	for (int k = 0; k < p->pushes; k++) {
		fill(buf, (uint64_t)k * 100, 100);
		long long lost = ring_push(p->r, buf, sizeof buf, &m);
		if (lost > 0)
			p->lost += (uint64_t)lost;
		p->produced += 100;
	}
	ring_close(p->r, 0);
	return NULL;
}

static void test_stalled(void)
{
	struct ring_config c = {.slot_bytes = 200, .slots = 5, .sample_bytes = 2};
	struct ring *r = ring_create(&c);
	struct prod_ctx p = {.r = r, .pushes = 50};
	pthread_t th;
	CHECK(pthread_create(&th, NULL, stalled_producer, &p) == 0);
	pthread_join(th, NULL);
	CHECK_EQ_INT(p.lost, 4500);
	struct ring_slot s;
	uint64_t n = 0;
	while (ring_wait(r, 0, &s) == RING_SLOT) {
		CHECK_EQ_INT(s.sample_index, n * 100);
		CHECK(content_ok(&s));
		n++;
		ring_release(r);
	}
	CHECK_EQ_INT(n, 5);
	CHECK_EQ_INT(ring_wait(r, 0, &s), RING_CLOSED);
	struct ring_stats st;
	ring_stats(r, &st);
	CHECK_EQ_INT(st.dropped, 4500);
	CHECK_EQ_INT(st.overruns, 45);
	CHECK_EQ_INT(st.delivered + st.dropped, st.produced);
	ring_destroy(r);
}

static void *waker(void *arg)
{
	sleep_us(20000);
	ring_wake(arg);
	return NULL;
}

static void test_wake(void)
{
	struct ring_config c;
	ring_config_default(&c);
	struct ring *r = ring_create(&c);
	pthread_t th;
	CHECK(pthread_create(&th, NULL, waker, r) == 0);
	struct ring_slot s;
	CHECK_EQ_INT(ring_wait(r, -1, &s), RING_TIMEOUT);
	pthread_join(th, NULL);
	ring_destroy(r);
}

int main(void)
{
	test_config();
	test_utc();
	test_sequential();
	test_threads();
	test_stalled();
	test_wake();
	return check_done("ring");
}
