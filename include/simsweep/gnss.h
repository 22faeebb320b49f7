/* gnss.h - the receiver's position from gpsd (libgps), for stamping every
 * event with where it was seen.
 *
 *   gpsd ──JSON──▶ reader thread (capture/) ──latest fix──▶ gnss_get()
 *
 * A reader thread keeps the latest fix; gnss_get() copies it, never waits.
 * While gpsd is unreachable the thread tries again every second, and the fix
 * is "none" until gpsd reports one. A 2D or 3D fix with its UTC time counts;
 * anything less is no fix. Only capture/ starts threads; built without libgps, gnss_open()
 * fails with SIMSWEEP_EUNSUPPORTED.
 *
 * Life: gnss_open() -> gnss_get()... -> gnss_close().
 */
#ifndef SIMSWEEP_GNSS_H
#define SIMSWEEP_GNSS_H

#include <stddef.h>
#include <stdint.h>

#define GNSS_DEFAULT_HOST "localhost"
#define GNSS_DEFAULT_PORT "2947"

struct gnss_fix {
	int valid;          /* 1: a 2D/3D fix; 0: none (the other fields are NAN/unknown) */
	double lat_deg;     /* WGS84 latitude, -90 .. 90 */
	double lon_deg;     /* WGS84 longitude, -180 .. 180 */
	int64_t fix_utc_ns; /* UTC of the fix, ns since the epoch (SIMSWEEP_UTC_UNKNOWN
	                       when not valid) */
};

struct gnss;

/* Start reading positions from gpsd at "HOST:PORT", "HOST" or NULL
 * (localhost:2947; "[::1]:2947" for IPv6). An unreachable gpsd is not an
 * error (no fix until it answers). Errors: SIMSWEEP_EINVAL (bad address),
 * SIMSWEEP_EUNSUPPORTED (built without libgps), SIMSWEEP_ENOMEM, SIMSWEEP_EIO
 * (no thread), with a reason in err. */
int gnss_open(const char *host_port, struct gnss **out, char *err, size_t err_len);

/* The latest fix (valid = 0 when there is none). */
void gnss_get(struct gnss *g, struct gnss_fix *fix);

/* Stop the reader and disconnect. NULL is a no-op. */
void gnss_close(struct gnss *g);

/* 1 when built with libgps. */
int gnss_available(void);

#endif
