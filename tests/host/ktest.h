// ktest: the kernel unit-test framework (tests run on the host against hal/testhal).
//
//   TEST(Pmm, AllocFree) {
//       paddr_t pa;
//       ASSERT_TRUE(pmm_alloc(0, &pa));
//       pmm_free(pa, 0);
//   }
//
// Each test runs in a forked child (a crash, panic or hang fails that test only), with a leak
// check around it: live kernel objects (kobj_live_total), free pages (pmm_free_pages), live
// heap allocations (kmalloc/slab_alloc minus frees) and live fake address spaces must all be
// back to their values from before the test. Output is gtest-like and the last line is
// `N passed, N failed` (harness/testrun.py).
//
// ASSERT_* return from the current function on failure; EXPECT_* record and go on.
#ifndef ZC_TESTS_HOST_KTEST_H
#define ZC_TESTS_HOST_KTEST_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <zircon/errors.h>
#include <zircon/types.h>

#include "hal/testhal/testhal.h"

struct kt_case {
    const char *area, *name, *file;
    int line;
    void (*fn)(void);
    const char *known_bug;  // non-NULL: TEST_KNOWN_BUG
    struct kt_case *next;
};
void kt_register(struct kt_case *c);

#define KT_TEST_(area, name, bug)                                                           \
    static void kt_fn_##area##_##name(void);                                                \
    static struct kt_case kt_case_##area##_##name = {#area, #name, __FILE__, __LINE__,      \
                                                     kt_fn_##area##_##name, bug, 0};        \
    __attribute__((constructor)) static void kt_reg_##area##_##name(void) {                 \
        kt_register(&kt_case_##area##_##name);                                              \
    }                                                                                       \
    static void kt_fn_##area##_##name(void)
#define TEST(area, name) KT_TEST_(area, name, 0)
// A test that shows a known kernel bug (`why` says which): it runs like any other, but while it
// fails it is listed as a known bug instead of counting as a failure; once it passes it counts
// as passed and the runner says to turn it back into a TEST.
#define TEST_KNOWN_BUG(area, name, why) KT_TEST_(area, name, why)

void kt_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool kt_failed(void);
// The running test leaves state behind on purpose (e.g. after a caught panic): no leak check.
void kt_skip_leak_check(void);

#define KT_CMP_(a, b, op, fatal)                                                             \
    do {                                                                                    \
        int64_t kt_a_ = (int64_t)(a), kt_b_ = (int64_t)(b);                                 \
        if (!(kt_a_ op kt_b_)) {                                                            \
            kt_fail(__FILE__, __LINE__, "%s %s %s: %lld vs %lld (%#llx vs %#llx)", #a, #op, #b, \
                    (long long)kt_a_, (long long)kt_b_, (unsigned long long)kt_a_,          \
                    (unsigned long long)kt_b_);                                             \
            if (fatal) return;                                                              \
        }                                                                                   \
    } while (0)
#define KT_STATUS_(a, b, fatal)                                                              \
    do {                                                                                    \
        zx_status_t kt_a_ = (zx_status_t)(a), kt_b_ = (zx_status_t)(b);                     \
        if (kt_a_ != kt_b_) {                                                               \
            kt_fail(__FILE__, __LINE__, "%s is %s (%d), expected %s (%d)", #a,               \
                    th_status_name(kt_a_), kt_a_, th_status_name(kt_b_), kt_b_);            \
            if (fatal) return;                                                              \
        }                                                                                   \
    } while (0)
#define KT_TRUE_(x, want, fatal)                                                             \
    do {                                                                                    \
        if ((!!(x)) != (want)) {                                                            \
            kt_fail(__FILE__, __LINE__, "%s is %s", #x, (want) ? "false" : "true");          \
            if (fatal) return;                                                              \
        }                                                                                   \
    } while (0)

#define EXPECT_EQ(a, b) KT_CMP_(a, b, ==, 0)
#define EXPECT_NE(a, b) KT_CMP_(a, b, !=, 0)
#define EXPECT_LT(a, b) KT_CMP_(a, b, <, 0)
#define EXPECT_LE(a, b) KT_CMP_(a, b, <=, 0)
#define EXPECT_GT(a, b) KT_CMP_(a, b, >, 0)
#define EXPECT_GE(a, b) KT_CMP_(a, b, >=, 0)
#define ASSERT_EQ(a, b) KT_CMP_(a, b, ==, 1)
#define ASSERT_NE(a, b) KT_CMP_(a, b, !=, 1)
#define ASSERT_LT(a, b) KT_CMP_(a, b, <, 1)
#define ASSERT_LE(a, b) KT_CMP_(a, b, <=, 1)
#define ASSERT_GT(a, b) KT_CMP_(a, b, >, 1)
#define ASSERT_GE(a, b) KT_CMP_(a, b, >=, 1)
#define EXPECT_STATUS(a, b) KT_STATUS_(a, b, 0)
#define ASSERT_STATUS(a, b) KT_STATUS_(a, b, 1)
#define EXPECT_OK(a) KT_STATUS_(a, ZX_OK, 0)
#define ASSERT_OK(a) KT_STATUS_(a, ZX_OK, 1)
#define EXPECT_TRUE(x) KT_TRUE_(x, true, 0)
#define EXPECT_FALSE(x) KT_TRUE_(x, false, 0)
#define ASSERT_TRUE(x) KT_TRUE_(x, true, 1)
#define ASSERT_FALSE(x) KT_TRUE_(x, false, 1)
#define ASSERT_NOT_NULL(p) KT_TRUE_((p) != NULL, true, 1)

// Runs stmt expecting the kernel to panic (hal_shutdown(126)); fails the test if it does not.
// The kernel's state afterwards is whatever the panic left: the leak check is skipped.
#define EXPECT_PANIC(stmt)                                                                  \
    do {                                                                                    \
        jmp_buf kt_jb_;                                                                     \
        kt_skip_leak_check();                                                               \
        th_shutdown_jmp = &kt_jb_;                                                          \
        if (setjmp(kt_jb_) == 0) {                                                          \
            stmt;                                                                           \
            th_shutdown_jmp = NULL;                                                         \
            kt_fail(__FILE__, __LINE__, "expected a panic from: %s", #stmt);                \
        } else if (th_last_shutdown_code != 126) {                                          \
            kt_fail(__FILE__, __LINE__, "hal_shutdown(%d), expected a panic (126)",          \
                    th_last_shutdown_code);                                                 \
        }                                                                                   \
    } while (0)

// The running test keeps n pages on purpose (e.g. the warm slab of a cache it made): the final
// check expects that many fewer free pages.
void kt_allow_pages_held(int64_t n);

// ---- what the runner needs of the kernel under test ----
// tests/host/kt_env.c for the whole kernel (kernel/, objects/, syscalls/), tests/host/core/
// kt_core.c for kernel/ alone.
void kt_boot(void);              // the kernel's boot as far as the tests need it (after th_init)
uint64_t kt_live_objects(void);  // live kernel objects (0 without objects/)
void kt_objects_snapshot(void);  // remembers the live objects of each type before a test ...
void kt_objects_report(void);    // ... and prints the types whose count changed since

// ---- leak accounting ----
struct kt_counts {
    uint64_t objects, free_pages, heap_live, aspaces;
};
void kt_counts_get(struct kt_counts *c);
// Fails the test (at file:line) for every count that differs from `before`.
bool kt_counts_check(const struct kt_counts *before, const char *file, int line);
#define EXPECT_NO_LEAKS(before) kt_counts_check((before), __FILE__, __LINE__)

// ---- heap wrappers (tests/host/heap_wrap.c) ----
extern uint64_t kt_heap_live;  // kmalloc/kzalloc/slab_alloc results not yet freed
// Allocation-failure injection: the Nth allocation event from now (0 = the next one) fails;
// events are kmalloc, kzalloc, slab_alloc, pmm_alloc and kernel_alloc_frame calls from
// outside the allocator. -1 turns it off.
void kt_fail_alloc_at(int64_t n);
extern uint64_t kt_alloc_events;   // counted always
extern uint64_t kt_injected_failures;

// ---- the executor ----
// Runs the kernel's executor (sched_run) until it has nothing to run. With advance_time, an
// idle executor with a timer armed moves the clock to the deadline and goes on. Returns the
// number of trips to user mode, or -1 when the step limit was hit (the test is failed).
int kt_run(bool advance_time);

#endif
