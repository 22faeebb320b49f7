/* record.c - the raw live stream as a SigMF recording (record.h). */
#include "simsweep/record.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simsweep/error.h"
#include "simsweep/units.h"

#define MAX_CAPTURES 100000

struct capture {
	uint64_t sample_start;
	double freq_hz;
	int64_t utc_ns;
};

struct record {
	FILE *data;
	char *data_path;
	char *meta_path;
	char *tmp_path;
	char datatype[8];
	double rate_hz;
	char hw[192];
	struct capture *caps;
	size_t n_caps, cap_caps;
	uint64_t written;   /* samples in the data file */
	uint64_t expect;    /* stream index that continues the last block */
	uint32_t segment;
	size_t sample_bytes;
	int failed;
	char errmsg[256];
};

static int fail(struct record *r, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
	va_end(ap);
	r->failed = 1;
	return code;
}

static char *join(const char *dir, const char *base, const char *ext)
{
	size_t len = strlen(dir) + strlen(base) + strlen(ext) + 2;
	char *p = malloc(len);
	if (p)
		snprintf(p, len, "%s/%s%s", dir, base, ext);
	return p;
}

static void record_free(struct record *r)
{
	if (!r)
		return;
	if (r->data)
		fclose(r->data);
	free(r->data_path);
	free(r->meta_path);
	free(r->tmp_path);
	free(r->caps);
	free(r);
}

struct record *record_open(const char *dir, const struct live_info *info, char *err,
                           size_t err_len)
{
	if (err && err_len)
		err[0] = '\0';
	if (!dir || !*dir || !info || !sample_format_size(info->format)) {
		if (err && err_len)
			snprintf(err, err_len, "invalid recording arguments");
		return NULL;
	}
	struct record *r = calloc(1, sizeof *r);
	if (!r) {
		if (err && err_len)
			snprintf(err, err_len, "out of memory");
		return NULL;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char base[64];
	strftime(base, sizeof base, "simsweep-%Y%m%dT%H%M%SZ", &tm);
	r->data_path = join(dir, base, ".sigmf-data");
	r->meta_path = join(dir, base, ".sigmf-meta");
	r->tmp_path = join(dir, base, ".sigmf-meta.tmp");
	if (!r->data_path || !r->meta_path || !r->tmp_path) {
		if (err && err_len)
			snprintf(err, err_len, "out of memory");
		record_free(r);
		return NULL;
	}
	r->data = fopen(r->data_path, "wbx");
	if (!r->data) {
		if (err && err_len)
			snprintf(err, err_len, "cannot create %s: %s", r->data_path, strerror(errno));
		record_free(r);
		return NULL;
	}
	snprintf(r->datatype, sizeof r->datatype, "%s", sample_format_name(info->format));
	r->sample_bytes = sample_format_size(info->format);
	r->rate_hz = info->rate_hz;
	snprintf(r->hw, sizeof r->hw, "%s (tuner %s)", info->name, info->tuner);
	return r;
}

/* Write the meta to a temporary file and rename it over the old one. */
static int write_meta(struct record *r)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *global = cJSON_AddObjectToObject(root, "global");
	cJSON_AddStringToObject(global, "core:datatype", r->datatype);
	cJSON_AddNumberToObject(global, "core:sample_rate", r->rate_hz);
	cJSON_AddStringToObject(global, "core:version", "1.0.0");
	cJSON_AddStringToObject(global, "core:recorder", "simsweep monitor");
	cJSON_AddStringToObject(global, "core:hw", r->hw);
	cJSON *caps = cJSON_AddArrayToObject(root, "captures");
	for (size_t i = 0; i < r->n_caps; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "core:sample_start", (double)r->caps[i].sample_start);
		if (!isnan(r->caps[i].freq_hz))
			cJSON_AddNumberToObject(c, "core:frequency", r->caps[i].freq_hz);
		if (r->caps[i].utc_ns != SIMSWEEP_UTC_UNKNOWN) {
			char buf[UNITS_UTC_LEN];
			cJSON_AddStringToObject(c, "core:datetime", units_format_utc(r->caps[i].utc_ns, buf));
		}
		cJSON_AddItemToArray(caps, c);
	}
	cJSON_AddArrayToObject(root, "annotations");
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return fail(r, SIMSWEEP_ENOMEM, "out of memory");
	FILE *f = fopen(r->tmp_path, "w");
	int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	if (f && fclose(f) != 0)
		ok = 0;
	free(text);
	if (!ok || rename(r->tmp_path, r->meta_path) != 0)
		return fail(r, SIMSWEEP_EIO, "cannot write %s: %s", r->meta_path, strerror(errno));
	return SIMSWEEP_OK;
}

int record_write(struct record *r, const struct block *b, const void *raw, size_t bytes)
{
	if (!r || !b || (bytes && !raw))
		return SIMSWEEP_EINVAL;
	if (r->failed)
		return SIMSWEEP_EIO;
	if (bytes != b->n * r->sample_bytes)
		return fail(r, SIMSWEEP_EINVAL, "block of %zu bytes for %zu samples", bytes, b->n);
	int new_capture = r->n_caps == 0 || b->segment != r->segment || b->dropped > 0 ||
	                  b->sample_index != r->expect;
	if (new_capture) {
		if (r->n_caps == r->cap_caps) {
			if (r->n_caps >= MAX_CAPTURES)
				return fail(r, SIMSWEEP_ERANGE, "too many captures in one recording");
			size_t n = r->cap_caps ? 2 * r->cap_caps : 16;
			struct capture *c = realloc(r->caps, n * sizeof *c);
			if (!c)
				return fail(r, SIMSWEEP_ENOMEM, "out of memory");
			r->caps = c;
			r->cap_caps = n;
		}
		r->caps[r->n_caps++] = (struct capture){r->written, b->freq_hz, b->utc_ns};
		r->segment = b->segment;
	}
	if (bytes && fwrite(raw, 1, bytes, r->data) != bytes)
		return fail(r, SIMSWEEP_EIO, "cannot write %s: %s", r->data_path, strerror(errno));
	r->written += b->n;
	r->expect = b->sample_index + b->n;
	if (new_capture) {
		if (fflush(r->data) != 0)
			return fail(r, SIMSWEEP_EIO, "cannot write %s: %s", r->data_path, strerror(errno));
		return write_meta(r);
	}
	return SIMSWEEP_OK;
}

const char *record_errmsg(const struct record *r)
{
	return r ? r->errmsg : "";
}

const char *record_path(const struct record *r)
{
	return r ? r->data_path : "";
}

int record_close(struct record *r, char *err, size_t err_len)
{
	if (!r)
		return SIMSWEEP_OK;
	int rc = r->failed ? SIMSWEEP_EIO : SIMSWEEP_OK;
	if (!r->failed && fclose(r->data) != 0)
		rc = fail(r, SIMSWEEP_EIO, "cannot write %s: %s", r->data_path, strerror(errno));
	else if (r->failed)
		fclose(r->data);
	r->data = NULL;
	if (rc == SIMSWEEP_OK)
		rc = write_meta(r);
	if (rc < 0 && err && err_len)
		snprintf(err, err_len, "%s", r->errmsg);
	record_free(r);
	return rc;
}
