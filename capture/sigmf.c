/* sigmf.c - SigMF recordings: a .sigmf-meta (JSON) beside a .sigmf-data (raw
 * interleaved samples). Either file, or their common base name + ".sigmf",
 * may be given.
 *
 *   global:   core:datatype     cu8, ci8, ci16_le, cf32_le (required)
 *             core:sample_rate  Hz, required unless --rate is given
 *   captures: core:sample_start index of the segment's first sample in the
 *                               data file (may be omitted for one capture)
 *             core:frequency    centre, Hz (optional)
 *             core:datetime     ISO-8601 UTC of the segment's first sample
 *
 *   data file:  |seg 0 .........|seg 1 (retune) ........|seg 2 ..... EOF
 *               ^sample_start[0] ^sample_start[1]         ^sample_start[2]
 *
 * Each capture is a segment: blocks stop at segment boundaries and carry the
 * segment's number, frequency and time; sample_index is the index in the
 * data file. A segment without core:datetime continues the time of the one
 * before it (that datetime + the samples since / rate). Samples before
 * the first capture are not described and are skipped.
 *
 * SigMF archives (a tar of the pair, also named .sigmf) and big-endian or
 * real-valued datatypes are not supported. Name tags are not read: SigMF
 * describes itself.
 */
#include "source_impl.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "simsweep/error.h"
#include "simsweep/units.h"

/* Metadata larger than this is refused before it is read (bytes). */
#define SIGMF_META_MAX_BYTES ((size_t)64 << 20)
/* Sample indices must be exact in a JSON (double) number. */
#define SIGMF_MAX_SAMPLE_START 9007199254740992.0 /* 2^53 */

struct sigmf_segment {
	uint64_t start; /* first sample (index in the data file) */
	uint64_t end;   /* one past the last sample; UINT64_MAX for the last segment */
	double freq_hz; /* NAN when unknown */
	/* Time: sample anchor_index was at anchor_utc_ns (or that is unknown).
	 * A segment without datetime keeps the anchor of the one before, so
	 * that its times are not rounded twice. */
	int64_t anchor_utc_ns;
	uint64_t anchor_index;
};

struct sigmf_source {
	struct raw_stream in;
	double rate_hz;
	struct sigmf_segment *seg;
	size_t n_seg;
	size_t cur;         /* segment of the next block */
	uint64_t delivered; /* samples handed out so far */
};

/* --- reading the pair ------------------------------------------------- */

static char *concat(const char *a, size_t a_len, const char *b)
{
	size_t b_len = strlen(b);
	char *s = malloc(a_len + b_len + 1);
	if (!s)
		return NULL;
	memcpy(s, a, a_len);
	memcpy(s + a_len, b, b_len + 1);
	return s;
}

/* Read the whole metadata file into a NUL-terminated buffer. */
static int read_meta(struct source *s, const char *meta_path, char **text, size_t *len)
{
	char *buf = NULL;
	int rc;
	FILE *f = fopen(meta_path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return source_fail(s, SIMSWEEP_ENOENT, "metadata file '%s' not found",
			                   meta_path);
		return source_fail(s, SIMSWEEP_EIO, "metadata file '%s': %s", meta_path,
		                   strerror(errno));
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		rc = source_fail(s, SIMSWEEP_EIO, "metadata file: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = source_fail(s, SIMSWEEP_EFORMAT, "metadata '%s' is not a regular file",
		                 meta_path);
		goto fail;
	}
	if ((uint64_t)st.st_size > SIGMF_META_MAX_BYTES) {
		rc = source_fail(s, SIMSWEEP_EFORMAT, "metadata file is larger than %zu MiB",
		                 SIGMF_META_MAX_BYTES >> 20);
		goto fail;
	}
	size_t size = (size_t)st.st_size;
	buf = malloc(size + 1);
	if (!buf) {
		rc = source_fail(s, SIMSWEEP_ENOMEM, "out of memory for the metadata");
		goto fail;
	}
	size_t got = fread(buf, 1, size, f);
	if (got != size && ferror(f)) {
		rc = source_fail(s, SIMSWEEP_EIO, "metadata file: %s", strerror(errno));
		goto fail;
	}
	buf[got] = '\0';
	fclose(f);
	*text = buf;
	*len = got;
	return SIMSWEEP_OK;
fail:
	free(buf);
	fclose(f);
	return rc;
}

static int parse_json(struct source *s, const char *text, size_t len, cJSON **out)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!root) {
		unsigned line = 1, col = 1;
		if (end && end >= text && end <= text + len)
			for (const char *p = text; p < end; p++) {
				if (*p == '\n') {
					line++;
					col = 1;
				} else {
					col++;
				}
			}
		return source_fail(s, SIMSWEEP_EFORMAT,
		                   "metadata is not valid JSON (error near line %u, column %u)",
		                   line, col);
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return source_fail(s, SIMSWEEP_EFORMAT, "metadata is not a JSON object");
	}
	*out = root;
	return SIMSWEEP_OK;
}

/* --- fields ----------------------------------------------------------- */

/* A number field: *present says whether it is there. */
static int get_number(struct source *s, const cJSON *obj, const char *key, const char *where,
                      bool *present, double *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	*present = item != NULL;
	if (!item)
		return SIMSWEEP_OK;
	if (!cJSON_IsNumber(item))
		return source_fail(s, SIMSWEEP_EFORMAT, "%s in %s is not a number", key, where);
	*out = item->valuedouble;
	return SIMSWEEP_OK;
}

static int get_string(struct source *s, const cJSON *obj, const char *key, const char *where,
                      const char **out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = NULL;
	if (!item)
		return SIMSWEEP_OK;
	if (!cJSON_IsString(item) || !item->valuestring)
		return source_fail(s, SIMSWEEP_EFORMAT, "%s in %s is not a string", key, where);
	*out = item->valuestring;
	return SIMSWEEP_OK;
}

/* SigMF datatype -> sample format: [c|r](f32|f64|i32|i16|u32|u16|i8|u8)[_le|_be]. */
static int parse_datatype(struct source *s, const char *dt, enum sample_format *format)
{
	static const struct {
		const char *name;
		enum sample_format format;
	} supported[] = {
	    {"cu8", SAMPLE_FORMAT_CU8},
	    {"ci8", SAMPLE_FORMAT_CS8},
	    {"ci16_le", SAMPLE_FORMAT_CS16},
	    {"cf32_le", SAMPLE_FORMAT_CF32},
	};
	for (size_t i = 0; i < sizeof supported / sizeof supported[0]; i++)
		if (strcmp(dt, supported[i].name) == 0) {
			*format = supported[i].format;
			return SIMSWEEP_OK;
		}
	size_t len = strlen(dt);
	if (dt[0] == 'r')
		return source_fail(s, SIMSWEEP_EUNSUPPORTED,
		                   "real-valued datatype '%.32s' is not I/Q", dt);
	if (len > 3 && strcmp(dt + len - 3, "_be") == 0)
		return source_fail(s, SIMSWEEP_EUNSUPPORTED,
		                   "big-endian datatype '%.32s' is not supported", dt);
	return source_fail(s, SIMSWEEP_EUNSUPPORTED,
	                   "datatype '%.32s' is not supported (cu8, ci8, ci16_le, cf32_le)", dt);
}

/* Read the global object: datatype and sample rate (with the options). */
static int parse_global(struct source *s, const cJSON *root, enum sample_format *format,
                        double *rate_hz)
{
	const cJSON *global = cJSON_GetObjectItemCaseSensitive(root, "global");
	if (!global)
		return source_fail(s, SIMSWEEP_EFORMAT, "global missing in metadata");
	if (!cJSON_IsObject(global))
		return source_fail(s, SIMSWEEP_EFORMAT, "global in metadata is not an object");

	const char *str;
	int rc = get_string(s, global, "core:version", "global", &str);
	if (rc < 0)
		return rc;

	rc = get_string(s, global, "core:datatype", "global", &str);
	if (rc < 0)
		return rc;
	if (s->cfg.format != SAMPLE_FORMAT_UNKNOWN) {
		*format = s->cfg.format;
	} else {
		if (!str)
			return source_fail(s, SIMSWEEP_EFORMAT, "core:datatype missing in global");
		rc = parse_datatype(s, str, format);
		if (rc < 0)
			return rc;
	}

	bool present;
	double rate = 0.0;
	rc = get_number(s, global, "core:sample_rate", "global", &present, &rate);
	if (rc < 0)
		return rc;
	if (present && !source_rate_ok(rate))
		return source_fail(s, SIMSWEEP_EFORMAT,
		                   "core:sample_rate %g in global is out of range (0 .. %g Hz]",
		                   rate, SOURCE_MAX_RATE_HZ);
	if (s->cfg.rate_hz != 0.0)
		rate = s->cfg.rate_hz;
	else if (!present)
		return source_fail(s, SIMSWEEP_EFORMAT, "core:sample_rate missing in global");
	*rate_hz = rate;
	return SIMSWEEP_OK;
}

/* Fill one segment from captures[i] (or from nothing when capture is NULL). */
static int parse_capture(struct source *s, const cJSON *capture, size_t i, size_t n,
                         struct sigmf_segment *seg)
{
	char where[32];
	snprintf(where, sizeof where, "captures[%zu]", i);
	seg->start = 0;
	seg->freq_hz = NAN;
	seg->anchor_utc_ns = SIMSWEEP_UTC_UNKNOWN;
	if (!capture)
		return SIMSWEEP_OK;
	if (!cJSON_IsObject(capture))
		return source_fail(s, SIMSWEEP_EFORMAT, "%s is not an object", where);

	bool present;
	double v = 0.0;
	int rc = get_number(s, capture, "core:sample_start", where, &present, &v);
	if (rc < 0)
		return rc;
	if (!present && n > 1)
		return source_fail(s, SIMSWEEP_EFORMAT, "core:sample_start missing in %s", where);
	/* Checked as a double, before any conversion: 8e18 or -1 or 0.5
	 * must not become an index. */
	if (present && !(v >= 0.0 && v <= SIGMF_MAX_SAMPLE_START && v == floor(v)))
		return source_fail(s, SIMSWEEP_EFORMAT,
		                   "core:sample_start %.17g in %s is not a valid sample index", v,
		                   where);
	seg->start = (uint64_t)v;
	seg->anchor_index = seg->start;

	rc = get_number(s, capture, "core:frequency", where, &present, &v);
	if (rc < 0)
		return rc;
	if (present) {
		if (!isfinite(v))
			return source_fail(s, SIMSWEEP_EFORMAT,
			                   "core:frequency in %s is not finite", where);
		seg->freq_hz = v;
	}

	const char *dt;
	rc = get_string(s, capture, "core:datetime", where, &dt);
	if (rc < 0)
		return rc;
	if (dt && units_parse_utc(dt, &seg->anchor_utc_ns) != 0)
		return source_fail(s, SIMSWEEP_EFORMAT,
		                   "core:datetime '%.40s' in %s is not an ISO-8601 UTC time", dt,
		                   where);
	return SIMSWEEP_OK;
}

static int parse_captures(struct source *s, const cJSON *root, struct sigmf_segment **out,
                          size_t *n_out)
{
	const cJSON *captures = cJSON_GetObjectItemCaseSensitive(root, "captures");
	if (captures && !cJSON_IsArray(captures))
		return source_fail(s, SIMSWEEP_EFORMAT, "captures in metadata is not an array");
	int count = captures ? cJSON_GetArraySize(captures) : 0;
	/* No captures: one segment from sample 0 with nothing known. */
	size_t n = count > 0 ? (size_t)count : 1;
	struct sigmf_segment *seg = calloc(n, sizeof *seg);
	if (!seg)
		return source_fail(s, SIMSWEEP_ENOMEM, "out of memory for %zu captures", n);

	int rc;
	size_t i = 0;
	const cJSON *c = count > 0 ? captures->child : NULL;
	for (; i < n; i++) {
		rc = parse_capture(s, c, i, n, &seg[i]);
		if (rc < 0)
			goto fail;
		if (i > 0 && seg[i].start <= seg[i - 1].start) {
			rc = source_fail(
			    s, SIMSWEEP_EFORMAT,
			    "core:sample_start in captures[%zu] is not after the one in "
			    "captures[%zu]",
			    i, i - 1);
			goto fail;
		}
		if (c)
			c = c->next;
	}
	*out = seg;
	*n_out = n;
	return SIMSWEEP_OK;
fail:
	free(seg);
	return rc;
}

/* Segment ends, frequencies and times once the options are known. */
static void finish_segments(struct sigmf_segment *seg, size_t n, const struct source_config *cfg)
{
	for (size_t i = 0; i < n; i++) {
		seg[i].end = i + 1 < n ? seg[i + 1].start : UINT64_MAX;
		if (!isnan(cfg->freq_hz))
			seg[i].freq_hz = cfg->freq_hz;
		if (cfg->start_utc_ns != SIMSWEEP_UTC_UNKNOWN) {
			/* The option times the first sample; the rest follows by count. */
			seg[i].anchor_utc_ns = cfg->start_utc_ns;
			seg[i].anchor_index = seg[0].start;
		} else if (seg[i].anchor_utc_ns == SIMSWEEP_UTC_UNKNOWN && i > 0) {
			seg[i].anchor_utc_ns = seg[i - 1].anchor_utc_ns;
			seg[i].anchor_index = seg[i - 1].anchor_index;
		}
	}
}

/* --- reading ---------------------------------------------------------- */

static int sigmf_read(struct source *s, struct block *blk)
{
	struct sigmf_source *g = s->priv;
	uint64_t pos = g->in.samples_read;
	while (g->cur + 1 < g->n_seg && pos >= g->seg[g->cur].end)
		g->cur++;
	const struct sigmf_segment *seg = &g->seg[g->cur];
	uint64_t left = seg->end - pos;
	size_t want = left < g->in.block_samples ? (size_t)left : g->in.block_samples;

	size_t n;
	uint64_t clipped;
	int rc = raw_stream_read(&g->in, s, want, &n, &clipped);
	if (rc < 0)
		return rc;
	if (n == 0) {
		if (g->in.tail_bytes)
			return raw_stream_trunc(&g->in, s);
		if (g->delivered == 0)
			return source_fail(s, SIMSWEEP_EEMPTY, "empty data file: no samples");
		return 0;
	}
	g->delivered += n;
	*blk = (struct block){
	    .iq = g->in.iq,
	    .n = n,
	    .sample_index = pos,
	    .rate_hz = g->rate_hz,
	    .freq_hz = seg->freq_hz,
	    .utc_ns = source_utc_at(seg->anchor_utc_ns, pos - seg->anchor_index, g->rate_hz),
	    .gain_db = NAN,
	    .dropped = 0,
	    .clipped = clipped,
	    .segment = (uint32_t)g->cur,
	};
	return 1;
}

static void sigmf_close(struct source *s)
{
	struct sigmf_source *g = s->priv;
	if (!g)
		return;
	raw_stream_free(&g->in);
	free(g->seg);
	free(g);
	s->priv = NULL;
}

static const struct source_ops sigmf_ops = {
    .read = sigmf_read,
    .close = sigmf_close,
};

/* Parse the metadata text and open the data file at data_path. Takes
 * data_path: on success it becomes s->data_path, on failure it is freed. */
static int open_meta_text(struct source *s, const char *text, size_t text_len, char *data_path)
{
	cJSON *root = NULL;
	struct sigmf_segment *seg = NULL;
	size_t n_seg = 0;
	struct sigmf_source *g = NULL;
	FILE *f = NULL;
	int rc;

	rc = parse_json(s, text, text_len, &root);
	if (rc < 0)
		goto fail;

	enum sample_format format = SAMPLE_FORMAT_UNKNOWN;
	double rate_hz = 0.0;
	rc = parse_global(s, root, &format, &rate_hz);
	if (rc < 0)
		goto fail;
	rc = parse_captures(s, root, &seg, &n_seg);
	if (rc < 0)
		goto fail;
	cJSON_Delete(root);
	root = NULL;

	f = fopen(data_path, "rb");
	if (!f) {
		if (errno == ENOENT)
			rc = source_fail(s, SIMSWEEP_ENOENT, "data file '%s' not found", data_path);
		else
			rc = source_fail(s, SIMSWEEP_EIO, "data file '%s': %s", data_path,
			                 strerror(errno));
		goto fail;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		rc = source_fail(s, SIMSWEEP_EIO, "data file: %s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = source_fail(s, SIMSWEEP_EINVAL, "data file '%s' is a directory", data_path);
		goto fail;
	}
	uint64_t total =
	    S_ISREG(st.st_mode) ? (uint64_t)st.st_size / sample_format_size(format) : 0;
	if (S_ISREG(st.st_mode))
		for (size_t i = 0; i < n_seg; i++)
			if (seg[i].start > 0 && seg[i].start >= total) {
				rc = source_fail(
				    s, SIMSWEEP_EFORMAT,
				    "core:sample_start %llu in captures[%zu] is beyond the "
				    "end of the data file (%llu samples)",
				    (unsigned long long)seg[i].start, i, (unsigned long long)total);
				goto fail;
			}
	finish_segments(seg, n_seg, &s->cfg);

	g = calloc(1, sizeof *g);
	if (!g) {
		rc = source_fail(s, SIMSWEEP_ENOMEM, "out of memory");
		goto fail;
	}
	rc = raw_stream_init(&g->in, s, f, true, format, s->cfg.block_samples);
	if (rc < 0)
		goto fail;
	f = NULL; /* the stream owns it now */
	rc = raw_stream_skip(&g->in, s, seg[0].start);
	if (rc < 0)
		goto fail;
	g->rate_hz = rate_hz;
	g->seg = seg;
	g->n_seg = n_seg;
	seg = NULL;

	s->data_path = data_path;
	s->ops = &sigmf_ops;
	s->priv = g;
	s->info = (struct source_info){
	    .kind = "sigmf",
	    .format = format,
	    .rate_hz = rate_hz,
	    .freq_hz = g->seg[0].freq_hz,
	    .start_utc_ns = source_utc_at(g->seg[0].anchor_utc_ns,
	                                  g->seg[0].start - g->seg[0].anchor_index, rate_hz),
	    .total_samples = total,
	};
	return SIMSWEEP_OK;
fail:
	if (g)
		raw_stream_free(&g->in);
	free(g);
	if (f)
		fclose(f);
	free(seg);
	cJSON_Delete(root);
	free(data_path);
	return rc;
}

int sigmf_open_text(struct source *s, const char *meta, size_t meta_len)
{
	char *data_path = strdup(s->path);
	if (!data_path)
		return source_fail(s, SIMSWEEP_ENOMEM, "out of memory");
	return open_meta_text(s, meta, meta_len, data_path);
}

int sigmf_open(struct source *s)
{
	char *meta_path = NULL, *data_path = NULL, *text = NULL;
	int rc;

	/* The pair's names from whichever was given. */
	const char *path = s->path;
	const char *dot = strrchr(path, '.');
	size_t base_len = (size_t)(dot - path); /* source.c matched a .sigmf* extension */
	bool given_meta = strcasecmp(dot, ".sigmf-meta") == 0;
	bool given_data = strcasecmp(dot, ".sigmf-data") == 0;
	if (!given_meta && !given_data) {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return source_fail(s, SIMSWEEP_EUNSUPPORTED,
			                   "SigMF archives (.sigmf) are not supported: extract the "
			                   ".sigmf-meta and .sigmf-data first");
	}
	meta_path = given_meta ? strdup(path) : concat(path, base_len, ".sigmf-meta");
	data_path = given_data ? strdup(path) : concat(path, base_len, ".sigmf-data");
	if (!meta_path || !data_path) {
		rc = source_fail(s, SIMSWEEP_ENOMEM, "out of memory");
		goto fail;
	}

	size_t text_len = 0;
	rc = read_meta(s, meta_path, &text, &text_len);
	if (rc < 0)
		goto fail;
	rc = open_meta_text(s, text, text_len, data_path);
	data_path = NULL; /* taken by open_meta_text */
fail:
	free(text);
	free(meta_path);
	free(data_path);
	return rc;
}
