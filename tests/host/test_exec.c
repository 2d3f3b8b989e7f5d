// The executor end to end: scripted user threads make syscalls (syscalls/ over objects/), block,
// time out, get cancelled and killed; the test HAL plays the machine.
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/port.h>

#include "kernel/heap.h"
#include "objects/channel.h"
#include "objects/port.h"
#include "objects/event.h"
#include "syscalls/numbers.h"
#include "tests/host/kt_env.h"
#include "tests/host/kt_vm.h"

#define MS 1000000ll
#define PAGE HAL_PAGE_SIZE

// ---- programs ----

static void run_calls(struct th_prog *p, struct hal_uctx *u) { th_calls_step(p, u); }

// Starts kp with a fixed list of calls followed by zx_thread_exit.
static zx_status_t start_calls(struct kt_proc *kp, struct th_calls *c, const struct th_call *calls, int n) {
    c->calls = calls;
    c->n = n;
    c->exit_num = ZX_SYS_thread_exit;
    return kt_proc_start(kp, run_calls, c);
}

TEST(Exec, SyscallsReturnTheirResults) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "sums"));
    const struct th_call calls[] = {
        {ZX_SYS_syscall_test_0, {0}},
        {ZX_SYS_syscall_test_2, {40, 2}},
        {ZX_SYS_syscall_test_8, {1, 2, 3, 4, 5, 6, 7, 8}},
        {ZX_SYS_syscall_test_3, {(uint64_t)-5, 0xffffffff00000002ull, 1}},  // 32-bit arguments
        {ZX_SYS_COUNT, {0}},
        {12345, {0}},
    };
    struct th_calls c;
    ASSERT_OK(start_calls(&kp, &c, calls, 6));
    // Six calls and the exit; the test HAL runs every other call on the fast path, inside one
    // trip to user mode (testhal.c: take_fast_path).
    EXPECT_GE(kt_run(false), 4);
    EXPECT_EQ(kp.prog.ret[0], 0);
    EXPECT_EQ(kp.prog.ret[1], 42);
    EXPECT_EQ(kp.prog.ret[2], 36);
    EXPECT_EQ(kp.prog.ret[3], -2);
    EXPECT_STATUS(kp.prog.ret[4], ZX_ERR_BAD_SYSCALL);
    EXPECT_STATUS(kp.prog.ret[5], ZX_ERR_BAD_SYSCALL);
    // The last thread exited: the process is over, with return code 0.
    EXPECT_EQ(kp.thread->task.state, TASK_DEAD);
    EXPECT_EQ(kp.proc->state, PROC_DEAD);
    EXPECT_EQ(kp.proc->return_code, 0);
    EXPECT_TRUE(kp.proc->obj.signals & ZX_TASK_TERMINATED);
    EXPECT_TRUE(kp.thread->obj.signals & ZX_THREAD_TERMINATED);
    kt_proc_destroy(&kp);
}

TEST(Exec, ProcessExitCode) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "exit"));
    const struct th_call calls[] = {{ZX_SYS_process_exit, {42}}, {ZX_SYS_syscall_test_0, {0}}};
    struct th_calls c;
    ASSERT_OK(start_calls(&kp, &c, calls, 2));
    kt_run(false);
    EXPECT_EQ(kp.proc->state, PROC_DEAD);
    EXPECT_EQ(kp.proc->return_code, 42);
    EXPECT_FALSE(kp.prog.returned[1]);  // nothing ran after the exit
    EXPECT_EQ(kp.prog.n, 1);
    kt_proc_destroy(&kp);
}

static void syscall_from_elsewhere(struct th_prog *p, struct hal_uctx *u) {
    th_sys_at(u, HAL_USER_BASE + 0x1000, ZX_SYS_syscall_test_0, (uint64_t[8]){0});
}

TEST(Exec, SyscallFromOutsideTheVdsoKills) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "rogue"));
    ASSERT_OK(kt_proc_start(&kp, syscall_from_elsewhere, NULL));
    kt_run(false);
    EXPECT_EQ(kp.proc->state, PROC_DEAD);
    EXPECT_EQ(kp.proc->return_code, ZX_TASK_RETCODE_VDSO_KILL);
    EXPECT_FALSE(kp.prog.returned[0]);
    EXPECT_TRUE(th_console_contains("outside the vDSO"));
    kt_proc_destroy(&kp);
}

struct fault_ctx {
    uintptr_t addr;
    uint32_t flags;
};
static void fault_then_call(struct th_prog *p, struct hal_uctx *u) {
    struct fault_ctx *f = p->ctx;
    if (p->n == 0) th_fault(u, f->addr, f->flags);
    else if (p->n == 1) TH_SYS(u, ZX_SYS_syscall_test_1, 7);
    else TH_SYS(u, ZX_SYS_thread_exit, 0);
}

TEST(Exec, UnresolvableFaultKills) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "segv"));
    struct fault_ctx f = {HAL_USER_BASE + 0x5000, HAL_FAULT_WRITE};
    ASSERT_OK(kt_proc_start(&kp, fault_then_call, &f));
    kt_run(false);
    EXPECT_EQ(kp.proc->return_code, ZX_TASK_RETCODE_EXCEPTION_KILL);
    EXPECT_FALSE(kp.prog.returned[1]);
    EXPECT_TRUE(th_console_contains("page fault (write, not present)"));
    kt_proc_destroy(&kp);
}

TEST(Exec, FaultInAMappingIsResolved) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "fault"));
    struct vmo *v;
    ASSERT_OK(vmo_create(4 * PAGE, 0, &v));
    uintptr_t a = kt_map(kp.proc->as, v, 0);
    struct fault_ctx f = {a + 2 * PAGE + 8, HAL_FAULT_WRITE};
    ASSERT_OK(kt_proc_start(&kp, fault_then_call, &f));
    kt_run(false);
    EXPECT_TRUE(kp.prog.returned[1]);
    EXPECT_EQ(kp.prog.ret[1], 7);
    EXPECT_EQ(kp.proc->return_code, 0);
    EXPECT_EQ(vmo_committed_bytes(v), PAGE);
    kobj_unref(&v->obj);
    kt_proc_destroy(&kp);
}

// A thread with no program at all: entering user mode raises an exception.
TEST(Exec, ExceptionKills) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "ud2"));
    ASSERT_OK(thread_start(kp.thread, HAL_USER_BASE, 0, 0, 0));
    kt_run(false);
    EXPECT_EQ(kp.proc->return_code, ZX_TASK_RETCODE_EXCEPTION_KILL);
    EXPECT_TRUE(th_console_contains("no test program"));
    kt_proc_destroy(&kp);
}

// ---- channels through syscalls ----

struct chan_ctx {
    uintptr_t out;    // user: two handles from channel_create, then the read's outputs
    uintptr_t bytes;  // user: the message
    uintptr_t hs;     // user: handles to send
    uintptr_t rbytes, rhs, ab, ah;
    zx_handle_t ev;   // an event handle of the process
};
static void chan_prog(struct th_prog *p, struct hal_uctx *u) {
    struct chan_ctx *c = p->ctx;
    zx_handle_t *h = th_user_host(c->out);
    switch (p->n) {
    case 0: TH_SYS(u, ZX_SYS_channel_create, 0, c->out, c->out + 4); break;
    case 1:
        *(zx_handle_t *)th_user_host(c->hs) = c->ev;
        TH_SYS(u, ZX_SYS_channel_write, h[0], 0, c->bytes, 6, c->hs, 1);
        break;
    case 2: TH_SYS(u, ZX_SYS_channel_read, h[1], 0, c->rbytes, c->rhs, 2, 1, c->ab, c->ah); break;  // too small
    case 3: TH_SYS(u, ZX_SYS_channel_read, h[1], 0, c->rbytes, c->rhs, 64, 4, c->ab, c->ah); break;
    case 4: TH_SYS(u, ZX_SYS_channel_read, h[1], 0, c->rbytes, c->rhs, 64, 4, c->ab, c->ah); break;  // empty
    case 5: TH_SYS(u, ZX_SYS_handle_close, h[0]); break;
    case 6: TH_SYS(u, ZX_SYS_channel_read, h[1], 0, c->rbytes, c->rhs, 64, 4, c->ab, c->ah); break;
    case 7: TH_SYS(u, ZX_SYS_channel_write, h[1], 0, c->bytes, 6, 0, 0); break;
    case 8: TH_SYS(u, ZX_SYS_nanosleep, (uint64_t)ZX_TIME_INFINITE); break;  // stay for inspection
    default: break;  // the program ends: the process is killed with its handles
    }
}

// The same program through each of the kernel's entries (testhal.h: th_entry); the direct one
// (channel_write and channel_read) handles the common cases itself and hands the others (too
// small, empty, peer closed) to the general path, with the same results.
static void chan_round_trip(int entry) {
    th_entry = entry;
    uint64_t direct_before = th_direct_calls;
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "chan"));
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct chan_ctx c = {.out = th_user_alloc(8), .bytes = th_user_alloc(8), .hs = th_user_alloc(4),
                         .rbytes = th_user_alloc(64), .rhs = th_user_alloc(16), .ab = th_user_alloc(4),
                         .ah = th_user_alloc(4)};
    memcpy(th_user_host(c.bytes), "hello", 6);
    c.ev = kt_proc_handle(&kp, e, ZX_DEFAULT_EVENT_RIGHTS);
    ASSERT_OK(kt_proc_start(&kp, chan_prog, &c));
    kt_run(false);
    EXPECT_OK(kp.prog.ret[0]);
    EXPECT_OK(kp.prog.ret[1]);
    EXPECT_STATUS(kp.prog.ret[2], ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_OK(kp.prog.ret[3]);
    EXPECT_EQ(*(uint32_t *)th_user_host(c.ab), 6);
    EXPECT_EQ(*(uint32_t *)th_user_host(c.ah), 1);
    EXPECT_EQ(strcmp(th_user_host(c.rbytes), "hello"), 0);
    // The event moved: the old value is gone, the new one names it.
    zx_handle_t moved = *(zx_handle_t *)th_user_host(c.rhs);
    struct kobj *got;
    EXPECT_STATUS(handle_get(&kp.proc->handles, c.ev, 0, 0, &got, NULL), ZX_ERR_BAD_HANDLE);
    if (handle_get(&kp.proc->handles, moved, ZX_OBJ_TYPE_EVENT, 0, &got, NULL) == ZX_OK) {
        EXPECT_EQ((uintptr_t)got, (uintptr_t)e);
        kobj_unref(got);
    } else {
        kt_fail(__FILE__, __LINE__, "the received handle does not work");
    }
    EXPECT_EQ(e->handle_count, 1);
    EXPECT_STATUS(kp.prog.ret[4], ZX_ERR_SHOULD_WAIT);
    EXPECT_OK(kp.prog.ret[5]);
    EXPECT_STATUS(kp.prog.ret[6], ZX_ERR_PEER_CLOSED);
    EXPECT_STATUS(kp.prog.ret[7], ZX_ERR_PEER_CLOSED);
    EXPECT_EQ(kp.thread->task.state, TASK_BLOCKED);
    kt_proc_destroy(&kp);
    EXPECT_EQ(e->handle_count, 0);  // the dead process's table let go of it
    kobj_unref(e);
    if (entry == TH_ENTRY_DIRECT) EXPECT_EQ(th_direct_calls - direct_before, 6);  // every write and read
    if (entry == TH_ENTRY_SLOW || entry == TH_ENTRY_FAST) EXPECT_EQ(th_direct_calls, direct_before);
    th_entry = TH_ENTRY_MIXED;
}

TEST(Exec, ChannelRoundTripWithAHandle) { chan_round_trip(TH_ENTRY_MIXED); }
TEST(Exec, ChannelRoundTripSlowEntry) { chan_round_trip(TH_ENTRY_SLOW); }
TEST(Exec, ChannelRoundTripFastEntry) { chan_round_trip(TH_ENTRY_FAST); }
TEST(Exec, ChannelRoundTripDirectEntry) { chan_round_trip(TH_ENTRY_DIRECT); }

struct bad_ctx {
    uintptr_t out, hs;
    zx_handle_t e1, e2;
};
static void bad_write_prog(struct th_prog *p, struct hal_uctx *u) {
    struct bad_ctx *c = p->ctx;
    zx_handle_t *h = th_user_host(c->out), *hs = th_user_host(c->hs);
    switch (p->n) {
    case 0: TH_SYS(u, ZX_SYS_channel_create, 0, c->out, c->out + 4); break;
    case 1:  // a good handle, a bad one, another good one: all consumed, nothing sent
        hs[0] = c->e1;
        hs[1] = 0x12345677;
        hs[2] = c->e2;
        TH_SYS(u, ZX_SYS_channel_write, h[0], 0, 0, 0, c->hs, 3);
        break;
    case 2:  // the channel itself
        hs[0] = h[0];
        TH_SYS(u, ZX_SYS_channel_write, h[0], 0, 0, 0, c->hs, 1);
        break;
    case 3: TH_SYS(u, ZX_SYS_handle_close, h[0]); break;
    case 4: TH_SYS(u, ZX_SYS_handle_close, h[1]); break;
    case 5: TH_SYS(u, ZX_SYS_thread_exit, 0); break;
    }
}

static void bad_write(int entry) {
    th_entry = entry;
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "badwrite"));
    struct kobj *e1, *e2;
    ASSERT_OK(event_create(&e1));
    ASSERT_OK(event_create(&e2));
    struct bad_ctx c = {.out = th_user_alloc(8), .hs = th_user_alloc(16)};
    c.e1 = kt_proc_handle(&kp, e1, ZX_DEFAULT_EVENT_RIGHTS);
    c.e2 = kt_proc_handle(&kp, e2, ZX_DEFAULT_EVENT_RIGHTS);
    ASSERT_OK(kt_proc_start(&kp, bad_write_prog, &c));
    kt_run(false);
    EXPECT_STATUS(kp.prog.ret[1], ZX_ERR_BAD_HANDLE);
    EXPECT_EQ(e1->handle_count, 0);
    EXPECT_EQ(e2->handle_count, 0);
    EXPECT_EQ(e1->refcount, 1);  // only ours: the message was freed
    EXPECT_STATUS(kp.prog.ret[2], ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(kp.prog.ret[3], ZX_ERR_BAD_HANDLE);  // consumed by the failed write
    EXPECT_OK(kp.prog.ret[4]);
    EXPECT_EQ(kp.proc->handles.count, 0);
    kobj_unref(e1);
    kobj_unref(e2);
    kt_proc_destroy(&kp);
    th_entry = TH_ENTRY_MIXED;
}

TEST(Exec, ChannelWriteConsumesHandlesOnFailure) { bad_write(TH_ENTRY_MIXED); }
TEST(Exec, ChannelWriteConsumesHandlesOnFailureDirectEntry) { bad_write(TH_ENTRY_DIRECT); }

// ---- user copies ----

struct copy_ctx {
    zx_handle_t vmo;
    uintptr_t dst;
};
static void copy_prog(struct th_prog *p, struct hal_uctx *u) {
    struct copy_ctx *c = p->ctx;
    switch (p->n) {
    case 0: TH_SYS(u, ZX_SYS_vmo_read, c->vmo, c->dst, 0, 3 * PAGE); break;            // into a mapping
    case 1: TH_SYS(u, ZX_SYS_vmo_read, c->vmo, HAL_USER_BASE + (1ull << 40), 0, 8); break;  // nothing there
    case 2: TH_SYS(u, ZX_SYS_vmo_read, c->vmo, 0xffff800000001000ull, 0, 8); break;  // the kernel half
    case 3: TH_SYS(u, ZX_SYS_vmo_read, c->vmo, HAL_USER_END - 4, 0, 8); break;       // straddles the end
    case 4: TH_SYS(u, ZX_SYS_vmo_write, c->vmo, c->dst + PAGE, 0, 16); break;         // from the mapping
    case 5: TH_SYS(u, ZX_SYS_thread_exit, 0); break;
    }
}

// Copies to user memory fault page by page; the kernel resolves each fault through the VMAR
// (committing the destination VMO's pages) and retries.
TEST(Exec, UserCopiesResolveFaultsThroughMappings) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "copy"));
    struct vmo *src, *dst;
    ASSERT_OK(vmo_create(3 * PAGE, 0, &src));
    ASSERT_OK(vmo_create(4 * PAGE, 0, &dst));
    static uint8_t data[3 * PAGE];
    for (size_t i = 0; i < sizeof(data); i++) data[i] = (uint8_t)(i * 7);
    ASSERT_OK(vmo_write_kernel(src, 0, data, sizeof(data)));
    struct copy_ctx c;
    c.vmo = kt_proc_handle(&kp, &src->obj, ZX_DEFAULT_VMO_RIGHTS);
    c.dst = kt_map(kp.proc->as, dst, 0) + 100;  // unaligned: four pages touched
    uint64_t faults = th_user_faults;
    ASSERT_OK(kt_proc_start(&kp, copy_prog, &c));
    kt_run(false);
    EXPECT_OK(kp.prog.ret[0]);
    EXPECT_EQ(vmo_committed_bytes(dst), 4 * PAGE);
    EXPECT_GE(th_user_faults - faults, 4);
    static uint8_t out[3 * PAGE];
    ASSERT_OK(vmo_read_kernel(dst, 100, out, sizeof(out)));
    EXPECT_EQ(memcmp(out, data, sizeof(data)), 0);
    EXPECT_STATUS(kp.prog.ret[1], ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(kp.prog.ret[2], ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(kp.prog.ret[3], ZX_ERR_INVALID_ARGS);
    EXPECT_OK(kp.prog.ret[4]);
    uint8_t b[16];
    ASSERT_OK(vmo_read_kernel(src, 0, b, 16));
    EXPECT_EQ(memcmp(b, data + PAGE, 16), 0);
    EXPECT_VM_COHERENT(kp.proc->as);
    kobj_unref(&src->obj);
    kobj_unref(&dst->obj);
    kt_proc_destroy(&kp);
}

static void ro_copy_prog(struct th_prog *p, struct hal_uctx *u) {
    struct copy_ctx *c = p->ctx;
    if (p->n == 0) TH_SYS(u, ZX_SYS_vmo_read, c->vmo, c->dst, 0, 8);
    else if (p->n == 1) TH_SYS(u, ZX_SYS_thread_exit, 0);
}

TEST(Exec, UserCopyIntoReadOnlyMemoryFails) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "rocopy"));
    struct vmo *src, *dst;
    ASSERT_OK(vmo_create(PAGE, 0, &src));
    ASSERT_OK(vmo_create(PAGE, 0, &dst));
    struct copy_ctx c;
    c.vmo = kt_proc_handle(&kp, &src->obj, ZX_DEFAULT_VMO_RIGHTS);
    ASSERT_OK(vmar_map(kp.proc->as->root, ZX_VM_PERM_READ, 0, dst, 0, PAGE, ZX_DEFAULT_VMO_RIGHTS,
                       KT_ROOT_RIGHTS(kp.proc->as), &c.dst));
    ASSERT_OK(kt_proc_start(&kp, ro_copy_prog, &c));
    kt_run(false);
    EXPECT_STATUS(kp.prog.ret[0], ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(vmo_committed_bytes(dst), 0);
    kobj_unref(&src->obj);
    kobj_unref(&dst->obj);
    kt_proc_destroy(&kp);
}

// ---- blocking ----

TEST(Exec, NanosleepWakesAtItsDeadline) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "sleep"));
    zx_time_t deadline = th_now() + 5 * MS;
    const struct th_call calls[] = {{ZX_SYS_nanosleep, {(uint64_t)deadline}}, {ZX_SYS_nanosleep, {0}}};
    struct th_calls c;
    ASSERT_OK(start_calls(&kp, &c, calls, 2));
    kt_run(false);
    EXPECT_EQ(kp.thread->task.state, TASK_BLOCKED);
    EXPECT_FALSE(kp.prog.returned[0]);
    EXPECT_EQ(th_timer_deadline(), deadline);
    th_advance(4 * MS);
    kt_run(false);
    EXPECT_FALSE(kp.prog.returned[0]);
    th_advance(2 * MS);  // the deadline passes: the timer interrupt wakes it
    EXPECT_EQ(kp.thread->task.state, TASK_RUNNABLE);
    kt_run(false);
    EXPECT_TRUE(kp.prog.returned[0]);
    EXPECT_OK(kp.prog.ret[0]);
    EXPECT_OK(kp.prog.ret[1]);  // a deadline in the past returns at once
    EXPECT_EQ(kp.proc->state, PROC_DEAD);
    kt_proc_destroy(&kp);
}

TEST(Exec, IdleExecutorAdvancesToTheNextDeadline) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "sleep2"));
    zx_time_t start = th_now();
    const struct th_call calls[] = {{ZX_SYS_nanosleep, {(uint64_t)(start + 50 * MS)}}};
    struct th_calls c;
    ASSERT_OK(start_calls(&kp, &c, calls, 1));
    kt_run(true);
    EXPECT_OK(kp.prog.ret[0]);
    EXPECT_GE(th_now(), start + 50 * MS);
    EXPECT_EQ(kp.proc->state, PROC_DEAD);
    kt_proc_destroy(&kp);
}

struct wait_ctx {
    zx_handle_t h;
    zx_signals_t signals;
    zx_time_t deadline;
    uintptr_t observed;
};
static void wait_one_prog(struct th_prog *p, struct hal_uctx *u) {
    struct wait_ctx *w = p->ctx;
    if (p->n == 0) TH_SYS(u, ZX_SYS_object_wait_one, w->h, w->signals, (uint64_t)w->deadline, w->observed);
    else if (p->n == 1) TH_SYS(u, ZX_SYS_thread_exit, 0);
}

static zx_status_t start_wait_one(struct kt_proc *kp, struct wait_ctx *w, struct kobj *obj, zx_signals_t s,
                                  zx_time_t deadline) {
    zx_status_t st = kt_proc_create(kp, "waiter");
    if (st != ZX_OK) return st;
    w->h = kt_proc_handle(kp, obj, ZX_DEFAULT_EVENT_RIGHTS);
    w->signals = s;
    w->deadline = deadline;
    w->observed = th_user_alloc(4);
    return kt_proc_start(kp, wait_one_prog, w);
}

TEST(Exec, WaitOneIsSatisfiedBySignals) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct kt_proc kp;
    struct wait_ctx w;
    ASSERT_OK(start_wait_one(&kp, &w, e, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE));
    kt_run(false);
    EXPECT_EQ(kp.thread->task.state, TASK_BLOCKED);
    EXPECT_EQ(e->refcount, 3);  // ours, the handle's, the waiter's
    kobj_signal(e, 0, ZX_USER_SIGNAL_1);  // not what it waits for
    EXPECT_EQ(kp.thread->task.state, TASK_BLOCKED);
    kobj_signal(e, 0, ZX_USER_SIGNAL_0);
    EXPECT_EQ(kp.thread->task.state, TASK_RUNNABLE);
    kt_run(false);
    EXPECT_OK(kp.prog.ret[0]);
    EXPECT_EQ(*(zx_signals_t *)th_user_host(w.observed), ZX_USER_SIGNAL_0 | ZX_USER_SIGNAL_1);
    EXPECT_TRUE(list_empty(&e->observers));
    kt_proc_destroy(&kp);
    EXPECT_EQ(e->refcount, 1);
    kobj_unref(e);
}

TEST(Exec, WaitOneTimesOut) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct kt_proc kp;
    struct wait_ctx w;
    ASSERT_OK(start_wait_one(&kp, &w, e, ZX_USER_SIGNAL_0, th_now() + 10 * MS));
    kt_run(false);
    EXPECT_TRUE(timer_armed(&kp.thread->task.wait.deadline_timer));
    kobj_signal(e, 0, ZX_USER_SIGNAL_2);
    th_advance(10 * MS);
    kt_run(false);
    EXPECT_STATUS(kp.prog.ret[0], ZX_ERR_TIMED_OUT);
    EXPECT_EQ(*(zx_signals_t *)th_user_host(w.observed), ZX_USER_SIGNAL_2);
    EXPECT_TRUE(list_empty(&e->observers));
    kt_proc_destroy(&kp);
    kobj_unref(e);
}

TEST(Exec, WaitOneWokenEarlyCancelsItsTimer) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct kt_proc kp;
    struct wait_ctx w;
    ASSERT_OK(start_wait_one(&kp, &w, e, ZX_USER_SIGNAL_0, th_now() + 10 * MS));
    kt_run(false);
    kobj_signal(e, 0, ZX_USER_SIGNAL_0);
    EXPECT_FALSE(timer_armed(&kp.thread->task.wait.deadline_timer));
    th_advance(20 * MS);  // the old deadline passes: nothing happens
    kt_run(false);
    EXPECT_OK(kp.prog.ret[0]);
    kt_proc_destroy(&kp);
    kobj_unref(e);
}

TEST(Exec, WaitOneAlreadySatisfiedOrExpiredReturnsAtOnce) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    kobj_signal(e, 0, ZX_EVENT_SIGNALED);
    struct kt_proc kp;
    struct wait_ctx w;
    ASSERT_OK(start_wait_one(&kp, &w, e, ZX_EVENT_SIGNALED, ZX_TIME_INFINITE));
    kt_run(false);
    EXPECT_OK(kp.prog.ret[0]);
    kt_proc_destroy(&kp);
    ASSERT_OK(start_wait_one(&kp, &w, e, ZX_USER_SIGNAL_0, 0));
    kt_run(false);
    EXPECT_STATUS(kp.prog.ret[0], ZX_ERR_TIMED_OUT);
    EXPECT_EQ(*(zx_signals_t *)th_user_host(w.observed), ZX_EVENT_SIGNALED);
    kt_proc_destroy(&kp);
    kobj_unref(e);
}

TEST(Exec, WaitOneCanceledByClosingTheHandle) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct kt_proc kp;
    struct wait_ctx w;
    ASSERT_OK(start_wait_one(&kp, &w, e, ZX_USER_SIGNAL_0, ZX_TIME_INFINITE));
    kt_run(false);
    ASSERT_OK(handle_close(&kp.proc->handles, w.h));  // as another thread of it would
    EXPECT_EQ(kp.thread->task.state, TASK_RUNNABLE);
    kt_run(false);
    EXPECT_STATUS(kp.prog.ret[0], ZX_ERR_CANCELED);
    EXPECT_EQ(e->refcount, 1);
    kt_proc_destroy(&kp);
    kobj_unref(e);
}

TEST(Exec, KillWhileBlockedInWaitOne) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct kt_proc kp;
    struct wait_ctx w;
    ASSERT_OK(start_wait_one(&kp, &w, e, ZX_USER_SIGNAL_0, th_now() + 10 * MS));
    kt_run(false);
    process_kill(kp.proc, 5);
    kt_run(false);
    EXPECT_FALSE(kp.prog.returned[0]);  // the syscall never completes
    EXPECT_EQ(kp.proc->state, PROC_DEAD);
    EXPECT_EQ(kp.proc->return_code, 5);
    EXPECT_TRUE(list_empty(&e->observers));
    EXPECT_FALSE(timer_armed(&kp.thread->task.wait.deadline_timer));
    EXPECT_EQ(e->refcount, 1);
    kt_proc_destroy(&kp);
    kobj_unref(e);
}

struct many_ctx {
    uintptr_t items;
    int n;
};
static void wait_many_prog(struct th_prog *p, struct hal_uctx *u) {
    struct many_ctx *m = p->ctx;
    if (p->n == 0) TH_SYS(u, ZX_SYS_object_wait_many, m->items, (uint64_t)m->n, (uint64_t)ZX_TIME_INFINITE);
    else if (p->n == 1) TH_SYS(u, ZX_SYS_thread_exit, 0);
}

static zx_status_t start_wait_many(struct kt_proc *kp, struct many_ctx *m, struct kobj **objs, int n) {
    zx_status_t st = kt_proc_create(kp, "many");
    if (st != ZX_OK) return st;
    m->items = th_user_alloc(n * sizeof(zx_wait_item_t));
    m->n = n;
    zx_wait_item_t *it = th_user_host(m->items);
    for (int i = 0; i < n; i++) {
        it[i].handle = kt_proc_handle(kp, objs[i], ZX_DEFAULT_EVENT_RIGHTS);
        it[i].waitfor = ZX_USER_SIGNAL_0 << i;
        it[i].pending = 0;
    }
    return kt_proc_start(kp, wait_many_prog, m);
}

TEST(Exec, WaitManyReportsEveryItem) {
    struct kobj *e[3];
    for (int i = 0; i < 3; i++) ASSERT_OK(event_create(&e[i]));
    struct kt_proc kp;
    struct many_ctx m;
    ASSERT_OK(start_wait_many(&kp, &m, e, 3));
    kt_run(false);
    EXPECT_EQ(kp.thread->task.state, TASK_BLOCKED);
    kobj_signal(e[0], 0, ZX_USER_SIGNAL_5);
    kobj_signal(e[2], 0, ZX_USER_SIGNAL_2);  // item 2 waits for USER_SIGNAL_2
    kt_run(false);
    EXPECT_OK(kp.prog.ret[0]);
    zx_wait_item_t *it = th_user_host(m.items);
    EXPECT_EQ(it[0].pending, ZX_USER_SIGNAL_5);
    EXPECT_EQ(it[1].pending, 0);
    EXPECT_EQ(it[2].pending, ZX_USER_SIGNAL_2);
    for (int i = 0; i < 3; i++) EXPECT_TRUE(list_empty(&e[i]->observers));
    kt_proc_destroy(&kp);
    for (int i = 0; i < 3; i++) kobj_unref(e[i]);
}

// The waiter's observer array must go away with a thread killed mid-wait (the leak check
// counts heap allocations).
TEST(Exec, KillWhileBlockedInWaitMany) {
    struct kobj *e[4];
    for (int i = 0; i < 4; i++) ASSERT_OK(event_create(&e[i]));
    struct kt_proc kp;
    struct many_ctx m;
    ASSERT_OK(start_wait_many(&kp, &m, e, 4));
    kt_run(false);
    EXPECT_EQ(kp.thread->task.state, TASK_BLOCKED);
    process_kill(kp.proc, 1);
    kt_run(false);
    EXPECT_FALSE(kp.prog.returned[0]);
    for (int i = 0; i < 4; i++) {
        EXPECT_TRUE(list_empty(&e[i]->observers));
        EXPECT_EQ(e[i]->refcount, 1);
    }
    kt_proc_destroy(&kp);
    for (int i = 0; i < 4; i++) kobj_unref(e[i]);
}

struct port_ctx {
    zx_handle_t port;
    uintptr_t pkt;
    zx_time_t deadline;
};
static void port_wait_prog(struct th_prog *p, struct hal_uctx *u) {
    struct port_ctx *c = p->ctx;
    if (p->n == 0) TH_SYS(u, ZX_SYS_port_wait, c->port, (uint64_t)c->deadline, c->pkt);
    else if (p->n == 1) TH_SYS(u, ZX_SYS_thread_exit, 0);
}

TEST(Exec, PortWaitGetsAQueuedPacket) {
    struct port *port;
    ASSERT_OK(port_create(&port));
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "port"));
    struct port_ctx c = {kt_proc_handle(&kp, &port->obj, ZX_DEFAULT_PORT_RIGHTS), th_user_alloc(sizeof(zx_port_packet_t)),
                         ZX_TIME_INFINITE};
    ASSERT_OK(kt_proc_start(&kp, port_wait_prog, &c));
    kt_run(false);
    EXPECT_EQ(kp.thread->task.state, TASK_BLOCKED);
    zx_port_packet_t pkt = {.key = 77, .type = ZX_PKT_TYPE_USER, .status = -3};
    pkt.user.u64[0] = 0xfeed;
    ASSERT_OK(port_queue_user(port, &pkt));
    kt_run(false);
    EXPECT_OK(kp.prog.ret[0]);
    zx_port_packet_t *got = th_user_host(c.pkt);
    EXPECT_EQ(got->key, 77);
    EXPECT_EQ(got->status, -3);
    EXPECT_EQ(got->user.u64[0], 0xfeed);
    EXPECT_EQ(port->count, 0);
    kt_proc_destroy(&kp);
    kobj_unref(&port->obj);
}

TEST(Exec, KillWhileBlockedInPortWait) {
    struct port *port;
    ASSERT_OK(port_create(&port));
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "port"));
    struct port_ctx c = {kt_proc_handle(&kp, &port->obj, ZX_DEFAULT_PORT_RIGHTS), th_user_alloc(sizeof(zx_port_packet_t)),
                         th_now() + MS};
    ASSERT_OK(kt_proc_start(&kp, port_wait_prog, &c));
    kt_run(false);
    EXPECT_EQ(kp.thread->task.state, TASK_BLOCKED);
    process_kill(kp.proc, 1);
    kt_run(false);
    EXPECT_FALSE(kp.prog.returned[0]);
    EXPECT_TRUE(wait_queue_empty(&port->waiters));
    EXPECT_EQ(port->obj.refcount, 1);
    kt_proc_destroy(&kp);
    kobj_unref(&port->obj);
}

// An async wait on an event delivers one packet to the port when the event fires.
TEST(Exec, AsyncWaitQueuesOnePacket) {
    static int owner;
    struct port *port;
    struct kobj *e;
    ASSERT_OK(port_create(&port));
    ASSERT_OK(event_create(&e));
    ASSERT_OK(port_wait_async(port, e, &owner, 0x13, 9, ZX_USER_SIGNAL_0, 0));
    EXPECT_EQ(port->count, 0);
    kobj_signal(e, 0, ZX_USER_SIGNAL_0);
    kobj_signal(e, ZX_USER_SIGNAL_0, 0);
    kobj_signal(e, 0, ZX_USER_SIGNAL_0);  // one shot: a second edge queues nothing
    EXPECT_EQ(port->count, 1);
    zx_port_packet_t pkt;
    ASSERT_TRUE(port_dequeue(port, &pkt));
    EXPECT_EQ(pkt.key, 9);
    EXPECT_EQ(pkt.type, ZX_PKT_TYPE_SIGNAL_ONE);
    EXPECT_EQ(pkt.signal.observed & ZX_USER_SIGNAL_0, ZX_USER_SIGNAL_0);
    EXPECT_TRUE(list_empty(&e->observers));
    // Cancellation removes both the pending wait and queued packets.
    ASSERT_OK(port_wait_async(port, e, &owner, 0x13, 10, ZX_USER_SIGNAL_1, 0));
    EXPECT_OK(port_cancel(port, e, 10));
    EXPECT_STATUS(port_cancel(port, e, 10), ZX_ERR_NOT_FOUND);
    EXPECT_TRUE(list_empty(&e->observers));
    kobj_unref(e);
    kobj_unref(&port->obj);
}

// Once an async wait is armed, the packet it delivers can no longer be lost to an allocation
// failure: every allocation the wait needs is made (or fails) in port_wait_async itself.
TEST(Exec, AsyncWaitPacketSurvivesAllocationFailure) {
    static int owner;
    struct port *port;
    struct kobj *e;
    ASSERT_OK(port_create(&port));
    ASSERT_OK(event_create(&e));
    // Arming fails cleanly when its allocations fail...
    for (int64_t n = 0; n < 2; n++) {
        kt_fail_alloc_at(n);
        EXPECT_STATUS(port_wait_async(port, e, &owner, 0x13, 1, ZX_USER_SIGNAL_0, 0),
                      ZX_ERR_NO_MEMORY);
        kt_fail_alloc_at(-1);
        EXPECT_TRUE(list_empty(&e->observers));
    }
    // ... and once armed, the signal delivers even if the next allocation would fail.
    ASSERT_OK(port_wait_async(port, e, &owner, 0x13, 2, ZX_USER_SIGNAL_0, 0));
    kt_fail_alloc_at(0);
    kobj_signal(e, 0, ZX_USER_SIGNAL_0);
    kt_fail_alloc_at(-1);
    EXPECT_EQ(port->count, 1);
    zx_port_packet_t pkt;
    ASSERT_TRUE(port_dequeue(port, &pkt));
    EXPECT_EQ(pkt.key, 2);
    kobj_unref(e);
    kobj_unref(&port->obj);
}

// ---- scheduling ----

static int trace[64], ntrace;
static void spinner(struct th_prog *p, struct hal_uctx *u) {
    if (p->n < 12) {
        if (ntrace < 64) trace[ntrace++] = (int)(intptr_t)p->ctx;
        th_spin(u, 2 * MS);
    } else {
        TH_SYS(u, ZX_SYS_thread_exit, 0);
    }
}

// Two threads that never block share the CPU in time slices.
TEST(Exec, TimeSlicesInterleaveBusyThreads) {
    struct kt_proc a, b;
    ASSERT_OK(kt_proc_create(&a, "a"));
    ASSERT_OK(kt_proc_create(&b, "b"));
    ntrace = 0;
    ASSERT_OK(kt_proc_start(&a, spinner, (void *)1));
    ASSERT_OK(kt_proc_start(&b, spinner, (void *)2));
    kt_run(false);
    ASSERT_EQ(ntrace, 24);
    int switches = 0, first_b = -1, last_a = -1;
    for (int i = 0; i < ntrace; i++) {
        if (i && trace[i] != trace[i - 1]) switches++;
        if (trace[i] == 2 && first_b < 0) first_b = i;
        if (trace[i] == 1) last_a = i;
    }
    EXPECT_GE(switches, 3);
    EXPECT_LT(first_b, last_a);  // b ran before a was done
    EXPECT_EQ(a.proc->state, PROC_DEAD);
    EXPECT_EQ(b.proc->state, PROC_DEAD);
    kt_proc_destroy(&a);
    kt_proc_destroy(&b);
}

// ---- handles through syscalls ----

struct dup_ctx {
    zx_handle_t h;
    uintptr_t out;
};
static void dup_prog(struct th_prog *p, struct hal_uctx *u) {
    struct dup_ctx *c = p->ctx;
    zx_handle_t *o = th_user_host(c->out);
    switch (p->n) {
    case 0: TH_SYS(u, ZX_SYS_handle_duplicate, c->h, ZX_RIGHT_WAIT | ZX_RIGHT_DUPLICATE, c->out); break;
    case 1: TH_SYS(u, ZX_SYS_handle_duplicate, o[0], ZX_RIGHT_SIGNAL, c->out + 4); break;  // more rights
    case 2: TH_SYS(u, ZX_SYS_handle_replace, o[0], ZX_RIGHT_WAIT, c->out + 8); break;
    case 3: TH_SYS(u, ZX_SYS_handle_close, o[0]); break;  // replaced: gone
    case 4: TH_SYS(u, ZX_SYS_handle_duplicate, c->h, ZX_RIGHT_SAME_RIGHTS, 0xffff800000000000ull); break;
    case 5: TH_SYS(u, ZX_SYS_handle_close, 0); break;  // ZX_HANDLE_INVALID: fine
    case 6: TH_SYS(u, ZX_SYS_nanosleep, (uint64_t)ZX_TIME_INFINITE); break;  // stay for inspection
    }
}

TEST(Exec, DuplicateAndReplaceOnlyShrinkRights) {
    struct kobj *e;
    ASSERT_OK(event_create(&e));
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "dup"));
    struct dup_ctx c = {kt_proc_handle(&kp, e, ZX_DEFAULT_EVENT_RIGHTS), th_user_alloc(12)};
    ASSERT_OK(kt_proc_start(&kp, dup_prog, &c));
    kt_run(false);
    EXPECT_OK(kp.prog.ret[0]);
    EXPECT_STATUS(kp.prog.ret[1], ZX_ERR_INVALID_ARGS);
    EXPECT_OK(kp.prog.ret[2]);
    EXPECT_STATUS(kp.prog.ret[3], ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(kp.prog.ret[4], ZX_ERR_INVALID_ARGS);  // bad out pointer: no handle left behind
    EXPECT_OK(kp.prog.ret[5]);
    zx_handle_t replaced = ((zx_handle_t *)th_user_host(c.out))[2];
    struct handle_slot *s = handle_slot_of(&kp.proc->handles, replaced);
    ASSERT_NOT_NULL(s);
    EXPECT_EQ(s->rights, ZX_RIGHT_WAIT);
    EXPECT_EQ(kp.proc->handles.count, 2);  // the original and the replaced duplicate
    EXPECT_EQ(e->handle_count, 2);
    kt_proc_destroy(&kp);
    EXPECT_EQ(e->handle_count, 0);
    kobj_unref(e);
}

// A mapping protected to no access: user copies from it fail (the test HAL honours
// HAL_MMU_READ; see docs/host-tests.md on what the x86 HAL does with it).
TEST(Exec, NoAccessMemoryIsNotReadable) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "noaccess"));
    struct vmo *src, *v;
    ASSERT_OK(vmo_create(PAGE, 0, &src));
    ASSERT_OK(vmo_create(PAGE, 0, &v));
    ASSERT_OK(vmo_write_kernel(v, 0, "secret", 7));
    uintptr_t a = kt_map(kp.proc->as, v, ZX_VM_MAP_RANGE);
    ASSERT_OK(vmar_protect(kp.proc->as->root, 0, a, PAGE, KT_ROOT_RIGHTS(kp.proc->as)));
    unsigned fl = 0;
    EXPECT_NE(kt_pte(kp.proc->as, a, &fl), 0);
    EXPECT_EQ(fl & HAL_MMU_READ, 0);
    struct copy_ctx c = {kt_proc_handle(&kp, &src->obj, ZX_DEFAULT_VMO_RIGHTS), a};
    // vmo_write from the no-access page: the copy faults and the fault is refused.
    const struct th_call calls[] = {{ZX_SYS_vmo_write, {c.vmo, a, 0, 7}}};
    struct th_calls tc;
    ASSERT_OK(start_calls(&kp, &tc, calls, 1));
    kt_run(false);
    EXPECT_STATUS(kp.prog.ret[0], ZX_ERR_INVALID_ARGS);
    kobj_unref(&src->obj);
    kobj_unref(&v->obj);
    kt_proc_destroy(&kp);
}
