/* gnss_gpsd.c - positions from gpsd through libgps (see gnss.h). One reader
 * thread: connect, ask for the JSON watch stream, keep the latest fix under
 * a mutex; reconnect every second while gpsd is away. */
#include <errno.h>
#include <gps.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simsweep/block.h"
#include "simsweep/error.h"
#include "simsweep/gnss.h"

#define GNSS_WAIT_US 200000 /* a read waits this long, so that close is prompt */
#define GNSS_RETRY_S 1      /* between connection attempts */

struct gnss {
	char host[256];
	char port[16];
	pthread_t thread;
	pthread_mutex_t lock;
	int stop;            /* under lock */
	struct gnss_fix fix; /* under lock */
};

static int stopping(struct gnss *g)
{
	pthread_mutex_lock(&g->lock);
	int s = g->stop;
	pthread_mutex_unlock(&g->lock);
	return s;
}

static void set_fix(struct gnss *g, const struct gnss_fix *f)
{
	pthread_mutex_lock(&g->lock);
	g->fix = *f;
	pthread_mutex_unlock(&g->lock);
}

static const struct gnss_fix no_fix = {
    .valid = 0, .lat_deg = NAN, .lon_deg = NAN, .fix_utc_ns = SIMSWEEP_UTC_UNKNOWN};

/* Wait up to s seconds, returning early when asked to stop. */
static void pause_s(struct gnss *g, int s)
{
	for (int i = 0; i < 10 * s && !stopping(g); i++) {
		struct timespec ts = {0, 100000000};
		nanosleep(&ts, NULL);
	}
}

static void *reader(void *arg)
{
	struct gnss *g = arg;
	while (!stopping(g)) {
		struct gps_data_t d;
		memset(&d, 0, sizeof(d));
		if (gps_open(g->host, g->port, &d) != 0) {
			pause_s(g, GNSS_RETRY_S);
			continue;
		}
		gps_stream(&d, WATCH_ENABLE | WATCH_JSON, NULL);
		while (!stopping(g)) {
			if (!gps_waiting(&d, GNSS_WAIT_US))
				continue;
			if (gps_read(&d, NULL, 0) < 0)
				break; /* gpsd went away */
			if (!(d.set & MODE_SET))
				continue;
			/* A fix is a position with its full UTC time: a GGA
			 * sentence alone has no date, so it waits for the RMC. */
			struct gnss_fix f = no_fix;
			if (d.fix.mode >= MODE_2D && isfinite(d.fix.latitude) &&
			    isfinite(d.fix.longitude) && d.fix.time.tv_sec > 0) {
				f.valid = 1;
				f.lat_deg = d.fix.latitude;
				f.lon_deg = d.fix.longitude;
				f.fix_utc_ns = (int64_t)d.fix.time.tv_sec * 1000000000 +
				               (int64_t)d.fix.time.tv_nsec;
			}
			set_fix(g, &f);
		}
		set_fix(g, &no_fix);
		gps_stream(&d, WATCH_DISABLE, NULL);
		gps_close(&d);
		pause_s(g, GNSS_RETRY_S);
	}
	return NULL;
}

int gnss_open(const char *host_port, struct gnss **out, char *err, size_t err_len)
{
	char dummy[1];
	if (!err || !err_len) {
		err = dummy;
		err_len = sizeof(dummy);
	}
	err[0] = '\0';
	if (!out)
		return SIMSWEEP_EINVAL;
	*out = NULL;
	const char *hp = host_port && *host_port ? host_port : GNSS_DEFAULT_HOST;
	char host[256], port[16];
	snprintf(port, sizeof(port), "%s", GNSS_DEFAULT_PORT);
	const char *colon;
	size_t hl;
	if (hp[0] == '[') { /* [v6]:port */
		const char *close = strchr(hp, ']');
		if (!close) {
			snprintf(err, err_len, "--gps: bad address '%s' (HOST:PORT)", hp);
			return SIMSWEEP_EINVAL;
		}
		hl = (size_t)(close - hp - 1);
		hp++;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] && !colon) {
			snprintf(err, err_len, "--gps: bad address '%s' (HOST:PORT)", host_port);
			return SIMSWEEP_EINVAL;
		}
	} else {
		colon = strrchr(hp, ':');
		hl = colon ? (size_t)(colon - hp) : strlen(hp);
	}
	if (colon) {
		char *end;
		long p = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end || p < 1 || p > 65535) {
			snprintf(err, err_len, "--gps: bad port in '%s' (HOST:PORT)", host_port);
			return SIMSWEEP_EINVAL;
		}
		snprintf(port, sizeof(port), "%ld", p);
	}
	if (hl == 0 || hl >= sizeof(host)) {
		snprintf(err, err_len, "--gps: bad host in '%s' (HOST:PORT)", host_port);
		return SIMSWEEP_EINVAL;
	}
	memcpy(host, hp, hl);
	host[hl] = '\0';
	struct gnss *g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, err_len, "--gps: out of memory");
		return SIMSWEEP_ENOMEM;
	}
	memcpy(g->host, host, hl + 1);
	memcpy(g->port, port, sizeof(port));
	g->fix = no_fix;
	if (pthread_mutex_init(&g->lock, NULL) != 0) {
		free(g);
		snprintf(err, err_len, "--gps: cannot create a lock");
		return SIMSWEEP_EIO;
	}
	int rc = pthread_create(&g->thread, NULL, reader, g);
	if (rc != 0) {
		pthread_mutex_destroy(&g->lock);
		free(g);
		snprintf(err, err_len, "--gps: cannot start the reader: %s", strerror(rc));
		return SIMSWEEP_EIO;
	}
	*out = g;
	return SIMSWEEP_OK;
}

void gnss_get(struct gnss *g, struct gnss_fix *fix)
{
	if (!g) {
		*fix = no_fix;
		return;
	}
	pthread_mutex_lock(&g->lock);
	*fix = g->fix;
	pthread_mutex_unlock(&g->lock);
}

void gnss_close(struct gnss *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stop = 1;
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

int gnss_available(void)
{
	return 1;
}
