/* spectrum.h - the spectrogram: windowed FFTs (FFTW, single precision) over a
 * stream of complex samples, the one stage that touches every sample.
 *
 * Frames are power spectra |X_k|^2 in DC-centred order: bin 0 is -rate/2,
 * bin fft_size/2 is DC, bin fft_size-1 is +rate/2 - rate/fft_size. Frame i
 * covers stream samples [first + i*hop, first + i*hop + fft_size). A Hann
 * window is used; the shift to DC-centred order is folded into the window
 * ((-1)^n), so it costs nothing.
 *
 * Scale: sum_{k in band} frame[k] * spectrum_power_scale(s) is the mean power
 * per sample (|x|^2, so 0 dBFS = full-scale sine) of the part of the signal
 * inside the band. The FFTW plan is made once, in create (FFTW_ESTIMATE, so
 * that results are reproducible run to run).
 */
#ifndef SIMSWEEP_SPECTRUM_H
#define SIMSWEEP_SPECTRUM_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

struct spectrum;

struct spectrum_config {
	size_t fft_size; /* FFT length, even, 16 .. 65536 (default 1024) */
	size_t hop;      /* samples between frame starts, 1 .. fft_size (default fft_size/2) */
};

void spectrum_config_default(struct spectrum_config *cfg);

/* NULL when cfg is invalid or memory is short. */
struct spectrum *spectrum_create(const struct spectrum_config *cfg);

/* Most frames that spectrum_process() can produce from n more samples. */
size_t spectrum_max_frames(const struct spectrum *s, size_t n);

/* Feed n samples (any n, including 0). Writes each completed frame
 * (fft_size floats) to frames + i*fft_size, for at most max_frames frames;
 * returns the number written. Samples that would make more than max_frames
 * frames are NOT consumed: *consumed says how many of in[] were taken (the
 * rest must be passed again). Never allocates.
 *
 * frames NULL: the frames are counted (and the stream moves on as if they
 * were written) but not computed, so that another spectrum of the same
 * configuration, on another thread, can compute them with spectrum_frame
 * from the samples themselves (spectrum_next_frame_start before the call
 * gives the first one's position). */
size_t spectrum_process(struct spectrum *s, const float complex *in, size_t n, float *frames,
                        size_t max_frames, size_t *consumed);

/* One frame of fft_size samples given in two runs, a (na of them) and then
 * b (the rest; unused when na >= fft_size), written to out: the same
 * values spectrum_process writes for those samples. Uses none of the
 * spectrum's stream state (but its FFT buffers: one thread at a time). */
void spectrum_frame(struct spectrum *s, const float complex *a, size_t na, const float complex *b,
                    float *out);

/* Stream position (in samples since the last reset) of the start of the next
 * frame to be produced. */
uint64_t spectrum_next_frame_start(const struct spectrum *s);

/* Multiply a sum of frame bins by this to get mean power per sample. */
double spectrum_power_scale(const struct spectrum *s);

/* Equivalent noise bandwidth of one bin, in bins (1.5 for Hann). */
double spectrum_enbw_bins(const struct spectrum *s);

size_t spectrum_fft_size(const struct spectrum *s);
size_t spectrum_hop(const struct spectrum *s);

/* Forget buffered samples; the next sample is stream position 0. */
void spectrum_reset(struct spectrum *s);

/* NULL is a no-op. */
void spectrum_destroy(struct spectrum *s);

#endif
