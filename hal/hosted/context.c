// hal/hosted user contexts: running user code inside the kernel's own Linux process.
//
// Entering user mode and leaving it both go through Linux signal frames, which carry every
// register (general, flags, FPU/SSE state, signal mask) across in one step:
// - hal_context_run sends itself HOSTED_SIG_ENTER. Its handler saves the interrupted kernel
//   state (the frame) and rewrites the frame with the thread's registers; returning from the
//   handler (rt_sigreturn) starts user code.
// - User code leaves on a signal: SIGSYS for `syscall` (a seccomp filter traps every system
//   call made from the user region, so the vDSO's stubs are the bare-metal ones), SIGSEGV/SIGBUS
//   for faults, SIGILL/SIGFPE/SIGTRAP for the other exceptions, SIGALRM for the timer. The
//   handler copies the frame into the thread's uctx, fills the trap, and writes the saved
//   kernel state back into the frame: the return lands in hal_context_run after its kill.
//   A SIGSYS runs the registered syscall handler in place first (fast_syscall): most calls
//   return to user code from that handler without leaving it.
// Every handler runs on its own signal stack with all signals blocked. The kernel runs with
// SIGALRM blocked (its "interrupts disabled"); user code with nothing blocked.
#include <errno.h>
#include <immintrin.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "hal/hosted/hosted.h"
#include "hal/x86_64/x86.h"
#include "kernel/debug.h"

#define HOSTED_SIG_ENTER SIGUSR1
#define ALTSTACK_SIZE    (1024u * 1024u)
#define FPSTATE_MAX      (16u * 1024u)
#define LINUX_FP_MAGIC1 0x46505853u
#define XSTATE_BV_OFFSET 512           // the XSAVE header's first word
#define XFEATURE_X87_SSE 3ull
#define FXSAVE_ARCH_BYTES 464          // bytes 464..511 belong to software (Linux's sw_reserved)

_Static_assert(X86_VEC_SYSCALL == 0x100, "the syscall marker of hal/x86_64");

static struct hal_uctx *run_uctx;  // the thread in user mode, or the one about to enter it
static struct hal_trap *run_trap;
static bool in_user;               // the interrupted context of a signal is user code
static bool timer_pending;         // SIGALRM taken in kernel mode
static pid_t host_pid, host_tid;

// The kernel state hal_context_run left: the frame's registers, signal mask and FPU area.
static greg_t kernel_gregs[NGREG];
static sigset_t kernel_mask, user_mask;
static uint8_t kernel_fpstate[FPSTATE_MAX] __attribute__((aligned(64)));
static size_t kernel_fpsize;

static size_t fpstate_size(const void *fp) {
    uint32_t magic, size;
    memcpy(&magic, (const uint8_t *)fp + FXSAVE_ARCH_BYTES, 4);
    memcpy(&size, (const uint8_t *)fp + FXSAVE_ARCH_BYTES + 4, 4);
    return magic == LINUX_FP_MAGIC1 ? size : 512;
}

// The registers of a frame in the order of struct hal_uctx's first fields.
static const int frame_reg[] = {
    REG_R15, REG_R14, REG_R13, REG_R12, REG_R11, REG_R10, REG_R9, REG_R8,
    REG_RBP, REG_RDI, REG_RSI, REG_RDX, REG_RCX, REG_RBX, REG_RAX,
};
_Static_assert(offsetof(struct hal_uctx, rax) == 14 * 8, "uctx register order");

static void frame_to_uctx(const ucontext_t *uc, struct hal_uctx *u) {
    uint64_t *regs = &u->r15;
    for (size_t i = 0; i < countof(frame_reg); i++) regs[i] = (uint64_t)uc->uc_mcontext.gregs[frame_reg[i]];
    u->rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    u->rsp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
    u->rflags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
    u->fs_base = hosted_fs_at_signal;
    u->gs_base = _readgsbase_u64();
    memcpy(u->fpu, uc->uc_mcontext.fpregs, FXSAVE_ARCH_BYTES);
}

static void uctx_to_frame(const struct hal_uctx *u, ucontext_t *uc) {
    const uint64_t *regs = &u->r15;
    for (size_t i = 0; i < countof(frame_reg); i++) uc->uc_mcontext.gregs[frame_reg[i]] = (greg_t)regs[i];
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)u->rip;
    uc->uc_mcontext.gregs[REG_RSP] = (greg_t)u->rsp;
    uc->uc_mcontext.gregs[REG_EFL] = (greg_t)((u->rflags & RFLAGS_WRITABLE) | RFLAGS_IF | 0x2);
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    memcpy(fp, u->fpu, FXSAVE_ARCH_BYTES);
    if (fpstate_size(fp) > 512) {
        // Only x87 and SSE state is the thread's: everything else (AVX, AVX-512 ...) starts
        // from its initial state rather than the kernel's leftovers.
        uint64_t bv = XFEATURE_X87_SSE;
        memcpy(fp + XSTATE_BV_OFFSET, &bv, sizeof(bv));
    }
    _writegsbase_u64(u->gs_base);
    uc->uc_sigmask = user_mask;
}

static void save_kernel(const ucontext_t *uc) {
    memcpy(kernel_gregs, uc->uc_mcontext.gregs, sizeof(kernel_gregs));
    kernel_mask = uc->uc_sigmask;
    kernel_fpsize = fpstate_size(uc->uc_mcontext.fpregs);
    if (kernel_fpsize > sizeof(kernel_fpstate)) abort();
    memcpy(kernel_fpstate, uc->uc_mcontext.fpregs, kernel_fpsize);
}

static void restore_kernel(ucontext_t *uc) {
    memcpy(uc->uc_mcontext.gregs, kernel_gregs, sizeof(kernel_gregs));
    uc->uc_sigmask = kernel_mask;
    memcpy(uc->uc_mcontext.fpregs, kernel_fpstate, kernel_fpsize);
    in_user = false;
}

static void set_trap(enum hal_trap_kind kind, uint32_t vector, const char *name) {
    run_trap->kind = kind;
    run_trap->vector = vector;
    run_trap->name = name;
    run_trap->pc = run_uctx->rip;
    run_trap->fault_addr = 0;
    run_trap->fault_flags = 0;
    run_trap->error_code = run_uctx->error_code;
}

// A signal that interrupted user code: the trap it stands for.
static void user_trap(int sig, const siginfo_t *si, const ucontext_t *uc) {
    struct hal_uctx *u = run_uctx;
    uint64_t trapno = (uint64_t)uc->uc_mcontext.gregs[REG_TRAPNO];
    u->error_code = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
    u->vector = trapno;
    switch (sig) {
    case SIGSYS:
        if (si->si_arch != AUDIT_ARCH_X86_64) {  // int $0x80 and friends: no gate on bare metal
            u->error_code = 0;
            set_trap(HAL_TRAP_EXCEPTION, 13, x86_exception_names[13]);
            return;
        }
        u->rax = (uint64_t)si->si_syscall;  // the frame holds -ENOSYS there
        u->vector = X86_VEC_SYSCALL;
        u->error_code = 0;
        set_trap(HAL_TRAP_SYSCALL, X86_VEC_SYSCALL, "syscall");
        return;
    case SIGALRM:
        u->error_code = 0;
        set_trap(HAL_TRAP_INTERRUPT, 32, "interrupt");
        return;
    case SIGBUS:  // a physical page the memfd does not back (device memory on bare metal)
        u->error_code = 0;
        set_trap(HAL_TRAP_EXCEPTION, 18, x86_exception_names[18]);
        return;
    case SIGSEGV:
        if (trapno == 14) {
            uint64_t e = u->error_code;
            set_trap(HAL_TRAP_PAGE_FAULT, 14, "page fault");
            run_trap->fault_addr = (uintptr_t)si->si_addr;
            run_trap->fault_flags = ((e & 2) ? HAL_FAULT_WRITE : 0) | ((e & 16) ? HAL_FAULT_EXEC : 0) |
                                    ((e & 1) ? HAL_FAULT_PRESENT : 0);
            u->cr2 = run_trap->fault_addr;
            return;
        }
        break;
    default:
        break;
    }
    if (trapno >= 32) trapno = 13;
    set_trap(HAL_TRAP_EXCEPTION, (uint32_t)trapno, x86_exception_names[trapno]);
}

static __attribute__((noreturn)) void kernel_crash(int sig, const siginfo_t *si, const ucontext_t *uc) {
    char line[200];
    int n = snprintf(line, sizeof(line), "zc-hosted: kernel %s at pc %#llx, address %p\n", strsignal(sig),
                     (unsigned long long)uc->uc_mcontext.gregs[REG_RIP], si->si_addr);
    if (write(STDERR_FILENO, line, (size_t)n) < 0) {
    }
#ifdef ZC_HOSTED_FUZZ
    hosted_fuzz_fatal("kernel crash");
#endif
    signal(SIGABRT, SIG_DFL);
    abort();
}

static hal_syscall_fn syscall_handler;

// The fast path (hal.h: hal_set_syscall_handler): a SIGSYS from user code runs the call right
// here, in the signal handler, and returns to user code with the result in the frame: one
// signal delivery and one rt_sigreturn per call instead of two of each (the slow way leaves
// through hal_context_run and re-enters with HOSTED_SIG_ENTER). The handler runs as the
// kernel: in_user is false, so a SIGSEGV of a user copy (SIGSYS's handler leaves SIGSEGV and
// SIGBUS unblocked) recovers at hosted_user_copy_recover and any other is a kernel crash. A
// call that asks to stop leaves the way the slow path does, as HAL_TRAP_SYSCALL_DONE.
static uint64_t fast_syscall(const siginfo_t *si, ucontext_t *uc) {
    struct hal_uctx *u = run_uctx;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t user_fs = hosted_fs_at_signal;  // a nested signal overwrites the global
    in_user = false;
    u->fs_base = user_fs;  // hal_uctx_set_tls_base may change it during the call
    const uint64_t args[8] = {(uint64_t)g[REG_RDI], (uint64_t)g[REG_RSI], (uint64_t)g[REG_RDX],
                              (uint64_t)g[REG_R10], (uint64_t)g[REG_R8],  (uint64_t)g[REG_R9],
                              (uint64_t)g[REG_R12], (uint64_t)g[REG_R13]};
    struct hal_syscall_result r = syscall_handler(args, (uint64_t)si->si_syscall, (uintptr_t)g[REG_RIP]);
    if (likely(r.stop == HAL_SYSCALL_RETURN)) {
        g[REG_RAX] = (greg_t)r.value;
        _writegsbase_u64(u->gs_base);
        in_user = true;
        return u->fs_base;
    }
    uint64_t fs = u->fs_base;
    frame_to_uctx(uc, u);
    u->fs_base = fs;
    u->rax = r.stop == HAL_SYSCALL_STOP ? (uint64_t)r.value : (uint64_t)si->si_syscall;
    u->vector = X86_VEC_SYSCALL;
    u->error_code = 0;
    set_trap(HAL_TRAP_SYSCALL_DONE, X86_VEC_SYSCALL, "syscall");
    restore_kernel(uc);
    return hosted_kernel_fs;
}

// Called by hosted_signal_entry with the kernel's FS base loaded; returns the FS base to resume
// with.
uint64_t hosted_signal(int sig, siginfo_t *si, ucontext_t *uc);
uint64_t hosted_signal(int sig, siginfo_t *si, ucontext_t *uc) {
    int saved_errno = errno;
    uint64_t fs = hosted_kernel_fs;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (sig == HOSTED_SIG_ENTER && !in_user && run_uctx) {
        save_kernel(uc);
        uctx_to_frame(run_uctx, uc);
        in_user = true;
        fs = run_uctx->fs_base;
    } else if (sig == SIGSYS && in_user && syscall_handler && si->si_arch == AUDIT_ARCH_X86_64) {
        fs = fast_syscall(si, uc);
    } else if (in_user && sig != HOSTED_SIG_ENTER) {
        frame_to_uctx(uc, run_uctx);
        user_trap(sig, si, uc);
        restore_kernel(uc);
    } else if (sig == SIGALRM) {
        timer_pending = true;  // in hal_idle, the one place the kernel takes it
    } else if (sig == SIGSEGV && hosted_copy_rsp && hosted_in_user_region((uintptr_t)si->si_addr)) {
        hosted_copy_faulted((uintptr_t)si->si_addr);
        uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)hosted_user_copy_recover;
    } else {
        (void)pc;
        kernel_crash(sig, si, uc);
    }
    errno = saved_errno;
    return fs;
}

// Seccomp: a system call made from the user region raises SIGSYS; the kernel's own (outside
// it) run as usual.
static void seccomp_init(void) {
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)(HOSTED_USER_REGION >> 32), 0, 2),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)(HOSTED_USER_REGION_END >> 32), 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {countof(f), f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        perror("zc-hosted: seccomp");
        exit(127);
    }
}

void hosted_context_init(void) {
    host_pid = getpid();
    host_tid = (pid_t)syscall(SYS_gettid);
    hosted_kernel_fs = _readfsbase_u64();
    stack_t ss = {.ss_sp = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  .ss_size = ALTSTACK_SIZE};
    if (ss.ss_sp == MAP_FAILED || sigaltstack(&ss, NULL) != 0) {
        perror("zc-hosted: sigaltstack");
        exit(127);
    }
    struct sigaction sa = {0};
    sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))hosted_signal_entry;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    static const int sigs[] = {HOSTED_SIG_ENTER, SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGALRM};
    for (size_t i = 0; i < countof(sigs); i++) {
        // SIGSYS's handler runs system calls (fast_syscall): their user copies may fault.
        sigfillset(&sa.sa_mask);
        if (sigs[i] == SIGSYS) {
            sigdelset(&sa.sa_mask, SIGSEGV);
            sigdelset(&sa.sa_mask, SIGBUS);
        }
        if (sigaction(sigs[i], &sa, NULL) != 0) {
            perror("zc-hosted: sigaction");
            exit(127);
        }
    }
    sigemptyset(&user_mask);
    sigset_t k;
    sigemptyset(&k);
    sigaddset(&k, SIGALRM);
    sigprocmask(SIG_SETMASK, &k, NULL);
    seccomp_init();
}

// hal_uctx_init, hal_uctx_syscall, _set_return, _pc, _read_state, _write_state and
// _set_tls_base: hal/x86_64/state.c (the same register layout).

// The uctx's FPU area is always current here (a trap copies it out of the frame).
void x86_fpu_flush(struct hal_uctx *u) { (void)u; }
// A thread's FS/GS bases are loaded each time it enters user code (uctx_to_frame and the
// FS base hosted_signal returns): nothing to do when they change in between.
void x86_tls_changed(struct hal_uctx *u) { (void)u; }

void hal_set_syscall_handler(hal_syscall_fn fn) { syscall_handler = fn; }

// Direct calls (hal.h): none here (a SIGSYS carries the registers as an array anyway).
uint64_t hal_direct_regs[9];
void hal_set_syscall_direct(const hal_syscall_direct_fn *fns, unsigned count, hal_syscall_direct_stop_fn stop) {
    (void)fns;
    (void)count;
    (void)stop;
}
void hal_uctx_release(struct hal_uctx *u) { (void)u; }

void hal_context_run(struct hal_uctx *u, struct hal_trap *trap) {
    run_uctx = u;
    run_trap = trap;
    // Code outside the thread's own window would be the host's (or another process's): on
    // bare metal it would not be mapped, so it faults as an instruction fetch there.
    if (!hosted_active || u->rip < hosted_active->base || u->rip >= hosted_active->end) {
        set_trap(HAL_TRAP_PAGE_FAULT, 14, "page fault");
        trap->fault_addr = u->rip;
        trap->fault_flags = HAL_FAULT_EXEC;
        run_uctx = NULL;
        return;
    }
    syscall(SYS_tgkill, host_pid, host_tid, HOSTED_SIG_ENTER);  // returns after the trap
    run_uctx = NULL;
    if (trap->kind == HAL_TRAP_INTERRUPT) kernel_timer_interrupt();
}

void hal_idle(void) {
    sigset_t none;
    sigemptyset(&none);
    while (!timer_pending) sigsuspend(&none);
    timer_pending = false;
    kernel_timer_interrupt();
}
