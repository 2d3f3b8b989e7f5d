// zc user libc: exit, abort, assert failures and number parsing.
#include <stdlib.h>

#include <assert.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <zircon/syscalls.h>

_Noreturn void exit(int status) {
    zc_stdout_flush();
    zx_process_exit(status);
}

// Like Zircon's libc: abort() crashes the process, so its owner sees an exception kill.
_Noreturn void abort(void) {
    zc_stdout_flush();
    __builtin_trap();
}

_Noreturn void zc_assert_fail(const char *expr, const char *file, int line, const char *func) {
    printf("%s:%d: %s: assertion failed: %s\n", file, line, func, expr);
    abort();
}

static int digit_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

// Parses an optionally signed integer; the magnitude saturates at `limit` (+1 when negative
// is allowed, handled by the callers).
static unsigned long long parse(const char *s, char **end, int base, bool *negative,
                                unsigned long long limit) {
    const char *p = s;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    *negative = false;
    if (*p == '+' || *p == '-')
        *negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    unsigned long long v = 0;
    bool any = false, overflow = false;
    for (int d; (d = digit_value(*p)) < base; p++) {
        any = true;
        if (v > (limit - (unsigned)d) / (unsigned)base)
            overflow = true;
        else
            v = v * (unsigned)base + (unsigned)d;
    }
    if (end)
        *end = (char *)(any ? p : s);
    return overflow ? limit : v;
}

unsigned long long strtoull(const char *s, char **end, int base) {
    bool neg;
    unsigned long long v = parse(s, end, base, &neg, ULLONG_MAX);
    return neg ? 0 - v : v;
}

long long strtoll(const char *s, char **end, int base) {
    bool neg;
    unsigned long long v = parse(s, end, base, &neg, (unsigned long long)LLONG_MAX + 1);
    if (neg)
        return v > (unsigned long long)LLONG_MAX ? LLONG_MIN : -(long long)v;
    return v > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)v;
}

unsigned long strtoul(const char *s, char **end, int base) {
    return (unsigned long)strtoull(s, end, base);
}

long strtol(const char *s, char **end, int base) {
    return (long)strtoll(s, end, base);
}

int atoi(const char *s) {
    return (int)strtol(s, NULL, 10);
}
