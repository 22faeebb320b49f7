/* store.c - the SQLite event store (see store.h). */
#include "simsweep/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/bands.h"
#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/jsonl.h"
#include "simsweep/units.h"

enum {
	ST_SESSION_FIND,
	ST_SESSION_ADD,
	ST_BURST,
	ST_CLUSTER,
	ST_EMITTER,
	ST_ALERT,
	ST_COVERAGE,
	ST_RECEIVED,
	ST_COUNT
};

static const char *const sql_text[ST_COUNT] = {
    [ST_SESSION_FIND] = "SELECT id FROM sessions WHERE sensor IS ?1 AND uid IS ?2",
    [ST_SESSION_ADD] = "INSERT INTO sessions(uid,sensor,started,operator,location,vehicle,"
                       "antenna,gain_db,notes) VALUES(?,?,?,?,?,?,?,?,?)",
    [ST_BURST] = "INSERT INTO bursts(session,type,t_s,time,utc_ns,sample,duration_s,freq_hz,"
                 "freq_offset_hz,bandwidth_hz,power_dbfs,snr_db,noise_dbfs,class,kind,confidence,"
                 "band,link,file,lat,lon,fix_time) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_CLUSTER] = "INSERT INTO clusters(session,cluster_id,emitter_id,t_s,time,utc_ns,end_s,"
                   "duration_s,bursts,class,freq_hz,bandwidth_hz,power_dbfs,band,link,file) "
                   "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_EMITTER] = "INSERT OR REPLACE INTO emitters(session,emitter_id,class,freq_hz,"
                   "bandwidth_hz,power_dbfs,band,link,clusters,first,last,period_s,jitter_s,"
                   "expected,note,t_s,time) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_ALERT] = "INSERT INTO alerts(session,alert_id,emitter_id,cluster_id,t_s,time,utc_ns,"
                 "severity,reason,class,freq_hz,power_dbfs,band,link,clusters,period_s,"
                 "jitter_s,file,lat,lon,fix_time) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_COVERAGE] = "INSERT INTO coverage(session,file,t_s,time,freq_low_hz,freq_high_hz,"
                    "covered_s,message) VALUES(?,?,?,?,?,?,?,?)",
    [ST_RECEIVED] = "INSERT OR IGNORE INTO received(sensor,uid,seq) VALUES(?,?,?)",
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS sessions(id INTEGER PRIMARY KEY, uid TEXT, sensor TEXT,"
    " started TEXT, operator TEXT, location TEXT, vehicle TEXT, antenna TEXT, gain_db REAL,"
    " notes TEXT, UNIQUE(sensor, uid));"
    "CREATE TABLE IF NOT EXISTS bursts(id INTEGER PRIMARY KEY, session INTEGER REFERENCES"
    " sessions(id), type TEXT, t_s REAL, time TEXT, utc_ns INTEGER, sample INTEGER,"
    " duration_s REAL, freq_hz REAL, freq_offset_hz REAL, bandwidth_hz REAL, power_dbfs REAL,"
    " snr_db REAL, noise_dbfs REAL, class TEXT, kind TEXT, confidence REAL, band TEXT,"
    " link TEXT, file TEXT, lat REAL, lon REAL, fix_time TEXT);"
    "CREATE INDEX IF NOT EXISTS bursts_time ON bursts(session, utc_ns);"
    "CREATE TABLE IF NOT EXISTS clusters(id INTEGER PRIMARY KEY, session INTEGER, cluster_id"
    " INTEGER, emitter_id INTEGER, t_s REAL, time TEXT, utc_ns INTEGER, end_s REAL,"
    " duration_s REAL, bursts INTEGER, class TEXT, freq_hz REAL, bandwidth_hz REAL,"
    " power_dbfs REAL, band TEXT, link TEXT, file TEXT);"
    "CREATE TABLE IF NOT EXISTS emitters(session INTEGER, emitter_id INTEGER, class TEXT,"
    " freq_hz REAL, bandwidth_hz REAL, power_dbfs REAL, band TEXT, link TEXT, clusters INTEGER,"
    " first REAL, last REAL, period_s REAL, jitter_s REAL, expected INTEGER, note TEXT,"
    " t_s REAL, time TEXT, PRIMARY KEY(session, emitter_id));"
    "CREATE TABLE IF NOT EXISTS alerts(id INTEGER PRIMARY KEY, session INTEGER, alert_id"
    " INTEGER, emitter_id INTEGER, cluster_id INTEGER, t_s REAL, time TEXT, utc_ns INTEGER,"
    " severity TEXT, reason TEXT, class TEXT, freq_hz REAL, power_dbfs REAL, band TEXT,"
    " link TEXT, clusters INTEGER, period_s REAL, jitter_s REAL, file TEXT, lat REAL,"
    " lon REAL, fix_time TEXT);"
    "CREATE TABLE IF NOT EXISTS coverage(id INTEGER PRIMARY KEY, session INTEGER, file TEXT,"
    " t_s REAL, time TEXT, freq_low_hz REAL, freq_high_hz REAL, covered_s REAL, message TEXT);"
    "CREATE TABLE IF NOT EXISTS received(sensor TEXT, uid TEXT, seq INTEGER,"
    " PRIMARY KEY(sensor, uid, seq)) WITHOUT ROWID;";

struct store {
	struct jsonl_position pos; /* the receiver's position (store_set_position) */
	int has_pos;
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	char *path;
	char msg[512];
};

static int db_fail(struct store *s, int rc, const char *what)
{
	snprintf(s->msg, sizeof(s->msg), "%s: %s: %s", s->path, what,
	         s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	if (rc == SQLITE_NOMEM)
		return SIMSWEEP_ENOMEM;
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return SIMSWEEP_EFORMAT;
	return SIMSWEEP_EIO;
}

const char *store_errmsg(const struct store *s)
{
	return s ? s->msg : "";
}

int store_open(const char *path, struct store **out, char *err, size_t err_len)
{
	if (!path || !out)
		return SIMSWEEP_EINVAL;
	*out = NULL;
	struct store *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		if (err)
			snprintf(err, err_len, "%s: out of memory", path);
		return SIMSWEEP_ENOMEM;
	}
	int rv = SIMSWEEP_OK;
	int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rv = db_fail(s, rc, "cannot open");
		goto error;
	}
	sqlite3_busy_timeout(s->db, 10000);
	char *emsg = NULL;
	rc = sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL,
	                  &emsg);
	sqlite3_free(emsg);
	if (rc != SQLITE_OK) {
		rv = db_fail(s, rc, "cannot open");
		goto error;
	}
	rc = sqlite3_exec(s->db, schema, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		rv = db_fail(s, rc, "cannot create the tables");
		goto error;
	}
	for (int i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v2(s->db, sql_text[i], -1, &s->st[i], NULL);
		if (rc != SQLITE_OK) {
			rv = db_fail(s, rc, "not a simsweep store");
			goto error;
		}
	}
	*out = s;
	return SIMSWEEP_OK;
error:
	if (err)
		snprintf(err, err_len, "%s", s->msg);
	store_close(s);
	return rv;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

/* Binding helpers: NULL for unknown values. */
static void b_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void b_real(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void b_utc(sqlite3_stmt *st, int i_text, int i_ns, int64_t utc_ns)
{
	if (utc_ns == SIMSWEEP_UTC_UNKNOWN) {
		sqlite3_bind_null(st, i_text);
		if (i_ns)
			sqlite3_bind_null(st, i_ns);
		return;
	}
	char buf[UNITS_UTC_LEN];
	sqlite3_bind_text(st, i_text, units_format_utc(utc_ns, buf), -1, SQLITE_TRANSIENT);
	if (i_ns)
		sqlite3_bind_int64(st, i_ns, utc_ns);
}

static void b_band(sqlite3_stmt *st, int i, int band, int uplink)
{
	char name[16];
	if (band > 0) {
		snprintf(name, sizeof(name), "B%d", band);
		sqlite3_bind_text(st, i, name, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(st, i);
	}
	b_text(st, i + 1, uplink == 1 ? "uplink" : uplink == 0 ? "downlink" : NULL);
}

static int step(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(s, rc, what);
	return SIMSWEEP_OK;
}

int store_session(struct store *s, const struct sink_session *sess, const char *sensor,
                  const char *uid, int64_t started_utc_ns, int64_t *session_id)
{
	if (!s || !session_id)
		return SIMSWEEP_EINVAL;
	sqlite3_stmt *st = s->st[ST_SESSION_FIND];
	b_text(st, 1, sensor);
	b_text(st, 2, uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*session_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_ROW)
		return SIMSWEEP_OK;
	if (rc != SQLITE_DONE)
		return db_fail(s, rc, "cannot read sessions");
	st = s->st[ST_SESSION_ADD];
	b_text(st, 1, uid);
	b_text(st, 2, sensor);
	b_utc(st, 3, 0, started_utc_ns);
	if (sess) {
		b_text(st, 4, sess->operator_name);
		b_text(st, 5, sess->location);
		b_text(st, 6, sess->vehicle);
		b_text(st, 7, sess->antenna);
		b_real(st, 8, sess->gain_db);
		b_text(st, 9, sess->notes);
	}
	int rv = step(s, st, "cannot add a session");
	if (rv == SIMSWEEP_OK)
		*session_id = sqlite3_last_insert_rowid(s->db);
	return rv;
}

void store_set_position(struct store *s, const struct jsonl_position *pos)
{
	if (!s)
		return;
	s->has_pos = pos != NULL;
	if (pos)
		s->pos = *pos;
}

/* lat, lon, fix_time at columns i, i+1, i+2: NULL without a position or a fix. */
static void b_position(const struct store *s, sqlite3_stmt *st, int i)
{
	if (!s->has_pos || !s->pos.fix) {
		sqlite3_bind_null(st, i);
		sqlite3_bind_null(st, i + 1);
		sqlite3_bind_null(st, i + 2);
		return;
	}
	b_real(st, i, s->pos.lat_deg);
	b_real(st, i + 1, s->pos.lon_deg);
	if (s->pos.fix_utc_ns == SIMSWEEP_UTC_UNKNOWN) {
		sqlite3_bind_null(st, i + 2);
	} else {
		char buf[UNITS_UTC_LEN];
		b_text(st, i + 2, units_format_utc(s->pos.fix_utc_ns, buf));
	}
}

int store_burst(struct store *s, int64_t session_id, const struct burst *b, const char *file)
{
	if (!s || !b)
		return SIMSWEEP_EINVAL;
	sqlite3_stmt *st = s->st[ST_BURST];
	sqlite3_bind_int64(st, 1, session_id);
	b_text(st, 2, b->type == BURST_TYPE_CARRIER ? "carrier" : "burst");
	b_real(st, 3, b->start_s);
	b_utc(st, 4, 5, b->utc_ns);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)b->sample);
	b_real(st, 7, b->duration_s);
	b_real(st, 8, isnan(b->freq_hz) ? b->freq_offset_hz : b->freq_hz);
	b_real(st, 9, b->freq_offset_hz);
	b_real(st, 10, b->bandwidth_hz);
	b_real(st, 11, b->power_dbfs);
	b_real(st, 12, b->snr_db);
	b_real(st, 13, b->noise_dbfs);
	b_text(st, 14, b->class_id ? b->class_id : "unknown");
	b_text(st, 15, b->kind);
	b_real(st, 16, b->confidence);
	struct band_match m;
	if (!isnan(b->freq_hz) && bands_lookup(b->freq_hz, &m, 1) > 0)
		b_band(st, 17, m.band, m.uplink);
	else
		b_band(st, 17, 0, -1);
	b_text(st, 19, file);
	b_position(s, st, 20);
	return step(s, st, "cannot store a burst");
}

static int exec(struct store *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? SIMSWEEP_OK : db_fail(s, rc, what);
}

int store_event(struct store *s, int64_t session_id, const struct tracker_event *ev)
{
	if (!s || !ev)
		return SIMSWEEP_EINVAL;
	sqlite3_stmt *st;
	int rv;
	switch (ev->type) {
	case TRACKER_EVENT_CLUSTER:
		st = s->st[ST_CLUSTER];
		sqlite3_bind_int64(st, 1, session_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->cluster_id);
		sqlite3_bind_int64(st, 3, ev->emitter_id);
		b_real(st, 4, ev->t_s);
		b_utc(st, 5, 6, ev->utc_ns);
		b_real(st, 7, ev->end_s);
		b_real(st, 8, ev->duration_s);
		sqlite3_bind_int64(st, 9, ev->n_bursts);
		b_text(st, 10, ev->class_id);
		b_real(st, 11, ev->freq_hz);
		b_real(st, 12, ev->bandwidth_hz);
		b_real(st, 13, ev->power_dbfs);
		b_band(st, 14, ev->band, ev->uplink);
		b_text(st, 16, ev->file);
		return step(s, st, "cannot store a cluster");
	case TRACKER_EVENT_EMITTER:
		st = s->st[ST_EMITTER];
		sqlite3_bind_int64(st, 1, session_id);
		sqlite3_bind_int64(st, 2, ev->emitter_id);
		b_text(st, 3, ev->class_id);
		b_real(st, 4, ev->freq_hz);
		b_real(st, 5, ev->bandwidth_hz);
		b_real(st, 6, ev->power_dbfs);
		b_band(st, 7, ev->band, ev->uplink);
		sqlite3_bind_int64(st, 9, ev->n_clusters);
		b_real(st, 10, ev->first_s);
		b_real(st, 11, ev->last_s);
		b_real(st, 12, ev->period_s);
		b_real(st, 13, ev->jitter_s);
		sqlite3_bind_int(st, 14, ev->expected);
		b_text(st, 15, ev->rule_note);
		b_real(st, 16, ev->t_s);
		b_utc(st, 17, 0, ev->utc_ns);
		return step(s, st, "cannot store an emitter");
	case TRACKER_EVENT_ALERT:;
		/* Synced to disk, not only to the OS, before anyone hears of it
		 * (inside a caller's transaction, its commit decides). */
		int own = sqlite3_get_autocommit(s->db);
		if (own && (rv = exec(s, "PRAGMA synchronous=FULL", "cannot store an alert")))
			return rv;
		st = s->st[ST_ALERT];
		sqlite3_bind_int64(st, 1, session_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)ev->alert_id);
		sqlite3_bind_int64(st, 3, ev->emitter_id);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)ev->cluster_id);
		b_real(st, 5, ev->t_s);
		b_utc(st, 6, 7, ev->utc_ns);
		b_text(st, 8, ev->severity);
		b_text(st, 9, ev->reason);
		b_text(st, 10, ev->class_id);
		b_real(st, 11, ev->freq_hz);
		b_real(st, 12, ev->power_dbfs);
		b_band(st, 13, ev->band, ev->uplink);
		sqlite3_bind_int64(st, 15, ev->n_clusters);
		b_real(st, 16, ev->period_s);
		b_real(st, 17, ev->jitter_s);
		b_text(st, 18, ev->file);
		b_position(s, st, 19);
		rv = step(s, st, "cannot store an alert");
		int rv2 = own ? exec(s, "PRAGMA synchronous=NORMAL", "cannot store an alert") : 0;
		return rv ? rv : rv2;
	case TRACKER_EVENT_STATUS:
		st = s->st[ST_COVERAGE];
		sqlite3_bind_int64(st, 1, session_id);
		b_text(st, 2, ev->file);
		b_real(st, 3, ev->t_s);
		b_utc(st, 4, 0, ev->utc_ns);
		b_real(st, 5, ev->freq_low_hz);
		b_real(st, 6, ev->freq_high_hz);
		b_real(st, 7, ev->covered_s);
		b_text(st, 8, ev->message);
		return step(s, st, "cannot store coverage");
	}
	return SIMSWEEP_EINVAL;
}

int store_begin(struct store *s)
{
	return s ? exec(s, "BEGIN IMMEDIATE", "cannot begin a transaction") : SIMSWEEP_EINVAL;
}

int store_commit(struct store *s)
{
	return s ? exec(s, "COMMIT", "cannot commit") : SIMSWEEP_EINVAL;
}

void store_rollback(struct store *s)
{
	if (s && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_received(struct store *s, const char *sensor, const char *uid, uint64_t seq)
{
	if (!s)
		return SIMSWEEP_EINVAL;
	sqlite3_stmt *st = s->st[ST_RECEIVED];
	b_text(st, 1, sensor);
	b_text(st, 2, uid);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
	int rv = step(s, st, "cannot record a message");
	if (rv)
		return rv;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int store_is_wal(struct store *s)
{
	if (!s)
		return SIMSWEEP_EINVAL;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(s, rc, "cannot read the journal mode");
	int wal = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *m = sqlite3_column_text(st, 0);
		wal = m && !strcmp((const char *)m, "wal");
	}
	sqlite3_finalize(st);
	return wal;
}

static const struct {
	const char *what;
	const char *sql; /* with the filters appended */
	const char *utc_col;
	const char *order;
} queries[] = {
    {"alerts", "SELECT * FROM alerts", "utc_ns", " ORDER BY session, alert_id"},
    {"emitters", "SELECT * FROM emitters", NULL, " ORDER BY session, emitter_id"},
    {"bursts", "SELECT * FROM bursts", "utc_ns", " ORDER BY session, id"},
    {"clusters", "SELECT * FROM clusters", "utc_ns", " ORDER BY session, id"},
    {"coverage", "SELECT * FROM coverage", NULL, " ORDER BY session, id"},
    {"sessions", "SELECT * FROM sessions", NULL, " ORDER BY id"},
};

static void row_json(sqlite3_stmt *st, FILE *out)
{
	int n = sqlite3_column_count(st);
	putc('{', out);
	for (int i = 0; i < n; i++) {
		if (i)
			putc(',', out);
		jsonl_write_string(out, sqlite3_column_name(st, i));
		putc(':', out);
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			fprintf(out, "%lld", (long long)sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT: fprintf(out, "%.17g", sqlite3_column_double(st, i)); break;
		case SQLITE_TEXT:
			jsonl_write_string(out, (const char *)sqlite3_column_text(st, i));
			break;
		default: fputs("null", out);
		}
	}
	fputs("}\n", out);
}

long store_query(struct store *s, const struct store_query *q, FILE *out)
{
	if (!s || !q || !q->what || !out)
		return SIMSWEEP_EINVAL;
	size_t k = 0, nq = sizeof(queries) / sizeof(queries[0]);
	while (k < nq && strcmp(queries[k].what, q->what) != 0)
		k++;
	if (k == nq) {
		snprintf(s->msg, sizeof(s->msg), "%s: unknown question '%s'", s->path, q->what);
		return SIMSWEEP_EINVAL;
	}
	int is_sessions = !strcmp(q->what, "sessions");
	const char *sess_col = is_sessions ? "id" : "session";
	char sql[512];
	int len = snprintf(sql, sizeof(sql), "%s WHERE 1", queries[k].sql);
	if (q->session > 0)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, " AND %s = %lld", sess_col,
		                (long long)q->session);
	else if (q->session < 0)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len,
		                " AND %s = (SELECT MAX(id) FROM sessions)", sess_col);
	if (q->range == 1 && queries[k].utc_col)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, " AND %s BETWEEN ?1 AND ?2",
		                queries[k].utc_col);
	else if (q->range == 2 && !is_sessions)
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, " AND t_s BETWEEN ?1 AND ?2");
	snprintf(sql + len, sizeof(sql) - (size_t)len, "%s", queries[k].order);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(s, rc, "cannot query");
	if (q->range == 1 && queries[k].utc_col) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)q->from);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)q->to);
	} else if (q->range == 2 && !is_sessions) {
		sqlite3_bind_double(st, 1, q->from);
		sqlite3_bind_double(st, 2, q->to);
	}
	long rows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_json(st, out);
		rows++;
	}
	long rv = rc == SQLITE_DONE ? rows : db_fail(s, rc, "cannot query");
	sqlite3_finalize(st);
	return rv;
}
