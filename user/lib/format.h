// zc user libc: the printf engine shared by the stdout and the string printers.
#ifndef ZC_USER_FORMAT_H
#define ZC_USER_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

// Receives the formatted output in pieces.
typedef void (*zc_format_sink)(void *ctx, const char *s, size_t n);

// Formats like vprintf into `sink`; returns the number of characters produced.
// Supported: flags - 0 + space #, width and precision (digits or *), length hh h l ll z j t,
// conversions d i u o x X p s c %.
int zc_vformat(zc_format_sink sink, void *ctx, const char *fmt, va_list ap);

#endif
