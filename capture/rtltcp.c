/* rtltcp.c - client for an rtl_tcp server ("rtltcp:HOST:PORT"): a dongle on
 * a Raspberry Pi inside the vehicle, the laptop outside.
 *
 * The protocol (rtl_tcp.c of librtlsdr), all integers big-endian:
 *
 *   server ──▶ client   "RTL0" | tuner type u32 | gain count u32     12 bytes, once
 *   server ──▶ client   I Q I Q ...  unsigned 8-bit (cu8), forever
 *   client ──▶ server   cmd u8 | param u32                           5 bytes each
 *       0x01 centre frequency, Hz        0x02 sample rate, S/s
 *       0x03 gain mode (0 auto, 1 manual) 0x04 gain, tenths of a dB
 *       0x05 frequency correction, ppm   0x08 RTL2832 digital AGC (0 off)
 *       0x0e bias-tee (0 off, 1 on)
 *
 * The server starts streaming right after the header, at whatever settings
 * the dongle had, so the first samples of every connection are discarded
 * (settle_s) after our settings are sent.
 *
 * One reader thread per connection loop: it copies whatever arrives into a
 * staging buffer and hands whole blocks to the ring (live_push, never
 * blocks). A lost connection ends the stream, or, with cfg.reconnect, is
 * retried with a doubling backoff; the wall time without data, times the
 * rate, is counted as missed samples so the gap shows in the stream index.
 */
#include "live_impl.h"
#include "rtltcp_proto.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "simsweep/error.h"

/* Staged bytes are handed over at the latest this long after the first of
 * them arrived, so a slow stream still flows in small blocks. */
#define RTLTCP_MAX_STAGE_S  0.1
#define RTLTCP_DEFAULT_PORT "1234"

enum rtltcp_cmd {
	RTLTCP_SET_FREQ = 0x01,
	RTLTCP_SET_RATE = 0x02,
	RTLTCP_SET_GAIN_MODE = 0x03,
	RTLTCP_SET_GAIN = 0x04,
	RTLTCP_SET_PPM = 0x05,
	RTLTCP_SET_AGC = 0x08,
	RTLTCP_SET_BIAS_TEE = 0x0e,
};

/* Tuner types as rtl_tcp numbers them (enum rtlsdr_tuner). */
static const char *const tuner_names[] = {"unknown", "E4000", "FC0012", "FC0013",
                                          "FC2580",  "R820T", "R828D"};

const char *rtltcp_tuner_name(uint32_t tuner)
{
	return tuner < sizeof tuner_names / sizeof tuner_names[0] ? tuner_names[tuner] : "unknown";
}

struct rtltcp {
	char host[96];
	char port[8];
	char name[128];       /* "rtltcp:HOST:PORT" for messages */
	pthread_mutex_t wmu;  /* guards fd for writers (retune vs reconnect) */
	int fd;
	pthread_t thread;
	bool thread_started;
	uint8_t *stage;       /* staging buffer: block_samples * 2 bytes */
	size_t stage_len;
	size_t fill;
	double stage_t0;      /* when the oldest staged byte arrived */
};

/* "HOST:PORT", "[V6ADDR]:PORT", "HOST" (port 1234). */
static int parse_spec(struct live *lv, struct rtltcp *t, const char *spec)
{
	const char *host = spec, *port = NULL;
	size_t host_len;
	if (*spec == '[') {
		const char *close = strchr(spec, ']');
		if (!close)
			return live_fail(lv, SIMSWEEP_EINVAL, "rtltcp:%.64s: missing ']'", spec);
		host = spec + 1;
		host_len = (size_t)(close - host);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return live_fail(lv, SIMSWEEP_EINVAL, "rtltcp:%.64s: expected ':' after ']'",
			                 spec);
	} else {
		const char *colon = strrchr(spec, ':');
		if (colon && strchr(spec, ':') != colon)
			return live_fail(lv, SIMSWEEP_EINVAL,
			                 "rtltcp:%.64s: write IPv6 addresses as [ADDR]:PORT", spec);
		host_len = colon ? (size_t)(colon - spec) : strlen(spec);
		if (colon)
			port = colon + 1;
	}
	if (host_len == 0 || host_len >= sizeof t->host)
		return live_fail(lv, SIMSWEEP_EINVAL,
		                 "rtltcp:%.64s: no host (expected rtltcp:HOST:PORT)", spec);
	memcpy(t->host, host, host_len);
	t->host[host_len] = '\0';
	if (!port)
		port = RTLTCP_DEFAULT_PORT;
	char *end;
	errno = 0;
	long p = strtol(port, &end, 10);
	if (!*port || *end || errno || p < 1 || p > 65535)
		return live_fail(lv, SIMSWEEP_EINVAL, "rtltcp:%.64s: invalid port '%.16s'", spec,
		                 port);
	snprintf(t->port, sizeof t->port, "%ld", p);
	if (strchr(t->host, ':'))
		snprintf(t->name, sizeof t->name, "rtltcp:[%s]:%s", t->host, t->port);
	else
		snprintf(t->name, sizeof t->name, "rtltcp:%s:%s", t->host, t->port);
	return SIMSWEEP_OK;
}

/* Wait for fd to be ready for `events` within timeout_s. 1 ready, 0 timed
 * out or stopped, -1 error (errno). */
static int wait_fd(struct live *lv, int fd, short events, double timeout_s)
{
	double end = live_now_mono_s() + timeout_s;
	for (;;) {
		if (atomic_load(&lv->stop))
			return 0;
		double left = end - live_now_mono_s();
		if (left <= 0)
			return 0;
		int ms = left > 0.1 ? 100 : (int)(left * 1000) + 1;
		struct pollfd pfd = {.fd = fd, .events = events};
		int rc = poll(&pfd, 1, ms);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc > 0)
			return 1;
	}
}

/* Connect to host:port within cfg.timeout_s. Returns the socket, or a
 * negative code with the reason in lv->errmsg. */
static int tcp_connect(struct live *lv, struct rtltcp *t)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	int gai = getaddrinfo(t->host, t->port, &hints, &res);
	if (gai != 0)
		return live_fail(lv, SIMSWEEP_ENOENT, "%s: cannot resolve host: %s", t->name,
		                 gai_strerror(gai));
	int code = SIMSWEEP_EIO;
	int last_err = 0;
	bool timed_out = false;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			last_err = errno;
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc < 0 && errno == EINPROGRESS) {
			int w = wait_fd(lv, fd, POLLOUT, lv->cfg.timeout_s);
			if (w == 1) {
				int so = 0;
				socklen_t sl = sizeof so;
				getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl);
				rc = so ? -1 : 0;
				errno = so;
			} else {
				timed_out = w == 0;
				errno = w == 0 ? ETIMEDOUT : errno;
				rc = -1;
			}
		}
		if (rc == 0) {
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			freeaddrinfo(res);
			return fd;
		}
		last_err = errno;
		close(fd);
		if (atomic_load(&lv->stop))
			break;
	}
	freeaddrinfo(res);
	if (last_err == ECONNREFUSED) {
		code = SIMSWEEP_ENOENT;
		return live_fail(lv, code, "%s: connection refused (is rtl_tcp running there?)",
		                 t->name);
	}
	if (timed_out)
		return live_fail(lv, code, "%s: no answer within %.1f s", t->name, lv->cfg.timeout_s);
	return live_fail(lv, code, "%s: cannot connect: %s", t->name,
	                 strerror(last_err ? last_err : EIO));
}

/* Read exactly len bytes within cfg.timeout_s. 0, or a negative code. */
static int read_exact(struct live *lv, struct rtltcp *t, int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		int w = wait_fd(lv, fd, POLLIN, lv->cfg.timeout_s);
		if (w <= 0)
			return live_fail(lv, SIMSWEEP_EFORMAT,
			                 "%s: no rtl_tcp header within %.1f s (%zu of %d bytes)", t->name,
			                 lv->cfg.timeout_s, got, RTLTCP_HEADER_LEN);
		ssize_t n = recv(fd, buf + got, len - got, 0);
		if (n == 0)
			return live_fail(lv, SIMSWEEP_EFORMAT,
			                 "%s: connection closed before the rtl_tcp header (%zu of %d bytes)",
			                 t->name, got, RTLTCP_HEADER_LEN);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			return live_fail(lv, SIMSWEEP_EIO, "%s: %s", t->name, strerror(errno));
		}
		got += (size_t)n;
	}
	return SIMSWEEP_OK;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int rtltcp_parse_header(const uint8_t *h, size_t n, uint32_t *tuner, uint32_t *gains, char *err,
                        size_t err_len)
{
	char dummy[1];
	if (!err || !err_len) {
		err = dummy;
		err_len = sizeof dummy;
	}
	if (!h || n < RTLTCP_HEADER_LEN) {
		snprintf(err, err_len, "truncated rtl_tcp header (%zu of %d bytes)", h ? n : 0,
		         RTLTCP_HEADER_LEN);
		return SIMSWEEP_EFORMAT;
	}
	if (memcmp(h, "RTL0", 4) != 0) {
		/* Show the 4 bytes as text where printable: "HTTP", "\x00..." */
		char shown[20];
		size_t k = 0;
		for (int i = 0; i < 4; i++)
			k += (size_t)snprintf(shown + k, sizeof shown - k,
			                      h[i] >= 0x20 && h[i] < 0x7f ? "%c" : "\\x%02x", h[i]);
		snprintf(err, err_len,
		         "not an rtl_tcp server (header starts with '%s', expected 'RTL0')", shown);
		return SIMSWEEP_EFORMAT;
	}
	uint32_t t = get_be32(h + 4), g = get_be32(h + 8);
	if (g > RTLTCP_MAX_GAINS) {
		snprintf(err, err_len, "implausible rtl_tcp header (%u gain steps)", (unsigned)g);
		return SIMSWEEP_EFORMAT;
	}
	if (tuner)
		*tuner = t;
	if (gains)
		*gains = g;
	return SIMSWEEP_OK;
}

size_t rtltcp_stage_carry(uint8_t *stage, size_t fill, bool keep_partial)
{
	size_t whole = rtltcp_stage_whole(fill);
	size_t rest = fill - whole;
	if (!keep_partial)
		return 0;
	if (rest)
		stage[0] = stage[whole];
	return rest;
}

/* Send one 5-byte command on fd. 0 or SIMSWEEP_EIO. */
static int send_cmd(struct live *lv, int fd, uint8_t cmd, uint32_t param)
{
	uint8_t b[5] = {cmd, (uint8_t)(param >> 24), (uint8_t)(param >> 16), (uint8_t)(param >> 8),
	                (uint8_t)param};
	size_t sent = 0;
	while (sent < sizeof b) {
		ssize_t n = send(fd, b + sent, sizeof b - sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
			    wait_fd(lv, fd, POLLOUT, lv->cfg.timeout_s) == 1)
				continue;
			return SIMSWEEP_EIO;
		}
		sent += (size_t)n;
	}
	return SIMSWEEP_OK;
}

/* Every setting, in the order rtl_tcp clients usually send them. */
static int send_settings(struct live *lv, struct rtltcp *t, int fd)
{
	pthread_mutex_lock(&lv->mu);
	double freq_hz = lv->freq_hz;
	pthread_mutex_unlock(&lv->mu);
	const struct live_config *c = &lv->cfg;
	int manual = !isnan(c->gain_db);
	int rc = send_cmd(lv, fd, RTLTCP_SET_RATE, (uint32_t)llround(c->rate_hz));
	if (!rc)
		rc = send_cmd(lv, fd, RTLTCP_SET_FREQ, (uint32_t)llround(freq_hz));
	if (!rc && c->ppm != 0)
		rc = send_cmd(lv, fd, RTLTCP_SET_PPM, (uint32_t)(int32_t)lround(c->ppm));
	if (!rc)
		rc = send_cmd(lv, fd, RTLTCP_SET_AGC, 0);
	if (!rc)
		rc = send_cmd(lv, fd, RTLTCP_SET_GAIN_MODE, manual ? 1u : 0u);
	if (!rc && manual)
		rc = send_cmd(lv, fd, RTLTCP_SET_GAIN, (uint32_t)(int32_t)lround(c->gain_db * 10));
	if (!rc && c->bias_tee)
		rc = send_cmd(lv, fd, RTLTCP_SET_BIAS_TEE, 1);
	if (rc < 0)
		return live_fail(lv, SIMSWEEP_EIO, "%s: cannot send settings: %s", t->name,
		                 strerror(errno ? errno : EIO));
	return SIMSWEEP_OK;
}

/* Connect, check the header, send the settings. The socket on success.
 * Only the first connection (before the reader thread exists) writes
 * lv->info. */
static int connect_server(struct live *lv, struct rtltcp *t, bool first)
{
	int fd = tcp_connect(lv, t);
	if (fd < 0)
		return fd;
	uint8_t h[RTLTCP_HEADER_LEN];
	int rc = read_exact(lv, t, fd, h, sizeof h);
	if (rc < 0)
		goto fail;
	uint32_t tuner, gains;
	char why[128];
	rc = rtltcp_parse_header(h, sizeof h, &tuner, &gains, why, sizeof why);
	if (rc < 0) {
		rc = live_fail(lv, rc, "%s: %s", t->name, why);
		goto fail;
	}
	if (first) {
		snprintf(lv->info.tuner, sizeof lv->info.tuner, "%s", rtltcp_tuner_name(tuner));
		lv->info.gain_count = gains;
	}
	rc = send_settings(lv, t, fd);
	if (rc < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return rc;
}

static void set_fd(struct rtltcp *t, int fd)
{
	pthread_mutex_lock(&t->wmu);
	t->fd = fd;
	pthread_mutex_unlock(&t->wmu);
}

/* Hand the whole samples of the staging buffer to the ring. */
static void flush_stage(struct live *lv, struct rtltcp *t, bool keep_partial)
{
	size_t whole = rtltcp_stage_whole(t->fill);
	if (whole)
		live_push(lv, t->stage, whole, live_now_utc_ns());
	t->fill = rtltcp_stage_carry(t->stage, t->fill, keep_partial);
}

/* Stream from the connected socket until it is lost or stop is set.
 * Returns 0 on stop, else SIMSWEEP_EIO / 1 (closed by the server) with the
 * reason in `why`. */
static int stream(struct live *lv, struct rtltcp *t, int fd, char *why, size_t why_len,
                  double *last_data)
{
	*last_data = live_now_mono_s();
	for (;;) {
		if (atomic_load(&lv->stop))
			return 0;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int rc = poll(&pfd, 1, 100);
		if (rc < 0 && errno != EINTR) {
			snprintf(why, why_len, "%s", strerror(errno));
			return SIMSWEEP_EIO;
		}
		if (rc <= 0) {
			/* Quiet: hand over what is staged, watch for a dead link. */
			flush_stage(lv, t, true);
			if (live_now_mono_s() - *last_data > lv->cfg.timeout_s) {
				snprintf(why, why_len, "no data for %.1f s", lv->cfg.timeout_s);
				return SIMSWEEP_EIO;
			}
			continue;
		}
		ssize_t n = recv(fd, t->stage + t->fill, t->stage_len - t->fill, 0);
		if (n == 0) {
			snprintf(why, why_len, "connection closed by the server");
			return 1;
		}
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			snprintf(why, why_len, "%s", strerror(errno));
			return SIMSWEEP_EIO;
		}
		*last_data = live_now_mono_s();
		if (t->fill < 2)
			t->stage_t0 = *last_data;
		t->fill += (size_t)n;
		if (t->fill == t->stage_len || *last_data - t->stage_t0 >= RTLTCP_MAX_STAGE_S)
			flush_stage(lv, t, true);
	}
}

static void *reader(void *arg)
{
	struct live *lv = arg;
	struct rtltcp *t = lv->priv;
	int fd = t->fd;
	for (;;) {
		char why[160] = "";
		double last_data;
		int rc = stream(lv, t, fd, why, sizeof why, &last_data);
		flush_stage(lv, t, false);
		set_fd(t, -1);
		close(fd);
		if (rc == 0) {
			live_end(lv, 0);
			return NULL;
		}
		if (!lv->cfg.reconnect) {
			if (rc == 1) {
				live_end(lv, 0);
			} else {
				live_fail(lv, SIMSWEEP_EIO, "%s: %s", t->name, why);
				live_end(lv, SIMSWEEP_EIO);
			}
			return NULL;
		}
		live_count_disconnect(lv);
		live_post(lv, LIVE_EVENT_DISCONNECTED, 0, 0, "connection lost (%s); reconnecting",
		          why);
		double backoff = lv->cfg.backoff_min_s;
		for (;;) {
			if (live_sleep(lv, backoff)) {
				live_end(lv, 0);
				return NULL;
			}
			fd = connect_server(lv, t, false);
			if (fd >= 0)
				break;
			backoff = fmin(2 * backoff, lv->cfg.backoff_max_s);
			/* errmsg starts with the device name, which events leave out. */
			size_t skip = strlen(t->name);
			const char *why_retry = strncmp(lv->errmsg, t->name, skip) == 0 &&
			                                lv->errmsg[skip] == ':'
			                            ? lv->errmsg + skip + 2
			                            : lv->errmsg;
			live_post(lv, LIVE_EVENT_DISCONNECTED, 0, 0, "reconnect failed (%s); next try in %.1f s",
			          why_retry, backoff);
		}
		set_fd(t, fd);
		/* Samples the server produced while we were away: wall time x
		 * rate. They become a gap in the stream index. */
		double down_s = live_now_mono_s() - last_data;
		uint64_t missed = (uint64_t)llround(down_s * lv->cfg.rate_hz);
		live_gap(lv, missed);
		live_settle(lv);
		live_count_reconnect(lv);
		live_post(lv, LIVE_EVENT_RECONNECTED, missed, down_s,
		          "reconnected after %.1f s without data; %llu samples missed", down_s,
		          (unsigned long long)missed);
	}
}

static int rtltcp_start(struct live *lv)
{
	struct rtltcp *t = lv->priv;
	if (pthread_create(&t->thread, NULL, reader, lv) != 0)
		return live_fail(lv, SIMSWEEP_ENOMEM, "%s: cannot start the reader thread", t->name);
	t->thread_started = true;
	return SIMSWEEP_OK;
}

static int rtltcp_set_freq(struct live *lv, double freq_hz)
{
	struct rtltcp *t = lv->priv;
	int rc = SIMSWEEP_OK;
	pthread_mutex_lock(&t->wmu);
	/* While disconnected the new frequency goes out with the settings of
	 * the next connection. */
	if (t->fd >= 0 && send_cmd(lv, t->fd, RTLTCP_SET_FREQ, (uint32_t)llround(freq_hz)) < 0)
		rc = SIMSWEEP_EIO;
	pthread_mutex_unlock(&t->wmu);
	return rc;
}

static void rtltcp_close(struct live *lv)
{
	struct rtltcp *t = lv->priv;
	if (!t)
		return;
	atomic_store(&lv->stop, 1);
	if (t->thread_started)
		pthread_join(t->thread, NULL);
	else if (t->fd >= 0)
		close(t->fd);
	pthread_mutex_destroy(&t->wmu);
	free(t->stage);
	free(t);
	lv->priv = NULL;
}

static const struct live_ops rtltcp_ops = {
    .start = rtltcp_start,
    .set_freq = rtltcp_set_freq,
    .close = rtltcp_close,
};

int live_rtltcp_open(struct live *lv, const char *spec)
{
	if (lv->cfg.rate_hz > UINT32_MAX || lv->cfg.freq_hz > UINT32_MAX)
		return live_fail(lv, SIMSWEEP_EINVAL,
		                 "rtltcp: rate and frequency must be below 4.29 GHz");
	struct rtltcp *t = calloc(1, sizeof *t);
	if (!t)
		return live_fail(lv, SIMSWEEP_ENOMEM, "out of memory");
	t->fd = -1;
	int rc = parse_spec(lv, t, spec);
	if (rc < 0) {
		free(t);
		return rc;
	}
	t->stage_len = lv->cfg.block_samples * 2;
	t->stage = malloc(t->stage_len);
	if (!t->stage || pthread_mutex_init(&t->wmu, NULL) != 0) {
		free(t->stage);
		free(t);
		return live_fail(lv, SIMSWEEP_ENOMEM, "out of memory");
	}
	snprintf(lv->info.name, sizeof lv->info.name, "%s", t->name);
	lv->info.kind = "rtltcp";
	lv->info.format = SAMPLE_FORMAT_CU8;
	rc = connect_server(lv, t, true);
	if (rc < 0) {
		pthread_mutex_destroy(&t->wmu);
		free(t->stage);
		free(t);
		return rc;
	}
	t->fd = rc;
	lv->priv = t;
	lv->ops = &rtltcp_ops;
	/* The first samples are at the server's previous settings. */
	lv->settle_left = (uint64_t)llround(lv->cfg.settle_s * lv->cfg.rate_hz);
	return SIMSWEEP_OK;
}
