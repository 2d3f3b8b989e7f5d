// Test environments: a job, a process and a thread that a scripted program (th_prog) runs as,
// plus helpers shared by the tests.
#ifndef ZC_TESTS_HOST_KT_ENV_H
#define ZC_TESTS_HOST_KT_ENV_H

#include "objects/handle.h"
#include "objects/task.h"
#include "tests/host/ktest.h"

struct kt_proc {
    struct job *job;
    struct process *proc;
    struct thread *thread;  // not started until kt_proc_start
    struct th_prog prog;
};

// A new job, process (allowed to make syscalls from TH_VDSO_PC) and thread.
zx_status_t kt_proc_create(struct kt_proc *kp, const char *name) __attribute__((warn_unused_result));
// Starts the thread running step(prog, uctx) with prog.ctx = ctx.
zx_status_t kt_proc_start(struct kt_proc *kp, void (*step)(struct th_prog *, struct hal_uctx *),
                          void *ctx) __attribute__((warn_unused_result));
// Gives the process a handle to obj (a new handle reference); returns its value (0 on failure).
zx_handle_t kt_proc_handle(struct kt_proc *kp, struct kobj *obj, zx_rights_t rights);
// Kills the process, runs the executor until everything died, drops the test's references.
void kt_proc_destroy(struct kt_proc *kp);

// Every slab cache and kmalloc size class holds its one warm slab after this, so that tests'
// page counts come back exactly.
void kt_env_warm_up(void);

#endif
