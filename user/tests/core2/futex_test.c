// Futexes: zx_futex_wait / wake / requeue, the single-owner variants and zx_futex_get_owner.
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

// A waiter thread: waits on `futex` for `value` (owner `owner`), then records the status.
struct waiter {
    struct tthread t;
    volatile zx_futex_t *futex;
    zx_futex_t value;
    zx_handle_t owner;
    zx_time_t deadline;
    volatile int done;
    volatile int hold;  // stay alive after waking until cleared (a dead owner owns nothing)
    volatile zx_status_t status;
};

static void waiter_fn(void *arg) {
    struct waiter *w = arg;
    w->status = zx_futex_wait((const zx_futex_t *)w->futex, w->value, w->owner, w->deadline);
    __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&w->hold, __ATOMIC_ACQUIRE))
        sleep_ms(1);
}

static zx_status_t waiter_start(struct waiter *w, volatile zx_futex_t *futex, zx_futex_t value) {
    w->futex = futex;
    w->value = value;
    w->owner = ZX_HANDLE_INVALID;
    w->deadline = ZX_TIME_INFINITE;
    w->done = 0;
    w->hold = 0;
    w->status = 1;
    zx_status_t st = tthread_start(&w->t, "futex-waiter", waiter_fn, w);
    if (st != ZX_OK)
        return st;
    return wait_thread_state(w->t.handle, ZX_THREAD_STATE_BLOCKED_FUTEX) ? ZX_OK : ZX_ERR_TIMED_OUT;
}

// How many of the waiters finished; gives woken threads time to run first.
static int count_done(struct waiter *w, int n) {
    sleep_ms(10);
    int done = 0;
    for (int i = 0; i < n; i++)
        done += __atomic_load_n(&w[i].done, __ATOMIC_ACQUIRE);
    return done;
}

static void waiters_end(struct waiter *w, int n, volatile zx_futex_t *futex) {
    zx_futex_wake((const zx_futex_t *)futex, UINT32_MAX);
    for (int i = 0; i < n; i++) {
        __atomic_store_n(&w[i].hold, 0, __ATOMIC_RELEASE);
        tthread_join(&w[i].t);
    }
}

static zx_koid_t owner_of(volatile zx_futex_t *f) {
    zx_koid_t koid = 12345;
    if (zx_futex_get_owner((const zx_futex_t *)f, &koid) != ZX_OK)
        return 12345;
    return koid;
}

// ---- wait ----

TEST(FutexTest, WaitValueMismatch) {
    zx_futex_t f = 5;
    EXPECT_STATUS(zx_futex_wait(&f, 6, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_BAD_STATE);
}

TEST(FutexTest, WaitTimesOut) {
    zx_futex_t f = 0;
    zx_time_t deadline = zx_deadline_after(SHORT_WAIT);
    EXPECT_STATUS(zx_futex_wait(&f, 0, ZX_HANDLE_INVALID, deadline), ZX_ERR_TIMED_OUT);
    EXPECT_GE(zx_clock_get_monotonic(), deadline);
}

TEST(FutexTest, WaitPastDeadline) {
    zx_futex_t f = 0;
    EXPECT_STATUS(zx_futex_wait(&f, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE_PAST), ZX_ERR_TIMED_OUT);
    EXPECT_STATUS(zx_futex_wait(&f, 0, ZX_HANDLE_INVALID, 0), ZX_ERR_TIMED_OUT);
}

TEST(FutexTest, WaitBadPointers) {
    uint64_t storage[2] = {0, 0};
    const zx_futex_t *misaligned = (const zx_futex_t *)((uintptr_t)storage + 1);
    EXPECT_STATUS(zx_futex_wait(misaligned, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wait((const zx_futex_t *)((uintptr_t)storage + 2), 0, ZX_HANDLE_INVALID,
                                ZX_TIME_INFINITE),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wait(NULL, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wait(KERNEL_PTR, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wait(UNMAPPED_PTR, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE),
                  ZX_ERR_INVALID_ARGS);
}

TEST(FutexTest, WakeOneWakesOne) {
    volatile zx_futex_t f = 0;
    struct waiter w[3];
    for (int i = 0; i < 3; i++)
        ASSERT_OK(waiter_start(&w[i], &f, 0));
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f, 1));
    EXPECT_EQ(count_done(w, 3), 1);
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f, 1));
    EXPECT_EQ(count_done(w, 3), 2);
    waiters_end(w, 3, &f);
    for (int i = 0; i < 3; i++)
        EXPECT_OK(w[i].status);
}

TEST(FutexTest, WakeCountWakesThatMany) {
    volatile zx_futex_t f = 0;
    struct waiter w[4];
    for (int i = 0; i < 4; i++)
        ASSERT_OK(waiter_start(&w[i], &f, 0));
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f, 3));
    EXPECT_EQ(count_done(w, 4), 3);
    waiters_end(w, 4, &f);
}

TEST(FutexTest, WakeAll) {
    volatile zx_futex_t f = 0;
    struct waiter w[4];
    for (int i = 0; i < 4; i++)
        ASSERT_OK(waiter_start(&w[i], &f, 0));
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f, UINT32_MAX));
    EXPECT_EQ(count_done(w, 4), 4);
    waiters_end(w, 4, &f);
}

TEST(FutexTest, WakeZeroWakesNone) {
    volatile zx_futex_t f = 0;
    struct waiter w[2];
    for (int i = 0; i < 2; i++)
        ASSERT_OK(waiter_start(&w[i], &f, 0));
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f, 0));
    EXPECT_EQ(count_done(w, 2), 0);
    waiters_end(w, 2, &f);
}

TEST(FutexTest, WakeOtherAddressWakesNone) {
    volatile zx_futex_t f[2] = {0, 0};
    struct waiter w;
    ASSERT_OK(waiter_start(&w, &f[0], 0));
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f[1], UINT32_MAX));
    EXPECT_EQ(count_done(&w, 1), 0);
    waiters_end(&w, 1, &f[0]);
}

// "Waking up zero threads is not an error condition. Passing in an unallocated address for
// value_ptr is not an error condition."
TEST(FutexTest, WakeUnallocatedAddressIsOk) {
    EXPECT_OK(zx_futex_wake(UNMAPPED_PTR, 1));
    zx_futex_t f = 0;
    EXPECT_OK(zx_futex_wake(&f, UINT32_MAX));
}

TEST(FutexTest, WakeMisaligned) {
    uint64_t storage = 0;
    EXPECT_STATUS(zx_futex_wake((const zx_futex_t *)((uintptr_t)&storage + 1), 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_wake_single_owner((const zx_futex_t *)((uintptr_t)&storage + 3)),
                  ZX_ERR_INVALID_ARGS);
}

TEST(FutexTest, WaitedThreadSeesValue) {
    // The classic use: the waker changes the value, then wakes.
    volatile zx_futex_t f = 0;
    struct waiter w;
    ASSERT_OK(waiter_start(&w, &f, 0));
    __atomic_store_n(&f, 1, __ATOMIC_RELEASE);
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f, 1));
    EXPECT_OK(tthread_join(&w.t));
    EXPECT_OK(w.status);
    // Now the value is 1: waiting for 0 fails at once.
    EXPECT_STATUS(zx_futex_wait((const zx_futex_t *)&f, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE),
                  ZX_ERR_BAD_STATE);
}

TEST(FutexTest, KillWaiter) {
    volatile zx_futex_t f = 0;
    struct waiter w;
    ASSERT_OK(waiter_start(&w, &f, 0));
    EXPECT_OK(zx_task_kill(w.t.handle));
    EXPECT_OK(tthread_join(&w.t));
    EXPECT_EQ(w.done, 0);
    // The futex is usable afterwards.
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f, UINT32_MAX));
}

// ---- requeue ----

TEST(FutexTest, RequeueWakesAndMoves) {
    volatile zx_futex_t from = 0, to = 0;
    struct waiter w[4];
    for (int i = 0; i < 4; i++)
        ASSERT_OK(waiter_start(&w[i], &from, 0));
    EXPECT_OK(zx_futex_requeue((const zx_futex_t *)&from, 1, 0, (const zx_futex_t *)&to, 2,
                               ZX_HANDLE_INVALID));
    EXPECT_EQ(count_done(w, 4), 1);
    // Two moved to `to`: waking `to` wakes exactly them.
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&to, UINT32_MAX));
    EXPECT_EQ(count_done(w, 4), 3);
    // One is still on `from`.
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&from, UINT32_MAX));
    EXPECT_EQ(count_done(w, 4), 4);
    waiters_end(w, 4, &from);
}

TEST(FutexTest, RequeueValueMismatch) {
    volatile zx_futex_t from = 3, to = 0;
    struct waiter w;
    ASSERT_OK(waiter_start(&w, &from, 3));
    EXPECT_STATUS(zx_futex_requeue((const zx_futex_t *)&from, 1, 4, (const zx_futex_t *)&to, 1,
                                   ZX_HANDLE_INVALID),
                  ZX_ERR_BAD_STATE);
    EXPECT_EQ(count_done(&w, 1), 0);  // nobody woken, nobody moved
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&to, UINT32_MAX));
    EXPECT_EQ(count_done(&w, 1), 0);
    waiters_end(&w, 1, &from);
}

TEST(FutexTest, RequeueBadArguments) {
    zx_futex_t a = 0, b = 0;
    uint64_t storage = 0;
    const zx_futex_t *mis = (const zx_futex_t *)((uintptr_t)&storage + 1);
    EXPECT_STATUS(zx_futex_requeue(&a, 1, 0, &a, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(mis, 1, 0, &b, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(&a, 1, 0, mis, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(NULL, 1, 0, &b, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(&a, 1, 0, NULL, 1, ZX_HANDLE_INVALID), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(KERNEL_PTR, 1, 0, &b, 1, ZX_HANDLE_INVALID),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(UNMAPPED_PTR, 1, 0, &b, 1, ZX_HANDLE_INVALID),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue_single_owner(&a, 0, &a, 1, ZX_HANDLE_INVALID),
                  ZX_ERR_INVALID_ARGS);
}

// ---- ownership ----

TEST(FutexTest, GetOwnerNone) {
    zx_futex_t f = 0;
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
}

TEST(FutexTest, GetOwnerBadPointers) {
    zx_futex_t f = 0;
    zx_koid_t koid;
    uint64_t storage = 0;
    EXPECT_STATUS(zx_futex_get_owner((const zx_futex_t *)((uintptr_t)&storage + 2), &koid),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(NULL, &koid), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(&f, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(&f, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_get_owner(&f, UNMAPPED_PTR), ZX_ERR_INVALID_ARGS);
}

// A thread to name as owner: a started thread that spins.
static zx_status_t owner_thread(struct rthread *r, volatile uint64_t *counter) {
    return rthread_start(r, asm_count_loop, (uintptr_t)counter, 0);
}

TEST(FutexTest, WaitSetsOwnerWakeClearsIt) {
    volatile zx_futex_t f = 0;
    volatile uint64_t counter = 0;
    struct rthread owner;
    ASSERT_OK(owner_thread(&owner, &counter));
    struct waiter w = {0};
    w.futex = &f;
    w.value = 0;
    w.owner = owner.handle;
    w.deadline = ZX_TIME_INFINITE;
    ASSERT_OK(tthread_start(&w.t, "owned-waiter", waiter_fn, &w));
    EXPECT_TRUE(wait_thread_state(w.t.handle, ZX_THREAD_STATE_BLOCKED_FUTEX));
    EXPECT_EQ(owner_of(&f), handle_koid(owner.handle));
    // "A successful call to zx_futex_wake() results in the owner of the futex being set to
    // nothing, regardless of the wake count."
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f, 0));
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    waiters_end(&w, 1, &f);
    EXPECT_OK(w.status);
    rthread_kill(&owner);
}

TEST(FutexTest, WakeSingleOwnerTransfersOwnership) {
    volatile zx_futex_t f = 0;
    struct waiter w[2];
    for (int i = 0; i < 2; i++) {
        ASSERT_OK(waiter_start(&w[i], &f, 0));
        w[i].hold = 1;  // the new owner must stay alive to stay the owner
    }
    EXPECT_OK(zx_futex_wake_single_owner((const zx_futex_t *)&f));
    EXPECT_EQ(count_done(w, 2), 1);
    zx_koid_t woken = w[0].done ? handle_koid(w[0].t.handle) : handle_koid(w[1].t.handle);
    EXPECT_EQ(owner_of(&f), woken);
    // A plain wake clears it again.
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&f, 1));
    EXPECT_EQ(count_done(w, 2), 2);
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    waiters_end(w, 2, &f);
}

TEST(FutexTest, RequeueSetsRequeueOwner) {
    volatile zx_futex_t from = 0, to = 0;
    volatile uint64_t counter = 0;
    struct rthread owner;
    ASSERT_OK(owner_thread(&owner, &counter));
    struct waiter w[2];
    for (int i = 0; i < 2; i++)
        ASSERT_OK(waiter_start(&w[i], &from, 0));
    EXPECT_OK(zx_futex_requeue((const zx_futex_t *)&from, 0, 0, (const zx_futex_t *)&to, 2,
                               owner.handle));
    EXPECT_EQ(owner_of(&to), handle_koid(owner.handle));
    EXPECT_EQ(owner_of(&from), ZX_KOID_INVALID);
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&to, UINT32_MAX));
    EXPECT_EQ(count_done(w, 2), 2);
    waiters_end(w, 2, &from);
    rthread_kill(&owner);
}

TEST(FutexTest, RequeueSingleOwnerTransfersWakeFutex) {
    volatile zx_futex_t from = 0, to = 0;
    struct waiter w[3];
    for (int i = 0; i < 3; i++) {
        ASSERT_OK(waiter_start(&w[i], &from, 0));
        w[i].hold = 1;
    }
    EXPECT_OK(zx_futex_requeue_single_owner((const zx_futex_t *)&from, 0, (const zx_futex_t *)&to,
                                            1, ZX_HANDLE_INVALID));
    EXPECT_EQ(count_done(w, 3), 1);
    zx_koid_t woken = 0;
    for (int i = 0; i < 3; i++)
        if (w[i].done)
            woken = handle_koid(w[i].t.handle);
    EXPECT_EQ(owner_of(&from), woken);
    EXPECT_EQ(owner_of(&to), ZX_KOID_INVALID);
    EXPECT_OK(zx_futex_wake((const zx_futex_t *)&to, UINT32_MAX));
    EXPECT_EQ(count_done(w, 3), 2);
    waiters_end(w, 3, &from);
    waiters_end(w, 0, &to);
}

TEST(FutexTest, OwnerIsSelfInvalid) {
    zx_futex_t f = 0;
    // The caller would be both owner and waiter ("The owner of a futex may never
    // simultaneously be a waiter for the same futex").
    EXPECT_STATUS(zx_futex_wait(&f, 0, zx_thread_self(), zx_deadline_after(SHORT_WAIT)),
                  ZX_ERR_INVALID_ARGS);
}

TEST(FutexTest, OwnerHandleErrors) {
    zx_futex_t f = 0;
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_futex_wait(&f, 0, BOGUS_HANDLE, zx_deadline_after(SHORT_WAIT)),
                  ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_futex_wait(&f, 0, ev, zx_deadline_after(SHORT_WAIT)), ZX_ERR_WRONG_TYPE);
    zx_futex_t g = 0;
    EXPECT_STATUS(zx_futex_requeue(&f, 0, 0, &g, 0, BOGUS_HANDLE), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_futex_requeue(&f, 0, 0, &g, 0, ev), ZX_ERR_WRONG_TYPE);
    zx_handle_close(ev);
}

// "... if the wait/requeue operation fails because of a mismatch between the expected futex
// value and the actual futex value, ... the status code for the operation will be
// ZX_ERR_BAD_STATE. This error code will be returned regardless of the value passed for handle
// indicating ownership, even if the value passed would have resulted in a status of
// ZX_ERR_BAD_HANDLE being returned."
TEST(FutexTest, ValueMismatchBeatsBadOwnerHandle) {
    zx_futex_t f = 1, g = 0;
    EXPECT_STATUS(zx_futex_wait(&f, 2, BOGUS_HANDLE, ZX_TIME_INFINITE), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_futex_requeue(&f, 0, 2, &g, 0, BOGUS_HANDLE), ZX_ERR_BAD_STATE);
}

// "*new_futex_owner* has not been started yet" is ZX_ERR_INVALID_ARGS.
TEST(FutexTest, UnstartedOwnerInvalid) {
    zx_futex_t f = 0, g = 0;
    zx_handle_t t;
    ASSERT_OK(zx_thread_create(zx_process_self(), "unstarted", 9, 0, &t));
    EXPECT_STATUS(zx_futex_wait(&f, 0, t, zx_deadline_after(SHORT_WAIT)), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_futex_requeue(&f, 0, 0, &g, 0, t), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(owner_of(&g), ZX_KOID_INVALID);
    zx_handle_close(t);
}

// "If a thread exits while it owns a futex, the futex will reset to being owned by no one."
TEST(FutexTest, OwnerExitClearsOwnership) {
    volatile zx_futex_t f = 0;
    volatile uint64_t counter = 0;
    struct rthread owner;
    ASSERT_OK(owner_thread(&owner, &counter));
    struct waiter w = {0};
    w.futex = &f;
    w.owner = owner.handle;
    w.deadline = ZX_TIME_INFINITE;
    ASSERT_OK(tthread_start(&w.t, "owned-waiter", waiter_fn, &w));
    EXPECT_TRUE(wait_thread_state(w.t.handle, ZX_THREAD_STATE_BLOCKED_FUTEX));
    EXPECT_EQ(owner_of(&f), handle_koid(owner.handle));
    zx_handle_t dead = dup_rights(owner.handle, ZX_RIGHT_SAME_RIGHTS);
    rthread_kill(&owner);
    EXPECT_EQ(owner_of(&f), ZX_KOID_INVALID);
    // "If a user attempts assign ownership of a futex to a thread that has exited, the
    // wait/requeue operation will behave as if ZX_HANDLE_INVALID had been passed".
    zx_futex_t g = 0;
    EXPECT_STATUS(zx_futex_wait(&g, 0, dead, zx_deadline_after(SHORT_WAIT)), ZX_ERR_TIMED_OUT);
    EXPECT_EQ(owner_of(&g), ZX_KOID_INVALID);
    zx_handle_close(dead);
    waiters_end(&w, 1, &f);
}

TEST(FutexTest, FailedWaitKeepsOwner) {
    volatile zx_futex_t f = 0;
    volatile uint64_t counter = 0;
    struct rthread owner;
    ASSERT_OK(owner_thread(&owner, &counter));
    struct waiter w = {0};
    w.futex = &f;
    w.owner = owner.handle;
    w.deadline = ZX_TIME_INFINITE;
    ASSERT_OK(tthread_start(&w.t, "owned-waiter", waiter_fn, &w));
    EXPECT_TRUE(wait_thread_state(w.t.handle, ZX_THREAD_STATE_BLOCKED_FUTEX));
    // A mismatching wait changes nothing.
    EXPECT_STATUS(zx_futex_wait((const zx_futex_t *)&f, 9, ZX_HANDLE_INVALID, ZX_TIME_INFINITE),
                  ZX_ERR_BAD_STATE);
    EXPECT_EQ(owner_of(&f), handle_koid(owner.handle));
    waiters_end(&w, 1, &f);
    rthread_kill(&owner);
}
