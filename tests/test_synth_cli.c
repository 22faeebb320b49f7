/* `simsweep synth` end to end: it writes a SigMF recording and its truth;
 * `simsweep analyze` finds the NPRACH and GSM bursts at the truth times
 * (within 100 us); bad options give one line naming the option and exit 2;
 * a failed write leaves no file behind. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char *bin;
static char dir[256];

static int run(const char *args, const char *err_file)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s %s >%s/out.txt 2>%s", bin, args, dir,
	         err_file ? err_file : "/dev/null");
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* t_s of every line of a JSON Lines file. */
static size_t read_times(const char *path, double *t, size_t max, double *bw)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[8192];
	size_t n = 0;
	while (fgets(line, sizeof line, f) && n < max) {
		cJSON *j = cJSON_Parse(line);
		if (!j)
			continue;
		cJSON *ts = cJSON_GetObjectItem(j, "t_s");
		cJSON *b = cJSON_GetObjectItem(j, "bandwidth_hz");
		if (cJSON_IsNumber(ts)) {
			if (bw)
				bw[n] = cJSON_IsNumber(b) ? b->valuedouble : NAN;
			t[n++] = ts->valuedouble;
		}
		cJSON_Delete(j);
	}
	fclose(f);
	return n;
}

static void synth_and_analyze(const char *name, const char *args, size_t want_min)
{
	char a[4096], path[512];
	snprintf(a, sizeof a, "synth %s -o %s/%s", args, dir, name);
	CHECK_EQ_INT(run(a, NULL), 0);
	double truth[256], found[256], tbw[256];
	snprintf(path, sizeof path, "%s/%s.truth.jsonl", dir, name);
	size_t nt = read_times(path, truth, 256, tbw);
	CHECK(nt >= want_min);
	snprintf(a, sizeof a, "analyze -q -o %s/%s.events.jsonl %s/%s.sigmf-meta", dir, name, dir, name);
	CHECK_EQ_INT(run(a, NULL), 0);
	snprintf(path, sizeof path, "%s/%s.events.jsonl", dir, name);
	size_t nf = read_times(path, found, 256, NULL);
	size_t matched = 0;
	double worst = 0;
	for (size_t i = 0; i < nt; i++) {
		double best = 1;
		for (size_t j = 0; j < nf; j++)
			if (fabs(found[j] - truth[i]) < best)
				best = fabs(found[j] - truth[i]);
		matched += best <= 100e-6;
		worst = best > worst ? best : worst;
	}
	fprintf(stderr, "%s: %zu truth, %zu events, %zu matched within 100 us (worst %.1f us)\n",
	        name, nt, nf, matched, worst * 1e6);
	CHECK_EQ_INT(matched, nt);
}

int main(void)
{
	bin = getenv("SIMSWEEP_BIN");
	if (!bin) {
		fprintf(stderr, "SIMSWEEP_BIN not set\n");
		return CHECK_SKIP;
	}
	snprintf(dir, sizeof dir, "/tmp/synth_cli_XXXXXX");
	if (!mkdtemp(dir))
		return 1;

	synth_and_analyze("nprach", "--kind nprach --nprach-format 0 --reps 4 -s 2.4M -f 847M "
	                            "--snr 10 --cfo 1k --seed 1 --offset 200k", 1);
	synth_and_analyze("nprach2", "--kind nprach --nprach-format 1 --reps 2 -s 1.92M "
	                             "--snr 15 --seed 2 --offset -300k --at 0.05 --duration 0.1", 1);
	synth_and_analyze("gsm", "--kind normal-burst --frames 4 -s 2.4M -f 890.2M --snr 15 "
	                         "--offset 400k --seed 3 --format cf32", 4);
	synth_and_analyze("rach", "--kind access-burst -s 2.4M --snr 15 --seed 4", 1);

	/* The SigMF metadata. */
	char path[512], err[512];
	snprintf(path, sizeof path, "%s/nprach.sigmf-meta", dir);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (f) {
		char text[65536];
		size_t len = fread(text, 1, sizeof text - 1, f);
		text[len] = 0;
		fclose(f);
		cJSON *j = cJSON_Parse(text);
		CHECK(j != NULL);
		cJSON *g = cJSON_GetObjectItem(j, "global");
		CHECK(!strcmp(cJSON_GetObjectItem(g, "core:datatype")->valuestring, "cu8"));
		CHECK_NEAR(cJSON_GetObjectItem(g, "core:sample_rate")->valuedouble, 2.4e6, 0);
		cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "captures"), 0);
		CHECK_NEAR(cJSON_GetObjectItem(c0, "core:frequency")->valuedouble, 847e6, 0);
		CHECK_NEAR(cJSON_GetObjectItem(c0, "core:sample_start")->valuedouble, 0, 0);
		cJSON_Delete(j);
	}
	/* --start-time: core:datetime and a UTC time on every truth line. */
	char a[4096];
	snprintf(a, sizeof a, "synth --kind prach -s 1.92M --start-time 2024-05-01T12:00:00Z -o %s/utc", dir);
	CHECK_EQ_INT(run(a, NULL), 0);
	snprintf(a, sizeof a, "grep -q '\"core:datetime\":[[:space:]]*\"2024-05-01T12:00:00.000000Z\"' %s/utc.sigmf-meta && "
	                      "grep -q '\"time\":\"2024-05-01T12:00:00.010' %s/utc.truth.jsonl", dir, dir);
	CHECK(system(a) == 0);

	/* Bad options: exit 2, one line naming the option, nothing written. */
	snprintf(err, sizeof err, "%s/err.txt", dir);
	snprintf(a, sizeof a, "synth --kind nprach --reps 200 -o %s/bad", dir);
	CHECK_EQ_INT(run(a, err), 2);
	snprintf(a, sizeof a, "grep -q -- '--reps' %s && test $(wc -l <%s) -eq 1 && ! test -e %s/bad.sigmf-meta",
	         err, err, dir);
	CHECK(system(a) == 0);
	snprintf(a, sizeof a, "synth --kind lte -o %s/bad", dir);
	CHECK_EQ_INT(run(a, err), 2);
	snprintf(a, sizeof a, "grep -q -- '--kind' %s", err);
	CHECK(system(a) == 0);
	snprintf(a, sizeof a, "synth --kind nprach -s fast -o %s/bad", dir);
	CHECK_EQ_INT(run(a, err), 2);
	snprintf(a, sizeof a, "synth --kind nprach");
	CHECK_EQ_INT(run(a, err), 2);
	/* An unwritable place: exit 1, no half files. */
	snprintf(a, sizeof a, "synth --kind nprach -o %s/nodir/x", dir);
	CHECK_EQ_INT(run(a, err), 1);
	snprintf(a, sizeof a, "grep -q 'cannot write' %s && ! ls %s/nodir 2>/dev/null", err, dir);
	CHECK(system(a) == 0);
	snprintf(a, sizeof a, "ls %s | grep -q '\\.tmp$'", dir);
	CHECK(system(a) != 0);

	snprintf(a, sizeof a, "rm -rf %s", dir);
	if (system(a) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_done("synth_cli");
}
