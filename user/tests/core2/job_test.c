// Jobs: zx_job_create, the job tree, zx_task_kill on jobs (the whole subtree dies),
// zx_job_set_critical.
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include "zctest.h"

static size_t job_child_count(zx_handle_t job) {
    size_t actual = 0, avail = 0;
    zx_koid_t koids[16];
    if (zx_object_get_info(job, ZX_INFO_JOB_CHILDREN, koids, sizeof(koids), &actual, &avail) !=
        ZX_OK)
        return SIZE_MAX;
    return avail;
}

static size_t job_process_count(zx_handle_t job) {
    size_t actual = 0, avail = 0;
    zx_koid_t koids[16];
    if (zx_object_get_info(job, ZX_INFO_JOB_PROCESSES, koids, sizeof(koids), &actual, &avail) !=
        ZX_OK)
        return SIZE_MAX;
    return avail;
}

static int64_t process_rc(zx_handle_t proc) {
    zx_info_process_t info;
    if (zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof(info), NULL, NULL) != ZX_OK)
        return INT64_MIN;
    return info.return_code;
}

static bool job_info(zx_handle_t job, zx_info_job_t *info) {
    return zx_object_get_info(job, ZX_INFO_JOB, info, sizeof(*info), NULL, NULL) == ZX_OK;
}

// ---- creation ----

TEST(JobTest, CreateChild) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_EQ(handle_type(job), ZX_OBJ_TYPE_JOB);
    EXPECT_EQ(handle_rights(job), ZX_DEFAULT_JOB_RIGHTS);
    // A job's related koid is its parent's.
    EXPECT_EQ(handle_related_koid(job), handle_koid(zx_job_default()));
    zx_info_job_t info;
    ASSERT_TRUE(job_info(job, &info));
    EXPECT_FALSE(info.exited);
    EXPECT_EQ(info.return_code, 0);
    EXPECT_OK(zx_handle_close(job));
}

TEST(JobTest, CreateGrandchildTree) {
    zx_handle_t a, b, c;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &a));
    ASSERT_OK(zx_job_create(a, 0, &b));
    ASSERT_OK(zx_job_create(a, 0, &c));
    EXPECT_EQ(handle_related_koid(b), handle_koid(a));
    EXPECT_EQ(handle_related_koid(c), handle_koid(a));
    EXPECT_EQ(job_child_count(a), 2);
    EXPECT_EQ(job_child_count(b), 0);
    zx_koid_t koids[4] = {0};
    size_t actual = 0;
    ASSERT_OK(zx_object_get_info(a, ZX_INFO_JOB_CHILDREN, koids, sizeof(koids), &actual, NULL));
    ASSERT_EQ(actual, 2);
    EXPECT_TRUE((koids[0] == handle_koid(b) && koids[1] == handle_koid(c)) ||
                (koids[0] == handle_koid(c) && koids[1] == handle_koid(b)));
    // "zx_object_get_child() attempts to find a child of the object referred to by handle":
    // child jobs are children of a job.
    zx_handle_t child = ZX_HANDLE_INVALID;
    EXPECT_OK(zx_object_get_child(a, handle_koid(b), ZX_RIGHT_SAME_RIGHTS, &child));
    EXPECT_EQ(handle_koid(child), handle_koid(b));
    zx_handle_close(child);
    zx_task_kill(a);
    zx_handle_close(c);
    zx_handle_close(b);
    zx_handle_close(a);
}

TEST(JobTest, CreateWithOptionsFails) {
    zx_handle_t job = ZX_HANDLE_INVALID;
    size_t before = job_child_count(zx_job_default());
    EXPECT_STATUS(zx_job_create(zx_job_default(), 1, &job), ZX_ERR_INVALID_ARGS);
    EXPECT_EQ(job, ZX_HANDLE_INVALID);
    EXPECT_EQ(job_child_count(zx_job_default()), before);
}

TEST(JobTest, CreateBadHandles) {
    zx_handle_t job, ev;
    EXPECT_STATUS(zx_job_create(BOGUS_HANDLE, 0, &job), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_job_create(ZX_HANDLE_INVALID, 0, &job), ZX_ERR_BAD_HANDLE);
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_job_create(ev, 0, &job), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_job_create(zx_process_self(), 0, &job), ZX_ERR_WRONG_TYPE);
    zx_handle_close(ev);
    // A closed job handle.
    zx_handle_t j;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &j));
    ASSERT_OK(zx_handle_close(j));
    EXPECT_STATUS(zx_job_create(j, 0, &job), ZX_ERR_BAD_HANDLE);
}

TEST(JobTest, CreateNeedsManageJobRight) {
    zx_handle_t weak = dup_rights(zx_job_default(), ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_MANAGE_JOB);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    zx_handle_t job;
    EXPECT_STATUS(zx_job_create(weak, 0, &job), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
}

TEST(JobTest, CreateBadOutPointer) {
    size_t before = job_child_count(zx_job_default());
    EXPECT_STATUS(zx_job_create(zx_job_default(), 0, NULL), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_create(zx_job_default(), 0, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_create(zx_job_default(), 0, UNMAPPED_PTR), ZX_ERR_INVALID_ARGS);
    // Nothing was left behind.
    EXPECT_EQ(job_child_count(zx_job_default()), before);
}

TEST(JobTest, CreateUnderDeadJobFails) {
    zx_handle_t job, child, proc, vmar;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_task_kill(job));
    EXPECT_STATUS(zx_job_create(job, 0, &child), ZX_ERR_BAD_STATE);
    EXPECT_STATUS(zx_process_create(job, "p", 1, 0, &proc, &vmar), ZX_ERR_BAD_STATE);
    zx_handle_close(job);
}

// ---- child signals ----

// "ZX_JOB_NO_JOBS: the job has no more child jobs"; "ZX_JOB_NO_PROCESSES: the job has no more
// running processes" (a process counts until it has terminated).
TEST(JobTest, NoChildrenSignals) {
    zx_handle_t job, child, proc, vmar;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_signals_t observed = 0;
    EXPECT_OK(zx_object_wait_one(job, ZX_JOB_NO_CHILDREN, 0, &observed));
    EXPECT_EQ(observed & ZX_JOB_NO_CHILDREN, ZX_JOB_NO_CHILDREN);
    ASSERT_OK(zx_job_create(job, 0, &child));
    EXPECT_EQ(signals_now(job) & ZX_JOB_NO_CHILDREN, ZX_JOB_NO_PROCESSES);
    EXPECT_EQ(signals_now(child) & ZX_JOB_NO_CHILDREN, ZX_JOB_NO_CHILDREN);
    ASSERT_OK(zx_process_create(job, "p", 1, 0, &proc, &vmar));
    EXPECT_EQ(signals_now(job) & ZX_JOB_NO_CHILDREN, 0);
    // An unstarted process dies when its last handle goes.
    zx_handle_close(vmar);
    zx_handle_close(proc);
    EXPECT_TRUE(wait_signals(job, ZX_JOB_NO_PROCESSES));
    EXPECT_EQ(signals_now(job) & ZX_JOB_NO_JOBS, 0);
    ASSERT_OK(zx_task_kill(child));
    EXPECT_TRUE(wait_signals(job, ZX_JOB_NO_JOBS));
    zx_handle_close(child);
    EXPECT_EQ(signals_now(job) & ZX_JOB_NO_CHILDREN, ZX_JOB_NO_CHILDREN);
    // A child job that goes away with its last handle counts as gone too.
    ASSERT_OK(zx_job_create(job, 0, &child));
    EXPECT_EQ(signals_now(job) & ZX_JOB_NO_JOBS, 0);
    zx_handle_close(child);
    EXPECT_TRUE(wait_signals(job, ZX_JOB_NO_JOBS));
    zx_handle_close(job);
}

// ---- kill ----

TEST(JobTest, KillEmptyJobSignalsTerminated) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_EQ(signals_now(job) & ZX_JOB_TERMINATED, 0);
    ASSERT_OK(zx_task_kill(job));
    EXPECT_TRUE(wait_signals(job, ZX_JOB_TERMINATED));
    zx_info_job_t info;
    ASSERT_TRUE(job_info(job, &info));
    EXPECT_TRUE(info.exited);
    EXPECT_EQ(info.return_code, ZX_TASK_RETCODE_SYSCALL_KILL);
    // Killing again is fine.
    EXPECT_OK(zx_task_kill(job));
    zx_handle_close(job);
}

TEST(JobTest, KillNeedsDestroyRight) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_handle_t weak = dup_rights(job, ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_DESTROY);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_task_kill(weak), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(signals_now(job) & ZX_JOB_TERMINATED, 0);
    zx_handle_close(weak);
    zx_task_kill(job);
    zx_handle_close(job);
}

TEST(JobTest, KillTerminatesProcess) {
    zx_handle_t job, proc;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(child_launch(job, "sleep", NULL, ZX_HANDLE_INVALID, &proc));
    EXPECT_EQ(job_process_count(job), 1);
    EXPECT_EQ(signals_now(proc) & ZX_PROCESS_TERMINATED, 0);
    ASSERT_OK(zx_task_kill(job));
    EXPECT_TRUE(wait_signals(proc, ZX_PROCESS_TERMINATED));
    EXPECT_TRUE(wait_signals(job, ZX_JOB_TERMINATED));
    EXPECT_EQ(process_rc(proc), ZX_TASK_RETCODE_SYSCALL_KILL);
    EXPECT_EQ(job_process_count(job), 0);
    zx_handle_close(proc);
    zx_handle_close(job);
}

TEST(JobTest, KillTerminatesWholeSubtree) {
    // top -> mid -> leaf, a sleeping process in each, a mini process in leaf too.
    zx_handle_t top, mid, leaf, p_top, p_mid, p_leaf;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &top));
    ASSERT_OK(zx_job_create(top, 0, &mid));
    ASSERT_OK(zx_job_create(mid, 0, &leaf));
    ASSERT_OK(child_launch(top, "sleep", NULL, ZX_HANDLE_INVALID, &p_top));
    ASSERT_OK(child_launch(mid, "sleep", NULL, ZX_HANDLE_INVALID, &p_mid));
    ASSERT_OK(child_launch(leaf, "sleep", NULL, ZX_HANDLE_INVALID, &p_leaf));
    struct mini spin;
    ASSERT_OK(mini_run(&spin, leaf, MINI_SPIN, sizeof(MINI_SPIN)));
    ASSERT_OK(zx_task_kill(top));
    zx_handle_t procs[4] = {p_top, p_mid, p_leaf, spin.proc};
    for (int i = 0; i < 4; i++) {
        EXPECT_TRUE(wait_signals(procs[i], ZX_PROCESS_TERMINATED));
        EXPECT_EQ(process_rc(procs[i]), ZX_TASK_RETCODE_SYSCALL_KILL);
    }
    zx_handle_t jobs[3] = {top, mid, leaf};
    for (int i = 0; i < 3; i++) {
        EXPECT_TRUE(wait_signals(jobs[i], ZX_JOB_TERMINATED));
        zx_info_job_t info;
        ASSERT_TRUE(job_info(jobs[i], &info));
        EXPECT_TRUE(info.exited);
    }
    // A dead subtree takes no new children.
    zx_handle_t j;
    EXPECT_STATUS(zx_job_create(leaf, 0, &j), ZX_ERR_BAD_STATE);
    mini_destroy(&spin);
    for (int i = 0; i < 3; i++)
        zx_handle_close(procs[i]);
    for (int i = 0; i < 3; i++)
        zx_handle_close(jobs[i]);
}

TEST(JobTest, KillChildJobLeavesParentAlive) {
    zx_handle_t parent, child, p_parent, p_child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &parent));
    ASSERT_OK(zx_job_create(parent, 0, &child));
    ASSERT_OK(child_launch(parent, "sleep", NULL, ZX_HANDLE_INVALID, &p_parent));
    ASSERT_OK(child_launch(child, "sleep", NULL, ZX_HANDLE_INVALID, &p_child));
    ASSERT_OK(zx_task_kill(child));
    EXPECT_TRUE(wait_signals(p_child, ZX_PROCESS_TERMINATED));
    sleep_ms(5);
    EXPECT_EQ(signals_now(p_parent) & ZX_PROCESS_TERMINATED, 0);
    EXPECT_EQ(signals_now(parent) & ZX_JOB_TERMINATED, 0);
    // The parent still takes new children.
    zx_handle_t j;
    EXPECT_OK(zx_job_create(parent, 0, &j));
    zx_handle_close(j);
    zx_task_kill(parent);
    EXPECT_TRUE(wait_signals(p_parent, ZX_PROCESS_TERMINATED));
    zx_handle_close(p_parent);
    zx_handle_close(p_child);
    zx_handle_close(child);
    zx_handle_close(parent);
}

TEST(JobTest, KillUnstartedProcessInJob) {
    zx_handle_t job, proc, vmar;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_process_create(job, "idle", 4, 0, &proc, &vmar));
    ASSERT_OK(zx_task_kill(job));
    EXPECT_TRUE(wait_signals(proc, ZX_PROCESS_TERMINATED));
    zx_handle_close(vmar);
    zx_handle_close(proc);
    zx_handle_close(job);
}

TEST(JobTest, ProcessesListedInJob) {
    zx_handle_t job;
    struct mini a, b;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(mini_run(&a, job, MINI_SPIN, sizeof(MINI_SPIN)));
    ASSERT_OK(mini_run(&b, job, MINI_SPIN, sizeof(MINI_SPIN)));
    zx_koid_t koids[4] = {0};
    size_t actual = 0, avail = 0;
    ASSERT_OK(
        zx_object_get_info(job, ZX_INFO_JOB_PROCESSES, koids, sizeof(koids), &actual, &avail));
    EXPECT_EQ(actual, 2);
    EXPECT_EQ(avail, 2);
    zx_koid_t ka = handle_koid(a.proc), kb = handle_koid(b.proc);
    EXPECT_TRUE((koids[0] == ka && koids[1] == kb) || (koids[0] == kb && koids[1] == ka));
    mini_destroy(&a);
    EXPECT_EQ(job_process_count(job), 1);
    mini_destroy(&b);
    EXPECT_EQ(job_process_count(job), 0);
    zx_handle_close(job);
}

// ---- critical processes ----

TEST(JobTest, CriticalProcessKillsJob) {
    zx_handle_t job, crit, other;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_handle_t ep0, ep1;
    ASSERT_OK(zx_eventpair_create(0, &ep0, &ep1));
    ASSERT_OK(child_launch(job, "signal-exit", "0", ep1, &crit));
    ASSERT_OK(child_launch(job, "sleep", NULL, ZX_HANDLE_INVALID, &other));
    ASSERT_TRUE(wait_signals(ep0, ZX_USER_SIGNAL_0));
    ASSERT_OK(zx_job_set_critical(job, 0, crit));
    // The critical process ends (with 0): the job is killed.
    ASSERT_OK(zx_object_signal_peer(ep0, 0, ZX_USER_SIGNAL_1));
    EXPECT_TRUE(wait_signals(crit, ZX_PROCESS_TERMINATED));
    EXPECT_EQ(process_rc(crit), 0);
    EXPECT_TRUE(wait_signals(job, ZX_JOB_TERMINATED));
    EXPECT_TRUE(wait_signals(other, ZX_PROCESS_TERMINATED));
    zx_info_job_t info;
    ASSERT_TRUE(job_info(job, &info));
    EXPECT_TRUE(info.exited);
    EXPECT_EQ(info.return_code, ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL);
    zx_handle_close(ep0);
    zx_handle_close(crit);
    zx_handle_close(other);
    zx_handle_close(job);
}

TEST(JobTest, CriticalRetcodeNonzeroIgnoresZero) {
    zx_handle_t job, crit, other, ep0, ep1;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_eventpair_create(0, &ep0, &ep1));
    ASSERT_OK(child_launch(job, "signal-exit", "0", ep1, &crit));
    ASSERT_OK(child_launch(job, "sleep", NULL, ZX_HANDLE_INVALID, &other));
    ASSERT_TRUE(wait_signals(ep0, ZX_USER_SIGNAL_0));
    ASSERT_OK(zx_job_set_critical(job, ZX_JOB_CRITICAL_PROCESS_RETCODE_NONZERO, crit));
    ASSERT_OK(zx_object_signal_peer(ep0, 0, ZX_USER_SIGNAL_1));
    EXPECT_TRUE(wait_signals(crit, ZX_PROCESS_TERMINATED));
    sleep_ms(10);
    EXPECT_EQ(signals_now(job) & ZX_JOB_TERMINATED, 0);
    EXPECT_EQ(signals_now(other) & ZX_PROCESS_TERMINATED, 0);
    zx_task_kill(job);
    wait_signals(other, ZX_PROCESS_TERMINATED);
    zx_handle_close(ep0);
    zx_handle_close(crit);
    zx_handle_close(other);
    zx_handle_close(job);
}

TEST(JobTest, CriticalRetcodeNonzeroKillsOnNonzero) {
    zx_handle_t job, crit, other, ep0, ep1;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_eventpair_create(0, &ep0, &ep1));
    ASSERT_OK(child_launch(job, "signal-exit", "7", ep1, &crit));
    ASSERT_OK(child_launch(job, "sleep", NULL, ZX_HANDLE_INVALID, &other));
    ASSERT_TRUE(wait_signals(ep0, ZX_USER_SIGNAL_0));
    ASSERT_OK(zx_job_set_critical(job, ZX_JOB_CRITICAL_PROCESS_RETCODE_NONZERO, crit));
    ASSERT_OK(zx_object_signal_peer(ep0, 0, ZX_USER_SIGNAL_1));
    EXPECT_TRUE(wait_signals(crit, ZX_PROCESS_TERMINATED));
    EXPECT_EQ(process_rc(crit), 7);
    EXPECT_TRUE(wait_signals(job, ZX_JOB_TERMINATED));
    EXPECT_TRUE(wait_signals(other, ZX_PROCESS_TERMINATED));
    zx_handle_close(ep0);
    zx_handle_close(crit);
    zx_handle_close(other);
    zx_handle_close(job);
}

TEST(JobTest, CriticalToAncestorKillsAncestor) {
    zx_handle_t top, mid;
    struct mini m;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &top));
    ASSERT_OK(zx_job_create(top, 0, &mid));
    ASSERT_OK(mini_run(&m, mid, MINI_SPIN, sizeof(MINI_SPIN)));
    ASSERT_OK(zx_job_set_critical(top, 0, m.proc));
    ASSERT_OK(zx_task_kill(m.proc));
    EXPECT_TRUE(wait_signals(top, ZX_JOB_TERMINATED));
    EXPECT_TRUE(wait_signals(mid, ZX_JOB_TERMINATED));
    zx_info_job_t info;
    ASSERT_TRUE(job_info(top, &info));
    EXPECT_EQ(info.return_code, ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL);
    mini_destroy(&m);
    zx_handle_close(mid);
    zx_handle_close(top);
}

TEST(JobTest, CriticalNotAncestorFails) {
    zx_handle_t a, b;
    struct mini m;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &a));
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &b));
    ASSERT_OK(mini_run(&m, a, MINI_SPIN, sizeof(MINI_SPIN)));
    EXPECT_STATUS(zx_job_set_critical(b, 0, m.proc), ZX_ERR_INVALID_ARGS);
    // A job below the process's job is not an ancestor either.
    zx_handle_t below;
    ASSERT_OK(zx_job_create(a, 0, &below));
    EXPECT_STATUS(zx_job_set_critical(below, 0, m.proc), ZX_ERR_INVALID_ARGS);
    mini_destroy(&m);
    zx_task_kill(a);
    zx_task_kill(b);
    zx_handle_close(below);
    zx_handle_close(a);
    zx_handle_close(b);
}

TEST(JobTest, CriticalBadOptionsAndHandles) {
    zx_handle_t job, ev;
    struct mini m;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(mini_run(&m, job, MINI_SPIN, sizeof(MINI_SPIN)));
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_job_set_critical(job, 2, m.proc), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_set_critical(BOGUS_HANDLE, 0, m.proc), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_job_set_critical(job, 0, BOGUS_HANDLE), ZX_ERR_BAD_HANDLE);
    EXPECT_STATUS(zx_job_set_critical(ev, 0, m.proc), ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(zx_job_set_critical(job, 0, ev), ZX_ERR_WRONG_TYPE);
    // Rights: DESTROY on the job, WAIT on the process.
    zx_handle_t weak_job = dup_rights(job, ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_DESTROY);
    zx_handle_t weak_proc = dup_rights(m.proc, ZX_DEFAULT_PROCESS_RIGHTS & ~ZX_RIGHT_WAIT);
    EXPECT_STATUS(zx_job_set_critical(weak_job, 0, m.proc), ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(zx_job_set_critical(job, 0, weak_proc), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak_job);
    zx_handle_close(weak_proc);
    // None of that made the process critical.
    ASSERT_OK(zx_task_kill(m.proc));
    wait_signals(m.proc, ZX_PROCESS_TERMINATED);
    sleep_ms(5);
    EXPECT_EQ(signals_now(job) & ZX_JOB_TERMINATED, 0);
    mini_destroy(&m);
    zx_handle_close(ev);
    zx_task_kill(job);
    zx_handle_close(job);
}

// "ZX_ERR_ALREADY_BOUND  *process* has already been set as critical to a job."
TEST(JobTest, CriticalTwiceAlreadyBound) {
    zx_handle_t top, job;
    struct mini m;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &top));
    ASSERT_OK(zx_job_create(top, 0, &job));
    ASSERT_OK(mini_run(&m, job, MINI_SPIN, sizeof(MINI_SPIN)));
    ASSERT_OK(zx_job_set_critical(job, 0, m.proc));
    EXPECT_STATUS(zx_job_set_critical(job, 0, m.proc), ZX_ERR_ALREADY_BOUND);
    EXPECT_STATUS(zx_job_set_critical(top, 0, m.proc), ZX_ERR_ALREADY_BOUND);
    mini_destroy(&m);
    zx_task_kill(top);
    zx_handle_close(job);
    zx_handle_close(top);
}

// The documented error is about the process; nothing limits a job to one critical process.
TEST(JobTest, TwoCriticalProcessesInOneJob) {
    zx_handle_t job;
    struct mini a, b;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(mini_run(&a, job, MINI_SPIN, sizeof(MINI_SPIN)));
    ASSERT_OK(mini_run(&b, job, MINI_SPIN, sizeof(MINI_SPIN)));
    EXPECT_OK(zx_job_set_critical(job, 0, a.proc));
    zx_status_t st = zx_job_set_critical(job, 0, b.proc);
    EXPECT_OK(st);
    if (st == ZX_OK) {
        EXPECT_OK(zx_task_kill(b.proc));
        EXPECT_TRUE(wait_signals(job, ZX_JOB_TERMINATED));
        EXPECT_TRUE(wait_signals(a.proc, ZX_PROCESS_TERMINATED));
    }
    mini_destroy(&a);
    mini_destroy(&b);
    zx_handle_close(job);
}

// A killed job signals ZX_TASK_TERMINATED only once its processes have died: a process whose
// thread is blocked dies when that thread next reaches the kernel, and until then neither it
// nor its job is terminated (the fuzzer saw a job terminate with its process still alive).
TEST(JobTest, TerminatedOnlyAfterItsProcessesDied) {
    zx_handle_t job, proc;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(child_launch(job, "sleep", NULL, ZX_HANDLE_INVALID, &proc));
    sleep_ms(20);  // the child is now blocked in zx_nanosleep
    ASSERT_OK(zx_task_kill(job));
    ASSERT_TRUE(wait_signals(job, ZX_TASK_TERMINATED));
    zx_signals_t seen = 0;
    EXPECT_OK(zx_object_wait_one(proc, ZX_TASK_TERMINATED, 0, &seen));
    EXPECT_TRUE(seen & ZX_TASK_TERMINATED);
    zx_handle_close(proc);
    zx_handle_close(job);
}
