/* fuzz_wav.c - the WAV reader (libsndfile underneath).
 *
 * The input is written as a .wav file and read to the end through
 * source_open(), with a block size picked by the input's length (1 .. 61
 * samples). A file that opens must have a usable rate, blocks in order with
 * finite, bounded samples, and a sticky end.
 */
#include <math.h>

#include "fuzz.h"
#include "simsweep/error.h"
#include "simsweep/source.h"
#include "source_impl.h"

/* Samples read per input at most: a header may promise any length. */
#define MAX_SAMPLES ((uint64_t)1 << 22)

/* 8 and 16-bit PCM (24 and 32-bit PCM report cf32, as float WAV does). */
static int is_pcm(enum sample_format f)
{
	return f == SAMPLE_FORMAT_CU8 || f == SAMPLE_FORMAT_CS8 || f == SAMPLE_FORMAT_CS16;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[4096];
	if (!path[0])
		snprintf(path, sizeof path, "%s/in_847M.wav", fuzz_tmpdir());
	fuzz_write_file(path, data, size);

	struct source_config cfg;
	source_config_default(&cfg);
	cfg.path = path;
	cfg.block_samples = 1 + size % 61;
	struct source *src = NULL;
	char err[256];
	int rc = source_open(&cfg, &src, err, sizeof err);
	if (rc < 0) {
		FUZZ_CHECK(src == NULL);
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	const struct source_info *info = source_info(src);
	FUZZ_CHECK(info->rate_hz > 0 && isfinite(info->rate_hz));
	FUZZ_CHECK(info->freq_hz == 847e6);

	struct block blk;
	uint64_t next = 0;
	while (next < MAX_SAMPLES && (rc = source_read(src, &blk)) == 1) {
		FUZZ_CHECK(blk.n >= 1 && blk.n <= cfg.block_samples);
		FUZZ_CHECK(blk.sample_index == next);
		FUZZ_CHECK(blk.clipped <= blk.n);
		for (size_t i = 0; i < blk.n; i++) {
			/* Integer PCM is within the rails; float WAV may hold
			 * anything, which the source bounds. */
			float re = fabsf(crealf(blk.iq[i])), im = fabsf(cimagf(blk.iq[i]));
			float limit = is_pcm(info->format) ? 1.0f : SOURCE_CF_LIMIT;
			FUZZ_CHECK(re <= limit && im <= limit);
		}
		next += blk.n;
	}
	if (next < MAX_SAMPLES) {
		FUZZ_CHECK(rc <= 0);
		FUZZ_CHECK(source_read(src, &blk) == rc);
	}
	source_close(src);
	return 0;
}
