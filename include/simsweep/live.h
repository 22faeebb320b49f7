/* live.h - live sources: an SDR on USB (librtlsdr), an rtl_tcp server on the
 * network, or any SoapySDR device, streaming into a ring (ring.h) that the
 * DSP thread reads as blocks (block.h).
 *
 *   device thread: USB callback / socket reader ── copy ──▶ ring
 *   caller (DSP thread): live_read() ◀── convert ── ring
 *
 * Device strings:
 *   rtltcp:HOST:PORT          an rtl_tcp server ("rtltcp:192.168.1.20:1234",
 *                             "rtltcp:[::1]:1234"); PORT defaults to 1234
 *   rtlsdr:  rtlsdr:N         RTL-SDR dongle by index (default 0)
 *   rtlsdr:serial=S           RTL-SDR dongle by USB serial number
 *   soapy:ARGS                SoapySDR device ("soapy:driver=hackrf"), only
 *                             when built with SoapySDR (live_has_soapy())
 *
 * Life: live_config_default() -> live_open() (connects, configures, starts
 * streaming) -> live_read()... [live_retune()] -> live_close().
 *
 * Nothing is lost silently: samples the ring had no room for, and samples a
 * network source missed while reconnecting (wall time x rate), show as a gap
 * in sample_index and in block.dropped; samples thrown away while the tuner
 * settles after a retune or a (re)connection are counted in
 * live_stats.settled and start a new segment.
 *
 * Times: block.utc_ns is the CLOCK_REALTIME time at which the block's bytes
 * arrived, minus the block's duration (ring.h). The sample index counts from
 * the first sample received (index 0).
 */
#ifndef SIMSWEEP_LIVE_H
#define SIMSWEEP_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "simsweep/block.h"
#include "simsweep/convert.h"

struct live;

struct live_config {
	const char *device;      /* device string, see above */
	double freq_hz;          /* centre frequency, 1 .. 1e11 Hz */
	double rate_hz;          /* sample rate (default 2.4e6) */
	double gain_db;          /* tuner gain; NAN = automatic (default) */
	double ppm;              /* frequency correction, -1000 .. 1000 (default 0) */
	int bias_tee;            /* 1: power the antenna port (default 0) */
	int reconnect;           /* network sources: reconnect with backoff when the
	                            connection is lost, instead of ending (default 0) */
	double buffer_s;         /* ring capacity, seconds of samples, 0.1 .. 60 (default 2) */
	size_t block_samples;    /* samples per block, 256 .. 1<<22 (default 65536) */
	double settle_s;         /* samples discarded after a retune or a
	                            (re)connection, 0 .. 10 s (default 0.06) */
	double backoff_min_s;    /* first wait before reconnecting (default 0.5) */
	double backoff_max_s;    /* the wait doubles up to this (default 8) */
	double timeout_s;        /* connect / header / silent-stream timeout,
	                            0.1 .. 600 s (default 5) */
};

struct live_info {
	const char *kind;          /* "rtltcp", "rtlsdr", "soapy" */
	enum sample_format format; /* raw format of the stream (cu8 for RTL-SDR) */
	double rate_hz;            /* sample rate asked for */
	double freq_hz;            /* current centre frequency */
	double gain_db;            /* manual gain actually set (snapped to the tuner's
	                              table when known), NAN when automatic */
	char tuner[32];            /* "R820T", "E4000", ... or "unknown" */
	unsigned gain_count;       /* tuner gain steps reported (rtl_tcp header) */
	char name[128];            /* the device as the user gave it, e.g. "rtltcp:h:1234" */
};

struct live_stats {
	uint64_t received;    /* samples that reached the ring (stored or dropped) */
	uint64_t delivered;   /* samples handed out by live_read */
	uint64_t overflow;    /* samples lost because the DSP thread fell behind */
	uint64_t missed;      /* samples missed while disconnected (wall time x rate) */
	uint64_t settled;     /* samples discarded after retunes and connections */
	uint64_t disconnects; /* connections lost */
	uint64_t reconnects;  /* connections made again */
	size_t ring_slots;    /* capacity of the ring */
	size_t ring_max_used; /* highest number of slots filled at once */
};

/* Something a user should be told about while streaming. */
enum live_event_type {
	LIVE_EVENT_DISCONNECTED = 1, /* a network source lost its connection */
	LIVE_EVENT_RECONNECTED,      /* ... and got it back */
	LIVE_EVENT_DEVICE_LOST,      /* the device is gone: the stream ends */
};

struct live_event {
	enum live_event_type type;
	int64_t utc_ns;          /* when it happened (CLOCK_REALTIME) */
	uint64_t missed_samples; /* RECONNECTED: samples missed while down */
	double down_s;           /* RECONNECTED: seconds without data */
	char msg[192];           /* one line, no device name, no newline */
};

/* live_read results besides errors. */
#define LIVE_TIMEOUT 0 /* nothing within the timeout */
#define LIVE_BLOCK   1 /* *blk is filled */
#define LIVE_END     2 /* the stream ended cleanly (a server closed the
                          connection and reconnect is off) */

void live_config_default(struct live_config *cfg);

/* Open the device, configure it and start streaming. On failure returns a
 * negative SIMSWEEP_E* code and writes one line into err naming what failed
 * (e.g. "rtltcp:10.0.0.2:1234: connection refused", "no RTL-SDR found",
 * "device 0 busy: another program has it"); *out stays NULL.
 * Errors: SIMSWEEP_EINVAL (bad config or device string), SIMSWEEP_ENOENT
 * (no such device, or nothing listening), SIMSWEEP_EFORMAT (the server does
 * not speak the protocol), SIMSWEEP_EUNSUPPORTED (backend not built in),
 * SIMSWEEP_EIO, SIMSWEEP_ENOMEM. */
int live_open(const struct live_config *cfg, struct live **out, char *err, size_t err_len);

/* Wait up to timeout_ms (< 0: forever) for the next block. Returns
 * LIVE_BLOCK, LIVE_TIMEOUT, LIVE_END, or a negative code when the device
 * failed (live_errmsg() says why; every block received before is delivered
 * first). blk->iq stays valid until the next call. */
int live_read(struct live *lv, struct block *blk, int timeout_ms);

/* The raw bytes (info.format) of the block the last live_read returned,
 * valid until the next live_read; NULL and 0 when there is none. For
 * recording the stream as it came from the device. */
const void *live_raw(const struct live *lv, size_t *bytes);

/* Make a blocked live_read return LIVE_TIMEOUT now (e.g. after a signal). */
void live_wake(struct live *lv);

/* Tune to freq_hz: blocks after it carry a new segment number and the new
 * frequency, after cfg.settle_s of samples were discarded. Call from the
 * thread that calls live_read. */
int live_retune(struct live *lv, double freq_hz);

/* Take the oldest event not yet taken: 1 when *ev was filled, else 0.
 * At most 16 are kept; older ones are overwritten. */
int live_next_event(struct live *lv, struct live_event *ev);

const struct live_info *live_info(const struct live *lv);
void live_stats(struct live *lv, struct live_stats *st);

/* Detail of the last error ("" when none). */
const char *live_errmsg(const struct live *lv);

/* Stop streaming and release the device. NULL is a no-op. */
void live_close(struct live *lv);

/* 1 when the SoapySDR backend was built in. */
int live_has_soapy(void);

/* A device found by live_list_devices. */
struct live_device {
	char kind[16];    /* "rtlsdr", "soapy" */
	char id[96];      /* the device string that opens it: "rtlsdr:0" */
	char name[96];    /* "Generic RTL2832U OEM", "HackRF One" */
	char serial[64];  /* "" when none */
};

/* Devices connected now (USB dongles, SoapySDR devices). Fills up to max
 * entries and returns how many were found (possibly more than max), or a
 * negative code. Network rtl_tcp servers are not discovered. */
int live_list_devices(struct live_device *out, size_t max);

#endif
