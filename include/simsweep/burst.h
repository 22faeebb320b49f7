/* burst.h - the burst record: the unit every classifier, tracker and sink
 * sees. One record per transmission (a hopping NB-IoT preamble or a run of
 * consecutive LTE subframes is one record), or per carrier (a signal present
 * for longer than a burst can last: a downlink, a spur).
 */
#ifndef SIMSWEEP_BURST_H
#define SIMSWEEP_BURST_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

struct classify_features;

enum burst_type {
	BURST_TYPE_BURST = 0,   /* a transmission with a start and an end */
	BURST_TYPE_CARRIER = 1, /* continuous for at least the carrier time */
};

struct burst {
	enum burst_type type;
	uint64_t sample;        /* stream index of the first sample of the burst */
	uint64_t n_samples;     /* length in samples (>= 1) */
	double rate_hz;         /* stream sample rate */
	double start_s;         /* sample / rate_hz: seconds from the stream's first sample */
	double duration_s;      /* n_samples / rate_hz */
	double freq_offset_hz;  /* centre, relative to the tuned centre frequency */
	double freq_hz;         /* absolute centre; NAN when the tuning is unknown */
	double bandwidth_hz;    /* occupied bandwidth: 99 % of the burst's power */
	double power_dbfs;      /* mean signal power, noise removed, dB full scale
	                           (-INFINITY when nothing is left over the noise) */
	double snr_db;          /* signal power / noise power in bandwidth_hz (-INFINITY as above) */
	double noise_dbfs;      /* noise power in bandwidth_hz, dB full scale */
	int64_t utc_ns;         /* UTC of the first sample, or SIMSWEEP_UTC_UNKNOWN */
	uint32_t segment;       /* capture segment the burst was found in */

	/* IQ clip for classifiers: the burst (plus margins, up to a cap) mixed
	 * down by freq_offset_hz, low-pass filtered and decimated. Valid only
	 * during the callback that delivers the record. */
	const float complex *clip;
	size_t clip_len;        /* samples in clip (0 when none) */
	double clip_rate_hz;    /* sample rate of clip */
	uint64_t clip_sample;   /* stream index (input rate) of clip[0] */

	/* Classification (classify.h): "unknown"/NULL/0 when no classifier
	 * claims the burst. */
	const char *class_id;   /* "nb-iot", "lte-m", "lte", "gsm", "unknown" */
	const char *kind;       /* "nprach", "pusch", "normal-burst"..., or NULL */
	double confidence;      /* 0 .. 1 */
	int class_by_band;      /* named on its band's shape alone (classify_result) */
	int band_tested;        /* the detector found its band standing out over its
	                           length (a narrow band summed over up to 27 ms:
	                           segment.c, detect_tones), where its clip may not
	                           show it */
	/* The measurements behind the decision, NULL when none were made (a
	 * carrier, classification off). Valid during the callback only. */
	const struct classify_features *features;
};

/* Called once per finished burst or carrier, in order of detection. */
typedef void (*burst_fn)(const struct burst *b, void *ctx);

#endif
