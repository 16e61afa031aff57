#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// One fuzz input: returns 0; a crash, trap or sanitizer report is the finding.
typedef int (*fuzz_test_one_input)(const uint8_t *data, size_t size);

/// Runs `test` under libFuzzer when the program was linked with -sanitize=fuzzer; otherwise
/// runs it once on each file named on the command line (replaying a crash in a normal build).
int fuzz_driver_run(int argc, char **argv, fuzz_test_one_input test);

#endif
