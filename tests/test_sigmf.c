/* test_sigmf.c - SigMF pairs: every supported datatype, either file name,
 * multi-capture recordings with retunes (no block straddles a segment),
 * options over metadata, truncated and empty data, and one test per bad
 * metadata field. */
#include <complex.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "simsweep/error.h"
#include "simsweep/source.h"
#include "simsweep/units.h"

#define NS_PER_S 1000000000LL

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char buf[4][512];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
	return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(len == 0 || fwrite(data, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlink(tmp_path(e->d_name));
	closedir(d);
	CHECK(rmdir(tmpdir) == 0);
}

/* Write base.sigmf-meta (unless meta is NULL) and base.sigmf-data with
 * `samples` samples of `size` bytes plus `extra` bytes (unless data_len
 * is (size_t)-1). Returns the meta path. */
static const char *write_pair(const char *base, const char *meta, const void *data, size_t data_len)
{
	char name[128];
	snprintf(name, sizeof name, "%s.sigmf-data", base);
	unlink(tmp_path(name));
	if (data)
		write_file(tmp_path(name), data, data_len);
	snprintf(name, sizeof name, "%s.sigmf-meta", base);
	unlink(tmp_path(name));
	if (meta)
		write_file(tmp_path(name), meta, strlen(meta));
	return tmp_path(name);
}

static int open_path(const char *path, struct source **s, char *err, size_t len)
{
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	*s = NULL;
	return source_open(&cfg, s, err, len);
}

/* Expect open to fail with code and a message containing `part`. */
static void expect_fail(const char *what, const char *meta, size_t data_len, int code,
                        const char *part)
{
	static uint8_t zeros[4096];
	const char *path = write_pair("bad", meta, zeros, data_len);
	struct source *s;
	char err[256] = "";
	int rc = open_path(path, &s, err, sizeof err);
	CHECK_EQ_INT(rc, code);
	CHECK(s == NULL);
	CHECK(strstr(err, part) != NULL);
	if (rc != code || !strstr(err, part))
		fprintf(stderr, "  ... %s: got %d \"%s\", want %d \"...%s...\"\n", what, rc, err,
		        code, part);
	source_close(s);
}

/* Every supported datatype: scaling, clip count, metadata. */
static void test_datatypes(void)
{
	static const struct {
		const char *datatype;
		enum sample_format format;
		uint8_t bytes[16]; /* two samples */
		size_t len;
		float want[4];
		uint64_t clipped;
	} cases[] = {
	    {"cu8",
	     SAMPLE_FORMAT_CU8,
	     {0, 255, 127, 128},
	     4,
	     {-1.0f, 1.0f, -0.5f / 127.5f, 0.5f / 127.5f},
	     1},
	    {"ci8",
	     SAMPLE_FORMAT_CS8,
	     {0x80, 0x40, 0x01, 0xff},
	     4,
	     {-1.0f, 0.5f, 1.0f / 128, -1.0f / 128},
	     1},
	    {"ci16_le",
	     SAMPLE_FORMAT_CS16,
	     {0x00, 0x40, 0xff, 0x7f, 0x01, 0x00, 0x00, 0xc0},
	     8,
	     {0.5f, 32767.0f / 32768, 1.0f / 32768, -0.5f},
	     1},
	    {"cf32_le",
	     SAMPLE_FORMAT_CF32,
	     {0, 0, 0x80, 0x3f, 0, 0, 0x80, 0xbe, 0, 0, 0, 0x40, 0, 0, 0, 0},
	     16,
	     {1.0f, -0.25f, 2.0f, 0.0f},
	     0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char meta[512];
		snprintf(meta, sizeof meta,
		         "{\"global\": {\"core:datatype\": \"%s\", \"core:sample_rate\": 1920000,"
		         " \"core:version\": \"1.0.0\"},"
		         " \"captures\": [{\"core:sample_start\": 0, \"core:frequency\": 1815e6,"
		         " \"core:datetime\": \"2023-11-10T10:11:12.5Z\"}],"
		         " \"annotations\": []}",
		         cases[i].datatype);
		const char *path = write_pair("types", meta, cases[i].bytes, cases[i].len);
		struct source *s;
		char err[256];
		CHECK_EQ_INT(open_path(path, &s, err, sizeof err), 0);
		if (!s) {
			fprintf(stderr, "  ... %s: %s\n", cases[i].datatype, err);
			continue;
		}
		const struct source_info *info = source_info(s);
		CHECK(strcmp(info->kind, "sigmf") == 0);
		CHECK_EQ_INT(info->format, cases[i].format);
		CHECK(info->rate_hz == 1.92e6);
		CHECK(info->freq_hz == 1815e6);
		CHECK_EQ_INT(info->start_utc_ns, 1699611072LL * NS_PER_S + NS_PER_S / 2);
		CHECK_EQ_INT(info->total_samples, 2);
		CHECK(strstr(info->data_path, "types.sigmf-data") != NULL);
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(b.n, 2);
		CHECK_EQ_INT(b.sample_index, 0);
		CHECK_EQ_INT(b.segment, 0);
		CHECK(b.freq_hz == 1815e6);
		CHECK(b.rate_hz == 1.92e6);
		CHECK_EQ_INT(b.utc_ns, info->start_utc_ns);
		CHECK_EQ_INT(b.clipped, cases[i].clipped);
		CHECK_NEAR(crealf(b.iq[0]), cases[i].want[0], 1e-7);
		CHECK_NEAR(cimagf(b.iq[0]), cases[i].want[1], 1e-7);
		CHECK_NEAR(crealf(b.iq[1]), cases[i].want[2], 1e-7);
		CHECK_NEAR(cimagf(b.iq[1]), cases[i].want[3], 1e-7);
		CHECK_EQ_INT(source_read(s, &b), 0);
		source_close(s);
	}
}

/* Either file of the pair, or the base name with .sigmf, opens the pair. */
static void test_names(void)
{
	const char *meta = "{\"global\": {\"core:datatype\": \"ci8\", \"core:sample_rate\": 1e6},"
	                   " \"captures\": [{}]}";
	uint8_t data[20] = {0};
	write_pair("pair", meta, data, sizeof data);
	const char *names[] = {"pair.sigmf-meta", "pair.sigmf-data", "pair.sigmf",
	                       "pair.SIGMF-META"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct source *s;
		char err[256];
		const char *path = tmp_path(names[i]);
		int rc = open_path(path, &s, err, sizeof err);
		if (i == 3) {
			/* Upper case: the partner name is the standard lower-case one. */
			CHECK_EQ_INT(rc, SIMSWEEP_ENOENT);
			continue;
		}
		CHECK_EQ_INT(rc, 0);
		if (!s)
			continue;
		CHECK_EQ_INT(source_info(s)->total_samples, 10);
		CHECK(strcmp(source_info(s)->data_path, tmp_path("pair.sigmf-data")) == 0);
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(b.n, 10);
		CHECK(isnan(b.freq_hz));
		CHECK_EQ_INT(b.utc_ns, SIMSWEEP_UTC_UNKNOWN);
		source_close(s);
	}

	/* Missing halves. */
	struct source *s;
	char err[256];
	write_pair("nodata", meta, NULL, 0);
	CHECK_EQ_INT(open_path(tmp_path("nodata.sigmf-meta"), &s, err, sizeof err),
	             SIMSWEEP_ENOENT);
	CHECK(strstr(err, "data file") && strstr(err, "nodata.sigmf-data"));
	write_pair("nometa", NULL, data, sizeof data);
	CHECK_EQ_INT(open_path(tmp_path("nometa.sigmf-data"), &s, err, sizeof err),
	             SIMSWEEP_ENOENT);
	CHECK(strstr(err, "metadata file") && strstr(err, "nometa.sigmf-meta"));
	CHECK_EQ_INT(open_path(tmp_path("neither.sigmf"), &s, err, sizeof err), SIMSWEEP_ENOENT);

	/* A .sigmf archive (a tar file) is recognised and refused. */
	write_file(tmp_path("archive.sigmf"), data, sizeof data);
	CHECK_EQ_INT(open_path(tmp_path("archive.sigmf"), &s, err, sizeof err),
	             SIMSWEEP_EUNSUPPORTED);
	CHECK(strstr(err, "archive") != NULL);
}

/* Three captures: a retune, a segment without datetime (time carried on
 * from the previous one), and a later one with its own datetime after a
 * gap. Blocks stop at every boundary. */
static void test_segments(void)
{
	const size_t total = 4000;
	const uint64_t starts[] = {0, 1000, 2500};
	const char *meta =
	    "{\"global\": {\"core:datatype\": \"cu8\", \"core:sample_rate\": 2.4e6},"
	    " \"captures\": ["
	    "  {\"core:sample_start\": 0, \"core:frequency\": 847e6,"
	    "   \"core:datetime\": \"2023-11-10T10:11:12Z\"},"
	    "  {\"core:sample_start\": 1000, \"core:frequency\": 850e6},"
	    "  {\"core:sample_start\": 2500, \"core:datetime\": \"2023-11-10T11:00:00.000001Z\"}"
	    " ]}";
	uint8_t *data = malloc(total * 2);
	CHECK(data != NULL);
	if (!data)
		return;
	for (size_t k = 0; k < total * 2; k++)
		data[k] = (uint8_t)(k / 2 % 251 + 2); /* never at a rail */
	data[2 * 999] = 0;                            /* last sample of segment 0 clipped */
	data[2 * 1000 + 1] = 255;                     /* first of segment 1 */
	const char *path = write_pair("retune", meta, data, total * 2);
	free(data);

	int64_t t0, t2;
	CHECK_EQ_INT(units_parse_utc("2023-11-10T10:11:12Z", &t0), 0);
	CHECK_EQ_INT(units_parse_utc("2023-11-10T11:00:00.000001Z", &t2), 0);
	/* Segment 1 has no datetime: its time runs on from segment 0's. */
	const int64_t anchor_utc[] = {t0, t0, t2};
	const uint64_t anchor_index[] = {0, 0, 2500};
	const double seg_freq[] = {847e6, 850e6, NAN};

	static const size_t blocks[] = {1, 7, 768, 1000, 65536};
	for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
		struct source_config cfg;
		source_config_default(&cfg);
		cfg.path = path;
		cfg.block_samples = blocks[bi];
		struct source *s = NULL;
		char err[256];
		CHECK_EQ_INT(source_open(&cfg, &s, err, sizeof err), 0);
		if (!s) {
			fprintf(stderr, "  ... %s\n", err);
			continue;
		}
		CHECK(source_info(s)->freq_hz == 847e6);
		CHECK_EQ_INT(source_info(s)->start_utc_ns, t0);
		struct block b;
		uint64_t next = 0, clipped = 0;
		uint32_t last_seg = 0;
		int rc, straddle = 0, wrong = 0, order = 0;
		size_t n_blocks = 0;
		while ((rc = source_read(s, &b)) == 1) {
			n_blocks++;
			clipped += b.clipped;
			if (b.sample_index != next)
				order++;
			next = b.sample_index + b.n;
			uint32_t seg =
			    b.sample_index >= starts[2] ? 2 : b.sample_index >= starts[1];
			uint64_t seg_end = seg < 2 ? starts[seg + 1] : total;
			if (b.sample_index + b.n > seg_end)
				straddle++;
			if (b.segment != seg || b.segment < last_seg)
				wrong++;
			last_seg = b.segment;
			if (isnan(seg_freq[seg]) ? !isnan(b.freq_hz) : b.freq_hz != seg_freq[seg])
				wrong++;
			/* 2.4 MS/s: 1250/3 ns per sample, exactly. */
			uint64_t off = b.sample_index - anchor_index[seg];
			int64_t want = anchor_utc[seg] + (int64_t)((off * 2500 + 3) / 6);
			if (b.utc_ns != want)
				wrong++;
			if (b.rate_hz != 2.4e6)
				wrong++;
		}
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(next, total);
		CHECK_EQ_INT(order, 0);
		CHECK_EQ_INT(straddle, 0);
		CHECK_EQ_INT(wrong, 0);
		CHECK_EQ_INT(clipped, 2);
		CHECK_EQ_INT(last_seg, 2);
		/* Each segment is cut separately into blocks. */
		size_t want_blocks = 0;
		for (int k = 0; k < 3; k++) {
			uint64_t len = (k < 2 ? starts[k + 1] : total) - starts[k];
			want_blocks += (len + blocks[bi] - 1) / blocks[bi];
		}
		CHECK_EQ_INT(n_blocks, want_blocks);
		source_close(s);
	}

	/* Options override: one frequency, and time by sample count from the
	 * given start (capture datetimes ignored). */
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	cfg.block_samples = 1000;
	cfg.freq_hz = 900e6;
	cfg.start_utc_ns = 0;
	cfg.rate_hz = 1e6;
	struct source *s = NULL;
	CHECK_EQ_INT(source_open(&cfg, &s, NULL, 0), 0);
	if (s) {
		CHECK(source_info(s)->rate_hz == 1e6);
		struct block b;
		int wrong = 0;
		while (source_read(s, &b) == 1) {
			if (b.freq_hz != 900e6 || b.rate_hz != 1e6)
				wrong++;
			if (b.utc_ns != (int64_t)b.sample_index * 1000)
				wrong++;
		}
		CHECK_EQ_INT(wrong, 0);
		CHECK_EQ_INT(b.segment, 2); /* segments still counted */
		source_close(s);
	}

	/* Samples before the first capture are skipped; sample_index stays
	 * the index in the data file. */
	const char *late =
	    "{\"global\": {\"core:datatype\": \"ci16_le\", \"core:sample_rate\": 1e3},"
	    " \"captures\": [{\"core:sample_start\": 5,"
	    "  \"core:datetime\": \"1970-01-01T00:00:01Z\"}]}";
	int16_t v[2 * 12];
	for (int k = 0; k < 24; k++)
		v[k] = (int16_t)(k * 100);
	path = write_pair("late", late, v, sizeof v);
	s = NULL;
	CHECK_EQ_INT(open_path(path, &s, NULL, 0), 0);
	if (s) {
		CHECK_EQ_INT(source_info(s)->total_samples, 12);
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(b.sample_index, 5);
		CHECK_EQ_INT(b.n, 7);
		CHECK_EQ_INT(b.utc_ns, NS_PER_S);
		CHECK_NEAR(crealf(b.iq[0]), 1000.0 / 32768, 1e-9);
		CHECK_EQ_INT(source_read(s, &b), 0);
		source_close(s);
	}
}

/* Data that ends inside a sample, and empty data. */
static void test_data_edges(void)
{
	const char *meta =
	    "{\"global\": {\"core:datatype\": \"cf32_le\", \"core:sample_rate\": 1e6},"
	    " \"captures\": [{\"core:sample_start\": 0}]}";
	float v[2 * 5 + 1];
	for (int k = 0; k < 11; k++)
		v[k] = (float)k / 16;
	const char *path = write_pair("trunc", meta, v, 5 * 8 + 3);
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	cfg.block_samples = 2;
	struct source *s = NULL;
	CHECK_EQ_INT(source_open(&cfg, &s, NULL, 0), 0);
	if (s) {
		struct block b;
		uint64_t got = 0;
		int rc;
		while ((rc = source_read(s, &b)) == 1)
			got += b.n;
		CHECK_EQ_INT(got, 5);
		CHECK_EQ_INT(rc, SIMSWEEP_ETRUNC);
		CHECK(strcmp(source_errmsg(s), "truncated: 3 bytes after the last whole sample") ==
		      0);
		source_close(s);
	}
	path = write_pair("empty", meta, "", 0);
	CHECK_EQ_INT(open_path(path, &s, NULL, 0), 0);
	if (s) {
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), SIMSWEEP_EEMPTY);
		CHECK(strstr(source_errmsg(s), "no samples") != NULL);
		source_close(s);
	}
	/* No captures at all: one segment from 0. */
	path = write_pair("nocap",
	                  "{\"global\": {\"core:datatype\": \"cu8\", \"core:sample_rate\": 1e6}}",
	                  "\x01\x02\x03\x04", 4);
	CHECK_EQ_INT(open_path(path, &s, NULL, 0), 0);
	if (s) {
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(b.n, 2);
		source_close(s);
	}
	/* The rate may come from the option alone. */
	path = write_pair("norate", "{\"global\": {\"core:datatype\": \"cu8\"}}", "\x01\x02", 2);
	cfg.path = path;
	cfg.rate_hz = 2e6;
	CHECK_EQ_INT(source_open(&cfg, &s, NULL, 0), 0);
	if (s)
		CHECK(source_info(s)->rate_hz == 2e6);
	source_close(s);
	/* An explicit format wins over core:datatype. */
	cfg.format = SAMPLE_FORMAT_CS16;
	CHECK_EQ_INT(source_open(&cfg, &s, NULL, 0), 0);
	if (s)
		CHECK_EQ_INT(source_info(s)->format, SAMPLE_FORMAT_CS16);
	source_close(s);
}

#define G_OK "\"core:datatype\": \"cu8\", \"core:sample_rate\": 1e6"

static void test_bad_metadata(void)
{
	/* The JSON itself. */
	expect_fail("not JSON", "this is not json", 8, SIMSWEEP_EFORMAT, "not valid JSON");
	expect_fail("broken JSON", "{\"global\": {\n  \"core:datatype\": \"cu8\",\n  oops}}", 8,
	            SIMSWEEP_EFORMAT, "line 3");
	expect_fail("empty meta", "", 8, SIMSWEEP_EFORMAT, "not valid JSON");
	expect_fail("array", "[1, 2]", 8, SIMSWEEP_EFORMAT, "not a JSON object");
	expect_fail("no global", "{\"captures\": []}", 8, SIMSWEEP_EFORMAT,
	            "global missing in metadata");
	expect_fail("global type", "{\"global\": 3}", 8, SIMSWEEP_EFORMAT,
	            "global in metadata is not an object");

	/* core:datatype. */
	expect_fail("no datatype", "{\"global\": {\"core:sample_rate\": 1e6}}", 8, SIMSWEEP_EFORMAT,
	            "core:datatype missing in global");
	expect_fail("datatype type",
	            "{\"global\": {\"core:datatype\": 8, \"core:sample_rate\": 1}}", 8,
	            SIMSWEEP_EFORMAT, "core:datatype in global is not a string");
	expect_fail("real",
	            "{\"global\": {\"core:datatype\": \"ri16_le\", \"core:sample_rate\": 1}}", 8,
	            SIMSWEEP_EUNSUPPORTED, "real-valued datatype 'ri16_le' is not I/Q");
	expect_fail("big-endian",
	            "{\"global\": {\"core:datatype\": \"ci16_be\", \"core:sample_rate\": 1}}", 8,
	            SIMSWEEP_EUNSUPPORTED, "big-endian datatype 'ci16_be'");
	expect_fail("cf64",
	            "{\"global\": {\"core:datatype\": \"cf64_le\", \"core:sample_rate\": 1}}", 8,
	            SIMSWEEP_EUNSUPPORTED, "datatype 'cf64_le' is not supported");
	expect_fail("junk type", "{\"global\": {\"core:datatype\": \"\", \"core:sample_rate\": 1}}",
	            8, SIMSWEEP_EUNSUPPORTED, "datatype '' is not supported");

	/* core:sample_rate. */
	expect_fail("no rate", "{\"global\": {\"core:datatype\": \"cu8\"}}", 8, SIMSWEEP_EFORMAT,
	            "core:sample_rate missing in global");
	expect_fail("rate type",
	            "{\"global\": {\"core:datatype\": \"cu8\", \"core:sample_rate\": \"2.4M\"}}", 8,
	            SIMSWEEP_EFORMAT, "core:sample_rate in global is not a number");
	static const char *bad_rates[] = {"-1", "0", "1e12", "1e400", "-1e400"};
	for (size_t i = 0; i < sizeof bad_rates / sizeof bad_rates[0]; i++) {
		char meta[256];
		snprintf(meta, sizeof meta,
		         "{\"global\": {\"core:datatype\": \"cu8\", \"core:sample_rate\": %s}}",
		         bad_rates[i]);
		expect_fail(bad_rates[i], meta, 8, SIMSWEEP_EFORMAT, "core:sample_rate");
	}
	expect_fail("version type", "{\"global\": {" G_OK ", \"core:version\": 1}}", 8,
	            SIMSWEEP_EFORMAT, "core:version in global is not a string");

	/* captures. */
	expect_fail("captures type", "{\"global\": {" G_OK "}, \"captures\": {}}", 8,
	            SIMSWEEP_EFORMAT, "captures in metadata is not an array");
	expect_fail("capture type", "{\"global\": {" G_OK "}, \"captures\": [1]}", 8,
	            SIMSWEEP_EFORMAT, "captures[0] is not an object");
	expect_fail("huge sample_start",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:sample_start\": 8e18}]}", 8,
	            SIMSWEEP_EFORMAT, "core:sample_start 8e+18 in captures[0]");
	expect_fail("2^64 sample_start",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:sample_start\": "
	            "18446744073709551616}]}",
	            8, SIMSWEEP_EFORMAT, "core:sample_start");
	expect_fail("negative sample_start",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:sample_start\": -1}]}", 8,
	            SIMSWEEP_EFORMAT, "core:sample_start -1 in captures[0]");
	expect_fail("fractional sample_start",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:sample_start\": 0.5}]}", 8,
	            SIMSWEEP_EFORMAT, "core:sample_start 0.5");
	expect_fail("sample_start type",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:sample_start\": \"0\"}]}", 8,
	            SIMSWEEP_EFORMAT, "core:sample_start in captures[0] is not a number");
	expect_fail("beyond data",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:sample_start\": 0},"
	            " {\"core:sample_start\": 4}]}",
	            8, SIMSWEEP_EFORMAT,
	            "core:sample_start 4 in captures[1] is beyond the end of the data file (4 "
	            "samples)");
	expect_fail("big beyond data",
	            "{\"global\": {" G_OK
	            "}, \"captures\": [{\"core:sample_start\": 4503599627370496}]}",
	            8, SIMSWEEP_EFORMAT, "beyond the end of the data file");
	expect_fail("missing sample_start in many",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:sample_start\": 0}, {}]}", 8,
	            SIMSWEEP_EFORMAT, "core:sample_start missing in captures[1]");
	expect_fail("decreasing",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:sample_start\": 2},"
	            " {\"core:sample_start\": 1}]}",
	            8, SIMSWEEP_EFORMAT, "captures[1] is not after");
	expect_fail("repeated",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:sample_start\": 1},"
	            " {\"core:sample_start\": 1}]}",
	            8, SIMSWEEP_EFORMAT, "captures[1] is not after");
	expect_fail("frequency type",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:frequency\": \"847M\"}]}", 8,
	            SIMSWEEP_EFORMAT, "core:frequency in captures[0] is not a number");
	expect_fail("datetime type",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:datetime\": 1699611072}]}", 8,
	            SIMSWEEP_EFORMAT, "core:datetime in captures[0] is not a string");
	expect_fail("datetime format",
	            "{\"global\": {" G_OK "}, \"captures\": [{\"core:datetime\": \"yesterday\"}]}",
	            8, SIMSWEEP_EFORMAT, "core:datetime 'yesterday' in captures[0]");
	expect_fail("datetime date",
	            "{\"global\": {" G_OK
	            "}, \"captures\": [{\"core:datetime\": \"2023-13-01T00:00:00Z\"}]}",
	            8, SIMSWEEP_EFORMAT, "core:datetime");
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/simsweep-sigmf-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_datatypes();
	test_names();
	test_segments();
	test_data_edges();
	test_bad_metadata();
	remove_tmpdir();
	return check_done("sigmf");
}
