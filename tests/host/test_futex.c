// Futex wait queues (objects/futex.c) without user threads.
#include "objects/futex.h"
#include "tests/host/kt_env.h"

TEST(Futex, MadeOnDemandAndFreedWhenIdle) {
    static int as1, as2;  // stand-ins for address spaces: only compared
    const struct vm_aspace *a = (const void *)&as1, *b = (const void *)&as2;
    EXPECT_EQ((uintptr_t)futex_get(a, 0x1000, false), 0);
    struct futex *f = futex_get(a, 0x1000, true);
    ASSERT_NOT_NULL(f);
    EXPECT_EQ((uintptr_t)futex_get(a, 0x1000, false), (uintptr_t)f);
    EXPECT_EQ((uintptr_t)futex_get(b, 0x1000, false), 0);  // keyed by address space too
    struct futex *g = futex_get(a, 0x1004, true);
    EXPECT_NE((uintptr_t)g, (uintptr_t)f);
    EXPECT_EQ(futex_wake(f, 10, false), 0);
    futex_requeue(f, g, 5);
    futex_put(f);
    futex_put(g);
    EXPECT_EQ((uintptr_t)futex_get(a, 0x1000, false), 0);
}

TEST(Futex, OwnerIsReferencedUntilReleased) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "owner"));
    struct futex *f = futex_get(kp.proc->as, HAL_USER_BASE, true);
    ASSERT_NOT_NULL(f);
    uint32_t refs = kp.thread->obj.refcount;
    futex_set_owner(f, kp.thread);
    EXPECT_EQ(kp.thread->obj.refcount, refs + 1);
    EXPECT_EQ(kp.thread->owned_futexes, 1);
    futex_put(f);  // owned: stays
    EXPECT_EQ((uintptr_t)futex_get(kp.proc->as, HAL_USER_BASE, false), (uintptr_t)f);
    futex_owner_died(kp.thread);
    EXPECT_EQ(kp.thread->owned_futexes, 0);
    EXPECT_EQ(kp.thread->obj.refcount, refs);
    EXPECT_EQ((uintptr_t)futex_get(kp.proc->as, HAL_USER_BASE, false), 0);  // freed with its owner
    kt_proc_destroy(&kp);
}
