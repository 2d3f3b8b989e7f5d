// The kernel CPRNG: zx_cprng_draw_once (the syscall behind the vDSO's zx_cprng_draw) and
// zx_cprng_add_entropy.
#include <string.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

static bool all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

TEST(CprngTest, DrawOnceUpToMax) {
    uint8_t buf[ZX_CPRNG_DRAW_MAX_LEN + 8];
    memset(buf, 0, sizeof(buf));
    EXPECT_OK(zx_cprng_draw_once(buf, ZX_CPRNG_DRAW_MAX_LEN));
    EXPECT_FALSE(all_zero(buf, ZX_CPRNG_DRAW_MAX_LEN));
    // Nothing past the requested size was touched.
    EXPECT_TRUE(all_zero(buf + ZX_CPRNG_DRAW_MAX_LEN, 8));
    EXPECT_OK(zx_cprng_draw_once(buf, 1));
    EXPECT_OK(zx_cprng_draw_once(buf, 0));
    EXPECT_OK(zx_cprng_draw_once(NULL, 0));
}

TEST(CprngTest, DrawOnceTooLarge) {
    static uint8_t buf[ZX_CPRNG_DRAW_MAX_LEN + 1];
    EXPECT_STATUS(zx_cprng_draw_once(buf, ZX_CPRNG_DRAW_MAX_LEN + 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cprng_draw_once(buf, SIZE_MAX), ZX_ERR_INVALID_ARGS);
    EXPECT_TRUE(all_zero(buf, sizeof(buf)));
}

TEST(CprngTest, DrawOnceBadBuffer) {
    EXPECT_STATUS(zx_cprng_draw_once(KERNEL_PTR, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cprng_draw_once(UNMAPPED_PTR, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cprng_draw_once(NULL, 16), ZX_ERR_INVALID_ARGS);
}

TEST(CprngTest, DrawsDiffer) {
    uint64_t a[4], b[4];
    ASSERT_OK(zx_cprng_draw_once(a, sizeof(a)));
    ASSERT_OK(zx_cprng_draw_once(b, sizeof(b)));
    EXPECT_NE(memcmp(a, b, sizeof(a)), 0);
}

TEST(CprngTest, BytesLookRandom) {
    // 4 KiB: every byte value should show up, and each bit is set about half the time.
    static uint8_t buf[4096];
    for (size_t off = 0; off < sizeof(buf); off += ZX_CPRNG_DRAW_MAX_LEN)
        ASSERT_OK(zx_cprng_draw_once(buf + off, ZX_CPRNG_DRAW_MAX_LEN));
    size_t ones = 0;
    int seen[256] = {0};
    for (size_t i = 0; i < sizeof(buf); i++) {
        seen[buf[i]] = 1;
        ones += (size_t)__builtin_popcount(buf[i]);
    }
    int distinct = 0;
    for (int i = 0; i < 256; i++)
        distinct += seen[i];
    EXPECT_GE(distinct, 240);
    EXPECT_GT(ones, 8 * sizeof(buf) * 45 / 100);
    EXPECT_LT(ones, 8 * sizeof(buf) * 55 / 100);
}

TEST(CprngTest, AddEntropy) {
    uint8_t buf[ZX_CPRNG_ADD_ENTROPY_MAX_LEN + 1];
    memset(buf, 0x5a, sizeof(buf));
    EXPECT_OK(zx_cprng_add_entropy(buf, 16));
    EXPECT_OK(zx_cprng_add_entropy(buf, ZX_CPRNG_ADD_ENTROPY_MAX_LEN));
    EXPECT_OK(zx_cprng_add_entropy(buf, 0));
    // "ZX_ERR_INVALID_ARGS buffer_size is too large, or buffer is not a valid userspace pointer."
    EXPECT_STATUS(zx_cprng_add_entropy(buf, ZX_CPRNG_ADD_ENTROPY_MAX_LEN + 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cprng_add_entropy(KERNEL_PTR, 16), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cprng_add_entropy(UNMAPPED_PTR, 16), ZX_ERR_INVALID_ARGS);
    // Drawing still works afterwards.
    uint8_t out[32] = {0};
    EXPECT_OK(zx_cprng_draw_once(out, sizeof(out)));
    EXPECT_FALSE(all_zero(out, sizeof(out)));
}

#if defined(ZC_VDSO_IDX_cprng_draw)
TEST(CprngTest, VdsoDrawAnySize) {
    // zx_cprng_draw has no size limit: the vDSO loops over draw_once.
    static uint8_t buf[3000];
    zx_cprng_draw(buf, sizeof(buf));
    EXPECT_FALSE(all_zero(buf, 256));
    EXPECT_FALSE(all_zero(buf + sizeof(buf) - 256, 256));
    uint8_t small[3] = {0, 0, 0};
    zx_cprng_draw(small, 0);
    EXPECT_TRUE(all_zero(small, 3));
}
#endif
