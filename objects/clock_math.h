// The affine map of a clock object from the monotonic timeline to its synthetic one:
//   synthetic = syn_off + (mono - ref_off) * (1e6 + ppm) / 1e6
// computed without overflow for any time zx_time_t can hold. The naive product overflows
// int64 once mono - ref_off passes about 2.5 hours (9.2e18 / 1e6 ns).
#ifndef ZC_OBJECTS_CLOCK_MATH_H
#define ZC_OBJECTS_CLOCK_MATH_H

#include <stdint.h>

#define CLOCK_PPM_SCALE 1000000

static inline int64_t clock_synthetic(int64_t syn_off, int64_t ref_off, int32_t ppm,
                                      int64_t mono) {
    int64_t delta;
    if (__builtin_sub_overflow(mono, ref_off, &delta)) return mono < ref_off ? INT64_MIN : INT64_MAX;
    // delta * ppm / 1e6 with delta = q * 1e6 + r: 64-bit divisions, 128-bit sums (multiplying
    // and adding in 128 bits needs no library routine; dividing would).
    int64_t q = delta / CLOCK_PPM_SCALE, r = delta % CLOCK_PPM_SCALE;
    __int128 v = (__int128)syn_off + delta + (__int128)q * ppm + (r * ppm) / CLOCK_PPM_SCALE;
    if (v > INT64_MAX) return INT64_MAX;
    if (v < INT64_MIN) return INT64_MIN;
    return (int64_t)v;
}

#endif
