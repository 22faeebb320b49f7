/* live_impl.h - private to capture/: the live source object the backends
 * (rtltcp.c, rtlsdr.c, soapy.c) fill in, their vtable, and the helpers the
 * device threads use to hand samples to the ring.
 *
 * Order of events, driven by live.c:
 *   backend open  : parse the device string, open/connect and configure the
 *                   device, set lv->ops, lv->priv and lv->info (format!)
 *   live.c        : create the ring for info.format, the conversion buffer
 *   ops->start    : start the device thread, which calls live_push() ...
 *   ops->set_freq : (consumer thread) retune
 *   ops->close    : stop and join the thread, release the device and priv
 * A backend open that fails writes lv->errmsg and owns nothing.
 */
#ifndef SIMSWEEP_CAPTURE_LIVE_IMPL_H
#define SIMSWEEP_CAPTURE_LIVE_IMPL_H

#include <complex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "simsweep/live.h"
#include "simsweep/ring.h"

#define LIVE_ERRMSG_LEN 256
#define LIVE_MAX_EVENTS 16

struct live;

struct live_ops {
	int (*start)(struct live *lv);
	int (*set_freq)(struct live *lv, double freq_hz);
	void (*close)(struct live *lv);
};

struct live {
	const struct live_ops *ops;
	void *priv;
	struct live_config cfg; /* copy; cfg.device points at device below */
	char *device;
	struct live_info info;
	struct ring *ring;
	size_t ring_slots;
	size_t sample_bytes;
	float complex *iq;      /* block_samples converted samples */
	atomic_int stop;        /* set by live_close: device threads end */

	/* Shared between the device thread and the consumer, under mu. */
	pthread_mutex_t mu;
	double freq_hz;
	double gain_db;
	uint32_t segment;
	uint64_t settle_left;   /* samples still to discard */
	uint64_t missed, settled, disconnects, reconnects;
	struct live_event events[LIVE_MAX_EVENTS];
	size_t ev_first, ev_count;

	uint64_t delivered;     /* consumer only */
	bool holding;           /* consumer only: the last block's slot is kept */
	const uint8_t *raw;     /* its bytes, for live_raw() */
	size_t raw_bytes;
	/* Written by open (before the thread), or by the device thread before
	 * it closes the ring (the ring's lock orders it before the consumer
	 * reads it). */
	char errmsg[LIVE_ERRMSG_LEN];
};

#if defined(__GNUC__)
#define LIVE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LIVE_PRINTF(f, a)
#endif

/* Write a printf-style message into lv->errmsg and return code. */
int live_fail(struct live *lv, int code, const char *fmt, ...) LIVE_PRINTF(3, 4);

/* CLOCK_REALTIME now, ns since the Unix epoch. */
int64_t live_now_utc_ns(void);
/* CLOCK_MONOTONIC now, seconds. */
double live_now_mono_s(void);

/* Device thread: hand over `bytes` received bytes (whole samples) whose last
 * byte arrived at rx_utc_ns. Discards what is left of the settling time
 * first. Never blocks. */
void live_push(struct live *lv, const uint8_t *data, size_t bytes, int64_t rx_utc_ns);

/* Device thread: `samples` were missed (connection down). */
void live_gap(struct live *lv, uint64_t samples);

/* Device thread: discard cfg.settle_s of samples from now on (after a
 * (re)connection whose first samples may still be at the old settings). */
void live_settle(struct live *lv);

/* Device thread: count a lost connection or a regained one. */
void live_count_disconnect(struct live *lv);
void live_count_reconnect(struct live *lv);

/* Any thread: queue an event for the consumer. */
void live_post(struct live *lv, enum live_event_type type, uint64_t missed, double down_s,
               const char *fmt, ...) LIVE_PRINTF(5, 6);

/* Device thread: the stream is over (status 0 clean, or a negative code with
 * the reason already in lv->errmsg). */
void live_end(struct live *lv, int status);

/* Sleep up to seconds, returning early (true) when lv->stop is set. */
bool live_sleep(struct live *lv, double seconds);

/* --- backends --- */
int live_rtltcp_open(struct live *lv, const char *spec);
int live_rtlsdr_open(struct live *lv, const char *spec);
int live_soapy_open(struct live *lv, const char *spec);
int live_rtlsdr_list(struct live_device *out, size_t max, size_t *found);
int live_soapy_list(struct live_device *out, size_t max, size_t *found);
int live_soapy_built(void);

#endif
