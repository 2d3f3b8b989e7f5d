// Exceptions and interrupts; running user contexts (hal_context_run).
#include <stddef.h>
#include <string.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "x86.h"

extern void x86_syscall_entry(void);

_Static_assert(offsetof(struct hal_uctx, vector) == 15 * 8, "uctx layout (entry.S)");
_Static_assert(offsetof(struct hal_uctx, ss) == 21 * 8, "uctx layout (entry.S)");
_Static_assert(offsetof(struct hal_uctx, full_restore) == 25 * 8, "uctx layout (entry.S)");
_Static_assert(offsetof(struct x86_features, smap) == 2, "x86_feat layout (entry.S)");
_Static_assert(offsetof(struct x86_percpu, kernel_rsp) == 0, "percpu layout (entry.S)");
_Static_assert(offsetof(struct x86_percpu, user_rsp) == 8, "percpu layout (entry.S)");
_Static_assert(offsetof(struct x86_percpu, uctx_top) == 16, "percpu layout (entry.S)");
_Static_assert(offsetof(struct x86_percpu, recover_rip) == 24, "percpu layout (entry.S)");
_Static_assert(offsetof(struct x86_percpu, recover_rsp) == 32, "percpu layout (entry.S)");
_Static_assert(offsetof(struct x86_percpu, self) == X86_PERCPU_SELF, "percpu layout");
_Static_assert(offsetof(struct x86_percpu, cpu) == X86_PERCPU_CPU, "percpu layout");

// A trap frame on the kernel stack: same order as the start of struct hal_uctx.
struct kframe {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

// The thread-pointer bases of u changed: load them now if u is the context in user mode on
// this CPU (or in its syscall fast path, which returns without passing through
// hal_context_run). The user's GS base goes to KERNEL_GS_BASE: the swapgs on the way out makes
// it the GS base.
void x86_tls_changed(struct hal_uctx *u) {
    struct x86_percpu *c = x86_this_cpu();
    if (c->uctx_top != (uint64_t)&u->ss + 8) return;
    if (u->fs_base != c->user_fs_base) {
        wrmsr(MSR_FS_BASE, u->fs_base);
        c->user_fs_base = u->fs_base;
    }
    if (u->gs_base != c->user_gs_base) {
        wrmsr(MSR_KERNEL_GS_BASE, u->gs_base);
        c->user_gs_base = u->gs_base;
    }
}

// entry.S: the code of user copies up to 64 bytes, and its recovery point.
extern const char x86_user_copy_small[], x86_user_copy_small_end[], x86_user_copy_fault[];

void x86_kernel_trap(struct kframe *f) {
    if (f->vector >= 32) {
        x86_irq(f->vector);  // idle or waiting for the kernel lock: its work waits (smp.c)
        return;
    }
    if (f->vector == 14 && f->rip >= (uintptr_t)x86_user_copy_small && f->rip < (uintptr_t)x86_user_copy_small_end) {
        // A small user copy (entry.S) faulted: it pushed nothing, so only the rip moves.
        x86_cpu.fault_addr = read_cr2();
        f->rip = (uintptr_t)x86_user_copy_fault;
        return;
    }
    if (f->vector == 14 && x86_cpu.recover_rip) {
        // A user copy touched a page that is not mapped (or not writable): resume at the
        // copy's recovery point with the faulting address recorded.
        x86_cpu.fault_addr = read_cr2();
        f->rip = x86_cpu.recover_rip;
        f->rsp = x86_cpu.recover_rsp;
        x86_cpu.recover_rip = 0;
        return;
    }
    uintptr_t fixup = f->vector == 14 ? x86_user_access_fixup(f->rip) : 0;
    if (fixup) {
        // An inline user access (the same stack: the access's recovery point is in its function).
        x86_cpu.fault_addr = read_cr2();
        f->rip = fixup;
        return;
    }
    panic("kernel %s (vector %lu, error %#lx) at rip %#lx, cr2 %#lx, rsp %#lx",
          x86_exception_names[f->vector], f->vector, f->error_code, f->rip,
          f->vector == 14 ? read_cr2() : 0, f->rsp);
}

// Brings u's FPU area up to date if this CPU's registers still hold its state. (With several
// CPUs no other CPU does: hal_context_leave saved it when the thread stopped there.)
void x86_fpu_flush(struct hal_uctx *u) {
    struct x86_percpu *c = x86_this_cpu();
    if (c->fpu_owner == u) {
        __asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])u->fpu));
        c->fpu_owner = NULL;  // the next run reloads it, with any change made meanwhile
    }
}

void hal_context_leave(struct hal_uctx *u) {
    if (x86_smp) x86_fpu_flush(u);  // another CPU may run it next, or read its state
}

void hal_uctx_release(struct hal_uctx *u) {
    for (unsigned cpu = 0; cpu < X86_MAX_CPUS; cpu++)
        if (x86_percpu[cpu].fpu_owner == u) x86_percpu[cpu].fpu_owner = NULL;
}

// Under an instruction-emulating hypervisor (x86_feat.kernel_emulated), SYSCALL from user mode
// can load RIP and RFLAGS from LSTAR and FMASK yet leave the vCPU in user mode, so the fetch of
// the entry point faults as a user access to a supervisor page (error code P|U|I) with the
// user's return address and flags already in rcx and r11. That fault is the syscall. Only
// taken when the boot probe found the emulator: on a real CPU or TCG such a fault is a
// program jumping at the kernel, and kills it like any other. A real SYSCALL leaves a user
// return address in rcx; a program that jumps at the entry point with another value is killed
// too (a non-canonical rip would make the iretq back fault in kernel mode, after its swapgs).
static bool syscall_left_in_user_mode(const struct hal_uctx *u) {
    static bool logged;
    if ((u->error_code & 0x1f) != 0x15 ||
        (u->rip != (uintptr_t)x86_syscall_entry && u->rip != (uintptr_t)x86_syscall_entry_smp) ||
        read_cr2() != u->rip || u->rcx >= X86_USER_CANONICAL_END)
        return false;
    if (!logged) {
        logged = true;
        kprintf("zc: cpu: SYSCALL did not leave user mode (hypervisor); taking its page fault "
                "as the syscall\n");
    }
    return true;
}

hal_syscall_fn x86_syscall_handler, x86_syscall_handler_smp;  // entry.S calls them

void hal_set_syscall_handler(hal_syscall_fn fn) { x86_syscall_handler = fn; }
void hal_set_syscall_handler_smp(hal_syscall_fn fn) { x86_syscall_handler_smp = fn; }

// Direct calls (hal.h): entry.S sends number n < x86_syscall_direct_count to
// x86_syscall_direct_fns[n] (the one-CPU entry only: with several CPUs every call takes the
// kernel lock through the fast path's handler).
#define X86_SYSCALL_DIRECT_MAX 8
uint64_t x86_syscall_direct_count;
hal_syscall_direct_fn x86_syscall_direct_fns[X86_SYSCALL_DIRECT_MAX];
hal_syscall_direct_stop_fn x86_syscall_direct_stop;

void hal_set_syscall_direct(const hal_syscall_direct_fn *fns, unsigned count, hal_syscall_direct_stop_fn stop) {
    x86_syscall_direct_stop = stop;
    if (count > X86_SYSCALL_DIRECT_MAX) panic("hal_set_syscall_direct: %u calls, at most %u", count,
                                              X86_SYSCALL_DIRECT_MAX);
    for (unsigned i = 0; i < count; i++) x86_syscall_direct_fns[i] = fns[i];
    x86_syscall_direct_count = count;
}

void hal_context_run(struct hal_uctx *u, struct hal_trap *trap) {
    DEBUG_ASSERT(x86_syscall_handler);
    struct x86_percpu *c = x86_this_cpu();
    if (c->fpu_owner != u) {
        if (c->fpu_owner) __asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])c->fpu_owner->fpu));
        __asm__ volatile("fxrstor64 %0" ::"m"(*(uint8_t(*)[512])u->fpu));
        c->fpu_owner = u;
    }
    x86_set_rsp0((uint64_t)&u->ss + 8);
    x86_tls_changed(u);
    x86_kernel_unlock();
    x86_context_enter(u);

    uint64_t v = u->vector;
    // Back in the kernel. The syscall entry's stop path holds the kernel lock already; a trap
    // or interrupt takes it now, after an interrupt's own part (which a lock holder may be
    // waiting on: a TLB shootdown).
    if (v != X86_VEC_SYSCALL_DONE) {
        if (v >= 32) x86_irq(v);
        x86_kernel_lock();
    }
    trap->pc = u->rip;
    trap->vector = (uint32_t)v;
    trap->fault_addr = 0;
    trap->fault_flags = 0;
    trap->error_code = u->error_code;
    if (likely(v == X86_VEC_SYSCALL_DONE)) {
        trap->kind = HAL_TRAP_SYSCALL_DONE;
        trap->vector = X86_VEC_SYSCALL;
        trap->name = "syscall";
    } else if (v == X86_VEC_SYSCALL) {
        trap->kind = HAL_TRAP_SYSCALL;
        trap->name = "syscall";
    } else if (v >= 32) {
        trap->kind = HAL_TRAP_INTERRUPT;
        trap->name = "interrupt";
    } else if (v == 14 && unlikely(x86_feat.kernel_emulated) && syscall_left_in_user_mode(u)) {
        // What SYSCALL would have saved is in rcx and r11; return with iretq as after a trap.
        u->rip = u->rcx;
        // Only the flags a user may set: r11 is the program's own value if it jumped here.
        u->rflags = (u->rflags & ~RFLAGS_WRITABLE) | (u->r11 & RFLAGS_WRITABLE) | RFLAGS_IF | 0x2;
        trap->pc = u->rip;
        trap->vector = X86_VEC_SYSCALL;
        trap->kind = HAL_TRAP_SYSCALL;
        trap->name = "syscall";
    } else if (v == 14) {
        trap->kind = HAL_TRAP_PAGE_FAULT;
        trap->fault_addr = read_cr2();
        uint64_t e = u->error_code;
        trap->fault_flags = ((e & 2) ? HAL_FAULT_WRITE : 0) | ((e & 16) ? HAL_FAULT_EXEC : 0) |
                            ((e & 1) ? HAL_FAULT_PRESENT : 0);
        trap->name = "page fault";
    } else {
        trap->kind = HAL_TRAP_EXCEPTION;
        trap->name = x86_exception_names[v];
    }
}
