/* sink_clips.c - the clip sink (--clips DIR): every burst's IQ clip as a
 * small SigMF recording of its own, with the burst as its annotation, so
 * that a single transmission can be sent, opened in inspectrum or IQEngine,
 * or analysed again, without the hours of recording around it.
 *
 * The clip is the one the classifiers saw (burst.h): mixed down by the
 * burst's offset, so centred on the burst, low-pass filtered and decimated
 * to clip_rate_hz. Hence core:frequency is the burst's absolute centre when
 * the tuning is known, and the annotation's edges are centre -+ bandwidth/2.
 *
 *   clip[0]            burst start                  burst end       clip end
 *   |── pre margin ────|▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌▌|── post margin ──|
 *                      └ core:sample_start ─ core:sample_count ┘
 *
 * Names: <UTC of the burst>_<freq>MHz (20240501T120000.020001Z_846.580035MHz)
 * or, when the start time is unknown, t<seconds from the first sample>s_...;
 * _2, _3... when a name is taken. Each file is written under a temporary
 * name and renamed, the data before the metadata: a .sigmf-meta that exists
 * always has its complete .sigmf-data. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/units.h"
#include "sink_impl.h"

#define CLIP_NAME_LEN  96
#define CLIP_MAX_TRIES 1000 /* suffixes tried when a name is taken */

struct clips_sink {
	char *dir;
	char *path; /* scratch: dir + name + extension */
	size_t path_cap;
	unsigned char *bytes; /* scratch: the clip as cf32_le */
	size_t bytes_cap;
	uint64_t written;
};

static int clips_open(const struct sink_options *o, void **state, char *msg, size_t msg_len)
{
	if (mkdir(o->clips_dir, 0777) != 0 && errno != EEXIST) {
		snprintf(msg, msg_len, "%s: cannot create: %s", o->clips_dir, strerror(errno));
		return errno == ENOENT ? SIMSWEEP_ENOENT : SIMSWEEP_EIO;
	}
	struct stat st;
	if (stat(o->clips_dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(o->clips_dir, W_OK | X_OK) != 0) {
		snprintf(msg, msg_len, "%s: not a writable directory", o->clips_dir);
		return SIMSWEEP_EIO;
	}
	struct clips_sink *s = calloc(1, sizeof(*s));
	size_t dl = strlen(o->clips_dir);
	if (s) {
		s->dir = strdup(o->clips_dir);
		s->path_cap = dl + CLIP_NAME_LEN + 32;
		s->path = malloc(s->path_cap);
	}
	if (!s || !s->dir || !s->path) {
		if (s) {
			free(s->dir);
			free(s->path);
		}
		free(s);
		snprintf(msg, msg_len, "%s: out of memory", o->clips_dir);
		return SIMSWEEP_ENOMEM;
	}
	/* names are appended after one '/' */
	while (dl > 1 && s->dir[dl - 1] == '/')
		s->dir[--dl] = '\0';
	*state = s;
	return SIMSWEEP_OK;
}

/* The burst's name without extension: time and frequency. */
static void clip_name(const struct burst *b, char *name, size_t len)
{
	char when[UNITS_UTC_LEN];
	if (b->utc_ns != SIMSWEEP_UTC_UNKNOWN) {
		/* 2024-05-01T12:00:00.020001Z -> 20240501T120000.020001Z */
		char iso[UNITS_UTC_LEN];
		units_format_utc(b->utc_ns, iso);
		size_t k = 0;
		for (const char *p = iso; *p && k + 1 < sizeof(when); p++)
			if (*p != '-' && *p != ':')
				when[k++] = *p;
		when[k] = '\0';
	} else {
		snprintf(when, sizeof(when), "t%.6fs", b->start_s);
	}
	if (isfinite(b->freq_hz))
		snprintf(name, len, "%s_%.6fMHz", when, b->freq_hz / 1e6);
	else
		snprintf(name, len, "%s_%+.3fkHz-offset", when, b->freq_offset_hz / 1e3);
}

static void put_f32_le(unsigned char *p, float v)
{
	uint32_t u;
	memcpy(&u, &v, sizeof(u));
	p[0] = (unsigned char)u;
	p[1] = (unsigned char)(u >> 8);
	p[2] = (unsigned char)(u >> 16);
	p[3] = (unsigned char)(u >> 24);
}

/* Write len bytes to final through final.tmp and a rename. */
static int write_atomic(const char *final, const void *data, size_t len, char *msg, size_t msg_len)
{
	size_t tl = strlen(final) + 5;
	char *tmp = malloc(tl);
	if (!tmp) {
		snprintf(msg, msg_len, "%s: out of memory", final);
		return SIMSWEEP_ENOMEM;
	}
	snprintf(tmp, tl, "%s.tmp", final);
	FILE *f = fopen(tmp, "wb");
	int rv = SIMSWEEP_OK;
	if (!f) {
		snprintf(msg, msg_len, "%s: cannot write: %s", tmp, strerror(errno));
		rv = SIMSWEEP_EIO;
	} else {
		int bad = len && fwrite(data, 1, len, f) != len;
		bad |= fclose(f) != 0;
		if (bad || rename(tmp, final) != 0) {
			snprintf(msg, msg_len, "%s: write failed: %s", final,
			         strerror(errno ? errno : EIO));
			remove(tmp);
			rv = SIMSWEEP_EIO;
		}
	}
	free(tmp);
	return rv;
}

static char *clip_meta(const struct burst *b, const char *file)
{
	double ratio = b->clip_rate_hz / b->rate_hz; /* clip samples per stream sample */
	double start =
	    b->sample >= b->clip_sample ? (double)(b->sample - b->clip_sample) * ratio : 0;
	uint64_t a_start = (uint64_t)llround(start);
	if (a_start >= b->clip_len)
		a_start = b->clip_len - 1;
	uint64_t a_count = (uint64_t)llround((double)b->n_samples * ratio);
	if (a_count < 1)
		a_count = 1;
	if (a_count > b->clip_len - a_start)
		a_count = b->clip_len - a_start;
	/* centred on the burst: absolute when the tuning is known */
	double centre = isfinite(b->freq_hz) ? b->freq_hz : 0;
	double half_bw = isfinite(b->bandwidth_hz) ? b->bandwidth_hz / 2 : b->clip_rate_hz / 2;
	const char *cls = b->class_id ? b->class_id : "unknown";
	char label[64];
	if (b->kind)
		snprintf(label, sizeof(label), "%s/%s", cls, b->kind);
	else
		snprintf(label, sizeof(label), "%s", cls);

	cJSON *root = cJSON_CreateObject();
	cJSON *g = cJSON_AddObjectToObject(root, "global");
	cJSON_AddStringToObject(g, "core:datatype", "cf32_le");
	cJSON_AddNumberToObject(g, "core:sample_rate", b->clip_rate_hz);
	cJSON_AddStringToObject(g, "core:version", "1.0.0");
	cJSON_AddStringToObject(g, "core:recorder", "simsweep");
	char desc[512];
	snprintf(desc, sizeof(desc), "%s %s at %.7f s of %s", cls,
	         b->type == BURST_TYPE_CARRIER ? "carrier" : "burst", b->start_s,
	         file ? file : "the stream");
	cJSON_AddStringToObject(g, "core:description", desc);
	cJSON *caps = cJSON_AddArrayToObject(root, "captures");
	cJSON *c = cJSON_CreateObject();
	cJSON_AddNumberToObject(c, "core:sample_start", 0);
	if (isfinite(b->freq_hz))
		cJSON_AddNumberToObject(c, "core:frequency", b->freq_hz);
	if (b->utc_ns != SIMSWEEP_UTC_UNKNOWN) {
		/* clip[0] is clip_sample: before the burst by the pre margin */
		double pre_s = b->sample >= b->clip_sample
		                   ? (double)(b->sample - b->clip_sample) / b->rate_hz
		                   : 0;
		int64_t t0 = b->utc_ns - (int64_t)llround(pre_s * 1e9);
		char iso[UNITS_UTC_LEN];
		cJSON_AddStringToObject(c, "core:datetime", units_format_utc(t0, iso));
	}
	cJSON_AddItemToArray(caps, c);
	cJSON *anns = cJSON_AddArrayToObject(root, "annotations");
	cJSON *a = cJSON_CreateObject();
	cJSON_AddNumberToObject(a, "core:sample_start", (double)a_start);
	cJSON_AddNumberToObject(a, "core:sample_count", (double)a_count);
	cJSON_AddNumberToObject(a, "core:freq_lower_edge", centre - half_bw);
	cJSON_AddNumberToObject(a, "core:freq_upper_edge", centre + half_bw);
	cJSON_AddStringToObject(a, "core:label", label);
	char comment[256];
	snprintf(comment, sizeof(comment),
	         "simsweep: %.3f ms, %.1f kHz wide, power %.1f dBFS, SNR %.1f dB, confidence %.2f",
	         b->duration_s * 1e3, b->bandwidth_hz / 1e3, b->power_dbfs, b->snr_db,
	         b->confidence);
	cJSON_AddStringToObject(a, "core:comment", comment);
	cJSON_AddItemToArray(anns, a);
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}

static int clips_burst(void *state, const struct burst *b, const char *file, char *msg,
                       size_t msg_len)
{
	struct clips_sink *s = state;
	if (!b->clip || b->clip_len == 0 || !(b->clip_rate_hz > 0) || !(b->rate_hz > 0))
		return SIMSWEEP_OK; /* nothing to keep (a carrier without a clip) */
	char name[CLIP_NAME_LEN];
	clip_name(b, name, sizeof(name));
	/* a free name: neither file of the pair exists */
	int found = 0;
	for (unsigned k = 1; k <= CLIP_MAX_TRIES && !found; k++) {
		char suffix[16] = "";
		if (k > 1)
			snprintf(suffix, sizeof(suffix), "_%u", k);
		snprintf(s->path, s->path_cap, "%s/%s%s.sigmf-meta", s->dir, name, suffix);
		struct stat st;
		if (stat(s->path, &st) == 0)
			continue;
		snprintf(s->path, s->path_cap, "%s/%s%s.sigmf-data", s->dir, name, suffix);
		if (stat(s->path, &st) == 0)
			continue;
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s", suffix);
		found = 1;
	}
	if (!found) {
		snprintf(msg, msg_len, "%s/%s: no free name for a clip", s->dir, name);
		return SIMSWEEP_EIO;
	}
	size_t need = b->clip_len * 8;
	if (need > s->bytes_cap) {
		unsigned char *nb = realloc(s->bytes, need);
		if (!nb) {
			snprintf(msg, msg_len, "%s: out of memory", s->dir);
			return SIMSWEEP_ENOMEM;
		}
		s->bytes = nb;
		s->bytes_cap = need;
	}
	for (size_t i = 0; i < b->clip_len; i++) {
		put_f32_le(s->bytes + 8 * i, crealf(b->clip[i]));
		put_f32_le(s->bytes + 8 * i + 4, cimagf(b->clip[i]));
	}
	snprintf(s->path, s->path_cap, "%s/%s.sigmf-data", s->dir, name);
	int rv = write_atomic(s->path, s->bytes, need, msg, msg_len);
	if (rv)
		return rv;
	char *meta = clip_meta(b, file);
	if (!meta) {
		snprintf(msg, msg_len, "%s: out of memory", s->dir);
		return SIMSWEEP_ENOMEM;
	}
	snprintf(s->path, s->path_cap, "%s/%s.sigmf-meta", s->dir, name);
	size_t ml = strlen(meta);
	meta[ml] = '\n'; /* the terminating NUL becomes the last newline */
	rv = write_atomic(s->path, meta, ml + 1, msg, msg_len);
	free(meta);
	if (!rv)
		s->written++;
	return rv;
}

static int clips_close(void *state, char *msg, size_t msg_len)
{
	(void)msg;
	(void)msg_len;
	struct clips_sink *s = state;
	free(s->dir);
	free(s->path);
	free(s->bytes);
	free(s);
	return SIMSWEEP_OK;
}

const struct sink_ops sink_clips_ops = {
    .id = "clips",
    .open = clips_open,
    .write_burst = clips_burst,
    .close = clips_close,
};
