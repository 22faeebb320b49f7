/* mqtt.h - events over MQTT (libmosquitto): a publisher that loses nothing
 * while the broker is away, and the collector's subscriber.
 *
 * URL: mqtt://[user[:password]@]host[:port][/prefix]  (port 1883; mqtts://
 * is TLS, port 8883). Messages go to <prefix>/<sensor>/<type> ("simsweep"
 * when the URL has no prefix), as one JSON object each, QoS 1.
 *
 * Publisher: every message is appended to an on-disk queue file before it
 * is sent, and leaves the queue when the broker acknowledges it (PUBACK).
 * While the broker is away, messages wait there (up to queue_max); when it
 * is back (reconnection every 1 .. 5 s) they are sent in order. A queue file
 * left by an earlier run is sent first. A message may arrive twice (at least
 * once delivery), never zero times: each carries "sensor", "uid" (the
 * publisher's session) and "seq" so that the collector stores it once.
 * The network runs on libmosquitto's own thread: mqtt_pub_send() never
 * waits for the broker.
 */
#ifndef SIMSWEEP_MQTT_H
#define SIMSWEEP_MQTT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct mqtt_url {
	char host[256];
	int port;
	int tls;
	char prefix[256]; /* without leading or trailing '/' */
	char user[128];   /* "" when none */
	char password[128];
};

/* Returns 0, or SIMSWEEP_EINVAL for a URL that is not mqtt:// or mqtts://,
 * has no host, a bad port, or a prefix with wildcards. */
int mqtt_parse_url(const char *url, struct mqtt_url *u);

struct mqtt_config {
	const char *url;
	const char *cafile, *capath; /* TLS trust (mqtts:// uses the system's when both NULL) */
	const char *cert, *key;      /* TLS client certificate */
	const char *user, *password; /* override the URL's */
	const char *client_id;       /* NULL: generated */
	const char *sensor;          /* publisher: topic level and "sensor" field */
	const char *uid;             /* publisher: the session's unique id */
	const char *queue_path;      /* publisher: on-disk queue file */
	size_t queue_max;            /* publisher: messages kept (>= 1) */
};

struct mqtt_pub;

/* Open the queue (sending what an earlier run left in it) and start
 * connecting. An unreachable broker is not an error. Errors (bad URL, queue
 * file not writable, TLS files missing) name the URL or file in err. */
int mqtt_pub_open(const struct mqtt_config *cfg, struct mqtt_pub **out, char *err, size_t err_len);

/* Queue one message of type `type` ("burst", "alert"...): json is one JSON
 * object, to which "sensor", "uid" and "seq" are added. Returns 0, or
 * SIMSWEEP_ERANGE when the queue is full, SIMSWEEP_EIO when the queue file
 * cannot be written (mqtt_pub_errmsg() says which). */
int mqtt_pub_send(struct mqtt_pub *p, const char *type, const char *json);

/* Messages not yet acknowledged. */
size_t mqtt_pub_pending(struct mqtt_pub *p);

/* Wait up to timeout_s for every message to be acknowledged. Returns the
 * number still pending. */
size_t mqtt_pub_wait(struct mqtt_pub *p, double timeout_s);

const char *mqtt_pub_errmsg(const struct mqtt_pub *p);

/* Wait up to timeout_s, disconnect, close. What is left stays in the queue
 * file for the next run; *left (may be NULL) says how many. */
void mqtt_pub_close(struct mqtt_pub *p, double timeout_s, size_t *left);

/* Subscriber: every message of <prefix>/+/+ goes to fn (from the calling
 * thread, inside mqtt_sub_run). A persistent session (clean_session off,
 * fixed client id) so that the broker keeps what arrives while the collector
 * is away. fn returns 0, or non-zero to stop. */
typedef int (*mqtt_msg_fn)(const char *topic, const char *payload, size_t len, void *ctx);

struct mqtt_sub;

int mqtt_sub_open(const struct mqtt_config *cfg, struct mqtt_sub **out, char *err, size_t err_len);

/* Run until *stop, fn asks to stop, or idle_s seconds pass without a
 * message (idle_s <= 0: no limit). Reconnects while the broker is away.
 * Returns 0, or the code from fn. */
int mqtt_sub_run(struct mqtt_sub *s, mqtt_msg_fn fn, void *ctx, volatile sig_atomic_t *stop,
                 double idle_s);

/* Connected to the broker now (1) or not (0). */
int mqtt_sub_connected(const struct mqtt_sub *s);

void mqtt_sub_close(struct mqtt_sub *s);

#endif
