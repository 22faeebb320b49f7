/* test_raw.c - raw I/Q recordings through the source API: every format, odd
 * lengths and block sizes that do not divide them, truncated tails, empty
 * and missing files, extension rules, name tags and options, time stamps
 * with ns precision over hours, and a pipe standing in for stdin. */
#include <complex.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../capture/source_impl.h"
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
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		const char *p = tmp_path(e->d_name);
		if (unlink(p) != 0)
			rmdir(p);
	}
	closedir(d);
	CHECK(rmdir(tmpdir) == 0);
}

static uint32_t lcg_state;

static uint8_t lcg_byte(void)
{
	lcg_state = lcg_state * 1664525u + 1013904223u;
	return (uint8_t)(lcg_state >> 24);
}

/* n samples of format f (finite floats for cf32), plus `extra` junk bytes. */
static uint8_t *make_samples(enum sample_format f, size_t n, size_t extra, uint32_t seed)
{
	size_t size = sample_format_size(f);
	uint8_t *b = malloc(n * size + extra + 1);
	if (!b)
		return NULL;
	lcg_state = seed;
	for (size_t k = 0; k < n * size + extra; k++)
		b[k] = lcg_byte();
	if (f == SAMPLE_FORMAT_CF32)
		for (size_t k = 0; k < 2 * n; k++) {
			float v = ((float)(lcg_byte() % 200) - 100.0f) / 64.0f;
			memcpy(b + 4 * k, &v, 4); /* test hosts are little-endian */
		}
	return b;
}

/* Everything a whole read of a source gives. */
struct readall {
	int rc;       /* the first result that was not 1 */
	int rc_again; /* the result of one more read after it */
	size_t blocks;
	uint64_t samples;
	uint64_t clipped;
	float complex *iq; /* all samples, in order */
	int continuous;    /* sample_index follows on and nothing is dropped */
	int full_blocks;   /* every block but the last has block_samples */
	int time_ok;       /* utc_ns = start + index / rate, to the ns */
	char errmsg[SOURCE_ERRMSG_LEN];
};

static void read_all(struct source *s, size_t block_samples, uint64_t cap, struct readall *r)
{
	memset(r, 0, sizeof *r);
	r->continuous = r->full_blocks = r->time_ok = 1;
	r->iq = malloc((cap ? cap : 1) * sizeof *r->iq);
	const struct source_info *info = source_info(s);
	struct block b;
	size_t last_n = block_samples;
	int rc;
	while ((rc = source_read(s, &b)) == 1) {
		if (b.sample_index != r->samples || b.dropped != 0)
			r->continuous = 0;
		if (last_n != block_samples || b.n < 1 || b.n > block_samples)
			r->full_blocks = 0;
		if (b.utc_ns != source_utc_at(info->start_utc_ns, b.sample_index, b.rate_hz))
			r->time_ok = 0;
		if (r->iq && r->samples + b.n <= cap)
			memcpy(r->iq + r->samples, b.iq, b.n * sizeof *b.iq);
		last_n = b.n;
		r->samples += b.n;
		r->clipped += b.clipped;
		r->blocks++;
	}
	r->rc = rc;
	snprintf(r->errmsg, sizeof r->errmsg, "%s", source_errmsg(s));
	r->rc_again = source_read(s, &b);
}

static struct source *open_ok(const struct source_config *cfg)
{
	struct source *s = NULL;
	char err[256] = "unset";
	int rc = source_open(cfg, &s, err, sizeof err);
	CHECK_EQ_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "  ... open %s: %s\n", cfg->path, err);
	else
		CHECK(err[0] == '\0');
	return s;
}

static int open_fails(const struct source_config *cfg, char *err, size_t len)
{
	struct source *s = (struct source *)&s; /* must be reset to NULL */
	int rc = source_open(cfg, &s, err, len);
	CHECK(rc < 0);
	CHECK(s == NULL);
	if (rc >= 0)
		source_close(s);
	return rc;
}

/* Every format, odd lengths, block sizes that do not divide the file. */
static void test_formats(void)
{
	static const size_t lengths[] = {1, 7, 4095, 10000};
	static const size_t blocks[] = {1, 7, 64, 4096, 65536};
	static const char *ext[] = {NULL, "cu8", "cs8", "cs16", "cf32"};
	for (int f = SAMPLE_FORMAT_CU8; f <= SAMPLE_FORMAT_CF32; f++) {
		for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
			size_t n = lengths[li];
			size_t size = sample_format_size((enum sample_format)f);
			uint8_t *data =
			    make_samples((enum sample_format)f, n, 0, (uint32_t)(n * 7 + f));
			float complex *want = malloc(n * sizeof *want);
			CHECK(data && want);
			if (!data || !want) {
				free(data);
				free(want);
				continue;
			}
			uint64_t want_clipped = convert_to_cf((enum sample_format)f, data, want, n);
			char name[64];
			snprintf(name, sizeof name, "rec_2.4M.%s", ext[f]);
			const char *path = tmp_path(name);
			write_file(path, data, n * size);

			for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
				if (blocks[bi] > 4 * n && blocks[bi] != 65536)
					continue;
				struct source_config cfg;
				source_config_default(&cfg);
				cfg.path = path;
				cfg.block_samples = blocks[bi];
				struct source *s = open_ok(&cfg);
				if (!s)
					continue;
				const struct source_info *info = source_info(s);
				CHECK(strcmp(info->kind, "raw") == 0);
				CHECK_EQ_INT(info->format, f);
				CHECK(info->rate_hz == 2.4e6);
				CHECK(isnan(info->freq_hz));
				CHECK_EQ_INT(info->start_utc_ns, SIMSWEEP_UTC_UNKNOWN);
				CHECK_EQ_INT(info->total_samples, n);
				CHECK(strcmp(info->data_path, path) == 0);
				struct readall r;
				read_all(s, blocks[bi], n, &r);
				CHECK_EQ_INT(r.rc, 0);
				CHECK_EQ_INT(r.rc_again, 0);
				CHECK_EQ_INT(r.samples, n);
				CHECK_EQ_INT(r.blocks, (n + blocks[bi] - 1) / blocks[bi]);
				CHECK_EQ_INT(r.clipped, want_clipped);
				CHECK(r.continuous);
				CHECK(r.full_blocks);
				CHECK(r.time_ok);
				CHECK(r.iq && memcmp(r.iq, want, n * sizeof *want) == 0);
				free(r.iq);
				source_close(s);
			}
			free(data);
			free(want);
		}
	}
}

/* The block's own fields: rate, frequency, gain, segment. */
static void test_block_fields(void)
{
	uint8_t data[2 * 100];
	memset(data, 128, sizeof data);
	data[10] = 255; /* sample 5 at the rail */
	const char *path = tmp_path("g001_868.3M_1000k.cu8");
	write_file(path, data, sizeof data);
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	cfg.block_samples = 64;
	struct source *s = open_ok(&cfg);
	if (!s)
		return;
	const struct source_info *info = source_info(s);
	CHECK(info->rate_hz == 1e6);
	CHECK_NEAR(info->freq_hz, 868.3e6, 1e-3);
	struct block b;
	CHECK_EQ_INT(source_read(s, &b), 1);
	CHECK_EQ_INT(b.n, 64);
	CHECK_EQ_INT(b.sample_index, 0);
	CHECK(b.rate_hz == 1e6);
	CHECK_NEAR(b.freq_hz, 868.3e6, 1e-3);
	CHECK(isnan(b.gain_db));
	CHECK_EQ_INT(b.utc_ns, SIMSWEEP_UTC_UNKNOWN);
	CHECK_EQ_INT(b.clipped, 1);
	CHECK_EQ_INT(b.segment, 0);
	CHECK_EQ_INT(b.dropped, 0);
	CHECK(crealf(b.iq[5]) == 1.0f);
	CHECK_EQ_INT(source_read(s, &b), 1);
	CHECK_EQ_INT(b.n, 36);
	CHECK_EQ_INT(b.sample_index, 64);
	CHECK_EQ_INT(b.clipped, 0);
	CHECK_EQ_INT(source_read(s, &b), 0);
	source_close(s);

	/* Options win over name tags. */
	cfg.rate_hz = 2e6;
	cfg.freq_hz = 900e6;
	cfg.start_utc_ns = 1699611072LL * NS_PER_S;
	s = open_ok(&cfg);
	if (!s)
		return;
	info = source_info(s);
	CHECK(info->rate_hz == 2e6);
	CHECK(info->freq_hz == 900e6);
	CHECK_EQ_INT(info->start_utc_ns, 1699611072LL * NS_PER_S);
	CHECK_EQ_INT(source_read(s, &b), 1);
	CHECK(b.freq_hz == 900e6);
	CHECK_EQ_INT(b.utc_ns, 1699611072LL * NS_PER_S);
	CHECK_EQ_INT(source_read(s, &b), 1);
	CHECK_EQ_INT(b.utc_ns, 1699611072LL * NS_PER_S + 32000); /* 64 samples at 2 MS/s */
	source_close(s);
}

/* A partial sample at the end: every whole sample first, then ETRUNC. */
static void test_truncated(void)
{
	static const struct {
		enum sample_format f;
		size_t n, extra, block;
		const char *msg;
	} cases[] = {
	    {SAMPLE_FORMAT_CS16, 10, 1, 4, "truncated: 1 byte after the last whole sample"},
	    {SAMPLE_FORMAT_CS16, 4095, 3, 4096, "truncated: 3 bytes after the last whole sample"},
	    {SAMPLE_FORMAT_CF32, 8, 7, 4, "truncated: 7 bytes after the last whole sample"},
	    {SAMPLE_FORMAT_CU8, 7, 1, 7, "truncated: 1 byte after the last whole sample"},
	    {SAMPLE_FORMAT_CF32, 0, 5, 4,
	     "truncated: 5 bytes, less than one cf32 sample (8 bytes)"},
	    {SAMPLE_FORMAT_CS8, 0, 1, 4, "truncated: 1 byte, less than one cs8 sample (2 bytes)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t size = sample_format_size(cases[i].f);
		uint8_t *data = make_samples(cases[i].f, cases[i].n, cases[i].extra, 99);
		CHECK(data != NULL);
		if (!data)
			continue;
		const char *path = tmp_path("trunc.iq");
		write_file(path, data, cases[i].n * size + cases[i].extra);
		struct source_config cfg;
		source_config_default(&cfg);
		cfg.path = path;
		cfg.format = cases[i].f;
		cfg.rate_hz = 1e6;
		cfg.block_samples = cases[i].block;
		struct source *s = open_ok(&cfg);
		if (s) {
			CHECK_EQ_INT(source_info(s)->total_samples, cases[i].n);
			struct readall r;
			read_all(s, cases[i].block, cases[i].n, &r);
			CHECK_EQ_INT(r.samples, cases[i].n);
			CHECK(r.continuous);
			CHECK_EQ_INT(r.rc, SIMSWEEP_ETRUNC);
			CHECK_EQ_INT(r.rc_again, SIMSWEEP_ETRUNC);
			CHECK(strcmp(r.errmsg, cases[i].msg) == 0);
			if (strcmp(r.errmsg, cases[i].msg) != 0)
				fprintf(stderr, "  ... got \"%s\"\n", r.errmsg);
			/* The message stays after the repeated read. */
			CHECK(strcmp(source_errmsg(s), cases[i].msg) == 0);
			free(r.iq);
			source_close(s);
		}
		free(data);
		unlink(path);
	}
}

static void test_errors(void)
{
	char err[256];
	struct source_config cfg;
	source_config_default(&cfg);

	/* Empty file. */
	const char *empty = tmp_path("empty_1M.cu8");
	write_file(empty, "", 0);
	cfg.path = empty;
	struct source *s = open_ok(&cfg);
	if (s) {
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), SIMSWEEP_EEMPTY);
		CHECK(strcmp(source_errmsg(s), "empty file: no samples") == 0);
		CHECK_EQ_INT(source_read(s, &b), SIMSWEEP_EEMPTY);
		source_close(s);
	}

	/* Missing file, whatever its extension. */
	const char *missing[] = {"nothere_1M.cu8", "nothere.xyz", "nothere.wav", "nothere"};
	for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
		cfg.path = tmp_path(missing[i]);
		CHECK_EQ_INT(open_fails(&cfg, err, sizeof err), SIMSWEEP_ENOENT);
		CHECK(strcmp(err, "no such file") == 0);
	}
	cfg.path = tmp_path("nodir/x_1M.cu8");
	CHECK_EQ_INT(open_fails(&cfg, err, sizeof err), SIMSWEEP_ENOENT);

	/* Unknown extension; a raw one given explicitly is fine. */
	const char *xyz = tmp_path("rec_1M.xyz");
	uint8_t two[4] = {1, 2, 3, 4};
	write_file(xyz, two, sizeof two);
	cfg.path = xyz;
	CHECK_EQ_INT(open_fails(&cfg, err, sizeof err), SIMSWEEP_EUNSUPPORTED);
	CHECK(strcmp(err, "unknown file extension '.xyz': give --format cu8|cs8|cs16|cf32") == 0);
	cfg.format = SAMPLE_FORMAT_CS8;
	s = open_ok(&cfg);
	if (s) {
		CHECK_EQ_INT(source_info(s)->format, SAMPLE_FORMAT_CS8);
		CHECK_EQ_INT(source_info(s)->total_samples, 2);
		source_close(s);
	}
	cfg.format = SAMPLE_FORMAT_UNKNOWN;
	static const char *need_format[] = {"r_1M.raw", "r_1M.bin", "r_1M.iq", "r_1M"};
	for (size_t i = 0; i < sizeof need_format / sizeof need_format[0]; i++) {
		cfg.path = tmp_path(need_format[i]);
		write_file(cfg.path, two, sizeof two);
		CHECK_EQ_INT(open_fails(&cfg, err, sizeof err), SIMSWEEP_EUNSUPPORTED);
		CHECK(strstr(err, "give --format cu8|cs8|cs16|cf32") != NULL);
		cfg.format = SAMPLE_FORMAT_CS16;
		s = open_ok(&cfg);
		if (s)
			CHECK_EQ_INT(source_info(s)->total_samples, 1);
		source_close(s);
		cfg.format = SAMPLE_FORMAT_UNKNOWN;
	}
	/* The explicit format wins over the extension. */
	cfg.path = tmp_path("r_1M.CU8"); /* and extensions are case-insensitive */
	write_file(cfg.path, two, sizeof two);
	s = open_ok(&cfg);
	if (s)
		CHECK_EQ_INT(source_info(s)->format, SAMPLE_FORMAT_CU8);
	source_close(s);
	cfg.format = SAMPLE_FORMAT_CF32;
	s = open_ok(&cfg);
	if (s) {
		CHECK_EQ_INT(source_info(s)->format, SAMPLE_FORMAT_CF32);
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), SIMSWEEP_ETRUNC); /* 4 bytes < one cf32 */
	}
	source_close(s);
	cfg.format = SAMPLE_FORMAT_UNKNOWN;
	const char *cfile = tmp_path("r_1M.cfile");
	write_file(cfile, two, sizeof two);
	cfg.path = cfile;
	s = open_ok(&cfg);
	if (s)
		CHECK_EQ_INT(source_info(s)->format, SAMPLE_FORMAT_CF32);
	source_close(s);

	/* A directory. */
	const char *dir = tmp_path("adir_1M.cu8");
	CHECK(mkdir(dir, 0700) == 0);
	cfg.path = dir;
	CHECK_EQ_INT(open_fails(&cfg, err, sizeof err), SIMSWEEP_EINVAL);
	CHECK(strstr(err, "directory") != NULL);

	/* No rate: neither option nor tag. A lone tag > 100e6 is a frequency. */
	const char *norate = tmp_path("car_847M.cu8");
	write_file(norate, two, sizeof two);
	cfg.path = norate;
	CHECK_EQ_INT(open_fails(&cfg, err, sizeof err), SIMSWEEP_ENORATE);
	CHECK(strstr(err, "--rate") != NULL);
	cfg.rate_hz = 2.4e6;
	s = open_ok(&cfg);
	if (s)
		CHECK(source_info(s)->freq_hz == 847e6);
	source_close(s);

	/* Bad configuration is refused before the file is looked at. */
	struct source_config bad;
	source_config_default(&bad);
	CHECK_EQ_INT(open_fails(&bad, err, sizeof err), SIMSWEEP_EINVAL); /* no path */
	bad.path = "";
	CHECK_EQ_INT(open_fails(&bad, err, sizeof err), SIMSWEEP_EINVAL);
	bad.path = norate;
	bad.rate_hz = 1e6;
	bad.block_samples = 0;
	CHECK_EQ_INT(open_fails(&bad, err, sizeof err), SIMSWEEP_EINVAL);
	bad.block_samples = ((size_t)1 << 22) + 1;
	CHECK_EQ_INT(open_fails(&bad, err, sizeof err), SIMSWEEP_EINVAL);
	bad.block_samples = (size_t)1 << 22; /* the largest allowed */
	s = open_ok(&bad);
	source_close(s);
	bad.block_samples = 1024;
	const double bad_rates[] = {-1.0, NAN, INFINITY, 1e12};
	for (size_t i = 0; i < sizeof bad_rates / sizeof bad_rates[0]; i++) {
		bad.rate_hz = bad_rates[i];
		CHECK_EQ_INT(open_fails(&bad, err, sizeof err), SIMSWEEP_EINVAL);
	}
	bad.rate_hz = 1e6;
	bad.freq_hz = INFINITY;
	CHECK_EQ_INT(open_fails(&bad, err, sizeof err), SIMSWEEP_EINVAL);
	bad.freq_hz = NAN;
	bad.format = (enum sample_format)42;
	CHECK_EQ_INT(open_fails(&bad, err, sizeof err), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(source_open(NULL, &s, err, sizeof err), SIMSWEEP_EINVAL);
	CHECK_EQ_INT(source_open(&cfg, NULL, err, sizeof err), SIMSWEEP_EINVAL);
	/* err may be NULL or short. */
	cfg.path = tmp_path("rec.xyz");
	CHECK_EQ_INT(source_open(&cfg, &s, NULL, 0), SIMSWEEP_ENOENT);
	char tiny[8];
	CHECK_EQ_INT(source_open(&cfg, &s, tiny, sizeof tiny), SIMSWEEP_ENOENT);
	CHECK(strlen(tiny) == 7);

	/* stdin: format and rate are required (checked before reading). */
	struct source_config in;
	source_config_default(&in);
	in.path = "-";
	CHECK_EQ_INT(open_fails(&in, err, sizeof err), SIMSWEEP_EINVAL);
	CHECK(strstr(err, "--format") != NULL);
	in.format = SAMPLE_FORMAT_CU8;
	CHECK_EQ_INT(open_fails(&in, err, sizeof err), SIMSWEEP_ENORATE);
	CHECK(strstr(err, "--rate") != NULL);

	/* NULL is harmless everywhere. */
	source_close(NULL);
	CHECK(source_info(NULL) == NULL);
	CHECK(strcmp(source_errmsg(NULL), "") == 0);
	struct block b;
	CHECK_EQ_INT(source_read(NULL, &b), SIMSWEEP_EINVAL);
	source_config_default(NULL);
}

static void test_defaults(void)
{
	struct source_config cfg;
	memset(&cfg, 0xa5, sizeof cfg);
	source_config_default(&cfg);
	CHECK(cfg.path == NULL);
	CHECK_EQ_INT(cfg.format, SAMPLE_FORMAT_UNKNOWN);
	CHECK(cfg.rate_hz == 0.0);
	CHECK(isnan(cfg.freq_hz));
	CHECK_EQ_INT(cfg.start_utc_ns, SIMSWEEP_UTC_UNKNOWN);
	CHECK_EQ_INT(cfg.block_samples, 65536);
}

/* Exact reference for an integer rate: round(start + index * 1e9 / rate),
 * half up, in integers (index * 1e9 must fit in 63 bits). */
static int64_t exact_utc(int64_t start, uint64_t index, uint64_t rate)
{
	uint64_t num = index * 1000000000ULL;
	return start + (int64_t)((num + rate / 2) / rate);
}

/* Sample index -> UTC keeps the nanosecond over long recordings. */
static void test_time(void)
{
	int64_t t0;
	CHECK_EQ_INT(units_parse_utc("2023-11-10T10:11:12.123456789Z", &t0), 0);

	/* 24 h at 20 MS/s, 13 years at 2.4 MS/s, and at 1.92 MS/s. */
	CHECK_EQ_INT(source_utc_at(t0, 1728000000000ULL, 20e6), t0 + 86400 * NS_PER_S);
	CHECK_EQ_INT(source_utc_at(t0, 1728000000001ULL, 20e6), t0 + 86400 * NS_PER_S + 50);
	int bad = 0;
	uint64_t idx = 1;
	for (int i = 0; i < 5000; i++) {
		idx = idx * 3 + 7;
		uint64_t k = idx % 1000000000000000ULL;                    /* < 1e15 samples */
		int64_t want24 = t0 + (int64_t)((k * 1250 * 2 + 3) / 6);   /* k * 1e9 / 2.4e6 */
		int64_t want192 = t0 + (int64_t)((k * 3125 * 2 + 6) / 12); /* k * 1e9 / 1.92e6 */
		if (source_utc_at(t0, k, 2.4e6) != want24)
			bad++;
		if (source_utc_at(t0, k, 1.92e6) != want192)
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
	/* A rate that is not an integer (GSM: 13 MHz / 12): within 1 ns. */
	const double gsm_rate = 13e6 / 12;
	bad = 0;
	for (uint64_t k = 0; k < 200000000000ULL; k += 123456789ULL) {
		long double want = (long double)t0 + (long double)k * 1e9L / (long double)gsm_rate;
		if (fabsl((long double)source_utc_at(t0, k, gsm_rate) - want) > 1.0L)
			bad++;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(source_utc_at(SIMSWEEP_UTC_UNKNOWN, 5, 1e6), SIMSWEEP_UTC_UNKNOWN);
	CHECK_EQ_INT(source_utc_at(t0, 5, 0.0), SIMSWEEP_UTC_UNKNOWN);
	CHECK_EQ_INT(source_utc_at(-NS_PER_S, 3, 2.0), NS_PER_S / 2); /* before the epoch */
	CHECK_EQ_INT(source_utc_at(t0, UINT64_MAX, 1.0), SIMSWEEP_UTC_UNKNOWN); /* past 2262 */

	/* Through a file: 3 samples per second (period 333333333.3 ns),
	 * 100000 samples = 9.26 h, odd blocks; every block exact. */
	const size_t n = 100000;
	uint8_t *data = calloc(n, 2);
	CHECK(data != NULL);
	if (!data)
		return;
	const char *path = tmp_path("slow.cu8");
	write_file(path, data, n * 2);
	free(data);
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	cfg.rate_hz = 3.0;
	cfg.start_utc_ns = t0;
	cfg.block_samples = 4093;
	struct source *s = open_ok(&cfg);
	if (!s)
		return;
	struct block b;
	uint64_t next = 0;
	bad = 0;
	int rc;
	while ((rc = source_read(s, &b)) == 1) {
		if (b.sample_index != next || b.utc_ns != exact_utc(t0, b.sample_index, 3))
			bad++;
		next += b.n;
	}
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(next, n);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(b.utc_ns, exact_utc(t0, b.sample_index, 3));
	source_close(s);
}

/* A large sparse file: the size is known without reading it, and only one
 * block's worth of memory is used. */
static void test_large_file(void)
{
	const char *path = tmp_path("big_1M.cs16");
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	const off_t size = (off_t)6 << 30; /* 6 GiB, beyond 32-bit offsets */
	int ok = ftruncate(fileno(f), size) == 0;
	fclose(f);
	if (!ok) {
		fprintf(stderr, "  (sparse 6 GiB file not possible here, skipped)\n");
		return;
	}
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	struct source *s = open_ok(&cfg);
	if (s) {
		CHECK_EQ_INT(source_info(s)->total_samples, (uint64_t)size / 4);
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(b.n, 65536);
		CHECK(b.iq[0] == 0.0f);
		source_close(s);
	}
	unlink(path);
}

/* A pipe stands in for stdin: no size, plain sequential reads. */
static void test_stream(void)
{
	const size_t n = 1000; /* 4000 bytes: fits the pipe buffer */
	uint8_t *data = make_samples(SAMPLE_FORMAT_CS16, n, 1, 5);
	float complex *want = malloc(n * sizeof *want);
	CHECK(data && want);
	if (!data || !want) {
		free(data);
		free(want);
		return;
	}
	convert_to_cf(SAMPLE_FORMAT_CS16, data, want, n);
	for (int trunc = 0; trunc <= 1; trunc++) {
		int fds[2];
		CHECK(pipe(fds) == 0);
		size_t len = n * 4 + (size_t)trunc;
		CHECK(write(fds[1], data, len) == (ssize_t)len);
		close(fds[1]);
		FILE *f = fdopen(fds[0], "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		struct source_config cfg;
		source_config_default(&cfg);
		cfg.path = "-";
		cfg.format = SAMPLE_FORMAT_CS16;
		cfg.rate_hz = 1e6;
		cfg.block_samples = 300;
		struct source *s = NULL;
		char err[256];
		CHECK_EQ_INT(source_open_stream(&cfg, f, &s, err, sizeof err), 0);
		if (s) {
			CHECK_EQ_INT(source_info(s)->total_samples, 0);
			CHECK(strcmp(source_info(s)->kind, "raw") == 0);
			struct readall r;
			read_all(s, 300, n, &r);
			CHECK_EQ_INT(r.samples, n);
			CHECK_EQ_INT(r.blocks, 4);
			CHECK(r.continuous && r.full_blocks);
			CHECK(r.iq && memcmp(r.iq, want, n * sizeof *want) == 0);
			CHECK_EQ_INT(r.rc, trunc ? SIMSWEEP_ETRUNC : 0);
			free(r.iq);
			source_close(s);
		}
		/* The stream is the caller's: still open. */
		CHECK(fclose(f) == 0);
	}
	/* An empty stream. */
	int fds[2];
	CHECK(pipe(fds) == 0);
	close(fds[1]);
	FILE *f = fdopen(fds[0], "rb");
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.format = SAMPLE_FORMAT_CU8;
	cfg.rate_hz = 1e6;
	struct source *s = NULL;
	CHECK_EQ_INT(source_open_stream(&cfg, f, &s, NULL, 0), 0);
	if (s) {
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), SIMSWEEP_EEMPTY);
		CHECK(strcmp(source_errmsg(s), "empty input: no samples") == 0);
		source_close(s);
	}
	if (f)
		fclose(f);

	/* A read error: a directory opened as a stream reads EISDIR. */
	f = fopen(tmpdir, "rb");
	if (f) {
		s = NULL;
		CHECK_EQ_INT(source_open_stream(&cfg, f, &s, NULL, 0), 0);
		if (s) {
			struct block b;
			CHECK_EQ_INT(source_read(s, &b), SIMSWEEP_EIO);
			CHECK(strcmp(source_errmsg(s), "read error: Is a directory") == 0);
			CHECK_EQ_INT(source_read(s, &b), SIMSWEEP_EIO);
			source_close(s);
		}
		fclose(f);
	}
	free(data);
	free(want);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/simsweep-raw-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_defaults();
	test_formats();
	test_block_fields();
	test_truncated();
	test_errors();
	test_time();
	test_large_file();
	test_stream();
	remove_tmpdir();
	return check_done("raw");
}
