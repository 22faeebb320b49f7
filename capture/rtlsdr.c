/* rtlsdr.c - RTL-SDR dongles through librtlsdr ("rtlsdr:", "rtlsdr:N",
 * "rtlsdr:serial=S").
 *
 * rtlsdr_read_async() runs in its own thread; its callback only copies the
 * USB buffer into the ring (live_push: no allocation, no waiting) and
 * returns. When the async read returns without having been cancelled, the
 * dongle is gone (unplugged, USB error): the stream ends with an error after
 * every block already received has been delivered.
 *
 * Settings: sample rate, centre frequency, ppm correction, gain (automatic,
 * or the nearest step of rtlsdr_get_tuner_gains()), RTL2832 digital AGC off,
 * direct sampling off, bias-tee when asked.
 */
#include "live_impl.h"

#include <math.h>
#include <rtl-sdr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"

/* libusb error codes librtlsdr passes through from libusb_open and
 * libusb_claim_interface. */
#define USB_ERROR_ACCESS (-3)
#define USB_ERROR_BUSY   (-6)

/* USB transfer length: a multiple of 512 bytes, about 25 ms of samples. */
#define RTLSDR_BUF_SECONDS 0.025
#define RTLSDR_BUF_MIN     512u
#define RTLSDR_BUF_MAX     (256u * 1024u)

static const char *const tuner_names[] = {"unknown", "E4000", "FC0012", "FC0013",
                                          "FC2580",  "R820T", "R828D"};

struct rtlsdr_src {
	rtlsdr_dev_t *dev;
	uint32_t index;
	uint32_t buf_len;
	pthread_t thread;
	bool thread_started;
};

/* "" or "N" -> index N; "serial=S" -> the dongle with serial S. */
static int parse_spec(struct live *lv, const char *spec, uint32_t *index)
{
	uint32_t count = rtlsdr_get_device_count();
	if (count == 0)
		return live_fail(lv, SIMSWEEP_ENOENT, "no RTL-SDR found (is the dongle plugged in?)");
	if (strncmp(spec, "serial=", 7) == 0) {
		int i = rtlsdr_get_index_by_serial(spec + 7);
		if (i < 0)
			return live_fail(lv, SIMSWEEP_ENOENT, "no RTL-SDR with serial '%.64s' (%u found)",
			                 spec + 7, (unsigned)count);
		*index = (uint32_t)i;
		return SIMSWEEP_OK;
	}
	if (!*spec) {
		*index = 0;
		return SIMSWEEP_OK;
	}
	char *end;
	unsigned long v = strtoul(spec, &end, 10);
	if (*end || end == spec || v > 255)
		return live_fail(lv, SIMSWEEP_EINVAL,
		                 "rtlsdr:%.64s: expected an index or serial=S", spec);
	if (v >= count)
		return live_fail(lv, SIMSWEEP_ENOENT, "no RTL-SDR with index %lu (%u found)", v,
		                 (unsigned)count);
	*index = (uint32_t)v;
	return SIMSWEEP_OK;
}

/* The tuner's gain step nearest to want_db (tenths of a dB), or want when
 * the tuner gives no table. */
static int snap_gain(rtlsdr_dev_t *dev, double want_db)
{
	int want = (int)lround(want_db * 10);
	int n = rtlsdr_get_tuner_gains(dev, NULL);
	if (n <= 0 || n > 256)
		return want;
	int gains[256];
	n = rtlsdr_get_tuner_gains(dev, gains);
	if (n <= 0)
		return want;
	int best = gains[0];
	for (int i = 1; i < n; i++)
		if (abs(gains[i] - want) < abs(best - want))
			best = gains[i];
	return best;
}

static int configure(struct live *lv, struct rtlsdr_src *r)
{
	const struct live_config *c = &lv->cfg;
	rtlsdr_dev_t *dev = r->dev;
	unsigned idx = (unsigned)r->index;
	if (rtlsdr_set_direct_sampling(dev, 0) < 0)
		return live_fail(lv, SIMSWEEP_EIO, "RTL-SDR %u: cannot turn direct sampling off", idx);
	if (rtlsdr_set_sample_rate(dev, (uint32_t)llround(c->rate_hz)) < 0)
		return live_fail(lv, SIMSWEEP_EINVAL, "RTL-SDR %u: sample rate %.0f S/s not supported",
		                 idx, c->rate_hz);
	if (c->ppm != 0 && rtlsdr_set_freq_correction(dev, (int)lround(c->ppm)) < 0)
		return live_fail(lv, SIMSWEEP_EINVAL, "RTL-SDR %u: cannot set %+.0f ppm", idx, c->ppm);
	if (rtlsdr_set_center_freq(dev, (uint32_t)llround(c->freq_hz)) < 0)
		return live_fail(lv, SIMSWEEP_EINVAL,
		                 "RTL-SDR %u: cannot tune to %.6f MHz (outside the tuner's range?)",
		                 idx, c->freq_hz / 1e6);
	if (isnan(c->gain_db)) {
		if (rtlsdr_set_tuner_gain_mode(dev, 0) < 0)
			return live_fail(lv, SIMSWEEP_EIO, "RTL-SDR %u: cannot set automatic gain", idx);
		lv->info.gain_db = NAN;
	} else {
		int g = snap_gain(dev, c->gain_db);
		if (rtlsdr_set_tuner_gain_mode(dev, 1) < 0 || rtlsdr_set_tuner_gain(dev, g) < 0)
			return live_fail(lv, SIMSWEEP_EIO, "RTL-SDR %u: cannot set gain %.1f dB", idx,
			                 g / 10.0);
		lv->info.gain_db = g / 10.0;
	}
	rtlsdr_set_agc_mode(dev, 0);
	if (rtlsdr_set_bias_tee(dev, c->bias_tee ? 1 : 0) < 0 && c->bias_tee)
		return live_fail(lv, SIMSWEEP_EUNSUPPORTED, "RTL-SDR %u: bias-tee not supported", idx);
	if (rtlsdr_reset_buffer(dev) < 0)
		return live_fail(lv, SIMSWEEP_EIO, "RTL-SDR %u: cannot reset the USB buffer", idx);
	enum rtlsdr_tuner tt = rtlsdr_get_tuner_type(dev);
	snprintf(lv->info.tuner, sizeof lv->info.tuner, "%s",
	         (unsigned)tt < sizeof tuner_names / sizeof tuner_names[0] ? tuner_names[tt]
	                                                                   : "unknown");
	return SIMSWEEP_OK;
}

/* USB thread: copy and return, nothing else. */
static void on_samples(unsigned char *buf, uint32_t len, void *ctx)
{
	struct live *lv = ctx;
	if (atomic_load(&lv->stop))
		return;
	live_push(lv, buf, len & ~1u, live_now_utc_ns());
}

static void *usb_thread(void *arg)
{
	struct live *lv = arg;
	struct rtlsdr_src *r = lv->priv;
	int rc = rtlsdr_read_async(r->dev, on_samples, lv, 0, r->buf_len);
	if (atomic_load(&lv->stop)) {
		live_end(lv, 0);
		return NULL;
	}
	live_fail(lv, SIMSWEEP_EIO, "RTL-SDR %u: device lost (unplugged?)%s", (unsigned)r->index,
	          rc < 0 ? ": USB read failed" : "");
	live_post(lv, LIVE_EVENT_DEVICE_LOST, 0, 0, "device lost");
	live_end(lv, SIMSWEEP_EIO);
	return NULL;
}

static int rtlsrc_start(struct live *lv)
{
	struct rtlsdr_src *r = lv->priv;
	if (pthread_create(&r->thread, NULL, usb_thread, lv) != 0)
		return live_fail(lv, SIMSWEEP_ENOMEM, "RTL-SDR %u: cannot start the USB thread",
		                 (unsigned)r->index);
	r->thread_started = true;
	return SIMSWEEP_OK;
}

static int rtlsrc_set_freq(struct live *lv, double freq_hz)
{
	struct rtlsdr_src *r = lv->priv;
	if (freq_hz > UINT32_MAX || rtlsdr_set_center_freq(r->dev, (uint32_t)llround(freq_hz)) < 0)
		return SIMSWEEP_EIO;
	return SIMSWEEP_OK;
}

static void rtlsrc_close(struct live *lv)
{
	struct rtlsdr_src *r = lv->priv;
	if (!r)
		return;
	atomic_store(&lv->stop, 1);
	if (r->thread_started) {
		rtlsdr_cancel_async(r->dev);
		pthread_join(r->thread, NULL);
	}
	if (lv->cfg.bias_tee)
		rtlsdr_set_bias_tee(r->dev, 0);
	rtlsdr_close(r->dev);
	free(r);
	lv->priv = NULL;
}

static const struct live_ops rtlsrc_ops = {
    .start = rtlsrc_start,
    .set_freq = rtlsrc_set_freq,
    .close = rtlsrc_close,
};

int live_rtlsdr_open(struct live *lv, const char *spec)
{
	if (lv->cfg.rate_hz > 3.2e6 || lv->cfg.freq_hz > UINT32_MAX)
		return live_fail(lv, SIMSWEEP_EINVAL,
		                 "RTL-SDR: sample rate above 3.2 MS/s or frequency above 4.29 GHz");
	uint32_t index = 0;
	int rc = parse_spec(lv, spec, &index);
	if (rc < 0)
		return rc;
	struct rtlsdr_src *r = calloc(1, sizeof *r);
	if (!r)
		return live_fail(lv, SIMSWEEP_ENOMEM, "out of memory");
	r->index = index;
	int orc = rtlsdr_open(&r->dev, index);
	if (orc < 0) {
		free(r);
		if (orc == USB_ERROR_BUSY)
			return live_fail(lv, SIMSWEEP_EIO, "device %u busy: another program has it",
			                 (unsigned)index);
		if (orc == USB_ERROR_ACCESS)
			return live_fail(lv, SIMSWEEP_EIO,
			                 "device %u: permission denied (install the rtl-sdr udev rules)",
			                 (unsigned)index);
		return live_fail(lv, SIMSWEEP_EIO, "device %u: cannot open the RTL-SDR (error %d)",
		                 (unsigned)index, orc);
	}
	rc = configure(lv, r);
	if (rc < 0) {
		rtlsdr_close(r->dev);
		free(r);
		return rc;
	}
	uint32_t len = (uint32_t)(lv->cfg.rate_hz * 2 * RTLSDR_BUF_SECONDS) / 512u * 512u;
	r->buf_len = len < RTLSDR_BUF_MIN ? RTLSDR_BUF_MIN : len > RTLSDR_BUF_MAX ? RTLSDR_BUF_MAX : len;
	lv->info.kind = "rtlsdr";
	lv->info.format = SAMPLE_FORMAT_CU8;
	snprintf(lv->info.name, sizeof lv->info.name, "rtlsdr:%u", (unsigned)index);
	lv->priv = r;
	lv->ops = &rtlsrc_ops;
	return SIMSWEEP_OK;
}

int live_rtlsdr_list(struct live_device *out, size_t max, size_t *found)
{
	uint32_t count = rtlsdr_get_device_count();
	*found = count;
	for (uint32_t i = 0; i < count && i < max; i++) {
		char vendor[256] = "", product[256] = "", serial[256] = "";
		struct live_device *d = &out[i];
		*d = (struct live_device){0};
		snprintf(d->kind, sizeof d->kind, "rtlsdr");
		snprintf(d->id, sizeof d->id, "rtlsdr:%u", (unsigned)i);
		const char *name = rtlsdr_get_device_name(i);
		snprintf(d->name, sizeof d->name, "%s", name ? name : "RTL-SDR");
		if (rtlsdr_get_device_usb_strings(i, vendor, product, serial) == 0) {
			/* USB strings are short; cut at the field's size, knowingly. */
			size_t len = strnlen(serial, sizeof d->serial - 1);
			memcpy(d->serial, serial, len);
			d->serial[len] = '\0';
		}
	}
	return SIMSWEEP_OK;
}
