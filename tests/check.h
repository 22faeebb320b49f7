/* check.h - the smallest test harness that can fail: CHECK* macros count
 * failures and print where; check_done() prints a one-line summary and gives
 * the exit status (0 all passed, 1 some failed, 77 skipped for meson). */
#ifndef SIMSWEEP_CHECK_H
#define SIMSWEEP_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		check_count++;                                                           \
		if (!(cond)) {                                                           \
			check_failures++;                                                \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
			        #cond);                                                  \
		}                                                                        \
	} while (0)

#define CHECK_NEAR(a, b, tol)                                                             \
	do {                                                                              \
		double check_a_ = (double)(a), check_b_ = (double)(b);                    \
		check_count++;                                                            \
		if (!(fabs(check_a_ - check_b_) <= (tol))) {                              \
			check_failures++;                                                 \
			fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s = %.9g, %s = %.9g, " \
			        "tolerance %.3g\n",                                       \
			        __FILE__, __LINE__, #a, check_a_, #b, check_b_, (double)(tol)); \
		}                                                                         \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                                \
	do {                                                                              \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);           \
		check_count++;                                                            \
		if (check_a_ != check_b_) {                                               \
			check_failures++;                                                 \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s = %lld, %s = %lld\n",   \
			        __FILE__, __LINE__, #a, check_a_, #b, check_b_);          \
		}                                                                         \
	} while (0)

static inline int check_done(const char *name)
{
	fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

/* Exit status meson reads as "skipped". */
#define CHECK_SKIP 77

#endif
