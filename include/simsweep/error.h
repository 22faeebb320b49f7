/* error.h - error codes shared by every simsweep module.
 *
 * Functions return int: 0 (SIMSWEEP_OK) on success, a negative SIMSWEEP_E* code
 * on failure. simsweep_strerror() gives a short English description; modules
 * that can say more (which field of which file) keep a detail message of their
 * own (e.g. source_errmsg()).
 */
#ifndef SIMSWEEP_ERROR_H
#define SIMSWEEP_ERROR_H

enum simsweep_error {
	SIMSWEEP_OK = 0,
	SIMSWEEP_EINVAL = -1,       /* invalid argument or configuration */
	SIMSWEEP_ENOMEM = -2,       /* out of memory */
	SIMSWEEP_EIO = -3,          /* read/write error from the OS */
	SIMSWEEP_ENOENT = -4,       /* file or device does not exist */
	SIMSWEEP_EFORMAT = -5,      /* malformed input (bad header, bad field) */
	SIMSWEEP_EUNSUPPORTED = -6, /* well-formed but not supported (datatype, channels) */
	SIMSWEEP_ETRUNC = -7,       /* input ends in the middle of a sample */
	SIMSWEEP_EEMPTY = -8,       /* input holds no samples at all */
	SIMSWEEP_ENORATE = -9,      /* sample rate unknown (no metadata, name tag or option) */
	SIMSWEEP_ERANGE = -10,      /* a number outside its allowed range */
};

/* Short description of an error code; never NULL. */
const char *simsweep_strerror(int err);

#endif
