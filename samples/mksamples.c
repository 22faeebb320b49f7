/* mksamples.c - writes the bundled sample recordings and their truth.
 *
 * usage: mksamples OUTDIR
 * Writes OUTDIR/<name>.cu8 (seeded, so identical on every machine) and
 * OUTDIR/<name>.truth.jsonl (what was put in: one line per burst with
 * t_s, duration_s, freq_hz, bandwidth_hz, snr_db). The expected output
 * committed beside this file (samples/<name>.expected.jsonl) is that
 * truth, not analyze's output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siggen.h"

#define RATE 2.4e6
#define CENTRE 847e6

struct burst_def {
	double t_s, dur_s, offset_hz, bw_hz, snr_db;
	const char *what;
};

/* 0.5 s of B20 uplink around 847 MHz, as an RTL-SDR records it. */
static const struct burst_def bursts[] = {
	{0.020, 3e-3, -420e3, 1.08e6, 15, "LTE-M-like PUSCH, 6 PRB, 3 subframes"},
	{0.100, 577e-6, 300e3, 200e3, 20, "GSM-like burst 1"},
	{0.104615, 577e-6, 300e3, 200e3, 20, "GSM-like burst 2"},
	{0.109230, 577e-6, 300e3, 200e3, 20, "GSM-like burst 3"},
	{0.113845, 577e-6, 300e3, 200e3, 20, "GSM-like burst 4"},
	{0.200, 8e-3, 650e3, 180e3, 12, "NB-IoT-like 12-tone NPUSCH, 8 ms"},
	{0.300, 4e-3, -700e3, 45e3, 15, "NB-IoT-like 3-tone NPUSCH, 4 ms"},
	{0.400, 2e-3, 150e3, 540e3, 10, "LTE-like PUSCH, 3 PRB wide x 2 subframes"},
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mksamples OUTDIR\n");
		return 2;
	}
	const char *name = "nbiot-lte-gsm_847M_2.4M";
	const double noise = 0.01;
	const size_t n = (size_t)(0.5 * RATE);
	float complex *x = malloc(n * sizeof(*x));
	uint8_t *q = malloc(2 * n);
	char path[4096];
	if (!x || !q)
		return 1;
	struct siggen_rng r = {20231110};
	siggen_noise(x, n, noise, &r);
	snprintf(path, sizeof(path), "%s/%s.truth.jsonl", argv[1], name);
	FILE *t = fopen(path, "w");
	if (!t) {
		perror(path);
		return 1;
	}
	for (size_t i = 0; i < sizeof(bursts) / sizeof(bursts[0]); i++) {
		const struct burst_def *b = &bursts[i];
		size_t start = (size_t)(b->t_s * RATE + 0.5), len = (size_t)(b->dur_s * RATE + 0.5);
		double p = pow(10, b->snr_db / 10) * siggen_noise_in_band(noise, RATE, b->bw_hz);
		siggen_add_band_burst(x, n, RATE, start, len, b->offset_hz, b->bw_hz, p, &r);
		fprintf(t,
		        "{\"type\":\"burst\",\"t_s\":%.7f,\"sample\":%zu,\"duration_s\":%.7f,\"freq_hz\":%.1f,"
		        "\"bandwidth_hz\":%.1f,\"snr_db\":%.1f,\"power_dbfs\":%.2f,\"what\":\"%s\"}\n",
		        (double)start / RATE, start, (double)len / RATE, CENTRE + b->offset_hz, b->bw_hz,
		        b->snr_db, 10 * log10(p), b->what);
	}
	fclose(t);
	siggen_to_cu8(x, n, q);
	snprintf(path, sizeof(path), "%s/%s.cu8", argv[1], name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(q, 1, 2 * n, f) != 2 * n || fclose(f) != 0) {
		perror(path);
		return 1;
	}
	free(x);
	free(q);
	return 0;
}
