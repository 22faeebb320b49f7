/* mqtt.c - MQTT publisher with an on-disk queue, and the collector's
 * subscriber (see mqtt.h).
 *
 *   send ─▶ append to queue file ─▶ ring (queued) ─▶ mosquitto_publish (in flight, mid)
 *                                                      │ PUBACK (on_publish, network thread)
 *                                                      ▼
 *                                      acked: leaves the ring; queue file truncated
 *                                      when the ring is empty, compacted when long
 *   (re)connect (on_connect): everything not acknowledged is published again.
 */
#include "simsweep/mqtt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include "simsweep/error.h"

#define MQTT_KEEPALIVE_S     30
#define MQTT_RECONNECT_MIN_S 1
#define MQTT_RECONNECT_MAX_S 5
#define MQTT_COMPACT_MIN     4096

int mqtt_parse_url(const char *url, struct mqtt_url *u)
{
	if (!url || !u)
		return SIMSWEEP_EINVAL;
	memset(u, 0, sizeof(*u));
	const char *p;
	if (!strncmp(url, "mqtt://", 7)) {
		p = url + 7;
		u->port = 1883;
	} else if (!strncmp(url, "mqtts://", 8)) {
		p = url + 8;
		u->port = 8883;
		u->tls = 1;
	} else {
		return SIMSWEEP_EINVAL;
	}
	const char *slash = strchr(p, '/');
	const char *end = slash ? slash : p + strlen(p);
	const char *at = memchr(p, '@', (size_t)(end - p));
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		size_t ul = (size_t)((colon ? colon : at) - p);
		if (ul >= sizeof(u->user))
			return SIMSWEEP_EINVAL;
		memcpy(u->user, p, ul);
		if (colon) {
			size_t pl = (size_t)(at - colon - 1);
			if (pl >= sizeof(u->password))
				return SIMSWEEP_EINVAL;
			memcpy(u->password, colon + 1, pl);
		}
		p = at + 1;
	}
	const char *colon = memchr(p, ':', (size_t)(end - p));
	const char *hend = colon ? colon : end;
	if (hend == p || (size_t)(hend - p) >= sizeof(u->host))
		return SIMSWEEP_EINVAL;
	memcpy(u->host, p, (size_t)(hend - p));
	if (colon) {
		char *e = NULL;
		errno = 0;
		long port = strtol(colon + 1, &e, 10);
		if (e != end || errno || port < 1 || port > 65535)
			return SIMSWEEP_EINVAL;
		u->port = (int)port;
	}
	const char *pre = slash ? slash + 1 : "";
	size_t pl = strlen(pre);
	while (pl > 0 && pre[pl - 1] == '/')
		pl--;
	if (pl >= sizeof(u->prefix) || memchr(pre, '+', pl) || memchr(pre, '#', pl))
		return SIMSWEEP_EINVAL;
	memcpy(u->prefix, pre, pl);
	if (!u->prefix[0])
		snprintf(u->prefix, sizeof(u->prefix), "simsweep");
	return SIMSWEEP_OK;
}

/* Common connection set-up: credentials and TLS. */
static int setup_client(struct mosquitto *m, const struct mqtt_config *cfg,
                        const struct mqtt_url *u, char *err, size_t err_len)
{
	const char *user = cfg->user ? cfg->user : (u->user[0] ? u->user : NULL);
	const char *pass = cfg->password ? cfg->password : (u->password[0] ? u->password : NULL);
	if (user && mosquitto_username_pw_set(m, user, pass) != MOSQ_ERR_SUCCESS) {
		snprintf(err, err_len, "%s: bad user name or password", cfg->url);
		return SIMSWEEP_EINVAL;
	}
	if (u->tls || cfg->cafile || cfg->capath || cfg->cert) {
		const char *capath = cfg->capath;
		if (!cfg->cafile && !capath)
			capath = "/etc/ssl/certs";
		int rc = mosquitto_tls_set(m, cfg->cafile, capath, cfg->cert, cfg->key, NULL);
		if (rc != MOSQ_ERR_SUCCESS) {
			snprintf(err, err_len,
			         "%s: TLS set-up failed (%s): check --cafile/--capath/--cert/--key",
			         cfg->url, mosquitto_strerror(rc));
			return SIMSWEEP_EINVAL;
		}
	}
	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	return SIMSWEEP_OK;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_s(double s)
{
	struct timespec ts = {.tv_sec = (time_t)s,
	                      .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

/* ---- publisher ---- */

enum { MSG_QUEUED = 0, MSG_INFLIGHT, MSG_ACKED };

struct msg {
	char *line; /* "topic\tpayload\n" as in the queue file */
	size_t topic_len;
	int mid;
	int state;
};

struct mqtt_pub {
	struct mosquitto *m;
	struct mqtt_url url;
	char *url_text;
	char *sensor, *uid;
	char *queue_path;
	int fd;
	size_t queue_max;
	mtx_t lock;
	int connected;
	struct msg *q; /* ring */
	size_t cap, head, count;
	size_t acked_in_file; /* acknowledged lines still at the head of the file */
	uint64_t seq;
	char msg[512];
};

static struct msg *at(struct mqtt_pub *p, size_t i)
{
	return &p->q[(p->head + i) % p->cap];
}

static int grow(struct mqtt_pub *p)
{
	size_t ncap = p->cap ? p->cap * 2 : 256;
	struct msg *nq = calloc(ncap, sizeof(*nq));
	if (!nq)
		return SIMSWEEP_ENOMEM;
	for (size_t i = 0; i < p->count; i++)
		nq[i] = *at(p, i);
	free(p->q);
	p->q = nq;
	p->cap = ncap;
	p->head = 0;
	return SIMSWEEP_OK;
}

/* Publish one message (lock held). Failure leaves it queued for the next
 * connection. */
static void publish(struct mqtt_pub *p, struct msg *m)
{
	char topic[1024];
	size_t tl = m->topic_len < sizeof(topic) - 1 ? m->topic_len : sizeof(topic) - 1;
	memcpy(topic, m->line, tl);
	topic[tl] = '\0';
	const char *payload = m->line + m->topic_len + 1;
	size_t plen = strlen(payload);
	if (plen && payload[plen - 1] == '\n')
		plen--;
	int mid = 0;
	if (plen > INT_MAX)
		return;
	int rc = mosquitto_publish(p->m, &mid, topic, (int)plen, payload, 1, false);
	if (rc == MOSQ_ERR_SUCCESS) {
		m->mid = mid;
		m->state = MSG_INFLIGHT;
	} else {
		m->state = MSG_QUEUED;
	}
}

/* Rewrite the queue file with the messages still waiting (lock held). */
static void compact(struct mqtt_pub *p)
{
	size_t len = strlen(p->queue_path) + 8;
	char *tmp = malloc(len);
	if (!tmp)
		return;
	snprintf(tmp, len, "%s.tmp", p->queue_path);
	FILE *f = fopen(tmp, "w");
	int ok = f != NULL;
	for (size_t i = 0; ok && i < p->count; i++)
		ok = fputs(at(p, i)->line, f) >= 0;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, p->queue_path) == 0) {
		int fd = open(p->queue_path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd >= 0) {
			close(p->fd);
			p->fd = fd;
			p->acked_in_file = 0;
		}
	} else {
		remove(tmp);
	}
	free(tmp);
}

static void drop_acked(struct mqtt_pub *p)
{
	while (p->count > 0 && at(p, 0)->state == MSG_ACKED) {
		struct msg *m = at(p, 0);
		free(m->line);
		m->line = NULL;
		p->head = (p->head + 1) % p->cap;
		p->count--;
		p->acked_in_file++;
	}
	if (p->count == 0) {
		if (p->acked_in_file && ftruncate(p->fd, 0) == 0)
			p->acked_in_file = 0;
	} else if (p->acked_in_file >= MQTT_COMPACT_MIN && p->acked_in_file > p->count) {
		compact(p);
	}
}

static void on_pub_connect(struct mosquitto *m, void *ctx, int rc)
{
	(void)m;
	struct mqtt_pub *p = ctx;
	if (rc != 0)
		return;
	mtx_lock(&p->lock);
	p->connected = 1;
	for (size_t i = 0; i < p->count; i++)
		if (at(p, i)->state != MSG_ACKED)
			publish(p, at(p, i));
	mtx_unlock(&p->lock);
}

static void on_pub_disconnect(struct mosquitto *m, void *ctx, int rc)
{
	(void)m;
	(void)rc;
	struct mqtt_pub *p = ctx;
	mtx_lock(&p->lock);
	p->connected = 0;
	mtx_unlock(&p->lock);
}

static void on_pub_ack(struct mosquitto *m, void *ctx, int mid)
{
	(void)m;
	struct mqtt_pub *p = ctx;
	mtx_lock(&p->lock);
	for (size_t i = 0; i < p->count; i++) {
		struct msg *x = at(p, i);
		if (x->state == MSG_INFLIGHT && x->mid == mid) {
			x->state = MSG_ACKED;
			break;
		}
	}
	drop_acked(p);
	mtx_unlock(&p->lock);
}

/* Append a line to the ring (lock held), growing it up to queue_max. */
static int push(struct mqtt_pub *p, char *line, size_t topic_len)
{
	if (p->count >= p->queue_max)
		return SIMSWEEP_ERANGE;
	if (p->count == p->cap && grow(p) != SIMSWEEP_OK)
		return SIMSWEEP_ENOMEM;
	struct msg *m = at(p, p->count);
	m->line = line;
	m->topic_len = topic_len;
	m->mid = 0;
	m->state = MSG_QUEUED;
	p->count++;
	return SIMSWEEP_OK;
}

/* Messages an earlier run left in the queue file. */
static int load_queue(struct mqtt_pub *p)
{
	FILE *f = fopen(p->queue_path, "r");
	if (!f)
		return errno == ENOENT ? SIMSWEEP_OK : SIMSWEEP_EIO;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rv = SIMSWEEP_OK;
	while ((n = getline(&line, &cap, f)) > 0) {
		char *tab = memchr(line, '\t', (size_t)n);
		if (!tab || line[n - 1] != '\n')
			continue; /* a line cut by a crash: it was never sent */
		char *copy = strdup(line);
		if (!copy || (rv = push(p, copy, (size_t)(tab - line))) != SIMSWEEP_OK) {
			free(copy);
			rv = copy ? rv : SIMSWEEP_ENOMEM;
			break;
		}
	}
	free(line);
	fclose(f);
	return rv;
}

static char *sanitize(const char *s)
{
	char *d = strdup(s && *s ? s : "sensor");
	for (char *c = d; d && *c; c++)
		if (*c == '/' || *c == '+' || *c == '#' || (unsigned char)*c < 0x20 || *c == '"' ||
		    *c == '\\')
			*c = '_';
	return d;
}

void mqtt_pub_close(struct mqtt_pub *p, double timeout_s, size_t *left)
{
	if (left)
		*left = 0;
	if (!p)
		return;
	if (p->m) {
		size_t n = mqtt_pub_wait(p, timeout_s);
		if (left)
			*left = n;
		mosquitto_disconnect(p->m);
		mosquitto_loop_stop(p->m, true);
		mosquitto_destroy(p->m);
		mosquitto_lib_cleanup();
	}
	for (size_t i = 0; i < p->count; i++)
		free(at(p, i)->line);
	if (p->fd >= 0) {
		if (p->count == 0 && ftruncate(p->fd, 0) == 0) {
			/* nothing left: leave no queue file behind */
			remove(p->queue_path);
		}
		close(p->fd);
	}
	mtx_destroy(&p->lock);
	free(p->q);
	free(p->url_text);
	free(p->sensor);
	free(p->uid);
	free(p->queue_path);
	free(p);
}

int mqtt_pub_open(const struct mqtt_config *cfg, struct mqtt_pub **out, char *err, size_t err_len)
{
	char dummy[1];
	if (!err || !err_len) {
		err = dummy;
		err_len = sizeof(dummy);
	}
	if (!cfg || !out || !cfg->url || !cfg->queue_path || !cfg->uid || cfg->queue_max < 1)
		return SIMSWEEP_EINVAL;
	*out = NULL;
	struct mqtt_pub *p = calloc(1, sizeof(*p));
	if (!p)
		return SIMSWEEP_ENOMEM;
	p->fd = -1;
	if (mtx_init(&p->lock, mtx_plain) != thrd_success) {
		free(p);
		return SIMSWEEP_ENOMEM;
	}
	int rv = mqtt_parse_url(cfg->url, &p->url);
	if (rv) {
		snprintf(err, err_len, "%s: not an MQTT URL (mqtt://host[:port][/prefix])",
		         cfg->url);
		goto error;
	}
	p->url_text = strdup(cfg->url);
	p->sensor = sanitize(cfg->sensor);
	p->uid = strdup(cfg->uid);
	p->queue_path = strdup(cfg->queue_path);
	p->queue_max = cfg->queue_max;
	if (!p->url_text || !p->sensor || !p->uid || !p->queue_path) {
		rv = SIMSWEEP_ENOMEM;
		goto error;
	}
	rv = load_queue(p);
	if (rv) {
		snprintf(err, err_len, "%s: cannot read the MQTT queue: %s", cfg->queue_path,
		         rv == SIMSWEEP_ERANGE ? "more messages than --mqtt-queue-max"
		                               : strerror(errno));
		goto error;
	}
	p->fd = open(cfg->queue_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (p->fd < 0) {
		rv = SIMSWEEP_EIO;
		snprintf(err, err_len, "%s: cannot write the MQTT queue: %s", cfg->queue_path,
		         strerror(errno));
		goto error;
	}
	mosquitto_lib_init();
	char cid[128];
	if (cfg->client_id)
		snprintf(cid, sizeof(cid), "%s", cfg->client_id);
	else
		snprintf(cid, sizeof(cid), "simsweep-%s-%ld", p->sensor, (long)getpid());
	p->m = mosquitto_new(cid, true, p);
	if (!p->m) {
		mosquitto_lib_cleanup();
		rv = SIMSWEEP_ENOMEM;
		snprintf(err, err_len, "%s: cannot create an MQTT client", cfg->url);
		goto error;
	}
	rv = setup_client(p->m, cfg, &p->url, err, err_len);
	if (rv)
		goto error;
	mosquitto_connect_callback_set(p->m, on_pub_connect);
	mosquitto_disconnect_callback_set(p->m, on_pub_disconnect);
	mosquitto_publish_callback_set(p->m, on_pub_ack);
	mosquitto_reconnect_delay_set(p->m, MQTT_RECONNECT_MIN_S, MQTT_RECONNECT_MAX_S, true);
	int rc = mosquitto_connect_async(p->m, p->url.host, p->url.port, MQTT_KEEPALIVE_S);
	if (rc == MOSQ_ERR_INVAL) {
		rv = SIMSWEEP_EINVAL;
		snprintf(err, err_len, "%s: invalid broker address", cfg->url);
		goto error;
	}
	/* Any other failure (refused, unreachable, no such host yet): the
	 * network thread keeps trying; messages wait in the queue. */
	rc = mosquitto_loop_start(p->m);
	if (rc != MOSQ_ERR_SUCCESS) {
		rv = SIMSWEEP_ENOMEM;
		snprintf(err, err_len, "%s: cannot start the MQTT thread: %s", cfg->url,
		         mosquitto_strerror(rc));
		goto error;
	}
	*out = p;
	return SIMSWEEP_OK;
error:
	if (rv == SIMSWEEP_ENOMEM && !err[0])
		snprintf(err, err_len, "%s: out of memory", cfg->url);
	if (p->m) {
		mosquitto_destroy(p->m);
		mosquitto_lib_cleanup();
		p->m = NULL;
	}
	mqtt_pub_close(p, 0, NULL);
	return rv;
}

int mqtt_pub_send(struct mqtt_pub *p, const char *type, const char *json)
{
	if (!p || !type || !json)
		return SIMSWEEP_EINVAL;
	size_t jl = strlen(json);
	while (jl > 0 && (json[jl - 1] == '\n' || json[jl - 1] == ' '))
		jl--;
	if (jl < 2 || json[0] != '{' || json[jl - 1] != '}' || memchr(json, '\n', jl))
		return SIMSWEEP_EINVAL;
	size_t inner = jl - 1; /* up to, without, the closing brace */
	size_t k = inner;
	while (k > 1 && (json[k - 1] == ' '))
		k--;
	int empty = json[k - 1] == '{';
	mtx_lock(&p->lock);
	uint64_t seq = ++p->seq;
	char tail[512];
	int tl = snprintf(tail, sizeof(tail), "%s\"sensor\":\"%s\",\"uid\":\"%s\",\"seq\":%llu}\n",
	                  empty ? "" : ",", p->sensor, p->uid, (unsigned long long)seq);
	char topic[600];
	int topl = snprintf(topic, sizeof(topic), "%s/%s/%s", p->url.prefix, p->sensor, type);
	size_t len = (size_t)topl + 1 + inner + (size_t)tl;
	char *line = malloc(len + 1);
	int rv = SIMSWEEP_OK;
	if (!line || tl < 0 || (size_t)tl >= sizeof(tail) || topl < 0 ||
	    (size_t)topl >= sizeof(topic)) {
		free(line);
		mtx_unlock(&p->lock);
		snprintf(p->msg, sizeof(p->msg), "%s: message too long or out of memory",
		         p->url_text);
		return SIMSWEEP_ENOMEM;
	}
	memcpy(line, topic, (size_t)topl);
	line[topl] = '\t';
	memcpy(line + topl + 1, json, inner);
	memcpy(line + topl + 1 + inner, tail, (size_t)tl + 1);
	if (p->count >= p->queue_max) {
		rv = SIMSWEEP_ERANGE;
		snprintf(p->msg, sizeof(p->msg),
		         "%s: MQTT queue %s full (%zu messages): the broker has been away too long",
		         p->url_text, p->queue_path, p->queue_max);
	} else {
		/* On disk first: a kill or a crash after this keeps the message. */
		ssize_t w = write(p->fd, line, len);
		if (w != (ssize_t)len) {
			rv = SIMSWEEP_EIO;
			snprintf(p->msg, sizeof(p->msg), "%s: cannot write the MQTT queue: %s",
			         p->queue_path, w < 0 ? strerror(errno) : "short write");
			if (w > 0 && ftruncate(p->fd, lseek(p->fd, 0, SEEK_END) - w) != 0) {
				/* the cut line is skipped when the file is read */
			}
		}
	}
	if (rv == SIMSWEEP_OK)
		rv = push(p, line, (size_t)topl);
	if (rv == SIMSWEEP_OK) {
		if (p->connected)
			publish(p, at(p, p->count - 1));
	} else {
		free(line);
	}
	mtx_unlock(&p->lock);
	return rv;
}

size_t mqtt_pub_pending(struct mqtt_pub *p)
{
	if (!p)
		return 0;
	mtx_lock(&p->lock);
	size_t n = p->count;
	mtx_unlock(&p->lock);
	return n;
}

size_t mqtt_pub_wait(struct mqtt_pub *p, double timeout_s)
{
	double end = now_s() + timeout_s;
	size_t n;
	while ((n = mqtt_pub_pending(p)) > 0 && now_s() < end)
		sleep_s(0.01);
	return n;
}

const char *mqtt_pub_errmsg(const struct mqtt_pub *p)
{
	return p ? p->msg : "";
}

/* ---- subscriber ---- */

struct mqtt_sub {
	struct mosquitto *m;
	struct mqtt_url url;
	char topic[300];
	int connected;
	mqtt_msg_fn fn;
	void *ctx;
	int stop_rc;
	double last_msg;
};

static void on_sub_connect(struct mosquitto *m, void *ctx, int rc)
{
	struct mqtt_sub *s = ctx;
	if (rc != 0)
		return;
	s->connected = 1;
	mosquitto_subscribe(m, NULL, s->topic, 1);
}

static void on_sub_disconnect(struct mosquitto *m, void *ctx, int rc)
{
	(void)m;
	(void)rc;
	struct mqtt_sub *s = ctx;
	s->connected = 0;
}

static void on_sub_message(struct mosquitto *m, void *ctx, const struct mosquitto_message *msg)
{
	(void)m;
	struct mqtt_sub *s = ctx;
	s->last_msg = now_s();
	if (!s->fn || s->stop_rc || msg->payloadlen < 0)
		return;
	char *payload = malloc((size_t)msg->payloadlen + 1);
	if (!payload)
		return;
	memcpy(payload, msg->payload, (size_t)msg->payloadlen);
	payload[msg->payloadlen] = '\0';
	int rc = s->fn(msg->topic, payload, (size_t)msg->payloadlen, s->ctx);
	if (rc)
		s->stop_rc = rc;
	free(payload);
}

int mqtt_sub_open(const struct mqtt_config *cfg, struct mqtt_sub **out, char *err, size_t err_len)
{
	char dummy[1];
	if (!err || !err_len) {
		err = dummy;
		err_len = sizeof(dummy);
	}
	if (!cfg || !out || !cfg->url)
		return SIMSWEEP_EINVAL;
	*out = NULL;
	struct mqtt_sub *s = calloc(1, sizeof(*s));
	if (!s)
		return SIMSWEEP_ENOMEM;
	if (mqtt_parse_url(cfg->url, &s->url)) {
		snprintf(err, err_len, "%s: not an MQTT URL (mqtt://host[:port][/prefix])",
		         cfg->url);
		free(s);
		return SIMSWEEP_EINVAL;
	}
	snprintf(s->topic, sizeof(s->topic), "%s/+/+", s->url.prefix);
	mosquitto_lib_init();
	char cid[128];
	char host[64] = "";
	if (cfg->client_id)
		snprintf(cid, sizeof(cid), "%s", cfg->client_id);
	else {
		if (gethostname(host, sizeof(host) - 1) != 0)
			snprintf(host, sizeof(host), "localhost");
		snprintf(cid, sizeof(cid), "simsweep-collect-%s", host);
	}
	s->m = mosquitto_new(cid, false, s);
	int rv = s->m ? setup_client(s->m, cfg, &s->url, err, err_len) : SIMSWEEP_ENOMEM;
	if (rv) {
		if (rv == SIMSWEEP_ENOMEM)
			snprintf(err, err_len, "%s: cannot create an MQTT client", cfg->url);
		mqtt_sub_close(s);
		return rv;
	}
	mosquitto_connect_callback_set(s->m, on_sub_connect);
	mosquitto_disconnect_callback_set(s->m, on_sub_disconnect);
	mosquitto_message_callback_set(s->m, on_sub_message);
	int rc = mosquitto_connect(s->m, s->url.host, s->url.port, MQTT_KEEPALIVE_S);
	if (rc == MOSQ_ERR_INVAL) {
		snprintf(err, err_len, "%s: invalid broker address", cfg->url);
		mqtt_sub_close(s);
		return SIMSWEEP_EINVAL;
	}
	/* A broker that is not up yet is waited for in mqtt_sub_run. */
	*out = s;
	return SIMSWEEP_OK;
}

int mqtt_sub_run(struct mqtt_sub *s, mqtt_msg_fn fn, void *ctx, volatile sig_atomic_t *stop,
                 double idle_s)
{
	if (!s)
		return SIMSWEEP_EINVAL;
	s->fn = fn;
	s->ctx = ctx;
	s->stop_rc = 0;
	s->last_msg = now_s();
	double next_try = 0;
	while (!(stop && *stop) && !s->stop_rc) {
		int rc = mosquitto_loop(s->m, 100, 1);
		if (rc != MOSQ_ERR_SUCCESS) {
			s->connected = 0;
			double t = now_s();
			if (t >= next_try) {
				mosquitto_reconnect(s->m);
				next_try = t + MQTT_RECONNECT_MIN_S;
			} else {
				sleep_s(0.1);
			}
		}
		if (idle_s > 0 && now_s() - s->last_msg > idle_s)
			break;
	}
	return s->stop_rc;
}

int mqtt_sub_connected(const struct mqtt_sub *s)
{
	return s ? s->connected : 0;
}

void mqtt_sub_close(struct mqtt_sub *s)
{
	if (!s)
		return;
	if (s->m) {
		mosquitto_disconnect(s->m);
		mosquitto_destroy(s->m);
	}
	mosquitto_lib_cleanup();
	free(s);
}
