// libc-opt: the memcpy variant table and the boot-time choice among them.
//
// Portable C: the caller supplies CPU features and the clock (struct zc_memcpy_env), so this
// file has no CPUID, no rdtsc and no allocation.
#include "libc_opt.h"

zc_memcpy_fn zc_memcpy_impl = zc_memcpy_musl;

static const struct {
    const char *name;
    zc_memcpy_fn fn;
} variants[ZC_MEMCPY_NVARIANTS] = {
    [ZC_MEMCPY_BYTES] = {"bytes", zc_memcpy_bytes},
    [ZC_MEMCPY_MUSL] = {"musl", zc_memcpy_musl},
    [ZC_MEMCPY_ERMS] = {"erms", zc_memcpy_erms},
    [ZC_MEMCPY_SSE2] = {"sse2", zc_memcpy_sse2},
};

// A variant this many times slower than the best after the first round cannot win: it is not
// timed again. Keeps calibration short where rep movs is emulated one element at a time.
#define DROP_FACTOR 4

const char *zc_memcpy_variant_name(unsigned v)
{
    return v < ZC_MEMCPY_NVARIANTS ? variants[v].name : "?";
}

zc_memcpy_fn zc_memcpy_variant_fn(unsigned v)
{
    return v < ZC_MEMCPY_NVARIANTS ? variants[v].fn : NULL;
}

void zc_memcpy_use(unsigned v)
{
    if (v < ZC_MEMCPY_NVARIANTS)
        zc_memcpy_impl = variants[v].fn;
}

static int eligible(const struct zc_memcpy_env *env, unsigned v)
{
    switch (v) {
    case ZC_MEMCPY_MUSL:
        return 1;
    case ZC_MEMCPY_ERMS:
        return env->has_erms || env->has_fsrm;
    case ZC_MEMCPY_SSE2:
        return env->has_sse2;
    default:
        return 0;   // the byte loop is a baseline, never a candidate
    }
}

static uint64_t time_copy(const struct zc_memcpy_env *env, unsigned v, size_t n)
{
    uint64_t t0 = env->now();
    variants[v].fn(env->dst, env->src, n);
    uint64_t t1 = env->now();
    uint64_t d = t1 - t0;
    return d ? d : 1;   // 0 means "not timed" in the report
}

unsigned zc_memcpy_select(const struct zc_memcpy_env *env, struct zc_memcpy_report *rep)
{
    uint64_t best[ZC_MEMCPY_NVARIANTS] = {0};
    unsigned char active[ZC_MEMCPY_NVARIANTS];
    unsigned rounds = 0, chosen = ZC_MEMCPY_MUSL;
    size_t n = 0;
    uint64_t start = 0, end = 0;

    if (env->now && env->dst && env->src && env->buf_size) {
        n = env->buf_size < ZC_MEMCPY_CALIB_MAX ? env->buf_size : ZC_MEMCPY_CALIB_MAX;
        // Untimed first pass: faults the pages in and warms the caches for every variant.
        unsigned char *s = env->src;
        for (size_t i = 0; i < n; i++)
            s[i] = (unsigned char)(i * 131u + 7u);
        zc_memcpy_musl(env->dst, env->src, n);

        for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++)
            active[v] = (unsigned char)eligible(env, v);
        start = env->now();
        for (rounds = 0; rounds < ZC_MEMCPY_CALIB_ROUNDS;) {
            for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++) {
                if (!active[v])
                    continue;
                uint64_t d = time_copy(env, v, n);
                if (!best[v] || d < best[v])
                    best[v] = d;
            }
            rounds++;
            uint64_t min = 0;
            for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++)
                if (best[v] && (!min || best[v] < min)) {
                    min = best[v];
                    chosen = v;
                }
            if (rounds == 1)
                for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++)
                    if (best[v] / DROP_FACTOR > min)
                        active[v] = 0;
            end = env->now();
            if (env->budget_ticks && end - start >= env->budget_ticks)
                break;
        }
    } else if (env->has_fsrm) {
        chosen = ZC_MEMCPY_ERMS;
    }

    zc_memcpy_use(chosen);
    if (rep) {
        rep->chosen = chosen;
        rep->rounds = rounds;
        rep->bytes = n;
        for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++)
            rep->ticks[v] = best[v];
        rep->total_ticks = end - start;
    }
    return chosen;
}

// Appends s to buf[*len...], keeping a NUL within size; *len counts the full length.
static void put_str(char *buf, size_t size, size_t *len, const char *s)
{
    for (; *s; s++, (*len)++)
        if (*len + 1 < size)
            buf[*len] = *s;
    if (size)
        buf[*len < size ? *len : size - 1] = '\0';
}

static void put_u64(char *buf, size_t size, size_t *len, uint64_t x)
{
    char digits[21];
    unsigned i = sizeof(digits) - 1;

    digits[i] = '\0';
    do {
        digits[--i] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    put_str(buf, size, len, digits + i);
}

size_t zc_memcpy_report_format(const struct zc_memcpy_report *rep, char *buf, size_t size)
{
    size_t len = 0;
    int first = 1;

    if (size)
        buf[0] = '\0';
    put_str(buf, size, &len, "memcpy: chose ");
    put_str(buf, size, &len, zc_memcpy_variant_name(rep->chosen));
    if (!rep->bytes) {
        put_str(buf, size, &len, " (not timed)");
        return len;
    }
    put_str(buf, size, &len, " (");
    for (unsigned v = 0; v < ZC_MEMCPY_NVARIANTS; v++) {
        if (!rep->ticks[v])
            continue;
        if (!first)
            put_str(buf, size, &len, ", ");
        first = 0;
        put_str(buf, size, &len, zc_memcpy_variant_name(v));
        put_str(buf, size, &len, " ");
        put_u64(buf, size, &len, rep->ticks[v]);
    }
    put_str(buf, size, &len, " ticks/");
    if (rep->bytes % 1024 == 0) {
        put_u64(buf, size, &len, rep->bytes / 1024);
        put_str(buf, size, &len, "KiB)");
    } else {
        put_u64(buf, size, &len, rep->bytes);
        put_str(buf, size, &len, "B)");
    }
    return len;
}
