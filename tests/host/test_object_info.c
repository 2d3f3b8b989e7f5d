// zx_object_get_info and zx_object_get/set_property: the syscall layer's topic and property
// tables (type, rights, sizes, actual/avail) in front of the objects' own operations.
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/object.h>

#include "objects/event.h"
#include "objects/port.h"
#include "syscalls/numbers.h"
#include "tests/host/kt_env.h"

#define MAX_CALLS 16

struct info_env {
    struct kt_proc kp;
    struct th_call calls[MAX_CALLS];
    struct th_calls c;
    int n;
    uintptr_t buf, actual, avail;  // user memory
};

static void run_calls(struct th_prog *p, struct hal_uctx *u) { th_calls_step(p, u); }

static zx_status_t env_create(struct info_env *e) {
    memset(e, 0, sizeof(*e));
    e->buf = th_user_alloc(256);
    e->actual = th_user_alloc(8);
    e->avail = th_user_alloc(8);
    return kt_proc_create(&e->kp, "info");
}

// Adds a call; returns its step number (its result lands in kp.prog.ret[step]).
static int add(struct info_env *e, uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
               uint64_t a5) {
    e->calls[e->n] = (struct th_call){num, {a0, a1, a2, a3, a4, a5}};
    return e->n++;
}
static int get_info(struct info_env *e, zx_handle_t h, uint32_t topic, size_t size) {
    return add(e, ZX_SYS_object_get_info, h, topic, e->buf, size, e->actual, e->avail);
}

static zx_status_t env_run(struct info_env *e) {
    e->c = (struct th_calls){e->calls, e->n, ZX_SYS_thread_exit};
    zx_status_t st = kt_proc_start(&e->kp, run_calls, &e->c);
    if (st == ZX_OK) kt_run(false);
    return st;
}

static uint64_t user_u64(uintptr_t u) {
    uint64_t v;
    memcpy(&v, th_user_host(u), sizeof(v));
    return v;
}

static void env_destroy(struct info_env *e) {
    kt_proc_destroy(&e->kp);
    th_user_reset();
}

TEST(ObjectInfo, ListTopicsReportWhatDidNotFit) {
    struct info_env e;
    ASSERT_OK(env_create(&e));
    struct job *kids[3];
    for (int i = 0; i < 3; i++) ASSERT_OK(job_create(e.kp.job, &kids[i]));
    zx_handle_t j = kt_proc_handle(&e.kp, &e.kp.job->obj, ZX_DEFAULT_JOB_RIGHTS);
    int two = get_info(&e, j, ZX_INFO_JOB_CHILDREN, 2 * sizeof(zx_koid_t) + 4);
    ASSERT_OK(env_run(&e));
    EXPECT_OK(e.kp.prog.ret[two]);
    EXPECT_EQ(user_u64(e.actual), 2);  // what fit
    EXPECT_EQ(user_u64(e.avail), 3);   // what there is
    EXPECT_EQ(user_u64(e.buf), kids[0]->obj.koid);
    EXPECT_EQ(user_u64(e.buf + 8), kids[1]->obj.koid);
    EXPECT_EQ(user_u64(e.buf + 16), 0);  // nothing beyond
    for (int i = 0; i < 3; i++) kobj_unref(&kids[i]->obj);
    env_destroy(&e);
}

TEST(ObjectInfo, SingleRecordTopicWantsRoomForIt) {
    struct info_env e;
    ASSERT_OK(env_create(&e));
    zx_handle_t j = kt_proc_handle(&e.kp, &e.kp.job->obj, ZX_DEFAULT_JOB_RIGHTS);
    int small = get_info(&e, j, ZX_INFO_JOB, sizeof(zx_info_job_t) - 1);
    ASSERT_OK(env_run(&e));
    EXPECT_STATUS(e.kp.prog.ret[small], ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_EQ(user_u64(e.actual), 0);
    EXPECT_EQ(user_u64(e.avail), 1);
    env_destroy(&e);
}

TEST(ObjectInfo, TaskRuntimeIsForTasksOnly) {
    struct info_env e;
    ASSERT_OK(env_create(&e));
    struct kobj *ev;
    ASSERT_OK(event_create(&ev));
    zx_handle_t t = kt_proc_handle(&e.kp, &e.kp.thread->obj, ZX_DEFAULT_THREAD_RIGHTS);
    zx_handle_t p = kt_proc_handle(&e.kp, &e.kp.proc->obj, ZX_DEFAULT_PROCESS_RIGHTS);
    zx_handle_t j = kt_proc_handle(&e.kp, &e.kp.job->obj, ZX_DEFAULT_JOB_RIGHTS);
    zx_handle_t h = kt_proc_handle(&e.kp, ev, ZX_DEFAULT_EVENT_RIGHTS);
    zx_handle_t blind = kt_proc_handle(&e.kp, &e.kp.thread->obj, ZX_DEFAULT_THREAD_RIGHTS & ~ZX_RIGHT_INSPECT);
    kobj_unref(ev);
    size_t size = sizeof(zx_info_task_runtime_t);
    int thread = get_info(&e, t, ZX_INFO_TASK_RUNTIME, size);
    int process = get_info(&e, p, ZX_INFO_TASK_RUNTIME, size);
    int job = get_info(&e, j, ZX_INFO_TASK_RUNTIME, size);
    int event = get_info(&e, h, ZX_INFO_TASK_RUNTIME, size);
    int denied = get_info(&e, blind, ZX_INFO_TASK_RUNTIME, size);
    ASSERT_OK(env_run(&e));
    EXPECT_OK(e.kp.prog.ret[thread]);
    EXPECT_OK(e.kp.prog.ret[process]);
    EXPECT_OK(e.kp.prog.ret[job]);
    EXPECT_EQ(user_u64(e.buf), 0);  // the job's (the last that wrote): zc keeps no job account
    EXPECT_STATUS(e.kp.prog.ret[event], ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(e.kp.prog.ret[denied], ZX_ERR_ACCESS_DENIED);
    env_destroy(&e);
}

TEST(ObjectInfo, TypeRightsAndUnknownTopics) {
    struct info_env e;
    ASSERT_OK(env_create(&e));
    zx_handle_t p = kt_proc_handle(&e.kp, &e.kp.proc->obj, ZX_DEFAULT_PROCESS_RIGHTS);
    zx_handle_t t = kt_proc_handle(&e.kp, &e.kp.thread->obj, ZX_DEFAULT_THREAD_RIGHTS);
    zx_handle_t j = kt_proc_handle(&e.kp, &e.kp.job->obj, ZX_DEFAULT_JOB_RIGHTS & ~ZX_RIGHT_ENUMERATE);
    int wrong = get_info(&e, p, ZX_INFO_JOB_CHILDREN, 64);
    int denied = get_info(&e, j, ZX_INFO_JOB_CHILDREN, 64);
    int unknown = get_info(&e, p, 0x777, 64);
    int bad = get_info(&e, 0x12345, 0x777, 64);
    int basic = get_info(&e, t, ZX_INFO_HANDLE_BASIC, sizeof(zx_info_handle_basic_t));
    ASSERT_OK(env_run(&e));
    EXPECT_STATUS(e.kp.prog.ret[wrong], ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(e.kp.prog.ret[denied], ZX_ERR_ACCESS_DENIED);
    EXPECT_STATUS(e.kp.prog.ret[unknown], ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(e.kp.prog.ret[bad], ZX_ERR_BAD_HANDLE);
    ASSERT_OK(e.kp.prog.ret[basic]);
    zx_info_handle_basic_t info;
    memcpy(&info, th_user_host(e.buf), sizeof(info));
    EXPECT_EQ(info.koid, e.kp.thread->obj.koid);
    EXPECT_EQ(info.type, ZX_OBJ_TYPE_THREAD);
    EXPECT_EQ(info.rights, ZX_DEFAULT_THREAD_RIGHTS);
    EXPECT_EQ(info.related_koid, e.kp.proc->obj.koid);  // the thread's kobj_ops.related_koid
    env_destroy(&e);
}

static int prop(struct info_env *e, bool set, zx_handle_t h, uint32_t property, size_t size) {
    return add(e, set ? ZX_SYS_object_set_property : ZX_SYS_object_get_property, h, property, e->buf, size, 0, 0);
}

TEST(ObjectProperty, NameOnlyOnNamedObjects) {
    struct info_env e;
    ASSERT_OK(env_create(&e));
    struct kobj *ev;
    struct port *port;
    ASSERT_OK(event_create(&ev));
    ASSERT_OK(port_create(&port));
    zx_handle_t h = kt_proc_handle(&e.kp, ev, ZX_DEFAULT_EVENT_RIGHTS | ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY);
    zx_handle_t ph = kt_proc_handle(&e.kp, &port->obj, ZX_DEFAULT_PORT_RIGHTS | ZX_RIGHT_SET_PROPERTY);
    strcpy(th_user_host(e.buf), "evening");
    int set = prop(&e, true, h, ZX_PROP_NAME, 8);
    int small = prop(&e, false, h, ZX_PROP_NAME, ZX_MAX_NAME_LEN - 1);
    int unnamed = prop(&e, true, ph, ZX_PROP_NAME, 8);
    ASSERT_OK(env_run(&e));
    EXPECT_OK(e.kp.prog.ret[set]);
    EXPECT_EQ(strcmp(ev->name, "evening"), 0);
    EXPECT_STATUS(e.kp.prog.ret[small], ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_STATUS(e.kp.prog.ret[unnamed], ZX_ERR_WRONG_TYPE);
    kobj_unref(ev);
    kobj_unref(&port->obj);
    env_destroy(&e);
}

TEST(ObjectProperty, TableDecidesTypeDirectionAndSizeThenTheObjectValidates) {
    struct info_env e;
    ASSERT_OK(env_create(&e));
    zx_handle_t j = kt_proc_handle(&e.kp, &e.kp.job->obj, ZX_DEFAULT_JOB_RIGHTS);
    zx_handle_t t = kt_proc_handle(&e.kp, &e.kp.thread->obj, ZX_DEFAULT_THREAD_RIGHTS);
    zx_handle_t p = kt_proc_handle(&e.kp, &e.kp.proc->obj, ZX_DEFAULT_PROCESS_RIGHTS);
    *(uint64_t *)th_user_host(e.buf) = 2;
    int invalid = prop(&e, true, j, ZX_PROP_JOB_KILL_ON_OOM, 8);          // the job refuses 2
    int small = prop(&e, true, j, ZX_PROP_JOB_KILL_ON_OOM, 4);
    int wrong = prop(&e, false, t, ZX_PROP_JOB_KILL_ON_OOM, 8);
    int get_only = prop(&e, true, p, ZX_PROP_PROCESS_VDSO_BASE_ADDRESS, 8);
    int set_only = prop(&e, false, t, ZX_PROP_REGISTER_FS, 8);
    int unknown = prop(&e, false, t, 0x7777, 8);
    int get = prop(&e, false, j, ZX_PROP_JOB_KILL_ON_OOM, 8);
    ASSERT_OK(env_run(&e));
    EXPECT_STATUS(e.kp.prog.ret[invalid], ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(e.kp.prog.ret[small], ZX_ERR_BUFFER_TOO_SMALL);
    EXPECT_STATUS(e.kp.prog.ret[wrong], ZX_ERR_WRONG_TYPE);
    EXPECT_STATUS(e.kp.prog.ret[get_only], ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(e.kp.prog.ret[set_only], ZX_ERR_NOT_SUPPORTED);
    EXPECT_STATUS(e.kp.prog.ret[unknown], ZX_ERR_NOT_SUPPORTED);
    EXPECT_OK(e.kp.prog.ret[get]);
    EXPECT_EQ(user_u64(e.buf), 0);  // the refused value changed nothing
    EXPECT_FALSE(e.kp.job->kill_on_oom);
    env_destroy(&e);
}
