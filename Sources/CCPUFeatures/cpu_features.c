#include "cpu_features.h"

#include <stdint.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

enum register_name { EBX, ECX };

typedef struct {
    const char *name;
    int level;
    // Where cpuid reports it: leaf, register and bit.
    unsigned leaf;
    enum register_name reg;
    int bit;
    // Which register state the operating system must save for it (0: none, 1: AVX's YMM, 2: AVX-512's ZMM).
    int state;
} feature;

// x86-64-v3 (what -march=x86-64-v3 lets the compiler use) and the AVX-512 subset of x86-64-v4.
static const feature features[] = {
    {"avx", 3, 1, ECX, 28, 1},
    {"avx2", 3, 7, EBX, 5, 1},
    {"bmi1", 3, 7, EBX, 3, 0},
    {"bmi2", 3, 7, EBX, 8, 0},
    {"f16c", 3, 1, ECX, 29, 1},
    {"fma", 3, 1, ECX, 12, 1},
    {"lzcnt", 3, 0x80000001u, ECX, 5, 0},
    {"movbe", 3, 1, ECX, 22, 0},
    {"xsave", 3, 1, ECX, 26, 0},
    {"avx512f", 4, 7, EBX, 16, 2},
    {"avx512bw", 4, 7, EBX, 30, 2},
    {"avx512cd", 4, 7, EBX, 28, 2},
    {"avx512dq", 4, 7, EBX, 17, 2},
    {"avx512vl", 4, 7, EBX, 31, 2},
};

static const int count = (int)(sizeof features / sizeof features[0]);

int mc_cpu_feature_count(void) { return count; }

const char *mc_cpu_feature_name(int index) { return index >= 0 && index < count ? features[index].name : ""; }

int mc_cpu_feature_level(int index) { return index >= 0 && index < count ? features[index].level : 0; }

#if defined(__x86_64__)
// XCR0: which register states the operating system saves on a context switch. Only valid when cpuid says
// OSXSAVE (leaf 1, ECX bit 27); executing xgetbv otherwise faults.
static uint64_t saved_states(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;
    uint32_t low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((uint64_t)high << 32) | low;
}
#endif

bool mc_cpu_feature_present(int index) {
#if defined(__x86_64__)
    if (index < 0 || index >= count) return false;
    const feature *f = &features[index];
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(f->leaf, 0, &a, &b, &c, &d)) return false;
    unsigned value = f->reg == EBX ? b : c;
    if (!(value & (1u << f->bit))) return false;
    if (f->state == 0) return true;
    uint64_t xcr0 = saved_states();
    // SSE and AVX (bits 1, 2); AVX-512 adds the opmask and both halves of ZMM (bits 5 to 7).
    uint64_t needed = f->state == 1 ? 0x6 : 0xE6;
    return (xcr0 & needed) == needed;
#else
    (void)index;
    return false;
#endif
}
