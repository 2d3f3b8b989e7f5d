// Kernel logging, assertions and panic.
#ifndef ZC_KERNEL_DEBUG_H
#define ZC_KERNEL_DEBUG_H

#include <stdarg.h>
#include <stddef.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

// ASSERT is always evaluated; DEBUG_ASSERT only in debug builds (ZC_DEBUG=1).
#define ASSERT(x) \
    do { if (unlikely(!(x))) panic("ASSERT failed at %s:%d: %s", __FILE__, __LINE__, #x); } while (0)
#ifdef ZC_DEBUG
#define DEBUG_ASSERT(x) ASSERT(x)
#else
#define DEBUG_ASSERT(x) do { (void)sizeof(x); } while (0)
#endif

// Per-file tracing: define LOCAL_TRACE 1 before including this header.
#define LTRACEF(fmt, ...) \
    do { if (LOCAL_TRACE) kprintf("%s: " fmt, __func__, ##__VA_ARGS__); } while (0)

#define countof(a) (sizeof(a) / sizeof((a)[0]))

#endif
