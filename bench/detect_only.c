/* detect_only.c - simsweep's detection stage without the CLI and the JSON
 * writer: source_open -> source_read -> pipeline_process -> count bursts,
 * configured as `simsweep analyze` configures a cu8 recording (DC removal
 * on, one bin masked around DC).
 *
 *   detect_only [--stage read|spectrum|pipeline] [-s RATE_HZ] FILE.cu8 | -
 *
 * --stage cuts the chain short, to see where the time goes with nothing
 * but the public API:
 *   read      source only: file reading and cu8 -> complex float
 *   spectrum  source + spectrum (window, FFTW, |X|^2), no detection
 *   pipeline  the whole detection stage (default)
 *
 * Prints one line: samples, bursts, carriers and a checksum of the events
 * (sum of their start samples) that must not change between runs.
 */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/error.h"
#include "simsweep/pipeline.h"
#include "simsweep/source.h"
#include "simsweep/spectrum.h"

#define PROG            "detect_only"
#define SPECTRUM_FRAMES 64

enum stage { STAGE_READ, STAGE_SPECTRUM, STAGE_PIPELINE };

struct counts {
	uint64_t bursts, carriers, sample_sum;
};

static void on_burst(const struct burst *b, void *ctx)
{
	struct counts *c = ctx;
	if (b->type == BURST_TYPE_CARRIER)
		c->carriers++;
	else
		c->bursts++;
	c->sample_sum += b->sample;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [--stage read|spectrum|pipeline] [-s RATE_HZ] FILE.cu8|-\n");
}

int main(int argc, char **argv)
{
	enum stage stage = STAGE_PIPELINE;
	double rate_hz = 2.4e6;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--stage") && i + 1 < argc) {
			const char *s = argv[++i];
			if (!strcmp(s, "read"))
				stage = STAGE_READ;
			else if (!strcmp(s, "spectrum"))
				stage = STAGE_SPECTRUM;
			else if (!strcmp(s, "pipeline"))
				stage = STAGE_PIPELINE;
			else {
				usage(stderr);
				return 2;
			}
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
			rate_hz = strtod(argv[++i], NULL);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!path && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) {
			path = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!path || !(rate_hz > 0)) {
		usage(stderr);
		return 2;
	}

	struct source_config sc;
	source_config_default(&sc);
	sc.path = path;
	sc.format = SAMPLE_FORMAT_CU8;
	sc.rate_hz = rate_hz;
	struct source *src = NULL;
	char err[256] = "";
	int rv = source_open(&sc, &src, err, sizeof(err));
	if (rv != SIMSWEEP_OK) {
		fprintf(stderr, PROG ": %s: %s\n", path, err[0] ? err : simsweep_strerror(rv));
		return 1;
	}

	/* As cmd_analyze.c sets up a cu8 input. */
	struct pipeline_config pc;
	pipeline_config_default(&pc);
	pc.rate_hz = source_info(src)->rate_hz;
	pc.dc_remove = 1;
	pc.dc_mask_hz = pc.rate_hz / (double)pc.fft_size;

	struct pipeline *pl = NULL;
	struct spectrum *spec = NULL;
	float *frames = NULL;
	int status = 1;
	if (stage == STAGE_PIPELINE) {
		pl = pipeline_create(&pc);
		if (!pl) {
			fprintf(stderr, PROG ": cannot create the pipeline\n");
			goto done;
		}
	} else if (stage == STAGE_SPECTRUM) {
		struct spectrum_config spc;
		spectrum_config_default(&spc);
		spec = spectrum_create(&spc);
		frames = malloc(SPECTRUM_FRAMES * spc.fft_size * sizeof(*frames));
		if (!spec || !frames) {
			fprintf(stderr, PROG ": cannot create the spectrum\n");
			goto done;
		}
	}

	struct counts c = {0, 0, 0};
	uint64_t samples = 0, n_frames = 0;
	double sink = 0; /* keeps the spectrum's output alive */
	struct block blk;
	while ((rv = source_read(src, &blk)) == 1) {
		samples += blk.n;
		if (pl) {
			if (pipeline_process(pl, &blk, on_burst, &c) != SIMSWEEP_OK) {
				fprintf(stderr, PROG ": %s: rate changed\n", path);
				goto done;
			}
		} else if (spec) {
			size_t off = 0;
			while (off < blk.n) {
				size_t used = 0;
				size_t nf = spectrum_process(spec, blk.iq + off, blk.n - off,
				                             frames, SPECTRUM_FRAMES, &used);
				if (nf > 0)
					sink += frames[(nf - 1) * spectrum_fft_size(spec)];
				n_frames += nf;
				off += used;
				if (!used && !nf)
					break;
			}
		} else {
			sink += crealf(blk.iq[0]);
		}
	}
	if (rv < 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, source_errmsg(src));
		goto done;
	}
	if (pl)
		pipeline_flush(pl, on_burst, &c);
	static const char *const names[] = {"read", "spectrum", "pipeline"};
	printf(PROG
	       ": stage=%s samples=%llu frames=%llu bursts=%llu carriers=%llu event_checksum=%llu "
	       "sink=%.3g\n",
	       names[stage], (unsigned long long)samples, (unsigned long long)n_frames,
	       (unsigned long long)c.bursts, (unsigned long long)c.carriers,
	       (unsigned long long)c.sample_sum, sink);
	status = 0;
done:
	pipeline_destroy(pl);
	spectrum_destroy(spec);
	free(frames);
	source_close(src);
	return status;
}
