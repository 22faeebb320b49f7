/* csv.h - bursts as CSV (RFC 4180): a header line, then one row per burst
 * or carrier, CRLF line ends, fields with a comma, quote, CR or LF quoted
 * and their quotes doubled. Columns, in order (units as in jsonl.h):
 *   type,t_s,time,sample,duration_s,freq_hz,freq_offset_hz,bandwidth_hz,
 *   power_dbfs,snr_db,noise_dbfs,class,kind,confidence,band,link,
 *   lat,lon,fix_time (the receiver's position with --gps),file
 * Empty fields are unknown (no time, no band, -inf power, no fix). Each row is
 * flushed, as JSON Lines are. */
#ifndef SIMSWEEP_CSV_H
#define SIMSWEEP_CSV_H

#include <stdio.h>

#include "simsweep/burst.h"
#include "simsweep/jsonl.h"

/* Number of columns. */
#define CSV_BURST_COLUMNS 20

/* Returns 0, or SIMSWEEP_EIO when the write failed. */
int csv_write_header(FILE *f);
/* pos: the receiver's position for the row (NULL or no fix: empty). */
int csv_write_burst(FILE *f, const struct burst *b, const char *file,
                    const struct jsonl_position *pos);

/* One field, quoted when it needs to be (NULL: empty). */
void csv_write_field(FILE *f, const char *s);

#endif
