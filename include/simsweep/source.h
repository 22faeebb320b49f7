/* source.h - where samples come from: recordings (raw, SigMF, WAV) and, later,
 * live devices. A source hands out blocks (block.h) of complex float samples.
 *
 * Life: source_config_default() -> source_open() -> source_read()... ->
 * source_close(). Sources own an OS resource, so they open/close rather than
 * create/destroy.
 *
 * Precedence of metadata: an explicit option in source_config (rate_hz,
 * freq_hz, start_utc_ns, format) wins over the recording's own metadata
 * (SigMF fields, WAV header), which wins over tags in the file name
 * (rtl_433 style "car_847M_2.4M.cu8", SDR# style
 * "SDRSharp_20231110_101112Z_847000000Hz_IQ.wav").
 */
#ifndef SIMSWEEP_SOURCE_H
#define SIMSWEEP_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "simsweep/block.h"
#include "simsweep/convert.h"

struct source;

struct source_config {
	const char *path;          /* file path; "-" reads stdin (format and rate must be given) */
	enum sample_format format; /* force a raw format; UNKNOWN = infer from the name */
	double rate_hz;            /* sample rate override; 0 = from metadata or name */
	double freq_hz;            /* centre frequency override; NAN = from metadata or name */
	int64_t start_utc_ns;      /* start time override; SIMSWEEP_UTC_UNKNOWN = from metadata/name */
	size_t block_samples;      /* samples per block, 1 .. 1<<22 (default 65536) */
};

/* What a source found out about its input (valid after source_open). */
struct source_info {
	const char *kind;          /* "raw", "sigmf", "wav" */
	enum sample_format format; /* sample format on disk (WAV: nearest equivalent) */
	double rate_hz;            /* sample rate */
	double freq_hz;            /* centre of the first segment, NAN when unknown */
	int64_t start_utc_ns;      /* time of the first sample, or SIMSWEEP_UTC_UNKNOWN */
	uint64_t total_samples;    /* samples in the input when known (file size), else 0 */
	const char *data_path;     /* the file samples are read from (SigMF: the .sigmf-data) */
};

void source_config_default(struct source_config *cfg);

/* Open the input described by cfg. On failure returns a negative SIMSWEEP_E*
 * code and writes a one-line reason into err (without the file name, e.g.
 * "unknown file extension '.bin': give --format"), *out stays NULL.
 * err may be NULL; on success it is set to "".
 *
 * The backend is chosen by the name:
 *   "-"                          raw from stdin; cfg->format and cfg->rate_hz required
 *   .sigmf-meta .sigmf-data      SigMF (either file of the pair, or the base name +
 *   .sigmf                       ".sigmf"; a .sigmf tar archive is EUNSUPPORTED)
 *   .wav .wave                   WAV I/Q (the header gives the encoding: cfg->format
 *                                does not apply)
 *   .cu8 .cs8 .cs16 .cf32        raw; also .cfile/.fc32 (cf32), .sc16 (cs16), .sc8 (cs8)
 *   anything else                raw only with an explicit cfg->format
 * cfg->format, when given, also wins over the extension and over SigMF's
 * core:datatype. Name tags are read for raw and WAV files; SigMF recordings
 * are described by their metadata only.
 * Errors: SIMSWEEP_EINVAL (bad cfg, a directory), SIMSWEEP_ENOENT (no such
 * file, or the other half of a SigMF pair is missing), SIMSWEEP_EUNSUPPORTED
 * (unknown extension, datatype, channels), SIMSWEEP_EFORMAT (bad metadata or
 * header, naming the field), SIMSWEEP_ENORATE (no rate from option, metadata
 * or name), SIMSWEEP_EIO, SIMSWEEP_ENOMEM. */
int source_open(const struct source_config *cfg, struct source **out, char *err, size_t err_len);

/* Fill blk with the next block. Returns 1 when a block was produced, 0 at the
 * clean end of the input, or a negative code: SIMSWEEP_EEMPTY when the input
 * held no byte at all, SIMSWEEP_ETRUNC after the last whole sample when
 * bytes of a partial sample remain (also when they are all there is), and
 * SIMSWEEP_EIO on a read error. After an error source_errmsg() says what
 * happened. The end is sticky: once 0 or an error is returned, every later
 * call returns the same. blk->iq stays valid until the next call. Blocks
 * never straddle a capture segment: a new segment (SigMF capture, retune)
 * starts a new block with a new blk->segment number. Otherwise every block
 * has cfg->block_samples samples except the last of a segment. */
int source_read(struct source *s, struct block *blk);

const struct source_info *source_info(const struct source *s);

/* Detail of the last error ("" when none). */
const char *source_errmsg(const struct source *s);

/* NULL is a no-op. */
void source_close(struct source *s);

/* Tags in a file name (directory and extension ignored).
 * rtl_433 style: the underscore-separated fields that parse as SI numbers
 * with a k/M/G suffix (units_parse_si). With two such tags the first is the
 * centre frequency and the second the sample rate ("g001_868.3M_1000k.cs16"
 * -> 868.3e6, 1e6). A single tag is the sample rate when <= 100e6
 * ("gsm-uplink_1.0833M.cf32"), else the centre frequency ("car_847M.cu8").
 * A unit settles what a tag is, in any order: "Hz" a frequency ("847MHz",
 * and "847000000Hz" even without a suffix), "sps" a rate ("2.4Msps"); the
 * tags without a unit then fill what is left, frequency first.
 * SDR# / SDRuno / HDSDR style: "SDRSharp_20231110_101112Z_847000000Hz_IQ.wav",
 * "SDRuno_20200904_204456Z_1090000kHz.wav" give the start time (UTC: only
 * with the 'Z') and the centre frequency.
 * Outputs that the name does not give are left untouched, so the caller can
 * preset them to NAN / 0 / SIMSWEEP_UTC_UNKNOWN. Any output may be NULL. */
void source_parse_name(const char *path, double *freq_hz, double *rate_hz, int64_t *start_utc_ns);

#endif
