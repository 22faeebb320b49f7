/* live.c - the live source dispatcher: validates the configuration, picks
 * the backend from the device string, owns the ring between the device
 * thread and the caller, and turns ring slots into blocks.
 *
 *   "rtltcp:HOST[:PORT]"          rtltcp.c
 *   "rtlsdr" "rtlsdr:N" "rtlsdr:serial=S"   rtlsdr.c
 *   "soapy:ARGS"                  soapy.c (soapy_none.c without SoapySDR)
 */
#include "live_impl.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "simsweep/error.h"

#define NS_PER_S 1000000000LL
#define LIVE_MAX_BLOCK ((size_t)1 << 22)

void live_config_default(struct live_config *cfg)
{
	if (!cfg)
		return;
	*cfg = (struct live_config){
	    .device = NULL,
	    .freq_hz = NAN,
	    .rate_hz = 2.4e6,
	    .gain_db = NAN,
	    .ppm = 0.0,
	    .bias_tee = 0,
	    .reconnect = 0,
	    .buffer_s = 2.0,
	    .block_samples = 65536,
	    .settle_s = 0.06,
	    .backoff_min_s = 0.5,
	    .backoff_max_s = 8.0,
	    .timeout_s = 5.0,
	};
}

int live_fail(struct live *lv, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lv->errmsg, sizeof lv->errmsg, fmt, ap);
	va_end(ap);
	return code;
}

int64_t live_now_utc_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

double live_now_mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

bool live_sleep(struct live *lv, double seconds)
{
	double end = live_now_mono_s() + seconds;
	for (;;) {
		if (atomic_load(&lv->stop))
			return true;
		double left = end - live_now_mono_s();
		if (left <= 0)
			return false;
		double step = left < 0.05 ? left : 0.05;
		struct timespec ts = {(time_t)step, (long)((step - (double)(time_t)step) * 1e9)};
		nanosleep(&ts, NULL);
	}
}

static uint64_t settle_samples(const struct live *lv)
{
	return (uint64_t)llround(lv->cfg.settle_s * lv->cfg.rate_hz);
}

void live_push(struct live *lv, const uint8_t *data, size_t bytes, int64_t rx_utc_ns)
{
	size_t n = bytes / lv->sample_bytes;
	pthread_mutex_lock(&lv->mu);
	uint64_t skip = lv->settle_left < n ? lv->settle_left : n;
	lv->settle_left -= skip;
	lv->settled += skip;
	struct ring_meta m = {
	    .freq_hz = lv->freq_hz,
	    .rate_hz = lv->cfg.rate_hz,
	    .gain_db = lv->gain_db,
	    .segment = lv->segment,
	    .rx_utc_ns = rx_utc_ns,
	};
	pthread_mutex_unlock(&lv->mu);
	if (skip)
		ring_skip(lv->ring, skip);
	if (skip < n)
		ring_push(lv->ring, data + skip * lv->sample_bytes, (n - skip) * lv->sample_bytes, &m);
}

void live_gap(struct live *lv, uint64_t samples)
{
	if (!samples)
		return;
	ring_push_gap(lv->ring, samples);
	pthread_mutex_lock(&lv->mu);
	lv->missed += samples;
	pthread_mutex_unlock(&lv->mu);
}

void live_settle(struct live *lv)
{
	pthread_mutex_lock(&lv->mu);
	lv->settle_left = settle_samples(lv);
	pthread_mutex_unlock(&lv->mu);
}

void live_count_disconnect(struct live *lv)
{
	pthread_mutex_lock(&lv->mu);
	lv->disconnects++;
	pthread_mutex_unlock(&lv->mu);
}

void live_count_reconnect(struct live *lv)
{
	pthread_mutex_lock(&lv->mu);
	lv->reconnects++;
	pthread_mutex_unlock(&lv->mu);
}

void live_post(struct live *lv, enum live_event_type type, uint64_t missed, double down_s,
               const char *fmt, ...)
{
	struct live_event ev = {
	    .type = type,
	    .utc_ns = live_now_utc_ns(),
	    .missed_samples = missed,
	    .down_s = down_s,
	};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev.msg, sizeof ev.msg, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&lv->mu);
	size_t slot = (lv->ev_first + lv->ev_count) % LIVE_MAX_EVENTS;
	lv->events[slot] = ev;
	if (lv->ev_count == LIVE_MAX_EVENTS)
		lv->ev_first = (lv->ev_first + 1) % LIVE_MAX_EVENTS; /* oldest lost */
	else
		lv->ev_count++;
	pthread_mutex_unlock(&lv->mu);
	ring_wake(lv->ring);
}

void live_end(struct live *lv, int status)
{
	ring_close(lv->ring, status);
}

int live_next_event(struct live *lv, struct live_event *ev)
{
	if (!lv || !ev)
		return 0;
	int got = 0;
	pthread_mutex_lock(&lv->mu);
	if (lv->ev_count > 0) {
		*ev = lv->events[lv->ev_first];
		lv->ev_first = (lv->ev_first + 1) % LIVE_MAX_EVENTS;
		lv->ev_count--;
		got = 1;
	}
	pthread_mutex_unlock(&lv->mu);
	return got;
}

static void copy_err(char *err, size_t err_len, const char *msg)
{
	if (err && err_len)
		snprintf(err, err_len, "%s", msg);
}

static int validate_config(const struct live_config *c, char *msg, size_t len)
{
	if (!c->device || !*c->device) {
		snprintf(msg, len, "no device given (e.g. -d rtlsdr:0 or -d rtltcp:HOST:PORT)");
		return SIMSWEEP_EINVAL;
	}
	if (!(c->freq_hz >= 1.0 && c->freq_hz <= 1e11)) {
		snprintf(msg, len, "centre frequency missing or out of range (give -f, e.g. -f 847M)");
		return SIMSWEEP_EINVAL;
	}
	if (!(c->rate_hz >= 1e3 && c->rate_hz <= 1e10)) {
		snprintf(msg, len, "sample rate %g Hz out of range 1 kS/s .. 10 GS/s", c->rate_hz);
		return SIMSWEEP_EINVAL;
	}
	if (!(isnan(c->gain_db) || (c->gain_db >= -50 && c->gain_db <= 100))) {
		snprintf(msg, len, "gain %g dB out of range -50 .. 100", c->gain_db);
		return SIMSWEEP_EINVAL;
	}
	if (!(c->ppm >= -1000 && c->ppm <= 1000)) {
		snprintf(msg, len, "ppm correction %g out of range -1000 .. 1000", c->ppm);
		return SIMSWEEP_EINVAL;
	}
	if (!(c->buffer_s >= 0.1 && c->buffer_s <= 60) || c->block_samples < 256 ||
	    c->block_samples > LIVE_MAX_BLOCK || !(c->settle_s >= 0 && c->settle_s <= 10) ||
	    !(c->backoff_min_s > 0 && c->backoff_max_s >= c->backoff_min_s &&
	      c->backoff_max_s <= 3600) ||
	    !(c->timeout_s >= 0.1 && c->timeout_s <= 600)) {
		snprintf(msg, len, "invalid buffer, block, settle, backoff or timeout setting");
		return SIMSWEEP_EINVAL;
	}
	return SIMSWEEP_OK;
}

static void live_free(struct live *lv)
{
	if (!lv)
		return;
	ring_destroy(lv->ring);
	free(lv->iq);
	free(lv->device);
	pthread_mutex_destroy(&lv->mu);
	free(lv);
}

/* The backend for a device string; *spec gets what follows its prefix. */
static int pick_backend(struct live *lv, const char *dev)
{
	if (strncasecmp(dev, "rtltcp:", 7) == 0)
		return live_rtltcp_open(lv, dev + 7);
	if (strcasecmp(dev, "rtlsdr") == 0)
		return live_rtlsdr_open(lv, "");
	if (strncasecmp(dev, "rtlsdr:", 7) == 0)
		return live_rtlsdr_open(lv, dev + 7);
	if (strncasecmp(dev, "soapy:", 6) == 0 || strcasecmp(dev, "soapy") == 0)
		return live_soapy_open(lv, dev[5] ? dev + 6 : "");
	return live_fail(lv, SIMSWEEP_EINVAL,
	                 "unknown device '%.64s' (rtlsdr:N, rtlsdr:serial=S, rtltcp:HOST:PORT, "
	                 "soapy:ARGS)",
	                 dev);
}

int live_open(const struct live_config *cfg, struct live **out, char *err, size_t err_len)
{
	if (out)
		*out = NULL;
	copy_err(err, err_len, "");
	if (!cfg || !out) {
		copy_err(err, err_len, "invalid arguments");
		return SIMSWEEP_EINVAL;
	}
	char msg[LIVE_ERRMSG_LEN];
	int rc = validate_config(cfg, msg, sizeof msg);
	if (rc < 0) {
		copy_err(err, err_len, msg);
		return rc;
	}
	struct live *lv = calloc(1, sizeof *lv);
	if (!lv) {
		copy_err(err, err_len, "out of memory");
		return SIMSWEEP_ENOMEM;
	}
	if (pthread_mutex_init(&lv->mu, NULL) != 0) {
		free(lv);
		copy_err(err, err_len, "out of memory");
		return SIMSWEEP_ENOMEM;
	}
	lv->device = strdup(cfg->device);
	if (!lv->device) {
		live_free(lv);
		copy_err(err, err_len, "out of memory");
		return SIMSWEEP_ENOMEM;
	}
	lv->cfg = *cfg;
	lv->cfg.device = lv->device;
	lv->freq_hz = cfg->freq_hz;
	lv->gain_db = cfg->gain_db;
	atomic_init(&lv->stop, 0);
	lv->info.freq_hz = cfg->freq_hz;
	lv->info.rate_hz = cfg->rate_hz;
	lv->info.gain_db = cfg->gain_db;
	snprintf(lv->info.tuner, sizeof lv->info.tuner, "unknown");
	snprintf(lv->info.name, sizeof lv->info.name, "%s", cfg->device);

	rc = pick_backend(lv, lv->device);
	if (rc < 0) {
		copy_err(err, err_len, lv->errmsg[0] ? lv->errmsg : simsweep_strerror(rc));
		live_free(lv);
		return rc;
	}
	/* The backend now owns the device: from here on, failures close it. */
	lv->gain_db = lv->info.gain_db;
	lv->sample_bytes = sample_format_size(lv->info.format);
	struct ring_config rcfg;
	ring_config_default(&rcfg);
	rcfg.sample_bytes = lv->sample_bytes;
	rcfg.slot_bytes = cfg->block_samples * lv->sample_bytes;
	double slots = ceil(cfg->buffer_s * cfg->rate_hz / (double)cfg->block_samples);
	rcfg.slots = slots < 4 ? 4 : slots > 65536 ? 65536 : (size_t)slots;
	lv->ring = ring_create(&rcfg);
	lv->ring_slots = rcfg.slots;
	lv->iq = malloc(cfg->block_samples * sizeof *lv->iq);
	if (!lv->ring || !lv->iq || !lv->sample_bytes) {
		rc = live_fail(lv, SIMSWEEP_ENOMEM, "out of memory for a %.1f s buffer",
		               cfg->buffer_s);
		goto fail;
	}
	rc = lv->ops->start(lv);
	if (rc < 0)
		goto fail;
	*out = lv;
	return SIMSWEEP_OK;
fail:
	copy_err(err, err_len, lv->errmsg[0] ? lv->errmsg : simsweep_strerror(rc));
	atomic_store(&lv->stop, 1);
	lv->ops->close(lv);
	live_free(lv);
	return rc;
}

int live_read(struct live *lv, struct block *blk, int timeout_ms)
{
	if (!lv || !blk)
		return SIMSWEEP_EINVAL;
	/* The previous block's slot was kept for live_raw(); give it back. */
	if (lv->holding) {
		ring_release(lv->ring);
		lv->holding = false;
		lv->raw = NULL;
		lv->raw_bytes = 0;
	}
	struct ring_slot s;
	int rc = ring_wait(lv->ring, timeout_ms, &s);
	if (rc == RING_TIMEOUT)
		return LIVE_TIMEOUT;
	if (rc == RING_CLOSED) {
		int st = ring_close_status(lv->ring);
		return st < 0 ? st : LIVE_END;
	}
	if (rc != RING_SLOT)
		return rc;
	uint64_t clipped = convert_to_cf(lv->info.format, s.data, lv->iq, s.n);
	lv->holding = true;
	lv->raw = s.data;
	lv->raw_bytes = s.n * lv->sample_bytes;
	lv->delivered += s.n;
	*blk = (struct block){
	    .iq = lv->iq,
	    .n = s.n,
	    .sample_index = s.sample_index,
	    .rate_hz = s.rate_hz,
	    .freq_hz = s.freq_hz,
	    .utc_ns = s.utc_ns,
	    .gain_db = s.gain_db,
	    .dropped = s.dropped,
	    .clipped = clipped,
	    .segment = s.segment,
	};
	return LIVE_BLOCK;
}

const void *live_raw(const struct live *lv, size_t *bytes)
{
	if (bytes)
		*bytes = lv && lv->raw ? lv->raw_bytes : 0;
	return lv ? lv->raw : NULL;
}

void live_wake(struct live *lv)
{
	if (lv)
		ring_wake(lv->ring);
}

int live_retune(struct live *lv, double freq_hz)
{
	if (!lv || !(freq_hz >= 1.0 && freq_hz <= 1e11))
		return SIMSWEEP_EINVAL;
	/* Tag first, tune second: samples between the two carry the new
	 * segment and fall in the settling time, never the reverse. */
	pthread_mutex_lock(&lv->mu);
	double old = lv->freq_hz;
	lv->freq_hz = freq_hz;
	lv->segment++;
	lv->settle_left = settle_samples(lv);
	pthread_mutex_unlock(&lv->mu);
	int rc = lv->ops->set_freq(lv, freq_hz);
	if (rc < 0) {
		pthread_mutex_lock(&lv->mu);
		lv->freq_hz = old;
		pthread_mutex_unlock(&lv->mu);
		return rc;
	}
	lv->info.freq_hz = freq_hz;
	return SIMSWEEP_OK;
}

const struct live_info *live_info(const struct live *lv)
{
	return lv ? &lv->info : NULL;
}

void live_stats(struct live *lv, struct live_stats *st)
{
	if (!lv || !st)
		return;
	struct ring_stats rs;
	ring_stats(lv->ring, &rs);
	pthread_mutex_lock(&lv->mu);
	*st = (struct live_stats){
	    .received = rs.produced - rs.gap - rs.skipped,
	    .delivered = lv->delivered,
	    .overflow = rs.dropped - rs.gap,
	    .missed = lv->missed,
	    .settled = lv->settled,
	    .disconnects = lv->disconnects,
	    .reconnects = lv->reconnects,
	    .ring_max_used = rs.max_used,
	};
	pthread_mutex_unlock(&lv->mu);
	st->received += st->settled; /* settled samples did arrive */
	st->ring_slots = lv->ring_slots;
}

const char *live_errmsg(const struct live *lv)
{
	return lv ? lv->errmsg : "";
}

void live_close(struct live *lv)
{
	if (!lv)
		return;
	atomic_store(&lv->stop, 1);
	if (lv->ops && lv->ops->close)
		lv->ops->close(lv);
	live_free(lv);
}

int live_has_soapy(void)
{
	return live_soapy_built();
}

int live_list_devices(struct live_device *out, size_t max)
{
	size_t n_rtl = 0, n_soapy = 0;
	int rc = live_rtlsdr_list(out, max, &n_rtl);
	if (rc < 0)
		return rc;
	size_t used = n_rtl < max ? n_rtl : max;
	rc = live_soapy_list(out ? out + used : NULL, max - used, &n_soapy);
	if (rc < 0)
		return rc;
	return (int)(n_rtl + n_soapy);
}
