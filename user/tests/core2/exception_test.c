// Exceptions: zx_task_create_exception_channel, exception messages, zx_exception_get_thread /
// _process, ZX_PROP_EXCEPTION_STATE (HANDLED resumes, TRY_NEXT falls through), and the
// unhandled-exception kill (only when syscalls.def has the calls).
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/debug.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

#if defined(ZX_SYS_task_create_exception_channel) && defined(ZX_SYS_exception_get_thread) && \
    defined(ZX_SYS_exception_get_process)
#include <zircon/syscalls/exception.h>

// Waits for one exception message on `ch`: its info and the exception handle.
static zx_status_t read_exception(zx_handle_t ch, zx_exception_info_t *info, zx_handle_t *exc) {
    zx_signals_t observed = 0;
    zx_status_t st = zx_object_wait_one(ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED,
                                        zx_deadline_after(LONG_WAIT), &observed);
    if (st != ZX_OK)
        return st;
    if (!(observed & ZX_CHANNEL_READABLE))
        return ZX_ERR_PEER_CLOSED;
    uint32_t nb = 0, nh = 0;
    st = zx_channel_read(ch, 0, info, exc, sizeof(*info), 1, &nb, &nh);
    if (st != ZX_OK)
        return st;
    return (nb == sizeof(*info) && nh == 1) ? ZX_OK : ZX_ERR_IO_DATA_INTEGRITY;
}

static zx_status_t set_state(zx_handle_t exc, uint32_t state) {
    return zx_object_set_property(exc, ZX_PROP_EXCEPTION_STATE, &state, sizeof(state));
}

static int64_t process_rc(zx_handle_t proc) {
    zx_info_process_t info;
    if (zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL) != ZX_OK)
        return INT64_MIN;
    return info.return_code;
}

// A not-yet-started mini process that executes ud2 first, then counts at [rsp].
static zx_status_t ud2_mini(struct mini *m, zx_handle_t job) {
    return mini_create(m, job, MINI_UD2_THEN_COUNT, sizeof(MINI_UD2_THEN_COUNT));
}

// The mini's thread and then its process ended, and not by an unhandled-exception kill.
static bool thread_ended_process_without_exception_kill(struct mini *m) {
    return wait_signals(m->thread, ZX_THREAD_TERMINATED) &&
           wait_signals(m->proc, ZX_PROCESS_TERMINATED) &&
           process_rc(m->proc) != ZX_TASK_RETCODE_EXCEPTION_KILL;
}

// Starts a ud2 mini process with a process exception channel and reads its first exception.
static zx_status_t start_in_exception(struct mini *m, zx_handle_t *ch, zx_handle_t *exc) {
    zx_status_t st = ud2_mini(m, ZX_HANDLE_INVALID);
    if (st == ZX_OK)
        st = zx_task_create_exception_channel(m->proc, 0, ch);
    if (st == ZX_OK)
        st = mini_start(m, ZX_HANDLE_INVALID, 0);
    zx_exception_info_t info;
    if (st == ZX_OK)
        st = read_exception(*ch, &info, exc);
    return st;
}

#define EXC_CHANNEL_RIGHTS (ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT | ZX_RIGHT_READ)

TEST(ExceptionTest, CreateChannels) {
    struct mini m;
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(ud2_mini(&m, job));
    zx_handle_t ct, cp, cj, cd, extra;
    EXPECT_OK(zx_task_create_exception_channel(m.thread, 0, &ct));
    EXPECT_OK(zx_task_create_exception_channel(m.proc, 0, &cp));
    EXPECT_OK(zx_task_create_exception_channel(job, 0, &cj));
    EXPECT_OK(zx_task_create_exception_channel(m.proc, ZX_EXCEPTION_CHANNEL_DEBUGGER, &cd));
    EXPECT_EQ(handle_type(cp), ZX_OBJ_TYPE_CHANNEL);
    EXPECT_EQ(handle_rights(ct), EXC_CHANNEL_RIGHTS);
    EXPECT_EQ(handle_rights(cp), EXC_CHANNEL_RIGHTS);
    EXPECT_EQ(handle_rights(cj), EXC_CHANNEL_RIGHTS);
    // "Each task may have at most one regular exception channel and one debugger exception
    // channel" -> ZX_ERR_ALREADY_BOUND.
    EXPECT_STATUS(zx_task_create_exception_channel(m.thread, 0, &extra), ZX_ERR_ALREADY_BOUND);
    EXPECT_STATUS(zx_task_create_exception_channel(m.proc, 0, &extra), ZX_ERR_ALREADY_BOUND);
    EXPECT_STATUS(zx_task_create_exception_channel(job, 0, &extra), ZX_ERR_ALREADY_BOUND);
    EXPECT_STATUS(zx_task_create_exception_channel(m.proc, ZX_EXCEPTION_CHANNEL_DEBUGGER, &extra),
                  ZX_ERR_ALREADY_BOUND);
    // "Closing the created channel handle will unregister the exception handler."
    zx_handle_close(cp);
    EXPECT_OK(zx_task_create_exception_channel(m.proc, 0, &cp));
    zx_handle_close(ct);
    zx_handle_close(cp);
    zx_handle_close(cj);
    zx_handle_close(cd);
    mini_destroy(&m);
    zx_handle_close(job);
}

TEST(ExceptionTest, CreateErrors) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, ev;
    // "options can be 0 or ZX_EXCEPTION_CHANNEL_DEBUGGER ... (process or job only)".
    EXPECT_STATUS(zx_task_create_exception_channel(m.thread, ZX_EXCEPTION_CHANNEL_DEBUGGER, &ch),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_task_create_exception_channel(m.proc, 0x10, &ch), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_task_create_exception_channel(m.proc, 0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_task_create_exception_channel(m.proc, 0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_task_create_exception_channel(BOGUS_HANDLE, 0, &ch), ZX_ERR_BAD_HANDLE);
    // A failed create left no channel bound.
    EXPECT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    zx_handle_close(ch);
    // An event is neither a task nor carries MANAGE_THREAD; like zx_task_kill, this call
    // takes several task types and the rights check decides: ZX_ERR_ACCESS_DENIED.
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_task_create_exception_channel(ev, 0, &ch), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(ev);
    zx_handle_t weak = dup_rights(m.proc, ZX_DEFAULT_PROCESS_RIGHTS & ~ZX_RIGHT_INSPECT);
    EXPECT_STATUS(zx_task_create_exception_channel(weak, 0, &ch), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    // "If handle is of type ZX_OBJ_TYPE_JOB or ZX_OBJ_TYPE_PROCESS, it must have
    // ZX_RIGHT_ENUMERATE": the channel reaches the threads. A thread handle needs no such right.
    weak = dup_rights(m.proc, ZX_DEFAULT_PROCESS_RIGHTS & ~ZX_RIGHT_ENUMERATE);
    EXPECT_STATUS(zx_task_create_exception_channel(weak, 0, &ch), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    weak = dup_rights(m.thread, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_ENUMERATE);
    EXPECT_OK(zx_task_create_exception_channel(weak, 0, &ch));
    zx_handle_close(ch);
    zx_handle_close(weak);
    // "ZX_ERR_BAD_STATE handle is dying or dead."
    zx_task_kill(m.proc);
    ASSERT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    EXPECT_STATUS(zx_task_create_exception_channel(m.proc, 0, &ch), ZX_ERR_BAD_STATE);
    mini_destroy(&m);
}

TEST(ExceptionTest, ChannelIsReadOnly) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    EXPECT_STATUS(zx_channel_write(ch, 0, "x", 1, NULL, 0), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(ch);
    mini_destroy(&m);
}

TEST(ExceptionTest, ProcessChannelReceivesFault) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, exc = ZX_HANDLE_INVALID;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    EXPECT_EQ(info.pid, handle_koid(m.proc));
    EXPECT_EQ(info.tid, handle_koid(m.thread));
    EXPECT_EQ(info.type, ZX_EXCP_UNDEFINED_INSTRUCTION);
    EXPECT_EQ(handle_type(exc), ZX_OBJ_TYPE_EXCEPTION);
    // The thread waits for us; the process lives.
    EXPECT_EQ(thread_state(m.thread), ZX_THREAD_STATE_BLOCKED_EXCEPTION);
    EXPECT_EQ(signals_now(m.proc) & ZX_PROCESS_TERMINATED, 0);
    zx_info_thread_t ti;
    ASSERT_OK(zx_object_get_info(m.thread, ZX_INFO_THREAD, &ti, sizeof(ti), NULL, NULL));
    EXPECT_EQ(ti.wait_exception_channel_type, ZX_EXCEPTION_CHANNEL_TYPE_PROCESS);
    zx_exception_report_t report;
    EXPECT_OK(zx_object_get_info(m.thread, ZX_INFO_THREAD_EXCEPTION_REPORT, &report, sizeof(report),
                                 NULL, NULL));
    EXPECT_EQ(report.header.type, ZX_EXCP_UNDEFINED_INSTRUCTION);
    EXPECT_EQ(report.context.arch.u.x86_64.vector, 6);  // #UD
    zx_handle_close(exc);
    zx_handle_close(ch);
    mini_destroy(&m);
}

TEST(ExceptionTest, GetThreadAndProcess) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    zx_handle_t t, p;
    EXPECT_OK(zx_exception_get_thread(exc, &t));
    EXPECT_OK(zx_exception_get_process(exc, &p));
    EXPECT_EQ(handle_koid(t), handle_koid(m.thread));
    EXPECT_EQ(handle_koid(p), handle_koid(m.proc));
    // "This handle will have the same rights as the task given to
    // zx_task_create_exception_channel()."
    EXPECT_EQ(handle_rights(p), handle_rights(m.proc));
    zx_handle_close(t);
    zx_handle_close(p);
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_exception_get_thread(ev, &t), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_exception_get_process(ev, &p), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_exception_get_thread(BOGUS_HANDLE, &t), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_exception_get_thread(exc, NULL), ZX_ERR_INVALID_ARGS);
    zx_handle_close(ev);
    zx_handle_close(exc);
    zx_handle_close(ch);
    mini_destroy(&m);
}

// "ZX_ERR_ACCESS_DENIED handle was received via a thread exception channel."
TEST(ExceptionTest, ThreadChannelHasNoProcess) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.thread, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    zx_handle_t t, p;
    EXPECT_OK(zx_exception_get_thread(exc, &t));
    EXPECT_EQ(handle_koid(t), handle_koid(m.thread));
    zx_handle_close(t);
    EXPECT_STATUS(zx_exception_get_process(exc, &p), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(exc);
    zx_handle_close(ch);
    mini_destroy(&m);
}

TEST(ExceptionTest, HandledAfterFixResumes) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    // The thread's state is readable while it is stopped in the exception.
    zx_thread_state_general_regs_t regs;
    ASSERT_OK(zx_thread_read_state(m.thread, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    EXPECT_EQ(regs.rip, m.code_addr);
    regs.rip += 2;  // skip the ud2
    ASSERT_OK(zx_thread_write_state(m.thread, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    uint32_t state = 99;
    EXPECT_OK(zx_object_get_property(exc, ZX_PROP_EXCEPTION_STATE, &state, sizeof(state)));
    EXPECT_EQ(state, ZX_EXCEPTION_STATE_TRY_NEXT);  // the default
    ASSERT_OK(set_state(exc, ZX_EXCEPTION_STATE_HANDLED));
    zx_handle_close(exc);
    // It resumes and counts.
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (mini_read_u64(&m, 0) == 0 && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    EXPECT_NE(mini_read_u64(&m, 0), 0);
    EXPECT_EQ(signals_now(m.proc) & ZX_PROCESS_TERMINATED, 0);
    EXPECT_EQ(signals_now(ch) & ZX_CHANNEL_READABLE, 0);  // no second exception
    zx_handle_close(ch);
    mini_destroy(&m);
}

TEST(ExceptionTest, HandledWithoutFixFaultsAgain) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    ASSERT_OK(set_state(exc, ZX_EXCEPTION_STATE_HANDLED));
    zx_handle_close(exc);
    // The ud2 runs again: a second exception arrives on the same channel.
    EXPECT_OK(read_exception(ch, &info, &exc));
    EXPECT_EQ(info.type, ZX_EXCP_UNDEFINED_INSTRUCTION);
    zx_handle_close(exc);
    zx_handle_close(ch);
    mini_destroy(&m);
}

TEST(ExceptionTest, TryNextGoesFromThreadToProcess) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t cth, cpr, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.thread, 0, &cth));
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &cpr));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    // Thread channels come before process channels.
    ASSERT_OK(read_exception(cth, &info, &exc));
    EXPECT_EQ(signals_now(cpr) & ZX_CHANNEL_READABLE, 0);
    ASSERT_OK(set_state(exc, ZX_EXCEPTION_STATE_TRY_NEXT));
    zx_handle_close(exc);
    ASSERT_OK(read_exception(cpr, &info, &exc));
    EXPECT_EQ(info.tid, handle_koid(m.thread));
    zx_handle_close(exc);
    zx_handle_close(cth);
    zx_handle_close(cpr);
    mini_destroy(&m);
}

TEST(ExceptionTest, TryNextGoesFromProcessToJobs) {
    zx_handle_t parent, job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &parent));
    ASSERT_OK(zx_job_create(parent, 0, &job));
    struct mini m;
    ASSERT_OK(ud2_mini(&m, job));
    zx_handle_t cpr, cjob, cparent, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &cpr));
    ASSERT_OK(zx_task_create_exception_channel(job, 0, &cjob));
    ASSERT_OK(zx_task_create_exception_channel(parent, 0, &cparent));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(cpr, &info, &exc));
    zx_handle_close(exc);  // default state: TRY_NEXT
    ASSERT_OK(read_exception(cjob, &info, &exc));
    EXPECT_EQ(info.pid, handle_koid(m.proc));
    // A job channel's exception has the process too.
    zx_handle_t p;
    EXPECT_OK(zx_exception_get_process(exc, &p));
    EXPECT_EQ(handle_koid(p), handle_koid(m.proc));
    zx_handle_close(p);
    zx_handle_close(exc);
    // "job (parent job -> grandparent job -> etc)"
    ASSERT_OK(read_exception(cparent, &info, &exc));
    EXPECT_EQ(info.tid, handle_koid(m.thread));
    zx_handle_close(exc);
    // Nobody left: the process dies of it.
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    EXPECT_EQ(process_rc(m.proc), ZX_TASK_RETCODE_EXCEPTION_KILL);
    zx_handle_close(cpr);
    zx_handle_close(cjob);
    zx_handle_close(cparent);
    mini_destroy(&m);
    zx_handle_close(job);
    zx_handle_close(parent);
}

TEST(ExceptionTest, NoHandlerKillsProcess) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    ASSERT_OK(set_state(exc, ZX_EXCEPTION_STATE_TRY_NEXT));
    zx_handle_close(exc);
    // "If there are no remaining exception channels to try, the kernel terminates the process
    // ... The return code of a process terminated by an exception is
    // ZX_TASK_RETCODE_EXCEPTION_KILL".
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    EXPECT_EQ(process_rc(m.proc), ZX_TASK_RETCODE_EXCEPTION_KILL);
    zx_handle_close(ch);
    mini_destroy(&m);
}

// "If an exception message is waiting in the channel at the time it's closed, exception
// handling will continue on to the next handler in the search order."
TEST(ExceptionTest, ClosingChannelWithPendingException) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t cth, cpr, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.thread, 0, &cth));
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &cpr));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    ASSERT_TRUE(wait_signals(cth, ZX_CHANNEL_READABLE));
    zx_handle_close(cth);
    zx_exception_info_t info;
    EXPECT_OK(read_exception(cpr, &info, &exc));
    EXPECT_EQ(info.type, ZX_EXCP_UNDEFINED_INSTRUCTION);
    zx_handle_close(exc);
    zx_handle_close(cpr);
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    EXPECT_EQ(process_rc(m.proc), ZX_TASK_RETCODE_EXCEPTION_KILL);
    mini_destroy(&m);
}

TEST(ExceptionTest, ThreadExitState) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    // "When set to ZX_EXCEPTION_STATE_THREAD_EXIT, closing the exception handle will cause the
    // thread that generated the exception to exit."
    ASSERT_OK(set_state(exc, ZX_EXCEPTION_STATE_THREAD_EXIT));
    zx_handle_close(exc);
    EXPECT_TRUE(thread_ended_process_without_exception_kill(&m));
    zx_handle_close(ch);
    mini_destroy(&m);
}

TEST(ExceptionTest, ExceptionHandleProperties) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    // "This exception handle is non-copyable".
    zx_handle_t dup;
    EXPECT_EQ(handle_rights(exc) & ZX_RIGHT_DUPLICATE, 0);
    EXPECT_STATUS(zx_handle_duplicate(exc, ZX_RIGHT_SAME_RIGHTS, &dup), ZX_ERR_ACCESS_DENIED);
    uint32_t bad = 77;
    EXPECT_STATUS(zx_object_set_property(exc, ZX_PROP_EXCEPTION_STATE, &bad, sizeof(bad)),
                  ZX_ERR_INVALID_ARGS);
    // "This property can only be set when the handle corresponds to a debugger process
    // exception channel. ... any other type will result in ZX_ERR_BAD_STATE."
    uint32_t strategy = ZX_EXCEPTION_STRATEGY_SECOND_CHANCE;
    EXPECT_STATUS(
        zx_object_set_property(exc, ZX_PROP_EXCEPTION_STRATEGY, &strategy, sizeof(strategy)),
        ZX_ERR_BAD_STATE);
    zx_handle_close(exc);
    zx_handle_close(ch);
    mini_destroy(&m);
}

// "zx_task_kill() stops any exception handling on the task ... zx_exception_get_thread() and
// zx_exception_get_process() on the outstanding exception handle will continue to provide
// valid task handles; zx_object_set_property() to set the exception's state will still return
// ZX_OK".
TEST(ExceptionTest, KillDuringException) {
    struct mini m;
    zx_handle_t ch, exc;
    ASSERT_OK(start_in_exception(&m, &ch, &exc));
    EXPECT_OK(zx_task_kill(m.proc));
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    EXPECT_EQ(process_rc(m.proc), ZX_TASK_RETCODE_SYSCALL_KILL);
    zx_handle_t t;
    EXPECT_OK(zx_exception_get_thread(exc, &t));
    EXPECT_EQ(handle_koid(t), handle_koid(m.thread));
    zx_handle_close(t);
    EXPECT_OK(set_state(exc, ZX_EXCEPTION_STATE_HANDLED));
    zx_handle_close(exc);
    zx_handle_close(ch);
    mini_destroy(&m);
}

// Killing only the faulting thread, then letting go of its exception before the thread has
// died: the kill ends the exception, so no other handler sees it and the process is not
// killed for an unhandled exception.
TEST(ExceptionTest, KillThreadThenCloseException) {
    struct mini m;
    zx_handle_t ch, exc;
    ASSERT_OK(start_in_exception(&m, &ch, &exc));
    EXPECT_OK(zx_task_kill(m.thread));
    zx_handle_close(exc);
    EXPECT_TRUE(thread_ended_process_without_exception_kill(&m));
    zx_handle_close(ch);
    mini_destroy(&m);
}

#if defined(ZX_SYS_thread_raise_exception)
// A user exception goes to job debugger channels only; with none listening the thread goes on,
// and the process's own channel sees nothing.
TEST(ExceptionTest, RaiseUserException) {
    zx_handle_t ch;
    ASSERT_OK(zx_task_create_exception_channel(zx_process_self(), 0, &ch));
    zx_exception_context_t ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.synth_code = ZX_EXCP_USER_CODE_USER0;
    EXPECT_OK(zx_thread_raise_exception(ZX_EXCEPTION_TARGET_JOB_DEBUGGER, ZX_EXCP_USER, &ctx));
    EXPECT_EQ(signals_now(ch) & ZX_CHANNEL_READABLE, 0);
    // Only ZX_EXCEPTION_TARGET_JOB_DEBUGGER and ZX_EXCP_USER, with a context.
    EXPECT_STATUS(zx_thread_raise_exception(0, ZX_EXCP_USER, &ctx), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_raise_exception(2, ZX_EXCP_USER, &ctx), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_thread_raise_exception(ZX_EXCEPTION_TARGET_JOB_DEBUGGER, ZX_EXCP_GENERAL, &ctx),
        ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_thread_raise_exception(ZX_EXCEPTION_TARGET_JOB_DEBUGGER, ZX_EXCP_USER, NULL),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_thread_raise_exception(ZX_EXCEPTION_TARGET_JOB_DEBUGGER, ZX_EXCP_USER, KERNEL_PTR),
        ZX_ERR_INVALID_ARGS);
    zx_handle_close(ch);
}
#endif

TEST(ExceptionTest, ExceptionAndSuspendTogether) {
    struct mini m;
    ASSERT_OK(ud2_mini(&m, ZX_HANDLE_INVALID));
    zx_handle_t ch, exc, token;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    zx_thread_state_general_regs_t regs;
    ASSERT_OK(zx_thread_read_state(m.thread, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    regs.rip += 2;
    ASSERT_OK(zx_thread_write_state(m.thread, ZX_THREAD_STATE_GENERAL_REGS, &regs, sizeof(regs)));
    // "The thread stays paused until it is resumed for both the exception and the suspension".
    ASSERT_OK(zx_task_suspend(m.thread, &token));
    ASSERT_OK(set_state(exc, ZX_EXCEPTION_STATE_HANDLED));
    zx_handle_close(exc);
    sleep_ms(10);
    EXPECT_EQ(mini_read_u64(&m, 0), 0);
    zx_handle_close(token);
    zx_time_t give_up = zx_deadline_after(LONG_WAIT);
    while (mini_read_u64(&m, 0) == 0 && zx_clock_get_monotonic() < give_up)
        sleep_ms(1);
    EXPECT_NE(mini_read_u64(&m, 0), 0);
    zx_handle_close(ch);
    mini_destroy(&m);
}

TEST(ExceptionTest, PageFaultReport) {
    // mov (0x10), %al: a read of an unmapped page.
    static const uint8_t code[] = {0x8a, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00, 0xeb, 0xfe};
    struct mini m;
    ASSERT_OK(mini_create(&m, ZX_HANDLE_INVALID, code, sizeof(code)));
    zx_handle_t ch, exc;
    ASSERT_OK(zx_task_create_exception_channel(m.proc, 0, &ch));
    ASSERT_OK(mini_start(&m, ZX_HANDLE_INVALID, 0));
    zx_exception_info_t info;
    ASSERT_OK(read_exception(ch, &info, &exc));
    EXPECT_EQ(info.type, ZX_EXCP_FATAL_PAGE_FAULT);
    zx_exception_report_t report;
    ASSERT_OK(zx_object_get_info(m.thread, ZX_INFO_THREAD_EXCEPTION_REPORT, &report, sizeof(report),
                                 NULL, NULL));
    EXPECT_EQ(report.context.arch.u.x86_64.vector, 14);
    EXPECT_EQ(report.context.arch.u.x86_64.cr2, 0x10);
    zx_handle_close(exc);
    zx_handle_close(ch);
    EXPECT_TRUE(wait_signals(m.proc, ZX_PROCESS_TERMINATED));
    EXPECT_EQ(process_rc(m.proc), ZX_TASK_RETCODE_EXCEPTION_KILL);
    mini_destroy(&m);
}

#endif  // exception syscalls
