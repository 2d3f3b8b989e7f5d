// The vDSO's C half: the vDSO-only calls (time and system constants, read from
// struct zc_vdso_constants and the TSC) and the C wrappers around kernel-entry stubs
// (syscalls.def attribute `wrapped`). The syscall stubs themselves are generated
// (build/gen/user/vdso_stubs.S).
//
// Everything here is compiled -fvisibility=hidden; VDSO_EXPORT marks what the vDSO exports. The
// exported functions never call one another: they share static inline helpers, so the image needs
// no PLT, no GOT and no dynamic relocations.
//
// Each function is compiled only when its syscalls.def line is enabled (ZC_VDSO_HAS_NAME from the
// generated user/vdso_calls.h); user/vdso/check_vdso.py verifies the exports after linking.

#include <stdint.h>
#include <zc/vdso.h>
#include <zircon/syscalls.h>
#include <zircon/testonly-syscalls.h>

#include "user/vdso_calls.h"

#define VDSO_EXPORT __attribute__((visibility("default")))
// _zx_NAME: the second exported name of zx_NAME (same address).
#define VDSO_ALIAS(name) \
  extern __typeof(zx_##name) _zx_##name __attribute__((alias("zx_" #name), visibility("default")));

// The kernel finds zc_vdso_constants in .dynsym and fills in its copy of the image before any
// process maps it, so the values are constant for the life of every process.
//
// The storage is a plain const object, so it sits in .rodata with the rest of the read-only
// segment, and is exported as a const volatile struct under the public name. The compiler knows
// its initializer (all zeros) and may assume a const object keeps it, even through a volatile
// lvalue, so every read goes through K, whose address is laundered through an empty asm: the
// compiler can no longer tell what it points to. The hidden storage name keeps the address
// RIP-relative (no GOT entry).
__attribute__((aligned(64))) const struct zc_vdso_constants vdso_constants_image = {0};
extern const volatile struct zc_vdso_constants zc_vdso_constants
    __attribute__((alias("vdso_constants_image"), visibility("default")));

static inline const volatile struct zc_vdso_constants *constants(void) {
  const volatile struct zc_vdso_constants *p = &vdso_constants_image;
  __asm__("" : "+r"(p));
  return p;
}
#define K (*constants())

// The TSC, ordered after every earlier instruction (lfence first), so that a timestamp taken after
// some work does not start before that work has finished. Later instructions may still begin
// before the TSC is read, which a start timestamp tolerates. Costs a few cycles over bare rdtsc.
// rdtsc zero-extends both 32-bit halves: no extra move is needed to combine them.
static inline uint64_t read_tsc(void) {
  uint64_t t, hi;
  __asm__ volatile("lfence\n\trdtsc\n\tshl $32, %%rdx\n\tor %%rdx, %%rax"
                   : "=a"(t), "=&d"(hi)::"cc", "memory");
  return t;
}

// Monotonic nanoseconds: ((TSC - ticks_at_boot) * ns_mult) >> 32, with the TSC read as above.
// Written out so that it is the eight instructions it needs: the constants are read
// RIP-relative straight from the image (the asm hides them from the compiler, as K does) and
// rdtsc's 32-bit halves are already zero-extended.
static inline zx_time_t monotonic_now(void) {
  uint64_t ns, hi;
  __asm__ volatile("lfence\n\t"
                   "rdtsc\n\t"
                   "shl $32, %%rdx\n\t"
                   "or %%rdx, %%rax\n\t"
                   "sub vdso_constants_image+%c[base](%%rip), %%rax\n\t"
                   "mulq vdso_constants_image+%c[mult](%%rip)\n\t"
                   "shrd $32, %%rdx, %%rax"
                   : "=a"(ns), "=&d"(hi)
                   : [base] "i"(offsetof(struct zc_vdso_constants, ticks_at_boot)),
                     [mult] "i"(offsetof(struct zc_vdso_constants, ns_mult))
                   : "cc", "memory");
  return (zx_time_t)ns;
}

#ifdef ZC_VDSO_HAS_ticks_get
VDSO_EXPORT zx_ticks_t zx_ticks_get(void) { return (zx_ticks_t)read_tsc(); }
VDSO_ALIAS(ticks_get)
#endif

#ifdef ZC_VDSO_HAS_ticks_per_second
VDSO_EXPORT zx_ticks_t zx_ticks_per_second(void) { return (zx_ticks_t)K.ticks_per_second; }
VDSO_ALIAS(ticks_per_second)
#endif

#ifdef ZC_VDSO_HAS_clock_get_monotonic
VDSO_EXPORT zx_time_t zx_clock_get_monotonic(void) { return monotonic_now(); }
VDSO_ALIAS(clock_get_monotonic)
#endif

// The boot timeline counts time spent suspended too; zc never suspends, so it is the
// monotonic one.
#ifdef ZC_VDSO_HAS_ticks_get_boot
VDSO_EXPORT zx_ticks_t zx_ticks_get_boot(void) { return (zx_ticks_t)read_tsc(); }
VDSO_ALIAS(ticks_get_boot)
#endif

#ifdef ZC_VDSO_HAS_clock_get_boot
VDSO_EXPORT zx_time_t zx_clock_get_boot(void) { return monotonic_now(); }
VDSO_ALIAS(clock_get_boot)
#endif

#ifdef ZC_VDSO_HAS_cache_flush
// x86 keeps data and instruction caches coherent with memory and with DMA, so a valid request
// needs only to order earlier stores. Valid: INSN, DATA, and DATA with INSN and/or INVALIDATE.
VDSO_EXPORT zx_status_t zx_cache_flush(const void* addr, size_t size, uint32_t options) {
  (void)addr;
  (void)size;
  const uint32_t known = ZX_CACHE_FLUSH_INSN | ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INVALIDATE;
  if (options == 0 || (options & ~known))
    return ZX_ERR_INVALID_ARGS;
  if ((options & ZX_CACHE_FLUSH_INVALIDATE) && !(options & ZX_CACHE_FLUSH_DATA))
    return ZX_ERR_INVALID_ARGS;
  __asm__ volatile("mfence" ::: "memory");
  return ZX_OK;
}
VDSO_ALIAS(cache_flush)
#endif

#ifdef ZC_VDSO_HAS_system_get_features
#include <zircon/features.h>

// No hardware breakpoints or watchpoints, no address tagging, no execute-only mappings on x86.
VDSO_EXPORT zx_status_t zx_system_get_features(uint32_t kind, uint32_t* features) {
  switch (kind) {
    case ZX_FEATURE_KIND_CPU:
      *features = ZX_HAS_CPU_FEATURES;
      return ZX_OK;
    case ZX_FEATURE_KIND_HW_BREAKPOINT_COUNT:
    case ZX_FEATURE_KIND_HW_WATCHPOINT_COUNT:
    case ZX_FEATURE_KIND_ADDRESS_TAGGING:
    case ZX_FEATURE_KIND_VM:
      *features = 0;
      return ZX_OK;
    default:
      return ZX_ERR_NOT_SUPPORTED;
  }
}
VDSO_ALIAS(system_get_features)
#endif

#ifdef ZC_VDSO_HAS_deadline_after
// now + nanoseconds, saturating at ZX_TIME_INFINITE (and ZX_TIME_INFINITE_PAST).
VDSO_EXPORT zx_time_t zx_deadline_after(zx_duration_t nanoseconds) {
  zx_time_t deadline;
  if (__builtin_add_overflow(monotonic_now(), nanoseconds, &deadline))
    return nanoseconds > 0 ? ZX_TIME_INFINITE : ZX_TIME_INFINITE_PAST;
  return deadline;
}
VDSO_ALIAS(deadline_after)
#endif

#ifdef ZC_VDSO_HAS_system_get_num_cpus
VDSO_EXPORT uint32_t zx_system_get_num_cpus(void) { return K.num_cpus; }
VDSO_ALIAS(system_get_num_cpus)
#endif

#ifdef ZC_VDSO_HAS_system_get_page_size
VDSO_EXPORT uint32_t zx_system_get_page_size(void) { return K.page_size; }
VDSO_ALIAS(system_get_page_size)
#endif

#ifdef ZC_VDSO_HAS_system_get_physmem
VDSO_EXPORT uint64_t zx_system_get_physmem(void) { return K.physmem; }
VDSO_ALIAS(system_get_physmem)
#endif

#ifdef ZC_VDSO_HAS_system_get_dcache_line_size
VDSO_EXPORT uint32_t zx_system_get_dcache_line_size(void) { return K.dcache_line_size; }
VDSO_ALIAS(system_get_dcache_line_size)
#endif

#ifdef ZC_VDSO_HAS_system_get_version_string
// Points into the constants (the kernel NUL-terminates the string; the length never counts the
// last byte of the array).
VDSO_EXPORT zx_string_view_t zx_system_get_version_string(void) {
  const volatile char *s = K.version_string;
  size_t len = 0;
  while (len < sizeof(K.version_string) - 1 && s[len] != '\0')
    len++;
  zx_string_view_t v = {(const char *)s, len};
  return v;
}
VDSO_ALIAS(system_get_version_string)
#endif

#ifdef ZC_VDSO_HAS_syscall_test_wrapper
// Checks done in user space around the kernel call, so tests can tell the vDSO wrapped it:
// negative arguments never reach the kernel, and a sum above 50 is reported as out of range.
VDSO_EXPORT zx_status_t zx_syscall_test_wrapper(int32_t a, int32_t b, int32_t c) {
  if (a < 0 || b < 0 || c < 0)
    return ZX_ERR_INVALID_ARGS;
  zx_status_t status = zc_vdso_raw_syscall_test_wrapper(a, b, c);
  return status > 50 ? ZX_ERR_OUT_OF_RANGE : status;
}
VDSO_ALIAS(syscall_test_wrapper)
#endif

#ifdef ZC_VDSO_HAS_cprng_draw
#include "syscalls/numbers.h"

// zx_cprng_draw: any length, in draws of at most ZX_CPRNG_DRAW_MAX_LEN; it cannot fail (a
// failure of the kernel call means a bad buffer: crash, as Zircon's does).
VDSO_EXPORT void zx_cprng_draw(void* buffer, size_t buffer_size) {
  char* p = buffer;
  while (buffer_size) {
    size_t n = buffer_size < ZX_CPRNG_DRAW_MAX_LEN ? buffer_size : ZX_CPRNG_DRAW_MAX_LEN;
    register uint64_t rax __asm__("rax") = ZX_SYS_cprng_draw_once;
    register uint64_t rdi __asm__("rdi") = (uint64_t)(uintptr_t)p;
    register uint64_t rsi __asm__("rsi") = n;
    __asm__ volatile("syscall" : "+r"(rax) : "r"(rdi), "r"(rsi) : "rcx", "r11", "memory");
    if ((zx_status_t)rax != ZX_OK) __builtin_trap();
    p += n;
    buffer_size -= n;
  }
}
VDSO_ALIAS(cprng_draw)
#endif
