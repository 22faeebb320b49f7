/* csv.c - bursts as CSV (see csv.h). */
#include "simsweep/csv.h"

#include <math.h>
#include <string.h>

#include "simsweep/bands.h"
#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/units.h"

void csv_write_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			putc('"', f);
		putc(*p, f);
	}
	putc('"', f);
}

static void num(FILE *f, double v, int decimals)
{
	putc(',', f);
	if (isfinite(v))
		fprintf(f, "%.*f", decimals, v);
}

static int end_row(FILE *f)
{
	fputs("\r\n", f);
	if (fflush(f) != 0 || ferror(f))
		return SIMSWEEP_EIO;
	return SIMSWEEP_OK;
}

int csv_write_header(FILE *f)
{
	fputs("type,t_s,time,sample,duration_s,freq_hz,freq_offset_hz,bandwidth_hz,power_dbfs,"
	      "snr_db,noise_dbfs,class,kind,confidence,band,link,lat,lon,fix_time,file",
	      f);
	return end_row(f);
}

int csv_write_burst(FILE *f, const struct burst *b, const char *file,
                    const struct jsonl_position *pos)
{
	fputs(b->type == BURST_TYPE_CARRIER ? "carrier" : "burst", f);
	num(f, b->start_s, 7);
	putc(',', f);
	if (b->utc_ns != SIMSWEEP_UTC_UNKNOWN) {
		char buf[UNITS_UTC_LEN];
		fputs(units_format_utc(b->utc_ns, buf), f);
	}
	fprintf(f, ",%llu", (unsigned long long)b->sample);
	num(f, b->duration_s, 7);
	num(f, isnan(b->freq_hz) ? b->freq_offset_hz : b->freq_hz, 1);
	num(f, b->freq_offset_hz, 1);
	num(f, b->bandwidth_hz, 1);
	num(f, b->power_dbfs, 2);
	num(f, b->snr_db, 2);
	num(f, b->noise_dbfs, 2);
	putc(',', f);
	csv_write_field(f, b->class_id ? b->class_id : "unknown");
	putc(',', f);
	csv_write_field(f, b->kind);
	num(f, b->confidence, 3);
	struct band_match m;
	if (!isnan(b->freq_hz) && bands_lookup(b->freq_hz, &m, 1) > 0)
		fprintf(f, ",B%d,%s", m.band, m.uplink ? "uplink" : "downlink");
	else
		fputs(",,", f);
	if (pos && pos->fix) {
		num(f, pos->lat_deg, 7);
		num(f, pos->lon_deg, 7);
		putc(',', f);
		if (pos->fix_utc_ns != SIMSWEEP_UTC_UNKNOWN) {
			char buf[UNITS_UTC_LEN];
			fputs(units_format_utc(pos->fix_utc_ns, buf), f);
		}
	} else {
		fputs(",,,", f);
	}
	putc(',', f);
	csv_write_field(f, file);
	return end_row(f);
}
