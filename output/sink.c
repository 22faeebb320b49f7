/* sink.c - the sink list, and the text-stream sinks (JSON Lines, CSV). */
#include "simsweep/sink.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "simsweep/block.h"
#include "simsweep/csv.h"
#include "simsweep/error.h"
#include "simsweep/jsonl.h"
#include "sink_impl.h"

#define SINK_MAX     6
#define SINK_MSG_LEN 512

struct sink_slot {
	const struct sink_ops *ops;
	void *state;
	int failed;
};

struct sink_list {
	struct sink_slot s[SINK_MAX];
	size_t n;
	size_t n_failed;
	sink_error_fn on_error;
	void *on_error_ctx;
	char msg[SINK_MSG_LEN];
};

void sink_options_default(struct sink_options *o)
{
	*o = (struct sink_options){
	    .format = SINK_FORMAT_JSON,
	    .mqtt_queue_max = 1000000,
	    .mqtt_flush_timeout_s = 10,
	    .session = {.gain_db = NAN},
	};
}

const char *sink_sigmf_datatype(const char *format_name)
{
	static const struct {
		const char *fmt, *sigmf;
	} map[] = {{"cu8", "cu8"}, {"cs8", "ci8"}, {"cs16", "ci16_le"}, {"cf32", "cf32_le"}};
	if (!format_name)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(format_name, map[i].fmt))
			return map[i].sigmf;
	return NULL;
}

/* ---- text stream: JSON Lines or CSV on a file or stdout ---- */

struct text_sink {
	FILE *f;
	int own;
	int csv;
	int header_done;
	const char *name;
	struct jsonl_position pos;
	int has_pos;
};

static int text_fail(struct text_sink *t, int err, char *msg, size_t msg_len)
{
	snprintf(msg, msg_len, "%s: write failed: %s", t->name, strerror(err ? err : EIO));
	return SIMSWEEP_EIO;
}

static int text_open(const struct sink_options *o, void **state, char *msg, size_t msg_len)
{
	struct text_sink *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(msg, msg_len, "out of memory");
		return SIMSWEEP_ENOMEM;
	}
	t->csv = o->format == SINK_FORMAT_CSV;
	if (o->output && strcmp(o->output, "-") != 0) {
		t->f = fopen(o->output, "w");
		if (!t->f) {
			snprintf(msg, msg_len, "%s: cannot write: %s", o->output, strerror(errno));
			free(t);
			return errno == ENOENT ? SIMSWEEP_ENOENT : SIMSWEEP_EIO;
		}
		t->own = 1;
		t->name = o->output;
	} else {
		t->f = stdout;
		t->name = "stdout";
	}
	*state = t;
	return SIMSWEEP_OK;
}

static int text_burst(void *state, const struct burst *b, const char *file, char *msg,
                      size_t msg_len)
{
	struct text_sink *t = state;
	errno = 0;
	if (!t->csv)
		return jsonl_write_burst_at(t->f, b, file, t->has_pos ? &t->pos : NULL)
		           ? text_fail(t, errno, msg, msg_len)
		           : 0;
	if (!t->header_done) {
		if (csv_write_header(t->f))
			return text_fail(t, errno, msg, msg_len);
		t->header_done = 1;
	}
	return csv_write_burst(t->f, b, file, t->has_pos ? &t->pos : NULL)
	           ? text_fail(t, errno, msg, msg_len)
	           : 0;
}

static int text_event(void *state, const struct tracker_event *ev, char *msg, size_t msg_len)
{
	struct text_sink *t = state;
	if (t->csv) /* CSV holds bursts only: one table, one row shape */
		return SIMSWEEP_OK;
	errno = 0;
	return jsonl_write_event_at(t->f, ev, t->has_pos ? &t->pos : NULL)
	           ? text_fail(t, errno, msg, msg_len)
	           : 0;
}

static void text_position(void *state, const struct jsonl_position *pos)
{
	struct text_sink *t = state;
	t->has_pos = pos != NULL;
	if (pos)
		t->pos = *pos;
}

static int text_flush(void *state, char *msg, size_t msg_len)
{
	struct text_sink *t = state;
	errno = 0;
	if (fflush(t->f) != 0 || ferror(t->f))
		return text_fail(t, errno, msg, msg_len);
	return SIMSWEEP_OK;
}

static int text_close(void *state, char *msg, size_t msg_len)
{
	struct text_sink *t = state;
	int rv = SIMSWEEP_OK;
	errno = 0;
	if (t->own) {
		if (fclose(t->f) != 0)
			rv = text_fail(t, errno, msg, msg_len);
	} else if (fflush(t->f) != 0) {
		rv = text_fail(t, errno, msg, msg_len);
	}
	free(t);
	return rv;
}

static const struct sink_ops sink_text_ops = {
    .id = "text",
    .open = text_open,
    .write_burst = text_burst,
    .write_event = text_event,
    .flush = text_flush,
    .set_position = text_position,
    .close = text_close,
};

/* ---- the list ---- */

static int slot_failed(struct sink_list *l, struct sink_slot *s, int rv)
{
	if (rv == SIMSWEEP_OK || s->failed)
		return SIMSWEEP_OK;
	s->failed = 1;
	l->n_failed++;
	if (l->on_error)
		l->on_error(rv, l->msg, l->on_error_ctx);
	return rv;
}

int sink_list_open(const struct sink_options *o, struct sink_list **out, char *err, size_t err_len)
{
	char dummy[1];
	if (!err || !err_len) {
		err = dummy;
		err_len = sizeof(dummy);
	}
	err[0] = '\0';
	if (!o || !out)
		return SIMSWEEP_EINVAL;
	*out = NULL;
	struct sink_list *l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, err_len, "out of memory");
		return SIMSWEEP_ENOMEM;
	}
	l->on_error = o->on_error;
	l->on_error_ctx = o->on_error_ctx;
	/* The store first: an alert is committed before anything announces it. */
	const struct sink_ops *want[SINK_MAX];
	size_t n = 0;
	if (o->db_path)
		want[n++] = &sink_sqlite_ops;
	if (o->format != SINK_FORMAT_NONE)
		want[n++] = &sink_text_ops;
	if (o->sigmf_annotate)
		want[n++] = &sink_sigmf_ops;
	if (o->clips_dir)
		want[n++] = &sink_clips_ops;
	if (o->mqtt_url)
		want[n++] = &sink_mqtt_ops;
	for (size_t i = 0; i < n; i++) {
		void *st = NULL;
		int rv = want[i]->open(o, &st, err, err_len);
		if (rv != SIMSWEEP_OK) {
			sink_list_close(l);
			return rv;
		}
		l->s[l->n].ops = want[i];
		l->s[l->n].state = st;
		l->n++;
	}
	*out = l;
	return SIMSWEEP_OK;
}

#define FOR_EACH_WORKING(l, s)                                                                     \
	for (struct sink_slot *s = (l)->s; s < (l)->s + (l)->n; s++)                               \
		if (!s->failed)

static int result(struct sink_list *l, int first)
{
	if (first)
		return first;
	return l->n > 0 && l->n_failed == l->n ? SIMSWEEP_EIO : SIMSWEEP_OK;
}

int sink_list_begin_input(struct sink_list *l, const struct sink_input *in)
{
	if (!l || !in)
		return SIMSWEEP_EINVAL;
	int first = 0;
	FOR_EACH_WORKING(l, s)
	{
		if (!s->ops->begin_input)
			continue;
		int rv =
		    slot_failed(l, s, s->ops->begin_input(s->state, in, l->msg, sizeof(l->msg)));
		if (rv && !first)
			first = rv;
	}
	return result(l, first);
}

int sink_list_write_burst(struct sink_list *l, const struct burst *b, const char *file)
{
	if (!l || !b)
		return SIMSWEEP_EINVAL;
	int first = 0;
	FOR_EACH_WORKING(l, s)
	{
		if (!s->ops->write_burst)
			continue;
		int rv = slot_failed(
		    l, s, s->ops->write_burst(s->state, b, file, l->msg, sizeof(l->msg)));
		if (rv && !first)
			first = rv;
	}
	return result(l, first);
}

int sink_list_write_event(struct sink_list *l, const struct tracker_event *ev)
{
	if (!l || !ev)
		return SIMSWEEP_EINVAL;
	int first = 0;
	FOR_EACH_WORKING(l, s)
	{
		if (!s->ops->write_event)
			continue;
		int rv =
		    slot_failed(l, s, s->ops->write_event(s->state, ev, l->msg, sizeof(l->msg)));
		if (rv && !first)
			first = rv;
	}
	return result(l, first);
}

int sink_list_end_input(struct sink_list *l)
{
	if (!l)
		return SIMSWEEP_EINVAL;
	int first = 0;
	FOR_EACH_WORKING(l, s)
	{
		if (!s->ops->end_input)
			continue;
		int rv = slot_failed(l, s, s->ops->end_input(s->state, l->msg, sizeof(l->msg)));
		if (rv && !first)
			first = rv;
	}
	return result(l, first);
}

int sink_list_flush(struct sink_list *l)
{
	if (!l)
		return SIMSWEEP_EINVAL;
	int first = 0;
	FOR_EACH_WORKING(l, s)
	{
		if (!s->ops->flush)
			continue;
		int rv = slot_failed(l, s, s->ops->flush(s->state, l->msg, sizeof(l->msg)));
		if (rv && !first)
			first = rv;
	}
	return result(l, first);
}

void sink_list_poll(struct sink_list *l)
{
	if (!l)
		return;
	FOR_EACH_WORKING(l, s)
	{
		if (s->ops->poll)
			s->ops->poll(s->state);
	}
}

void sink_list_set_position(struct sink_list *l, const struct jsonl_position *pos)
{
	if (!l)
		return;
	FOR_EACH_WORKING(l, s)
	{
		if (s->ops->set_position)
			s->ops->set_position(s->state, pos);
	}
}

size_t sink_list_count(const struct sink_list *l)
{
	return l ? l->n - l->n_failed : 0;
}

int sink_list_broken(const struct sink_list *l)
{
	return l && l->n > 0 && l->n_failed == l->n;
}

int sink_list_close(struct sink_list *l)
{
	if (!l)
		return SIMSWEEP_OK;
	int first = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct sink_slot *s = &l->s[i];
		/* A failed sink is still closed (its resources freed), quietly. */
		int rv = s->ops->close(s->state, l->msg, sizeof(l->msg));
		if (!s->failed) {
			rv = slot_failed(l, s, rv);
			if (rv && !first)
				first = rv;
		}
	}
	free(l);
	return first;
}

void sink_run_identify(const struct sink_options *o, struct sink_run *r)
{
	r->host[0] = '\0';
	r->sensor = o->session.sensor;
	if (!r->sensor) {
		if (gethostname(r->host, sizeof(r->host) - 1) != 0)
			snprintf(r->host, sizeof(r->host), "localhost");
		r->sensor = r->host;
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	r->now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	snprintf(r->uid, sizeof(r->uid), "%lld-%ld", (long long)r->now_ns, (long)getpid());
}
