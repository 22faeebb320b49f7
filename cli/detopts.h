/* detopts.h - the detection options that analyze and monitor share
 * (--fft-size, --overlap, -t/--threshold, --min-duration, --min-snr,
 * --merge-gap, --carrier-time, --dc-mask, --no-dc-removal, --weak-bursts).
 *
 * A command lists DETOPTS_LONG in its option table and "t:" in its short
 * options, and hands every option to detopts_parse first. */
#ifndef SIMSWEEP_DETOPTS_H
#define SIMSWEEP_DETOPTS_H

#include <getopt.h>
#include <stdio.h>

#include "simsweep/pipeline.h"

enum {
	DETOPT_FFT = 2000, /* clear of the commands' own (256..) and outopts' (1000..) */
	DETOPT_OVERLAP,
	DETOPT_MIN_DUR,
	DETOPT_MIN_SNR,
	DETOPT_MERGE,
	DETOPT_CARRIER,
	DETOPT_DC_MASK,
	DETOPT_NO_DC,
	DETOPT_WEAK,
};

#define DETOPTS_SHORT "t:"
#define DETOPTS_LONG                                                                               \
	{"fft-size", required_argument, NULL, DETOPT_FFT},                                            \
	    {"overlap", required_argument, NULL, DETOPT_OVERLAP},                                    \
	    {"threshold", required_argument, NULL, 't'},                                             \
	    {"min-duration", required_argument, NULL, DETOPT_MIN_DUR},                              \
	    {"min-snr", required_argument, NULL, DETOPT_MIN_SNR},                                    \
	    {"merge-gap", required_argument, NULL, DETOPT_MERGE},                                    \
	    {"carrier-time", required_argument, NULL, DETOPT_CARRIER},                               \
	    {"dc-mask", required_argument, NULL, DETOPT_DC_MASK},                                    \
	    {"no-dc-removal", no_argument, NULL, DETOPT_NO_DC},                                     \
	    {"weak-bursts", no_argument, NULL, DETOPT_WEAK}

struct detopts {
	struct pipeline_config pl; /* rate_hz is the command's to set */
	int dc_remove;             /* -1 auto (cu8: on), 0 off */
	double dc_mask_hz;         /* < 0: auto (cu8: one bin, else 0) */
};

void detopts_init(struct detopts *d);

/* 1 when c was one of these options and was taken, 0 when c is not one of
 * them, -1 after printing a usage error naming the option. */
int detopts_parse(struct detopts *d, const char *cmd, int c, const char *arg);

/* The pipeline configuration for a stream at rate_hz in that format: the
 * options, with the DC handling an RTL-SDR's cu8 needs when not given. */
void detopts_config(const struct detopts *d, double rate_hz, int is_cu8, struct pipeline_config *pc);

/* The options' help lines. */
void detopts_usage(FILE *f);

#endif
