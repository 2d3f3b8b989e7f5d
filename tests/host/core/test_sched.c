// The executor's timer queue (kernel/sched.c), driven by the test HAL's clock.
#include "kernel/sched.h"
#include "tests/host/ktest.h"

#define MS 1000000ll

static int order[16], norder;
struct ttimer {
    struct timer t;
    int id;
    struct timer *arm_on_fire;  // armed (due now) from inside this one's callback
};
static void record(struct timer *t) {
    struct ttimer *x = (struct ttimer *)t;
    if (norder < 16) order[norder++] = x->id;
    if (x->arm_on_fire) timer_arm(x->arm_on_fire, th_now());
}

static void init(struct ttimer *x, int id) {
    timer_init(&x->t, record);
    x->id = id;
    x->arm_on_fire = NULL;
}

TEST(Timer, FireInDeadlineOrder) {
    norder = 0;
    struct ttimer a, b, c;
    init(&a, 1);
    init(&b, 2);
    init(&c, 3);
    zx_time_t now = th_now();
    timer_arm(&c.t, now + 3 * MS);
    timer_arm(&a.t, now + 1 * MS);
    timer_arm(&b.t, now + 2 * MS);
    EXPECT_TRUE(timer_armed(&a.t));
    EXPECT_EQ(th_timer_deadline(), now + 1 * MS);  // the hardware is set for the earliest
    th_advance(MS / 2);
    EXPECT_EQ(norder, 0);
    th_advance(MS);  // 1.5 ms: the first only
    ASSERT_EQ(norder, 1);
    EXPECT_EQ(order[0], 1);
    EXPECT_FALSE(timer_armed(&a.t));
    EXPECT_EQ(th_timer_deadline(), now + 2 * MS);  // reprogrammed for the next
    th_advance(10 * MS);  // both others in one interrupt
    ASSERT_EQ(norder, 3);
    EXPECT_EQ(order[1], 2);
    EXPECT_EQ(order[2], 3);
    EXPECT_EQ(th_timer_deadline(), ZX_TIME_INFINITE);
}

TEST(Timer, EqualDeadlinesFireInArmingOrder) {
    norder = 0;
    struct ttimer t[5];
    zx_time_t d = th_now() + MS;
    for (int i = 0; i < 5; i++) {
        init(&t[i], i);
        timer_arm(&t[i].t, d);
    }
    th_advance(2 * MS);
    ASSERT_EQ(norder, 5);
    for (int i = 0; i < 5; i++) EXPECT_EQ(order[i], i);
}

TEST(Timer, CancelAndRearm) {
    norder = 0;
    struct ttimer a, b;
    init(&a, 1);
    init(&b, 2);
    zx_time_t now = th_now();
    timer_arm(&a.t, now + MS);
    timer_arm(&b.t, now + 2 * MS);
    timer_cancel(&a.t);
    EXPECT_FALSE(timer_armed(&a.t));
    timer_cancel(&a.t);  // twice is harmless
    timer_arm(&b.t, now + 5 * MS);  // re-arming moves it
    th_advance(3 * MS);
    EXPECT_EQ(norder, 0);
    th_advance(3 * MS);
    ASSERT_EQ(norder, 1);
    EXPECT_EQ(order[0], 2);
}

TEST(Timer, PastDeadlineFiresAtTheNextInterrupt) {
    norder = 0;
    struct ttimer a;
    init(&a, 7);
    timer_arm(&a.t, th_now() - MS);
    EXPECT_LE(th_timer_deadline(), th_now());
    th_advance(0);
    EXPECT_EQ(norder, 1);
}

TEST(Timer, CallbackMayArmADueTimer) {
    norder = 0;
    struct ttimer a, b;
    init(&a, 1);
    init(&b, 2);
    a.arm_on_fire = &b.t;
    timer_arm(&a.t, th_now() + MS);
    th_advance(MS);
    ASSERT_EQ(norder, 2);  // b was due at once: same interrupt
    EXPECT_EQ(order[1], 2);
    EXPECT_FALSE(timer_armed(&b.t));
}
