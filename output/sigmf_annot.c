/* sigmf_annot.c - the SigMF annotation sink: a copy of the input's
 * .sigmf-meta (or, for a raw or WAV recording, a new one describing it)
 * with every burst as an annotation, so that inspectrum or IQEngine show
 * them over the waterfall. Written to its own file at the end of the input,
 * through a temporary file and a rename; the input is never overwritten. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/units.h"
#include "sink_impl.h"

struct sigmf_sink {
	const char *path; /* OUT.sigmf-meta */
	char *meta_path;  /* the input's metadata, or NULL */
	char *data_path;
	char *datatype;
	double rate_hz, freq_hz;
	int64_t start_utc_ns;
	cJSON *annotations; /* this input's, in order of detection */
	int inputs;         /* begun so far */
	int active;
};

static int fail(char *msg, size_t msg_len, int rv, const char *fmt, const char *a, const char *b)
{
	snprintf(msg, msg_len, fmt, a, b);
	return rv;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (!a || !b || stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int sg_open(const struct sink_options *o, void **state, char *msg, size_t msg_len)
{
	size_t n = strlen(o->sigmf_annotate);
	const char *ext = ".sigmf-meta";
	if (n < strlen(ext) || strcmp(o->sigmf_annotate + n - strlen(ext), ext) != 0)
		return fail(msg, msg_len, SIMSWEEP_EINVAL,
		            "%s: --sigmf-annotate needs a name ending in %s", o->sigmf_annotate,
		            ext);
	struct sigmf_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return fail(msg, msg_len, SIMSWEEP_ENOMEM, "%s%s: out of memory", o->sigmf_annotate,
		            "");
	s->path = o->sigmf_annotate;
	*state = s;
	return SIMSWEEP_OK;
}

static void sg_clear(struct sigmf_sink *s)
{
	free(s->meta_path);
	free(s->data_path);
	free(s->datatype);
	cJSON_Delete(s->annotations);
	s->meta_path = s->data_path = s->datatype = NULL;
	s->annotations = NULL;
	s->active = 0;
}

static int sg_begin(void *state, const struct sink_input *in, char *msg, size_t msg_len)
{
	struct sigmf_sink *s = state;
	if (++s->inputs > 1)
		return fail(msg, msg_len, SIMSWEEP_EINVAL,
		            "%s: --sigmf-annotate annotates one input; %s is another", s->path,
		            in->name ? in->name : "(input)");
	if (same_file(s->path, in->meta_path) || same_file(s->path, in->data_path))
		return fail(msg, msg_len, SIMSWEEP_EINVAL,
		            "%s: is the input itself; give --sigmf-annotate a new file%s", s->path,
		            "");
	sg_clear(s);
	s->meta_path = dup_or_null(in->meta_path);
	s->data_path = dup_or_null(in->data_path);
	s->datatype = dup_or_null(in->datatype);
	s->rate_hz = in->rate_hz;
	s->freq_hz = in->freq_hz;
	s->start_utc_ns = in->start_utc_ns;
	s->annotations = cJSON_CreateArray();
	if (!s->annotations || (in->meta_path && !s->meta_path) || (in->data_path && !s->data_path))
		return fail(msg, msg_len, SIMSWEEP_ENOMEM, "%s%s: out of memory", s->path, "");
	s->active = 1;
	return SIMSWEEP_OK;
}

static int sg_burst(void *state, const struct burst *b, const char *file, char *msg, size_t msg_len)
{
	(void)file;
	struct sigmf_sink *s = state;
	if (!s->active)
		return SIMSWEEP_OK;
	cJSON *a = cJSON_CreateObject();
	if (!a)
		return fail(msg, msg_len, SIMSWEEP_ENOMEM, "%s%s: out of memory", s->path, "");
	cJSON_AddNumberToObject(a, "core:sample_start", (double)b->sample);
	cJSON_AddNumberToObject(a, "core:sample_count", (double)b->n_samples);
	if (!isnan(b->freq_hz) && isfinite(b->bandwidth_hz)) {
		cJSON_AddNumberToObject(a, "core:freq_lower_edge",
		                        b->freq_hz - b->bandwidth_hz / 2);
		cJSON_AddNumberToObject(a, "core:freq_upper_edge",
		                        b->freq_hz + b->bandwidth_hz / 2);
	}
	const char *cls = b->class_id ? b->class_id : "unknown";
	char label[64];
	snprintf(label, sizeof(label), "%s%s", b->type == BURST_TYPE_CARRIER ? "carrier " : "",
	         cls);
	cJSON_AddStringToObject(a, "core:label", label);
	char comment[256];
	char pw[16] = "-", snr[16] = "-";
	if (isfinite(b->power_dbfs))
		snprintf(pw, sizeof(pw), "%.1f", b->power_dbfs);
	if (isfinite(b->snr_db))
		snprintf(snr, sizeof(snr), "%.1f", b->snr_db);
	snprintf(
	    comment, sizeof(comment),
	    "simsweep %s: %.3f ms, %.1f kHz wide, %s dBFS, SNR %s dB, kind %s, confidence %.2f",
	    b->type == BURST_TYPE_CARRIER ? "carrier" : "burst", b->duration_s * 1e3,
	    b->bandwidth_hz / 1e3, pw, snr, b->kind ? b->kind : "-", b->confidence);
	cJSON_AddStringToObject(a, "core:comment", comment);
	cJSON_AddItemToArray(s->annotations, a);
	return SIMSWEEP_OK;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len < 2) {
			char *nb = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = '\0';
	fclose(f);
	return buf;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* A new metadata document for a recording that has none. */
static cJSON *new_meta(const struct sigmf_sink *s)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *global = cJSON_AddObjectToObject(root, "global");
	cJSON_AddStringToObject(global, "core:datatype", s->datatype ? s->datatype : "cf32_le");
	cJSON_AddNumberToObject(global, "core:sample_rate", s->rate_hz);
	cJSON_AddStringToObject(global, "core:version", "1.0.0");
	cJSON_AddStringToObject(global, "core:recorder", "simsweep");
	cJSON *caps = cJSON_AddArrayToObject(root, "captures");
	cJSON *c = cJSON_CreateObject();
	cJSON_AddNumberToObject(c, "core:sample_start", 0);
	if (!isnan(s->freq_hz))
		cJSON_AddNumberToObject(c, "core:frequency", s->freq_hz);
	if (s->start_utc_ns != SIMSWEEP_UTC_UNKNOWN) {
		char buf[UNITS_UTC_LEN];
		cJSON_AddStringToObject(c, "core:datetime", units_format_utc(s->start_utc_ns, buf));
	}
	cJSON_AddItemToArray(caps, c);
	return root;
}

static int cmp_ann(const void *a, const void *b)
{
	const cJSON *x = *(cJSON *const *)a, *y = *(cJSON *const *)b;
	const cJSON *sx = cJSON_GetObjectItemCaseSensitive(x, "core:sample_start");
	const cJSON *sy = cJSON_GetObjectItemCaseSensitive(y, "core:sample_start");
	double vx = cJSON_IsNumber(sx) ? sx->valuedouble : 0,
	       vy = cJSON_IsNumber(sy) ? sy->valuedouble : 0;
	return (vx > vy) - (vx < vy);
}

static int sg_end(void *state, char *msg, size_t msg_len)
{
	struct sigmf_sink *s = state;
	if (!s->active)
		return SIMSWEEP_OK;
	cJSON *root = NULL;
	if (s->meta_path) {
		char *text = read_text(s->meta_path);
		root = text ? cJSON_Parse(text) : NULL;
		free(text);
		if (!cJSON_IsObject(root)) {
			cJSON_Delete(root);
			int rv = fail(msg, msg_len, SIMSWEEP_EFORMAT, "%s: cannot read %s again",
			              s->path, s->meta_path);
			sg_clear(s);
			return rv;
		}
	} else {
		root = new_meta(s);
	}
	if (!root) {
		sg_clear(s);
		return fail(msg, msg_len, SIMSWEEP_ENOMEM, "%s%s: out of memory", s->path, "");
	}
	/* The samples stay where they are: name them when the new metadata's
	 * base name differs from the data file's. */
	cJSON *global = cJSON_GetObjectItemCaseSensitive(root, "global");
	if (cJSON_IsObject(global) && s->data_path) {
		const char *db = base_name(s->data_path), *mb = base_name(s->path);
		size_t dl = strlen(db), ml = strlen(mb) - strlen(".sigmf-meta");
		int conforming = dl == ml + strlen(".sigmf-data") && !strncmp(db, mb, ml) &&
		                 !strcmp(db + ml, ".sigmf-data");
		if (!conforming && !cJSON_GetObjectItemCaseSensitive(global, "core:dataset"))
			cJSON_AddStringToObject(global, "core:dataset", db);
	}
	/* Annotations: the input's own, then ours, ordered by sample_start as
	 * SigMF requires. */
	cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(root, "annotations");
	size_t n_old = cJSON_IsArray(old) ? (size_t)cJSON_GetArraySize(old) : 0;
	size_t n_new = (size_t)cJSON_GetArraySize(s->annotations);
	cJSON **items = calloc(n_old + n_new + 1, sizeof(*items));
	cJSON *arr = cJSON_AddArrayToObject(root, "annotations");
	if (!items || !arr) {
		free(items);
		cJSON_Delete(old);
		cJSON_Delete(root);
		sg_clear(s);
		return fail(msg, msg_len, SIMSWEEP_ENOMEM, "%s%s: out of memory", s->path, "");
	}
	size_t k = 0;
	while (n_old && cJSON_GetArraySize(old) > 0)
		items[k++] = cJSON_DetachItemFromArray(old, 0);
	while (cJSON_GetArraySize(s->annotations) > 0)
		items[k++] = cJSON_DetachItemFromArray(s->annotations, 0);
	cJSON_Delete(old);
	qsort(items, k, sizeof(*items), cmp_ann);
	for (size_t i = 0; i < k; i++)
		cJSON_AddItemToArray(arr, items[i]);
	free(items);
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	sg_clear(s);
	if (!text)
		return fail(msg, msg_len, SIMSWEEP_ENOMEM, "%s%s: out of memory", s->path, "");
	size_t tmp_len = strlen(s->path) + 8;
	char *tmp = malloc(tmp_len);
	if (!tmp) {
		free(text);
		return fail(msg, msg_len, SIMSWEEP_ENOMEM, "%s%s: out of memory", s->path, "");
	}
	snprintf(tmp, tmp_len, "%s.tmp", s->path);
	FILE *f = fopen(tmp, "w");
	int rv = SIMSWEEP_OK;
	if (!f) {
		rv = fail(msg, msg_len, SIMSWEEP_EIO, "%s: cannot write: %s", s->path,
		          strerror(errno));
	} else {
		size_t len = strlen(text);
		int bad = fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF;
		int e = errno;
		if (fclose(f) != 0) {
			bad = 1;
			e = errno;
		}
		if (bad || rename(tmp, s->path) != 0) {
			rv = fail(msg, msg_len, SIMSWEEP_EIO, "%s: write failed: %s", s->path,
			          strerror(bad ? e : errno));
			remove(tmp);
		}
	}
	free(tmp);
	free(text);
	return rv;
}

static int sg_close(void *state, char *msg, size_t msg_len)
{
	struct sigmf_sink *s = state;
	int rv = s->active ? sg_end(s, msg, msg_len) : SIMSWEEP_OK;
	sg_clear(s);
	free(s);
	return rv;
}

const struct sink_ops sink_sigmf_ops = {
    .id = "sigmf",
    .open = sg_open,
    .begin_input = sg_begin,
    .write_burst = sg_burst,
    .end_input = sg_end,
    .close = sg_close,
};
