/* gsm.c - GSM uplink bursts: GMSK, BT 0.3 (45.004), 270.833 kbit/s.
 *
 *   timeslot 156.25 bits = 576.9 us; TDMA frame 8 slots = 1250 bits = 4.615 ms
 *   normal burst (45.002 5.2.3):  3 tail | 57 data | 1 | 26 TSC | 1 | 57 data | 3 tail | 8.25 guard
 *   access burst (45.002 5.2.7):  8 tail | 41 sync | 36 data | 3 tail | 68.25 guard
 *
 * The burst is modulated by liquid-dsp's gmskmod at GSM_OS samples a bit;
 * its phase is then interpolated at the output sample instants, so the
 * envelope stays exactly constant at any sample rate.
 */
#include <liquid/liquid.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"
#include "synth_internal.h"

#define GSM_BT 0.3f                   /* Gaussian filter BT (45.004 2.6) */
#define GSM_FILTER_BITS 3u            /* gmskmod filter half-length, bits */
#define GSM_SLOT_BITS 156.25          /* 45.002 5.2.1 */
#define GSM_FRAME_BITS (8 * GSM_SLOT_BITS)
#define GSM_NORMAL_BITS 148
#define GSM_ACCESS_BITS 88
#define GSM_MAX_FRAMES 100000

/* 45.002 5.2.3: training sequences of the normal burst, TSC 0 .. 7. */
static const char *const gsm_tsc[8] = {
    "00100101110000100010010111", "00101101110111100010110111",
    "01000011101110100100001110", "01000111101101000100011110",
    "00011010111001000001101011", "01001110101100000100111010",
    "10100111110110001010011111", "11101111000100101110111100",
};
/* 45.002 5.2.7: access burst extended tail bits and synchronisation sequence. */
static const char gsm_access_tail[] = "00111010";
static const char gsm_access_sync[] = "01001011011111111001100110101010001111000";

int gsm_validate(const struct synth_tx *tx)
{
	if (tx->p.gsm.tsc < 0 || tx->p.gsm.tsc > 7 || tx->p.gsm.frames < 1 ||
	    tx->p.gsm.frames > GSM_MAX_FRAMES)
		return SIMSWEEP_EINVAL;
	return 0;
}

static void put_bits(uint8_t *d, size_t *n, const char *s)
{
	for (; *s; s++)
		d[(*n)++] = (uint8_t)(*s == '1');
}

int gsm_expand(const struct synth_tx *tx, uint64_t seed, struct expansion *e)
{
	const int access = tx->kind == SYNTH_GSM_ACCESS;
	const size_t useful = access ? GSM_ACCESS_BITS : GSM_NORMAL_BITS;
	const double bit_s = 1.0 / GSM_BIT_RATE_HZ;
	const size_t pad = (size_t)GSM_RAMP_BITS;
	uint8_t raw[GSM_NORMAL_BITS + 8], diff[GSM_NORMAL_BITS + 8];
	for (int f = 0; f < tx->p.gsm.frames; f++) {
		size_t n = 0;
		uint64_t h = synth_hash(seed, (uint64_t)f);
		/* Before and after the useful bits: dummy 1s (d_(-1) = 1, 45.004 2.5). */
		for (size_t i = 0; i < pad; i++)
			raw[n++] = 1;
		if (access) {
			put_bits(raw, &n, gsm_access_tail);
			put_bits(raw, &n, gsm_access_sync);
			for (int i = 0; i < 36; i++)
				raw[n++] = (uint8_t)(synth_hash(h, (uint64_t)i) & 1);
			put_bits(raw, &n, "000");
		} else {
			put_bits(raw, &n, "000");
			for (int i = 0; i < 58; i++) /* 57 data + stealing flag */
				raw[n++] = (uint8_t)(synth_hash(h, (uint64_t)i) & 1);
			put_bits(raw, &n, gsm_tsc[tx->p.gsm.tsc]);
			for (int i = 0; i < 58; i++)
				raw[n++] = (uint8_t)(synth_hash(h, (uint64_t)(100 + i)) & 1);
			put_bits(raw, &n, "000");
		}
		for (size_t i = 0; i < pad; i++)
			raw[n++] = 1;
		/* Differential encoding (45.004 2.5): d^_i = d_i xor d_(i-1), d_(-1) = 1. */
		uint8_t prev = 1;
		for (size_t i = 0; i < n; i++) {
			diff[i] = raw[i] ^ prev;
			prev = raw[i];
		}
		double start = tx->start_s + f * GSM_FRAME_BITS * bit_s;
		uint32_t rec = exp_record(e, -GSM_99PCT_BW_HZ / 2, GSM_99PCT_BW_HZ / 2);
		struct piece *p = exp_gmsk(e, start - (double)pad * bit_s,
		                           start + (double)(useful + pad) * bit_s, diff, n, rec);
		if (p && p->t0_s < 0)
			p->t0_s = 0; /* a burst at t = 0 starts with its ramp cut */
	}
	return e->failed ? SIMSWEEP_ENOMEM : 0;
}

size_t gsm_phase_len(const struct piece *p)
{
	return (size_t)p->n_coef * GSM_OS + 2;
}

int gsm_phase(const struct piece *p, const uint8_t *bits, float *phase, size_t n_phase)
{
	gmskmod mod = gmskmod_create(GSM_OS, GSM_FILTER_BITS, GSM_BT);
	if (!mod)
		return SIMSWEEP_ENOMEM;
	float complex buf[GSM_OS];
	size_t out = 0;
	double unwrapped = 0, last = 0;
	/* gmskmod centres the frequency pulse of bit i on its output sample
	 * (GSM_FILTER_BITS + i) GSM_OS: drop all but half a bit of that delay, so
	 * that bit i's pulse is centred at i + 1/2 bits from the piece start. */
	size_t total = p->n_coef + GSM_FILTER_BITS + 1;
	for (size_t b = 0; b < total; b++) {
		unsigned sym = b < p->n_coef ? bits[b] : 0;
		gmskmod_modulate(mod, sym, buf);
		for (size_t j = 0; j < GSM_OS; j++) {
			size_t idx = b * GSM_OS + j;
			if (idx < GSM_FILTER_BITS * GSM_OS - GSM_OS / 2)
				continue;
			double a = cargf(buf[j]);
			double d = a - last;
			d -= 2 * M_PI * floor((d + M_PI) / (2 * M_PI));
			unwrapped += d;
			last = a;
			if (out < n_phase)
				phase[out++] = (float)unwrapped;
		}
	}
	while (out < n_phase) {
		phase[out] = out ? phase[out - 1] : 0.0f;
		out++;
	}
	gmskmod_destroy(mod);
	return 0;
}
