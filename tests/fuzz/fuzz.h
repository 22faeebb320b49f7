/* fuzz.h - what every fuzz target shares: the libFuzzer entry points and
 * small helpers for targets whose code under test reads a named file.
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput. It is linked either
 * with libFuzzer (-Dfuzz=true, clang) or with replay.c, which feeds it every
 * file of the seed corpus and the regression directory (a normal meson test,
 * any compiler). A target must be deterministic, must not keep state from
 * one input to the next, and signals a broken property with abort().
 */
#ifndef SIMSWEEP_FUZZ_H
#define SIMSWEEP_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A private directory for the files a target writes, made on first use and
 * removed (with what is left in it) at exit. Aborts when none can be made. */
const char *fuzz_tmpdir(void);

/* Write size bytes to path (created or truncated). Aborts on failure: a
 * target that cannot write its input tests nothing. */
static inline void fuzz_write_file(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		fprintf(stderr, "fuzz: %s: %s\n", path, strerror(errno));
		abort();
	}
	const uint8_t *p = data;
	while (size > 0) {
		ssize_t k = write(fd, p, size);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			fprintf(stderr, "fuzz: %s: %s\n", path, strerror(errno));
			abort();
		}
		p += k;
		size -= (size_t)k;
	}
	close(fd);
}

/* A property of the code under test does not hold: say which and stop. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
