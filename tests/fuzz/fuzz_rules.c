/* fuzz_rules.c - baseline and allowlist files (output/rules.c).
 *
 * The input (up to its first NUL, as a file is read) goes to rules_parse()
 * after one rule already loaded, as when --baseline and --allowlist are
 * both given. It must be taken whole or not at all: on an error the rules
 * are as before and the reason names the file; on success every new rule
 * has a note, a class that fits, a range that is either absent (NAN, NAN)
 * or finite and ordered, a finite or absent power, and the tracker accepts
 * them all.
 */
#include <math.h>

#include "fuzz.h"
#include "simsweep/error.h"
#include "simsweep/rules.h"
#include "simsweep/tracker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';

	struct tracker_rule *rules = calloc(1, sizeof *rules);
	FUZZ_CHECK(rules != NULL);
	rules[0] = (struct tracker_rule){
	    .freq_low_hz = 1e6, .freq_high_hz = 2e6, .max_power_dbfs = NAN, .note = "first"};
	size_t n = 1;
	char err[256];
	memset(err, 'x', sizeof err);
	int rc = rules_parse(text, "in.json", &rules, &n, err, sizeof err);
	FUZZ_CHECK(n >= 1 && rules != NULL);
	FUZZ_CHECK(rules[0].freq_low_hz == 1e6 && rules[0].freq_high_hz == 2e6);
	FUZZ_CHECK(!strcmp(rules[0].note, "first"));
	if (rc != SIMSWEEP_OK) {
		FUZZ_CHECK(rc == SIMSWEEP_EFORMAT || rc == SIMSWEEP_ENOMEM);
		FUZZ_CHECK(n == 1);
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		FUZZ_CHECK(!strncmp(err, "in.json: ", 9));
	} else {
		for (size_t i = 1; i < n; i++) {
			const struct tracker_rule *r = &rules[i];
			FUZZ_CHECK(memchr(r->note, '\0', sizeof r->note) != NULL && r->note[0]);
			FUZZ_CHECK(memchr(r->class_id, '\0', sizeof r->class_id) != NULL);
			FUZZ_CHECK(isnan(r->freq_low_hz) == isnan(r->freq_high_hz));
			if (!isnan(r->freq_low_hz)) {
				FUZZ_CHECK(isfinite(r->freq_low_hz) && isfinite(r->freq_high_hz));
				FUZZ_CHECK(r->freq_low_hz <= r->freq_high_hz);
			}
			FUZZ_CHECK(isnan(r->max_power_dbfs) || isfinite(r->max_power_dbfs));
			FUZZ_CHECK(r->learned == 0 || r->learned == 1);
		}
		struct tracker_config cfg;
		tracker_config_default(&cfg);
		cfg.rules = rules;
		cfg.n_rules = n;
		struct tracker *t = tracker_create(&cfg);
		FUZZ_CHECK(t != NULL);
		tracker_destroy(t);
	}
	/* A one-byte error buffer is enough not to overrun. */
	struct tracker_rule *more = NULL;
	size_t m = 0;
	char tiny[2] = {'x', 'x'};
	if (rules_parse(text, "in.json", &more, &m, tiny, 1) != SIMSWEEP_OK)
		FUZZ_CHECK(m == 0);
	FUZZ_CHECK(tiny[1] == 'x');
	free(more);
	free(rules);
	free(text);
	return 0;
}
