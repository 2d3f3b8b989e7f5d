// Kernel printf (our own small formatter) and panic.
#include "kernel/debug.h"

#include <stdbool.h>
#include <stdint.h>

#include "hal/hal.h"
#include "kernel/klog.h"

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c) {
    if (o->len + 1 < o->size) o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, bool upper, bool neg, int width,
                    char pad) {
    char tmp[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (neg && pad == '0') put(o, '-');
    for (; width > len; width--) put(o, pad);
    if (neg && pad != '0') put(o, '-');
    while (n) put(o, tmp[--n]);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        bool left = false, alt = false;
        if (*fmt == '#') { alt = true; fmt++; }
        if (*fmt == '-') { left = true; fmt++; }
        if (*fmt == '0') { pad = '0'; fmt++; }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        int lng = 0;
        while (*fmt == 'l' || *fmt == 'z') { lng++; fmt++; }
        uint64_t u;
        int64_t s;
        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(&o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, false, s < 0, width, pad);
            break;
        case 'u':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            put_num(&o, u, 10, false, false, width, pad);
            break;
        case 'x':
        case 'X':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            if (alt) {
                put(&o, '0');
                put(&o, 'x');
            }
            put_num(&o, u, 16, *fmt == 'X', false, width, pad);
            break;
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, false, width, pad);
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str) str = "(null)";
            int n = 0;
            while (str[n]) n++;
            if (!left) for (; width > n; width--) put(&o, ' ');
            for (int i = 0; i < n; i++) put(&o, str[i]);
            if (left) for (; width > n; width--) put(&o, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size) buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int kprintf(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1) n = sizeof(buf) - 1;
    klog_write(buf, (size_t)n);
    return n;
}

void panic(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1) n = sizeof(buf) - 1;
    hal_console_write("\nzc: PANIC: ", 12);
    hal_console_write(buf, (size_t)n);
    hal_console_write("\n", 1);
    hal_shutdown(126);
}
