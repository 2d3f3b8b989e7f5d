// The clock object's affine map (objects/clock_math.h), far from its reference point.
#include "objects/clock_math.h"
#include "tests/host/ktest.h"

#define HOUR (3600ll * 1000000000ll)

TEST(ClockMath, RateAdjustedMapIsExactFarFromTheReference) {
    // One hour at +10 ppm gains 36 ms; the naive (mono - ref) * (1e6 + ppm) overflows after
    // about 2.5 hours, so 3 hours and 100 days must still come out right.
    EXPECT_EQ(clock_synthetic(0, 0, 10, HOUR), HOUR + 36000000ll);
    EXPECT_EQ(clock_synthetic(5, 0, 10, 3 * HOUR), 5 + 3 * HOUR + 108000000ll);
    EXPECT_EQ(clock_synthetic(0, 0, -1000, 2400 * HOUR), 2400 * HOUR - 2400 * HOUR / 1000);
    EXPECT_EQ(clock_synthetic(100, 40, 0, 1000), 1060);
    // Sub-microsecond remainders: 1,500,000 ns at +1 ppm gains 1.5 ns, truncated to 1.
    EXPECT_EQ(clock_synthetic(0, 0, 1, 1500000), 1500001);
    // Saturates instead of wrapping.
    EXPECT_EQ(clock_synthetic(INT64_MAX - 10, 0, 1000, HOUR), INT64_MAX);
}
