/* test_sink_sqlite.c - the event store: reopened by another connection it
 * is in WAL mode and holds exactly what was written (session details,
 * bursts, clusters, one row per emitter however often it was updated,
 * alerts, coverage); an alert is visible to another reader as soon as the
 * write returns; queries by time range; duplicates recognised; a file that
 * is not a store is refused, naming it. */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/sink.h"
#include "simsweep/store.h"

static char dir[256];

static long long scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int text_is(sqlite3 *db, const char *sql, const char *want)
{
	sqlite3_stmt *st;
	int ok = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		ok = t && !strcmp((const char *)t, want);
	}
	sqlite3_finalize(st);
	return ok;
}

static long count_lines(FILE *f)
{
	rewind(f);
	long n = 0;
	int c;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	return n;
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/simsweep-sqlite-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	char path[512];
	snprintf(path, sizeof(path), "%s/site.db", dir);

	struct sink_options o;
	sink_options_default(&o);
	o.format = SINK_FORMAT_NONE;
	o.db_path = path;
	o.session = (struct sink_session){.operator_name = "A. Tester",
	                                  .location = "car park B",
	                                  .vehicle = "WX-123",
	                                  .antenna = "whip",
	                                  .gain_db = 40.2,
	                                  .notes = "note, with 'quotes'",
	                                  .sensor = "van1"};
	struct sink_list *l;
	char err[512];
	CHECK(sink_list_open(&o, &l, err, sizeof(err)) == 0);
	const int n_bursts = 25;
	for (int i = 0; i < n_bursts; i++) {
		struct burst b = {
		    .type = BURST_TYPE_BURST,
		    .sample = 24000 * (uint64_t)i,
		    .n_samples = 1200,
		    .rate_hz = 2.4e6,
		    .start_s = 0.01 * i,
		    .duration_s = 0.0005,
		    .freq_hz = 847.1e6,
		    .freq_offset_hz = 100e3,
		    .bandwidth_hz = 180e3,
		    .power_dbfs = i == 7 ? -INFINITY : -20,
		    .snr_db = 20,
		    .noise_dbfs = -40,
		    .utc_ns = 1714564800000000000ll + 10000000ll * i,
		    .class_id = "nb-iot",
		};
		CHECK(sink_list_write_burst(l, &b, "rec.cu8") == 0);
	}
	struct tracker_event cl = {.type = TRACKER_EVENT_CLUSTER,
	                           .t_s = 0,
	                           .utc_ns = 1714564800000000000ll,
	                           .cluster_id = 1,
	                           .emitter_id = 1,
	                           .class_id = "nb-iot",
	                           .freq_hz = 847.1e6,
	                           .n_bursts = 25,
	                           .end_s = 0.25,
	                           .duration_s = 0.25,
	                           .band = 20,
	                           .uplink = 1,
	                           .file = "rec.cu8"};
	CHECK(sink_list_write_event(l, &cl) == 0);
	struct tracker_event em = {.type = TRACKER_EVENT_EMITTER,
	                           .emitter_id = 1,
	                           .class_id = "nb-iot",
	                           .freq_hz = 847.1e6,
	                           .n_clusters = 1,
	                           .period_s = NAN,
	                           .jitter_s = NAN,
	                           .utc_ns = SIMSWEEP_UTC_UNKNOWN,
	                           .uplink = 1,
	                           .band = 20};
	CHECK(sink_list_write_event(l, &em) == 0);
	em.n_clusters = 13;
	em.period_s = 1800.2;
	em.jitter_s = 1.1;
	CHECK(sink_list_write_event(l, &em) == 0);
	struct tracker_event al = {.type = TRACKER_EVENT_ALERT,
	                           .alert_id = 1,
	                           .emitter_id = 1,
	                           .cluster_id = 1,
	                           .severity = "high",
	                           .reason = "unexpected",
	                           .class_id = "nb-iot",
	                           .freq_hz = 847.1e6,
	                           .power_dbfs = -20,
	                           .utc_ns = 1714564800000000000ll,
	                           .period_s = NAN,
	                           .jitter_s = NAN,
	                           .uplink = 1,
	                           .band = 20};
	CHECK(sink_list_write_event(l, &al) == 0);

	/* committed before anyone announces it: another connection sees it now */
	sqlite3 *db;
	CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	CHECK_EQ_INT(scalar(db, "SELECT COUNT(*) FROM alerts"), 1);
	CHECK_EQ_INT(scalar(db, "SELECT COUNT(*) FROM bursts"), n_bursts);
	sqlite3_close(db);

	struct tracker_event stv = {.type = TRACKER_EVENT_STATUS,
	                            .message = "analysed",
	                            .file = "rec.cu8",
	                            .freq_low_hz = 845.8e6,
	                            .freq_high_hz = 848.2e6,
	                            .covered_s = 12.5,
	                            .utc_ns = SIMSWEEP_UTC_UNKNOWN};
	CHECK(sink_list_write_event(l, &stv) == 0);
	CHECK(sink_list_close(l) == 0);

	/* reopened by plain SQLite */
	CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	CHECK(text_is(db, "PRAGMA journal_mode", "wal"));
	CHECK_EQ_INT(scalar(db, "SELECT COUNT(*) FROM sessions"), 1);
	CHECK(text_is(db, "SELECT operator FROM sessions", "A. Tester"));
	CHECK(text_is(db, "SELECT vehicle FROM sessions", "WX-123"));
	CHECK(text_is(db, "SELECT notes FROM sessions", "note, with 'quotes'"));
	CHECK(text_is(db, "SELECT sensor FROM sessions", "van1"));
	CHECK_EQ_INT(scalar(db, "SELECT COUNT(*) FROM bursts"), n_bursts);
	CHECK_EQ_INT(scalar(db, "SELECT COUNT(*) FROM bursts WHERE power_dbfs IS NULL"), 1);
	CHECK_EQ_INT(
	    scalar(db, "SELECT COUNT(*) FROM bursts WHERE band = 'B20' AND link = 'uplink'"),
	    n_bursts);
	CHECK_EQ_INT(
	    scalar(db, "SELECT COUNT(*) FROM bursts WHERE time LIKE '2024-05-01T12:00:00.%Z'"),
	    n_bursts);
	CHECK_EQ_INT(scalar(db, "SELECT COUNT(*) FROM clusters WHERE bursts = 25"), 1);
	CHECK_EQ_INT(scalar(db, "SELECT COUNT(*) FROM emitters"), 1);
	CHECK_EQ_INT(scalar(db, "SELECT clusters FROM emitters"), 13);
	CHECK_EQ_INT(scalar(db, "SELECT CAST(period_s * 10 AS INTEGER) FROM emitters"), 18002);
	CHECK(text_is(db, "SELECT severity FROM alerts", "high"));
	CHECK_EQ_INT(scalar(db, "SELECT COUNT(*) FROM coverage WHERE covered_s = 12.5"), 1);
	sqlite3_close(db);

	/* the questions of `simsweep db` */
	struct store *st;
	CHECK(store_open(path, &st, err, sizeof(err)) == 0);
	CHECK(store_is_wal(st) == 1);
	FILE *f = tmpfile();
	struct store_query q = {.what = "bursts", .range = 2, .from = 0.045, .to = 0.105};
	CHECK_EQ_INT(store_query(st, &q, f), 6); /* 0.05 .. 0.10 */
	CHECK_EQ_INT(count_lines(f), 6);
	q = (struct store_query){.what = "bursts",
	                         .range = 1,
	                         .from = 1714564800000000000.0,
	                         .to = 1714564800000000000.0 + 45e6};
	CHECK_EQ_INT(store_query(st, &q, f), 5);
	q = (struct store_query){.what = "alerts", .session = -1};
	CHECK_EQ_INT(store_query(st, &q, f), 1);
	q = (struct store_query){.what = "emitters", .session = 99};
	CHECK_EQ_INT(store_query(st, &q, f), 0);
	q = (struct store_query){.what = "drop table"};
	CHECK(store_query(st, &q, f) == SIMSWEEP_EINVAL);
	fclose(f);
	/* de-duplication of received messages */
	CHECK_EQ_INT(store_received(st, "van1", "s1", 5), 1);
	CHECK_EQ_INT(store_received(st, "van1", "s1", 5), 0);
	CHECK_EQ_INT(store_received(st, "van2", "s1", 5), 1);
	/* a second session of the same sensor is another row */
	int64_t sid1, sid2, sid3;
	CHECK(store_session(st, NULL, "van1", "u1", SIMSWEEP_UTC_UNKNOWN, &sid1) == 0);
	CHECK(store_session(st, NULL, "van1", "u2", SIMSWEEP_UTC_UNKNOWN, &sid2) == 0);
	CHECK(store_session(st, NULL, "van1", "u1", SIMSWEEP_UTC_UNKNOWN, &sid3) == 0);
	CHECK(sid1 != sid2 && sid1 == sid3);
	store_close(st);

	/* not a store */
	char bad[512];
	snprintf(bad, sizeof(bad), "%s/not.db", dir);
	FILE *b = fopen(bad, "w");
	fputs("this is not a database, not even a little bit; "
	      "0123456789012345678901234567890123456789"
	      "0123456789012345678901234567890123456789",
	      b);
	fclose(b);
	CHECK(store_open(bad, &st, err, sizeof(err)) != 0);
	CHECK(strstr(err, "not.db") != NULL);
	o.db_path = "/nonexistent-dir/x.db";
	CHECK(sink_list_open(&o, &l, err, sizeof(err)) != 0);
	CHECK(strstr(err, "/nonexistent-dir/x.db") != NULL);

	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done("sink_sqlite");
}
