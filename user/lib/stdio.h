// zc user libc: formatted output to the process's debuglog (line-buffered).
#ifndef ZC_USER_STDIO_H
#define ZC_USER_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int puts(const char *s);
int putchar(int c);

// Writes out the partial line buffered so far (exit() does it too).
void zc_stdout_flush(void);

#endif
