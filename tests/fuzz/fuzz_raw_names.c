/* fuzz_raw_names.c - the raw readers and the tags in file names.
 *
 * The input is used three ways:
 *   1. as a file name (up to its first NUL) for source_parse_name(): what
 *      it finds must be a finite frequency and rate > 0;
 *   2. as the bytes of a raw stream, read in each format (cu8, cs8, cs16,
 *      cf32) with a block size picked by the input's length: whole samples
 *      in order, then the clean end or ETRUNC for a partial sample;
 *   3. as a file named after itself ('/' made '_'), holding itself, opened
 *      through source_open(): the dispatcher picks the backend from the
 *      name (raw, SigMF, WAV or a refusal) and the recording is read.
 */
#include <math.h>

#include "fuzz.h"
#include "simsweep/error.h"
#include "simsweep/source.h"
#include "source_impl.h"

/* Longest file name written (NAME_MAX is 255 on Linux). */
#define MAX_NAME 200
/* Samples read from a file at most (a SigMF header may name a big one). */
#define MAX_SAMPLES ((uint64_t)1 << 20)

static void check_name(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1);
	FUZZ_CHECK(name != NULL);
	memcpy(name, data, size);
	name[size] = '\0';
	double freq = NAN, rate = 0.0;
	int64_t start = SIMSWEEP_UTC_UNKNOWN;
	source_parse_name(name, &freq, &rate, &start);
	FUZZ_CHECK(isnan(freq) || (isfinite(freq) && freq > 0));
	FUZZ_CHECK(rate == 0.0 || (isfinite(rate) && rate > 0));
	/* NULL outputs are allowed. */
	source_parse_name(name, NULL, NULL, NULL);
	free(name);
}

static int read_all(struct source *src, size_t block, uint64_t *samples)
{
	struct block blk;
	uint64_t next = 0;
	int rc;
	while (next < MAX_SAMPLES && (rc = source_read(src, &blk)) == 1) {
		FUZZ_CHECK(blk.n >= 1 && blk.n <= block);
		FUZZ_CHECK(blk.sample_index >= next);
		FUZZ_CHECK(blk.clipped <= blk.n);
		for (size_t i = 0; i < blk.n; i++)
			FUZZ_CHECK(fabsf(crealf(blk.iq[i])) <= SOURCE_CF_LIMIT &&
			           fabsf(cimagf(blk.iq[i])) <= SOURCE_CF_LIMIT);
		next = blk.sample_index + blk.n;
	}
	if (next >= MAX_SAMPLES)
		return 1;
	FUZZ_CHECK(rc <= 0);
	FUZZ_CHECK(source_read(src, &blk) == rc);
	*samples = next;
	return rc;
}

static void check_stream(const uint8_t *data, size_t size, enum sample_format format)
{
	/* fmemopen() refuses an empty buffer: an empty input is /dev/null. */
	FILE *f = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");
	FUZZ_CHECK(f != NULL);
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = "-";
	cfg.format = format;
	cfg.rate_hz = 2.4e6;
	cfg.block_samples = 1 + size % 13;
	struct source *src = NULL;
	char err[256];
	int rc = source_open_stream(&cfg, f, &src, err, sizeof err);
	FUZZ_CHECK(rc == 0);
	uint64_t n = 0;
	rc = read_all(src, cfg.block_samples, &n);
	size_t bytes = sample_format_size(format);
	if (size == 0)
		FUZZ_CHECK(rc == SIMSWEEP_EEMPTY);
	else if (size % bytes)
		FUZZ_CHECK(rc == SIMSWEEP_ETRUNC);
	else
		FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(n == size / bytes);
	source_close(src);
	fclose(f);
}

static void check_file(const uint8_t *data, size_t size)
{
	size_t len = strnlen((const char *)data, size);
	if (len == 0 || len > MAX_NAME)
		return;
	char name[MAX_NAME + 1];
	memcpy(name, data, len);
	name[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/')
			name[i] = '_';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return;
	char path[4096 + MAX_NAME];
	snprintf(path, sizeof path, "%s/%s", fuzz_tmpdir(), name);
	fuzz_write_file(path, data, size);

	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	cfg.block_samples = 1 + size % 17;
	struct source *src = NULL;
	char err[256];
	int rc = source_open(&cfg, &src, err, sizeof err);
	if (rc == 0) {
		FUZZ_CHECK(source_rate_ok(source_info(src)->rate_hz));
		uint64_t n = 0;
		read_all(src, cfg.block_samples, &n);
		source_close(src);
	} else {
		FUZZ_CHECK(src == NULL && err[0] != '\0');
	}
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_name(data, size);
	static const enum sample_format formats[] = {SAMPLE_FORMAT_CU8, SAMPLE_FORMAT_CS8,
	                                             SAMPLE_FORMAT_CS16, SAMPLE_FORMAT_CF32};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		check_stream(data, size, formats[i]);
	check_file(data, size);
	return 0;
}
