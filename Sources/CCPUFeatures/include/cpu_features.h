// The instruction-set features modelcheck's build and kernels depend on, read from the CPU itself
// (cpuid, and xgetbv for whether the operating system saves the vector registers they use).
// Compiled without -march flags: it must run on any x86-64 CPU, before anything that needs more.
#ifndef MC_CPU_FEATURES_H
#define MC_CPU_FEATURES_H

#include <stdbool.h>

// Number of features in the table; indices 0 ..< count name them.
int mc_cpu_feature_count(void);

// The feature's name in lower case, as Linux's /proc/cpuinfo spells it where it lists it (e.g. "avx2", "bmi1").
const char *mc_cpu_feature_name(int index);

// The x86-64 microarchitecture level that first requires the feature: 3 (x86-64-v3, the build's baseline)
// or 4 (x86-64-v4, the packed AVX-512 kernel's).
int mc_cpu_feature_level(int index);

// Whether this CPU has the feature and the operating system lets programs use it.
bool mc_cpu_feature_present(int index);

#endif
