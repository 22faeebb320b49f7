/* rules.h - baseline and allowlist files: what is normally on the air.
 *
 * Both are JSON. A baseline is written by `simsweep baseline` from what it
 * saw (its emitters: a known device's power counts for the severity of
 * alerts); an allowlist is written by hand. Entries need a note:
 *
 *   {"kind": "allowlist",            (or "baseline"; a bare array is an allowlist)
 *    "rules": [
 *      {"freq_hz": 847.1e6, "tolerance_hz": 100e3, "note": "team phone"},
 *      {"freq_low_hz": 832e6, "freq_high_hz": 837e6, "class": "lte", "note": "..."},
 *      {"band": "B20", "note": "the whole band, uplink and downlink"},
 *      {"class": "gsm", "note": "any GSM"},
 *      {"freq_hz": 847.1e6, "max_power_dbfs": -35, "note": "..."}]}
 *
 * freq_hz without tolerance_hz means +-100 kHz. A "band" is an E-UTRA band
 * ("B20" or 20) or a GSM band ("GSM850", "E-GSM900", "DCS1800", "PCS1900").
 */
#ifndef SIMSWEEP_RULES_H
#define SIMSWEEP_RULES_H

#include <stddef.h>

#include "simsweep/tracker.h"

#define RULES_DEFAULT_TOLERANCE_HZ 100e3

/* Append the rules of the file at path to *rules (n_rules entries, grown
 * with realloc; start with NULL/0; free() when done). Returns 0, or
 * SIMSWEEP_ENOENT/EIO/EFORMAT with a reason naming the file and the entry
 * in err. */
int rules_load(const char *path, struct tracker_rule **rules, size_t *n_rules, char *err,
               size_t err_len);

/* The same from memory: text (NUL-terminated JSON) as if read from a file
 * called name (for the messages). rules_load() is this on the file's
 * contents. */
int rules_parse(const char *text, const char *name, struct tracker_rule **rules, size_t *n_rules,
                char *err, size_t err_len);

/* Write the tracker's emitters as a baseline file (through a temporary
 * file and a rename). Returns 0, or SIMSWEEP_EIO with a reason in err. */
int rules_save_baseline(const char *path, const struct tracker *t, const char *note, char *err,
                        size_t err_len);

#endif
