// Host tests for libc-opt. The library's standard names are linked in renamed to zch_<name>
// (see build.mk), so glibc's routines serve as references next to ours.
// One line per failing case group; the last line is "N passed, N failed".
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>

#define ZC_LIBC_OPT_NO_STD_DECLS
#include "libc_opt.h"

void *zch_memcpy(void *dst, const void *src, size_t n);
void *zch_memmove(void *dst, const void *src, size_t n);
void *zch_memset(void *dst, int c, size_t n);
int zch_memcmp(const void *a, const void *b, size_t n);
void *zch_memchr(const void *s, int c, size_t n);
size_t zch_strlen(const char *s);
size_t zch_strnlen(const char *s, size_t maxlen);
int zch_strcmp(const char *a, const char *b);
int zch_strncmp(const char *a, const char *b, size_t n);
char *zch_strchr(const char *s, int c);
char *zch_strrchr(const char *s, int c);
size_t zch_strlcpy(char *dst, const char *src, size_t size);

uint64_t zc_test_call_xmm(void *fn, uint64_t a0, uint64_t a1, uint64_t a2, const void *in,
                          void *out);
uint64_t zc_test_call_ymm(void *fn, uint64_t a0, uint64_t a1, uint64_t a2, const void *in,
                          void *out);

// --- case bookkeeping -------------------------------------------------------------------

static unsigned n_passed, n_failed;
static const char *cur_group;
static unsigned cur_errors;
static char cur_first[256];

static void group_begin(const char *name)
{
    cur_group = name;
    cur_errors = 0;
    cur_first[0] = '\0';
}

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
    if (cur_errors++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(cur_first, sizeof(cur_first), fmt, ap);
        va_end(ap);
    }
}

static void group_end(void)
{
    if (cur_errors) {
        n_failed++;
        printf("FAIL %s: %s (%u bad checks)\n", cur_group, cur_first, cur_errors);
    } else {
        n_passed++;
    }
}

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond))                                                                           \
            fail(__VA_ARGS__);                                                                 \
    } while (0)

// --- buffers ------------------------------------------------------------------------------

#define GUARD 64
#define BIG   (5u << 20)   // above every size class the variants distinguish

static unsigned char *src_buf, *dst_buf, *ref_buf, *zero_buf;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void *xalloc(size_t n)
{
    void *p = aligned_alloc(4096, (n + 4095) & ~(size_t)4095);
    if (!p) {
        perror("aligned_alloc");
        exit(2);
    }
    return p;
}

// Source bytes are never 0, so a destination byte left at 0 shows a missed store.
static void fill_source(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(1 + rng() % 254);
}

// --- memcpy -------------------------------------------------------------------------------

// Copies src_buf+sa to dst_buf+GUARD+da and checks the copy, the return value and the guards.
static void check_copy(zc_memcpy_fn fn, size_t sa, size_t da, size_t len)
{
    unsigned char *dst = dst_buf + GUARD + da;
    const unsigned char *src = src_buf + sa;

    memset(dst - GUARD, 0, len + 2 * GUARD);
    void *ret = fn(dst, src, len);
    CHECK(ret == dst, "sa=%zu da=%zu len=%zu: returned %p, not dst %p", sa, da, len, ret,
          (void *)dst);
    CHECK(memcmp(dst, src, len) == 0, "sa=%zu da=%zu len=%zu: copy differs", sa, da, len);
    CHECK(memcmp(dst - GUARD, zero_buf, GUARD) == 0 && memcmp(dst + len, zero_buf, GUARD) == 0,
          "sa=%zu da=%zu len=%zu: wrote outside [dst, dst+len)", sa, da, len);
}

static void test_memcpy_fn(const char *label, zc_memcpy_fn fn)
{
    char name[96];

    // Every source/destination alignment 0..63 with every length 0..200.
    snprintf(name, sizeof(name), "memcpy/%s/align64x64-len0..200", label);
    group_begin(name);
    for (size_t sa = 0; sa < 64; sa++)
        for (size_t da = 0; da < 64; da++)
            for (size_t len = 0; len <= 200; len++)
                check_copy(fn, sa, da, len);
    group_end();

    // Every length 0..4096 for a spread of alignment pairs.
    static const size_t al[] = {0, 1, 7, 8, 15, 16, 31, 63};
    snprintf(name, sizeof(name), "memcpy/%s/len0..4096", label);
    group_begin(name);
    for (size_t i = 0; i < sizeof(al) / sizeof(al[0]); i++)
        for (size_t j = 0; j < sizeof(al) / sizeof(al[0]); j++)
            for (size_t len = 0; len <= 4096; len++)
                check_copy(fn, al[i], al[j], len);
    group_end();

    // Random large sizes and alignments, up to BIG.
    snprintf(name, sizeof(name), "memcpy/%s/random-large", label);
    group_begin(name);
    for (int k = 0; k < 60; k++) {
        size_t len = k < 20 ? 4096 + rng() % 65536 : rng() % (BIG - 64);
        check_copy(fn, rng() % 64, rng() % 64, len);
    }
    for (size_t len = (1u << 20) - 2; len <= (1u << 20) + 2; len++)
        check_copy(fn, 3, 5, len);
    check_copy(fn, 0, 0, BIG - 64);
    group_end();
}

static void test_memcpy(void)
{
    for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++)
        test_memcpy_fn(zc_memcpy_variant_name(v), zc_memcpy_variant_fn(v));

    // The sse2 non-temporal path: only taken above zc_memcpy_sse2_nt_threshold.
    size_t saved = zc_memcpy_sse2_nt_threshold;
    zc_memcpy_sse2_nt_threshold = 256;
    test_memcpy_fn("sse2-nt256", zc_memcpy_sse2);
    zc_memcpy_sse2_nt_threshold = saved;

    // memcpy itself through each installed variant (smaller sweep: same code underneath).
    char name[96];
    for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++) {
        snprintf(name, sizeof(name), "memcpy/dispatch-%s", zc_memcpy_variant_name(v));
        group_begin(name);
        zc_memcpy_use(v);
        CHECK(zc_memcpy_impl == zc_memcpy_variant_fn(v), "zc_memcpy_use(%u) did not install", v);
        for (size_t sa = 0; sa < 16; sa++)
            for (size_t da = 0; da < 16; da++)
                for (size_t len = 0; len <= 300; len++)
                    check_copy(zch_memcpy, sa, da, len);
        check_copy(zch_memcpy, 1, 2, 3u << 20);
        group_end();
    }
    group_begin("memcpy/use-and-names");
    zc_memcpy_use(ZC_MEMCPY_SSE2);
    zc_memcpy_use(ZC_MEMCPY_NVARIANTS);
    zc_memcpy_use(~0u);
    CHECK(zc_memcpy_impl == zc_memcpy_sse2, "an unknown variant replaced the installed one");
    CHECK(strcmp(zc_memcpy_variant_name(ZC_MEMCPY_BYTES), "bytes") == 0 &&
              strcmp(zc_memcpy_variant_name(ZC_MEMCPY_MUSL), "musl") == 0 &&
              strcmp(zc_memcpy_variant_name(ZC_MEMCPY_ERMS), "erms") == 0 &&
              strcmp(zc_memcpy_variant_name(ZC_MEMCPY_SSE2), "sse2") == 0 &&
              strcmp(zc_memcpy_variant_name(99), "?") == 0,
          "variant names");
    CHECK(zc_memcpy_variant_fn(99) == NULL, "zc_memcpy_variant_fn(99) is not NULL");
    zc_memcpy_use(ZC_MEMCPY_MUSL);
    group_end();
}

// --- memmove ------------------------------------------------------------------------------

// Moves len bytes from buf+so to buf+do_ inside dst_buf (whose first span bytes hold random
// data) and compares the whole span with a reference made through a temporary copy.
static void check_move(size_t so, size_t do_, size_t len, size_t span)
{
    unsigned char *buf = dst_buf;

    memcpy(ref_buf, buf, span);
    memcpy(src_buf, buf + so, len);
    memcpy(ref_buf + do_, src_buf, len);
    void *ret = zch_memmove(buf + do_, buf + so, len);
    CHECK(ret == buf + do_, "src+%zu dst+%zu len=%zu: wrong return value", so, do_, len);
    CHECK(memcmp(buf, ref_buf, span) == 0, "src+%zu dst+%zu len=%zu: wrong result", so, do_,
          len);
}

static void test_memmove(void)
{
    char name[96];

    for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++) {
        zc_memcpy_use(v);
        snprintf(name, sizeof(name), "memmove/with-%s/overlap", zc_memcpy_variant_name(v));
        group_begin(name);
        fill_source(dst_buf, 520);
        // Every distance -80..80 (both directions, including 0) for lengths 0..300, with a
        // few base alignments.
        for (size_t base = 0; base < 16; base += 5)
            for (int d = -80; d <= 80; d++)
                for (size_t len = 0; len <= 300; len++) {
                    size_t so = 100 + base, do_ = (size_t)((int)so + d);
                    check_move(so, do_, len, 520);
                }
        group_end();

        snprintf(name, sizeof(name), "memmove/with-%s/large", zc_memcpy_variant_name(v));
        group_begin(name);
        fill_source(dst_buf, (2u << 20) + 1);
        for (int k = 0; k < 40; k++) {
            size_t len = 1 + rng() % 20000;
            size_t so = rng() % 30000, do_ = rng() % 30000;
            if (k % 3 == 0)   // close together: heavy overlap
                do_ = so + (rng() % 64) - 32 + (so < 32 ? 32 : 0);
            check_move(so, do_, len, 60000);
        }
        check_move(0, 1, 2u << 20, (2u << 20) + 1);
        check_move(1, 0, 2u << 20, (2u << 20) + 1);
        check_move(0, 1u << 20, 1u << 20, 2u << 20);   // adjacent, disjoint
        check_move(1u << 20, 0, 1u << 20, 2u << 20);
        group_end();
    }
    zc_memcpy_use(ZC_MEMCPY_MUSL);
}

// --- memset / memcmp ----------------------------------------------------------------------

static void test_memset(void)
{
    static const int values[] = {0, 0x5a, 0xff, 0x180, -1, 0x7f};

    group_begin("memset/align64-len0..600");
    for (size_t vi = 0; vi < sizeof(values) / sizeof(values[0]); vi++) {
        unsigned char want = (unsigned char)values[vi];
        for (size_t a = 0; a < 64; a++)
            for (size_t len = 0; len <= 600; len += (vi < 2 ? 1 : 7)) {
                unsigned char *d = dst_buf + GUARD + a;
                memset(d - GUARD, ~want, len + 2 * GUARD);
                void *ret = zch_memset(d, values[vi], len);
                CHECK(ret == d, "a=%zu len=%zu: wrong return value", a, len);
                size_t i;
                for (i = 0; i < len && d[i] == want; i++)
                    ;
                CHECK(i == len, "c=%#x a=%zu len=%zu: byte %zu is %#x", values[vi], a, len, i,
                      d[i]);
                for (i = 1; i <= GUARD; i++)
                    if (d[-(ptrdiff_t)i] != (unsigned char)~want ||
                        d[len + i - 1] != (unsigned char)~want)
                        break;
                CHECK(i > GUARD, "c=%#x a=%zu len=%zu: wrote outside the range", values[vi], a,
                      len);
            }
    }
    group_end();

    group_begin("memset/large");
    for (int k = 0; k < 30; k++) {
        size_t len = rng() % (3u << 20), a = rng() % 64;
        int c = (int)(rng() & 0x1ff);
        unsigned char *d = dst_buf + GUARD + a;
        memset(d - GUARD, ~c, len + 2 * GUARD);
        zch_memset(d, c, len);
        memset(ref_buf, c, len);
        CHECK(memcmp(d, ref_buf, len) == 0, "a=%zu len=%zu: wrong contents", a, len);
        CHECK(d[-1] == (unsigned char)~c && d[len] == (unsigned char)~c,
              "a=%zu len=%zu: wrote outside the range", a, len);
    }
    group_end();
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void test_memcmp(void)
{
    group_begin("memcmp/equal-and-zero-length");
    fill_source(src_buf, 4096);
    memcpy(dst_buf, src_buf, 4096);
    for (size_t a = 0; a < 16; a++)
        for (size_t len = 0; len <= 300; len++)
            CHECK(zch_memcmp(src_buf + a, dst_buf + a, len) == 0, "a=%zu len=%zu: not equal", a,
                  len);
    CHECK(zch_memcmp(src_buf, src_buf + 1, 0) == 0, "length 0 compares bytes");
    CHECK(zch_memcmp(NULL, NULL, 0) == 0, "length 0 with NULL");
    group_end();

    // A single difference at every position, both orders, including bytes with the top bit
    // set: the result is the difference of unsigned chars.
    group_begin("memcmp/sign-at-every-position");
    static const unsigned char pairs[][2] = {
        {0x01, 0x02}, {0x7f, 0x80}, {0x00, 0xff}, {0x80, 0x81}};
    for (size_t pi = 0; pi < sizeof(pairs) / sizeof(pairs[0]); pi++)
        for (size_t a = 0; a < 9; a++)
            for (size_t len = 1; len <= 80; len++)
                for (size_t pos = 0; pos < len; pos++) {
                    unsigned char *p = src_buf + a, *q = dst_buf + a + 3;
                    memset(p, 0x33, len);
                    memset(q, 0x33, len);
                    p[pos] = pairs[pi][0];
                    q[pos] = pairs[pi][1];
                    if (pos + 1 < len) {   // later bytes must not matter
                        p[len - 1] = 0xff;
                        q[len - 1] = 0x00;
                    }
                    CHECK(zch_memcmp(p, q, len) < 0 && zch_memcmp(q, p, len) > 0,
                          "pair %zu a=%zu len=%zu pos=%zu: wrong sign", pi, a, len, pos);
                    CHECK(zch_memcmp(p, q, pos) == 0, "len=%zu: prefix before the difference", pos);
                }
    group_end();

    group_begin("memcmp/random-vs-glibc");
    for (int k = 0; k < 20000; k++) {
        size_t len = rng() % 200;
        for (size_t i = 0; i < len; i++)
            src_buf[i] = dst_buf[i] = (unsigned char)rng();
        if (len && rng() % 4)
            dst_buf[rng() % len] = (unsigned char)rng();
        CHECK(sign(zch_memcmp(src_buf, dst_buf, len)) == sign(memcmp(src_buf, dst_buf, len)),
              "len=%zu: sign differs from glibc", len);
    }
    group_end();
}

// --- strings ------------------------------------------------------------------------------

// A string of len non-NUL bytes at p (followed by NUL and then garbage).
static void make_string(char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (char)(1 + rng() % 255);
    p[len] = '\0';
    for (size_t i = 1; i < 16; i++)
        p[len + i] = (char)rng();
}

// A page whose successor is inaccessible: strings ending at its last byte must not fault.
static char *guard_page(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                   0);
    if (m == MAP_FAILED || mprotect(m + pg, (size_t)pg, PROT_NONE)) {
        perror("mmap");
        exit(2);
    }
    return m + pg;   // the end of the accessible page
}

static void test_strlen(char *page_end)
{
    char *s = (char *)src_buf;

    group_begin("strlen");
    for (size_t a = 0; a < 16; a++)
        for (size_t len = 0; len <= 300; len++) {
            make_string(s + a, len);
            CHECK(zch_strlen(s + a) == len, "a=%zu len=%zu: got %zu", a, len, zch_strlen(s + a));
        }
    for (size_t len = 0; len < 40; len++) {   // ending exactly at the inaccessible page
        char *p = page_end - 1 - len;
        memset(p, 'x', len);
        p[len] = '\0';
        CHECK(zch_strlen(p) == len, "page end len=%zu", len);
    }
    group_end();

    group_begin("strnlen");
    for (size_t a = 0; a < 16; a++)
        for (size_t len = 0; len <= 100; len++) {
            make_string(s + a, len);
            for (size_t n = 0; n <= 110; n += (n < 20 ? 1 : 9)) {
                size_t want = len < n ? len : n;
                CHECK(zch_strnlen(s + a, n) == want, "a=%zu len=%zu n=%zu: got %zu", a, len, n,
                      zch_strnlen(s + a, n));
            }
        }
    memset(page_end - 8, 'y', 8);   // no terminator before the inaccessible page
    CHECK(zch_strnlen(page_end - 8, 8) == 8, "strnlen read past n at a page end");
    CHECK(zch_strnlen(page_end - 5, 5) == 5, "strnlen read past n at a page end (unaligned)");
    group_end();
}

static void test_strcmp(void)
{
    char *a = (char *)src_buf, *b = (char *)dst_buf;

    group_begin("strcmp");
    for (size_t aa = 0; aa < 9; aa++)
        for (size_t ab = 0; ab < 9; ab++)
            for (size_t len = 0; len <= 70; len++) {
                make_string(a + aa, len);
                memcpy(b + ab, a + aa, len + 1);
                b[ab + len + 1] = (char)~a[aa + len + 1];   // garbage after NUL differs
                CHECK(zch_strcmp(a + aa, b + ab) == 0, "aa=%zu ab=%zu len=%zu: not equal", aa,
                      ab, len);
                if (len) {
                    size_t pos = rng() % len;
                    b[ab + pos] = (char)0x80;   // above every byte below it, unsigned
                    a[aa + pos] = 0x7f;
                    CHECK(zch_strcmp(a + aa, b + ab) < 0 && zch_strcmp(b + ab, a + aa) > 0,
                          "aa=%zu ab=%zu len=%zu pos=%zu: wrong sign", aa, ab, len, pos);
                    a[aa + pos] = b[ab + pos];
                    b[ab + len] = 'z';   // b is longer: a's NUL sorts first
                    b[ab + len + 1] = '\0';
                    CHECK(zch_strcmp(a + aa, b + ab) < 0 && zch_strcmp(b + ab, a + aa) > 0,
                          "aa=%zu ab=%zu len=%zu: prefix must sort first", aa, ab, len);
                }
            }
    CHECK(zch_strcmp("", "") == 0 && zch_strcmp("a", "") > 0 && zch_strcmp("", "a") < 0,
          "empty strings");
    group_end();

    group_begin("strncmp");
    CHECK(zch_strncmp("abc", "abd", 2) == 0, "n=2 looks past n");
    CHECK(zch_strncmp("abc", "abd", 3) < 0, "n=3");
    CHECK(zch_strncmp("abd", "abc", 100) > 0, "n past the end");
    CHECK(zch_strncmp("x", "y", 0) == 0, "n=0");
    CHECK(zch_strncmp("ab", "ab\x80", 5) < 0, "prefix");
    CHECK(zch_strncmp("\x80", "a", 1) > 0, "unsigned bytes");
    CHECK(zch_strncmp("same\0xx", "same\0yy", 7) == 0, "bytes after NUL compared");
    for (int k = 0; k < 20000; k++) {
        size_t la = rng() % 20, lb = rng() % 20, n = rng() % 24;
        for (size_t i = 0; i < la; i++)
            a[i] = (char)(1 + rng() % 3 * 0x60);   // a small alphabet: many equal prefixes
        for (size_t i = 0; i < lb; i++)
            b[i] = (char)(1 + rng() % 3 * 0x60);
        a[la] = b[lb] = '\0';
        CHECK(sign(zch_strncmp(a, b, n)) == sign(strncmp(a, b, n)),
              "random: sign differs from glibc (n=%zu)", n);
        CHECK(sign(zch_strcmp(a, b)) == sign(strcmp(a, b)), "random strcmp: sign differs");
    }
    group_end();
}

static void test_strchr(char *page_end)
{
    char *s = (char *)src_buf;

    group_begin("strchr");
    for (size_t a = 0; a < 16; a++)
        for (size_t len = 0; len <= 90; len++) {
            make_string(s + a, len);
            for (size_t i = 0; i < len; i++)
                if (s[a + i] == 0x41)
                    s[a + i] = 0x42;
            CHECK(zch_strchr(s + a, 0x41) == NULL, "a=%zu len=%zu: found an absent byte", a,
                  len);
            CHECK(zch_strchr(s + a, 0) == s + a + len, "a=%zu len=%zu: c=0 must find the NUL",
                  a, len);
            if (len) {
                size_t pos = rng() % len;
                s[a + pos] = 0x41;
                char *want = strchr(s + a, 0x41);
                CHECK(zch_strchr(s + a, 0x41) == want, "a=%zu len=%zu pos=%zu", a, len, pos);
                CHECK(zch_strchr(s + a, 0x141) == want, "c is converted to char");
                s[a + pos] = (char)0xc1;
                CHECK(zch_strchr(s + a, 0xc1) == strchr(s + a, 0xc1), "high byte a=%zu", a);
                CHECK(zch_strchr(s + a, -0x3f) == strchr(s + a, 0xc1), "negative c a=%zu", a);
            }
        }
    for (size_t len = 0; len < 20; len++) {
        char *p = page_end - 1 - len;
        memset(p, 'x', len);
        p[len] = '\0';
        CHECK(zch_strchr(p, 'q') == NULL && zch_strchr(p, 0) == p + len, "page end len=%zu",
              len);
    }
    group_end();

    group_begin("strrchr");
    for (size_t a = 0; a < 8; a++)
        for (size_t len = 0; len <= 90; len++) {
            make_string(s + a, len);
            for (size_t i = 0; i < len; i++)
                if (i % 7 == 3)
                    s[a + i] = 'r';
            CHECK(zch_strrchr(s + a, 'r') == strrchr(s + a, 'r'), "a=%zu len=%zu", a, len);
            CHECK(zch_strrchr(s + a, 0) == s + a + len, "a=%zu len=%zu: c=0", a, len);
            CHECK(zch_strrchr(s + a, 0x100 + 'r') == strrchr(s + a, 'r'), "c converted");
        }
    CHECK(zch_strrchr("", 'a') == NULL, "empty string");
    group_end();
}

static void test_memchr(char *page_end)
{
    unsigned char *s = src_buf;

    group_begin("memchr");
    for (size_t a = 0; a < 16; a++)
        for (size_t len = 0; len <= 100; len++) {
            for (size_t i = 0; i < len + 16; i++)
                s[a + i] = (unsigned char)(1 + rng() % 200);
            CHECK(zch_memchr(s + a, 0xee, len) == NULL, "a=%zu len=%zu: found absent", a, len);
            s[a + len] = 0xee;   // just past n: must not be found
            CHECK(zch_memchr(s + a, 0xee, len) == NULL, "a=%zu len=%zu: looked past n", a, len);
            if (len) {
                size_t pos = rng() % len;
                s[a + pos] = 0xee;
                void *want = memchr(s + a, 0xee, len);
                CHECK(zch_memchr(s + a, 0xee, len) == want, "a=%zu len=%zu pos=%zu", a, len,
                      pos);
                CHECK(zch_memchr(s + a, 0x1ee, len) == want, "c converted a=%zu", a);
                CHECK(zch_memchr(s + a, -0x12, len) == want, "negative c a=%zu", a);
                s[a + pos] = 0;
                CHECK(zch_memchr(s + a, 0, len) == memchr(s + a, 0, len), "c=0 a=%zu", a);
            }
        }
    memset(page_end - 13, 'm', 13);
    CHECK(zch_memchr(page_end - 13, 'q', 13) == NULL, "page end");
    CHECK(zch_memchr(page_end - 13, 'm', 13) == page_end - 13, "page end hit");
    group_end();
}

static void test_strlcpy(void)
{
    char *src = (char *)src_buf, *dst = (char *)dst_buf;

    group_begin("strlcpy");
    for (size_t len = 0; len <= 70; len++) {
        make_string(src, len);
        for (size_t size = 0; size <= 80; size++) {
            memset(dst, 0x55, 100);
            size_t r = zch_strlcpy(dst, src, size);
            CHECK(r == len, "len=%zu size=%zu: returned %zu", len, size, r);
            if (size == 0) {
                CHECK(dst[0] == 0x55, "size=0 wrote");
                continue;
            }
            size_t k = len < size ? len : size - 1;
            CHECK(memcmp(dst, src, k) == 0 && dst[k] == '\0', "len=%zu size=%zu: contents", len,
                  size);
            CHECK(dst[k + 1] == 0x55, "len=%zu size=%zu: wrote past the terminator", len, size);
        }
    }
    group_end();
}

// --- registers ----------------------------------------------------------------------------

// Every routine leaves xmm0-xmm15 (and with AVX, ymm0-ymm15 whole) as it found them.
static void test_vector_registers(void)
{
    static const size_t sizes[] = {0, 1, 15, 16, 33, 64, 65, 127, 4096, 100000, 3u << 20};
    struct routine {
        const char *name;
        void *fn;
        int kind;   // 0 copy, 1 set
    } fns[ZC_MEMCPY_NVARIANTS + 3];
    unsigned nf = 0;
    for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++)
        fns[nf++] = (struct routine){zc_memcpy_variant_name(v), (void *)zc_memcpy_variant_fn(v), 0};
    fns[nf++] = (struct routine){"memcpy", (void *)zch_memcpy, 0};
    fns[nf++] = (struct routine){"memmove", (void *)zch_memmove, 0};
    fns[nf++] = (struct routine){"memset", (void *)zch_memset, 1};

    unsigned char in[512], out[512];
    int avx = __builtin_cpu_supports("avx");
    size_t saved = zc_memcpy_sse2_nt_threshold;

    group_begin("registers/xmm-and-ymm-preserved");
    zc_memcpy_use(ZC_MEMCPY_SSE2);
    for (int nt = 0; nt < 2; nt++) {
        zc_memcpy_sse2_nt_threshold = nt ? 4096 : saved;
        for (unsigned f = 0; f < nf; f++)
            for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
                uint64_t a1 = fns[f].kind ? 0xab : (uint64_t)(uintptr_t)(src_buf + 3);
                for (size_t i = 0; i < sizeof(in); i++)
                    in[i] = (unsigned char)rng();
                memset(out, 0, sizeof(out));
                zc_test_call_xmm(fns[f].fn, (uint64_t)(uintptr_t)(dst_buf + 1), a1, sizes[si], in,
                                 out);
                CHECK(memcmp(in, out, 256) == 0, "%s(n=%zu, nt=%d) changed an xmm register",
                      fns[f].name, sizes[si], nt);
                if (avx) {
                    zc_test_call_ymm(fns[f].fn, (uint64_t)(uintptr_t)(dst_buf + 1), a1, sizes[si],
                                     in, out);
                    CHECK(memcmp(in, out, 512) == 0, "%s(n=%zu, nt=%d) changed a ymm register",
                          fns[f].name, sizes[si], nt);
                }
            }
    }
    zc_memcpy_sse2_nt_threshold = saved;
    zc_memcpy_use(ZC_MEMCPY_MUSL);
    group_end();
}

// --- selection ----------------------------------------------------------------------------

static uint64_t tsc_now(void)
{
    return __rdtsc();
}

static uint64_t fake_clock;
static uint64_t fake_now(void)
{
    return fake_clock += 1000;
}

static void test_select(void)
{
    unsigned char *a = xalloc(ZC_MEMCPY_CALIB_MAX), *b = xalloc(ZC_MEMCPY_CALIB_MAX);
    struct zc_memcpy_env env = {.has_erms = 1, .has_fsrm = 1, .has_sse2 = 1, .now = tsc_now,
                                .dst = a, .src = b, .buf_size = ZC_MEMCPY_CALIB_MAX};
    struct zc_memcpy_report rep;
    char line[160];

    group_begin("select/all-eligible");
    unsigned v = zc_memcpy_select(&env, &rep);
    CHECK(v == rep.chosen && v != ZC_MEMCPY_BYTES && v < ZC_MEMCPY_NVARIANTS, "chose %u", v);
    CHECK(zc_memcpy_impl == zc_memcpy_variant_fn(v), "the choice is not installed");
    CHECK(rep.bytes == ZC_MEMCPY_CALIB_MAX && rep.rounds == ZC_MEMCPY_CALIB_ROUNDS,
          "bytes %zu rounds %u", rep.bytes, rep.rounds);
    CHECK(rep.ticks[ZC_MEMCPY_BYTES] == 0, "the byte loop was timed");
    for (unsigned w = ZC_MEMCPY_MUSL; w < ZC_MEMCPY_NVARIANTS; w++)
        CHECK(rep.ticks[w] && rep.ticks[w] >= rep.ticks[v], "%s: %llu ticks vs chosen %llu",
              zc_memcpy_variant_name(w), (unsigned long long)rep.ticks[w],
              (unsigned long long)rep.ticks[v]);
    CHECK(memcmp(a, b, ZC_MEMCPY_CALIB_MAX) == 0, "calibration copy is wrong");
    zc_memcpy_report_format(&rep, line, sizeof(line));
    printf("host selection: %s\n", line);
    group_end();

    group_begin("select/eligibility");
    env.has_erms = env.has_fsrm = env.has_sse2 = 0;
    v = zc_memcpy_select(&env, &rep);
    CHECK(v == ZC_MEMCPY_MUSL, "no features: chose %u", v);
    CHECK(rep.ticks[ZC_MEMCPY_ERMS] == 0 && rep.ticks[ZC_MEMCPY_SSE2] == 0,
          "ineligible variants were timed");
    env.has_sse2 = 1;
    v = zc_memcpy_select(&env, &rep);
    CHECK(v != ZC_MEMCPY_ERMS && rep.ticks[ZC_MEMCPY_ERMS] == 0, "erms without ERMS/FSRM");
    env.has_sse2 = 0;
    env.has_fsrm = 1;   // FSRM alone makes erms eligible
    zc_memcpy_select(&env, &rep);
    CHECK(rep.ticks[ZC_MEMCPY_ERMS] != 0 && rep.ticks[ZC_MEMCPY_SSE2] == 0, "FSRM alone");
    group_end();

    group_begin("select/no-clock-and-budget");
    struct zc_memcpy_env none = {.has_fsrm = 1};
    v = zc_memcpy_select(&none, NULL);
    CHECK(v == ZC_MEMCPY_ERMS && zc_memcpy_impl == zc_memcpy_erms, "no clock, FSRM: chose %u", v);
    none.has_fsrm = 0;
    none.has_erms = 1;
    v = zc_memcpy_select(&none, &rep);
    CHECK(v == ZC_MEMCPY_MUSL && rep.bytes == 0 && rep.rounds == 0, "no clock: chose %u", v);
    zc_memcpy_report_format(&rep, line, sizeof(line));
    CHECK(strcmp(line, "memcpy: chose musl (not timed)") == 0, "format: '%s'", line);
    // A clock that advances 1000 per reading: every copy takes 1000 ticks, the first eligible
    // variant wins ties, and a budget of 1 tick stops after the first round.
    env = (struct zc_memcpy_env){.has_erms = 1, .has_sse2 = 1, .now = fake_now, .budget_ticks = 1,
                                 .dst = a, .src = b, .buf_size = 1000};
    v = zc_memcpy_select(&env, &rep);
    CHECK(v == ZC_MEMCPY_MUSL && rep.rounds == 1 && rep.bytes == 1000, "fake clock: %u rounds %u",
          v, rep.rounds);
    CHECK(rep.ticks[ZC_MEMCPY_MUSL] == 1000 && rep.ticks[ZC_MEMCPY_ERMS] == 1000 &&
              rep.ticks[ZC_MEMCPY_SSE2] == 1000,
          "fake clock ticks");
    size_t need = zc_memcpy_report_format(&rep, line, sizeof(line));
    CHECK(strcmp(line, "memcpy: chose musl (musl 1000, erms 1000, sse2 1000 ticks/1000B)") == 0,
          "format: '%s'", line);
    CHECK(need == strlen(line), "format length %zu", need);
    char small[12];
    size_t need2 = zc_memcpy_report_format(&rep, small, sizeof(small));
    CHECK(need2 == need && strcmp(small, "memcpy: cho") == 0, "truncation: '%s'", small);
    group_end();

    zc_memcpy_use(ZC_MEMCPY_MUSL);
    free(a);
    free(b);
}

int main(void)
{
    src_buf = xalloc(BIG + 4096);
    dst_buf = xalloc(BIG + 4096);
    ref_buf = xalloc(BIG + 4096);
    zero_buf = xalloc(4096);
    memset(zero_buf, 0, 4096);
    fill_source(src_buf, BIG + 4096);
    char *page_end = guard_page();

    test_memcpy();
    fill_source(src_buf, BIG + 4096);
    test_memmove();
    test_memset();
    test_memcmp();
    test_strlen(page_end);
    test_strcmp();
    test_strchr(page_end);
    test_memchr(page_end);
    test_strlcpy();
    test_vector_registers();
    test_select();

    printf("%u passed, %u failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
