/* cmd_devices.c - `simsweep devices`: the SDRs connected now (RTL-SDR
 * dongles, and SoapySDR devices when built with SoapySDR), each with the
 * device string that `simsweep monitor -d` takes. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "simsweep/error.h"
#include "simsweep/live.h"

#define MAX_DEVICES 64

static void usage(FILE *f)
{
	fprintf(f, "usage: simsweep devices\n"
	           "\n"
	           "List the SDRs connected to this machine (RTL-SDR dongles%s), one per line:\n"
	           "the device string for `simsweep monitor -d`, the name and the serial.\n"
	           "rtl_tcp servers on the network are not discovered: use -d rtltcp:HOST:PORT.\n",
	           live_has_soapy() ? ", SoapySDR devices" : "");
}

int cmd_devices(int argc, char **argv)
{
	static const struct option long_opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return CLI_EXIT_OK;
		}
		fprintf(stderr, "simsweep devices: try 'simsweep devices --help'\n");
		return CLI_EXIT_USAGE;
	}
	if (optind < argc) {
		fprintf(stderr, "simsweep devices: unexpected argument '%s'\n", argv[optind]);
		return CLI_EXIT_USAGE;
	}
	struct live_device devs[MAX_DEVICES];
	int n = live_list_devices(devs, MAX_DEVICES);
	if (n < 0) {
		fprintf(stderr, "simsweep: devices: %s\n", simsweep_strerror(n));
		return CLI_EXIT_ERROR;
	}
	if (n == 0) {
		fprintf(stderr, "simsweep: no RTL-SDR found%s\n",
		        live_has_soapy() ? " and no SoapySDR device" : "");
		return CLI_EXIT_OK;
	}
	for (int i = 0; i < n && i < MAX_DEVICES; i++)
		printf("%-20s %-32s %s%s\n", devs[i].id, devs[i].name,
		       devs[i].serial[0] ? "serial=" : "", devs[i].serial);
	if (n > MAX_DEVICES)
		printf("(%d more)\n", n - MAX_DEVICES);
	return CLI_EXIT_OK;
}
