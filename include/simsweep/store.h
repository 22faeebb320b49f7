/* store.h - the SQLite event store: sessions, bursts, clusters, emitters,
 * alerts and coverage in one file, in WAL mode so that readers (simsweep db,
 * sqlite3) can look while a sensor or the collector writes.
 *
 * Tables (every row belongs to a session):
 *   sessions  id uid sensor started operator location vehicle antenna gain_db notes
 *   bursts    session type t_s time utc_ns sample duration_s freq_hz freq_offset_hz
 *             bandwidth_hz power_dbfs snr_db noise_dbfs class kind confidence band link file
 *   clusters  session cluster_id emitter_id t_s time utc_ns end_s duration_s bursts class
 *             freq_hz bandwidth_hz power_dbfs band link file
 *   emitters  session emitter_id (unique together: updated in place) class freq_hz
 *             bandwidth_hz power_dbfs band link clusters first last period_s jitter_s
 *             expected note t_s time
 *   alerts    session alert_id emitter_id cluster_id t_s time utc_ns severity reason
 *             class freq_hz power_dbfs band link clusters period_s jitter_s file
 *   coverage  session file t_s time freq_low_hz freq_high_hz covered_s message
 *   received  sensor uid seq: messages already stored (the collector's de-duplication)
 * Times: t_s is seconds from the input's first sample, time the UTC text
 * (ISO-8601, NULL when unknown), utc_ns the same in ns since the epoch.
 *
 * Every write is its own transaction: a row is in the file when the call
 * returns (an alert with a full sync, so it survives a power cut as well).
 * Nothing here prints; store_query writes JSON Lines to the caller's FILE.
 */
#ifndef SIMSWEEP_STORE_H
#define SIMSWEEP_STORE_H

#include <stdint.h>
#include <stdio.h>

#include "simsweep/burst.h"
#include "simsweep/jsonl.h"
#include "simsweep/sink.h"
#include "simsweep/tracker.h"

struct store;

/* Open (creating when needed) the store at path. Returns 0, or a negative
 * SIMSWEEP_E* code with a reason naming the file in err. */
int store_open(const char *path, struct store **out, char *err, size_t err_len);

/* The session (sensor, uid), created with the details of sess when new.
 * uid is any string unique to the session on its sensor. */
int store_session(struct store *s, const struct sink_session *sess, const char *sensor,
                  const char *uid, int64_t started_utc_ns, int64_t *session_id);

/* The receiver's position for the bursts and alerts stored from now on
 * (their lat, lon, fix_time columns); NULL: none (the columns are NULL, as
 * they are without a fix). */
void store_set_position(struct store *s, const struct jsonl_position *pos);

int store_burst(struct store *s, int64_t session_id, const struct burst *b, const char *file);
int store_event(struct store *s, int64_t session_id, const struct tracker_event *ev);

/* Record message seq of (sensor, uid): 1 when new, 0 when already stored,
 * or a negative code. */
int store_received(struct store *s, const char *sensor, const char *uid, uint64_t seq);

struct store_query {
	const char *what; /* "alerts", "emitters", "bursts", "clusters", "sessions", "coverage" */
	int64_t session;  /* 0: every session; -1: the latest; else its id */
	int range;        /* 0 none, 1 utc_ns in [from, to], 2 t_s in [from, to] */
	double from, to;  /* ns (range 1) or s (range 2) */
};

/* Rows as JSON Lines (column names as keys). Returns the number of rows,
 * or a negative code (SIMSWEEP_EINVAL for an unknown `what`). */
long store_query(struct store *s, const struct store_query *q, FILE *out);

/* Group writes into one transaction: store_begin(), writes, then
 * store_commit() (or store_rollback() after a failure). */
int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);

/* Is the file in WAL mode (1), not (0), or an error (< 0). */
int store_is_wal(struct store *s);

/* The last error, naming the file. */
const char *store_errmsg(const struct store *s);

void store_close(struct store *s);

#endif
