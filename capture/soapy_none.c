/* soapy_none.c - stands in for the SoapySDR backend (not written yet):
 * "soapy:" devices are refused with a clear message, and none is listed. */
#include "live_impl.h"

#include "simsweep/error.h"

int live_soapy_open(struct live *lv, const char *spec)
{
	(void)spec;
	return live_fail(lv, SIMSWEEP_EUNSUPPORTED,
	                 "SoapySDR devices are not supported by this simsweep yet "
	                 "(use rtlsdr:N or rtltcp:HOST:PORT)");
}

int live_soapy_list(struct live_device *out, size_t max, size_t *found)
{
	(void)out;
	(void)max;
	*found = 0;
	return SIMSWEEP_OK;
}

int live_soapy_built(void)
{
	return 0;
}
