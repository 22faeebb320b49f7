/* outopts.h - the output options shared by `analyze`, `baseline` and
 * `monitor`: sinks (-o, -F, --sigmf-annotate, --db, --mqtt...), the session
 * details, the tracker (--baseline, --allowlist...), --alert-exec and
 * --fail-on-alert; and the bundle they open (sinks + tracker + alert
 * programs) that a command feeds with bursts.
 *
 * In a command:
 *   struct outopts oo;  outopts_init(&oo);
 *   struct option *lo = outopts_merge_long(own_long_opts);       (free() it)
 *   getopt_long(argc, argv, "<own short>" OUTOPTS_SHORT, lo, NULL):
 *     switch (outopts_parse(&oo, "monitor", c, optarg)) { 1: taken, -1: usage error, 0: own }
 *   struct outputs *out;  if (outputs_open(&oo, &out)) -> exit CLI_EXIT_ERROR
 *   per input or sweep step: outputs_begin_input(out, &sink_input)
 *   per burst (from the pipeline callback): outputs_burst(out, b, file)
 *       (stop when outputs_broken(out): every sink failed)
 *   idle (live): outputs_poll(out)
 *   per input end: outputs_end_input(out, file, freq_low, freq_high, covered_s)
 *   exit status: outputs_close(out, status)   (3 when --fail-on-alert and an alert came)
 *   outopts_free(&oo)
 * Every error is printed as one line naming the file or URL. */
#ifndef SIMSWEEP_OUTOPTS_H
#define SIMSWEEP_OUTOPTS_H

#include <getopt.h>
#include <stdio.h>

#include "simsweep/sink.h"
#include "simsweep/tracker.h"

/* Short options taken by outopts_parse: -o FILE, -F FORMAT, -u USER, -P PASSWORD. */
#define OUTOPTS_SHORT "o:F:u:P:"

/* Exit status of --fail-on-alert when an alert was raised. */
#define CLI_EXIT_ALERT 3

struct outopts {
	struct sink_options sink;
	struct tracker_config trk;
	int track;               /* -1 auto (on with findings options), 0 off, 1 on */
	const char **rule_files; /* --baseline and --allowlist files */
	size_t n_rule_files;
	const char *alert_exec;
	const char **alert_args; /* --alert-arg, appended after the words of --alert-exec */
	size_t n_alert_args;
	int fail_on_alert;
	int format_given;
	int gps;                 /* --gps: stamp every event with gpsd's position */
	const char *gps_addr;    /* its HOST:PORT, NULL: localhost:2947 */
};

void outopts_init(struct outopts *o);
void outopts_free(struct outopts *o);

/* own (terminated by a zero entry) followed by the output options, in a new
 * array (free()), or NULL when out of memory. */
struct option *outopts_merge_long(const struct option *own);

/* 1 when c was an output option (taken), 0 when it is not one, -1 after
 * printing a usage error. */
int outopts_parse(struct outopts *o, const char *cmd, int c, const char *arg);

/* The options' help, for a command's usage text. */
void outopts_usage(FILE *f);

struct outputs;

/* Open the sinks, load the rules, create the tracker. Returns 0, or
 * CLI_EXIT_ERROR / CLI_EXIT_USAGE after printing why. */
int outputs_open(const struct outopts *o, struct outputs **out);

void outputs_begin_input(struct outputs *out, const struct sink_input *in);
void outputs_burst(struct outputs *out, const struct burst *b, const char *file);

/* Close the input's clusters, record its coverage (NAN when unknown). */
void outputs_end_input(struct outputs *out, const char *file, double freq_low_hz,
                       double freq_high_hz, double covered_s, int64_t utc_ns);

void outputs_poll(struct outputs *out);

/* A status event of the command's own (a live source's losses) to every sink. */
void outputs_status(struct outputs *out, const struct tracker_event *ev);

/* Every sink has failed: nothing more can be recorded. */
int outputs_broken(const struct outputs *out);

/* The tracker (NULL when tracking is off). */
struct tracker *outputs_tracker(struct outputs *out);

/* Alerts raised so far. */
unsigned long outputs_alerts(const struct outputs *out);

/* Close everything, wait for alert programs. Returns status, or
 * CLI_EXIT_ERROR when a sink failed at the end, or CLI_EXIT_ALERT under
 * --fail-on-alert when an alert was raised and status was OK. */
int outputs_close(struct outputs *out, int status);

#endif
