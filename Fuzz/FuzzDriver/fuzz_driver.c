#include "fuzz_driver.h"

#include <stdio.h>
#include <stdlib.h>

// Weak, so a build without -sanitize=fuzzer links (and replays files) instead of failing to link.
int LLVMFuzzerRunDriver(int *argc, char ***argv, fuzz_test_one_input test) __attribute__((weak));

static int replay(const char *path, fuzz_test_one_input test) {
    FILE *file = fopen(path, "rb");
    if (!file) { perror(path); return 1; }
    size_t capacity = 1 << 16, size = 0;
    uint8_t *data = malloc(capacity);
    size_t got;
    while (data && (got = fread(data + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity) {
            uint8_t *grown = realloc(data, capacity *= 2);
            if (!grown) { free(data); data = NULL; }
            else data = grown;
        }
    }
    int failed = ferror(file) || !data;
    fclose(file);
    if (failed) { fprintf(stderr, "%s: cannot read\n", path); free(data); return 1; }
    test(data, size);
    free(data);
    fprintf(stderr, "%s: ran (%zu bytes)\n", path, size);
    return 0;
}

int fuzz_driver_run(int argc, char **argv, fuzz_test_one_input test) {
    if (LLVMFuzzerRunDriver) return LLVMFuzzerRunDriver(&argc, &argv, test);
    if (argc < 2) {
        fprintf(stderr, "%s: built without libFuzzer (build it with ci/fuzz); give input files to replay them\n", argv[0]);
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) status |= replay(argv[i], test);
    return status;
}
