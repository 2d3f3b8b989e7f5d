// Thread register state in Zircon's x86_64 layouts (zx_thread_read_state/write_state), the
// syscall register convention and the initial FPU state.
// Shared by both x86_64 backends (bare metal and hal/hosted, whose struct hal_uctx has the
// same register fields and fxsave area).
#include <stddef.h>
#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/debug.h>

#include "hal/hal.h"
#include "x86.h"


void x86_fpu_flush(struct hal_uctx *u);

// The CPU exceptions by vector (trap names in kill messages).
const char *const x86_exception_names[32] = {
    "divide error", "debug exception", "NMI", "breakpoint", "overflow", "bound range exceeded",
    "invalid opcode", "device not available", "double fault", "coprocessor segment overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection fault",
    "page fault", "reserved (15)", "x87 floating-point error", "alignment check",
    "machine check", "SIMD floating-point exception", "virtualization exception",
    "control protection exception", "reserved (22)", "reserved (23)", "reserved (24)",
    "reserved (25)", "reserved (26)", "reserved (27)", "hypervisor injection",
    "VMM communication", "security exception", "reserved (31)",
};

// The syscall convention (docs/abi.md): number in rax, arguments in rdi rsi rdx r10 r8 r9 r12
// r13, result in rax.
uint64_t hal_uctx_syscall(const struct hal_uctx *u, uint64_t args[8]) {
    args[0] = u->rdi;
    args[1] = u->rsi;
    args[2] = u->rdx;
    args[3] = u->r10;
    args[4] = u->r8;
    args[5] = u->r9;
    args[6] = u->r12;
    args[7] = u->r13;
    return u->rax;
}

void hal_uctx_set_return(struct hal_uctx *u, uint64_t value) { u->rax = value; }

uintptr_t hal_uctx_pc(const struct hal_uctx *u) { return u->rip; }

// rip is the return address of SYSCALL (0f 05), also when it arrived as a page fault
// (hal/x86_64/trap.c) or as SIGSYS on the hosted backend.
void hal_uctx_restart_syscall(struct hal_uctx *u) { u->rip -= 2; }

// A fresh fxsave area: x87 control word and MXCSR at their reset values, everything else 0.
void x86_fpu_init_state(void *area) {
    memset(area, 0, 512);
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    memcpy((char *)area + 0, &fcw, 2);
    memcpy((char *)area + 24, &mxcsr, 4);
}

// (cs, ss and full_restore matter to bare metal's entry code only.)
void hal_uctx_init(struct hal_uctx *u, uintptr_t pc, uintptr_t sp, uint64_t arg1, uint64_t arg2) {
    memset(u, 0, offsetof(struct hal_uctx, fpu));
    u->rip = pc;
    u->rsp = sp;
    u->rdi = arg1;
    u->rsi = arg2;
    u->cs = USER_CS;
    u->ss = USER_DS;
    u->rflags = RFLAGS_IF | 0x2;
    u->full_restore = 1;
    x86_fpu_init_state(u->fpu);
}

static bool canonical_user(uint64_t a) { return a < X86_USER_CANONICAL_END; }

zx_status_t hal_uctx_read_state(struct hal_uctx *u, uint32_t kind, void *buf, size_t *len) {
    x86_fpu_flush(u);
    switch (kind) {
    case ZX_THREAD_STATE_GENERAL_REGS: {
        if (*len < sizeof(zx_thread_state_general_regs_t)) return ZX_ERR_BUFFER_TOO_SMALL;
        zx_thread_state_general_regs_t r = {
            .rax = u->rax, .rbx = u->rbx, .rcx = u->rcx, .rdx = u->rdx, .rsi = u->rsi, .rdi = u->rdi,
            .rbp = u->rbp, .rsp = u->rsp, .r8 = u->r8, .r9 = u->r9, .r10 = u->r10, .r11 = u->r11,
            .r12 = u->r12, .r13 = u->r13, .r14 = u->r14, .r15 = u->r15, .rip = u->rip,
            .rflags = u->rflags, .fs_base = u->fs_base, .gs_base = u->gs_base,
        };
        memcpy(buf, &r, sizeof(r));
        *len = sizeof(r);
        return ZX_OK;
    }
    case ZX_THREAD_STATE_FP_REGS: {
        if (*len < sizeof(zx_thread_state_fp_regs_t)) return ZX_ERR_BUFFER_TOO_SMALL;
        zx_thread_state_fp_regs_t r;
        memset(&r, 0, sizeof(r));
        memcpy(&r.fcw, u->fpu + 0, 2);
        memcpy(&r.fsw, u->fpu + 2, 2);
        r.ftw = u->fpu[4];
        memcpy(&r.fop, u->fpu + 6, 2);
        memcpy(&r.fip, u->fpu + 8, 8);
        memcpy(&r.fdp, u->fpu + 16, 8);
        for (int i = 0; i < 8; i++) memcpy(&r.st[i], u->fpu + 32 + 16 * i, 16);
        memcpy(buf, &r, sizeof(r));
        *len = sizeof(r);
        return ZX_OK;
    }
    case ZX_THREAD_STATE_VECTOR_REGS: {
        if (*len < sizeof(zx_thread_state_vector_regs_t)) return ZX_ERR_BUFFER_TOO_SMALL;
        zx_thread_state_vector_regs_t *r = buf;
        memset(r, 0, sizeof(*r));
        for (int i = 0; i < 16; i++) memcpy(&r->zmm[i].v[0], u->fpu + 160 + 16 * i, 16);
        memcpy(&r->mxcsr, u->fpu + 24, 4);
        *len = sizeof(*r);
        return ZX_OK;
    }
    case ZX_THREAD_STATE_DEBUG_REGS: {
        if (*len < sizeof(zx_thread_state_debug_regs_t)) return ZX_ERR_BUFFER_TOO_SMALL;
        memset(buf, 0, sizeof(zx_thread_state_debug_regs_t));  // hardware breakpoints unused
        *len = sizeof(zx_thread_state_debug_regs_t);
        return ZX_OK;
    }
    case ZX_THREAD_STATE_SINGLE_STEP: {
        if (*len < sizeof(zx_thread_state_single_step_t)) return ZX_ERR_BUFFER_TOO_SMALL;
        zx_thread_state_single_step_t v = (u->rflags & 0x100) ? 1 : 0;
        memcpy(buf, &v, sizeof(v));
        *len = sizeof(v);
        return ZX_OK;
    }
    default:
        return ZX_ERR_INVALID_ARGS;
    }
}

zx_status_t hal_uctx_write_state(struct hal_uctx *u, uint32_t kind, const void *buf, size_t len) {
    x86_fpu_flush(u);
    switch (kind) {
    case ZX_THREAD_STATE_GENERAL_REGS: {
        zx_thread_state_general_regs_t r;
        if (len != sizeof(r)) return ZX_ERR_INVALID_ARGS;
        memcpy(&r, buf, sizeof(r));
        if (!canonical_user(r.rip) || !canonical_user(r.fs_base) || !canonical_user(r.gs_base))
            return ZX_ERR_INVALID_ARGS;
        u->rax = r.rax; u->rbx = r.rbx; u->rcx = r.rcx; u->rdx = r.rdx; u->rsi = r.rsi; u->rdi = r.rdi;
        u->rbp = r.rbp; u->rsp = r.rsp; u->r8 = r.r8; u->r9 = r.r9; u->r10 = r.r10; u->r11 = r.r11;
        u->r12 = r.r12; u->r13 = r.r13; u->r14 = r.r14; u->r15 = r.r15; u->rip = r.rip;
        u->rflags = (u->rflags & ~RFLAGS_WRITABLE) | (r.rflags & RFLAGS_WRITABLE) | RFLAGS_IF | 0x2;
        u->fs_base = r.fs_base;
        u->gs_base = r.gs_base;
        u->full_restore = 1;  // every register comes back, not just the syscall's
        return ZX_OK;
    }
    case ZX_THREAD_STATE_FP_REGS: {
        zx_thread_state_fp_regs_t r;
        if (len != sizeof(r)) return ZX_ERR_INVALID_ARGS;
        memcpy(&r, buf, sizeof(r));
        memcpy(u->fpu + 0, &r.fcw, 2);
        memcpy(u->fpu + 2, &r.fsw, 2);
        u->fpu[4] = r.ftw;
        memcpy(u->fpu + 6, &r.fop, 2);
        memcpy(u->fpu + 8, &r.fip, 8);
        memcpy(u->fpu + 16, &r.fdp, 8);
        for (int i = 0; i < 8; i++) memcpy(u->fpu + 32 + 16 * i, &r.st[i], 16);
        return ZX_OK;
    }
    case ZX_THREAD_STATE_VECTOR_REGS: {
        const zx_thread_state_vector_regs_t *r = buf;
        if (len != sizeof(*r)) return ZX_ERR_INVALID_ARGS;
        if (r->mxcsr & ~0xffffu) return ZX_ERR_INVALID_ARGS;  // reserved MXCSR bits would #GP
        for (int i = 0; i < 16; i++) memcpy(u->fpu + 160 + 16 * i, &r->zmm[i].v[0], 16);
        memcpy(u->fpu + 24, &r->mxcsr, 4);
        return ZX_OK;
    }
    case ZX_THREAD_STATE_DEBUG_REGS: {
        zx_thread_state_debug_regs_t r;
        if (len != sizeof(r)) return ZX_ERR_INVALID_ARGS;
        memcpy(&r, buf, sizeof(r));
        if (r.dr7 & 0xff) return ZX_ERR_NOT_SUPPORTED;  // enabling breakpoints: not yet
        return ZX_OK;
    }
    case ZX_THREAD_STATE_SINGLE_STEP: {
        zx_thread_state_single_step_t v;
        if (len != sizeof(v)) return ZX_ERR_INVALID_ARGS;
        memcpy(&v, buf, sizeof(v));
        if (v > 1) return ZX_ERR_INVALID_ARGS;
        if (v) return ZX_ERR_NOT_SUPPORTED;  // #DB delivery to debuggers comes with exceptions
        return ZX_OK;
    }
    default:
        return ZX_ERR_INVALID_ARGS;
    }
}

zx_status_t hal_uctx_set_tls_base(struct hal_uctx *u, enum hal_tls_reg reg, uintptr_t base) {
    if (!canonical_user(base)) return ZX_ERR_INVALID_ARGS;
    if (reg == HAL_TLS_FS) u->fs_base = base;
    else u->gs_base = base;
    x86_tls_changed(u);  // the caller's own thread, from the syscall fast path
    return ZX_OK;
}
