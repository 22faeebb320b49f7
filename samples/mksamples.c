/* mksamples.c - writes the bundled sample recordings and their truth.
 *
 * usage: mksamples OUTDIR
 * Writes OUTDIR/<name>.cu8 (rendered by the reference synthesizer from a
 * fixed seed, so identical on every machine) and OUTDIR/<name>.truth.jsonl
 * (what was put in: one event per transmission, analyze's keys). The
 * expected output committed beside this file (samples/<name>.expected.jsonl)
 * is that truth, not analyze's output. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/block.h"
#include "simsweep/jsonl.h"
#include "simsweep/synth.h"

#define RATE 2.4e6
#define CENTRE 847e6 /* E-UTRA band 20 uplink */
#define DURATION_S 0.5
#define NOISE_DBFS (-20.0)

/* 0.5 s of band-20 uplink around 847 MHz, as an RTL-SDR records it. */
static size_t scene(struct synth_tx *tx)
{
	size_t n = 0;
	/* LTE-M PUSCH: one 6-PRB narrowband, 3 subframes. */
	synth_tx_default(&tx[n], SYNTH_PUSCH);
	tx[n].start_s = 0.020;
	tx[n].freq_offset_hz = -420e3;
	tx[n].snr_db = 15;
	tx[n].p.lte.lte_m = 1;
	tx[n].p.lte.subframes = 3;
	n++;
	/* GSM normal bursts in 4 consecutive TDMA frames (one event each). */
	synth_tx_default(&tx[n], SYNTH_GSM_NORMAL);
	tx[n].start_s = 0.100;
	tx[n].freq_offset_hz = 300e3;
	tx[n].snr_db = 20;
	tx[n].p.gsm.frames = 4;
	n++;
	/* NB-IoT NPUSCH format 1, 12 tones, 2 resource units (2 ms). */
	synth_tx_default(&tx[n], SYNTH_NPUSCH);
	tx[n].start_s = 0.200;
	tx[n].freq_offset_hz = 650e3;
	tx[n].snr_db = 12;
	tx[n].p.npusch.n_ru = 2;
	n++;
	/* NB-IoT NPRACH format 0, one repetition (4 hopping symbol groups). */
	synth_tx_default(&tx[n], SYNTH_NPRACH);
	tx[n].start_s = 0.300;
	tx[n].freq_offset_hz = -700e3;
	tx[n].snr_db = 15;
	tx[n].p.nprach.n_init = 5;
	n++;
	/* LTE PRACH format 0. */
	synth_tx_default(&tx[n], SYNTH_PRACH);
	tx[n].start_s = 0.400;
	tx[n].freq_offset_hz = 100e3;
	tx[n].snr_db = 15;
	n++;
	/* GSM access burst (a handset's random access). */
	synth_tx_default(&tx[n], SYNTH_GSM_ACCESS);
	tx[n].start_s = 0.450;
	tx[n].freq_offset_hz = -300e3;
	tx[n].snr_db = 20;
	n++;
	return n;
}

static int write_sample(const char *dir, const char *name)
{
	struct synth_tx tx[16];
	struct synth_scene_config sc;
	synth_scene_config_default(&sc);
	sc.rate_hz = RATE;
	sc.freq_hz = CENTRE;
	sc.noise_dbfs = NOISE_DBFS;
	sc.duration_s = DURATION_S;
	sc.start_utc_ns = SIMSWEEP_UTC_UNKNOWN;
	sc.seed = 20231110;
	sc.imp.quantize_cu8 = 1;
	sc.tx = tx;
	sc.n_tx = scene(tx);
	struct synth_scene *s = synth_scene_create(&sc);
	if (!s) {
		fprintf(stderr, "mksamples: bad scene\n");
		return 1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.cu8", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "mksamples: %s: %s\n", path, strerror(errno));
		synth_scene_destroy(s);
		return 1;
	}
	static float complex x[65536];
	static uint8_t q[2 * 65536];
	size_t got;
	while ((got = synth_scene_render(s, x, 65536)) > 0) {
		/* The scene quantised like an RTL-SDR; store its bytes. */
		for (size_t i = 0; i < got; i++) {
			double re = crealf(x[i]) * 127.5 + 127.5, im = cimagf(x[i]) * 127.5 + 127.5;
			q[2 * i] = (uint8_t)fmin(255, fmax(0, floor(re + 0.5)));
			q[2 * i + 1] = (uint8_t)fmin(255, fmax(0, floor(im + 0.5)));
		}
		if (fwrite(q, 2, got, f) != got) {
			fprintf(stderr, "mksamples: %s: write error\n", path);
			fclose(f);
			synth_scene_destroy(s);
			return 1;
		}
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "mksamples: %s: %s\n", path, strerror(errno));
		synth_scene_destroy(s);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s.truth.jsonl", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "mksamples: %s: %s\n", path, strerror(errno));
		synth_scene_destroy(s);
		return 1;
	}
	const struct burst *truth;
	size_t nt = synth_scene_truth(s, &truth);
	char file[4096];
	snprintf(file, sizeof(file), "%s.cu8", name);
	for (size_t i = 0; i < nt; i++)
		jsonl_write_burst(f, &truth[i], file);
	int bad = fclose(f) != 0;
	synth_scene_destroy(s);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mksamples OUTDIR\n");
		return 2;
	}
	return write_sample(argv[1], "nbiot-lte-gsm_847M_2.4M");
}
