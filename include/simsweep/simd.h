/* simd.h - per-bin and per-sample loops in wider vector code where the CPU
 * has it, the same results everywhere.
 *
 * The project builds for the baseline of its architecture (x86-64: SSE2,
 * four floats a vector). A function marked SIMSWEEP_VECTOR_CLONES is
 * compiled twice on x86-64, for the baseline and for AVX2 (eight floats),
 * and the loader picks the one the CPU runs (GCC's and Clang's
 * target_clones, through an ifunc). Only element-wise float arithmetic is
 * vectorised here: the project is C11, so no multiply-add is contracted
 * (AVX2 does not bring FMA either) and no sum is reassociated, and each
 * element is computed by the same IEEE operations in both versions. The
 * results, and so the events, are the same bit for bit on any x86-64 CPU.
 * Elsewhere (ARM, a compiler without the attribute) the mark is empty.
 * Mark static functions only: Clang 14 leaves an external one undefined
 * for the callers in other files.
 */
#ifndef SIMSWEEP_SIMD_H
#define SIMSWEEP_SIMD_H

#if defined(__x86_64__) && defined(__has_attribute) && !defined(SIMSWEEP_NO_CLONES)
#if __has_attribute(target_clones)
#define SIMSWEEP_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
/* A cloned function is called through the loader's pick, never inlined
 * (and Clang refuses noinline beside target_clones). */
#define SIMSWEEP_HAVE_VECTOR_CLONES 1
#endif
#endif
#ifndef SIMSWEEP_VECTOR_CLONES
#define SIMSWEEP_VECTOR_CLONES
#endif

#endif
