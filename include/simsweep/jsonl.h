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
 *               tone_span_hz, cp66, cp800 (classify.h; null when not
 *               computable)
 *   band        E-UTRA band holding freq_hz ("B20"), uplinks preferred, or null
 *   link        "uplink" | "downlink" | null
 *   file        input name, or null
 *   time        ISO-8601 UTC with microseconds, only when the start time is known
 */
#ifndef SIMSWEEP_JSONL_H
#define SIMSWEEP_JSONL_H

#include <stdio.h>

#include "simsweep/burst.h"

/* Write one event line to f and flush it. file may be NULL.
 * Returns 0, or SIMSWEEP_EIO when the write failed. */
int jsonl_write_burst(FILE *f, const struct burst *b, const char *file);

/* Write s as a JSON string literal (with quotes) to f; NULL writes null. */
void jsonl_write_string(FILE *f, const char *s);

#endif
