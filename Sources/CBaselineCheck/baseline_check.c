// Runs before main, and so before any code compiled for x86-64-v3: a CPU without the instructions the build
// assumes gets a message naming what it lacks and exit code 2 instead of SIGILL somewhere later.
// Linked into the executable only (a library must not end its host process) and compiled without -march flags.
// Test hook: MODELCHECK_PRETEND_MISSING_CPU_FEATURES (see baseline_check.h).

#include "baseline_check.h"
#include "cpu_features.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#if defined(__x86_64__)
static bool pretended_missing(const char *name) {
    const char *list = getenv(MC_PRETEND_MISSING_CPU_FEATURES);
    if (list == NULL) return false;
    size_t length = strlen(name);
    for (const char *item = list; *item != '\0';) {
        const char *end = strchr(item, ',');
        size_t item_length = end ? (size_t)(end - item) : strlen(item);
        if (item_length == length && strncasecmp(item, name, length) == 0) return true;
        if (end == NULL) break;
        item = end + 1;
    }
    return false;
}

// Appends `name` in upper case to `buffer`, after ", " unless it is the first.
static void append_name(char *buffer, size_t size, const char *name) {
    size_t used = strlen(buffer);
    if (used > 0 && used + 2 < size) { strcpy(buffer + used, ", "); used += 2; }
    for (; *name != '\0' && used + 1 < size; name++, used++) {
        buffer[used] = (*name >= 'a' && *name <= 'z') ? (char)(*name - 'a' + 'A') : *name;
    }
    buffer[used] = '\0';
}

__attribute__((constructor)) static void mc_check_build_baseline(void) {
    char missing[256] = "", required[256] = "";
    for (int i = 0; i < mc_cpu_feature_count(); i++) {
        if (mc_cpu_feature_level(i) != 3) continue;
        const char *name = mc_cpu_feature_name(i);
        append_name(required, sizeof required, name);
        if (!mc_cpu_feature_present(i) || pretended_missing(name)) append_name(missing, sizeof missing, name);
    }
    if (missing[0] == '\0') return;
    char message[1024];
    int length = snprintf(message, sizeof message,
                          "modelcheck: this CPU lacks %s; modelcheck is built for x86-64-v3 (%s). "
                          "Run it on a CPU that has them (Intel Haswell, AMD Excavator or later), or build it on this "
                          "machine after removing the -march=x86-64-v3 flags from Package.swift.\n",
                          missing, required);
    if (length > 0) {
        size_t size = (size_t)length < sizeof message ? (size_t)length : sizeof message - 1;
        ssize_t ignored = write(STDERR_FILENO, message, size);
        (void)ignored;
    }
    _exit(2);
}
#endif
