/* test_wav.c - WAV I/Q written with libsndfile: 16-bit, float, 8-bit and
 * 24-bit; clip counting; odd lengths and block sizes; SDR#/SDRuno names;
 * options; and files that are refused (mono, not a WAV, empty). */
#include <complex.h>
#include <dirent.h>
#include <math.h>
#include <sndfile.h>
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

/* A complex float from its parts (CMPLXF is missing with some compilers). */
static float complex cf(float re, float im)
{
	float complex z;
	float *parts = (float *)&z;
	parts[0] = re;
	parts[1] = im;
	return z;
}

static const char *tmp_path(const char *name)
{
	static char buf[4][512];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
	return p;
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

/* Write frames of `channels` shorts as a WAV with the given subtype. */
static int write_wav(const char *path, int subtype, int channels, int rate, const short *v,
                     size_t frames)
{
	SF_INFO info = {
	    .samplerate = rate, .channels = channels, .format = SF_FORMAT_WAV | subtype};
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	CHECK(sf != NULL);
	if (!sf) {
		fprintf(stderr, "  ... sf_open(%s): %s\n", path, sf_strerror(NULL));
		return -1;
	}
	CHECK(sf_writef_short(sf, v, (sf_count_t)frames) == (sf_count_t)frames);
	CHECK(sf_close(sf) == 0);
	return 0;
}

static int write_wav_float(const char *path, int rate, const float *v, size_t frames)
{
	SF_INFO info = {
	    .samplerate = rate, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	CHECK(sf != NULL);
	if (!sf)
		return -1;
	CHECK(sf_writef_float(sf, v, (sf_count_t)frames) == (sf_count_t)frames);
	CHECK(sf_close(sf) == 0);
	return 0;
}

static struct source *open_wav(const char *path, size_t block_samples)
{
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	cfg.block_samples = block_samples;
	struct source *s = NULL;
	char err[256];
	int rc = source_open(&cfg, &s, err, sizeof err);
	CHECK_EQ_INT(rc, 0);
	if (rc)
		fprintf(stderr, "  ... open %s: %s\n", path, err);
	return s;
}

/* Read everything; compare with want (n samples) and count blocks. */
static void read_compare(struct source *s, size_t block_samples, const float complex *want,
                         size_t n, uint64_t want_clipped, float tol)
{
	struct block b;
	uint64_t next = 0, clipped = 0;
	size_t blocks = 0, bad = 0;
	int rc, order = 0;
	while ((rc = source_read(s, &b)) == 1) {
		if (b.sample_index != next || b.n > block_samples)
			order++;
		for (size_t k = 0; k < b.n && next + k < n; k++)
			if (cabsf(b.iq[k] - want[next + k]) > tol)
				bad++;
		next += b.n;
		clipped += b.clipped;
		blocks++;
	}
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(next, n);
	CHECK_EQ_INT(order, 0);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(clipped, want_clipped);
	CHECK_EQ_INT(blocks, (n + block_samples - 1) / block_samples);
	CHECK_EQ_INT(source_read(s, &b), 0);
}

/* 16-bit and 8-bit PCM over odd lengths and block sizes. */
static void test_pcm(void)
{
	static const size_t lengths[] = {1, 7, 4095};
	static const size_t blocks[] = {1, 7, 1000, 65536};
	for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
		size_t n = lengths[li];
		short *v = malloc(2 * n * sizeof *v);
		float complex *want16 = malloc(n * sizeof *want16);
		float complex *want8 = malloc(n * sizeof *want8);
		CHECK(v && want16 && want8);
		if (!v || !want16 || !want8)
			goto next;
		uint64_t clip16 = 0, clip8 = 0;
		for (size_t k = 0; k < n; k++) {
			short i = (short)((int)(k * 7919 % 65536) - 32768);
			short q = (short)((int)(k * 104729 % 65536) - 32768);
			if (k % 5 == 3)
				i = 32767;
			if (k % 11 == 2)
				q = -32768;
			v[2 * k] = i;
			v[2 * k + 1] = q;
			want16[k] = cf(i / 32768.0f, q / 32768.0f);
			clip16 += i == 32767 || i == -32768 || q == 32767 || q == -32768;
			/* libsndfile keeps the top 8 bits for 8-bit WAV. */
			int i8 = i >> 8, q8 = q >> 8;
			want8[k] = cf(i8 / 128.0f, q8 / 128.0f);
			clip8 += i8 == 127 || i8 == -128 || q8 == 127 || q8 == -128;
		}
		const char *p16 = tmp_path("pcm16.wav");
		const char *p8 = tmp_path("pcm8.wav");
		if (write_wav(p16, SF_FORMAT_PCM_16, 2, 2400000, v, n) ||
		    write_wav(p8, SF_FORMAT_PCM_U8, 2, 250000, v, n))
			goto next;
		for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
			struct source *s = open_wav(p16, blocks[bi]);
			if (s) {
				const struct source_info *info = source_info(s);
				CHECK(strcmp(info->kind, "wav") == 0);
				CHECK_EQ_INT(info->format, SAMPLE_FORMAT_CS16);
				CHECK(info->rate_hz == 2400000.0);
				CHECK_EQ_INT(info->total_samples, n);
				CHECK(isnan(info->freq_hz));
				CHECK_EQ_INT(info->start_utc_ns, SIMSWEEP_UTC_UNKNOWN);
				read_compare(s, blocks[bi], want16, n, clip16, 0.0f);
				source_close(s);
			}
			s = open_wav(p8, blocks[bi]);
			if (s) {
				CHECK_EQ_INT(source_info(s)->format, SAMPLE_FORMAT_CU8);
				CHECK(source_info(s)->rate_hz == 250000.0);
				read_compare(s, blocks[bi], want8, n, clip8, 0.0f);
				source_close(s);
			}
		}
	next:
		free(v);
		free(want16);
		free(want8);
	}
}

/* Float WAV: values as written, never "clipped"; 24-bit: full scale clips. */
static void test_float_and_24(void)
{
	const size_t n = 100;
	float v[2 * 100];
	float complex want[100];
	for (size_t k = 0; k < n; k++) {
		v[2 * k] = (float)k / 50.0f - 1.0f;     /* -1 .. 0.98 */
		v[2 * k + 1] = k == 7 ? 1.0f : -0.125f; /* full scale, not clipped */
		want[k] = cf(v[2 * k], v[2 * k + 1]);
	}
	const char *path = tmp_path("float.wav");
	if (write_wav_float(path, 1000000, v, n) == 0) {
		struct source *s = open_wav(path, 33);
		if (s) {
			CHECK_EQ_INT(source_info(s)->format, SAMPLE_FORMAT_CF32);
			read_compare(s, 33, want, n, 0, 0.0f);
			source_close(s);
		}
	}

	/* libsndfile keeps the top 24 bits of an int: INT32_MAX is the
	 * 24-bit positive rail. */
	int iv[2 * 4] = {INT32_MAX, 0, INT32_MIN, 0, 1 << 30, -(1 << 30), 0, 256};
	float complex w24[4] = {cf(8388607 / 8388608.0f, 0), cf(-1.0f, 0), cf(0.5f, -0.5f),
	                        cf(0, 1 / 8388608.0f)};
	path = tmp_path("pcm24.wav");
	SF_INFO info = {
	    .samplerate = 48000, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_24};
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	CHECK(sf != NULL);
	if (sf) {
		CHECK(sf_writef_int(sf, iv, 4) == 4);
		CHECK(sf_close(sf) == 0);
		struct source *s = open_wav(path, 3);
		if (s) {
			CHECK_EQ_INT(source_info(s)->format, SAMPLE_FORMAT_CF32);
			read_compare(s, 3, w24, 4, 2, 0.0f);
			source_close(s);
		}
	}
}

/* SDR# and SDRuno names give centre frequency and start time; block times
 * follow from the sample count. Options win. */
static void test_names(void)
{
	short v[2 * 300] = {0};
	const char *sdrsharp = tmp_path("SDRSharp_20231110_101112Z_847000000Hz_IQ.wav");
	const char *sdruno = tmp_path("SDRuno_20200904_204456Z_1090000kHz.wav");
	if (write_wav(sdrsharp, SF_FORMAT_PCM_16, 2, 2400000, v, 300) ||
	    write_wav(sdruno, SF_FORMAT_PCM_16, 2, 2000000, v, 300))
		return;
	int64_t t_sharp, t_uno;
	CHECK_EQ_INT(units_parse_utc("2023-11-10T10:11:12Z", &t_sharp), 0);
	CHECK_EQ_INT(units_parse_utc("2020-09-04T20:44:56Z", &t_uno), 0);

	struct source *s = open_wav(sdrsharp, 128);
	if (s) {
		const struct source_info *info = source_info(s);
		CHECK(info->freq_hz == 847e6);
		CHECK_EQ_INT(info->start_utc_ns, t_sharp);
		CHECK(info->rate_hz == 2.4e6); /* from the header, not the name */
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(b.utc_ns, t_sharp);
		CHECK(b.freq_hz == 847e6);
		CHECK_EQ_INT(b.segment, 0);
		CHECK(isnan(b.gain_db));
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(b.sample_index, 128);
		CHECK_EQ_INT(b.utc_ns, t_sharp + 53333); /* 128 / 2.4e6 s = 53333.3 ns */
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(b.n, 44);
		CHECK_EQ_INT(b.utc_ns, t_sharp + 106667);
		source_close(s);
	}
	s = open_wav(sdruno, 1000);
	if (s) {
		CHECK(source_info(s)->freq_hz == 1090e6);
		CHECK_EQ_INT(source_info(s)->start_utc_ns, t_uno);
		source_close(s);
	}

	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = sdrsharp;
	cfg.freq_hz = 850e6;
	cfg.rate_hz = 1e6;
	cfg.start_utc_ns = 0;
	cfg.format = SAMPLE_FORMAT_CU8; /* ignored: the header decides */
	cfg.block_samples = 128;
	s = NULL;
	CHECK_EQ_INT(source_open(&cfg, &s, NULL, 0), 0);
	if (s) {
		const struct source_info *info = source_info(s);
		CHECK(info->freq_hz == 850e6);
		CHECK(info->rate_hz == 1e6);
		CHECK_EQ_INT(info->start_utc_ns, 0);
		CHECK_EQ_INT(info->format, SAMPLE_FORMAT_CS16);
		struct block b;
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(source_read(s, &b), 1);
		CHECK_EQ_INT(b.utc_ns, (int64_t)b.sample_index * 1000);
		source_close(s);
	}
}

static void expect_fail(const char *path, int code, const char *part)
{
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	struct source *s = NULL;
	char err[256] = "";
	int rc = source_open(&cfg, &s, err, sizeof err);
	CHECK_EQ_INT(rc, code);
	CHECK(s == NULL);
	CHECK(strstr(err, part) != NULL);
	if (rc != code || !strstr(err, part))
		fprintf(stderr, "  ... %s: got %d \"%s\"\n", path, rc, err);
	source_close(s);
}

static void test_refused(void)
{
	short v[12] = {0};
	const char *mono = tmp_path("mono.wav");
	if (write_wav(mono, SF_FORMAT_PCM_16, 1, 48000, v, 12) == 0)
		expect_fail(mono, SIMSWEEP_EUNSUPPORTED, "WAV has 1 channel: I/Q needs 2");
	const char *three = tmp_path("three.wav");
	if (write_wav(three, SF_FORMAT_PCM_16, 3, 48000, v, 4) == 0)
		expect_fail(three, SIMSWEEP_EUNSUPPORTED, "WAV has 3 channels: I/Q needs 2");

	/* Not a WAV at all, and a truncated header. */
	const char *fake = tmp_path("fake.wav");
	FILE *f = fopen(fake, "wb");
	CHECK(f != NULL);
	if (f) {
		fputs("this is not a RIFF file, just text with a .wav name\n", f);
		fclose(f);
		expect_fail(fake, SIMSWEEP_EFORMAT, "not a readable WAV file");
	}
	const char *stub = tmp_path("stub.wav");
	f = fopen(stub, "wb");
	if (f) {
		fwrite("RIFF\x24\x00\x00\x00WAVEfmt ", 1, 16, f);
		fclose(f);
		expect_fail(stub, SIMSWEEP_EFORMAT, "not a readable WAV file");
	}
	const char *empty_file = tmp_path("zero.wav");
	f = fopen(empty_file, "wb");
	if (f) {
		fclose(f);
		expect_fail(empty_file, SIMSWEEP_EFORMAT, "not a readable WAV file");
	}
	expect_fail(tmp_path("missing.wav"), SIMSWEEP_ENOENT, "no such file");

	/* A valid WAV with no frames. */
	const char *empty = tmp_path("empty.wav");
	if (write_wav(empty, SF_FORMAT_PCM_16, 2, 48000, v, 0) == 0) {
		struct source *s = open_wav(empty, 64);
		if (s) {
			struct block b;
			CHECK_EQ_INT(source_read(s, &b), SIMSWEEP_EEMPTY);
			CHECK(strstr(source_errmsg(s), "no samples") != NULL);
			CHECK_EQ_INT(source_read(s, &b), SIMSWEEP_EEMPTY);
			source_close(s);
		}
	}
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/simsweep-wav-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_pcm();
	test_float_and_24();
	test_names();
	test_refused();
	remove_tmpdir();
	return check_done("wav");
}
