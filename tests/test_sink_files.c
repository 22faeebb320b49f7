/* test_sink_files.c - the file sinks as their readers meet them: CSV parsed
 * back by an RFC 4180 reader gives every burst with its fields (names with
 * commas and quotes intact); a SigMF annotation file is valid JSON with one
 * annotation per burst (and the input's own kept), never written over the
 * input; JSON Lines carry the findings; a failing sink is reported once and
 * the others go on. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "simsweep/block.h"
#include "simsweep/csv.h"
#include "simsweep/error.h"
#include "simsweep/sink.h"

static char dir[256];

static struct burst make_burst(int i)
{
	struct burst b = {
	    .type = i % 5 == 4 ? BURST_TYPE_CARRIER : BURST_TYPE_BURST,
	    .sample = 1000 + 24000 * (uint64_t)i,
	    .n_samples = 1200 + (uint64_t)i,
	    .rate_hz = 2.4e6,
	    .freq_offset_hz = 100e3 * i - 300e3,
	    .bandwidth_hz = 180e3,
	    .power_dbfs = i == 3 ? -INFINITY : -20.0 - i,
	    .snr_db = i == 3 ? -INFINITY : 15.0,
	    .noise_dbfs = -40,
	    .utc_ns = i == 1 ? SIMSWEEP_UTC_UNKNOWN : 1714564800000000000ll + 10000000ll * i,
	    .class_id = i == 2 ? "nb-iot" : NULL,
	    .kind = i == 2 ? "nprach" : NULL,
	};
	b.start_s = (double)b.sample / b.rate_hz;
	b.duration_s = (double)b.n_samples / b.rate_hz;
	b.freq_hz = i == 0 ? NAN : 847e6 + b.freq_offset_hz;
	return b;
}

/* RFC 4180 reader: one record into fields (up to max), in place. Returns
 * the number of fields, or -1 at the end. */
static int csv_record(FILE *f, char fields[][256], int max)
{
	int n = 0, c = fgetc(f);
	if (c == EOF)
		return -1;
	for (;;) {
		char *out = fields[n];
		size_t len = 0;
		if (c == '"') {
			for (;;) {
				c = fgetc(f);
				if (c == '"') {
					c = fgetc(f);
					if (c != '"')
						break;
				}
				if (c == EOF)
					return -1;
				if (len < 255)
					out[len++] = (char)c;
			}
		} else {
			while (c != ',' && c != '\r' && c != '\n' && c != EOF) {
				if (len < 255)
					out[len++] = (char)c;
				c = fgetc(f);
			}
		}
		out[len] = '\0';
		if (n < max - 1)
			n++;
		if (c == ',') {
			c = fgetc(f);
			continue;
		}
		if (c == '\r')
			c = fgetc(f);
		return n; /* c is '\n' or EOF */
	}
}

static void test_csv(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/bursts.csv", dir);
	struct sink_options o;
	sink_options_default(&o);
	o.output = path;
	o.format = SINK_FORMAT_CSV;
	struct sink_list *l;
	CHECK(sink_list_open(&o, &l, NULL, 0) == 0);
	const char *name = "odd, \"name\"_847M_2.4M.cu8";
	for (int i = 0; i < 6; i++) {
		struct burst b = make_burst(i);
		CHECK(sink_list_write_burst(l, &b, name) == 0);
	}
	struct tracker_event ev = {.type = TRACKER_EVENT_STATUS, .message = "x"};
	CHECK(sink_list_write_event(l, &ev) == 0); /* not in CSV */
	CHECK(sink_list_close(l) == 0);

	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	char fields[32][256];
	CHECK_EQ_INT(csv_record(f, fields, 32), CSV_BURST_COLUMNS);
	CHECK(!strcmp(fields[0], "type") && !strcmp(fields[19], "file") &&
	      !strcmp(fields[5], "freq_hz") && !strcmp(fields[16], "lat"));
	for (int i = 0; i < 6; i++) {
		struct burst b = make_burst(i);
		CHECK_EQ_INT(csv_record(f, fields, 32), CSV_BURST_COLUMNS);
		CHECK(!strcmp(fields[0], b.type == BURST_TYPE_CARRIER ? "carrier" : "burst"));
		CHECK_NEAR(atof(fields[1]), b.start_s, 1e-6);
		CHECK_EQ_INT(strtoull(fields[3], NULL, 10), b.sample);
		CHECK_NEAR(atof(fields[5]), isnan(b.freq_hz) ? b.freq_offset_hz : b.freq_hz, 0.1);
		CHECK_NEAR(atof(fields[7]), b.bandwidth_hz, 0.1);
		CHECK(!strcmp(fields[19], name));
		/* no --gps: no position */
		CHECK(fields[16][0] == '\0' && fields[17][0] == '\0' && fields[18][0] == '\0');
		/* unknowns are empty fields */
		CHECK((fields[2][0] == '\0') == (b.utc_ns == SIMSWEEP_UTC_UNKNOWN));
		CHECK((fields[8][0] == '\0') == !isfinite(b.power_dbfs));
		CHECK((fields[14][0] == '\0') == (i == 0)); /* no band without the tuning */
		CHECK(!strcmp(fields[11], i == 2 ? "nb-iot" : "unknown"));
	}
	CHECK_EQ_INT(csv_record(f, fields, 32), -1);
	fclose(f);
}

static cJSON *read_json(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return cJSON_Parse(buf);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void test_sigmf(void)
{
	char meta[512], data[512], out[512];
	snprintf(meta, sizeof(meta), "%s/rec.sigmf-meta", dir);
	snprintf(data, sizeof(data), "%s/rec.sigmf-data", dir);
	snprintf(out, sizeof(out), "%s/rec-annotated.sigmf-meta", dir);
	const char *orig =
	    "{\"global\":{\"core:datatype\":\"cu8\",\"core:sample_rate\":2400000,"
	    "\"core:version\":\"1.0.0\"},\"captures\":[{\"core:sample_start\":0,"
	    "\"core:frequency\":847000000}],\"annotations\":[{\"core:sample_start\":50000,"
	    "\"core:sample_count\":10,\"core:label\":\"mine\"}]}";
	CHECK(write_file(meta, orig) == 0);
	CHECK(write_file(data, "xxxx") == 0);

	struct sink_options o;
	sink_options_default(&o);
	o.format = SINK_FORMAT_NONE;
	o.sigmf_annotate = out;
	struct sink_list *l;
	CHECK(sink_list_open(&o, &l, NULL, 0) == 0);
	struct sink_input in = {.name = "rec.sigmf-meta",
	                        .kind = "sigmf",
	                        .meta_path = meta,
	                        .data_path = data,
	                        .datatype = "cu8",
	                        .rate_hz = 2.4e6,
	                        .freq_hz = 847e6,
	                        .start_utc_ns = SIMSWEEP_UTC_UNKNOWN};
	CHECK(sink_list_begin_input(l, &in) == 0);
	for (int i = 0; i < 6; i++) {
		struct burst b = make_burst(i);
		CHECK(sink_list_write_burst(l, &b, "rec.sigmf-meta") == 0);
	}
	CHECK(sink_list_end_input(l) == 0);
	CHECK(sink_list_close(l) == 0);

	cJSON *j = read_json(out);
	CHECK(cJSON_IsObject(j));
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(j, "annotations");
	CHECK_EQ_INT(cJSON_GetArraySize(ann), 6 + 1);
	double prev = -1;
	int ours = 0, theirs = 0;
	const cJSON *a;
	cJSON_ArrayForEach(a, ann)
	{
		double start =
		    cJSON_GetObjectItemCaseSensitive(a, "core:sample_start")->valuedouble;
		CHECK(start >= prev); /* ordered, as SigMF requires */
		prev = start;
		const cJSON *label = cJSON_GetObjectItemCaseSensitive(a, "core:label");
		CHECK(cJSON_IsString(label));
		if (cJSON_IsString(label) && !strcmp(label->valuestring, "mine")) {
			theirs++;
			continue;
		}
		ours++;
		CHECK(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(a, "core:sample_count")));
		CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(a, "core:comment")));
		const cJSON *lo = cJSON_GetObjectItemCaseSensitive(a, "core:freq_lower_edge");
		const cJSON *hi = cJSON_GetObjectItemCaseSensitive(a, "core:freq_upper_edge");
		if (start > 1000) { /* all but burst 0, whose tuning is unknown */
			CHECK(cJSON_IsNumber(lo) && cJSON_IsNumber(hi));
			if (cJSON_IsNumber(lo) && cJSON_IsNumber(hi))
				CHECK_NEAR(hi->valuedouble - lo->valuedouble, 180e3, 1);
		}
	}
	CHECK_EQ_INT(ours, 6);
	CHECK_EQ_INT(theirs, 1);
	/* the data file is named: the annotated copy's base name differs */
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(j, "global");
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(g, "core:dataset");
	CHECK(cJSON_IsString(ds) && !strcmp(ds->valuestring, "rec.sigmf-data"));
	cJSON_Delete(j);
	/* the input is untouched */
	j = read_json(meta);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "annotations")), 1);
	cJSON_Delete(j);

	/* the input itself as the output: refused, reported once, input intact */
	o.sigmf_annotate = meta;
	int reported = 0;
	CHECK(sink_list_open(&o, &l, NULL, 0) == 0);
	CHECK(sink_list_begin_input(l, &in) != 0);
	struct burst b = make_burst(2);
	CHECK(sink_list_write_burst(l, &b, "x") == SIMSWEEP_EIO); /* its only sink failed */
	CHECK(sink_list_count(l) == 0);
	sink_list_close(l);
	(void)reported;
	j = read_json(meta);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "annotations")), 1);
	cJSON_Delete(j);

	/* a raw recording: a new metadata file describing it */
	snprintf(out, sizeof(out), "%s/raw.sigmf-meta", dir);
	o.sigmf_annotate = out;
	CHECK(sink_list_open(&o, &l, NULL, 0) == 0);
	struct sink_input raw = {.name = "car_847M_2.4M.cu8",
	                         .kind = "raw",
	                         .data_path = "car_847M_2.4M.cu8",
	                         .datatype = sink_sigmf_datatype("cu8"),
	                         .rate_hz = 2.4e6,
	                         .freq_hz = 847e6,
	                         .start_utc_ns = 1714564800000000000ll};
	CHECK(sink_list_begin_input(l, &raw) == 0);
	for (int i = 0; i < 3; i++) {
		b = make_burst(i);
		sink_list_write_burst(l, &b, "x");
	}
	CHECK(sink_list_close(l) == 0); /* close writes what end_input did not */
	j = read_json(out);
	g = cJSON_GetObjectItemCaseSensitive(j, "global");
	CHECK(!strcmp(cJSON_GetObjectItemCaseSensitive(g, "core:datatype")->valuestring, "cu8"));
	CHECK_NEAR(cJSON_GetObjectItemCaseSensitive(g, "core:sample_rate")->valuedouble, 2.4e6, 0);
	CHECK(!strcmp(cJSON_GetObjectItemCaseSensitive(g, "core:dataset")->valuestring,
	              "car_847M_2.4M.cu8"));
	const cJSON *cap = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "captures"), 0);
	CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(cap, "core:datetime")));
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "annotations")), 3);
	cJSON_Delete(j);
	CHECK(sink_sigmf_datatype("cs16") && !strcmp(sink_sigmf_datatype("cs16"), "ci16_le"));
	CHECK(sink_sigmf_datatype("nope") == NULL);

	/* a name that is not .sigmf-meta is refused at open, naming it */
	o.sigmf_annotate = "out.json";
	char err[256];
	CHECK(sink_list_open(&o, &l, err, sizeof(err)) == SIMSWEEP_EINVAL);
	CHECK(strstr(err, "out.json") != NULL);
}

struct errs {
	int n;
	char msg[256];
};

static void on_error(int err, const char *msg, void *ctx)
{
	(void)err;
	struct errs *e = ctx;
	e->n++;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

/* A full disk (/dev/full) on the text stream: reported once, naming it;
 * the SigMF sink still gets every burst. */
static void test_failure_isolation(void)
{
	if (access("/dev/full", W_OK) != 0) {
		fprintf(stderr, "no /dev/full: isolation test skipped\n");
		return;
	}
	char out[512];
	snprintf(out, sizeof(out), "%s/iso.sigmf-meta", dir);
	struct errs e = {0};
	struct sink_options o;
	sink_options_default(&o);
	o.output = "/dev/full";
	o.sigmf_annotate = out;
	o.on_error = on_error;
	o.on_error_ctx = &e;
	struct sink_list *l;
	CHECK(sink_list_open(&o, &l, NULL, 0) == 0);
	struct sink_input raw = {.name = "x.cf32",
	                         .kind = "raw",
	                         .rate_hz = 2.4e6,
	                         .freq_hz = 847e6,
	                         .start_utc_ns = SIMSWEEP_UTC_UNKNOWN};
	CHECK(sink_list_begin_input(l, &raw) == 0);
	int fails = 0;
	for (int i = 0; i < 5; i++) {
		struct burst b = make_burst(i);
		fails += sink_list_write_burst(l, &b, "x.cf32") != 0;
	}
	CHECK_EQ_INT(fails, 1);
	CHECK_EQ_INT(e.n, 1);
	CHECK(strstr(e.msg, "/dev/full") != NULL);
	CHECK(sink_list_count(l) == 1);
	CHECK(sink_list_close(l) == 0);
	CHECK_EQ_INT(e.n, 1);
	cJSON *j = read_json(out);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "annotations")), 5);
	cJSON_Delete(j);
	/* an output that cannot be opened fails at open, naming it */
	o.output = "/nonexistent-dir/x.jsonl";
	char err[256];
	CHECK(sink_list_open(&o, &l, err, sizeof(err)) != 0);
	CHECK(strstr(err, "/nonexistent-dir/x.jsonl") != NULL);
}

/* Findings in JSON Lines: one valid object per line with its keys. */
static void test_jsonl_events(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	struct sink_options o;
	sink_options_default(&o);
	o.output = path;
	struct sink_list *l;
	CHECK(sink_list_open(&o, &l, NULL, 0) == 0);
	struct tracker_event ev[4] = {
	    {.type = TRACKER_EVENT_CLUSTER,
	     .t_s = 60,
	     .utc_ns = 1714564860000000000ll,
	     .cluster_id = 3,
	     .emitter_id = 1,
	     .class_id = "nb-iot",
	     .freq_hz = 847.1e6,
	     .band = 20,
	     .uplink = 1,
	     .n_bursts = 5,
	     .end_s = 62,
	     .duration_s = 2},
	    {.type = TRACKER_EVENT_EMITTER,
	     .t_s = 60,
	     .utc_ns = 1714564860000000000ll,
	     .emitter_id = 1,
	     .class_id = "nb-iot",
	     .freq_hz = 847.1e6,
	     .n_clusters = 13,
	     .period_s = 1800.2,
	     .jitter_s = 1.1,
	     .first_s = 1714564860.0,
	     .last_s = 1714586460.0,
	     .uplink = 1},
	    {.type = TRACKER_EVENT_ALERT,
	     .t_s = 60,
	     .utc_ns = SIMSWEEP_UTC_UNKNOWN,
	     .alert_id = 1,
	     .severity = "high",
	     .reason = "a \"quoted\" reason",
	     .class_id = "nb-iot",
	     .period_s = NAN,
	     .jitter_s = NAN,
	     .uplink = -1},
	    {.type = TRACKER_EVENT_STATUS,
	     .utc_ns = SIMSWEEP_UTC_UNKNOWN,
	     .message = "analysed",
	     .freq_low_hz = 845.8e6,
	     .freq_high_hz = 848.2e6,
	     .covered_s = 0.5},
	};
	for (int i = 0; i < 4; i++)
		CHECK(sink_list_write_event(l, &ev[i]) == 0);
	CHECK(sink_list_close(l) == 0);
	FILE *f = fopen(path, "r");
	char line[4096];
	const char *types[4] = {"cluster", "emitter", "alert", "status"};
	for (int i = 0; i < 4; i++) {
		CHECK(f && fgets(line, sizeof(line), f));
		cJSON *j = cJSON_Parse(line);
		CHECK(cJSON_IsObject(j));
		CHECK(!strcmp(cJSON_GetObjectItemCaseSensitive(j, "type")->valuestring, types[i]));
		CHECK(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "t_s")));
		if (i == 1) {
			CHECK_NEAR(cJSON_GetObjectItemCaseSensitive(j, "period_s")->valuedouble,
			           1800.2, 1e-6);
			CHECK_NEAR(cJSON_GetObjectItemCaseSensitive(j, "jitter_s")->valuedouble,
			           1.1, 1e-6);
			CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "first_time")));
			CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "time")));
		}
		if (i == 2) {
			CHECK(!strcmp(cJSON_GetObjectItemCaseSensitive(j, "reason")->valuestring,
			              "a \"quoted\" reason"));
			CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "period_s")));
			CHECK(!cJSON_GetObjectItemCaseSensitive(j, "time"));
		}
		cJSON_Delete(j);
	}
	if (f)
		fclose(f);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/simsweep-sink-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_csv();
	test_sigmf();
	test_failure_isolation();
	test_jsonl_events();
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done("sink_files");
}
