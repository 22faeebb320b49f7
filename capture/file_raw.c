/* file_raw.c - raw interleaved I/Q recordings (.cu8 .cs8 .cs16 .cf32, stdin).
 *
 * Streaming with one fixed buffer of block_samples samples: memory stays the
 * same whatever the size of the file. fread() only returns short at the end
 * of the input (or on an error), so a short read that leaves part of a sample
 * means the input ended inside a sample: the whole samples are delivered,
 * then the next read reports SIMSWEEP_ETRUNC.
 *
 * The raw_stream helpers are shared with sigmf.c, whose .sigmf-data is the
 * same kind of file. cf32 samples are bounded (source_bound_cf): a file's
 * NaN or 1e30 must not reach the spectrum.
 */
#include "source_impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "simsweep/error.h"

struct raw_source {
	struct raw_stream in;
	bool is_stream; /* stdin or a pipe: no file size, "input" in messages */
	double rate_hz;
	double freq_hz;
	int64_t start_utc_ns;
};

int raw_stream_init(struct raw_stream *r, struct source *s, FILE *f, bool own_file,
                    enum sample_format format, size_t block_samples)
{
	*r = (struct raw_stream){0};
	size_t sample_bytes = sample_format_size(format);
	if (!f || sample_bytes == 0 || block_samples < 1 ||
	    block_samples > SOURCE_MAX_BLOCK_SAMPLES)
		return source_fail(s, SIMSWEEP_EINVAL, "invalid raw stream parameters");
	uint8_t *buf = malloc(block_samples * sample_bytes);
	float complex *iq = malloc(block_samples * sizeof *iq);
	if (!buf || !iq)
		goto fail;
	*r = (struct raw_stream){
	    .f = f,
	    .own_file = own_file,
	    .format = format,
	    .sample_bytes = sample_bytes,
	    .block_samples = block_samples,
	    .buf = buf,
	    .iq = iq,
	};
	return SIMSWEEP_OK;
fail:
	free(buf);
	free(iq);
	return source_fail(s, SIMSWEEP_ENOMEM, "out of memory for %zu-sample blocks",
	                   block_samples);
}

/* fread that retries after EINTR. Returns the bytes read; *err is 0 or the
 * errno of a read error. */
static size_t read_fully(FILE *f, void *buf, size_t len, int *err)
{
	size_t got = 0;
	*err = 0;
	while (got < len) {
		size_t k = fread((uint8_t *)buf + got, 1, len - got, f);
		got += k;
		if (got == len)
			break;
		if (ferror(f)) {
			if (errno == EINTR) {
				clearerr(f);
				continue;
			}
			*err = errno ? errno : EIO;
		}
		break;
	}
	return got;
}

uint64_t source_bound_cf(float complex *iq, size_t n)
{
	float *v = (float *)iq;
	uint64_t changed = 0;
	for (size_t k = 0; k < n; k++) {
		bool hit = false;
		for (size_t c = 2 * k; c < 2 * k + 2; c++)
			if (!(fabsf(v[c]) <= SOURCE_CF_LIMIT)) { /* also NaN */
				v[c] = isnan(v[c]) ? 0.0f : copysignf(SOURCE_CF_LIMIT, v[c]);
				hit = true;
			}
		changed += hit;
	}
	return changed;
}

int raw_stream_read(struct raw_stream *r, struct source *s, size_t max_samples, size_t *n,
                    uint64_t *clipped)
{
	*n = 0;
	*clipped = 0;
	if (r->eof || max_samples == 0)
		return SIMSWEEP_OK;
	if (max_samples > r->block_samples)
		max_samples = r->block_samples;
	size_t want = max_samples * r->sample_bytes;
	int err;
	size_t got = read_fully(r->f, r->buf, want, &err);
	if (err)
		return source_fail(s, SIMSWEEP_EIO, "read error: %s", strerror(err));
	if (got < want)
		r->eof = true;
	size_t whole = got / r->sample_bytes;
	r->tail_bytes = got % r->sample_bytes;
	*clipped = convert_to_cf(r->format, r->buf, r->iq, whole);
	if (r->format == SAMPLE_FORMAT_CF32)
		source_bound_cf(r->iq, whole);
	r->samples_read += whole;
	*n = whole;
	return SIMSWEEP_OK;
}

int raw_stream_skip(struct raw_stream *r, struct source *s, uint64_t samples)
{
	if (samples == 0)
		return SIMSWEEP_OK;
	if (samples <= (uint64_t)INT64_MAX / r->sample_bytes &&
	    fseeko(r->f, (off_t)(samples * r->sample_bytes), SEEK_CUR) == 0) {
		/* Seeking past the end succeeds; the next read finds the end. */
		r->samples_read += samples;
		return SIMSWEEP_OK;
	}
	/* Not seekable: read and drop. */
	while (samples > 0) {
		size_t n;
		uint64_t clipped;
		size_t step = samples < r->block_samples ? (size_t)samples : r->block_samples;
		int rc = raw_stream_read(r, s, step, &n, &clipped);
		if (rc < 0)
			return rc;
		if (n == 0)
			return source_fail(s, SIMSWEEP_ETRUNC, "input ends before sample %llu",
			                   (unsigned long long)(r->samples_read + samples));
		samples -= n;
	}
	return SIMSWEEP_OK;
}

int raw_stream_trunc(struct raw_stream *r, struct source *s)
{
	const char *unit = r->tail_bytes == 1 ? "byte" : "bytes";
	if (r->samples_read == 0)
		return source_fail(
		    s, SIMSWEEP_ETRUNC, "truncated: %zu %s, less than one %s sample (%zu bytes)",
		    r->tail_bytes, unit, sample_format_name(r->format), r->sample_bytes);
	return source_fail(s, SIMSWEEP_ETRUNC, "truncated: %zu %s after the last whole sample",
	                   r->tail_bytes, unit);
}

void raw_stream_free(struct raw_stream *r)
{
	if (!r)
		return;
	if (r->f && r->own_file)
		fclose(r->f);
	free(r->buf);
	free(r->iq);
	*r = (struct raw_stream){0};
}

static int raw_read(struct source *s, struct block *blk)
{
	struct raw_source *r = s->priv;
	size_t n;
	uint64_t clipped;
	int rc = raw_stream_read(&r->in, s, r->in.block_samples, &n, &clipped);
	if (rc < 0)
		return rc;
	if (n == 0) {
		if (r->in.tail_bytes)
			return raw_stream_trunc(&r->in, s);
		if (r->in.samples_read == 0)
			return source_fail(s, SIMSWEEP_EEMPTY, "empty %s: no samples",
			                   r->is_stream ? "input" : "file");
		return 0;
	}
	uint64_t index = r->in.samples_read - n;
	*blk = (struct block){
	    .iq = r->in.iq,
	    .n = n,
	    .sample_index = index,
	    .rate_hz = r->rate_hz,
	    .freq_hz = r->freq_hz,
	    .utc_ns = source_utc_at(r->start_utc_ns, index, r->rate_hz),
	    .gain_db = NAN,
	    .dropped = 0,
	    .clipped = clipped,
	    .segment = 0,
	};
	return 1;
}

static void raw_close(struct source *s)
{
	struct raw_source *r = s->priv;
	if (!r)
		return;
	raw_stream_free(&r->in);
	free(r);
	s->priv = NULL;
}

static const struct source_ops raw_ops = {
    .read = raw_read,
    .close = raw_close,
};

int raw_open(struct source *s, FILE *f, enum sample_format format)
{
	const struct source_config *cfg = &s->cfg;
	FILE *file = NULL;
	struct raw_source *r = NULL;
	int rc;

	/* Metadata first (no allocation yet): option, else name tag. */
	double name_freq_hz = NAN, name_rate_hz = 0.0;
	int64_t name_start_ns = SIMSWEEP_UTC_UNKNOWN;
	if (!f)
		source_parse_name(s->path, &name_freq_hz, &name_rate_hz, &name_start_ns);
	double rate_hz = cfg->rate_hz != 0.0 ? cfg->rate_hz : name_rate_hz;
	if (!source_rate_ok(rate_hz))
		return source_fail(
		    s, SIMSWEEP_ENORATE,
		    "sample rate unknown: give --rate or a name tag such as '_2.4M'");

	uint64_t total_samples = 0;
	if (f) {
		file = f;
	} else {
		file = fopen(s->path, "rb");
		if (!file) {
			if (errno == ENOENT)
				return source_fail(s, SIMSWEEP_ENOENT, "no such file");
			return source_fail(s, SIMSWEEP_EIO, "%s", strerror(errno));
		}
		struct stat st;
		if (fstat(fileno(file), &st) != 0) {
			rc = source_fail(s, SIMSWEEP_EIO, "%s", strerror(errno));
			goto fail;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = source_fail(s, SIMSWEEP_EINVAL, "is a directory, not a recording");
			goto fail;
		}
		if (S_ISREG(st.st_mode))
			total_samples = (uint64_t)st.st_size / sample_format_size(format);
	}

	r = calloc(1, sizeof *r);
	if (!r) {
		rc = source_fail(s, SIMSWEEP_ENOMEM, "out of memory");
		goto fail;
	}
	rc = raw_stream_init(&r->in, s, file, !f, format, cfg->block_samples);
	if (rc < 0)
		goto fail;
	r->is_stream = f != NULL;
	r->rate_hz = rate_hz;
	r->freq_hz = !isnan(cfg->freq_hz) ? cfg->freq_hz : name_freq_hz;
	r->start_utc_ns =
	    cfg->start_utc_ns != SIMSWEEP_UTC_UNKNOWN ? cfg->start_utc_ns : name_start_ns;

	s->ops = &raw_ops;
	s->priv = r;
	s->info = (struct source_info){
	    .kind = "raw",
	    .format = format,
	    .rate_hz = r->rate_hz,
	    .freq_hz = r->freq_hz,
	    .start_utc_ns = r->start_utc_ns,
	    .total_samples = total_samples,
	};
	return SIMSWEEP_OK;
fail:
	free(r);
	if (file && !f)
		fclose(file);
	return rc;
}
