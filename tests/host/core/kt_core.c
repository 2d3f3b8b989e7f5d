// The kernel-only tests' stand-in for objects/ and syscalls/ (kt_core.h), and the runner's
// hooks (tests/host/ktest.h): the boot goes through kernel_main, so kernel/main.c's init
// levels run here as on the machine.
#include "tests/host/core/kt_core.h"

#include <setjmp.h>
#include <string.h>
#include <zircon/errors.h>

#include "kernel/heap.h"
#include "kernel/init.h"

int64_t (*kt_core_syscall)(struct task *t, uint64_t num, const uint64_t args[8]);
struct kt_core_calls kt_core;
void (*kt_core_wait_cancel)(struct waiter *w);

static void core_wait_cancel(struct waiter *w) {
    if (kt_core_wait_cancel) kt_core_wait_cancel(w);
}

static void core_exited(struct task *t) {
    kt_core.exited++;
    sched_remove(t);
}

static void core_suspended(struct task *t) { kt_core.suspended++; }

static void core_trap(struct task *t, const struct hal_trap *trap) {
    if (trap->kind == HAL_TRAP_INTERRUPT) return;
    if (trap->kind != HAL_TRAP_SYSCALL) {  // a fault or an exception: the task dies
        task_kill(t);
        return;
    }
    uint64_t args[8];
    uint64_t num = hal_uctx_syscall(&t->uctx, args);
    int64_t r = kt_core_syscall ? kt_core_syscall(t, num, args) : ZX_ERR_BAD_SYSCALL;
    if (r != KT_BLOCKED) hal_uctx_set_return(&t->uctx, (uint64_t)r);
}

// The executor's loop as sched.h draws it.
static __attribute__((noreturn)) void core_run_loop(void) {
    kt_core.run_loops++;
    struct hal_trap trap;
    for (;;) {
        struct task *t = sched_pick();
        while (sched_before_user(t) == SCHED_ENTER_USER) {
            hal_context_run(&t->uctx, &trap);
            core_trap(t, &trap);
            if (!sched_after_trap(t)) break;
        }
    }
}

static const struct task_ops core_task_ops = {
    .exited = core_exited,
    .suspended = core_suspended,
    .run_loop = core_run_loop,
    .wait_cancel = core_wait_cancel,
};

static void core_level(void) { sched_set_task_ops(&core_task_ops); }
KERNEL_INIT(core_level, INIT_LEVEL_SYSCALLS);

zx_status_t kt_task_start(struct kt_task *t, void (*step)(struct th_prog *, struct hal_uctx *), void *ctx) {
    memset(t, 0, sizeof(*t));
    zx_status_t st = hal_aspace_init(&t->as);
    if (st != ZX_OK) return st;
    task_init(&t->task, &t->as);
    t->prog.step = step;
    t->prog.ctx = ctx;
    hal_uctx_init(&t->task.uctx, TH_PROG_PC, 0, 0, (uintptr_t)&t->prog);
    sched_make_runnable(&t->task);
    return ZX_OK;
}

void kt_task_destroy(struct kt_task *t) {
    hal_uctx_release(&t->task.uctx);
    hal_aspace_destroy(&t->as);
}

// ---- the runner's hooks ----

// kernel_main runs every init level (the heap, the memcpy selection, the CPRNG, core_level),
// then the executor, which finds nothing to run: the test HAL's idle comes back here.
void kt_boot(void) {
    jmp_buf jb;
    th_idle_jmp = &jb;
    if (setjmp(jb) == 0) kernel_main();
    th_idle_jmp = NULL;
    // Every kmalloc size class holds its one warm slab, so that tests' page counts come back.
    for (size_t s = 1; s <= 3 * HAL_PAGE_SIZE; s += 8) kfree(kmalloc(s));
}

uint64_t kt_live_objects(void) { return 0; }  // no object layer
void kt_objects_snapshot(void) {}
void kt_objects_report(void) {}
