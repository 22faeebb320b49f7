/* test_jsonl.c - event lines are valid JSON with the documented keys:
 * absolute frequency and band when the tuning is known, offsets and nulls
 * when not, UTC time only when known, strings escaped. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "simsweep/block.h"
#include "simsweep/jsonl.h"

static cJSON *roundtrip(const struct burst *b, const char *file)
{
	FILE *f = tmpfile();
	CHECK(jsonl_write_burst(f, b, file) == 0);
	rewind(f);
	char line[4096] = "";
	CHECK(fgets(line, sizeof(line), f) != NULL);
	CHECK(strchr(line, '\n') != NULL);
	CHECK(fgetc(f) == EOF); /* exactly one line */
	fclose(f);
	return cJSON_Parse(line);
}

int main(void)
{
	struct burst b = {
		.type = BURST_TYPE_BURST, .sample = 240080, .n_samples = 1212, .rate_hz = 2.4e6,
		.start_s = 240080 / 2.4e6, .duration_s = 1212 / 2.4e6, .freq_offset_hz = 300e3,
		.freq_hz = 847.3e6, .bandwidth_hz = 200e3, .power_dbfs = -10.5, .snr_db = 20.0,
		.noise_dbfs = -30.5, .utc_ns = 1714564800LL * 1000000000LL + 100033333LL,
		.class_id = "unknown",
	};
	cJSON *j = roundtrip(&b, "dir/car \"1\".cu8");
	CHECK(j != NULL);
	CHECK(!strcmp(cJSON_GetObjectItem(j, "type")->valuestring, "burst"));
	CHECK_NEAR(cJSON_GetObjectItem(j, "t_s")->valuedouble, 0.1000333, 1e-7);
	CHECK_EQ_INT(cJSON_GetObjectItem(j, "sample")->valuedouble, 240080);
	CHECK_NEAR(cJSON_GetObjectItem(j, "freq_hz")->valuedouble, 847.3e6, 0.1);
	CHECK_NEAR(cJSON_GetObjectItem(j, "bandwidth_hz")->valuedouble, 200e3, 0.1);
	CHECK(!strcmp(cJSON_GetObjectItem(j, "band")->valuestring, "B20"));
	CHECK(!strcmp(cJSON_GetObjectItem(j, "link")->valuestring, "uplink"));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "kind")));
	CHECK(!strcmp(cJSON_GetObjectItem(j, "class")->valuestring, "unknown"));
	CHECK(!strcmp(cJSON_GetObjectItem(j, "file")->valuestring, "dir/car \"1\".cu8"));
	CHECK(!strcmp(cJSON_GetObjectItem(j, "time")->valuestring, "2024-05-01T12:00:00.100033Z"));
	cJSON_Delete(j);

	/* Unknown tuning and time: offsets, null band, no time key. */
	b.freq_hz = NAN;
	b.utc_ns = SIMSWEEP_UTC_UNKNOWN;
	b.type = BURST_TYPE_CARRIER;
	b.snr_db = -INFINITY;
	j = roundtrip(&b, NULL);
	CHECK(j != NULL);
	CHECK(!strcmp(cJSON_GetObjectItem(j, "type")->valuestring, "carrier"));
	CHECK_NEAR(cJSON_GetObjectItem(j, "freq_hz")->valuedouble, 300e3, 0.1);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "band")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "link")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "file")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "snr_db")));
	CHECK(cJSON_GetObjectItem(j, "time") == NULL);
	cJSON_Delete(j);

	/* A full device: the error is reported. */
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		CHECK(jsonl_write_burst(full, &b, NULL) != 0);
		fclose(full);
	}
	return check_done("jsonl");
}
