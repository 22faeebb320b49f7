/* record.h - the raw stream of a live source as a SigMF recording, so that
 * any monitoring session can be analysed again offline.
 *
 *   DIR/simsweep-20240501T120000Z.sigmf-data   the bytes as the device sent
 *                                              them (cu8 for an RTL-SDR)
 *   DIR/simsweep-20240501T120000Z.sigmf-meta   core:datatype, core:sample_rate,
 *                                              one capture per segment
 *
 * A new capture (core:sample_start, core:frequency, core:datetime) starts
 * at the first block, at every retune (new segment) and after every loss
 * (samples missing from the file). The meta file is rewritten (atomically)
 * at every new capture and at close, so a killed session still leaves a
 * readable recording.
 */
#ifndef SIMSWEEP_RECORD_H
#define SIMSWEEP_RECORD_H

#include <stddef.h>

#include "simsweep/block.h"
#include "simsweep/live.h"

struct record;

/* Create the pair in dir (which must exist). NULL on failure, with the
 * reason in err. */
struct record *record_open(const char *dir, const struct live_info *info, char *err,
                           size_t err_len);

/* Append the raw bytes of block b (b->n samples). Returns 0 or a negative
 * SIMSWEEP_E* code (record_errmsg() says why); after a failure further
 * writes are ignored. */
int record_write(struct record *r, const struct block *b, const void *raw, size_t bytes);

const char *record_errmsg(const struct record *r);

/* The data file's path. */
const char *record_path(const struct record *r);

/* Write the final meta and close. Returns 0 or a negative code (reason in
 * err, which may be NULL). NULL is a no-op. */
int record_close(struct record *r, char *err, size_t err_len);

#endif
