/* opts.h - option values as users type them, with one-line errors. */
#ifndef SIMSWEEP_OPTS_H
#define SIMSWEEP_OPTS_H

#include <stddef.h>
#include <stdint.h>

/* Each parser prints "simsweep <cmd>: invalid <what> for <opt>: '<s>'" and
 * returns -1 on bad input, 0 on success. */
int opt_si(const char *cmd, const char *opt, const char *s, double min, double max, double *out);
int opt_double(const char *cmd, const char *opt, const char *s, double min, double max, double *out);
int opt_size(const char *cmd, const char *opt, const char *s, size_t min, size_t max, size_t *out);
int opt_utc(const char *cmd, const char *opt, const char *s, int64_t *out);
/* Seconds, or a number with an s, m or h suffix ("90", "30s", "10m", "2h"). */
int opt_duration(const char *cmd, const char *opt, const char *s, double min_s, double max_s,
                 double *out_s);

#endif
