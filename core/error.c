#include "simsweep/error.h"

const char *simsweep_strerror(int err)
{
	switch (err) {
	case SIMSWEEP_OK: return "success";
	case SIMSWEEP_EINVAL: return "invalid argument";
	case SIMSWEEP_ENOMEM: return "out of memory";
	case SIMSWEEP_EIO: return "input/output error";
	case SIMSWEEP_ENOENT: return "no such file";
	case SIMSWEEP_EFORMAT: return "malformed input";
	case SIMSWEEP_EUNSUPPORTED: return "unsupported format";
	case SIMSWEEP_ETRUNC: return "truncated: input ends in the middle of a sample";
	case SIMSWEEP_EEMPTY: return "empty input: no samples";
	case SIMSWEEP_ENORATE: return "sample rate unknown";
	case SIMSWEEP_ERANGE: return "value out of range";
	default: return "unknown error";
	}
}
