// libc-opt: memcmp and the string routines, in portable C.
//
// The scanning routines read aligned 8-byte words. An aligned word never crosses a page, so
// reading the bytes after the terminator inside the same word cannot fault. Build with
// -fno-builtin -fno-tree-loop-distribute-patterns (LIBC_OPT_CFLAGS) so the compiler does not
// turn a loop here into a call to the function being defined.
#include "libc_opt.h"

typedef uint64_t __attribute__((__may_alias__)) word_t;

#define WORD_ONES  0x0101010101010101ull
#define WORD_HIGHS 0x8080808080808080ull

// Nonzero when some byte of x is zero. The lowest flagged byte is the first zero byte; bytes
// above it may be flagged falsely (a borrow), which no caller here relies on.
static inline uint64_t has_zero(uint64_t x)
{
    return (x - WORD_ONES) & ~x & WORD_HIGHS;
}

// Index of the byte flagged lowest in a has_zero() mask (little endian).
static inline unsigned first_flagged(uint64_t mask)
{
    return (unsigned)__builtin_ctzll(mask) >> 3;
}

static inline uint64_t load_unaligned(const unsigned char *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n >= 8; n -= 8, p += 8, q += 8) {
        uint64_t x = load_unaligned(p), y = load_unaligned(q);
        if (x != y) {
            // Byte-swapped, the first differing byte is the most significant difference.
            x = __builtin_bswap64(x);
            y = __builtin_bswap64(y);
            return x < y ? -1 : 1;
        }
    }
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    unsigned char ch = (unsigned char)c;

    for (; ((uintptr_t)p & 7) && n; p++, n--)
        if (*p == ch)
            return (void *)p;
    if (n >= 8) {
        uint64_t pattern = WORD_ONES * ch;
        const word_t *w = (const word_t *)p;
        for (; n >= 8; w++, n -= 8) {
            uint64_t m = has_zero(*w ^ pattern);
            if (m)
                return (char *)w + first_flagged(m);
        }
        p = (const unsigned char *)w;
    }
    for (; n; p++, n--)
        if (*p == ch)
            return (void *)p;
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;

    for (; (uintptr_t)p & 7; p++)
        if (!*p)
            return (size_t)(p - s);
    const word_t *w = (const word_t *)p;
    uint64_t m;
    while (!(m = has_zero(*w)))
        w++;
    return (size_t)((const char *)w + first_flagged(m) - s);
}

size_t strnlen(const char *s, size_t maxlen)
{
    const char *end = memchr(s, 0, maxlen);
    return end ? (size_t)(end - s) : maxlen;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

    if ((((uintptr_t)p ^ (uintptr_t)q) & 7) == 0) {
        // Same alignment: whole words while they match and hold no terminator.
        for (; (uintptr_t)p & 7; p++, q++)
            if (*p != *q || !*p)
                return *p - *q;
        const word_t *wp = (const word_t *)p, *wq = (const word_t *)q;
        while (*wp == *wq && !has_zero(*wp)) {
            wp++;
            wq++;
        }
        p = (const unsigned char *)wp;
        q = (const unsigned char *)wq;
    }
    for (; *p == *q && *p; p++, q++)
        ;
    return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

    for (; n; n--, p++, q++)
        if (*p != *q || !*p)
            return *p - *q;
    return 0;
}

char *strchr(const char *s, int c)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char ch = (unsigned char)c;

    for (; (uintptr_t)p & 7; p++) {
        if (*p == ch)
            return (char *)p;
        if (!*p)
            return NULL;
    }
    uint64_t pattern = WORD_ONES * ch;
    const word_t *w = (const word_t *)p;
    uint64_t m;
    // Both masks flag their first hit exactly, so the lowest flag of the union is the first
    // byte that is either c or the terminator.
    while (!(m = has_zero(*w) | has_zero(*w ^ pattern)))
        w++;
    p = (const unsigned char *)w + first_flagged(m);
    return *p == ch ? (char *)p : NULL;
}

char *strrchr(const char *s, int c)
{
    unsigned char ch = (unsigned char)c;
    size_t i = strlen(s) + 1;   // the terminator itself may be what is asked for

    while (i--)
        if ((unsigned char)s[i] == ch)
            return (char *)s + i;
    return NULL;
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t k = len < size ? len : size - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return len;
}
