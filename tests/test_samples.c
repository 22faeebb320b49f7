/* test_samples.c - the regression runner (rtl_433_tests style): runs
 * `simsweep analyze` on every bundled sample and compares its events with
 * the expected ones committed in samples/ (the generator's truth), with
 * tolerances: start +-100 us, frequency +-5 kHz or 5 % of the bandwidth,
 * (GSM bursts +-20 kHz: GMSK's spectrum centre moves with the data), power
 * +-1 dB, and the same class and kind. Reports missing and extra
 * events. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define MAX_EV 256

struct ev {
	double t_s, freq_hz, bw_hz, power_dbfs;
	char type[16];
	char class_id[16];
	char kind[16];
};

static size_t read_events(FILE *f, struct ev *out, size_t max)
{
	char line[8192];
	size_t n = 0;
	while (fgets(line, sizeof(line), f)) {
		cJSON *j = cJSON_Parse(line);
		CHECK(j != NULL); /* every line is a JSON object */
		if (!j)
			continue;
		const cJSON *t = cJSON_GetObjectItem(j, "t_s"), *fr = cJSON_GetObjectItem(j, "freq_hz"),
		            *bw = cJSON_GetObjectItem(j, "bandwidth_hz"),
		            *p = cJSON_GetObjectItem(j, "power_dbfs"), *ty = cJSON_GetObjectItem(j, "type");
		CHECK(cJSON_IsNumber(t) && cJSON_IsNumber(fr) && cJSON_IsNumber(bw) && cJSON_IsString(ty));
		if (n < max && cJSON_IsNumber(t) && cJSON_IsNumber(fr) && cJSON_IsNumber(bw) &&
		    cJSON_IsString(ty)) {
			out[n].t_s = t->valuedouble;
			out[n].freq_hz = fr->valuedouble;
			out[n].bw_hz = bw->valuedouble;
			out[n].power_dbfs = cJSON_IsNumber(p) ? p->valuedouble : NAN;
			snprintf(out[n].type, sizeof(out[n].type), "%s", ty->valuestring);
			const cJSON *c = cJSON_GetObjectItem(j, "class"), *k = cJSON_GetObjectItem(j, "kind");
			snprintf(out[n].class_id, sizeof(out[n].class_id), "%s",
			         cJSON_IsString(c) ? c->valuestring : "unknown");
			snprintf(out[n].kind, sizeof(out[n].kind), "%s", cJSON_IsString(k) ? k->valuestring : "");
			n++;
		}
		cJSON_Delete(j);
	}
	return n;
}

static void run_sample(const char *bin, const char *src_root, const char *samples_dir, const char *name)
{
	char cmd[8192], path[4096];
	snprintf(path, sizeof(path), "%s/samples/%s.expected.jsonl", src_root, name);
	FILE *fe = fopen(path, "r");
	CHECK(fe != NULL);
	if (!fe)
		return;
	static struct ev want[MAX_EV], got[MAX_EV];
	size_t nw = read_events(fe, want, MAX_EV);
	fclose(fe);
	snprintf(cmd, sizeof(cmd), "'%s' analyze -q '%s/%s.cu8'", bin, samples_dir, name);
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!p)
		return;
	size_t ng = read_events(p, got, MAX_EV);
	CHECK_EQ_INT(pclose(p), 0);
	int used[MAX_EV] = {0};
	size_t missing = 0;
	for (size_t i = 0; i < nw; i++) {
		int hit = -1;
		for (size_t k = 0; k < ng; k++) {
			/* GMSK: the centre of one burst's spectrum moves with its
			 * data (+-67.7 kHz per bit, 5.6 kHz rms over 148 bits),
			 * so a GSM burst gets 20 kHz. */
			double ftol = fmax(strcmp(want[i].class_id, "gsm") ? 5e3 : 20e3, 0.05 * want[i].bw_hz);
			if (!used[k] && fabs(got[k].t_s - want[i].t_s) <= 100e-6 &&
			    fabs(got[k].freq_hz - want[i].freq_hz) <= ftol && !strcmp(got[k].type, want[i].type)) {
				hit = (int)k;
				break;
			}
		}
		if (hit < 0) {
			fprintf(stderr, "%s: missing event t %.6f f %.0f\n", name, want[i].t_s, want[i].freq_hz);
			missing++;
			continue;
		}
		used[hit] = 1;
		CHECK_NEAR(got[hit].power_dbfs, want[i].power_dbfs, 1.0);
		if (strcmp(got[hit].class_id, want[i].class_id) || strcmp(got[hit].kind, want[i].kind)) {
			fprintf(stderr, "%s: t %.6f: class %s/%s, expected %s/%s\n", name, want[i].t_s,
			        got[hit].class_id, got[hit].kind, want[i].class_id, want[i].kind);
			CHECK(0);
		}
	}
	size_t extra = 0;
	for (size_t k = 0; k < ng; k++)
		if (!used[k]) {
			fprintf(stderr, "%s: extra event t %.6f f %.0f\n", name, got[k].t_s, got[k].freq_hz);
			extra++;
		}
	fprintf(stderr, "%s: %zu expected, %zu found, %zu missing, %zu extra\n", name, nw, ng, missing, extra);
	CHECK_EQ_INT(missing, 0);
	CHECK_EQ_INT(extra, 0);
}

int main(void)
{
	const char *bin = getenv("SIMSWEEP_BIN"), *src = getenv("SIMSWEEP_SOURCE_ROOT"),
	           *dir = getenv("SIMSWEEP_SAMPLES_DIR");
	if (!bin || !src || !dir) {
		fprintf(stderr, "samples: SIMSWEEP_BIN, SIMSWEEP_SOURCE_ROOT and SIMSWEEP_SAMPLES_DIR must be set\n");
		return 1;
	}
	run_sample(bin, src, dir, "nbiot-lte-gsm_847M_2.4M");
	return check_done("samples");
}
