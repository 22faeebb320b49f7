/* fuzz_pipeline.c - the detection chain fed arbitrary samples.
 *
 * Input layout:
 *   byte 0   sample format: cu8, cs8, cs16, cf32 (cf32 bytes may be NaN or Inf)
 *   byte 1   sample rate: 250k, 1M, 1.92M, 2.4M, 3.2M, 20M
 *   byte 2   FFT size: 16, 32, 64, 128, 256, 1024
 *   byte 3   block size: 1, 2, 7, 13, 64, 255, 1023, 4095 samples
 *   byte 4   the samples are fed (byte 4 % 16) + 1 times over, as one stream
 *   byte 5   flags: 1 DC removal, 2 overlap 0.75, 4 stream events (gaps,
 *            drops, new segments, retunes, chosen by the sample bytes),
 *            8 start time known, 16 every burst kept (no minimum length or
 *            SNR), 32 centre frequency known
 *   byte 6   threshold, 3 .. 18 dB
 *   rest     the samples
 * Every event is checked (a sample index inside the stream, finite times,
 * a bandwidth inside the band), its IQ clip read to the end and written as
 * JSON Lines to /dev/null.
 *
 * pipeline_create() costs far more than a short input (FFT plans, filter
 * designs), so the last few pipelines are kept, by configuration, and
 * pipeline_reset() between inputs: that a reset pipeline behaves as a new
 * one is part of what is tested.
 */
#include <complex.h>
#include <math.h>

#include "fuzz.h"
#include "simsweep/block.h"
#include "simsweep/convert.h"
#include "simsweep/error.h"
#include "simsweep/jsonl.h"
#include "simsweep/pipeline.h"

#define HEADER_BYTES 7
/* Samples fed per input at most, whatever the repeat count. */
#define MAX_FED   ((uint64_t)1 << 18)
#define MAX_BLOCK 4095

struct run {
	FILE *sink;
	double rate_hz;
	size_t fft_size;
	uint64_t fed; /* stream index after the last sample given */
	uint64_t events;
};

static void on_burst(const struct burst *b, void *ctx)
{
	struct run *r = ctx;
	FUZZ_CHECK(b->type == BURST_TYPE_BURST || b->type == BURST_TYPE_CARRIER);
	FUZZ_CHECK(b->n_samples >= 1);
	FUZZ_CHECK(b->sample <= r->fed);
	FUZZ_CHECK(b->rate_hz == r->rate_hz);
	FUZZ_CHECK(isfinite(b->start_s) && b->start_s >= 0);
	FUZZ_CHECK(isfinite(b->duration_s) && b->duration_s > 0);
	/* The band's edges are bin centres +- half a bin. */
	double bin_hz = b->rate_hz / (double)r->fft_size;
	if (!(isfinite(b->bandwidth_hz) && b->bandwidth_hz >= 0 &&
	      b->bandwidth_hz <= b->rate_hz + bin_hz) ||
	    !(fabs(b->freq_offset_hz) <= (b->rate_hz + bin_hz) / 2))
		fprintf(
		    stderr, "event at sample %llu: offset %.1f Hz, bandwidth %.1f Hz, rate %.0f\n",
		    (unsigned long long)b->sample, b->freq_offset_hz, b->bandwidth_hz, b->rate_hz);
	FUZZ_CHECK(isfinite(b->bandwidth_hz) && b->bandwidth_hz >= 0 &&
	           b->bandwidth_hz <= b->rate_hz + bin_hz);
	FUZZ_CHECK(fabs(b->freq_offset_hz) <= (b->rate_hz + bin_hz) / 2);
	FUZZ_CHECK(b->class_id != NULL);
	/* Touch the whole clip: a clip shorter than it says is caught here. */
	double sum = 0;
	for (size_t i = 0; i < b->clip_len; i++)
		sum += (double)(crealf(b->clip[i]) + cimagf(b->clip[i]));
	(void)sum;
	if (r->sink)
		jsonl_write_burst(r->sink, b, "fuzz\"\\\n.cu8");
	r->events++;
}

/* Pipelines kept from earlier inputs, by configuration. */
#define CACHE_SLOTS 8
static struct cached {
	struct pipeline *pl;
	struct pipeline_config cfg;
} cache[CACHE_SLOTS];
static size_t cache_next;

static int same_config(const struct pipeline_config *a, const struct pipeline_config *b)
{
	return a->rate_hz == b->rate_hz && a->fft_size == b->fft_size && a->overlap == b->overlap &&
	       a->dc_remove == b->dc_remove && a->dc_mask_hz == b->dc_mask_hz &&
	       a->threshold_db == b->threshold_db && a->hysteresis_db == b->hysteresis_db &&
	       a->min_duration_s == b->min_duration_s && a->min_snr_db == b->min_snr_db;
}

static struct pipeline *get_pipeline(const struct pipeline_config *cfg)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].pl && same_config(&cache[i].cfg, cfg)) {
			pipeline_reset(cache[i].pl);
			return cache[i].pl;
		}
	struct cached *c = &cache[cache_next];
	cache_next = (cache_next + 1) % CACHE_SLOTS;
	pipeline_destroy(c->pl);
	c->pl = pipeline_create(cfg);
	c->cfg = *cfg;
	return c->pl;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sample_format formats[] = {SAMPLE_FORMAT_CU8, SAMPLE_FORMAT_CS8,
	                                             SAMPLE_FORMAT_CS16, SAMPLE_FORMAT_CF32};
	static const double rates[] = {250e3, 1e6, 1.92e6, 2.4e6, 3.2e6, 20e6};
	static const size_t ffts[] = {16, 32, 64, 128, 256, 1024};
	static const size_t blocks[] = {1, 2, 7, 13, 64, 255, 1023, MAX_BLOCK};
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");

	if (size < HEADER_BYTES)
		return 0;
	enum sample_format format = formats[data[0] % 4];
	size_t bytes = sample_format_size(format);
	size_t n = (size - HEADER_BYTES) / bytes;
	if (n == 0)
		return 0;
	unsigned flags = data[5];

	struct pipeline_config pc;
	pipeline_config_default(&pc);
	pc.rate_hz = rates[data[1] % 6];
	pc.fft_size = ffts[data[2] % 6];
	pc.overlap = flags & 2 ? 0.75 : 0.5;
	pc.dc_remove = flags & 1;
	pc.dc_mask_hz = flags & 1 ? pc.rate_hz / (double)pc.fft_size : 0;
	pc.threshold_db = 3 + data[6] % 16;
	pc.hysteresis_db = pc.threshold_db / 2;
	if (flags & 16) {
		pc.min_duration_s = 0;
		pc.min_snr_db = -40;
	}
	struct pipeline *pl = get_pipeline(&pc);
	FUZZ_CHECK(pl != NULL);
	struct pipeline_stats before;
	pipeline_stats(pl, &before);

	const uint8_t *raw = data + HEADER_BYTES;
	float complex *iq = malloc(n * sizeof *iq);
	float complex *blk_iq = malloc(MAX_BLOCK * sizeof *blk_iq);
	FUZZ_CHECK(iq && blk_iq);
	convert_to_cf(format, raw, iq, n);

	struct run run = {.sink = sink, .rate_hz = pc.rate_hz, .fft_size = pc.fft_size};
	size_t block = blocks[data[3] % 8];
	uint64_t total = (uint64_t)n * (data[4] % 16 + 1);
	if (total > MAX_FED)
		total = MAX_FED;
	struct block b = {
	    .rate_hz = pc.rate_hz,
	    .freq_hz = flags & 32 ? 847e6 : NAN,
	    .utc_ns = flags & 8 ? 1714564800000000000LL : SIMSWEEP_UTC_UNKNOWN,
	    .gain_db = NAN,
	};
	uint64_t given = 0; /* samples of the input given so far */
	size_t k = 0;       /* block number */
	while (given < total) {
		size_t m = total - given < block ? (size_t)(total - given) : block;
		for (size_t i = 0; i < m; i++)
			blk_iq[i] = iq[(given + i) % n];
		b.iq = blk_iq;
		b.n = m;
		b.sample_index = run.fed;
		b.dropped = 0;
		if (flags & 4) {
			/* A stream event before this block, chosen by the data. */
			switch (raw[k % (size - HEADER_BYTES)] & 31) {
			case 1: b.sample_index += 7; break; /* a gap */
			case 2:
				b.dropped = 5;
				b.sample_index += 5;
				break;
			case 3: b.segment++; break;
			case 4:
				if (!isnan(b.freq_hz))
					b.freq_hz += 1e6;
				b.segment++;
				break;
			default: break;
			}
		}
		if (b.utc_ns != SIMSWEEP_UTC_UNKNOWN)
			b.utc_ns = 1714564800000000000LL +
			           (int64_t)((double)b.sample_index * 1e9 / pc.rate_hz);
		run.fed = b.sample_index + m;
		FUZZ_CHECK(pipeline_process(pl, &b, on_burst, &run) == SIMSWEEP_OK);
		given += m;
		k++;
	}
	pipeline_flush(pl, on_burst, &run);
	struct pipeline_stats st;
	pipeline_stats(pl, &st);
	FUZZ_CHECK(st.samples - before.samples == total);
	FUZZ_CHECK((st.bursts - before.bursts) + (st.carriers - before.carriers) == run.events);

	/* A bad block is refused, not processed. */
	b.rate_hz = pc.rate_hz * 2;
	b.sample_index = run.fed;
	FUZZ_CHECK(pipeline_process(pl, &b, on_burst, &run) == SIMSWEEP_EINVAL);

	free(iq);
	free(blk_iq);
	return 0;
}
