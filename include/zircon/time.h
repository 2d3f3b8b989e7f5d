// zc public API: time types, and overflow-safe time arithmetic that saturates to
// ZX_TIME_INFINITE / ZX_TIME_INFINITE_PAST instead of wrapping.
#ifndef ZIRCON_TIME_H_
#define ZIRCON_TIME_H_

#include <stdint.h>
#include <zircon/compiler.h>

// The struct timespec helpers exist only in hosted builds (freestanding code has no <time.h>).
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ && defined(__has_include)
#if __has_include(<time.h>)
#include <time.h>
#define _ZX_HAVE_TIMESPEC 1
#endif
#endif

__BEGIN_CDECLS

typedef int64_t zx_time_t;      // absolute time in ns (usually of the monotonic clock)
typedef int64_t zx_duration_t;  // a length of time in ns
typedef int64_t zx_ticks_t;     // a length of time in hardware ticks

#define ZX_TIME_INFINITE INT64_MAX
#define ZX_TIME_INFINITE_PAST INT64_MIN

// Naming: zx_<first operand>_<operation>_<second operand>, and zx_duration_from_<unit>.

static inline zx_time_t zx_time_add_duration(zx_time_t time, zx_duration_t duration) {
  zx_time_t r;
  if (__builtin_expect(__builtin_add_overflow(time, duration, &r), 0))
    return duration > 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
  return r;
}

static inline zx_time_t zx_time_sub_duration(zx_time_t time, zx_duration_t duration) {
  zx_time_t r;
  if (__builtin_expect(__builtin_sub_overflow(time, duration, &r), 0))
    return duration < 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
  return r;
}

static inline zx_duration_t zx_time_sub_time(zx_time_t time1, zx_time_t time2) {
  zx_duration_t r;
  if (__builtin_expect(__builtin_sub_overflow(time1, time2, &r), 0))
    return time2 < 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
  return r;
}

static inline zx_duration_t zx_duration_add_duration(zx_duration_t dur1, zx_duration_t dur2) {
  zx_duration_t r;
  if (__builtin_expect(__builtin_add_overflow(dur1, dur2, &r), 0))
    return dur2 > 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
  return r;
}

static inline zx_duration_t zx_duration_sub_duration(zx_duration_t dur1, zx_duration_t dur2) {
  zx_duration_t r;
  if (__builtin_expect(__builtin_sub_overflow(dur1, dur2, &r), 0))
    return dur2 < 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
  return r;
}

static inline zx_duration_t zx_duration_mul_int64(zx_duration_t duration, int64_t multiplier) {
  zx_duration_t r;
  if (__builtin_expect(__builtin_mul_overflow(duration, multiplier, &r), 0))
    return ((duration < 0) != (multiplier < 0)) ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE;
  return r;
}

static inline int64_t zx_nsec_from_duration(zx_duration_t n) { return n; }
static inline zx_duration_t zx_duration_from_nsec(int64_t n) { return n; }
static inline zx_duration_t zx_duration_from_usec(int64_t n) {
  return zx_duration_mul_int64(1000, n);
}
static inline zx_duration_t zx_duration_from_msec(int64_t n) {
  return zx_duration_mul_int64(1000000, n);
}
static inline zx_duration_t zx_duration_from_sec(int64_t n) {
  return zx_duration_mul_int64(1000000000, n);
}
static inline zx_duration_t zx_duration_from_min(int64_t n) {
  return zx_duration_mul_int64(60LL * 1000000000LL, n);
}
static inline zx_duration_t zx_duration_from_hour(int64_t n) {
  return zx_duration_mul_int64(3600LL * 1000000000LL, n);
}

static inline zx_ticks_t zx_ticks_add_ticks(zx_ticks_t ticks1, zx_ticks_t ticks2) {
  zx_ticks_t r;
  if (__builtin_expect(__builtin_add_overflow(ticks1, ticks2, &r), 0))
    return ticks2 > 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
  return r;
}

static inline zx_ticks_t zx_ticks_sub_ticks(zx_ticks_t ticks1, zx_ticks_t ticks2) {
  zx_ticks_t r;
  if (__builtin_expect(__builtin_sub_overflow(ticks1, ticks2, &r), 0))
    return ticks2 < 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
  return r;
}

static inline zx_ticks_t zx_ticks_mul_int64(zx_ticks_t ticks, int64_t multiplier) {
  zx_ticks_t r;
  if (__builtin_expect(__builtin_mul_overflow(ticks, multiplier, &r), 0))
    return ((ticks < 0) != (multiplier < 0)) ? ZX_TIME_INFINITE_PAST : ZX_TIME_INFINITE;
  return r;
}

#ifdef _ZX_HAVE_TIMESPEC
static inline zx_duration_t zx_duration_from_timespec(struct timespec ts) {
  return zx_duration_add_duration(zx_duration_from_sec(ts.tv_sec), ts.tv_nsec);
}
static inline struct timespec zx_timespec_from_duration(zx_duration_t duration) {
  struct timespec ts;
  ts.tv_sec = (time_t)(duration / 1000000000);
  ts.tv_nsec = (long)(duration % 1000000000);
  return ts;
}
static inline zx_time_t zx_time_from_timespec(struct timespec ts) {
  return zx_duration_from_timespec(ts);
}
static inline struct timespec zx_timespec_from_time(zx_time_t time) {
  return zx_timespec_from_duration(time);
}
#endif

// Unit macros: plain arithmetic for constants (usable in constant expressions), saturating
// otherwise.
#define ZX_NSEC(n) \
  (__builtin_constant_p(n) ? ((zx_duration_t)(1LL * (n))) : zx_duration_from_nsec(n))
#define ZX_USEC(n) \
  (__builtin_constant_p(n) ? ((zx_duration_t)(1000LL * (n))) : zx_duration_from_usec(n))
#define ZX_MSEC(n) \
  (__builtin_constant_p(n) ? ((zx_duration_t)(1000000LL * (n))) : zx_duration_from_msec(n))
#define ZX_SEC(n) \
  (__builtin_constant_p(n) ? ((zx_duration_t)(1000000000LL * (n))) : zx_duration_from_sec(n))
#define ZX_MIN(n) \
  (__builtin_constant_p(n) ? ((zx_duration_t)(60LL * 1000000000LL * (n))) : zx_duration_from_min(n))
#define ZX_HOUR(n)                                                      \
  (__builtin_constant_p(n) ? ((zx_duration_t)(3600LL * 1000000000LL * (n))) \
                           : zx_duration_from_hour(n))

__END_CDECLS

#endif  // ZIRCON_TIME_H_
