/* sink_impl.h - what one sink backend provides to the sink list (sink.c).
 * Every backend is a const descriptor; its state is opaque to the list.
 * Functions return 0 or a negative SIMSWEEP_E* code and leave a message
 * naming their path or URL in msg (msg_len bytes). NULL members are no-ops. */
#ifndef SIMSWEEP_SINK_IMPL_H
#define SIMSWEEP_SINK_IMPL_H

#include <stddef.h>

#include "simsweep/sink.h"

struct sink_ops {
	const char *id; /* "jsonl", "csv", "sigmf", "sqlite", "mqtt", "clips" */
	int (*open)(const struct sink_options *o, void **state, char *msg, size_t msg_len);
	int (*begin_input)(void *state, const struct sink_input *in, char *msg, size_t msg_len);
	int (*write_burst)(void *state, const struct burst *b, const char *file, char *msg,
	                   size_t msg_len);
	int (*write_event)(void *state, const struct tracker_event *ev, char *msg, size_t msg_len);
	int (*end_input)(void *state, char *msg, size_t msg_len);
	int (*flush)(void *state, char *msg, size_t msg_len);
	void (*poll)(void *state);
	void (*set_position)(void *state, const struct jsonl_position *pos); /* NULL: none */
	int (*close)(void *state, char *msg, size_t msg_len); /* also frees */
};

extern const struct sink_ops sink_sqlite_ops;
extern const struct sink_ops sink_sigmf_ops;
extern const struct sink_ops sink_mqtt_ops;
extern const struct sink_ops sink_clips_ops;

/* Who and which run a session is: the sensor name (o->session.sensor, else
 * this host's name, copied into host), a uid unique to this run on it, and
 * the UTC now. Shared by the sinks that record sessions. */
struct sink_run {
	char host[256];
	const char *sensor;
	char uid[64];
	int64_t now_ns;
};
void sink_run_identify(const struct sink_options *o, struct sink_run *r);

#endif
