// Ticks and the monotonic clock: the vDSO's zx_ticks_get / zx_ticks_per_second /
// zx_clock_get_monotonic against their via-kernel twins.
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

TEST(TicksTest, Monotonic) {
    zx_ticks_t prev = zx_ticks_get();
    for (int i = 0; i < 2000; i++) {
        zx_ticks_t now = zx_ticks_get();
        ASSERT_GE(now, prev);
        prev = now;
    }
    EXPECT_GT(prev, 0);
}

TEST(TicksTest, PerSecondIsSane) {
    zx_ticks_t tps = zx_ticks_per_second();
    // Between 1 MHz and 100 GHz, and constant.
    EXPECT_GE(tps, 1000000);
    EXPECT_LE(tps, 100000000000ll);
    EXPECT_EQ(zx_ticks_per_second(), tps);
}

TEST(TicksTest, AdvanceWithTime) {
    zx_ticks_t tps = zx_ticks_per_second();
    zx_ticks_t t0 = zx_ticks_get();
    zx_time_t m0 = zx_clock_get_monotonic();
    sleep_ms(20);
    zx_ticks_t t1 = zx_ticks_get();
    zx_time_t m1 = zx_clock_get_monotonic();
    EXPECT_GE(m1 - m0, ZX_MSEC(20));
    // The tick delta, in ns, agrees with the monotonic clock to within 10% (+1 ms).
    int64_t tick_ns = (int64_t)((__int128)(t1 - t0) * ZX_SEC(1) / tps);
    int64_t mono_ns = m1 - m0;
    int64_t diff = tick_ns > mono_ns ? tick_ns - mono_ns : mono_ns - tick_ns;
    EXPECT_LE(diff, mono_ns / 10 + ZX_MSEC(1));
}

TEST(TicksTest, ViaKernelConsistentWithVdso) {
    for (int i = 0; i < 100; i++) {
        zx_ticks_t a = zx_ticks_get();
        zx_ticks_t b = zx_ticks_get_via_kernel();
        zx_ticks_t c = zx_ticks_get();
        ASSERT_LE(a, b);
        ASSERT_LE(b, c);
    }
}

TEST(TicksTest, MonotonicClockViaKernelConsistentWithVdso) {
    for (int i = 0; i < 100; i++) {
        zx_time_t a = zx_clock_get_monotonic();
        zx_time_t b = zx_clock_get_monotonic_via_kernel();
        zx_time_t c = zx_clock_get_monotonic();
        ASSERT_LE(a, b);
        ASSERT_LE(b, c);
    }
}

TEST(TicksTest, DeadlineAfter) {
    zx_time_t before = zx_clock_get_monotonic();
    zx_time_t d = zx_deadline_after(ZX_SEC(1));
    zx_time_t after = zx_clock_get_monotonic();
    EXPECT_GE(d, before + ZX_SEC(1));
    EXPECT_LE(d, after + ZX_SEC(1));
    // Saturates instead of overflowing.
    EXPECT_EQ(zx_deadline_after(ZX_TIME_INFINITE), ZX_TIME_INFINITE);
}

#if defined(ZC_VDSO_IDX_ticks_get_boot) && defined(ZC_VDSO_IDX_clock_get_boot)
// The boot timeline: zc never suspends, so it runs with the monotonic one.
TEST(TicksTest, BootTimeline) {
    zx_ticks_t t0 = zx_ticks_get_boot();
    zx_time_t m0 = zx_clock_get_monotonic();
    zx_time_t b = zx_clock_get_boot();
    zx_time_t m1 = zx_clock_get_monotonic();
    zx_ticks_t t1 = zx_ticks_get_boot();
    EXPECT_LE(t0, t1);
    EXPECT_GE(b, m0);
    EXPECT_LE(b, m1);
    EXPECT_GE(zx_ticks_get(), t1);
}
#endif
