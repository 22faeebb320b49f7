/* nametags.c - metadata in recording file names (source_parse_name).
 *
 * Two conventions are read, field by field (fields are separated by '_'):
 *
 *   rtl_433:          g001_868.3M_1000k.cs16        freq 868.3 MHz, rate 1 MS/s
 *                     gsm-uplink_1.0833M.cf32       rate 1.0833 MS/s (one tag <= 100e6)
 *                     car_847M.cu8                  freq 847 MHz (one tag > 100e6)
 *   SDR#/SDRuno/HDSDR: SDRSharp_20231110_101112Z_847000000Hz_IQ.wav
 *                     SDRuno_20200904_204456Z_1090000kHz.wav
 *                     start 2023-11-10T10:11:12Z (only with the 'Z': without it
 *                     the time is local and unusable), freq from the Hz field.
 *
 * A tag is a plain decimal number with a k/M/G suffix, optionally followed by
 * "Hz" or "sps" ("868.3M", "1000k", "847MHz", "2.4Msps"). A unit settles
 * what a field is: "Hz" makes it the frequency (so SDR#'s "847000000Hz"
 * counts even without a suffix), "sps" the sample rate. The tags without a
 * unit then fill what is left, in the rtl_433 order: frequency, then rate;
 * or, alone with nothing else known, the rate when <= 100e6.
 */
#include "simsweep/source.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "simsweep/units.h"

/* A single tag below this is a sample rate, above it a frequency. */
#define NAMETAG_MAX_RATE_HZ 100e6
/* Fields longer than this are not tags (and are skipped). */
#define NAMETAG_FIELD_MAX 48
/* Tags without a unit that are looked at. */
#define NAMETAG_MAX_PLAIN 2

enum tag_unit {
	TAG_NONE,  /* not a tag */
	TAG_PLAIN, /* number with k/M/G and no unit */
	TAG_HZ,    /* explicit Hz: a frequency */
	TAG_SPS,   /* explicit sps: a sample rate */
};

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Classify a field and parse its value (> 0, finite). */
static enum tag_unit parse_tag(const char *f, double *value)
{
	const char *p = f;
	if (!isdigit((unsigned char)*p))
		return TAG_NONE;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return TAG_NONE;
		while (isdigit((unsigned char)*p))
			p++;
	}
	bool suffix = *p && strchr("kKmMgG", *p);
	if (suffix)
		p++;
	enum tag_unit unit;
	if (!*p)
		unit = TAG_PLAIN;
	else if (strcasecmp(p, "hz") == 0)
		unit = TAG_HZ;
	else if (strcasecmp(p, "sps") == 0)
		unit = TAG_SPS;
	else
		return TAG_NONE;
	/* A bare number ("2023", "001") is not a tag: only "Hz" may stand
	 * without a suffix (SDR#'s "847000000Hz"). */
	if (!suffix && unit != TAG_HZ)
		return TAG_NONE;
	double v;
	if (units_parse_si(f, &v) != 0 || !isfinite(v) || v <= 0.0)
		return TAG_NONE;
	*value = v;
	return unit;
}

/* "20231110" + "101112Z" -> ns since the epoch. */
static bool parse_date_time(const char *date, const char *time, int64_t *utc_ns)
{
	if (strlen(date) != 8 || !all_digits(date, 8))
		return false;
	if (strlen(time) != 7 || !all_digits(time, 6) || (time[6] != 'Z' && time[6] != 'z'))
		return false;
	char iso[32];
	snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", date, date + 4, date + 6, time,
	         time + 2, time + 4);
	return units_parse_utc(iso, utc_ns) == 0;
}

/* Copy the next '_'-separated field of [p, end) into buf; returns the start
 * of the field after it (or end). A field too long for buf comes back "". */
static const char *next_field(const char *p, const char *end, char *buf, size_t len)
{
	const char *q = p;
	while (q < end && *q != '_')
		q++;
	size_t n = (size_t)(q - p);
	if (n >= len)
		n = 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return q < end ? q + 1 : end;
}

void source_parse_name(const char *path, double *freq_hz, double *rate_hz, int64_t *start_utc_ns)
{
	if (!path)
		return;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* Drop the extension, but only a real one: ".cu8", ".sigmf-data", not
	 * the ".0833M" of "gsm-uplink_1.0833M" when there is no extension. */
	const char *end = base + strlen(base);
	const char *dot = strrchr(base, '.');
	if (dot && dot != base && isalpha((unsigned char)dot[1]))
		end = dot;

	double freq = NAN, rate = NAN;
	double plain[NAMETAG_MAX_PLAIN];
	int n_plain = 0;
	bool have_start = false;
	int64_t start = 0;
	char prev[NAMETAG_FIELD_MAX + 1] = "";
	char field[NAMETAG_FIELD_MAX + 1];

	for (const char *p = base; p < end;) {
		p = next_field(p, end, field, sizeof field);
		double v;
		switch (parse_tag(field, &v)) {
		case TAG_HZ:
			if (isnan(freq))
				freq = v;
			break;
		case TAG_SPS:
			if (isnan(rate))
				rate = v;
			break;
		case TAG_PLAIN:
			if (n_plain < NAMETAG_MAX_PLAIN)
				plain[n_plain++] = v;
			break;
		case TAG_NONE:
			if (!have_start && parse_date_time(prev, field, &start))
				have_start = true;
			break;
		}
		memcpy(prev, field, sizeof prev);
	}

	/* Tags without a unit fill what the units left open. */
	int k = 0;
	if (isnan(freq) && isnan(rate)) {
		if (n_plain >= 2) {
			freq = plain[0];
			rate = plain[1];
		} else if (n_plain == 1) {
			if (plain[0] <= NAMETAG_MAX_RATE_HZ)
				rate = plain[0];
			else
				freq = plain[0];
		}
	} else {
		if (isnan(freq) && k < n_plain)
			freq = plain[k++];
		if (isnan(rate) && k < n_plain)
			rate = plain[k++];
	}

	if (freq_hz && !isnan(freq))
		*freq_hz = freq;
	if (rate_hz && !isnan(rate))
		*rate_hz = rate;
	if (start_utc_ns && have_start)
		*start_utc_ns = start;
}
