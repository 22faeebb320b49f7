/* ofdm.h - is an LTE cell on the air throughout? Cyclic-prefix continuity.
 *
 * An LTE downlink never stops: its cell-specific reference signals go out
 * in every slot, in OFDM symbols whose cyclic prefix repeats the symbol's
 * last 1/15 kHz-lag samples (TS 36.211 6.12: 2048 Ts symbols, CP 160/144
 * Ts, 7 symbols per 0.5 ms slot). A TD-LTE cell sends downlink subframes in
 * every 5 ms half-frame. Energy alone cannot tell a cell that fills the
 * whole observed band from receiver noise; this can.
 *
 * Per window of OFDM_WINDOW_S, the lag-N products x[n] x*[n+N] (N = one
 * symbol, rate / 15 kHz) are folded modulo the 0.5 ms slot and summed over
 * the CPs of the slot's 7 symbols from every slot offset; the window passes
 * when, at an offset, |sum of products| / energy >= OFDM_PASS, and at that offset at
 * least OFDM_SLOT_SHARE of the slots show the CP on their own (so one
 * strong burst cannot carry a window). Noise stays near 0.1 at its best
 * offset; measured on real cells: 0.8 .. 1.0 (FDD), 0.66 .. 0.79 (TD-LTE),
 * about 0.5 for a TD-LTE capture clipped at the ADC. An uplink burst passes
 * only while it lasts, so continuity over OFDM_MIN_WINDOWS windows or more
 * means a cell, not handsets.
 *
 * Works when rate / 15 kHz is within 0.5 % of an integer >= 64 and a slot
 * is a whole number of samples (1.92, 2.4, 3.84, 7.68 MS/s...); otherwise
 * ofdm_create returns NULL and the caller does without.
 */
#ifndef SIMSWEEP_OFDM_H
#define SIMSWEEP_OFDM_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

#define OFDM_WINDOW_S 5e-3   /* one TD-LTE half-frame */
#define OFDM_PASS 0.35       /* fold metric a window needs (noise: about 0.1) */
#define OFDM_SLOT_PASS 0.35  /* a slot's own metric at the fold's best offset... */
#define OFDM_SLOT_SHARE 0.3  /* ...in this share of the window's slots (a TD-LTE
                                downlink has 4 of 10 subframes at least) */
#define OFDM_MIN_WINDOWS 2   /* continuity needs this many windows */
#define OFDM_HISTORY 16      /* windows ofdm_failing looks back over */

struct ofdm;

/* NULL when the rate does not fit the LTE numerology (see above). */
struct ofdm *ofdm_create(double rate_hz);

/* Feed the stream, in order, in pieces of any size. Never allocates. */
void ofdm_process(struct ofdm *o, const float complex *x, size_t n);

/* 1 when every window that ended at or before stream position `pos`
 * (samples since the last reset) passed, and there were at least
 * OFDM_MIN_WINDOWS of them. */
int ofdm_continuous(const struct ofdm *o, uint64_t pos);

/* 1 when the last k windows that ended at or before `pos` all failed
 * (k <= OFDM_HISTORY): whatever passed before is off the air now. The
 * detector may have been fed up to OFDM_HISTORY - k windows past pos. */
int ofdm_failing(const struct ofdm *o, uint64_t pos, unsigned k);

/* Metric of the last complete window (0 .. 1), -1 before the first. */
double ofdm_last_metric(const struct ofdm *o);

void ofdm_reset(struct ofdm *o);

void ofdm_destroy(struct ofdm *o);

#endif
