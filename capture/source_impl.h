/* source_impl.h - private to capture/: the source object every backend fills
 * in, the backend vtable, and the helpers the backends share (raw streaming
 * from a FILE*, time of a sample, error messages).
 *
 * The dispatcher (source.c) allocates struct source, validates the config and
 * picks a backend by file name; the backend's open function sets s->ops,
 * s->priv and s->info, or writes s->errmsg and returns a negative code (and
 * then owns nothing: it frees whatever it allocated itself).
 */
#ifndef SIMSWEEP_CAPTURE_SOURCE_IMPL_H
#define SIMSWEEP_CAPTURE_SOURCE_IMPL_H

#include <complex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "simsweep/block.h"
#include "simsweep/convert.h"
#include "simsweep/source.h"

/* Largest sample rate any backend accepts (100 GS/s). */
#define SOURCE_MAX_RATE_HZ 1e11
/* Largest block (samples), as documented in source.h. */
#define SOURCE_MAX_BLOCK_SAMPLES ((size_t)1 << 22)
#define SOURCE_ERRMSG_LEN        256

struct source;

struct source_ops {
	/* Same contract as source_read(); only called until it has returned
	 * something other than 1 (the dispatcher makes the end sticky). */
	int (*read)(struct source *s, struct block *blk);
	/* Release s->priv and everything it holds (not s itself). */
	void (*close)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	void *priv;               /* backend state */
	struct source_config cfg; /* copy; cfg.path points at path below */
	char *path;               /* owned copy of cfg->path */
	char *data_path;          /* owned; info.data_path points here */
	struct source_info info;
	int end; /* 1 until the end, then the sticky result */
	char errmsg[SOURCE_ERRMSG_LEN];
};

#if defined(__GNUC__)
#define SOURCE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SOURCE_PRINTF(f, a)
#endif

/* Write a printf-style message into s->errmsg and return code. */
int source_fail(struct source *s, int code, const char *fmt, ...) SOURCE_PRINTF(3, 4);

/* UTC of the sample `offset` samples after a sample at start_utc_ns, at
 * rate_hz, rounded to the nanosecond. Whole seconds and the remainder are
 * separated before scaling, so an integer rate is exact to the ns for any
 * offset below 2^53 samples (years at 20 MS/s), and others are within 1 ns.
 * Returns SIMSWEEP_UTC_UNKNOWN when start is unknown, the rate is not > 0,
 * or the result does not fit an int64. */
int64_t source_utc_at(int64_t start_utc_ns, uint64_t offset, double rate_hz);

/* true when rate_hz is a usable sample rate: finite, > 0, <= SOURCE_MAX_RATE_HZ. */
bool source_rate_ok(double rate_hz);

/* Float samples from files (cf32, float WAV) may hold anything: NaN, Inf,
 * or magnitudes whose power overflows a float FFT. Each component beyond
 * +-SOURCE_CF_LIMIT (120 dB over full scale) is set to that limit, and NaN
 * to 0, before a block leaves the source. Returns the samples changed. */
#define SOURCE_CF_LIMIT 1e6f
uint64_t source_bound_cf(float complex *iq, size_t n);

/* --- raw interleaved I/Q from a FILE* (file_raw.c), also used by sigmf.c --- */

struct raw_stream {
	FILE *f;
	bool own_file; /* fclose at the end (false for stdin) */
	enum sample_format format;
	size_t sample_bytes;   /* bytes per complex sample */
	size_t block_samples;  /* capacity of buf and iq */
	uint8_t *buf;          /* block_samples * sample_bytes */
	float complex *iq;     /* block_samples converted samples */
	uint64_t samples_read; /* whole samples consumed so far */
	size_t tail_bytes;     /* bytes of a partial sample found at the end */
	bool eof;              /* no more bytes will come */
};

/* Take f (closed by raw_stream_free when own_file) and allocate the buffers.
 * On failure f is NOT closed and the stream holds nothing. */
int raw_stream_init(struct raw_stream *r, struct source *s, FILE *f, bool own_file,
                    enum sample_format format, size_t block_samples);

/* Read and convert up to max_samples (<= block_samples) whole samples into
 * r->iq. *n = 0 means the end of the input (r->tail_bytes then says whether
 * it ended inside a sample). Returns 0, or SIMSWEEP_EIO (message in s). */
int raw_stream_read(struct raw_stream *r, struct source *s, size_t max_samples, size_t *n,
                    uint64_t *clipped);

/* Skip `samples` whole samples (fseeko on files). Returns 0, SIMSWEEP_EIO,
 * or SIMSWEEP_ETRUNC when the input ends first. */
int raw_stream_skip(struct raw_stream *r, struct source *s, uint64_t samples);

/* The message for a partial trailing sample; returns SIMSWEEP_ETRUNC. */
int raw_stream_trunc(struct raw_stream *r, struct source *s);

void raw_stream_free(struct raw_stream *r);

/* Open a raw source on a stream that is already open (stdin for "-", or a
 * pipe in tests); f is never closed by the source. cfg->format and
 * cfg->rate_hz must be given. Same results as source_open(). */
int source_open_stream(const struct source_config *cfg, FILE *f, struct source **out, char *err,
                       size_t err_len);

/* Open a SigMF recording whose metadata is in memory (meta_len bytes) and
 * whose data file is cfg->path; for tests and fuzzing, which need not write
 * the metadata to a file. Same results as source_open(). */
int source_open_sigmf_text(const struct source_config *cfg, const char *meta, size_t meta_len,
                           struct source **out, char *err, size_t err_len);

/* --- backends: open functions called by source.c --- */

/* Raw file at s->path, or the stream f when not NULL (not closed). */
int raw_open(struct source *s, FILE *f, enum sample_format format);
int sigmf_open(struct source *s);
/* SigMF from metadata already in memory (meta_len bytes, need not end in a
 * NUL); s->path names the .sigmf-data file. */
int sigmf_open_text(struct source *s, const char *meta, size_t meta_len);
int wav_open(struct source *s);

#endif
