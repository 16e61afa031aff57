// Image resampling loops in C, so that the Imaging module needs no -march flags: the loop is
// compiled twice (x86-64-v3 and baseline) and the CPU picks one when the program loads.
#ifndef MC_RESAMPLE_H
#define MC_RESAMPLE_H

#include <stdint.h>

// Bilinear resize of 8-bit interleaved RGB: for output column ox the source columns x_low[ox],
// x_high[ox] mixed by x_weight[ox] (the weight of x_high), likewise for rows; each sample is
// rounded half away from zero and clamped to 0...255. Arithmetic in single precision in exactly
// this order, without fused multiply-adds, so results match bit for bit on every CPU:
// top = a + (b - a) * wx, bottom = c + (d - c) * wx, value = top + (bottom - top) * wy.
void mc_resize_bilinear_rgb(const uint8_t *source, long source_width, uint8_t *target, long target_width,
                            long target_height, const long *x_low, const long *x_high, const float *x_weight,
                            const long *y_low, const long *y_high, const float *y_weight);

#endif
