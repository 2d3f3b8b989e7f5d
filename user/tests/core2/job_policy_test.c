// zx_job_set_policy: BASIC_V1/V2 NEW_* conditions enforced on processes launched into the job
// (the create call fails with ZX_ERR_ACCESS_DENIED, or the process is killed), inheritance,
// overrides, TIMER_SLACK, and the argument checks.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/policy.h>

#include "util.h"
#include "zctest.h"

// ZX_POL_MAX and ZX_POL_ACTION_MAX are kernel-only in the public headers: one past the last
// condition (ZX_POL_NEW_IOB) and action (ZX_POL_ACTION_KILL).
#define POL_MAX (ZX_POL_NEW_IOB + 1)
#define POL_ACTION_MAX (ZX_POL_ACTION_KILL + 1)

// A new job under ours with one V1 entry.
static zx_status_t job_with_v1(uint32_t condition, uint32_t action, zx_handle_t *job) {
    zx_status_t st = zx_job_create(zx_job_default(), 0, job);
    if (st != ZX_OK)
        return st;
    zx_policy_basic_v1_t pol = {.condition = condition, .policy = action};
    st = zx_job_set_policy(*job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1);
    if (st != ZX_OK)
        zx_handle_close(*job);
    return st;
}

static void kill_close(zx_handle_t job) {
    zx_task_kill(job);
    zx_handle_close(job);
}

// The return code of `--child create TYPE` run in `job`: the status of the create call.
static int64_t create_in(zx_handle_t job, const char *type) {
    int64_t rc = INT64_MIN;
    if (child_run(job, "create", type, &rc) != ZX_OK)
        return INT64_MIN;
    return rc;
}

struct deny_case {
    uint32_t condition;
    const char *type;
};

static void deny_one(uint32_t condition, const char *type) {
    zx_handle_t job;
    ASSERT_OK(job_with_v1(condition, ZX_POL_ACTION_DENY, &job));
    EXPECT_EQ(create_in(job, type), ZX_ERR_ACCESS_DENIED);
    kill_close(job);
}

TEST(JobPolicyTest, DenyNewVmo) {
    deny_one(ZX_POL_NEW_VMO, "vmo");
}
TEST(JobPolicyTest, DenyNewChannel) {
    deny_one(ZX_POL_NEW_CHANNEL, "channel");
}
TEST(JobPolicyTest, DenyNewEvent) {
    deny_one(ZX_POL_NEW_EVENT, "event");
}
TEST(JobPolicyTest, DenyNewEventPair) {
    deny_one(ZX_POL_NEW_EVENTPAIR, "eventpair");
}
TEST(JobPolicyTest, DenyNewPort) {
    deny_one(ZX_POL_NEW_PORT, "port");
}
TEST(JobPolicyTest, DenyNewSocket) {
    deny_one(ZX_POL_NEW_SOCKET, "socket");
}
TEST(JobPolicyTest, DenyNewFifo) {
    deny_one(ZX_POL_NEW_FIFO, "fifo");
}
TEST(JobPolicyTest, DenyNewTimer) {
    deny_one(ZX_POL_NEW_TIMER, "timer");
}
TEST(JobPolicyTest, DenyNewProcess) {
    deny_one(ZX_POL_NEW_PROCESS, "process");
}

TEST(JobPolicyTest, DenyOnlyAffectsItsCondition) {
    zx_handle_t job;
    ASSERT_OK(job_with_v1(ZX_POL_NEW_EVENT, ZX_POL_ACTION_DENY, &job));
    EXPECT_EQ(create_in(job, "channel"), ZX_OK);
    EXPECT_EQ(create_in(job, "vmo"), ZX_OK);
    kill_close(job);
}

TEST(JobPolicyTest, AllowIsTheDefault) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    int64_t rc = -1;
    ASSERT_OK(child_run(job, "create-all", NULL, &rc));
    EXPECT_EQ(rc, 0);  // nothing denied
    kill_close(job);
}

TEST(JobPolicyTest, NewAnyDeniesEveryNewCondition) {
    zx_handle_t job;
    ASSERT_OK(job_with_v1(ZX_POL_NEW_ANY, ZX_POL_ACTION_DENY, &job));
    int64_t rc = -1;
    ASSERT_OK(child_run(job, "create-all", NULL, &rc));
    EXPECT_EQ(rc, 0x1ff);  // all nine kinds of child.c denied
    kill_close(job);
}

TEST(JobPolicyTest, BasicV2Deny) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v2_t pol[2] = {
        {.condition = ZX_POL_NEW_SOCKET,
         .action = ZX_POL_ACTION_DENY,
         .flags = ZX_POL_OVERRIDE_DENY},
        {.condition = ZX_POL_NEW_FIFO,
         .action = ZX_POL_ACTION_DENY,
         .flags = ZX_POL_OVERRIDE_ALLOW},
    };
    ASSERT_OK(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V2, pol, 2));
    EXPECT_EQ(create_in(job, "socket"), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(create_in(job, "fifo"), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(create_in(job, "event"), ZX_OK);
    kill_close(job);
}

TEST(JobPolicyTest, KillActionKillsTheProcess) {
    zx_handle_t job;
    ASSERT_OK(job_with_v1(ZX_POL_NEW_EVENT, ZX_POL_ACTION_KILL, &job));
    EXPECT_EQ(create_in(job, "event"), ZX_TASK_RETCODE_POLICY_KILL);
    kill_close(job);
}

TEST(JobPolicyTest, PolicyIsInheritedByChildJobs) {
    zx_handle_t job, child, grandchild;
    ASSERT_OK(job_with_v1(ZX_POL_NEW_TIMER, ZX_POL_ACTION_DENY, &job));
    ASSERT_OK(zx_job_create(job, 0, &child));
    ASSERT_OK(zx_job_create(child, 0, &grandchild));
    EXPECT_EQ(create_in(grandchild, "timer"), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(create_in(grandchild, "port"), ZX_OK);
    zx_handle_close(grandchild);
    zx_handle_close(child);
    kill_close(job);
}

TEST(JobPolicyTest, CallerPolicyNotTargetJobPolicy) {
    // The policy is the caller's: we (in an unrestricted job) may create processes in a job
    // that denies NEW_PROCESS.
    zx_handle_t job, proc, vmar;
    ASSERT_OK(job_with_v1(ZX_POL_NEW_PROCESS, ZX_POL_ACTION_DENY, &job));
    EXPECT_OK(zx_process_create(job, "p", 1, 0, &proc, &vmar));
    zx_handle_close(vmar);
    zx_handle_close(proc);
    kill_close(job);
}

// ---- overrides ----

TEST(JobPolicyTest, OverrideDenyAbsoluteConflictFails) {
    zx_handle_t job, child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v2_t deny = {
        .condition = ZX_POL_NEW_EVENT, .action = ZX_POL_ACTION_DENY, .flags = ZX_POL_OVERRIDE_DENY};
    ASSERT_OK(zx_job_set_policy(job, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, &deny, 1));
    ASSERT_OK(zx_job_create(job, 0, &child));
    zx_policy_basic_v2_t allow = {.condition = ZX_POL_NEW_EVENT,
                                  .action = ZX_POL_ACTION_ALLOW,
                                  .flags = ZX_POL_OVERRIDE_ALLOW};
    EXPECT_STATUS(zx_job_set_policy(child, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, &allow, 1),
                  ZX_ERR_ALREADY_EXISTS);
    EXPECT_EQ(create_in(child, "event"), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(child);
    kill_close(job);
}

TEST(JobPolicyTest, OverrideDenyRelativeConflictIgnored) {
    zx_handle_t job, child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v2_t deny = {
        .condition = ZX_POL_NEW_EVENT, .action = ZX_POL_ACTION_DENY, .flags = ZX_POL_OVERRIDE_DENY};
    ASSERT_OK(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V2, &deny, 1));
    ASSERT_OK(zx_job_create(job, 0, &child));
    zx_policy_basic_v2_t allow = {.condition = ZX_POL_NEW_EVENT,
                                  .action = ZX_POL_ACTION_ALLOW,
                                  .flags = ZX_POL_OVERRIDE_ALLOW};
    // RELATIVE: "policy is applied for the conditions not specifically overridden by the parent".
    EXPECT_OK(zx_job_set_policy(child, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V2, &allow, 1));
    EXPECT_EQ(create_in(child, "event"), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(child);
    kill_close(job);
}

TEST(JobPolicyTest, OverrideAllowLetsChildRelax) {
    zx_handle_t job, child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v2_t deny = {.condition = ZX_POL_NEW_CHANNEL,
                                 .action = ZX_POL_ACTION_DENY,
                                 .flags = ZX_POL_OVERRIDE_ALLOW};
    ASSERT_OK(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V2, &deny, 1));
    ASSERT_OK(zx_job_create(job, 0, &child));
    zx_policy_basic_v2_t allow = {.condition = ZX_POL_NEW_CHANNEL,
                                  .action = ZX_POL_ACTION_ALLOW,
                                  .flags = ZX_POL_OVERRIDE_ALLOW};
    EXPECT_OK(zx_job_set_policy(child, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_BASIC_V2, &allow, 1));
    EXPECT_EQ(create_in(child, "channel"), ZX_OK);
    EXPECT_EQ(create_in(job, "channel"), ZX_ERR_ACCESS_DENIED);
    zx_handle_close(child);
    kill_close(job);
}

// ---- when a policy can be set ----

// "ZX_ERR_BAD_STATE  the job has existing jobs or processes alive."
TEST(JobPolicyTest, JobWithProcessIsBadState) {
    zx_handle_t job, proc, vmar;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_process_create(job, "p", 1, 0, &proc, &vmar));
    zx_policy_basic_v1_t pol = {.condition = ZX_POL_NEW_EVENT, .policy = ZX_POL_ACTION_DENY};
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1),
                  ZX_ERR_BAD_STATE);
    zx_policy_timer_slack_t slack = {.min_slack = ZX_USEC(10), .default_mode = ZX_TIMER_SLACK_LATE};
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_TIMER_SLACK, &slack, 1),
                  ZX_ERR_BAD_STATE);
    zx_handle_close(vmar);
    zx_handle_close(proc);
    kill_close(job);
}

TEST(JobPolicyTest, JobWithChildJobIsBadState) {
    zx_handle_t job, child;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    ASSERT_OK(zx_job_create(job, 0, &child));
    zx_policy_basic_v1_t pol = {.condition = ZX_POL_NEW_EVENT, .policy = ZX_POL_ACTION_DENY};
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1),
                  ZX_ERR_BAD_STATE);
    // The child job itself is empty: its policy may change.
    EXPECT_OK(zx_job_set_policy(child, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1));
    zx_handle_close(child);
    kill_close(job);
}

TEST(JobPolicyTest, SetTwiceOnEmptyJob) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v1_t a = {.condition = ZX_POL_NEW_EVENT, .policy = ZX_POL_ACTION_DENY};
    zx_policy_basic_v1_t b = {.condition = ZX_POL_NEW_PORT, .policy = ZX_POL_ACTION_DENY};
    EXPECT_OK(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &a, 1));
    EXPECT_OK(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &b, 1));
    EXPECT_EQ(create_in(job, "event"), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(create_in(job, "port"), ZX_ERR_ACCESS_DENIED);
    kill_close(job);
}

// ---- argument checks ----

TEST(JobPolicyTest, BadOptionsAndTopic) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v1_t pol = {.condition = ZX_POL_NEW_EVENT, .policy = ZX_POL_ACTION_DENY};
    EXPECT_STATUS(zx_job_set_policy(job, 7, ZX_JOB_POL_BASIC_V1, &pol, 1), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, 0x1234, &pol, 1),
                  ZX_ERR_INVALID_ARGS);
    // "*count* was 0" is invalid.
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 0),
                  ZX_ERR_INVALID_ARGS);
    // None of that changed the policy.
    EXPECT_EQ(create_in(job, "event"), ZX_OK);
    kill_close(job);
}

TEST(JobPolicyTest, BadPolicyPointers) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, NULL, 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, KERNEL_PTR, 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V2, UNMAPPED_PTR, 1),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(
        zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_TIMER_SLACK, UNMAPPED_PTR, 1),
        ZX_ERR_INVALID_ARGS);
    kill_close(job);
}

// "ZX_ERR_OUT_OF_RANGE *count* is bigger than ZX_POL_MAX or *condition* is bigger than
// ZX_POL_MAX." (we use values well above ZX_POL_MAX so that "bigger" is unambiguous)
TEST(JobPolicyTest, CountOrConditionTooBig) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v1_t pols[POL_MAX + 2];
    for (uint32_t i = 0; i < POL_MAX + 2; i++) {
        pols[i].condition = ZX_POL_NEW_EVENT;
        pols[i].policy = ZX_POL_ACTION_ALLOW;
    }
    EXPECT_STATUS(
        zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, pols, POL_MAX + 2),
        ZX_ERR_OUT_OF_RANGE);
    zx_policy_basic_v1_t bad = {.condition = POL_MAX + 100, .policy = ZX_POL_ACTION_DENY};
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &bad, 1),
                  ZX_ERR_OUT_OF_RANGE);
    kill_close(job);
}

// "ZX_ERR_NOT_SUPPORTED an entry in *policy* has an invalid value." (an unknown action)
TEST(JobPolicyTest, InvalidActionNotSupported) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_basic_v1_t bad = {.condition = ZX_POL_NEW_EVENT, .policy = POL_ACTION_MAX + 3};
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &bad, 1),
                  ZX_ERR_NOT_SUPPORTED);
    zx_policy_basic_v2_t bad2 = {
        .condition = ZX_POL_NEW_EVENT, .action = 99, .flags = ZX_POL_OVERRIDE_ALLOW};
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V2, &bad2, 1),
                  ZX_ERR_NOT_SUPPORTED);
    EXPECT_EQ(create_in(job, "event"), ZX_OK);
    kill_close(job);
}

TEST(JobPolicyTest, HandleChecks) {
    zx_policy_basic_v1_t pol = {.condition = ZX_POL_NEW_EVENT, .policy = ZX_POL_ACTION_DENY};
    EXPECT_STATUS(
        zx_job_set_policy(BOGUS_HANDLE, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1),
        ZX_ERR_BAD_HANDLE);
    zx_handle_t ev;
    ASSERT_OK(zx_event_create(0, &ev));
    EXPECT_STATUS(zx_job_set_policy(ev, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1),
                  ZX_ERR_WRONG_TYPE);
    zx_handle_close(ev);
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_handle_t weak = dup_rights(job, ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_SET_POLICY);
    ASSERT_NE(weak, ZX_HANDLE_INVALID);
    EXPECT_STATUS(zx_job_set_policy(weak, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_BASIC_V1, &pol, 1),
                  ZX_ERR_ACCESS_DENIED);
    zx_handle_close(weak);
    kill_close(job);
}

// ---- timer slack ----

TEST(JobPolicyTest, TimerSlack) {
    zx_handle_t job;
    ASSERT_OK(zx_job_create(zx_job_default(), 0, &job));
    zx_policy_timer_slack_t slack = {.min_slack = ZX_USEC(200),
                                     .default_mode = ZX_TIMER_SLACK_LATE};
    EXPECT_OK(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_TIMER_SLACK, &slack, 1));
    // "options must be ZX_JOB_POL_RELATIVE and count must be 1".
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_ABSOLUTE, ZX_JOB_POL_TIMER_SLACK, &slack, 1),
                  ZX_ERR_INVALID_ARGS);
    zx_policy_timer_slack_t two[2] = {slack, slack};
    EXPECT_STATUS(zx_job_set_policy(job, ZX_JOB_POL_RELATIVE, ZX_JOB_POL_TIMER_SLACK, two, 2),
                  ZX_ERR_INVALID_ARGS);
    // Processes of the job still run and their timers still fire.
    int64_t rc = -1;
    EXPECT_OK(child_run(job, "exit", "5", &rc));
    EXPECT_EQ(rc, 5);
    kill_close(job);
}

// ---- exception actions (when exceptions exist) ----
#if defined(ZX_SYS_task_create_exception_channel) && defined(ZX_SYS_exception_get_thread)
#include <zircon/syscalls/exception.h>

// Runs `--child create event` in a job whose NEW_EVENT action is `action`, with a job exception
// channel when `handle_it`. The handler expects one ZX_EXCP_POLICY_ERROR (NEW_EVENT) and
// resumes it with HANDLED. *saw_exception tells whether the exception arrived.
static void policy_exception_run(uint32_t action, bool handle_it, int64_t *rc,
                                 bool *saw_exception) {
    *rc = INT64_MIN;
    *saw_exception = false;
    zx_handle_t job, ch = ZX_HANDLE_INVALID, proc;
    ASSERT_OK(job_with_v1(ZX_POL_NEW_EVENT, action, &job));
    if (handle_it)
        ASSERT_OK(zx_task_create_exception_channel(job, 0, &ch));
    ASSERT_OK(child_launch(job, "create", "event", ZX_HANDLE_INVALID, &proc));
    if (handle_it) {
        // Whichever comes first: the exception, or the end of the child.
        zx_wait_item_t items[2] = {{.handle = ch, .waitfor = ZX_CHANNEL_READABLE},
                                   {.handle = proc, .waitfor = ZX_PROCESS_TERMINATED}};
        EXPECT_OK(zx_object_wait_many(items, 2, zx_deadline_after(LONG_WAIT)));
        if (items[0].pending & ZX_CHANNEL_READABLE) {
            zx_exception_info_t info;
            zx_handle_t exc, thread;
            uint32_t nb, nh;
            ASSERT_OK(zx_channel_read(ch, 0, &info, &exc, sizeof(info), 1, &nb, &nh));
            *saw_exception = true;
            EXPECT_EQ(info.type, ZX_EXCP_POLICY_ERROR);
            EXPECT_EQ(info.pid, handle_koid(proc));
            ASSERT_OK(zx_exception_get_thread(exc, &thread));
            zx_exception_report_t report;
            EXPECT_OK(zx_object_get_info(thread, ZX_INFO_THREAD_EXCEPTION_REPORT, &report,
                                         sizeof(report), NULL, NULL));
            EXPECT_EQ(report.header.type, ZX_EXCP_POLICY_ERROR);
            EXPECT_EQ(report.context.synth_code, ZX_EXCP_POLICY_CODE_NEW_EVENT);
            zx_handle_close(thread);
            uint32_t state = ZX_EXCEPTION_STATE_HANDLED;
            EXPECT_OK(zx_object_set_property(exc, ZX_PROP_EXCEPTION_STATE, &state, sizeof(state)));
            zx_handle_close(exc);
        }
    }
    EXPECT_OK(process_wait(proc, rc));
    zx_handle_close(proc);
    if (ch != ZX_HANDLE_INVALID)
        zx_handle_close(ch);
    kill_close(job);
}

// "ZX_POL_ACTION_ALLOW_EXCEPTION generate an exception via the debug port. An exception
// generated this way acts as a breakpoint. The thread may be resumed after the exception. Once
// resumed, the condition triggering the exception will be allowed to complete".
TEST(JobPolicyTest, AllowExceptionRaisesThenAllows) {
    int64_t rc;
    bool saw;
    policy_exception_run(ZX_POL_ACTION_ALLOW_EXCEPTION, true, &rc, &saw);
    EXPECT_TRUE(saw);
    EXPECT_EQ(rc, ZX_OK);
}

// "ZX_POL_ACTION_DENY_EXCEPTION just like ZX_POL_ACTION_ALLOW_EXCEPTION, but after resuming,
// the condition will be denied, usually resulting in ZX_ERR_ACCESS_DENIED."
TEST(JobPolicyTest, DenyExceptionRaisesThenDenies) {
    int64_t rc;
    bool saw;
    policy_exception_run(ZX_POL_ACTION_DENY_EXCEPTION, true, &rc, &saw);
    EXPECT_TRUE(saw);
    EXPECT_EQ(rc, ZX_ERR_ACCESS_DENIED);
}

// "Architectural and policy exceptions are considered fatal, and will cause the process to be
// killed if they are unhandled."
TEST(JobPolicyTest, UnhandledPolicyExceptionKills) {
    int64_t rc;
    bool saw;
    policy_exception_run(ZX_POL_ACTION_ALLOW_EXCEPTION, false, &rc, &saw);
    EXPECT_EQ(rc, ZX_TASK_RETCODE_EXCEPTION_KILL);
}
#endif
