// From a trap to a syscall handler, a resolved page fault, or a dead process.
#include "syscalls/numbers.h"
#include "kernel/init.h"
#include "objects/exception.h"
#include "objects/pager.h"
#include "syscalls/priv.h"
#include "syscalls/syscall_table.h"

static void kill_for_fault(struct thread *t, const struct hal_trap *trap, const char *what) {
    struct process *p = t->proc;
    if (trap->kind == HAL_TRAP_PAGE_FAULT)
        kprintf("zc: process %lu (%s) killed: %s at rip %#lx, address %#lx\n", p->obj.koid, p->obj.name,
                what, trap->pc, trap->fault_addr);
    else
        kprintf("zc: process %lu (%s) killed: %s at rip %#lx\n", p->obj.koid, p->obj.name, what, trap->pc);
    process_kill(p, ZX_TASK_RETCODE_EXCEPTION_KILL);
}

static const char *page_fault_name(unsigned f) {
    if (f & HAL_FAULT_EXEC) return (f & HAL_FAULT_PRESENT) ? "page fault (execute, protection)" : "page fault (execute, not present)";
    if (f & HAL_FAULT_WRITE) return (f & HAL_FAULT_PRESENT) ? "page fault (write, protection)" : "page fault (write, not present)";
    return (f & HAL_FAULT_PRESENT) ? "page fault (read, protection)" : "page fault (read, not present)";
}

// A job policy with an *_EXCEPTION action fired during the syscall: its result is in place;
// the thread now waits for a handler, and dies with its process if there is none.
static void raise_policy_exception(struct thread *t) {
    zx_exception_context_t ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.synth_code = t->policy_exception - 1;  // ZX_EXCP_POLICY_CODE_* == ZX_POL_* for these
    t->policy_exception = 0;
    if (exception_raise(t, ZX_EXCP_POLICY_ERROR, &ctx)) return;
    struct process *p = t->proc;
    kprintf("zc: process %lu (%s) killed: unhandled policy exception (condition %u)\n", p->obj.koid, p->obj.name,
            ctx.synth_code);
    process_kill(p, ZX_TASK_RETCODE_EXCEPTION_KILL);
}

// Every syscall, from either entry, passes here: the caller must be in the vDSO, the number
// known. Returns the handler's result (SYS_BLOCKED: the continuation will produce it).
__attribute__((noinline, cold)) static int64_t syscall_outside_vdso(uintptr_t pc) {
    struct process *p = current_process();
    kprintf("zc: process %lu (%s): syscall from outside the vDSO at %#lx\n", p->obj.koid, p->obj.name, pc);
    process_kill(p, ZX_TASK_RETCODE_VDSO_KILL);
    return ZX_ERR_BAD_STATE;  // never seen: the thread dies before user mode (kill_requested)
}

// The caller is in its process's vDSO.
static inline bool syscall_from_vdso(const struct thread *t, uintptr_t pc) {
    const struct vm_aspace *as = t->proc->as;
    return likely(pc >= as->vdso_base && pc < as->vdso_end);
}

// The thread's count and the call's number, for the stop path (pager_restart), so the fast
// path keeps nothing live.
static inline void syscall_counted(struct thread *t, uint64_t num) {
    t->syscalls++;
    t->syscall_num = num;
}

static inline int64_t syscall_dispatch(struct thread *t, uint64_t num, const uint64_t *args, uintptr_t pc) {
    if (unlikely(!syscall_from_vdso(t, pc))) return syscall_outside_vdso(pc);
    syscall_counted(t, num);
    if (unlikely(num >= ZX_SYS_COUNT)) return ZX_ERR_BAD_SYSCALL;
    int64_t r = syscall_fns[num](args);
    DEBUG_ASSERT(r == SYS_BLOCKED || t->task.state != TASK_BLOCKED);  // blocked without saying so
    return r;
}

// After the call: a policy exception it raised stops the thread in the exception.
static inline void syscall_finish(struct thread *t) {
    if (unlikely(t->policy_exception)) raise_policy_exception(t);
}

// ---- waiting for a pager in a syscall (docs/pager.md) ----

// A user copy of the syscall that just returned r hit a page a pager owes (resolve_user_fault
// recorded it and asked for the executor's attention, so the fast path stops). A call that
// failed (and so, by the validate-then-act rule, changed nothing) waits for the page and is
// issued again from the start; not a call that consumed handles (they are gone even when it
// fails), nor one that succeeded or blocked anyway: they keep their result. Returns the call's
// result: SYS_BLOCKED when it waits to go again.
__attribute__((noinline, cold)) static int64_t pager_restart(struct thread *t, uint64_t num, int64_t r) {
    uintptr_t addr = t->pager_fault_addr;
    t->pager_fault_addr = 0;
    if (t->pager_fault_seq != t->syscalls) return r;  // left by a continuation: stale
    if (r == SYS_BLOCKED || r == ZX_OK || (syscall_table[num].flags & SYSCALL_F_RELEASE)) return r;
    struct pager_request *req;
    uint64_t page;
    zx_status_t st = vm_pager_need(t->proc->as, addr, t->pager_fault_write, &req, &page);
    if (st == ZX_OK) return pager_restart_now();  // supplied meanwhile (by the call itself)
    if (st != ZX_ERR_SHOULD_WAIT) return r;
    return pager_block_restart(req, page, r);
}

// The slow entry: a syscall that reached the executor as a trap (a backend without a fast
// path, or the hypervisor case of hal/x86_64/trap.c).
static void do_syscall(struct thread *t) {
    uint64_t args[8];
    uint64_t num = hal_uctx_syscall(&t->task.uctx, args);
    int64_t r = syscall_dispatch(t, num, args, hal_uctx_pc(&t->task.uctx));
    if (unlikely(t->pager_fault_addr)) r = pager_restart(t, num, r);
    if (r == SYS_BLOCKED || t->task.kill_requested) return;  // no result now, or never
    hal_uctx_set_return(&t->task.uctx, (uint64_t)r);
    syscall_finish(t);
}

// The fast entry (hal_set_syscall_handler): runs the call before the thread's registers are
// saved, and lets it return to user mode at once unless something needs the executor (it
// blocked, was woken already, is killed, suspended or preempted, or owes a policy exception).
// A call that blocked also set sched_attention (wait_block), so one test decides.
__attribute__((noinline)) static struct hal_syscall_result syscall_stop(int64_t r) {
    struct thread *t = current_thread();
    if (unlikely(t->pager_fault_addr)) r = pager_restart(t, t->syscall_num, r);
    // No result now (the continuation will give it), or never (a killed thread).
    bool pending = r == SYS_BLOCKED || t->task.kill_requested;
    return (struct hal_syscall_result){r, pending ? HAL_SYSCALL_STOP_PENDING : HAL_SYSCALL_STOP};
}

static struct hal_syscall_result syscall_fast(const uint64_t args[8], uint64_t num, uintptr_t pc) {
    int64_t r = syscall_dispatch(current_thread(), num, args, pc);
    if (unlikely(sched_attention())) return syscall_stop(r);
    DEBUG_ASSERT(r != SYS_BLOCKED && !current_thread()->policy_exception && sched_may_return(sched_current()));
    return (struct hal_syscall_result){r, HAL_SYSCALL_RETURN};
}

// The fast entry with several CPUs (hal_set_syscall_handler_smp; docs/smp.md): called without
// the kernel lock. A call with a path for the shared hold (syscalls.def `shared`) takes the
// lock shared and tries it; that path takes the exclusive hold itself when it declines
// (syscall_table.c: d_NAME_shared). Any other call runs under the exclusive hold. The stop
// path needs the exclusive hold.
static struct hal_syscall_result syscall_fast_smp(const uint64_t args[8], uint64_t num, uintptr_t pc) {
    int64_t (*shared)(const uint64_t *) = num < ZX_SYS_COUNT ? syscall_fns_shared[num] : NULL;
    int64_t r;
    if (shared) {
        hal_kernel_lock_shared();
        struct thread *t = current_thread();
        if (unlikely(!syscall_from_vdso(t, pc))) {
            hal_kernel_lock();
            return syscall_stop(syscall_outside_vdso(pc));
        }
        syscall_counted(t, num);
        r = shared(args);
    } else {
        hal_kernel_lock();
        r = syscall_dispatch(current_thread(), num, args, pc);
    }
    if (unlikely(sched_attention())) {
        hal_kernel_lock();
        return syscall_stop(r);
    }
    DEBUG_ASSERT(r != SYS_BLOCKED && !current_thread()->policy_exception && sched_may_return(sched_current()));
    return (struct hal_syscall_result){r, HAL_SYSCALL_RETURN};
}

// ---- direct calls (priv.h) ----

// A direct call its handler declined (or one from outside the vDSO): it runs as the fast path
// runs any call, from the argument registers as the caller passed them (the HAL stops it, as
// syscall_fast would, when it asked for the executor).
int64_t syscall_direct_fallback(uint64_t num) {
    uint64_t args[8];
    uintptr_t pc = hal_syscall_direct_regs(args);
    return syscall_dispatch(current_thread(), num, args, pc);
}

// After a direct call, when the executor is wanted (hal_set_syscall_direct). A call with no
// result yet has its number as the value: the fallback counted it (syscall_dispatch), and a
// call that succeeded has a result unless its thread is killed (then no register matters).
static struct hal_syscall_result syscall_direct_stop(int64_t r) {
    struct hal_syscall_result s = syscall_stop(r);
    if (s.stop == HAL_SYSCALL_STOP_PENDING) s.value = (int64_t)current_thread()->syscall_num;
    return s;
}

// Offers the fault to exception handlers; true when one took it (the thread now waits).
static bool raise_exception(struct thread *t, const struct hal_trap *trap, zx_status_t fault_status) {
    uint32_t type;
    switch (trap->vector) {
    case 14: type = ZX_EXCP_FATAL_PAGE_FAULT; break;
    case 6: type = ZX_EXCP_UNDEFINED_INSTRUCTION; break;
    case 3: type = ZX_EXCP_SW_BREAKPOINT; break;
    case 1: type = ZX_EXCP_HW_BREAKPOINT; break;
    case 17: type = ZX_EXCP_UNALIGNED_ACCESS; break;
    default: type = ZX_EXCP_GENERAL; break;
    }
    zx_exception_context_t ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.arch.u.x86_64.vector = trap->vector;
    ctx.arch.u.x86_64.err_code = trap->error_code;
    ctx.arch.u.x86_64.cr2 = trap->fault_addr;
    if (type == ZX_EXCP_FATAL_PAGE_FAULT) ctx.synth_code = (uint32_t)fault_status;
    return exception_raise(t, type, &ctx);
}

static int64_t pager_fault_cont(struct task *task, zx_status_t reason) {
    if (reason == ZX_OK) return 0;  // keep_regs: the faulting instruction runs again
    // The pager failed the page or the VMO was detached: a fatal page fault, as for a bad
    // access. (The exception's wait replaces this one, which holds nothing.)
    struct thread *t = task_thread(task);
    const struct pager_wait_state *ps = &task->wait.state.pager;
    struct hal_trap trap = {.kind = HAL_TRAP_PAGE_FAULT, .vector = ps->vector, .fault_flags = ps->fault_flags,
                            .fault_addr = ps->fault_addr, .error_code = ps->error_code, .pc = ps->pc};
    if (!raise_exception(t, &trap, reason)) kill_for_fault(t, &trap, "page fault (pager failed the page)");
    return 0;
}

// A user page fault on a page a pager owes: the thread waits for it (no deadline, as in
// Zircon), then runs the instruction again. False when there is nothing to wait for.
__attribute__((noinline, cold)) static bool pager_fault_block(struct thread *t, const struct hal_trap *trap) {
    struct pager_request *req;
    uint64_t page;
    bool write = trap->fault_flags & HAL_FAULT_WRITE;
    if (vm_pager_need(t->proc->as, trap->fault_addr, write, &req, &page) != ZX_ERR_SHOULD_WAIT) return false;
    struct pager_wait_state *ps = &t->task.wait.state.pager;
    ps->how = PAGER_WAIT_FAULT;
    ps->vmo = NULL;
    ps->fault_addr = trap->fault_addr;
    ps->pc = trap->pc;
    ps->error_code = trap->error_code;
    ps->vector = trap->vector;
    ps->fault_flags = trap->fault_flags;
    pager_wait(&t->task, req, page, pager_fault_cont);
    t->task.wait.keep_regs = true;
    return true;
}

static void handle_trap(struct task *task, const struct hal_trap *trap) {
    struct thread *t = task_thread(task);
    switch (trap->kind) {
    case HAL_TRAP_SYSCALL_DONE:  // the fast path ran it; the result is in place
        syscall_finish(t);
        return;
    case HAL_TRAP_SYSCALL:
        do_syscall(t);
        return;
    case HAL_TRAP_INTERRUPT:
        return;
    case HAL_TRAP_PAGE_FAULT: {
        zx_status_t st = ZX_ERR_NOT_FOUND;
        if (trap->fault_addr < hal_aspace_user_end(&t->proc->as->hal)) st = vm_fault(t->proc->as, trap->fault_addr, trap->fault_flags);
        if (unlikely(st == ZX_ERR_SHOULD_WAIT) && pager_fault_block(t, trap)) return;
        if (st == ZX_OK || raise_exception(t, trap, st)) return;
        kill_for_fault(t, trap, page_fault_name(trap->fault_flags));
        return;
    }
    case HAL_TRAP_EXCEPTION:
        if (raise_exception(t, trap, ZX_OK)) return;
        kill_for_fault(t, trap, trap->name);
        return;
    }
}

// The VM side of user copies: resolve a fault in the current process.
static zx_status_t resolve_user_fault(uintptr_t addr, unsigned fault_flags) {
    zx_status_t st = vm_fault(current_process()->as, addr, fault_flags);
    if (unlikely(st == ZX_ERR_SHOULD_WAIT)) {
        // Inside a syscall handler, the call may wait for the page and restart (do_syscall);
        // in a continuation the record goes stale (the next syscall's number differs) and
        // the copy just fails.
        struct thread *t = current_thread();
        if (!t->pager_fault_addr || t->pager_fault_seq != t->syscalls) {
            t->pager_fault_seq = t->syscalls;
            t->pager_fault_addr = addr;
            t->pager_fault_write = fault_flags & HAL_FAULT_WRITE;
            sched_request_attention();  // the syscall fast path must stop: syscall_stop
        }
    }
    return st;
}

// The executor's loop (kernel/sched.h): pick a task, run it in user mode until it stops,
// handling each trap here. The steps it calls are the executor's; only exits and suspensions
// call back up, through thread_task_ops.
__attribute__((noreturn)) static void run_loop(void) {
    struct hal_trap trap;
    for (;;) {
        struct task *t = sched_pick();
        while (sched_before_user(t) == SCHED_ENTER_USER) {
            hal_context_run(&t->uctx, &trap);
            handle_trap(t, &trap);
            if (!sched_after_trap(t)) break;
        }
    }
}

static const struct task_ops thread_task_ops = {
    .exited = thread_task_exited,
    .suspended = thread_task_suspended,
    .run_loop = run_loop,
    .wait_cancel = wait_cancel,
};

// Connects the executor and the user copies to the object and syscall layers (the layers
// below call up only through these); the boot runs it at the syscall layer's init level.
void dispatch_global_init(void) {
    sched_set_task_ops(&thread_task_ops);
    hal_set_syscall_handler(syscall_fast);
    hal_set_syscall_handler_smp(syscall_fast_smp);
    hal_set_syscall_direct(syscall_direct_fns, ZX_SYS_DIRECT_COUNT, syscall_direct_stop);
    user_copy_set_fault_handler(resolve_user_fault);
}
KERNEL_INIT(dispatch_global_init, INIT_LEVEL_SYSCALLS);
