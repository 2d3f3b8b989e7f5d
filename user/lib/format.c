// zc user libc: the printf engine.
#include "format.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum {
    FL_LEFT = 1 << 0,   // '-'
    FL_ZERO = 1 << 1,   // '0'
    FL_PLUS = 1 << 2,   // '+'
    FL_SPACE = 1 << 3,  // ' '
    FL_ALT = 1 << 4,    // '#'
};

struct out {
    zc_format_sink sink;
    void *ctx;
    int count;
};

static void emit(struct out *o, const char *s, size_t n) {
    if (n == 0)
        return;
    o->sink(o->ctx, s, n);
    o->count += (int)n;
}

static void emit_repeat(struct out *o, char c, int n) {
    char buf[32];
    memset(buf, c, sizeof(buf));
    while (n > 0) {
        int k = n < (int)sizeof(buf) ? n : (int)sizeof(buf);
        emit(o, buf, (size_t)k);
        n -= k;
    }
}

// Pads `body` (with an optional prefix such as "-" or "0x") to `width`.
// `zeros` = number of '0's between prefix and body (precision or zero-padding).
static void emit_field(struct out *o, int flags, int width, const char *prefix, int prefix_len,
                       int zeros, const char *body, int body_len) {
    int len = prefix_len + zeros + body_len;
    int pad = width > len ? width - len : 0;
    if (!(flags & FL_LEFT))
        emit_repeat(o, ' ', pad);
    emit(o, prefix, (size_t)prefix_len);
    emit_repeat(o, '0', zeros);
    emit(o, body, (size_t)body_len);
    if (flags & FL_LEFT)
        emit_repeat(o, ' ', pad);
}

static void format_int(struct out *o, int flags, int width, int prec, uint64_t v, bool negative,
                       unsigned base, bool upper, bool is_pointer) {
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = 0;
    // Precision 0 with value 0 prints no digits (C rule), except for pointers.
    if (!(v == 0 && prec == 0 && !is_pointer)) {
        do {
            buf[sizeof(buf) - 1 - n++] = digits[v % base];
            v /= base;
        } while (v);
    }
    const char *body = buf + sizeof(buf) - n;

    char prefix[3];
    int plen = 0;
    if (negative)
        prefix[plen++] = '-';
    else if (flags & FL_PLUS)
        prefix[plen++] = '+';
    else if (flags & FL_SPACE)
        prefix[plen++] = ' ';
    if (is_pointer || ((flags & FL_ALT) && base == 16 && n > 0 && body[0] != '0')) {
        prefix[plen++] = '0';
        prefix[plen++] = upper ? 'X' : 'x';
    }

    int zeros = 0;
    if (base == 8 && (flags & FL_ALT) && (n == 0 || body[0] != '0'))
        zeros = 1;
    if (prec >= 0) {
        if (prec > n)
            zeros = prec - n;
    } else if ((flags & FL_ZERO) && !(flags & FL_LEFT) && width > plen + n) {
        zeros = width - plen - n;
    }
    emit_field(o, flags, width, prefix, plen, zeros, body, n);
}

int zc_vformat(zc_format_sink sink, void *ctx, const char *fmt, va_list ap) {
    struct out o = {.sink = sink, .ctx = ctx, .count = 0};
    va_list args;
    va_copy(args, ap);

    while (*fmt) {
        if (*fmt != '%') {
            const char *start = fmt;
            while (*fmt && *fmt != '%')
                fmt++;
            emit(&o, start, (size_t)(fmt - start));
            continue;
        }
        const char *spec_start = fmt++;

        int flags = 0;
        for (;; fmt++) {
            if (*fmt == '-')
                flags |= FL_LEFT;
            else if (*fmt == '0')
                flags |= FL_ZERO;
            else if (*fmt == '+')
                flags |= FL_PLUS;
            else if (*fmt == ' ')
                flags |= FL_SPACE;
            else if (*fmt == '#')
                flags |= FL_ALT;
            else
                break;
        }

        int width = 0;
        if (*fmt == '*') {
            width = va_arg(args, int);
            if (width < 0) {
                flags |= FL_LEFT;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }

        int prec = -1;
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(args, int);
                if (prec < 0)
                    prec = -1;
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }

        // Length in bytes of the integer argument; 0 = int.
        int size = 0;
        switch (*fmt) {
        case 'h':
            fmt++;
            size = 2;
            if (*fmt == 'h') {
                fmt++;
                size = 1;
            }
            break;
        case 'l':
            fmt++;
            size = sizeof(long);
            if (*fmt == 'l') {
                fmt++;
                size = sizeof(long long);
            }
            break;
        case 'z':
        case 'j':
        case 't':
            fmt++;
            size = 8;
            break;
        default:
            break;
        }

        char conv = *fmt;
        if (conv == '\0') {
            // Truncated specification: print it literally.
            emit(&o, spec_start, (size_t)(fmt - spec_start));
            break;
        }
        fmt++;

        switch (conv) {
        case 'd':
        case 'i': {
            int64_t v;
            if (size == 8)
                v = va_arg(args, int64_t);
            else
                v = va_arg(args, int);
            if (size == 1)
                v = (signed char)v;
            else if (size == 2)
                v = (short)v;
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            format_int(&o, flags, width, prec, mag, v < 0, 10, false, false);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v;
            if (size == 8)
                v = va_arg(args, uint64_t);
            else
                v = va_arg(args, unsigned int);
            if (size == 1)
                v = (unsigned char)v;
            else if (size == 2)
                v = (unsigned short)v;
            unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            format_int(&o, flags & ~(FL_PLUS | FL_SPACE), width, prec, v, false, base,
                       conv == 'X', false);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(args, void *);
            format_int(&o, flags & ~(FL_PLUS | FL_SPACE | FL_ZERO), width, -1, v, false, 16,
                       false, true);
            break;
        }
        case 'c': {
            char c = (char)va_arg(args, int);
            emit_field(&o, flags, width, "", 0, 0, &c, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            if (!s)
                s = "(null)";
            int n = 0;
            while (s[n] && (prec < 0 || n < prec))
                n++;
            emit_field(&o, flags, width, "", 0, 0, s, n);
            break;
        }
        case '%':
            emit(&o, "%", 1);
            break;
        default:
            // Unknown conversion: print the specification as written.
            emit(&o, spec_start, (size_t)(fmt - spec_start));
            break;
        }
    }
    va_end(args);
    return o.count;
}
