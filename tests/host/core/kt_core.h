// The kernel-only unit tests (tests/host/core/, build/host/kernel-core-tests): kernel/ linked
// with the test HAL and nothing of objects/ or syscalls/. This file stands in for the layers
// above kernel/: it registers the executor's task_ops at the syscall layer's init level, as
// syscalls/dispatch.c does, and hands each syscall trap of a task to kt_core_syscall.
#ifndef ZC_TESTS_HOST_CORE_KT_CORE_H
#define ZC_TESTS_HOST_CORE_KT_CORE_H

#include <stdint.h>

#include "kernel/sched.h"
#include "tests/host/ktest.h"

// What a test's syscall handler returns when it blocked the task (wait_block).
#define KT_BLOCKED INT64_MIN

// The syscall handler of the running test (NULL: every call is ZX_ERR_BAD_SYSCALL).
extern int64_t (*kt_core_syscall)(struct task *t, uint64_t num, const uint64_t args[8]);

// The cancel routine the executor calls through task_ops.wait_cancel (NULL: none).
extern void (*kt_core_wait_cancel)(struct waiter *w);

// Calls the executor made through the registered task_ops.
struct kt_core_calls {
    int exited, suspended;
    int run_loops;  // entries into the loop (kernel_main's sched_run, each kt_run)
};
extern struct kt_core_calls kt_core;

// A task of its own address space running a scripted program (hal/testhal/testhal.h).
struct kt_task {
    struct task task;
    struct hal_aspace as;
    struct th_prog prog;
};
// Starts t running step(prog, uctx) with prog.ctx = ctx.
zx_status_t kt_task_start(struct kt_task *t, void (*step)(struct th_prog *, struct hal_uctx *), void *ctx)
    __attribute__((warn_unused_result));
// Releases what kt_task_start took (the task must be dead or never have run).
void kt_task_destroy(struct kt_task *t);

#endif
