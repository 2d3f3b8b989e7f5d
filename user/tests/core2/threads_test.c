// Threads: zx_thread_create / zx_thread_start / zx_thread_exit, kill, the RUNNING / SUSPENDED /
// TERMINATED signals and the ZX_INFO_THREAD states (Zircon's "Threads" and "ThreadStateTest").
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>

#include "util.h"
#include "zctest.h"

static void set_flag(void *arg) {
    __atomic_store_n((volatile uint64_t *)arg, 1, __ATOMIC_RELEASE);
}

TEST(Threads, CreateStartJoin) {
    volatile uint64_t flag = 0;
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "worker", set_flag, (void *)&flag));
    EXPECT_EQ(handle_type(t.handle), ZX_OBJ_TYPE_THREAD);
    EXPECT_EQ(handle_rights(t.handle), ZX_DEFAULT_THREAD_RIGHTS);
    EXPECT_EQ(handle_related_koid(t.handle), handle_koid(zx_process_self()));
    EXPECT_OK(tthread_join(&t));
    EXPECT_EQ(flag, 1);
}

static void record_self(void *arg) { *(zx_handle_t *)arg = zx_thread_self(); }

// zx_thread_self() is the calling thread's handle: a started thread's is its own (the one
// tthread_start made), not the main thread's (the SMP benchmarks pin themselves with it).
TEST(Threads, ThreadSelfIsTheCallingThread) {
    zx_handle_t seen[2] = {ZX_HANDLE_INVALID, ZX_HANDLE_INVALID};
    struct tthread t[2];
    ASSERT_OK(tthread_start(&t[0], "self-0", record_self, &seen[0]));
    ASSERT_OK(tthread_start(&t[1], "self-1", record_self, &seen[1]));
    zx_handle_t mine[2] = {t[0].handle, t[1].handle};
    EXPECT_OK(tthread_join(&t[0]));
    EXPECT_OK(tthread_join(&t[1]));
    EXPECT_EQ(seen[0], mine[0]);
    EXPECT_EQ(seen[1], mine[1]);
    EXPECT_NE(seen[0], zx_thread_self());
    EXPECT_EQ(handle_type(zx_thread_self()), ZX_OBJ_TYPE_THREAD);
}

TEST(Threads, NameIsSetAndTruncated) {
    zx_handle_t t;
    const char long_name[] = "thread-name-longer-than-the-thirty-one-character-limit";
    ASSERT_OK(zx_thread_create(zx_process_self(), long_name, sizeof(long_name) - 1, 0, &t));
    char name[ZX_MAX_NAME_LEN];
    ASSERT_OK(zx_object_get_property(t, ZX_PROP_NAME, name, sizeof(name)));
    EXPECT_EQ(strlen(name), ZX_MAX_NAME_LEN - 1);
    EXPECT_EQ(memcmp(name, long_name, ZX_MAX_NAME_LEN - 1), 0);
    zx_handle_close(t);
}

TEST(Threads, CreateErrors) {
    zx_handle_t t, ev;
    EXPECT_STATUS(zx_thread_create(zx_process_self(), "t", 1, 1, &t), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_create(zx_process_self(), KERNEL_PTR, 4, 0, &t), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_create(zx_process_self(), UNMAPPED_PTR, 4, 0, &t), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_create(zx_process_self(), "t", 1, 0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_create(zx_process_self(), "t", 1, 0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_create(BOGUS_HANDLE, "t", 1, 0, &t), ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_thread_create(ev, "t", 1, 0, &t), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_thread_create(zx_job_default(), "t", 1, 0, &t), ZX_ERR_WRONG_TYPE);
    zx_handle_close(ev);
    zx_handle_t weak =
        dup_rights(zx_process_self(), ZX_DEFAULT_PROCESS_RIGHTS & ~ZX_RIGHT_MANAGE_THREAD);
    EXPECT_STATUS(zx_thread_create(weak, "t", 1, 0, &t), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
}

TEST(Threads, StartErrors) {
    zx_handle_t t, ev;
    ASSERT_OK(zx_thread_create(zx_process_self(), "t", 1, 0, &t));
    EXPECT_STATUS(zx_thread_start(BOGUS_HANDLE, (uintptr_t)asm_count_loop, 0, 0, 0),
                  ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_thread_start(ev, (uintptr_t)asm_count_loop, 0, 0, 0), ZX_ERR_WRONG_TYPE);
    zx_handle_close(ev);
    zx_handle_t weak = dup_rights(t, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_MANAGE_THREAD);
    EXPECT_STATUS(zx_thread_start(weak, (uintptr_t)asm_count_loop, 0, 0, 0), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    // "ZX_ERR_INVALID_ARGS *thread_entry* is not a userspace address, is not a canonical
    // address, or is not 0."
    EXPECT_STATUS(zx_thread_start(t, (uintptr_t)KERNEL_PTR, 0, 0, 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_start(t, 0x0000900000000000ull, 0, 0, 0), ZX_ERR_INVALID_ARGS);
    // None of that started it.
    EXPECT_EQ(thread_state(t), ZX_THREAD_STATE_NEW);
    EXPECT_EQ(signals_now(t) & (ZX_THREAD_RUNNING | ZX_THREAD_TERMINATED), 0);
    zx_handle_close(t);
}

TEST(Threads, StartTwiceIsBadState) {
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    EXPECT_STATUS(zx_thread_start(r.handle, (uintptr_t)asm_count_loop, r.stack + 4096,
                                  (uintptr_t)&counter, 0),
                  ZX_ERR_BAD_STATE);
    rthread_kill(&r);
}

TEST(Threads, ArgumentsReachTheThread) {
    volatile uint64_t out = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_store_rsi_loop, (uintptr_t)&out, 0x5eed));
    EXPECT_TRUE(wait_u64(&out, 0x5eed));
    rthread_kill(&r);
}

TEST(Threads, SignalsAcrossLifetime) {
    zx_handle_t t;
    ASSERT_OK(zx_thread_create(zx_process_self(), "t", 1, 0, &t));
    // "Neither of these will be asserted until the thread is started".
    EXPECT_EQ(signals_now(t) & (ZX_THREAD_RUNNING | ZX_THREAD_SUSPENDED | ZX_THREAD_TERMINATED), 0);
    EXPECT_EQ(thread_state(t), ZX_THREAD_STATE_NEW);
    zx_vaddr_t stack;
    zx_handle_t vmo;
    ASSERT_OK(zx_vmo_create(4 * PAGE, 0, &vmo));
    ASSERT_OK(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                          4 * PAGE, &stack));
    zx_handle_close(vmo);
    volatile uint64_t counter = 0;
    ASSERT_OK(zx_thread_start(t, (uintptr_t)asm_count_loop, stack + 4 * PAGE - 16,
                              (uintptr_t)&counter, 0));
    EXPECT_TRUE(wait_u64_change(&counter, 0));
    EXPECT_EQ(signals_now(t) & (ZX_THREAD_RUNNING | ZX_THREAD_TERMINATED), ZX_THREAD_RUNNING);
    EXPECT_EQ(thread_state(t), ZX_THREAD_STATE_RUNNING);
    ASSERT_OK(zx_task_kill(t));
    EXPECT_TRUE(wait_signals(t, ZX_THREAD_TERMINATED));
    EXPECT_EQ(signals_now(t) & ZX_THREAD_RUNNING, 0);
    EXPECT_EQ(thread_state(t), ZX_THREAD_STATE_DEAD);
    // A dead thread can be killed again, but not started.
    EXPECT_OK(zx_task_kill(t));
    EXPECT_STATUS(zx_thread_start(t, (uintptr_t)asm_count_loop, stack + PAGE, 0, 0),
                  ZX_ERR_BAD_STATE);
    zx_handle_close(t);
    zx_vmar_unmap(zx_vmar_root_self(), stack, 4 * PAGE);
}

TEST(Threads, ExitEndsOnlyTheThread) {
    volatile uint64_t flag = 0;
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "exiter", set_flag, (void *)&flag));
    EXPECT_OK(tthread_join(&t));
    EXPECT_EQ(flag, 1);
    // Still here: zx_thread_exit of a secondary thread does not end the process.
    EXPECT_EQ(signals_now(zx_process_self()) & ZX_PROCESS_TERMINATED, 0);
}

static void block_on_event(void *arg) {
    zx_signals_t observed;
    zx_object_wait_one(*(zx_handle_t *)arg, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE, &observed);
}

TEST(Threads, KillBlockedThread) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "blocked", block_on_event, &ev));
    EXPECT_TRUE(wait_thread_state(t.handle, ZX_THREAD_STATE_BLOCKED_WAIT_ONE));
    EXPECT_OK(zx_task_kill(t.handle));
    EXPECT_TRUE(wait_signals(t.handle, ZX_THREAD_TERMINATED));
    EXPECT_OK(tthread_join(&t));
    zx_handle_close(ev);
}

TEST(Threads, KillNeedsDestroyRight) {
    volatile uint64_t counter = 0;
    struct rthread r;
    ASSERT_OK(rthread_start(&r, asm_count_loop, (uintptr_t)&counter, 0));
    zx_handle_t weak = dup_rights(r.handle, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_DESTROY);
    EXPECT_STATUS(zx_task_kill(weak), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    rthread_kill(&r);
}

TEST(Threads, ProcessThreadsListsThem) {
    volatile uint64_t c1 = 0, c2 = 0;
    struct rthread a, b;
    ASSERT_OK(rthread_start(&a, asm_count_loop, (uintptr_t)&c1, 0));
    ASSERT_OK(rthread_start(&b, asm_count_loop, (uintptr_t)&c2, 0));
    zx_koid_t koids[64];
    size_t actual = 0, avail = 0;
    EXPECT_OK(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_THREADS, koids, sizeof(koids),
                                 &actual, &avail));
    int found = 0;
    for (size_t i = 0; i < actual; i++)
        if (koids[i] == handle_koid(a.handle) || koids[i] == handle_koid(b.handle))
            found++;
    EXPECT_EQ(found, 2);
    EXPECT_GE(avail, 3);  // us too
    rthread_kill(&a);
    rthread_kill(&b);
}

TEST(Threads, ThreadOfAnotherProcess) {
    // Threads are created in any process we hold MANAGE_THREAD on; a mini process gets a
    // second thread running the same code.
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    zx_handle_t t2;
    ASSERT_OK(zx_thread_create(m.proc, "second", 6, 0, &t2));
    EXPECT_EQ(handle_related_koid(t2), handle_koid(m.proc));
    EXPECT_OK(zx_thread_start(t2, m.code_addr, m.data_addr + 256, 0, 0));
    EXPECT_TRUE(wait_signals(t2, ZX_THREAD_RUNNING));
    zx_task_kill(m.proc);
    EXPECT_TRUE(wait_signals(t2, ZX_THREAD_TERMINATED));
    zx_handle_close(t2);
    mini_destroy(&m);
}

TEST(Threads, KillingLastThreadEndsProcess) {
    struct mini m;
    ASSERT_OK(mini_run(&m, ZX_HANDLE_INVALID, MINI_SPIN, sizeof(MINI_SPIN)));
    EXPECT_OK(zx_task_kill(m.thread));
    EXPECT_TRUE(wait_signals(m.thread, ZX_THREAD_TERMINATED));
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    mini_destroy(&m);
}

// ---- ZX_INFO_THREAD while blocked (Zircon's ThreadStateTest) ----

struct blocker {
    zx_handle_t h;
    volatile zx_futex_t futex;
};

static void wait_one_fn(void *arg) {
    struct blocker *b = arg;
    zx_signals_t observed;
    zx_object_wait_one(b->h, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE, &observed);
}

static void wait_many_fn(void *arg) {
    struct blocker *b = arg;
    zx_wait_item_t items[2] = {{.handle = b->h, .waitfor = ZX_USER_SIGNAL_0},
                               {.handle = b->h, .waitfor = ZX_USER_SIGNAL_1}};
    zx_object_wait_many(items, 2, ZX_TIME_INFINITE);
}

static void futex_fn(void *arg) {
    struct blocker *b = arg;
    zx_futex_wait((zx_futex_t *)&b->futex, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
}

static void sleep_fn(void *arg) {
    (void)arg;
    zx_nanosleep(zx_deadline_after(ZX_SEC(30)));
}

static void port_fn(void *arg) {
    struct blocker *b = arg;
    zx_port_packet_t pkt;
    zx_port_wait(b->h, ZX_TIME_INFINITE, &pkt);
}

static void call_fn(void *arg) {
    struct blocker *b = arg;
    uint8_t wbuf[8] = {0}, rbuf[8];
    zx_channel_call_args_t args = {.wr_bytes = wbuf,
                                   .wr_num_bytes = sizeof(wbuf),
                                   .rd_bytes = rbuf,
                                   .rd_num_bytes = sizeof(rbuf)};
    uint32_t ab, ah;
    zx_channel_call(b->h, 0, ZX_TIME_INFINITE, &args, &ab, &ah);
}

static void check_blocked_state(void (*fn)(void *), zx_handle_t h, uint32_t want) {
    struct blocker b = {.h = h, .futex = 0};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "blocker", fn, &b));
    EXPECT_TRUE(wait_thread_state(t.handle, want));
    EXPECT_EQ(thread_state(t.handle), want);
    EXPECT_EQ(signals_now(t.handle) & (ZX_THREAD_RUNNING | ZX_THREAD_SUSPENDED), ZX_THREAD_RUNNING);
    tthread_kill(&t);
}

TEST(ThreadStateTest, BlockedWaitOne) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    check_blocked_state(wait_one_fn, ev, ZX_THREAD_STATE_BLOCKED_WAIT_ONE);
    zx_handle_close(ev);
}

TEST(ThreadStateTest, BlockedWaitMany) {
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    check_blocked_state(wait_many_fn, ev, ZX_THREAD_STATE_BLOCKED_WAIT_MANY);
    zx_handle_close(ev);
}

TEST(ThreadStateTest, BlockedFutex) {
    check_blocked_state(futex_fn, ZX_HANDLE_INVALID, ZX_THREAD_STATE_BLOCKED_FUTEX);
}

TEST(ThreadStateTest, BlockedSleeping) {
    check_blocked_state(sleep_fn, ZX_HANDLE_INVALID, ZX_THREAD_STATE_BLOCKED_SLEEPING);
}

TEST(ThreadStateTest, BlockedPort) {
    zx_handle_t port;
    ASSERT_OK(zx_port_create(0, &port));
    check_blocked_state(port_fn, port, ZX_THREAD_STATE_BLOCKED_PORT);
    zx_handle_close(port);
}

TEST(ThreadStateTest, BlockedChannel) {
    zx_handle_t a, b;
    ASSERT_OK(zx_channel_create(0, &a, &b));
    check_blocked_state(call_fn, a, ZX_THREAD_STATE_BLOCKED_CHANNEL);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(ThreadStateTest, InfoWrongTypeAndRights) {
    zx_info_thread_t info;
    EXPECT_STATUS(
        zx_object_get_info(zx_process_self(), ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL),
        ZX_ERR_WRONG_TYPE);
    zx_handle_t weak = dup_rights(zx_thread_self(), ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_INSPECT);
    EXPECT_STATUS(zx_object_get_info(weak, ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    EXPECT_OK(
        zx_object_get_info(zx_thread_self(), ZX_INFO_THREAD, &info, sizeof(info), NULL, NULL));
    EXPECT_EQ(info.state, ZX_THREAD_STATE_RUNNING);
}

// ---- the exit-and-release calls of the vDSO (when it has them) ----

#if defined(ZC_VDSO_IDX_futex_wake_handle_close_thread_exit)
struct joinable {
    volatile zx_futex_t go;    // set once `self` is filled in
    volatile zx_futex_t done;  // written by the exiting thread
    zx_handle_t self;          // a duplicate of the thread's handle, closed by the thread
};

static void exit_via_futex(void *arg) {
    struct joinable *j = arg;
    while (!__atomic_load_n(&j->go, __ATOMIC_ACQUIRE))
        zx_futex_wait((const zx_futex_t *)&j->go, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    zx_futex_wake_handle_close_thread_exit((const zx_futex_t *)&j->done, 1, 7, j->self);
}

// "does a sequence of four operations: store new_value, zx_futex_wake, zx_handle_close,
// zx_thread_exit"
TEST(Threads, FutexWakeHandleCloseThreadExit) {
    struct joinable j = {.go = 0, .done = 0, .self = ZX_HANDLE_INVALID};
    struct tthread t;
    ASSERT_OK(tthread_start(&t, "joinable", exit_via_futex, &j));
    j.self = dup_rights(t.handle, ZX_RIGHT_SAME_RIGHTS);
    ASSERT_NE(j.self, ZX_HANDLE_INVALID);
    __atomic_store_n(&j.go, 1, __ATOMIC_RELEASE);
    zx_futex_wake((const zx_futex_t *)&j.go, 1);
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (__atomic_load_n(&j.done, __ATOMIC_ACQUIRE) == 0 && zx_clock_get_monotonic() < give_up)
        zx_futex_wait((const zx_futex_t *)&j.done, 0, ZX_HANDLE_INVALID,
                      zx_deadline_after(ZX_MSEC(50)));
    EXPECT_EQ(j.done, 7);
    EXPECT_TRUE(wait_signals(t.handle, ZX_THREAD_TERMINATED));
    EXPECT_FALSE(handle_valid(j.self));  // closed by the thread
    EXPECT_OK(tthread_join(&t));
}
#endif

#if defined(ZC_VDSO_IDX_vmar_unmap_handle_close_thread_exit)
struct detached {
    volatile zx_futex_t go;
    zx_vaddr_t stack;
    size_t stack_size;
    zx_handle_t self;
    volatile zx_status_t failed;  // the status when the unmap fails (the call returns then)
};

static _Noreturn void detached_entry(uintptr_t arg1, uintptr_t arg2) {
    (void)arg2;
    struct detached *d = (struct detached *)arg1;
    while (!__atomic_load_n(&d->go, __ATOMIC_ACQUIRE))
        zx_futex_wait((const zx_futex_t *)&d->go, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
    zx_status_t st = zx_vmar_unmap_handle_close_thread_exit(zx_vmar_root_self(), d->stack,
                                                            d->stack_size, d->self);
    d->failed = st;
    zx_thread_exit();
}

static zx_status_t start_detached(struct detached *d, zx_handle_t *thread) {
    zx_handle_t vmo;
    d->stack_size = 4 * PAGE;
    zx_status_t st = zx_vmo_create(d->stack_size, 0, &vmo);
    if (st != ZX_OK)
        return st;
    st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                     d->stack_size, &d->stack);
    zx_handle_close(vmo);
    if (st != ZX_OK)
        return st;
    st = zx_thread_create(zx_process_self(), "detached", 8, 0, thread);
    if (st != ZX_OK)
        return st;
    return zx_thread_start(*thread, (uintptr_t)detached_entry, d->stack + d->stack_size - 8,
                           (uintptr_t)d, 0);
}

// A detached thread unmaps its own stack, closes its own handle and exits.
TEST(Threads, VmarUnmapHandleCloseThreadExit) {
    struct detached d = {.go = 0, .failed = 1};
    zx_handle_t thread;
    ASSERT_OK(start_detached(&d, &thread));
    d.self = dup_rights(thread, ZX_RIGHT_SAME_RIGHTS);
    __atomic_store_n(&d.go, 1, __ATOMIC_RELEASE);
    zx_futex_wake((const zx_futex_t *)&d.go, 1);
    EXPECT_TRUE(wait_signals(thread, ZX_THREAD_TERMINATED));
    EXPECT_EQ(d.failed, 1);  // it never returned
    EXPECT_FALSE(handle_valid(d.self));
    // The stack is gone.
    uint8_t b;
    size_t actual;
    EXPECT_STATUS(zx_process_read_memory(zx_process_self(), d.stack, &b, 1, &actual),
                  ZX_ERR_NO_MEMORY);
    zx_handle_close(thread);
}

// "If the zx_vmar_unmap() operation is successful, then this call never returns." - and when
// it fails it returns its error ("Same as zx_vmar_unmap()"): an unaligned address.
TEST(Threads, VmarUnmapHandleCloseThreadExitFailureReturns) {
    struct detached d = {.go = 0, .failed = 1};
    zx_handle_t thread;
    ASSERT_OK(start_detached(&d, &thread));
    d.self = dup_rights(thread, ZX_RIGHT_SAME_RIGHTS);
    zx_vaddr_t real_stack = d.stack;
    d.stack += 1;  // unaligned: ZX_ERR_INVALID_ARGS from the unmap
    __atomic_store_n(&d.go, 1, __ATOMIC_RELEASE);
    zx_futex_wake((const zx_futex_t *)&d.go, 1);
    EXPECT_TRUE(wait_signals(thread, ZX_THREAD_TERMINATED));
    EXPECT_EQ(d.failed, ZX_ERR_INVALID_ARGS);
    EXPECT_TRUE(handle_valid(d.self));  // nothing was closed
    zx_handle_close(d.self);
    zx_handle_close(thread);
    zx_vmar_unmap(zx_vmar_root_self(), real_stack, d.stack_size);
}
#endif

#if defined(ZX_SYS_thread_legacy_yield)
TEST(Threads, LegacyYield) {
    EXPECT_OK(zx_thread_legacy_yield(0));
    // "options must be zero".
    EXPECT_STATUS(zx_thread_legacy_yield(1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_legacy_yield(UINT32_MAX), ZX_ERR_INVALID_ARGS);
}
#endif
