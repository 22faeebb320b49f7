/* detopts.c - the detection options analyze and monitor share (detopts.h). */
#include "detopts.h"

#include <stdio.h>

#include "opts.h"

void detopts_init(struct detopts *d)
{
	pipeline_config_default(&d->pl);
	d->dc_remove = -1;
	d->dc_mask_hz = -1;
}

int detopts_parse(struct detopts *d, const char *cmd, int c, const char *arg)
{
	struct pipeline_config *pl = &d->pl;
	size_t fft;
	int bad;
	switch (c) {
	case DETOPT_FFT:
		if (opt_size(cmd, "--fft-size", arg, 16, 65536, &fft))
			return -1;
		if (fft % 2) {
			fprintf(stderr, "simsweep %s: invalid value for --fft-size: '%s' (must be even)\n", cmd, arg);
			return -1;
		}
		pl->fft_size = fft;
		return 1;
	case DETOPT_OVERLAP: bad = opt_double(cmd, "--overlap", arg, 0, 0.875, &pl->overlap); break;
	case 't':
		bad = opt_double(cmd, "--threshold", arg, 1, 60, &pl->threshold_db);
		if (!bad && pl->hysteresis_db >= pl->threshold_db)
			pl->hysteresis_db = pl->threshold_db / 2;
		break;
	case DETOPT_MIN_DUR: bad = opt_double(cmd, "--min-duration", arg, 0, 60, &pl->min_duration_s); break;
	case DETOPT_MIN_SNR: bad = opt_double(cmd, "--min-snr", arg, -20, 100, &pl->min_snr_db); break;
	case DETOPT_MERGE: bad = opt_double(cmd, "--merge-gap", arg, 0, 10, &pl->merge_gap_s); break;
	case DETOPT_CARRIER:
		bad = opt_double(cmd, "--carrier-time", arg, 1e-3, 1e5, &pl->carrier_min_s);
		break;
	case DETOPT_DC_MASK: bad = opt_si(cmd, "--dc-mask", arg, 0, 1e9, &d->dc_mask_hz); break;
	case DETOPT_NO_DC: d->dc_remove = 0; return 1;
	case DETOPT_WEAK: pl->coarse = 1; return 1;
	default: return 0;
	}
	return bad ? -1 : 1;
}

void detopts_config(const struct detopts *d, double rate_hz, int is_cu8, struct pipeline_config *pc)
{
	*pc = d->pl;
	pc->rate_hz = rate_hz;
	/* An RTL-SDR's cu8 has a DC spike: removed, and its bin masked. */
	pc->dc_remove = d->dc_remove < 0 ? is_cu8 : d->dc_remove;
	pc->dc_mask_hz = d->dc_mask_hz >= 0 ? d->dc_mask_hz : (is_cu8 ? rate_hz / (double)pc->fft_size : 0);
}

void detopts_usage(FILE *f)
{
	fprintf(f, "detection:\n"
	           "      --fft-size N        FFT length (default 1024)\n"
	           "      --overlap F         frame overlap 0 .. 0.875 (default 0.5)\n"
	           "  -t, --threshold DB      detection threshold over the noise floor (default 8)\n"
	           "      --min-duration S    shortest burst reported, seconds (default 150e-6)\n"
	           "      --min-snr DB        weakest burst reported (default 7)\n"
	           "      --merge-gap S       silences shorter than this join a burst (default 1e-3)\n"
	           "      --carrier-time S    a signal lasting this long is a carrier (default 1)\n"
	           "      --dc-mask HZ        ignore +-HZ around DC (default: one bin for cu8, else 0)\n"
	           "      --no-dc-removal     keep the DC offset (removed by default for cu8)\n"
	           "      --weak-bursts       also look for bursts too weak for the threshold, on\n"
	           "                          the energy of their whole extent (finds more bursts\n"
	           "                          of 1 ms or more near 0 dB SNR; more fragments; slower)\n");
}
