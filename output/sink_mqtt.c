/* sink_mqtt.c - the MQTT sink: bursts and findings as JSON on
 * <prefix>/<sensor>/<type> through the queueing publisher (mqtt.h). A
 * "session" message (who, where, with what) opens every run. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "simsweep/error.h"
#include "simsweep/jsonl.h"
#include "simsweep/mqtt.h"
#include "simsweep/units.h"
#include "sink_impl.h"

struct mqtt_sink {
	struct mqtt_pub *pub;
	double flush_timeout_s;
	struct jsonl_position pos; /* --gps: the receiver's position */
	int has_pos;
};

/* What a writer of to_json needs besides the FILE. */
struct json_args {
	const void *item; /* the burst or event */
	const char *file;
	const struct jsonl_position *pos;
};

/* mkdir -p of the directories above path. */
static int make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0700);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static char *default_queue(const char *sensor)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char buf[4096];
	if (state && *state)
		snprintf(buf, sizeof(buf), "%s/simsweep/mqtt-%s.queue", state, sensor);
	else if (home && *home)
		snprintf(buf, sizeof(buf), "%s/.local/state/simsweep/mqtt-%s.queue", home, sensor);
	else
		snprintf(buf, sizeof(buf), "simsweep-mqtt-%s.queue", sensor);
	for (char *c = strstr(buf, "mqtt-") + 5; *c; c++)
		if (*c == '/')
			*c = '_';
	char *p = strdup(buf);
	if (p)
		make_parents(p);
	return p;
}

/* Run a writer into a memory buffer: one JSON line. */
static char *to_json(int (*w)(FILE *, const void *, const void *), const void *a, const void *b)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	int rv = w(f, a, b);
	if (fclose(f) != 0 || rv) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int w_burst(FILE *f, const void *a, const void *b)
{
	(void)b;
	const struct json_args *x = a;
	return jsonl_write_burst_at(f, x->item, x->file, x->pos);
}

static int w_event(FILE *f, const void *a, const void *b)
{
	(void)b;
	const struct json_args *x = a;
	return jsonl_write_event_at(f, x->item, x->pos);
}

static int w_session(FILE *f, const void *a, const void *b)
{
	const struct sink_session *s = a;
	const int64_t *started = b;
	char buf[UNITS_UTC_LEN];
	fprintf(f, "{\"type\":\"session\",\"started\":\"%s\"", units_format_utc(*started, buf));
	const char *keys[] = {"operator", "location", "vehicle", "antenna", "notes"};
	const char *vals[] = {s->operator_name, s->location, s->vehicle, s->antenna, s->notes};
	for (size_t i = 0; i < 5; i++) {
		fprintf(f, ",\"%s\":", keys[i]);
		jsonl_write_string(f, vals[i]);
	}
	if (isfinite(s->gain_db))
		fprintf(f, ",\"gain_db\":%.1f", s->gain_db);
	else
		fputs(",\"gain_db\":null", f);
	fputs("}\n", f);
	return ferror(f) ? SIMSWEEP_EIO : SIMSWEEP_OK;
}

static int send_or_fail(struct mqtt_sink *s, const char *type, char *json, char *msg,
                        size_t msg_len)
{
	if (!json) {
		snprintf(msg, msg_len, "MQTT: out of memory");
		return SIMSWEEP_ENOMEM;
	}
	int rv = mqtt_pub_send(s->pub, type, json);
	free(json);
	if (rv)
		snprintf(msg, msg_len, "%s", mqtt_pub_errmsg(s->pub));
	return rv;
}

static int mq_open(const struct sink_options *o, void **state, char *msg, size_t msg_len)
{
	struct mqtt_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(msg, msg_len, "%s: out of memory", o->mqtt_url);
		return SIMSWEEP_ENOMEM;
	}
	s->flush_timeout_s = o->mqtt_flush_timeout_s;
	struct sink_run run;
	sink_run_identify(o, &run);
	const char *sensor = run.sensor;
	char *queue = o->mqtt_queue ? strdup(o->mqtt_queue) : default_queue(sensor);
	if (!queue) {
		free(s);
		snprintf(msg, msg_len, "%s: out of memory", o->mqtt_url);
		return SIMSWEEP_ENOMEM;
	}
	struct mqtt_config mc = {
	    .url = o->mqtt_url,
	    .cafile = o->mqtt_cafile,
	    .capath = o->mqtt_capath,
	    .cert = o->mqtt_cert,
	    .key = o->mqtt_key,
	    .user = o->mqtt_user,
	    .password = o->mqtt_password,
	    .sensor = sensor,
	    .uid = run.uid,
	    .queue_path = queue,
	    .queue_max = o->mqtt_queue_max ? o->mqtt_queue_max : 1000000,
	};
	int rv = mqtt_pub_open(&mc, &s->pub, msg, msg_len);
	free(queue);
	if (rv) {
		free(s);
		return rv;
	}
	rv = send_or_fail(s, "session", to_json(w_session, &o->session, &run.now_ns), msg, msg_len);
	if (rv) {
		mqtt_pub_close(s->pub, 0, NULL);
		free(s);
		return rv;
	}
	*state = s;
	return SIMSWEEP_OK;
}

static int mq_burst(void *state, const struct burst *b, const char *file, char *msg, size_t msg_len)
{
	struct mqtt_sink *s = state;
	struct json_args x = {b, file, s->has_pos ? &s->pos : NULL};
	return send_or_fail(s, b->type == BURST_TYPE_CARRIER ? "carrier" : "burst",
	                    to_json(w_burst, &x, NULL), msg, msg_len);
}

static int mq_event(void *state, const struct tracker_event *ev, char *msg, size_t msg_len)
{
	struct mqtt_sink *s = state;
	struct json_args x = {ev, NULL, s->has_pos ? &s->pos : NULL};
	return send_or_fail(s, tracker_event_name(ev->type), to_json(w_event, &x, NULL), msg,
	                    msg_len);
}

static void mq_position(void *state, const struct jsonl_position *pos)
{
	struct mqtt_sink *s = state;
	s->has_pos = pos != NULL;
	if (pos)
		s->pos = *pos;
}

static int mq_close(void *state, char *msg, size_t msg_len)
{
	(void)msg;
	(void)msg_len;
	struct mqtt_sink *s = state;
	/* Whatever the broker has not acknowledged stays in the queue file
	 * and goes out with the next run: not an error. */
	mqtt_pub_close(s->pub, s->flush_timeout_s, NULL);
	free(s);
	return SIMSWEEP_OK;
}

const struct sink_ops sink_mqtt_ops = {
    .id = "mqtt",
    .open = mq_open,
    .write_burst = mq_burst,
    .write_event = mq_event,
    .set_position = mq_position,
    .close = mq_close,
};
