/* rules.c - baseline and allowlist files (see rules.h). */
#include "simsweep/rules.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/bands.h"
#include "simsweep/error.h"

/* The largest E-UTRA band number looked up. */
#define RULES_MAX_BAND 1000

static char *slurp(const char *path, int *rv)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*rv = errno == ENOENT ? SIMSWEEP_ENOENT : SIMSWEEP_EIO;
		return NULL;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
		if (cap - len < 2) {
			char *nb = cap < (256u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = '\0';
	*rv = buf ? (ferror(f) ? SIMSWEEP_EIO : SIMSWEEP_OK) : SIMSWEEP_ENOMEM;
	fclose(f);
	if (*rv) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

static int add(struct tracker_rule **rules, size_t *n, const struct tracker_rule *r)
{
	struct tracker_rule *nr = realloc(*rules, (*n + 1) * sizeof(**rules));
	if (!nr)
		return SIMSWEEP_ENOMEM;
	nr[*n] = *r;
	*rules = nr;
	(*n)++;
	return SIMSWEEP_OK;
}

static int num(const cJSON *o, const char *key, double *v)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!x)
		return 0;
	if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
		return -1;
	*v = x->valuedouble;
	return 1;
}

/* The ranges of a band name: E-UTRA (uplink, downlink) or GSM (uplink,
 * downlink). Returns the number of ranges (0: unknown band). */
static int band_ranges(const cJSON *b, double lo[2], double hi[2])
{
	/* Band numbers are small (3GPP TS 36.101 clause 5.5: 1 .. 88, 252 ..
	 * 255); anything past RULES_MAX_BAND is refused before it is turned
	 * into an int. */
	long eutra = 0;
	if (cJSON_IsNumber(b)) {
		double v = b->valuedouble;
		if (!(v >= 1 && v <= RULES_MAX_BAND))
			return 0;
		eutra = (long)v;
	} else if (cJSON_IsString(b) && (b->valuestring[0] == 'B' || b->valuestring[0] == 'b')) {
		errno = 0;
		eutra = strtol(b->valuestring + 1, NULL, 10);
		if (errno || eutra < 1 || eutra > RULES_MAX_BAND)
			return 0;
	}
	if (eutra > 0) {
		const struct bands_eutra *e = bands_eutra_find((int)eutra);
		if (!e)
			return 0;
		lo[0] = e->ul_low_khz * 1e3;
		hi[0] = e->ul_high_khz * 1e3;
		lo[1] = e->dl_low_khz * 1e3;
		hi[1] = e->dl_high_khz * 1e3;
		return 2;
	}
	if (!cJSON_IsString(b))
		return 0;
	for (int i = 0; i < BANDS_GSM_COUNT; i++) {
		const struct bands_gsm *g = bands_gsm_at((enum bands_gsm_band)i);
		if (g && !strcasecmp(g->name, b->valuestring)) {
			lo[0] = g->ul_low_khz * 1e3;
			hi[0] = g->ul_high_khz * 1e3;
			lo[1] = lo[0] + g->duplex_khz * 1e3;
			hi[1] = hi[0] + g->duplex_khz * 1e3;
			return 2;
		}
	}
	return 0;
}

int rules_load(const char *path, struct tracker_rule **rules, size_t *n_rules, char *err,
               size_t err_len)
{
	char dummy[1];
	if (!err || !err_len) {
		err = dummy;
		err_len = sizeof(dummy);
	}
	if (!path || !rules || !n_rules)
		return SIMSWEEP_EINVAL;
	int rv;
	char *text = slurp(path, &rv);
	if (!text) {
		snprintf(err, err_len, "%s: cannot read: %s", path,
		         rv == SIMSWEEP_ENOENT ? "no such file" : simsweep_strerror(rv));
		return rv;
	}
	rv = rules_parse(text, path, rules, n_rules, err, err_len);
	free(text);
	return rv;
}

int rules_parse(const char *text, const char *name, struct tracker_rule **rules, size_t *n_rules,
                char *err, size_t err_len)
{
	char dummy[1];
	if (!err || !err_len) {
		err = dummy;
		err_len = sizeof(dummy);
	}
	if (!text || !rules || !n_rules)
		return SIMSWEEP_EINVAL;
	const char *path = name ? name : "rules";
	int rv;
	cJSON *root = cJSON_Parse(text);
	const cJSON *list = root;
	int learned = 0;
	if (cJSON_IsObject(root)) {
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
		learned = cJSON_IsString(kind) && !strcmp(kind->valuestring, "baseline");
		list = cJSON_GetObjectItemCaseSensitive(root, "rules");
	}
	if (!cJSON_IsArray(list)) {
		snprintf(err, err_len,
		         "%s: not a baseline or allowlist (JSON with a \"rules\" array)", path);
		cJSON_Delete(root);
		return SIMSWEEP_EFORMAT;
	}
	size_t added = 0;
	int idx = 0;
	rv = SIMSWEEP_OK;
	const cJSON *e;
	cJSON_ArrayForEach(e, list)
	{
		idx++;
		struct tracker_rule r = {.freq_low_hz = NAN,
		                         .freq_high_hz = NAN,
		                         .max_power_dbfs = NAN,
		                         .learned = learned};
		const char *bad = NULL;
		const cJSON *note = cJSON_GetObjectItemCaseSensitive(e, "note");
		const cJSON *cls = cJSON_GetObjectItemCaseSensitive(e, "class");
		const cJSON *band = cJSON_GetObjectItemCaseSensitive(e, "band");
		double f = 0, tol = RULES_DEFAULT_TOLERANCE_HZ, lo = 0, hi = 0;
		int hf = 0, ht = 0, hl = 0, hh = 0, hp = 0;
		if (!cJSON_IsObject(e))
			bad = "not an object";
		else if (!cJSON_IsString(note) || !note->valuestring[0])
			bad = "no \"note\" saying why it is expected";
		else if (cls &&
		         (!cJSON_IsString(cls) || strlen(cls->valuestring) >= sizeof(r.class_id)))
			bad = "bad \"class\"";
		else if ((hf = num(e, "freq_hz", &f)) < 0 ||
		         (ht = num(e, "tolerance_hz", &tol)) < 0 ||
		         (hl = num(e, "freq_low_hz", &lo)) < 0 ||
		         (hh = num(e, "freq_high_hz", &hi)) < 0 ||
		         (hp = num(e, "max_power_dbfs", &r.max_power_dbfs)) < 0)
			bad = "a frequency or power that is not a number";
		else if (hl != hh || (hl && lo > hi) || (ht && tol < 0))
			bad = "bad frequency range";
		else if (!hf && !hl && !band && !cls)
			bad = "nothing to match: give freq_hz, freq_low_hz/freq_high_hz, band or "
			      "class";
		if (bad) {
			snprintf(err, err_len, "%s: rule %d: %s", path, idx, bad);
			rv = SIMSWEEP_EFORMAT;
			break;
		}
		(void)ht;
		(void)hp;
		snprintf(r.note, sizeof(r.note), "%s", note->valuestring);
		if (cls)
			snprintf(r.class_id, sizeof(r.class_id), "%s", cls->valuestring);
		if (hf) {
			r.freq_low_hz = f - tol;
			r.freq_high_hz = f + tol;
		} else if (hl) {
			r.freq_low_hz = lo;
			r.freq_high_hz = hi;
		}
		/* 1e308 +- 1e308 overflows to infinity: refused, like any range
		 * that cannot be compared. */
		if ((hf || hl) && !(isfinite(r.freq_low_hz) && isfinite(r.freq_high_hz))) {
			snprintf(err, err_len, "%s: rule %d: bad frequency range", path, idx);
			rv = SIMSWEEP_EFORMAT;
			break;
		}
		if (band) {
			double blo[2], bhi[2];
			int nb = band_ranges(band, blo, bhi);
			if (nb == 0) {
				snprintf(err, err_len, "%s: rule %d: unknown band", path, idx);
				rv = SIMSWEEP_EFORMAT;
				break;
			}
			for (int k = 0; k < nb && rv == SIMSWEEP_OK; k++) {
				r.freq_low_hz = blo[k];
				r.freq_high_hz = bhi[k];
				rv = add(rules, n_rules, &r);
				added++;
			}
		} else {
			rv = add(rules, n_rules, &r);
			added++;
		}
		if (rv) {
			snprintf(err, err_len, "%s: out of memory", path);
			break;
		}
	}
	cJSON_Delete(root);
	if (rv)
		*n_rules -= added; /* the file is taken whole or not at all */
	return rv;
}

int rules_save_baseline(const char *path, const struct tracker *t, const char *note, char *err,
                        size_t err_len)
{
	char dummy[1];
	if (!err || !err_len) {
		err = dummy;
		err_len = sizeof(dummy);
	}
	cJSON *root = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(root, "rules");
	cJSON_AddStringToObject(root, "kind", "baseline");
	size_t n = tracker_emitter_count(t);
	for (size_t i = 0; i < n; i++) {
		struct tracker_event ev;
		if (tracker_emitter(t, i, &ev))
			continue;
		cJSON *r = cJSON_CreateObject();
		double half = (isfinite(ev.bandwidth_hz) ? ev.bandwidth_hz / 2 : 0) +
		              RULES_DEFAULT_TOLERANCE_HZ;
		cJSON_AddNumberToObject(r, "freq_low_hz", round(ev.freq_hz - half));
		cJSON_AddNumberToObject(r, "freq_high_hz", round(ev.freq_hz + half));
		cJSON_AddStringToObject(r, "class", ev.class_id);
		if (isfinite(ev.power_dbfs))
			cJSON_AddNumberToObject(r, "max_power_dbfs",
			                        round(ev.power_dbfs * 10) / 10);
		char text[256];
		snprintf(text, sizeof(text), "%s: emitter %lu, %lu clusters%s",
		         note ? note : "baseline", (unsigned long)ev.emitter_id,
		         (unsigned long)ev.n_clusters, isfinite(ev.period_s) ? ", periodic" : "");
		cJSON_AddStringToObject(r, "note", text);
		cJSON_AddItemToArray(list, r);
	}
	char *json = cJSON_Print(root);
	cJSON_Delete(root);
	if (!json) {
		snprintf(err, err_len, "%s: out of memory", path);
		return SIMSWEEP_ENOMEM;
	}
	size_t tl = strlen(path) + 8;
	char *tmp = malloc(tl);
	int rv = SIMSWEEP_OK;
	if (!tmp) {
		free(json);
		snprintf(err, err_len, "%s: out of memory", path);
		return SIMSWEEP_ENOMEM;
	}
	snprintf(tmp, tl, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, err_len, "%s: cannot write: %s", path, strerror(errno));
		rv = SIMSWEEP_EIO;
	} else {
		int bad = fputs(json, f) < 0 || fputc('\n', f) == EOF;
		if (fclose(f) != 0)
			bad = 1;
		if (bad || rename(tmp, path) != 0) {
			snprintf(err, err_len, "%s: write failed: %s", path, strerror(errno));
			remove(tmp);
			rv = SIMSWEEP_EIO;
		}
	}
	free(tmp);
	free(json);
	return rv;
}
