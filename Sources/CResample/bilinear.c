#include "resample.h"

#include <math.h>

// Fusing a multiply and an add would round once instead of twice and change pixels between CPUs.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__linux__)
// The x86-64-v3 clone rounds with one instruction (SSE4.1) where the baseline calls libm.
#define MC_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define MC_CLONES
#endif

MC_CLONES
void mc_resize_bilinear_rgb(const uint8_t *source, long source_width, uint8_t *target, long target_width,
                            long target_height, const long *x_low, const long *x_high, const float *x_weight,
                            const long *y_low, const long *y_high, const float *y_weight) {
    for (long oy = 0; oy < target_height; oy++) {
        const uint8_t *row0 = source + y_low[oy] * source_width * 3;
        const uint8_t *row1 = source + y_high[oy] * source_width * 3;
        const float wy = y_weight[oy];
        uint8_t *out = target + oy * target_width * 3;
        for (long ox = 0; ox < target_width; ox++) {
            const long low = x_low[ox] * 3, high = x_high[ox] * 3;
            const float wx = x_weight[ox];
            for (int ch = 0; ch < 3; ch++) {
                const float a = row0[low + ch], b = row0[high + ch], c = row1[low + ch], d = row1[high + ch];
                const float top = a + (b - a) * wx;
                const float bottom = c + (d - c) * wx;
                const float value = roundf(top + (bottom - top) * wy);
                out[ox * 3 + ch] = (uint8_t)(value < 0 ? 0 : value > 255 ? 255 : value);
            }
        }
    }
}
