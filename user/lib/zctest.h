// zctest: the in-guest test framework of zc (gtest-like output, see docs/abi.md).
//
//   TEST(Channel, RoundTrip) {
//       zx_handle_t a, b;
//       ASSERT_OK(zx_channel_create(0, &a, &b));
//       EXPECT_EQ(zx_channel_write(a, 0, "x", 1, NULL, 0), ZX_OK);
//   }
//   int main(int argc, char **argv) { return zctest_main(argc, argv); }
//
// ASSERT_* print `file:line: message` and return from the current function (the test body,
// or the helper that used it); EXPECT_* print, mark the test failed and go on. Values are
// compared as int64_t (pointers and handles included); *_STATUS/_OK print status names.
#ifndef ZC_USER_ZCTEST_H
#define ZC_USER_ZCTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

struct zctest_case {
    const char *area;
    const char *name;
    void (*fn)(void);
    const char *file;
    int line;
};

#define TEST(area, name)                                                              \
    static void zctest_fn_##area##_##name(void);                                      \
    static const struct zctest_case zctest_case_##area##_##name                       \
        __attribute__((used, section("zctest_cases"), aligned(8))) = {                \
            #area, #name, zctest_fn_##area##_##name, __FILE__, __LINE__};             \
    static void zctest_fn_##area##_##name(void)

// Runs the tests selected by `--filter PATTERN` (or `--filter=PATTERN`; ':'-separated
// substrings of "Area.Name", e.g. `--filter Fault.`), all by default, less those matching
// `--exclude PATTERN` (same syntax; each printed as `[ SKIPPED  ] Area.Name (--exclude)`: the
// hosted backend leaves out the tests of devices it lacks, docs/hosted.md). Returns 0 when every
// selected test passed, 1 otherwise (or when nothing matched).
int zctest_main(int argc, char **argv);

// True once the running test has recorded a failure.
bool zctest_current_failed(void);

// Records a failure of the running test with a printf-style message.
void zctest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// Helpers of the macros below (record and print a failed comparison).
void zctest_fail_cmp(const char *file, int line, const char *op, const char *a_expr,
                     const char *b_expr, int64_t a, int64_t b);
void zctest_fail_status(const char *file, int line, const char *a_expr, const char *b_expr,
                        zx_status_t a, zx_status_t b);
void zctest_fail_str(const char *file, int line, const char *a_expr, const char *b_expr,
                     const char *a, const char *b);
bool zctest_streq(const char *a, const char *b);

#define ZCTEST_CMP_(a, b, op, fatal, as, bs)                                          \
    do {                                                                              \
        int64_t zctest_a_ = (int64_t)(a);                                             \
        int64_t zctest_b_ = (int64_t)(b);                                             \
        if (!(zctest_a_ op zctest_b_)) {                                              \
            zctest_fail_cmp(__FILE__, __LINE__, #op, as, bs, zctest_a_, zctest_b_);   \
            if (fatal)                                                                \
                return;                                                               \
        }                                                                             \
    } while (0)

#define ZCTEST_STATUS_(a, b, fatal, as, bs)                                           \
    do {                                                                              \
        zx_status_t zctest_a_ = (a);                                                  \
        zx_status_t zctest_b_ = (b);                                                  \
        if (zctest_a_ != zctest_b_) {                                                 \
            zctest_fail_status(__FILE__, __LINE__, as, bs, zctest_a_, zctest_b_);     \
            if (fatal)                                                                \
                return;                                                               \
        }                                                                             \
    } while (0)

#define ZCTEST_STR_(a, b, fatal, as, bs)                                              \
    do {                                                                              \
        const char *zctest_a_ = (a);                                                  \
        const char *zctest_b_ = (b);                                                  \
        if (!zctest_streq(zctest_a_, zctest_b_)) {                                    \
            zctest_fail_str(__FILE__, __LINE__, as, bs, zctest_a_, zctest_b_);        \
            if (fatal)                                                                \
                return;                                                               \
        }                                                                             \
    } while (0)

#define ZCTEST_BOOL_(c, want, fatal, cs)                                              \
    do {                                                                              \
        if (!(c) != !(want)) {                                                        \
            zctest_fail(__FILE__, __LINE__, "expected %s to be %s", cs,               \
                        (want) ? "true" : "false");                                   \
            if (fatal)                                                                \
                return;                                                               \
        }                                                                             \
    } while (0)

#define ASSERT_EQ(a, b) ZCTEST_CMP_(a, b, ==, 1, #a, #b)
#define ASSERT_NE(a, b) ZCTEST_CMP_(a, b, !=, 1, #a, #b)
#define ASSERT_LT(a, b) ZCTEST_CMP_(a, b, <, 1, #a, #b)
#define ASSERT_LE(a, b) ZCTEST_CMP_(a, b, <=, 1, #a, #b)
#define ASSERT_GT(a, b) ZCTEST_CMP_(a, b, >, 1, #a, #b)
#define ASSERT_GE(a, b) ZCTEST_CMP_(a, b, >=, 1, #a, #b)
#define ASSERT_TRUE(c) ZCTEST_BOOL_(c, 1, 1, #c)
#define ASSERT_FALSE(c) ZCTEST_BOOL_(c, 0, 1, #c)
#define ASSERT_NULL(p) ZCTEST_CMP_(p, 0, ==, 1, #p, "NULL")
#define ASSERT_NONNULL(p) ZCTEST_CMP_(p, 0, !=, 1, #p, "NULL")
#define ASSERT_STATUS(a, b) ZCTEST_STATUS_(a, b, 1, #a, #b)
#define ASSERT_OK(a) ZCTEST_STATUS_(a, ZX_OK, 1, #a, "ZX_OK")
#define ASSERT_STREQ(a, b) ZCTEST_STR_(a, b, 1, #a, #b)

#define EXPECT_EQ(a, b) ZCTEST_CMP_(a, b, ==, 0, #a, #b)
#define EXPECT_NE(a, b) ZCTEST_CMP_(a, b, !=, 0, #a, #b)
#define EXPECT_LT(a, b) ZCTEST_CMP_(a, b, <, 0, #a, #b)
#define EXPECT_LE(a, b) ZCTEST_CMP_(a, b, <=, 0, #a, #b)
#define EXPECT_GT(a, b) ZCTEST_CMP_(a, b, >, 0, #a, #b)
#define EXPECT_GE(a, b) ZCTEST_CMP_(a, b, >=, 0, #a, #b)
#define EXPECT_TRUE(c) ZCTEST_BOOL_(c, 1, 0, #c)
#define EXPECT_FALSE(c) ZCTEST_BOOL_(c, 0, 0, #c)
#define EXPECT_NULL(p) ZCTEST_CMP_(p, 0, ==, 0, #p, "NULL")
#define EXPECT_NONNULL(p) ZCTEST_CMP_(p, 0, !=, 0, #p, "NULL")
#define EXPECT_STATUS(a, b) ZCTEST_STATUS_(a, b, 0, #a, #b)
#define EXPECT_OK(a) ZCTEST_STATUS_(a, ZX_OK, 0, #a, "ZX_OK")
#define EXPECT_STREQ(a, b) ZCTEST_STR_(a, b, 0, #a, #b)

// Fails and returns from the current function.
#define FAIL(...)                                                                     \
    do {                                                                              \
        zctest_fail(__FILE__, __LINE__, __VA_ARGS__);                                 \
        return;                                                                       \
    } while (0)

#endif
