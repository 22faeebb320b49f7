/* impair.c - receiver impairments applied after signal + noise: I/Q
 * imbalance, DC offset, RTL-SDR 8-bit quantisation. Memoryless, so block
 * boundaries cannot change the result. */
#include <math.h>

#include "simsweep/synth.h"

#define CU8_MID 127.5 /* RTL-SDR mid-scale: full scale 1.0 -> 127.5 counts */

static float quantise(float v)
{
	double q = floor((double)v * CU8_MID + CU8_MID + 0.5);
	q = q < 0 ? 0 : q > 255 ? 255 : q;
	return (float)((q - CU8_MID) / CU8_MID);
}

void synth_impair(const struct synth_impairments *imp, float complex *x, size_t n)
{
	/* I' = sqrt(g) I, Q' = (Q cos phi + I sin phi) / sqrt(g), g = I gain / Q gain. */
	const int iq = imp->iq_gain_db != 0 || imp->iq_phase_deg != 0;
	const double g = sqrt(pow(10, imp->iq_gain_db / 20));
	const double ph = imp->iq_phase_deg * M_PI / 180;
	const double cp = cos(ph), sp = sin(ph);
	for (size_t k = 0; k < n; k++) {
		double i = crealf(x[k]), q = cimagf(x[k]);
		if (iq) {
			double i2 = g * i;
			double q2 = (q * cp + i * sp) / g;
			i = i2;
			q = q2;
		}
		i += imp->dc_i;
		q += imp->dc_q;
		float fi = (float)i, fq = (float)q;
		if (imp->quantize_cu8) {
			fi = quantise(fi);
			fq = quantise(fq);
		}
		x[k] = fi + I * fq;
	}
}
