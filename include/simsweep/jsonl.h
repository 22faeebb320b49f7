/* jsonl.h - events as JSON Lines: one object per line, flushed per line, so
 * that a crash or a kill never leaves half an event behind an event that
 * was already reported.
 *
 * Keys of a burst or carrier event (SI units):
 *   type        "burst" | "carrier"
 *   t_s         seconds from the input's first sample (sample / rate)
 *   sample      stream index of the first sample
 *   duration_s
 *   freq_hz     absolute centre when the tuning is known, else the offset
 *   freq_offset_hz  centre relative to the tuned frequency
 *   bandwidth_hz    occupied (99 % power) bandwidth
 *   power_dbfs, snr_db, noise_dbfs
 *   class, kind, confidence  classification ("unknown", null, 0 when no
 *               classifier claims it)
 *   features    (bursts that went through the classifiers) the measurements
 *               behind the decision: body_s, clip_snr_db, env_m4,
 *               tone_purity, tone_windows, tone_steps_grid, tone_steps_off,
 *               tone_span_hz, cp66, cp800, duty (classify.h; null when not
 *               computable)
 *   band        E-UTRA band holding freq_hz ("B20"), uplinks preferred, or null
 *   link        "uplink" | "downlink" | null
 *   file        input name, or null
 *   time        ISO-8601 UTC with microseconds, only when the start time is known
 *
 * With a position source (--gps), every event, bursts and findings alike,
 * ends with the receiver's position: "lat", "lon" (degrees WGS84, 7
 * decimals) and "fix_time" (ISO-8601 UTC of the fix, when gpsd gave one),
 * or "gps":"no fix". Without one, events carry no position keys.
 */
#ifndef SIMSWEEP_JSONL_H
#define SIMSWEEP_JSONL_H

#include <stdint.h>
#include <stdio.h>

#include "simsweep/burst.h"
#include "simsweep/tracker.h"

/* Where the receiver was when an event was written. */
struct jsonl_position {
	int fix;            /* 1: lat/lon known; 0: "no fix" */
	double lat_deg;     /* WGS84 */
	double lon_deg;
	int64_t fix_utc_ns; /* UTC of the fix, or SIMSWEEP_UTC_UNKNOWN */
};

/* Write one event line to f and flush it. file may be NULL.
 * Returns 0, or SIMSWEEP_EIO when the write failed. */
int jsonl_write_burst(FILE *f, const struct burst *b, const char *file);

/* Write one finding (tracker.h) as a line and flush it. Keys: type
 * ("cluster", "emitter", "alert", "status"), t_s, time (when known), file,
 * then by type:
 *   cluster  cluster_id emitter_id class freq_hz bandwidth_hz power_dbfs band
 *            link end_s duration_s bursts
 *   emitter  emitter_id class freq_hz bandwidth_hz power_dbfs band link
 *            clusters first/last (first_time/last_time when UTC is known,
 *            else first_s/last_s) period_s jitter_s (null until regular)
 *            expected note
 *   alert    alert_id emitter_id cluster_id severity reason class freq_hz
 *            power_dbfs band link clusters period_s jitter_s
 *   status   message freq_low_hz freq_high_hz covered_s, and dropped clipped
 *            (samples lost and at the ADC limits) from a live source
 * Returns 0, or SIMSWEEP_EIO. */
int jsonl_write_event(FILE *f, const struct tracker_event *ev);

/* The same, with the receiver's position (NULL: no position keys). */
int jsonl_write_burst_at(FILE *f, const struct burst *b, const char *file,
                         const struct jsonl_position *pos);
int jsonl_write_event_at(FILE *f, const struct tracker_event *ev,
                         const struct jsonl_position *pos);

/* Write s as a JSON string literal (with quotes) to f; NULL writes null. */
void jsonl_write_string(FILE *f, const char *s);

#endif
