/* sink.h - where bursts and findings go: a list of sinks opened together
 * from one set of options, written together, closed together.
 *
 *   sink list ─┬─ sqlite   --db FILE          (first: an alert is committed
 *              │                                before any other sink announces it)
 *              ├─ jsonl    -o FILE / stdout    (-F json, the default)
 *              ├─ csv      -o FILE / stdout    (-F csv: a header, one row per burst)
 *              ├─ sigmf    --sigmf-annotate OUT.sigmf-meta (bursts as annotations)
 *              ├─ clips    --clips DIR  (each burst's IQ clip as a SigMF pair,
 *              │                         the burst as its annotation)
 *              └─ mqtt     --mqtt mqtt://host:port/prefix (JSON on
 *                                <prefix>/<sensor>/<type>, QoS 1, on-disk queue)
 *
 * A sink that fails (a full disk, a closed pipe, a full MQTT queue) is
 * reported once through the error callback, with a message naming its path
 * or URL, and is then left out; the other sinks go on. A broker that is down
 * is not a failure: messages wait in the on-disk queue and are sent, in
 * order, when it is back.
 *
 * Life: sink_options_default() -> sink_list_open() -> per input:
 * sink_list_begin_input(), sink_list_write_burst()/sink_list_write_event()...,
 * sink_list_end_input() -> sink_list_close(). sink_list_poll() keeps the MQTT
 * connection serviced when no event comes for a while (live monitoring).
 * Nothing here prints.
 */
#ifndef SIMSWEEP_SINK_H
#define SIMSWEEP_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "simsweep/burst.h"
#include "simsweep/jsonl.h"
#include "simsweep/tracker.h"

enum sink_format {
	SINK_FORMAT_JSON = 0, /* JSON Lines (jsonl.h) */
	SINK_FORMAT_CSV,      /* RFC 4180, one row per burst or carrier */
	SINK_FORMAT_NONE,     /* no text stream (e.g. only --db) */
};

/* Who, where and with what: stored with the session (--db) and sent once
 * per MQTT session. NULL fields are unknown. */
struct sink_session {
	const char *operator_name; /* --operator */
	const char *location;      /* --location */
	const char *vehicle;       /* --vehicle: vehicle id */
	const char *antenna;       /* --antenna */
	double gain_db;            /* --gain, NAN when unknown */
	const char *notes;         /* --session-note */
	const char *sensor;        /* --sensor; NULL: the host name */
};

/* Called once per failing sink: msg names the sink's path or URL
 * ("events.csv: write failed: No space left on device"). */
typedef void (*sink_error_fn)(int err, const char *msg, void *ctx);

struct sink_options {
	const char *output; /* text stream path; NULL or "-" = stdout */
	enum sink_format format;
	const char *sigmf_annotate; /* annotated copy of the input's .sigmf-meta, or NULL */
	const char *db_path;        /* SQLite store, or NULL */
	const char *clips_dir;      /* one SigMF recording per burst in this directory
	                               (created when missing), or NULL */
	const char *mqtt_url; /* mqtt://[user[:password]@]host[:port][/prefix], mqtts:// for TLS */
	const char *mqtt_cafile; /* --cafile: CA certificates (TLS) */
	const char *mqtt_capath; /* --capath */
	const char *mqtt_cert;   /* --cert / --key: client certificate */
	const char *mqtt_key;
	const char *mqtt_user;       /* -u */
	const char *mqtt_password;   /* -P */
	const char *mqtt_queue;      /* on-disk queue file; NULL: $XDG_STATE_HOME (or
	                                ~/.local/state)/simsweep/mqtt-<sensor>.queue */
	size_t mqtt_queue_max;       /* messages kept while the broker is away (default 1000000) */
	double mqtt_flush_timeout_s; /* at close, wait this long for the broker to acknowledge
	                                (default 10); what is left stays in the queue file */
	struct sink_session session;
	sink_error_fn on_error; /* may be NULL */
	void *on_error_ctx;
};

/* What a sink may need to know about the input being analysed. */
struct sink_input {
	const char *name;      /* as shown in events ("car_847M_2.4M.cu8", "(stdin)") */
	const char *kind;      /* "raw", "sigmf", "wav", "live" */
	const char *meta_path; /* SigMF: the input's .sigmf-meta, else NULL */
	const char *data_path; /* the file holding the samples, or NULL */
	const char
	    *datatype; /* SigMF core:datatype of the samples ("cu8", "ci16_le"...), or NULL */
	double rate_hz;
	double freq_hz;       /* NAN when unknown */
	int64_t start_utc_ns; /* SIMSWEEP_UTC_UNKNOWN when unknown */
};

struct sink_list;

void sink_options_default(struct sink_options *o);

/* Open every sink the options ask for. On failure returns a negative
 * SIMSWEEP_E* code, writes a one-line reason naming the path or URL into
 * err, and opens nothing. An unreachable broker is not a failure. */
int sink_list_open(const struct sink_options *o, struct sink_list **out, char *err, size_t err_len);

int sink_list_begin_input(struct sink_list *l, const struct sink_input *in);

/* Write to every sink still working. Returns 0, or the code of a sink that
 * failed now (it was reported through on_error and is left out from now
 * on). When every sink has failed, returns SIMSWEEP_EIO for ever. */
int sink_list_write_burst(struct sink_list *l, const struct burst *b, const char *file);
int sink_list_write_event(struct sink_list *l, const struct tracker_event *ev);

/* The receiver's position for the events written from now on (--gps):
 * JSON events (text stream, MQTT) end with it (jsonl.h); NULL: none. */
void sink_list_set_position(struct sink_list *l, const struct jsonl_position *pos);

/* SigMF: write the annotated copy now. */
int sink_list_end_input(struct sink_list *l);

/* Push what is buffered (text streams, MQTT queue). */
int sink_list_flush(struct sink_list *l);

/* Service the network side without writing (call now and then when idle). */
void sink_list_poll(struct sink_list *l);

/* Number of working sinks (0 when every one failed, or none was asked for). */
size_t sink_list_count(const struct sink_list *l);

/* 1 when there were sinks and every one has failed: nothing more can be
 * recorded (a caller may stop its work). */
int sink_list_broken(const struct sink_list *l);

/* Flush and close everything. Returns 0 or the first error (reported). */
int sink_list_close(struct sink_list *l);

/* SigMF core:datatype of a sample format name ("cu8" -> "cu8", "cs16" ->
 * "ci16_le", "cf32" -> "cf32_le", "cs8" -> "ci8"), or NULL. */
const char *sink_sigmf_datatype(const char *format_name);

#endif
