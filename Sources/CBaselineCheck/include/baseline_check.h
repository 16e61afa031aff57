// The check itself is a constructor in baseline_check.c and has no functions to call.
#ifndef MC_BASELINE_CHECK_H
#define MC_BASELINE_CHECK_H

// Test hook: a comma-separated list of feature names (e.g. "avx2,fma") that the check treats as missing, so its
// message and exit code can be tested on any machine.
#define MC_PRETEND_MISSING_CPU_FEATURES "MODELCHECK_PRETEND_MISSING_CPU_FEATURES"

#endif
