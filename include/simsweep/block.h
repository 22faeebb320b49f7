/* block.h - a run of complex samples and everything needed to place them in
 * time and frequency. Blocks are what sources produce and the pipeline eats.
 *
 * Metadata travels with the samples so that a retune or a drop can never be
 * mis-attributed: a block never straddles a retune, a capture-segment boundary
 * or a drop.
 */
#ifndef SIMSWEEP_BLOCK_H
#define SIMSWEEP_BLOCK_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

/* utc_ns value meaning "start time not known". */
#define SIMSWEEP_UTC_UNKNOWN INT64_MIN

struct block {
	const float complex *iq; /* n samples, full scale = magnitude 1.0; owned by
	                            the producer, valid until its next call */
	size_t n;                /* number of samples, >= 1 */
	uint64_t sample_index;   /* stream position of iq[0] (samples since the
	                            stream's first sample, counting dropped ones) */
	double rate_hz;          /* sample rate, > 0 */
	double freq_hz;          /* tuned centre frequency, NAN when unknown (events
	                            then carry offsets from the centre) */
	int64_t utc_ns;          /* UTC of iq[0], ns since the Unix epoch, or
	                            SIMSWEEP_UTC_UNKNOWN */
	double gain_db;          /* front-end gain, NAN when unknown */
	uint64_t dropped;        /* samples lost immediately before iq[0] */
	uint64_t clipped;        /* samples of this block at the converter's rails
	                            (ADC overload), 0 for float input */
	uint32_t segment;        /* capture segment number; it changes at every
	                            discontinuity (retune, new SigMF capture) */
};

#endif
