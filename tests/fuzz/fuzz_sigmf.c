/* fuzz_sigmf.c - the SigMF metadata parser and reader.
 *
 * The input is the .sigmf-meta text, parsed from memory
 * (source_open_sigmf_text), beside a fixed 4000-byte .sigmf-data. The
 * input's length picks the block size (1 .. 97 samples, so that blocks meet
 * segment boundaries at odd places) and which option overrides the
 * metadata (none, start time, rate, centre frequency and format). Every
 * block is read; the blocks must stay inside the data file, in order, with
 * segment numbers that never go back and samples that are finite and
 * bounded, and the end must be sticky.
 */
#include <math.h>

#include "fuzz.h"
#include "simsweep/error.h"
#include "source_impl.h"

#define DATA_BYTES 4000

static const char *data_path(void)
{
	static char path[4096];
	if (!path[0]) {
		uint8_t data[DATA_BYTES];
		uint32_t x = 12345;
		for (size_t i = 0; i < sizeof data; i++) {
			x = x * 1103515245u + 12345u;
			data[i] = (uint8_t)(x >> 16);
		}
		snprintf(path, sizeof path, "%s/rec.sigmf-data", fuzz_tmpdir());
		fuzz_write_file(path, data, sizeof data);
	}
	return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = data_path();
	cfg.block_samples = 1 + size % 97;
	switch ((size / 97) % 4) {
	case 1: cfg.start_utc_ns = 1700000000000000000LL; break;
	case 2: cfg.rate_hz = 1e6; break;
	case 3:
		cfg.freq_hz = 847e6;
		cfg.format = SAMPLE_FORMAT_CS16;
		break;
	default: break;
	}

	struct source *src = NULL;
	char err[256];
	int rc = source_open_sigmf_text(&cfg, (const char *)data, size, &src, err, sizeof err);
	if (rc < 0) {
		FUZZ_CHECK(src == NULL);
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	const struct source_info *info = source_info(src);
	FUZZ_CHECK(source_rate_ok(info->rate_hz));
	FUZZ_CHECK(sample_format_size(info->format) > 0);
	uint64_t total = DATA_BYTES / sample_format_size(info->format);
	FUZZ_CHECK(info->total_samples == total);

	struct block blk;
	uint64_t next = 0;
	uint32_t segment = 0;
	int first = 1;
	while ((rc = source_read(src, &blk)) == 1) {
		FUZZ_CHECK(blk.n >= 1 && blk.n <= cfg.block_samples);
		FUZZ_CHECK(blk.sample_index >= next);
		FUZZ_CHECK(blk.sample_index + blk.n <= total);
		FUZZ_CHECK(first || blk.segment >= segment);
		FUZZ_CHECK(blk.rate_hz == info->rate_hz);
		/* cf32 too: the source bounds what the file holds. */
		for (size_t i = 0; i < blk.n; i++)
			FUZZ_CHECK(fabsf(crealf(blk.iq[i])) <= SOURCE_CF_LIMIT &&
			           fabsf(cimagf(blk.iq[i])) <= SOURCE_CF_LIMIT);
		next = blk.sample_index + blk.n;
		segment = blk.segment;
		first = 0;
	}
	FUZZ_CHECK(rc <= 0);
	if (rc < 0)
		FUZZ_CHECK(source_errmsg(src)[0] != '\0');
	/* The end is sticky. */
	FUZZ_CHECK(source_read(src, &blk) == rc);
	source_close(src);
	return 0;
}
