// libc-opt: freestanding x86_64 memory and string routines, with a memcpy chosen at boot.
//
// The same objects link into the kernel (-ffreestanding -mno-red-zone -mcmodel=kernel -mno-sse)
// and into user programs. `memcpy` jumps through `zc_memcpy_impl`; every variant is also callable
// by name. No routine uses the red zone, and the only one that touches xmm registers
// (`zc_memcpy_sse2`) saves and restores them, so the kernel may call any of them on a syscall
// path without saving the user's FPU/SSE state first.
#ifndef ZC_LIBC_OPT_H
#define ZC_LIBC_OPT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum zc_memcpy_variant {
    ZC_MEMCPY_BYTES,    // byte loop: the rlibc baseline, never selected
    ZC_MEMCPY_MUSL,     // musl's algorithm: align dst with bytes, rep movsq, byte tail (default)
    ZC_MEMCPY_ERMS,     // rep movsb (fast on CPUs with ERMS/FSRM)
    ZC_MEMCPY_SSE2,     // 64 bytes per iteration, unaligned loads, aligned stores; xmm preserved
    ZC_MEMCPY_NVARIANTS,
};

typedef void *(*zc_memcpy_fn)(void *dst, const void *src, size_t n);

void *zc_memcpy_bytes(void *dst, const void *src, size_t n);
void *zc_memcpy_musl(void *dst, const void *src, size_t n);
void *zc_memcpy_erms(void *dst, const void *src, size_t n);
void *zc_memcpy_sse2(void *dst, const void *src, size_t n);

// What `memcpy` jumps to. Written only by zc_memcpy_use (boot, before other CPUs run).
extern zc_memcpy_fn zc_memcpy_impl;

// Copies this long (give or take the 0..15 bytes that align the destination) take the
// non-temporal store path of zc_memcpy_sse2, which bypasses the cache: a win only when the
// data will not be read again soon. 0 (the default) = never.
extern size_t zc_memcpy_sse2_nt_threshold;

// "bytes", "musl", "erms", "sse2"; "?" for an unknown value.
const char *zc_memcpy_variant_name(unsigned v);
// The function of variant v, or NULL for an unknown value.
zc_memcpy_fn zc_memcpy_variant_fn(unsigned v);
// Makes `memcpy` use variant v; unknown values are ignored.
void zc_memcpy_use(unsigned v);

// What the caller knows about the machine. The caller runs CPUID and owns the clock.
struct zc_memcpy_env {
    unsigned has_erms : 1;      // CPUID.7.0:EBX[9]
    unsigned has_fsrm : 1;      // CPUID.7.0:EDX[4]
    unsigned has_sse2 : 1;      // CPUID.1:EDX[26], and SSE usable here (CR4.OSFXSR, CR0.TS clear)
    uint64_t (*now)(void);      // monotonic ticks (e.g. rdtsc)
    uint64_t budget_ticks;      // stop calibrating after this many ticks (0 = no limit)
    void *dst;                  // two scratch buffers of buf_size bytes each, 64-byte aligned
    void *src;                  //   (the contents of both are overwritten)
    size_t buf_size;            // the calibration copy is min(buf_size, ZC_MEMCPY_CALIB_MAX)
};

#define ZC_MEMCPY_CALIB_MAX    (64u * 1024u)
#define ZC_MEMCPY_CALIB_ROUNDS 5

struct zc_memcpy_report {
    unsigned chosen;                        // the variant now installed
    unsigned rounds;                        // calibration rounds run
    size_t bytes;                           // length of one calibration copy (0 = not timed)
    uint64_t ticks[ZC_MEMCPY_NVARIANTS];    // best ticks per copy; 0 = not eligible / not timed
    uint64_t total_ticks;                   // time spent calibrating
};

// Times each eligible variant (musl always, erms with ERMS or FSRM, sse2 with SSE2) copying
// env->src to env->dst a few times, installs the fastest with zc_memcpy_use and returns it.
// A variant more than 4x slower than the best after the first round is not timed again (rep
// movs under QEMU TCG). `rep` may be NULL. Without a clock or buffers nothing is timed and the
// choice is erms with FSRM, otherwise musl.
unsigned zc_memcpy_select(const struct zc_memcpy_env *env, struct zc_memcpy_report *rep);

// Writes "memcpy: chose erms (musl 1843, erms 911, sse2 1022 ticks/64KiB)" into buf (always
// NUL-terminated when size > 0) and returns the length the full line needs.
size_t zc_memcpy_report_format(const struct zc_memcpy_report *rep, char *buf, size_t size);

#if !defined(__cplusplus) && !defined(ZC_LIBC_OPT_NO_STD_DECLS)
// The standard routines libc-opt provides (C declarations; C++ code uses <cstring>).
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);
#endif

#ifdef __cplusplus
}
#endif

#endif
