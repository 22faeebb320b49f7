/* gnss_none.c - built without libgps: --gps is refused with a clear reason. */
#include <stdio.h>

#include "simsweep/error.h"
#include "simsweep/gnss.h"

int gnss_open(const char *host_port, struct gnss **out, char *err, size_t err_len)
{
	(void)host_port;
	if (out)
		*out = NULL;
	if (err && err_len)
		snprintf(err, err_len, "--gps: this simsweep was built without libgps (gpsd)");
	return SIMSWEEP_EUNSUPPORTED;
}

void gnss_get(struct gnss *g, struct gnss_fix *fix)
{
	(void)g;
	*fix = (struct gnss_fix){.valid = 0};
}

void gnss_close(struct gnss *g)
{
	(void)g;
}

int gnss_available(void)
{
	return 0;
}
