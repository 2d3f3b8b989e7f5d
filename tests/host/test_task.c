// Jobs, processes and threads (objects/task.c): lifecycle without user code.
#include <zircon/rights.h>

#include "objects/event.h"
#include "tests/host/kt_env.h"

static int owner;

TEST(Task, UnstartedProcessDiesWithItsLastHandle) {
    struct job *j;
    ASSERT_OK(job_create(NULL, &j));
    struct process *p;
    uint64_t aspaces = th_mmu_live;
    ASSERT_OK(process_create(j, "p", &p));
    EXPECT_EQ(th_mmu_live, aspaces + 1);
    EXPECT_EQ(p->state, PROC_INITIAL);
    struct thread *t;
    ASSERT_OK(thread_create(p, "t", &t));
    struct handle_table ht;
    handle_table_init(&ht, &owner);
    zx_handle_t h;
    ASSERT_OK(handle_add(&ht, &p->obj, ZX_DEFAULT_PROCESS_RIGHTS, &h));
    kobj_unref(&p->obj);
    kobj_ref(&p->obj);  // keep looking at it
    ASSERT_OK(handle_close(&ht, h));
    EXPECT_EQ(p->state, PROC_DEAD);
    EXPECT_TRUE(p->obj.signals & ZX_TASK_TERMINATED);
    EXPECT_EQ(t->task.state, TASK_DEAD);
    EXPECT_TRUE(t->obj.signals & ZX_THREAD_TERMINATED);
    EXPECT_TRUE(p->as->dead);
    kobj_unref(&t->obj);
    kobj_unref(&p->obj);
    EXPECT_EQ(th_mmu_live, aspaces);  // the address space went with the process
    handle_table_destroy(&ht);
    kobj_unref(&j->obj);
}

TEST(Task, ProcessHandlesAreReleasedAtDeath) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "holder"));
    uint64_t events = kobj_live[ZX_OBJ_TYPE_EVENT];
    for (int i = 0; i < 40; i++) {
        struct kobj *e;
        ASSERT_OK(event_create(&e));
        kt_proc_handle(&kp, e, ZX_DEFAULT_EVENT_RIGHTS);
        kobj_unref(e);
    }
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_EVENT], events + 40);
    process_kill(kp.proc, 3);
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_EVENT], events);
    EXPECT_EQ(kp.proc->return_code, 3);
    kt_proc_destroy(&kp);
}

TEST(Task, ThreadStateChecks) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "states"));
    ASSERT_OK(thread_start(kp.thread, HAL_USER_BASE, 0, 0, 0));
    EXPECT_STATUS(thread_start(kp.thread, HAL_USER_BASE, 0, 0, 0), ZX_ERR_BAD_STATE);
    EXPECT_EQ(kp.proc->state, PROC_RUNNING);
    EXPECT_TRUE(kp.thread->obj.signals & ZX_THREAD_RUNNING);
    process_kill(kp.proc, 0);
    kt_run(false);
    EXPECT_EQ(kp.proc->state, PROC_DEAD);
    struct thread *t2;
    EXPECT_STATUS(thread_create(kp.proc, "late", &t2), ZX_ERR_BAD_STATE);
    EXPECT_TRUE(kp.thread->task.uctx.released == false);  // the thread object still lives
    kt_proc_destroy(&kp);
}

TEST(Task, ThreadObjectReleasesItsContext) {
    struct kt_proc kp;
    ASSERT_OK(kt_proc_create(&kp, "uctx"));
    struct thread *t = kp.thread;
    kobj_ref(&t->obj);
    struct hal_uctx *u = &t->task.uctx;
    ASSERT_OK(thread_start(t, HAL_USER_BASE, 0, 0, 0));
    process_kill(kp.proc, 0);
    kt_run(false);
    EXPECT_FALSE(u->released);
    kt_proc_destroy(&kp);  // drops the test's creation reference
    EXPECT_FALSE(u->released);  // ... ours still holds it
    uint64_t threads = kobj_live[ZX_OBJ_TYPE_THREAD];
    // The last reference: hal_uctx_release runs before the memory goes (checked by ASan too).
    kobj_unref(&t->obj);
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_THREAD], threads - 1);
}

TEST(Task, JobTreeKeepsParentsAlive) {
    struct job *root, *child;
    ASSERT_OK(job_create(NULL, &root));
    ASSERT_OK(job_create(root, &child));
    EXPECT_EQ((uintptr_t)child->parent, (uintptr_t)root);
    EXPECT_EQ(root->obj.refcount, 2);
    uint64_t jobs = kobj_live[ZX_OBJ_TYPE_JOB];
    kobj_unref(&root->obj);
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_JOB], jobs);  // the child holds it
    kobj_unref(&child->obj);
    EXPECT_EQ(kobj_live[ZX_OBJ_TYPE_JOB], jobs - 2);
}

TEST(Task, ProcessCreateUnderAllocationFailures) {
    struct job *j;
    ASSERT_OK(job_create(NULL, &j));
    for (int64_t n = 0; n < 50; n++) {
        struct kt_counts before;
        kt_counts_get(&before);
        struct process *p;
        kt_fail_alloc_at(n);
        zx_status_t st = process_create(j, "p", &p);
        kt_fail_alloc_at(-1);
        if (st == ZX_OK) {
            process_kill(p, 0);
            kobj_unref(&p->obj);
            EXPECT_NO_LEAKS(&before);
            break;
        }
        EXPECT_STATUS(st, ZX_ERR_NO_MEMORY);
        EXPECT_NO_LEAKS(&before);
    }
    kobj_unref(&j->obj);
}
