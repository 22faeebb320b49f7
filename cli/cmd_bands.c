/* cmd_bands.c - `simsweep bands`: the band tables, and what a frequency or an
 * EARFCN is.
 *
 *   simsweep bands                  E-UTRA and GSM tables, with RTL-SDR reach
 *   simsweep bands --band 20        one band's row
 *   simsweep bands --freq 847M      bands, links and channel numbers of 847 MHz
 *   simsweep bands --earfcn 6300    band, link and frequency of an EARFCN, and
 *                                   the paired channel on the other link
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simsweep/bands.h"
#include "simsweep/units.h"

#define MAX_MATCHES 16

static const char usage_text[] =
    "usage: simsweep bands [--freq FREQ] [--earfcn N] [--band B]\n"
    "\n"
    "Without options, print the E-UTRA and GSM band tables: uplink and downlink\n"
    "ranges, duplex spacing, channel numbers, and whether an RTL-SDR reaches the\n"
    "uplink (where the devices simsweep looks for transmit).\n"
    "\n"
    "  -f, --freq FREQ   which bands, links and channel numbers hold FREQ\n"
    "                    (Hz, or with a suffix: 847M, 1747.5MHz, 2.14G)\n"
    "  -e, --earfcn N    band, link and frequency of EARFCN N, and its paired\n"
    "                    channel on the other link\n"
    "  -b, --band B      only E-UTRA band B (20 or B20): alone, print its row;\n"
    "                    with --freq, list only its matches; with --earfcn,\n"
    "                    check that N belongs to it\n"
    "  -h, --help        print this help\n";

/* Frequency in MHz without trailing zeros: "847", "1710.2", "806.0025". */
static const char *fmt_mhz(char *buf, size_t size, double freq_hz)
{
	snprintf(buf, size, "%.6f", freq_hz / 1e6);
	char *dot = strchr(buf, '.');
	if (dot) {
		char *end = buf + strlen(buf) - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
	return buf;
}

static const char *reach_name(enum bands_reach r)
{
	switch (r) {
	case BANDS_REACH_FULLY: return "yes";
	case BANDS_REACH_PARTLY: return "partly";
	default: return "no";
	}
}

static enum bands_reach rtlsdr_reach_khz(uint32_t low_khz, uint32_t high_khz)
{
	return bands_reach(low_khz * 1e3, high_khz * 1e3, BANDS_RTLSDR_MIN_FREQ_HZ,
	                   BANDS_RTLSDR_MAX_FREQ_HZ);
}

static void print_range_khz(char *buf, size_t size, uint32_t low_khz, uint32_t high_khz)
{
	snprintf(buf, size, "%.1f-%.1f", low_khz / 1e3, high_khz / 1e3);
}

static void print_eutra_header(void)
{
	printf("E-UTRA bands (3GPP TS 36.101 Table 5.7.3-1); duplex = DL - UL\n");
	printf("%-5s %-11s %-15s %-15s %-7s %-14s %-12s %s\n", "band", "name", "uplink MHz",
	       "downlink MHz", "duplex", "UL EARFCN", "DL EARFCN", "RTL-SDR UL");
}

static void print_eutra_row(const struct bands_eutra *b)
{
	char band[8], ul[32], dl[32], duplex[16], n_ul[32], n_dl[32];
	snprintf(band, sizeof band, "B%d", b->band);
	print_range_khz(ul, sizeof ul, b->ul_low_khz, b->ul_high_khz);
	print_range_khz(dl, sizeof dl, b->dl_low_khz, b->dl_high_khz);
	snprintf(duplex, sizeof duplex, "%+ld", ((long)b->dl_low_khz - (long)b->ul_low_khz) / 1000);
	snprintf(n_ul, sizeof n_ul, "%u-%u", b->n_offs_ul, b->n_ul_max);
	snprintf(n_dl, sizeof n_dl, "%u-%u", b->n_offs_dl, b->n_dl_max);
	printf("%-5s %-11s %-15s %-15s %-7s %-14s %-12s %s\n", band, b->name, ul, dl, duplex, n_ul,
	       n_dl, reach_name(rtlsdr_reach_khz(b->ul_low_khz, b->ul_high_khz)));
}

static void print_gsm_table(void)
{
	printf("GSM bands (3GPP TS 45.005 clause 2); duplex = DL - UL\n");
	printf("%-9s %-15s %-15s %-7s %-17s %s\n", "band", "uplink MHz", "downlink MHz", "duplex",
	       "ARFCN", "RTL-SDR UL");
	for (int id = 0; id < BANDS_GSM_COUNT; id++) {
		const struct bands_gsm *g = bands_gsm_at((enum bands_gsm_band)id);
		char ul[32], dl[32], duplex[16], arfcn[48];
		print_range_khz(ul, sizeof ul, g->ul_low_khz, g->ul_high_khz);
		print_range_khz(dl, sizeof dl, g->ul_low_khz + g->duplex_khz,
		                g->ul_high_khz + g->duplex_khz);
		snprintf(duplex, sizeof duplex, "%+ld", (long)g->duplex_khz / 1000);
		size_t len = 0;
		arfcn[0] = '\0';
		for (size_t i = 0; i < g->n_spans && len < sizeof arfcn; i++) {
			int w = snprintf(arfcn + len, sizeof arfcn - len, "%s%u-%u", i ? ", " : "",
			                 g->spans[i].first, g->spans[i].last);
			if (w < 0)
				break;
			len += (size_t)w;
		}
		printf("%-9s %-15s %-15s %-7s %-17s %s\n", g->name, ul, dl, duplex, arfcn,
		       reach_name(rtlsdr_reach_khz(g->ul_low_khz, g->ul_high_khz)));
	}
}

static void print_tables(const struct bands_eutra *only)
{
	print_eutra_header();
	if (only) {
		print_eutra_row(only);
	} else {
		for (size_t i = 0; i < bands_eutra_count(); i++)
			print_eutra_row(bands_eutra_at(i));
	}
	printf("RTL-SDR UL: does an RTL-SDR (R820T, %.0f..%.0f MHz) reach the uplink\n",
	       BANDS_RTLSDR_MIN_FREQ_HZ / 1e6, BANDS_RTLSDR_MAX_FREQ_HZ / 1e6);
	if (!only) {
		printf("\n");
		print_gsm_table();
	}
}

static const char *link_name(int uplink)
{
	return uplink ? "uplink" : "downlink";
}

/* Every band (or only band `only_band`, when not 0) holding freq_hz. */
static void print_freq(double freq_hz, int only_band)
{
	char buf[32], buf2[32];
	struct band_match m[MAX_MATCHES];
	size_t n = bands_lookup(freq_hz, m, MAX_MATCHES);
	if (n > MAX_MATCHES)
		n = MAX_MATCHES;
	size_t shown = 0;
	printf("%s MHz:\n", fmt_mhz(buf, sizeof buf, freq_hz));
	for (size_t i = 0; i < n; i++) {
		if (only_band && m[i].band != only_band)
			continue;
		const struct bands_eutra *b = bands_eutra_find(m[i].band);
		double centre_hz = 0, paired_hz = 0;
		unsigned paired = 0;
		bands_earfcn_to_freq_hz(m[i].band, m[i].uplink, m[i].earfcn, &centre_hz);
		printf("  band %d (%s) %s, EARFCN %u", m[i].band, b->name, link_name(m[i].uplink),
		       m[i].earfcn);
		if (fabs(centre_hz - freq_hz) >= 1.0)
			printf(" (nearest, %s MHz)", fmt_mhz(buf, sizeof buf, centre_hz));
		if (bands_earfcn_pair(m[i].band, m[i].uplink, m[i].earfcn, &paired) == 0 &&
		    bands_earfcn_to_freq_hz(m[i].band, !m[i].uplink, paired, &paired_hz) == 0)
			printf("; paired %s EARFCN %u, %s MHz", link_name(!m[i].uplink), paired,
			       fmt_mhz(buf2, sizeof buf2, paired_hz));
		printf("\n");
		shown++;
	}
	if (!only_band) {
		struct bands_gsm_match g[BANDS_GSM_COUNT * 2];
		size_t ng = bands_gsm_lookup(freq_hz, g, sizeof g / sizeof g[0]);
		for (size_t i = 0; i < ng && i < sizeof g / sizeof g[0]; i++) {
			printf("  %s %s, ARFCN %u\n", bands_gsm_at(g[i].gsm_band)->name,
			       link_name(g[i].uplink), g[i].arfcn);
			shown++;
		}
	}
	if (!shown) {
		if (only_band)
			printf("  not in band %d\n", only_band);
		else
			printf("  not in any known band\n");
	}
	if (freq_hz < BANDS_RTLSDR_MIN_FREQ_HZ || freq_hz > BANDS_RTLSDR_MAX_FREQ_HZ)
		printf("  outside the RTL-SDR range (%.0f..%.0f MHz)\n",
		       BANDS_RTLSDR_MIN_FREQ_HZ / 1e6, BANDS_RTLSDR_MAX_FREQ_HZ / 1e6);
}

/* Band, link and frequency of an EARFCN. Returns a CLI exit status. */
static int print_earfcn(unsigned earfcn, int only_band)
{
	char buf[32];
	int band = 0, uplink = 0;
	if (bands_earfcn_find(earfcn, &band, &uplink) != 0) {
		if (only_band) {
			fprintf(stderr, "simsweep bands: EARFCN %u is not in band %d\n", earfcn,
			        only_band);
			return CLI_EXIT_USAGE;
		}
		printf("EARFCN %u: not in any known band\n", earfcn);
		return CLI_EXIT_OK;
	}
	if (only_band && band != only_band) {
		fprintf(stderr, "simsweep bands: EARFCN %u is not in band %d (it is in band %d)\n",
		        earfcn, only_band, band);
		return CLI_EXIT_USAGE;
	}
	const struct bands_eutra *b = bands_eutra_find(band);
	double freq_hz = 0;
	bands_earfcn_to_freq_hz(band, uplink, earfcn, &freq_hz);
	printf("EARFCN %u: band %d (%s) %s, %s MHz\n", earfcn, band, b->name, link_name(uplink),
	       fmt_mhz(buf, sizeof buf, freq_hz));
	unsigned paired = 0;
	double paired_hz = 0;
	if (bands_earfcn_pair(band, uplink, earfcn, &paired) == 0 &&
	    bands_earfcn_to_freq_hz(band, !uplink, paired, &paired_hz) == 0) {
		printf("  paired %s: EARFCN %u, %s MHz", link_name(!uplink), paired,
		       fmt_mhz(buf, sizeof buf, paired_hz));
		if (!uplink)
			printf(" (RTL-SDR: %s)", paired_hz >= BANDS_RTLSDR_MIN_FREQ_HZ &&
			                                 paired_hz <= BANDS_RTLSDR_MAX_FREQ_HZ
			                             ? "in range"
			                             : "out of range");
		printf("\n");
	} else {
		printf("  no paired %s (a %s-only part of the band)\n", link_name(!uplink),
		       link_name(uplink));
	}
	return CLI_EXIT_OK;
}

/* A failed write to stdout (a full disk) is an error; a closed pipe
 * (`| head`) ends the output quietly. */
static int finish_stdout(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (errno != EPIPE)
		fprintf(stderr, "simsweep bands: stdout: %s\n", strerror(errno));
	return CLI_EXIT_ERROR;
}

/* A decimal number 0..max, the whole string. */
static int parse_uint(const char *s, unsigned long max, unsigned *out)
{
	if (!isdigit((unsigned char)*s))
		return -1;
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int cmd_bands(int argc, char **argv)
{
	static const struct option long_opts[] = {
	    {"freq", required_argument, NULL, 'f'},
	    {"earfcn", required_argument, NULL, 'e'},
	    {"band", required_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	double freq_hz = 0;
	int have_freq = 0, have_earfcn = 0, band = 0;
	unsigned earfcn = 0;

	optind = 0; /* full reset: another command may have run getopt */
	opterr = 0; /* errors are reported below, in one line */
	int c;
	while ((c = getopt_long(argc, argv, ":f:e:b:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (units_parse_si(optarg, &freq_hz) != 0 || !(freq_hz > 0)) {
				fprintf(stderr, "simsweep bands: invalid frequency '%s'\n", optarg);
				return CLI_EXIT_USAGE;
			}
			have_freq = 1;
			break;
		case 'e':
			if (parse_uint(optarg, 262143, &earfcn) != 0) { /* 36.101: 0..262143 */
				fprintf(stderr, "simsweep bands: invalid EARFCN '%s'\n", optarg);
				return CLI_EXIT_USAGE;
			}
			have_earfcn = 1;
			break;
		case 'b': {
			const char *s = optarg;
			unsigned v = 0;
			if (*s == 'B' || *s == 'b')
				s++;
			if (parse_uint(s, 255, &v) != 0) {
				fprintf(stderr, "simsweep bands: invalid band '%s'\n", optarg);
				return CLI_EXIT_USAGE;
			}
			if (!bands_eutra_find((int)v)) {
				fprintf(stderr, "simsweep bands: unknown band '%s'\n", optarg);
				return CLI_EXIT_USAGE;
			}
			band = (int)v;
			break;
		}
		case 'h': fputs(usage_text, stdout); return CLI_EXIT_OK;
		case ':':
			fprintf(stderr, "simsweep bands: option '%s' needs a value\n",
			        argv[optind - 1]);
			return CLI_EXIT_USAGE;
		default:
			/* getopt leaves optopt 0 for an unknown long option, the
			 * letter for a short one. */
			if (optopt && strncmp(argv[optind - 1], "--", 2) != 0)
				fprintf(stderr, "simsweep bands: unknown option '-%c'\n", optopt);
			else
				fprintf(stderr, "simsweep bands: unknown option '%s'\n",
				        argv[optind - 1]);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "simsweep bands: unexpected argument '%s'\n", argv[optind]);
		return CLI_EXIT_USAGE;
	}

	int status = CLI_EXIT_OK;
	if (!have_freq && !have_earfcn)
		print_tables(band ? bands_eutra_find(band) : NULL);
	if (have_freq)
		print_freq(freq_hz, band);
	if (have_earfcn)
		status = print_earfcn(earfcn, band);
	return finish_stdout(status);
}
