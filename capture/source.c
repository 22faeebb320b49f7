/* source.c - the source dispatcher: validates the configuration, picks a
 * backend from the file name (or the explicit format), and forwards reads
 * through the backend's ops. Also the helpers the backends share.
 *
 *   "-"                                  raw from stdin (format and rate required)
 *   .sigmf-meta .sigmf-data .sigmf      SigMF pair (sigmf.c)
 *   .wav .wave                           WAV via libsndfile (wav.c)
 *   .cu8 .cs8 .cs16 .cf32 .cfile ...     raw interleaved I/Q (file_raw.c)
 *   anything else                        raw only with an explicit format
 */
#include "source_impl.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "simsweep/error.h"

#define NS_PER_S 1000000000LL

/* Raw extensions and the format each implies. */
static const struct {
	const char *ext;
	enum sample_format format;
} raw_extensions[] = {
    {".cu8", SAMPLE_FORMAT_CU8},    {".cs8", SAMPLE_FORMAT_CS8},   {".sc8", SAMPLE_FORMAT_CS8},
    {".cs16", SAMPLE_FORMAT_CS16},  {".sc16", SAMPLE_FORMAT_CS16}, {".cf32", SAMPLE_FORMAT_CF32},
    {".cfile", SAMPLE_FORMAT_CF32}, {".fc32", SAMPLE_FORMAT_CF32},
};

void source_config_default(struct source_config *cfg)
{
	if (!cfg)
		return;
	*cfg = (struct source_config){
	    .path = NULL,
	    .format = SAMPLE_FORMAT_UNKNOWN,
	    .rate_hz = 0.0,
	    .freq_hz = NAN,
	    .start_utc_ns = SIMSWEEP_UTC_UNKNOWN,
	    .block_samples = 65536,
	};
}

int source_fail(struct source *s, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
	va_end(ap);
	return code;
}

bool source_rate_ok(double rate_hz)
{
	return isfinite(rate_hz) && rate_hz > 0.0 && rate_hz <= SOURCE_MAX_RATE_HZ;
}

int64_t source_utc_at(int64_t start_utc_ns, uint64_t offset, double rate_hz)
{
	if (start_utc_ns == SIMSWEEP_UTC_UNKNOWN || !(rate_hz > 0.0) || !isfinite(rate_hz))
		return SIMSWEEP_UTC_UNKNOWN;
	/* Whole seconds and the samples left over are separated first: for an
	 * integer rate both are exact, and the fraction (< 1 s) keeps its ns
	 * whatever the length of the recording. */
	const long double r = rate_hz;
	long double secs = floorl((long double)offset / r);
	long double rem = (long double)offset - secs * r;
	if (rem < 0) {
		secs -= 1;
		rem += r;
	} else if (rem >= r) {
		secs += 1;
		rem -= r;
	}
	if (secs >= (long double)(INT64_MAX / NS_PER_S - 1))
		return SIMSWEEP_UTC_UNKNOWN;
	int64_t ns = (int64_t)secs * NS_PER_S + (int64_t)llroundl(rem * 1e9L / r);
	if (start_utc_ns > 0 && ns > INT64_MAX - start_utc_ns)
		return SIMSWEEP_UTC_UNKNOWN;
	return start_utc_ns + ns;
}

/* The extension of the last path component ("" when none), with its dot. */
static const char *path_extension(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	return dot && dot != base ? dot : "";
}

static bool is_sigmf_extension(const char *ext)
{
	return strcasecmp(ext, ".sigmf-meta") == 0 || strcasecmp(ext, ".sigmf-data") == 0 ||
	       strcasecmp(ext, ".sigmf") == 0;
}

static bool is_wav_extension(const char *ext)
{
	return strcasecmp(ext, ".wav") == 0 || strcasecmp(ext, ".wave") == 0;
}

static enum sample_format raw_extension_format(const char *ext)
{
	for (size_t i = 0; i < sizeof raw_extensions / sizeof raw_extensions[0]; i++)
		if (strcasecmp(ext, raw_extensions[i].ext) == 0)
			return raw_extensions[i].format;
	return SAMPLE_FORMAT_UNKNOWN;
}

/* Check everything in cfg that does not depend on the input. */
static int validate_config(const struct source_config *cfg, char *msg, size_t len)
{
	if (!cfg->path || !*cfg->path) {
		snprintf(msg, len, "no input file given");
		return SIMSWEEP_EINVAL;
	}
	if (cfg->block_samples < 1 || cfg->block_samples > SOURCE_MAX_BLOCK_SAMPLES) {
		snprintf(msg, len, "block size %zu samples out of range 1..%zu", cfg->block_samples,
		         SOURCE_MAX_BLOCK_SAMPLES);
		return SIMSWEEP_EINVAL;
	}
	if (cfg->rate_hz != 0.0 && !source_rate_ok(cfg->rate_hz)) {
		snprintf(msg, len, "sample rate %g Hz out of range (0 .. %g]", cfg->rate_hz,
		         SOURCE_MAX_RATE_HZ);
		return SIMSWEEP_EINVAL;
	}
	if (isinf(cfg->freq_hz)) {
		snprintf(msg, len, "centre frequency must be finite");
		return SIMSWEEP_EINVAL;
	}
	if ((unsigned)cfg->format > (unsigned)SAMPLE_FORMAT_CF32) {
		snprintf(msg, len, "invalid sample format %d", (int)cfg->format);
		return SIMSWEEP_EINVAL;
	}
	return SIMSWEEP_OK;
}

static void copy_err(char *err, size_t err_len, const char *msg)
{
	if (err && err_len)
		snprintf(err, err_len, "%s", msg);
}

static struct source *source_alloc(const struct source_config *cfg)
{
	struct source *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->path = strdup(cfg->path);
	if (!s->path) {
		free(s);
		return NULL;
	}
	s->cfg = *cfg;
	s->cfg.path = s->path;
	s->end = 1;
	s->info.freq_hz = NAN;
	s->info.start_utc_ns = SIMSWEEP_UTC_UNKNOWN;
	return s;
}

static void source_free(struct source *s)
{
	if (!s)
		return;
	free(s->data_path);
	free(s->path);
	free(s);
}

/* Pick the backend for a named file. Returns 0 or a negative code with the
 * reason in s->errmsg. */
static int open_by_name(struct source *s)
{
	const char *path = s->path;
	const char *ext = path_extension(path);

	/* SigMF: either file of the pair (or their base name) is given, so
	 * the name itself need not exist; the backend finds the pair. */
	if (is_sigmf_extension(ext))
		return sigmf_open(s);

	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return source_fail(s, SIMSWEEP_ENOENT, "no such file");
		return source_fail(s, SIMSWEEP_EIO, "%s", strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return source_fail(s, SIMSWEEP_EINVAL, "is a directory, not a recording");

	if (is_wav_extension(ext))
		return wav_open(s);

	enum sample_format format = s->cfg.format;
	if (format == SAMPLE_FORMAT_UNKNOWN)
		format = raw_extension_format(ext);
	if (format == SAMPLE_FORMAT_UNKNOWN) {
		if (!*ext)
			return source_fail(s, SIMSWEEP_EUNSUPPORTED,
			                   "no file extension: give --format cu8|cs8|cs16|cf32");
		return source_fail(
		    s, SIMSWEEP_EUNSUPPORTED,
		    "unknown file extension '%.32s': give --format cu8|cs8|cs16|cf32", ext);
	}
	return raw_open(s, NULL, format);
}

static int finish_open(struct source *s, int rc, struct source **out, char *err, size_t err_len)
{
	if (rc < 0) {
		copy_err(err, err_len, s->errmsg[0] ? s->errmsg : simsweep_strerror(rc));
		source_free(s);
		return rc;
	}
	s->info.data_path = s->data_path ? s->data_path : s->path;
	s->errmsg[0] = '\0';
	copy_err(err, err_len, "");
	*out = s;
	return SIMSWEEP_OK;
}

int source_open(const struct source_config *cfg, struct source **out, char *err, size_t err_len)
{
	if (out)
		*out = NULL;
	copy_err(err, err_len, "");
	if (!cfg || !out) {
		copy_err(err, err_len, "invalid arguments");
		return SIMSWEEP_EINVAL;
	}
	char msg[SOURCE_ERRMSG_LEN];
	int rc = validate_config(cfg, msg, sizeof msg);
	if (rc < 0) {
		copy_err(err, err_len, msg);
		return rc;
	}
	if (strcmp(cfg->path, "-") == 0)
		return source_open_stream(cfg, stdin, out, err, err_len);

	struct source *s = source_alloc(cfg);
	if (!s) {
		copy_err(err, err_len, "out of memory");
		return SIMSWEEP_ENOMEM;
	}
	return finish_open(s, open_by_name(s), out, err, err_len);
}

int source_open_stream(const struct source_config *cfg, FILE *f, struct source **out, char *err,
                       size_t err_len)
{
	if (out)
		*out = NULL;
	copy_err(err, err_len, "");
	if (!cfg || !out || !f) {
		copy_err(err, err_len, "invalid arguments");
		return SIMSWEEP_EINVAL;
	}
	struct source_config c = *cfg;
	if (!c.path)
		c.path = "-";
	char msg[SOURCE_ERRMSG_LEN];
	int rc = validate_config(&c, msg, sizeof msg);
	if (rc < 0) {
		copy_err(err, err_len, msg);
		return rc;
	}
	if (c.format == SAMPLE_FORMAT_UNKNOWN) {
		copy_err(err, err_len, "reading stdin needs --format cu8|cs8|cs16|cf32");
		return SIMSWEEP_EINVAL;
	}
	if (c.rate_hz == 0.0) {
		copy_err(err, err_len, "reading stdin needs --rate");
		return SIMSWEEP_ENORATE;
	}
	struct source *s = source_alloc(&c);
	if (!s) {
		copy_err(err, err_len, "out of memory");
		return SIMSWEEP_ENOMEM;
	}
	return finish_open(s, raw_open(s, f, c.format), out, err, err_len);
}

int source_open_sigmf_text(const struct source_config *cfg, const char *meta, size_t meta_len,
                           struct source **out, char *err, size_t err_len)
{
	if (out)
		*out = NULL;
	copy_err(err, err_len, "");
	if (!cfg || !out || (!meta && meta_len)) {
		copy_err(err, err_len, "invalid arguments");
		return SIMSWEEP_EINVAL;
	}
	char msg[SOURCE_ERRMSG_LEN];
	int rc = validate_config(cfg, msg, sizeof msg);
	if (rc < 0) {
		copy_err(err, err_len, msg);
		return rc;
	}
	struct source *s = source_alloc(cfg);
	if (!s) {
		copy_err(err, err_len, "out of memory");
		return SIMSWEEP_ENOMEM;
	}
	return finish_open(s, sigmf_open_text(s, meta ? meta : "", meta_len), out, err, err_len);
}

int source_read(struct source *s, struct block *blk)
{
	if (!s || !blk)
		return SIMSWEEP_EINVAL;
	if (s->end != 1)
		return s->end;
	int rc = s->ops->read(s, blk);
	if (rc != 1)
		s->end = rc;
	return rc;
}

const struct source_info *source_info(const struct source *s)
{
	return s ? &s->info : NULL;
}

const char *source_errmsg(const struct source *s)
{
	return s ? s->errmsg : "";
}

void source_close(struct source *s)
{
	if (!s)
		return;
	if (s->ops && s->ops->close)
		s->ops->close(s);
	source_free(s);
}
