/* sink_sqlite.c - the SQLite sink: one session per run, every burst and
 * finding stored as it comes (store.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "simsweep/error.h"
#include "simsweep/store.h"
#include "sink_impl.h"

struct sqlite_sink {
	struct store *st;
	int64_t session;
};

static int sq_open(const struct sink_options *o, void **state, char *msg, size_t msg_len)
{
	struct sqlite_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(msg, msg_len, "%s: out of memory", o->db_path);
		return SIMSWEEP_ENOMEM;
	}
	int rv = store_open(o->db_path, &s->st, msg, msg_len);
	if (rv) {
		free(s);
		return rv;
	}
	struct sink_run run;
	sink_run_identify(o, &run);
	const char *sensor = run.sensor;
	rv = store_session(s->st, &o->session, sensor, run.uid, run.now_ns, &s->session);
	if (rv) {
		snprintf(msg, msg_len, "%s", store_errmsg(s->st));
		store_close(s->st);
		free(s);
		return rv;
	}
	*state = s;
	return SIMSWEEP_OK;
}

static int sq_burst(void *state, const struct burst *b, const char *file, char *msg, size_t msg_len)
{
	struct sqlite_sink *s = state;
	int rv = store_burst(s->st, s->session, b, file);
	if (rv)
		snprintf(msg, msg_len, "%s", store_errmsg(s->st));
	return rv;
}

static int sq_event(void *state, const struct tracker_event *ev, char *msg, size_t msg_len)
{
	struct sqlite_sink *s = state;
	int rv = store_event(s->st, s->session, ev);
	if (rv)
		snprintf(msg, msg_len, "%s", store_errmsg(s->st));
	return rv;
}

static void sq_position(void *state, const struct jsonl_position *pos)
{
	struct sqlite_sink *s = state;
	store_set_position(s->st, pos);
}

static int sq_close(void *state, char *msg, size_t msg_len)
{
	(void)msg;
	(void)msg_len;
	struct sqlite_sink *s = state;
	store_close(s->st);
	free(s);
	return SIMSWEEP_OK;
}

const struct sink_ops sink_sqlite_ops = {
    .id = "sqlite",
    .open = sq_open,
    .write_burst = sq_burst,
    .write_event = sq_event,
    .set_position = sq_position,
    .close = sq_close,
};
