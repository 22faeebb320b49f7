/* soapy.c - any SDR with a SoapySDR module ("soapy:ARGS", e.g.
 * "soapy:driver=hackrf", "soapy:driver=airspy,serial=...", "soapy:" for the
 * first device found): wider front ends that watch a whole uplink band at
 * once and reach bands 1, 2 and 25.
 *
 * The stream is complex float (SOAPY_SDR_CF32) on channel 0 of the receive
 * side. A device thread loops on readStream() into a buffer allocated at
 * open (one MTU) and copies each read into the ring (live_push: no
 * allocation, no waiting), as the librtlsdr callback does.
 *
 * Nothing lost silently: when the driver reports an overflow (samples it had
 * no room for before we read them), the size of the hole is taken from the
 * hardware timestamps when the driver gives them, else from the wall clock
 * (elapsed time x rate minus samples received), and shows as a gap in the
 * stream index (live_gap). A device that stops answering (cfg.timeout_s
 * without a sample, or repeated stream errors) is reported lost and the
 * stream ends with an error after every block already received.
 *
 * Settings: sample rate, centre frequency, gain (automatic when the device
 * has an AGC, else the device's default; or a manual overall gain), ppm
 * correction (in the driver when it has one, else by tuning to the corrected
 * frequency), bias-tee through the common "biastee" setting.
 *
 * SoapySDR logs to stderr by default; library code never prints, so only
 * critical messages are left on (errors reach the user through errmsg).
 */
#include "live_impl.h"

#include <SoapySDR/Device.h>
#include <SoapySDR/Errors.h>
#include <SoapySDR/Formats.h>
#include <SoapySDR/Logger.h>
#include <SoapySDR/Types.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"

#define SOAPY_CHANNEL         0
#define SOAPY_READ_TIMEOUT_US 100000L /* one read waits this long at most */
#define SOAPY_MAX_ERRORS      20      /* consecutive stream errors = lost */
#define SOAPY_MAX_ELEMS       ((size_t)1 << 20)
#define CF32_BYTES            8 /* bytes per complex float sample */

struct soapy_src {
	SoapySDRDevice *dev;
	SoapySDRStream *stream;
	char name[128];     /* "soapy:ARGS" for messages */
	double corr_factor; /* tuned = wanted * corr_factor (software ppm) */
	float complex *buf; /* one MTU of samples */
	size_t buf_elems;
	pthread_t thread;
	bool thread_started;
	bool active;
};

static void quiet_logs(void)
{
	SoapySDR_setLogLevel(SOAPY_SDR_CRITICAL);
}

/* The frequency to command for freq_hz, with a software ppm correction when
 * the driver has none. */
static double tuned_freq(const struct soapy_src *s, double freq_hz)
{
	return freq_hz * s->corr_factor;
}

static int configure(struct live *lv, struct soapy_src *s)
{
	const struct live_config *c = &lv->cfg;
	SoapySDRDevice *dev = s->dev;
	if (SoapySDRDevice_getNumChannels(dev, SOAPY_SDR_RX) == 0)
		return live_fail(lv, SIMSWEEP_EUNSUPPORTED, "%s: the device has no receive channel",
		                 s->name);
	if (SoapySDRDevice_setSampleRate(dev, SOAPY_SDR_RX, SOAPY_CHANNEL, c->rate_hz) != 0)
		return live_fail(lv, SIMSWEEP_EINVAL,
		                 "%s: sample rate %.0f S/s not supported: %.96s", s->name,
		                 c->rate_hz, SoapySDRDevice_lastError());
	s->corr_factor = 1.0;
	if (c->ppm != 0) {
		if (SoapySDRDevice_hasFrequencyCorrection(dev, SOAPY_SDR_RX, SOAPY_CHANNEL)) {
			if (SoapySDRDevice_setFrequencyCorrection(dev, SOAPY_SDR_RX, SOAPY_CHANNEL,
			                                          c->ppm) != 0)
				return live_fail(lv, SIMSWEEP_EINVAL, "%s: cannot set %+.1f ppm",
				                 s->name, c->ppm);
		} else {
			/* A reference ppm too fast puts the LO ppm too high:
			 * ask for proportionally less. */
			s->corr_factor = 1.0 / (1.0 + c->ppm * 1e-6);
		}
	}
	if (SoapySDRDevice_setFrequency(dev, SOAPY_SDR_RX, SOAPY_CHANNEL, tuned_freq(s, c->freq_hz),
	                                NULL) != 0)
		return live_fail(lv, SIMSWEEP_EINVAL,
		                 "%s: cannot tune to %.6f MHz (outside the device's range?)",
		                 s->name, c->freq_hz / 1e6);
	bool has_agc = SoapySDRDevice_hasGainMode(dev, SOAPY_SDR_RX, SOAPY_CHANNEL);
	if (isnan(c->gain_db)) {
		if (has_agc &&
		    SoapySDRDevice_setGainMode(dev, SOAPY_SDR_RX, SOAPY_CHANNEL, true) != 0)
			return live_fail(lv, SIMSWEEP_EIO, "%s: cannot set automatic gain",
			                 s->name);
		lv->info.gain_db = NAN;
	} else {
		if (has_agc &&
		    SoapySDRDevice_setGainMode(dev, SOAPY_SDR_RX, SOAPY_CHANNEL, false) != 0)
			return live_fail(lv, SIMSWEEP_EIO, "%s: cannot turn automatic gain off",
			                 s->name);
		if (SoapySDRDevice_setGain(dev, SOAPY_SDR_RX, SOAPY_CHANNEL, c->gain_db) != 0)
			return live_fail(lv, SIMSWEEP_EIO, "%s: cannot set gain %.1f dB", s->name,
			                 c->gain_db);
		/* The gain the driver actually set (it snaps to its steps). */
		lv->info.gain_db = SoapySDRDevice_getGain(dev, SOAPY_SDR_RX, SOAPY_CHANNEL);
	}
	if (c->bias_tee && SoapySDRDevice_writeSetting(dev, "biastee", "true") != 0)
		return live_fail(lv, SIMSWEEP_EUNSUPPORTED, "%s: bias-tee not supported", s->name);
	char *hw = SoapySDRDevice_getHardwareKey(dev);
	snprintf(lv->info.tuner, sizeof lv->info.tuner, "%s", hw && *hw ? hw : "unknown");
	free(hw);
	s->stream = SoapySDRDevice_setupStream(dev, SOAPY_SDR_RX, SOAPY_SDR_CF32,
	                                       (const size_t[]){SOAPY_CHANNEL}, 1, NULL);
	if (!s->stream)
		return live_fail(lv, SIMSWEEP_EIO, "%s: cannot set up a CF32 stream: %.96s",
		                 s->name, SoapySDRDevice_lastError());
	size_t mtu = SoapySDRDevice_getStreamMTU(dev, s->stream);
	s->buf_elems = mtu < 1024 ? 1024 : mtu > SOAPY_MAX_ELEMS ? SOAPY_MAX_ELEMS : mtu;
	s->buf = malloc(s->buf_elems * sizeof *s->buf);
	if (!s->buf)
		return live_fail(lv, SIMSWEEP_ENOMEM, "out of memory");
	return SIMSWEEP_OK;
}

/* Samples the driver lost in an overflow, from its timestamps (next_ns is
 * where the last read ended) or, without them, from the wall clock. */
struct hole_clock {
	bool have_ns;          /* next_ns is known */
	long long next_ns;     /* device time just after the last sample read */
	double anchor_s;       /* monotonic time of the anchor */
	uint64_t since_anchor; /* samples read since the anchor */
};

static uint64_t overflow_hole(const struct live *lv, const struct hole_clock *hc, int flags,
                              long long time_ns, int n)
{
	double rate = lv->cfg.rate_hz;
	double missing;
	if (hc->have_ns && (flags & SOAPY_SDR_HAS_TIME))
		missing = (double)(time_ns - hc->next_ns) * 1e-9 * rate;
	else
		missing = (live_now_mono_s() - hc->anchor_s) * rate - (double)hc->since_anchor -
		          (double)n;
	return missing > 0.5 ? (uint64_t)llround(missing) : 0;
}

static void *rx_thread(void *arg)
{
	struct live *lv = arg;
	struct soapy_src *s = lv->priv;
	void *buffs[1] = {s->buf};
	struct hole_clock hc = {.anchor_s = live_now_mono_s()};
	bool overflowed = false;
	int errors = 0;
	double last_data_s = live_now_mono_s();
	const char *why = NULL;
	while (!atomic_load(&lv->stop)) {
		int flags = 0;
		long long time_ns = 0;
		int n = SoapySDRDevice_readStream(s->dev, s->stream, buffs, s->buf_elems, &flags,
		                                  &time_ns, SOAPY_READ_TIMEOUT_US);
		double now = live_now_mono_s();
		if (n > 0) {
			if (overflowed) {
				live_gap(lv, overflow_hole(lv, &hc, flags, time_ns, n));
				overflowed = false;
				hc.anchor_s = now - (double)n / lv->cfg.rate_hz;
				hc.since_anchor = 0;
			} else if (hc.since_anchor == 0) {
				/* The clock starts with the first samples, not with
				 * the thread: what the driver buffered before is no
				 * hole. */
				hc.anchor_s = now - (double)n / lv->cfg.rate_hz;
			}
			live_push(lv, (const uint8_t *)s->buf, (size_t)n * CF32_BYTES,
			          live_now_utc_ns());
			hc.since_anchor += (uint64_t)n;
			hc.have_ns = (flags & SOAPY_SDR_HAS_TIME) != 0;
			if (hc.have_ns)
				hc.next_ns = time_ns + llround((double)n * 1e9 / lv->cfg.rate_hz);
			errors = 0;
			last_data_s = now;
			continue;
		}
		if (n == SOAPY_SDR_OVERFLOW) {
			overflowed = true;
			continue;
		}
		if (n == SOAPY_SDR_TIMEOUT || n == 0) {
			if (now - last_data_s > lv->cfg.timeout_s) {
				why = "no samples";
				break;
			}
			continue;
		}
		if (++errors >= SOAPY_MAX_ERRORS) {
			why = SoapySDR_errToStr(n);
			break;
		}
	}
	if (atomic_load(&lv->stop)) {
		live_end(lv, 0);
		return NULL;
	}
	live_fail(lv, SIMSWEEP_EIO, "%s: device lost (unplugged?): %s", s->name,
	          why ? why : "stream error");
	live_post(lv, LIVE_EVENT_DEVICE_LOST, 0, 0, "device lost");
	live_end(lv, SIMSWEEP_EIO);
	return NULL;
}

static int soapysrc_start(struct live *lv)
{
	struct soapy_src *s = lv->priv;
	if (SoapySDRDevice_activateStream(s->dev, s->stream, 0, 0, 0) != 0)
		return live_fail(lv, SIMSWEEP_EIO, "%s: cannot start streaming: %.96s", s->name,
		                 SoapySDRDevice_lastError());
	s->active = true;
	if (pthread_create(&s->thread, NULL, rx_thread, lv) != 0)
		return live_fail(lv, SIMSWEEP_ENOMEM, "%s: cannot start the receive thread",
		                 s->name);
	s->thread_started = true;
	return SIMSWEEP_OK;
}

static int soapysrc_set_freq(struct live *lv, double freq_hz)
{
	struct soapy_src *s = lv->priv;
	if (SoapySDRDevice_setFrequency(s->dev, SOAPY_SDR_RX, SOAPY_CHANNEL, tuned_freq(s, freq_hz),
	                                NULL) != 0)
		return SIMSWEEP_EIO;
	return SIMSWEEP_OK;
}

/* Release whatever open or start got hold of. */
static void soapy_release(struct soapy_src *s, bool bias_tee)
{
	if (s->active)
		SoapySDRDevice_deactivateStream(s->dev, s->stream, 0, 0);
	if (s->stream)
		SoapySDRDevice_closeStream(s->dev, s->stream);
	if (s->dev) {
		if (bias_tee)
			SoapySDRDevice_writeSetting(s->dev, "biastee", "false");
		SoapySDRDevice_unmake(s->dev);
	}
	free(s->buf);
	free(s);
}

static void soapysrc_close(struct live *lv)
{
	struct soapy_src *s = lv->priv;
	if (!s)
		return;
	atomic_store(&lv->stop, 1);
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	soapy_release(s, lv->cfg.bias_tee);
	lv->priv = NULL;
}

static const struct live_ops soapysrc_ops = {
    .start = soapysrc_start,
    .set_freq = soapysrc_set_freq,
    .close = soapysrc_close,
};

int live_soapy_open(struct live *lv, const char *spec)
{
	quiet_logs();
	struct soapy_src *s = calloc(1, sizeof *s);
	if (!s)
		return live_fail(lv, SIMSWEEP_ENOMEM, "out of memory");
	snprintf(s->name, sizeof s->name, "soapy:%.100s", spec);
	/* Look first, so that "nothing matches" reads as such rather than as
	 * the factory's exception text. */
	SoapySDRKwargs args = SoapySDRKwargs_fromString(spec);
	size_t found = 0;
	SoapySDRKwargs *list = SoapySDRDevice_enumerate(&args, &found);
	SoapySDRKwargsList_clear(list, found);
	if (found == 0) {
		SoapySDRKwargs_clear(&args);
		free(s);
		if (!*spec)
			return live_fail(lv, SIMSWEEP_ENOENT, "soapy: no SoapySDR device found");
		return live_fail(lv, SIMSWEEP_ENOENT, "soapy:%.100s: no such device", spec);
	}
	s->dev = SoapySDRDevice_make(&args);
	SoapySDRKwargs_clear(&args);
	if (!s->dev) {
		const char *e = SoapySDRDevice_lastError();
		free(s);
		return live_fail(lv, SIMSWEEP_EIO,
		                 "soapy:%.100s: cannot open the device (busy?): %.96s", spec,
		                 e && *e ? e : "unknown error");
	}
	int rc = configure(lv, s);
	if (rc < 0) {
		soapy_release(s, false);
		return rc;
	}
	lv->info.kind = "soapy";
	lv->info.format = SAMPLE_FORMAT_CF32;
	snprintf(lv->info.name, sizeof lv->info.name, "%s", s->name);
	lv->priv = s;
	lv->ops = &soapysrc_ops;
	return SIMSWEEP_OK;
}

int live_soapy_list(struct live_device *out, size_t max, size_t *found)
{
	quiet_logs();
	size_t n = 0;
	SoapySDRKwargs *list = SoapySDRDevice_enumerate(NULL, &n);
	*found = n;
	for (size_t i = 0; i < n && i < max; i++) {
		const SoapySDRKwargs *k = &list[i];
		const char *driver = SoapySDRKwargs_get(k, "driver");
		const char *label = SoapySDRKwargs_get(k, "label");
		const char *serial = SoapySDRKwargs_get(k, "serial");
		struct live_device *d = &out[i];
		*d = (struct live_device){0};
		snprintf(d->kind, sizeof d->kind, "soapy");
		if (serial && *serial)
			snprintf(d->id, sizeof d->id, "soapy:driver=%.24s,serial=%.48s",
			         driver ? driver : "", serial);
		else
			snprintf(d->id, sizeof d->id, "soapy:driver=%.32s", driver ? driver : "");
		snprintf(d->name, sizeof d->name, "%.95s",
		         label && *label ? label
		         : driver        ? driver
		                         : "SoapySDR device");
		if (serial)
			snprintf(d->serial, sizeof d->serial, "%.63s", serial);
	}
	SoapySDRKwargsList_clear(list, n);
	return SIMSWEEP_OK;
}

int live_soapy_built(void)
{
	return 1;
}
