/* main.c - the simsweep command: dispatch to a subcommand. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef SIMSWEEP_VERSION
#define SIMSWEEP_VERSION "unknown"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{"analyze", cmd_analyze, "find bursts in IQ recordings, print them as JSON Lines"},
	{"bands", cmd_bands, "list cellular bands, or say what a frequency is"},
	{"monitor", cmd_monitor, "watch a live SDR (RTL-SDR, rtl_tcp, SoapySDR), print bursts as JSON Lines"},
	{"devices", cmd_devices, "list the SDRs connected to this machine"},
	{"synth", cmd_synth, "write a reference uplink recording (SigMF) and its truth"},
	{"baseline", cmd_baseline, "record what is normally on the air into a baseline file"},
	{"db", cmd_db, "answer from an event store: alerts, emitters, bursts in a time range"},
	{"collect", cmd_collect, "subscribe to sensors over MQTT and write one event store"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: simsweep <command> [options]\n\n"
	           "Passive cellular uplink monitor: finds LTE-M, NB-IoT, LTE and GSM\n"
	           "transmissions in IQ recordings.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'simsweep <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	/* A closed stdout (| head) ends the program quietly, via EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("simsweep %s\n", SIMSWEEP_VERSION);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "simsweep: unknown command '%s' (try 'simsweep --help')\n", argv[1]);
	return CLI_EXIT_USAGE;
}
