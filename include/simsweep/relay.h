/* relay.h - two stages of a job on two threads, item by item, in order.
 *
 *   produce(item) on a thread of its own ──▶ items[0..n) ──▶ consume(item)
 *                                                            on the caller's
 *
 * The relay knows nothing of what an item holds: the caller allocates the
 * items, produce fills one, consume takes it, and the slot goes back to
 * produce. Items are consumed in the order they were produced, so the
 * consumer sees exactly what it would see running both stages itself
 * (relay_run with nthreads 1 does just that, on the caller's thread).
 */
#ifndef SIMSWEEP_RELAY_H
#define SIMSWEEP_RELAY_H

#include <stddef.h>

/* Fill item: 1 = an item, 0 = no more, < 0 = an error (no more either).
 * backlog: items filled and not yet consumed when the call began (always
 * 0 on one thread), for a producer that can leave work to the consumer:
 * a short queue says the consumer is waiting for it. */
typedef int (*relay_produce_fn)(void *item, size_t backlog, void *ctx);
/* Take item: 0 = go on, anything else = stop (produce is not called again
 * for new items, and relay_run returns that value). */
typedef int (*relay_consume_fn)(void *item, void *ctx);

/* Run until produce says no more, or consume says stop. Returns consume's
 * stop value when it stopped, else produce's last value (0 or an error).
 * nthreads 1 runs both on the caller's thread; 2 runs produce on a second
 * thread with n_items (>= 2) in flight. If the second thread cannot be
 * started, both run on the caller's thread. */
int relay_run(void *const *items, size_t n_items, unsigned nthreads, relay_produce_fn produce,
              void *pctx, relay_consume_fn consume, void *cctx);

#endif
