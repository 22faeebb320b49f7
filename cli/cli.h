/* cli.h - the simsweep subcommands. Each takes the argv that starts with its
 * own name (argv[0] = "analyze") and returns the process exit status:
 * 0 ok, 1 an input or runtime error (after everything else was done),
 * 2 a usage error. Errors are printed as one line:
 *   "simsweep: <file or option>: <what is wrong>". */
#ifndef SIMSWEEP_CLI_H
#define SIMSWEEP_CLI_H

#define CLI_EXIT_OK 0
#define CLI_EXIT_ERROR 1
#define CLI_EXIT_USAGE 2

int cmd_analyze(int argc, char **argv);
int cmd_bands(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_collect(int argc, char **argv);

#endif
