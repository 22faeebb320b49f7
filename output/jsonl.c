/* jsonl.c - JSON Lines events (see jsonl.h). */
#include "simsweep/jsonl.h"

#include <math.h>
#include <stdio.h>

#include "simsweep/bands.h"
#include "simsweep/classify.h"
#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/units.h"

void jsonl_write_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

/* Finite numbers as is; -inf/nan (no signal) as null. */
static void number(FILE *f, const char *key, double v, int decimals)
{
	fprintf(f, ",\"%s\":", key);
	if (isfinite(v))
		fprintf(f, "%.*f", decimals, v);
	else
		fputs("null", f);
}

static void position(FILE *f, const struct jsonl_position *pos)
{
	if (!pos)
		return;
	if (!pos->fix) {
		fputs(",\"gps\":\"no fix\"", f);
		return;
	}
	number(f, "lat", pos->lat_deg, 7);
	number(f, "lon", pos->lon_deg, 7);
	if (pos->fix_utc_ns != SIMSWEEP_UTC_UNKNOWN) {
		char buf[UNITS_UTC_LEN];
		fprintf(f, ",\"fix_time\":\"%s\"", units_format_utc(pos->fix_utc_ns, buf));
	}
}

int jsonl_write_burst(FILE *f, const struct burst *b, const char *file)
{
	return jsonl_write_burst_at(f, b, file, NULL);
}

int jsonl_write_event(FILE *f, const struct tracker_event *ev)
{
	return jsonl_write_event_at(f, ev, NULL);
}

int jsonl_write_burst_at(FILE *f, const struct burst *b, const char *file,
                         const struct jsonl_position *pos)
{
	double freq = isnan(b->freq_hz) ? b->freq_offset_hz : b->freq_hz;
	fprintf(f, "{\"type\":\"%s\"", b->type == BURST_TYPE_CARRIER ? "carrier" : "burst");
	number(f, "t_s", b->start_s, 7);
	fprintf(f, ",\"sample\":%llu", (unsigned long long)b->sample);
	number(f, "duration_s", b->duration_s, 7);
	number(f, "freq_hz", freq, 1);
	number(f, "freq_offset_hz", b->freq_offset_hz, 1);
	number(f, "bandwidth_hz", b->bandwidth_hz, 1);
	number(f, "power_dbfs", b->power_dbfs, 2);
	number(f, "snr_db", b->snr_db, 2);
	number(f, "noise_dbfs", b->noise_dbfs, 2);
	fputs(",\"class\":", f);
	jsonl_write_string(f, b->class_id ? b->class_id : "unknown");
	fputs(",\"kind\":", f);
	jsonl_write_string(f, b->kind);
	number(f, "confidence", b->confidence, 3);
	if (b->features) {
		/* Why the classifiers decided as they did (classify.h). */
		const struct classify_features *x = b->features;
		fputs(",\"features\":{", f);
		fputs("\"body_s\":", f);
		fputs(isfinite(x->body_s) ? "" : "null", f);
		if (isfinite(x->body_s))
			fprintf(f, "%.7f", x->body_s);
		number(f, "clip_snr_db", x->clip_snr_db, 2);
		number(f, "env_m4", x->env_m4, 3);
		number(f, "tone_purity", x->tone_purity, 3);
		number(f, "tone_noise_purity", x->tone_noise_purity, 3);
		fprintf(f, ",\"tone_windows\":%zu,\"tone_steps_grid\":%zu,\"tone_steps_off\":%zu",
		        x->tone_windows, x->tone_steps_grid, x->tone_steps_off);
		number(f, "tone_span_hz", x->tone_span_hz, 1);
		number(f, "tone_conc", x->tone_conc, 3);
		number(f, "band_share", x->band_share, 3);
		number(f, "cp66", x->cp66, 3);
		number(f, "cp800", x->cp800, 3);
		number(f, "duty", x->duty, 3);
		number(f, "slot_gate", x->slot_gate, 3);
		number(f, "slot_z", x->slot_z, 2);
		number(f, "gmsk_lines", x->gmsk_lines, 3);
		number(f, "comb", x->comb, 3);
		fprintf(f, ",\"pulses\":%zu", x->pulses);
		number(f, "pulse_s", x->pulse_s, 7);
		number(f, "pulse_gap_s", x->pulse_gap_s, 7);
		number(f, "pulse_snr_db", x->pulse_snr_db, 2);
		number(f, "pulse_grid", x->pulse_grid, 2);
		/* The name came from the band's shape alone (classify.h). */
		fprintf(f, ",\"by_band\":%s", b->class_by_band ? "true" : "false");
		fputc('}', f);
	}
	struct band_match m;
	if (!isnan(b->freq_hz) && bands_lookup(b->freq_hz, &m, 1) > 0) {
		fprintf(f, ",\"band\":\"B%d\",\"link\":\"%s\"", m.band, m.uplink ? "uplink" : "downlink");
	} else {
		fputs(",\"band\":null,\"link\":null", f);
	}
	fputs(",\"file\":", f);
	jsonl_write_string(f, file);
	if (b->utc_ns != SIMSWEEP_UTC_UNKNOWN) {
		char buf[UNITS_UTC_LEN];
		fprintf(f, ",\"time\":\"%s\"", units_format_utc(b->utc_ns, buf));
	}
	position(f, pos);
	fputs("}\n", f);
	if (fflush(f) != 0 || ferror(f))
		return SIMSWEEP_EIO;
	return SIMSWEEP_OK;
}

static void band_link(FILE *f, int band, int uplink)
{
	if (band > 0)
		fprintf(f, ",\"band\":\"B%d\"", band);
	else
		fputs(",\"band\":null", f);
	fprintf(f, ",\"link\":%s",
	        uplink == 1 ? "\"uplink\"" : uplink == 0 ? "\"downlink\"" : "null");
}

static void tracker_time(FILE *f, const char *key, double t, int utc_known)
{
	if (utc_known && isfinite(t)) {
		char buf[UNITS_UTC_LEN];
		fprintf(f, ",\"%s_time\":\"%s\"", key, units_format_utc((int64_t)llround(t * 1e9), buf));
	} else {
		char k[32];
		snprintf(k, sizeof(k), "%s_s", key);
		number(f, k, t, 6);
	}
}

int jsonl_write_event_at(FILE *f, const struct tracker_event *ev,
                         const struct jsonl_position *pos)
{
	fprintf(f, "{\"type\":\"%s\"", tracker_event_name(ev->type));
	number(f, "t_s", ev->t_s, 7);
	int utc = ev->utc_ns != SIMSWEEP_UTC_UNKNOWN;
	if (utc) {
		char buf[UNITS_UTC_LEN];
		fprintf(f, ",\"time\":\"%s\"", units_format_utc(ev->utc_ns, buf));
	}
	fputs(",\"file\":", f);
	jsonl_write_string(f, ev->file);
	switch (ev->type) {
	case TRACKER_EVENT_CLUSTER:
		fprintf(f, ",\"cluster_id\":%llu,\"emitter_id\":%lu", (unsigned long long)ev->cluster_id,
		        (unsigned long)ev->emitter_id);
		fputs(",\"class\":", f);
		jsonl_write_string(f, ev->class_id);
		number(f, "freq_hz", ev->freq_hz, 1);
		number(f, "bandwidth_hz", ev->bandwidth_hz, 1);
		number(f, "power_dbfs", ev->power_dbfs, 2);
		band_link(f, ev->band, ev->uplink);
		number(f, "end_s", ev->end_s, 7);
		number(f, "duration_s", ev->duration_s, 7);
		fprintf(f, ",\"bursts\":%lu", (unsigned long)ev->n_bursts);
		break;
	case TRACKER_EVENT_EMITTER:
		fprintf(f, ",\"emitter_id\":%lu", (unsigned long)ev->emitter_id);
		fputs(",\"class\":", f);
		jsonl_write_string(f, ev->class_id);
		number(f, "freq_hz", ev->freq_hz, 1);
		number(f, "bandwidth_hz", ev->bandwidth_hz, 1);
		number(f, "power_dbfs", ev->power_dbfs, 2);
		band_link(f, ev->band, ev->uplink);
		fprintf(f, ",\"clusters\":%lu", (unsigned long)ev->n_clusters);
		tracker_time(f, "first", ev->first_s, utc);
		tracker_time(f, "last", ev->last_s, utc);
		number(f, "period_s", ev->period_s, 3);
		number(f, "jitter_s", ev->jitter_s, 3);
		fprintf(f, ",\"expected\":%s,\"note\":", ev->expected ? "true" : "false");
		jsonl_write_string(f, ev->rule_note);
		break;
	case TRACKER_EVENT_ALERT:
		fprintf(f, ",\"alert_id\":%llu,\"emitter_id\":%lu,\"cluster_id\":%llu",
		        (unsigned long long)ev->alert_id, (unsigned long)ev->emitter_id,
		        (unsigned long long)ev->cluster_id);
		fputs(",\"severity\":", f);
		jsonl_write_string(f, ev->severity);
		fputs(",\"reason\":", f);
		jsonl_write_string(f, ev->reason);
		fputs(",\"class\":", f);
		jsonl_write_string(f, ev->class_id);
		number(f, "freq_hz", ev->freq_hz, 1);
		number(f, "power_dbfs", ev->power_dbfs, 2);
		band_link(f, ev->band, ev->uplink);
		fprintf(f, ",\"clusters\":%lu", (unsigned long)ev->n_clusters);
		number(f, "period_s", ev->period_s, 3);
		number(f, "jitter_s", ev->jitter_s, 3);
		break;
	case TRACKER_EVENT_STATUS:
		fputs(",\"message\":", f);
		jsonl_write_string(f, ev->message);
		number(f, "freq_low_hz", ev->freq_low_hz, 1);
		number(f, "freq_high_hz", ev->freq_high_hz, 1);
		number(f, "covered_s", ev->covered_s, 3);
		if (ev->has_loss)
			fprintf(f, ",\"dropped\":%llu,\"clipped\":%llu",
			        (unsigned long long)ev->dropped, (unsigned long long)ev->clipped);
		break;
	}
	position(f, pos);
	fputs("}\n", f);
	if (fflush(f) != 0 || ferror(f))
		return SIMSWEEP_EIO;
	return SIMSWEEP_OK;
}
