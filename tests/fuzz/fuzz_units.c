/* fuzz_units.c - numbers and times as users type them and files carry them.
 *
 * The input (up to its first NUL) goes to units_parse_si(), which must give
 * a finite number or an error, and to units_parse_utc(): a time it accepts
 * must survive units_format_utc() and a second parse, to the microsecond.
 * The first 8 bytes, as an int64, are also formatted: any value must give a
 * terminated string that fits UNITS_UTC_LEN.
 */
#include <math.h>

#include "fuzz.h"
#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/units.h"

/* utc_ns rounded half away from zero to the microsecond, as formatted. */
static int64_t round_us(int64_t ns)
{
	int64_t us = ns / 1000, rem = ns % 1000;
	if (rem < 0) {
		us -= 1;
		rem += 1000;
	}
	if (rem > 500 || (rem == 500 && ns >= 0))
		us += 1;
	return us * 1000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';

	double v = NAN;
	if (units_parse_si(s, &v) == SIMSWEEP_OK)
		FUZZ_CHECK(isfinite(v));

	int64_t t;
	if (units_parse_utc(s, &t) == SIMSWEEP_OK) {
		char buf[UNITS_UTC_LEN];
		units_format_utc(t, buf);
		int64_t back;
		FUZZ_CHECK(units_parse_utc(buf, &back) == SIMSWEEP_OK);
		FUZZ_CHECK(back == round_us(t));
	}

	if (size >= sizeof(int64_t)) {
		int64_t any;
		memcpy(&any, data, sizeof any);
		char buf[UNITS_UTC_LEN + 8];
		memset(buf, 'x', sizeof buf);
		FUZZ_CHECK(units_format_utc(any, buf) == buf);
		FUZZ_CHECK(memchr(buf, '\0', UNITS_UTC_LEN) != NULL);
		FUZZ_CHECK(buf[UNITS_UTC_LEN] == 'x');
	}
	free(s);
	return 0;
}
