/* units.h - numbers with SI suffixes and UTC timestamps, as users type them
 * and as recordings carry them.
 */
#ifndef SIMSWEEP_UNITS_H
#define SIMSWEEP_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parse a number with an optional SI suffix: "2.4M" -> 2.4e6, "868.3M",
 * "1000k", "1.2G", "250000", "2.4e6". An optional trailing "Hz" or "sps" is
 * accepted ("847MHz"). Suffixes k/K, M, G (and m for milli is NOT accepted:
 * "2.4m" means 2.4e6, as rtl_433 reads it). The whole string must be used.
 * Returns 0, or SIMSWEEP_EFORMAT. */
int units_parse_si(const char *s, double *out);

/* Parse ISO-8601 UTC: "2023-11-10T10:11:12Z", "2023-11-10T10:11:12.123456Z",
 * "2023-11-10T10:11:12.5+00:00", also without the zone (taken as UTC), and
 * with a space instead of 'T'. Fractions down to 1 ns. Returns 0, or
 * SIMSWEEP_EFORMAT. */
int units_parse_utc(const char *s, int64_t *utc_ns);

/* Format utc_ns as "2023-11-10T10:11:12.123456Z" (microseconds, rounded).
 * buf must hold at least UNITS_UTC_LEN bytes. Returns buf. */
#define UNITS_UTC_LEN 64
char *units_format_utc(int64_t utc_ns, char *buf);

/* Days since 1970-01-01 of a proleptic Gregorian date (valid for years 1..9999). */
int64_t units_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
