/* wav.c - I/Q in WAV files (SDR#, SDRuno, HDSDR, GQRX), read with libsndfile.
 *
 * Channel 0 is I, channel 1 is Q. libsndfile converts every encoding to
 * float scaled to +-1 (integer PCM divided by 2^(bits-1), so the most
 * negative code is exactly -1.0), which is the block's full scale. 8-bit WAV
 * is unsigned with its mid-scale at 128, not the RTL-SDR's 127.5: a WAV
 * holding RTL-SDR bytes carries a DC offset of half an LSB.
 *
 * The rate comes from the header; centre frequency and start time from the
 * SDR#/SDRuno file name (source_parse_name), unless options give them. The
 * "auxi" chunk SDR# writes is ignored. An explicit --format does not apply:
 * the header says how the samples are encoded.
 */
#include "source_impl.h"

#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"

struct wav_source {
	SNDFILE *sf;
	float complex *iq; /* block_samples frames */
	size_t block_samples;
	bool count_clips; /* integer encodings only */
	float clip_hi;    /* largest positive code, scaled; the negative rail is -1 */
	uint64_t frames_read;
	bool eof;
	double rate_hz;
	double freq_hz;
	int64_t start_utc_ns;
};

/* Map the encoding to the nearest raw format and the positive rail. */
static int wav_encoding(struct source *s, int sf_format, enum sample_format *format, float *clip_hi,
                        bool *count_clips)
{
	*count_clips = true;
	switch (sf_format & SF_FORMAT_SUBMASK) {
	case SF_FORMAT_PCM_U8:
		*format = SAMPLE_FORMAT_CU8;
		*clip_hi = 127.0f / 128.0f;
		return SIMSWEEP_OK;
	case SF_FORMAT_PCM_S8:
		*format = SAMPLE_FORMAT_CS8;
		*clip_hi = 127.0f / 128.0f;
		return SIMSWEEP_OK;
	case SF_FORMAT_PCM_16:
		*format = SAMPLE_FORMAT_CS16;
		*clip_hi = 32767.0f / 32768.0f;
		return SIMSWEEP_OK;
	case SF_FORMAT_PCM_24:
		*format = SAMPLE_FORMAT_CF32;
		*clip_hi = 8388607.0f / 8388608.0f;
		return SIMSWEEP_OK;
	case SF_FORMAT_PCM_32:
		/* 2^31 - 1 scaled rounds to 1.0f in float. */
		*format = SAMPLE_FORMAT_CF32;
		*clip_hi = (float)(2147483647.0 / 2147483648.0);
		return SIMSWEEP_OK;
	case SF_FORMAT_FLOAT:
	case SF_FORMAT_DOUBLE:
		*format = SAMPLE_FORMAT_CF32;
		*clip_hi = 1.0f;
		*count_clips = false;
		return SIMSWEEP_OK;
	default: break;
	}
	return source_fail(s, SIMSWEEP_EUNSUPPORTED,
	                   "WAV encoding 0x%04x is not supported: I/Q needs 8/16/24/32-bit PCM "
	                   "or float",
	                   (unsigned)(sf_format & SF_FORMAT_SUBMASK));
}

static uint64_t count_clipped(const float complex *iq, size_t n, float hi)
{
	const float *v = (const float *)iq;
	uint64_t clipped = 0;
	for (size_t k = 0; k < n; k++) {
		float i = v[2 * k], q = v[2 * k + 1];
		clipped += (i <= -1.0f) | (i >= hi) | (q <= -1.0f) | (q >= hi);
	}
	return clipped;
}

static int wav_read(struct source *s, struct block *blk)
{
	struct wav_source *w = s->priv;
	if (w->eof)
		return 0;
	sf_count_t want = (sf_count_t)w->block_samples;
	sf_count_t got = sf_readf_float(w->sf, (float *)w->iq, want);
	if (got < want) {
		if (sf_error(w->sf) != SF_ERR_NO_ERROR)
			return source_fail(s, SIMSWEEP_EIO, "read error: %s", sf_strerror(w->sf));
		w->eof = true;
	}
	if (got <= 0) {
		if (w->frames_read == 0)
			return source_fail(s, SIMSWEEP_EEMPTY, "empty file: no samples");
		return 0;
	}
	size_t n = (size_t)got;
	/* Float and double WAV hold any value; PCM is within +-1. */
	if (!w->count_clips)
		source_bound_cf(w->iq, n);
	uint64_t index = w->frames_read;
	w->frames_read += n;
	*blk = (struct block){
	    .iq = w->iq,
	    .n = n,
	    .sample_index = index,
	    .rate_hz = w->rate_hz,
	    .freq_hz = w->freq_hz,
	    .utc_ns = source_utc_at(w->start_utc_ns, index, w->rate_hz),
	    .gain_db = NAN,
	    .dropped = 0,
	    .clipped = w->count_clips ? count_clipped(w->iq, n, w->clip_hi) : 0,
	    .segment = 0,
	};
	return 1;
}

static void wav_close(struct source *s)
{
	struct wav_source *w = s->priv;
	if (!w)
		return;
	if (w->sf)
		sf_close(w->sf);
	free(w->iq);
	free(w);
	s->priv = NULL;
}

static const struct source_ops wav_ops = {
    .read = wav_read,
    .close = wav_close,
};

int wav_open(struct source *s)
{
	const struct source_config *cfg = &s->cfg;
	struct wav_source *w = NULL;
	SF_INFO info;
	int rc;

	memset(&info, 0, sizeof info);
	SNDFILE *sf = sf_open(s->path, SFM_READ, &info);
	if (!sf)
		return source_fail(s, SIMSWEEP_EFORMAT, "not a readable WAV file: %s",
		                   sf_strerror(NULL));
	if (info.channels != 2) {
		rc = source_fail(s, SIMSWEEP_EUNSUPPORTED, "WAV has %d channel%s: I/Q needs 2",
		                 info.channels, info.channels == 1 ? "" : "s");
		goto fail;
	}
	enum sample_format format = SAMPLE_FORMAT_UNKNOWN;
	float clip_hi = 1.0f;
	bool count_clips = false;
	rc = wav_encoding(s, info.format, &format, &clip_hi, &count_clips);
	if (rc < 0)
		goto fail;

	double name_freq_hz = NAN, name_rate_hz = 0.0;
	int64_t name_start_ns = SIMSWEEP_UTC_UNKNOWN;
	source_parse_name(s->path, &name_freq_hz, &name_rate_hz, &name_start_ns);
	double rate_hz = cfg->rate_hz != 0.0 ? cfg->rate_hz : (double)info.samplerate;
	if (!source_rate_ok(rate_hz)) {
		rc = source_fail(s, SIMSWEEP_EFORMAT, "WAV sample rate %d Hz is not valid",
		                 info.samplerate);
		goto fail;
	}

	w = calloc(1, sizeof *w);
	if (!w) {
		rc = source_fail(s, SIMSWEEP_ENOMEM, "out of memory");
		goto fail;
	}
	w->iq = malloc(cfg->block_samples * sizeof *w->iq);
	if (!w->iq) {
		rc = source_fail(s, SIMSWEEP_ENOMEM, "out of memory for %zu-sample blocks",
		                 cfg->block_samples);
		goto fail;
	}
	w->sf = sf;
	w->block_samples = cfg->block_samples;
	w->count_clips = count_clips;
	w->clip_hi = clip_hi;
	w->rate_hz = rate_hz;
	w->freq_hz = !isnan(cfg->freq_hz) ? cfg->freq_hz : name_freq_hz;
	w->start_utc_ns =
	    cfg->start_utc_ns != SIMSWEEP_UTC_UNKNOWN ? cfg->start_utc_ns : name_start_ns;

	s->ops = &wav_ops;
	s->priv = w;
	s->info = (struct source_info){
	    .kind = "wav",
	    .format = format,
	    .rate_hz = w->rate_hz,
	    .freq_hz = w->freq_hz,
	    .start_utc_ns = w->start_utc_ns,
	    .total_samples = info.seekable && info.frames > 0 ? (uint64_t)info.frames : 0,
	};
	return SIMSWEEP_OK;
fail:
	if (w)
		free(w->iq);
	free(w);
	sf_close(sf);
	return rc;
}
