// Trap, interrupt and syscall entry; entering user mode.
//
// A user thread's registers live in its struct hal_uctx (hal_arch.h). While it runs, TSS.rsp0
// points just past the uctx's iret frame, so an interrupt or exception from user mode pushes
// its frame straight into the uctx; the stub then pushes the general registers below it and
// returns to the kernel on the saved kernel stack, as if x86_context_enter() had returned.
// The syscall entry builds the same frame by hand. Traps taken in kernel mode (idle, user copy)
// use the ordinary kernel stack and return with iretq.
//
// Per-CPU state (x86.h, struct x86_percpu): in kernel mode the GS base is this CPU's block, and
// the user's GS base waits in KERNEL_GS_BASE. Every way in from user mode (syscall, a trap
// whose saved CS is a user one) starts with `swapgs`, every way out (sysretq, iretq to user
// mode) ends with one. Traps taken in kernel mode already have the kernel's GS. NMI and double
// fault can also arrive between an entry and its swapgs, so they decide by the GS base itself
// (paranoid_trap).

#define PERCPU_KERNEL_RSP %gs:0
#define PERCPU_USER_RSP   %gs:8
#define PERCPU_UCTX_TOP   %gs:16
#define PERCPU_RECOVER_RIP %gs:24
#define PERCPU_RECOVER_RSP %gs:32
#define PERCPU_LOCK_SHARED %gs:88  // x86.h: X86_PERCPU_LOCK_SHARED
#define PERCPU_DIRECT_RFLAGS %gs:96  // x86.h: X86_PERCPU_DIRECT_RFLAGS
#define MSR_GS_BASE       0xc0000101

#define UCTX_VECTOR       (15*8)
#define UCTX_FULL_RESTORE (15*8 + 2*8 + 5*8 + 3*8)

// STAC or CLAC: a 3-byte NOP, made the instruction at boot when SMAP is on (usercopy.c,
// x86_user_copy_init), so that no copy tests the feature.
.macro SMAP_SITE section
771: .byte 0x0f, 0x1f, 0x00
    .pushsection \section, "a"
    .balign 8
    .quad 771b
    .popsection
.endm

.macro PUSH_GPRS
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro POP_GPRS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
.endm

.macro ISR vec
    .p2align 4
isr_\vec:
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    .if (\vec == 2) || (\vec == 8)
    jmp paranoid_trap            // NMI and double fault run on IST stacks: never a uctx
    .else
    jmp trap_common
    .endif
.endm

.macro ISRADDR vec
    .quad isr_\vec
.endm

    .text
.altmacro
.set vec, 0
.rept 256
    ISR %vec
    .set vec, vec + 1
.endr

trap_common:
    testb $3, 24(%rsp)          // CS of the interrupted context
    jz kernel_trap
    // From user mode: %rsp points at uctx->vector.
    swapgs
    PUSH_GPRS
    movl $1, UCTX_FULL_RESTORE(%rsp)
    jmp back_to_kernel

kernel_trap:
    PUSH_GPRS
    cld
    mov %rsp, %rdi
    call x86_kernel_trap
    POP_GPRS
    add $16, %rsp
    iretq

// NMI and double fault: from user mode, from the kernel, or from the few instructions of an
// entry before its swapgs (or of an exit after it). The GS base says which: kernel blocks are
// upper-half addresses, a user base never is (hal_uctx_set_tls_base, write_state and the
// thread start keep it below X86_USER_CANONICAL_END, a segment load in user mode gives a
// 32-bit base, and CR4.FSGSBASE is off).
paranoid_trap:
    PUSH_GPRS
    cld
    mov $MSR_GS_BASE, %ecx
    rdmsr
    mov %edx, %ebx               // bit 31: the kernel's GS (kept across the call: callee-saved)
    test %ebx, %ebx
    js 1f
    swapgs
1:  mov %rsp, %rdi
    call x86_kernel_trap
    test %ebx, %ebx
    js 2f
    swapgs
2:  POP_GPRS
    add $16, %rsp
    iretq

// The syscall fast path (hal.h: hal_set_syscall_handler). Interrupts are off (FMASK);
// %rcx = user rip, %r11 = user rflags, %rax = number, arguments in rdi rsi rdx r10 r8 r9 and
// (7th, 8th) r12 r13. The handler runs at once on the kernel stack, below the frame that
// x86_context_enter saved, with the arguments as an array on that stack; the full register
// state is saved in the uctx only when the handler asks to stop. As on the slow path, every
// register but rax (the result), rcx and r11 comes back as it was: the argument registers from
// the array (the vDSO's inline syscalls rely on it; no kernel value leaks), the callee-saved
// ones because the C handler preserved them.
#define FAST_ARGS 0                // 8 arguments
#define FAST_NUM  64
#define FAST_RFLAGS 72
#define FAST_RIP  80
// Two copies of the entry: x86_syscall_entry for one CPU, x86_syscall_entry_smp (MSR_LSTAR
// once other CPUs run the executor, smp.c), whose handler (hal_set_syscall_handler_smp) takes
// the kernel lock, shared or exclusive, and which drops the hold before the registers come
// back. The stop path keeps the lock (exclusive, as the handler leaves it): the executor goes
// on with it.
.macro SYSCALL_ENTRY smp
    swapgs
    mov %rsp, PERCPU_USER_RSP
    mov PERCPU_KERNEL_RSP, %rsp
.if !\smp
    cmp x86_syscall_direct_count(%rip), %rax
    jb syscall_direct
.endif
    push %rcx                    // FAST_RIP
    push %r11                    // FAST_RFLAGS
    push %rax                    // FAST_NUM
    push %r13                    // the arguments, args[0] at the lowest address
    push %r12
    push %r9
    push %r8
    push %r10
    push %rdx
    push %rsi
    push %rdi
.if \smp
    mov %rsp, %rdi               // args
    mov %rax, %rsi               // num
    mov %rcx, %rdx               // pc
    call *x86_syscall_handler_smp(%rip)
.else
    mov %rsp, %rdi               // args
    mov %rax, %rsi               // num
    mov %rcx, %rdx               // pc
    call *x86_syscall_handler(%rip)
.endif
    test %rdx, %rdx              // HAL_SYSCALL_RETURN?
    jnz syscall_stop
.if \smp
    // x86_kernel_unlock (a store releases on x86): the shared hold, else the exclusive one.
    cmpl $0, PERCPU_LOCK_SHARED
    je 1f
    movl $0, PERCPU_LOCK_SHARED
    jmp 2f
1:  movl $0, x86_kernel_lock_word(%rip)
2:
.endif
    pop %rdi
    pop %rsi
    pop %rdx
    pop %r10
    pop %r8
    pop %r9
    add $24, %rsp                // r12, r13 (still live: callee-saved), number
    pop %r11                     // FAST_RFLAGS
    pop %rcx                     // FAST_RIP
    mov PERCPU_USER_RSP, %rsp
    swapgs
    sysretq
.endm

    .globl x86_syscall_entry, x86_syscall_entry_smp
x86_syscall_entry:
    SYSCALL_ENTRY 0
x86_syscall_entry_smp:
    SYSCALL_ENTRY 1

// A direct call (hal.h: hal_set_syscall_direct; one CPU). Frame from the bottom: r12 r13
// (the C ABI's stack arguments 7 and 8), rip (the 9th, the caller's pc), rdi rsi rdx r10 r8
// r9; the user rflags wait in the per-CPU block (nothing else runs until the return). The
// handler takes the argument registers as its C arguments (the 4th from r10); the frame keeps
// them for the way back and for a call it declines (hal_syscall_direct_regs). It returns the
// result; the per-CPU stop word decides the rest.
#define DIRECT_STOP_WORD %gs:72  // hal_x86_kwords: HAL_CPU_WORD_SYSCALL_STOP (hal.h)
syscall_direct:
    mov %r11, PERCPU_DIRECT_RFLAGS
    push %r9
    push %r8
    push %r10
    push %rdx
    push %rsi
    push %rdi
    push %rcx                    // rip
    push %r13
    push %r12
    mov %r10, %rcx
    call *x86_syscall_direct_fns(, %rax, 8)
    add $16, %rsp                // r12, r13 (callee-saved: still live)
    cmpq $0, DIRECT_STOP_WORD
    jne syscall_direct_stop
    pop %rcx
    pop %rdi
    pop %rsi
    pop %rdx
    pop %r10
    pop %r8
    pop %r9
    mov PERCPU_DIRECT_RFLAGS, %r11
    mov PERCPU_USER_RSP, %rsp
    swapgs
    sysretq
syscall_direct_stop:             // as syscall_stop, from this frame
    mov %rax, %rdi
    call *x86_syscall_direct_stop(%rip)  // rax: the result, or the number with none yet
    pop %rcx
    pop %rdi
    pop %rsi
    pop %rdx
    pop %r10
    pop %r8
    pop %r9
    mov PERCPU_DIRECT_RFLAGS, %r11
    jmp syscall_stop_save

syscall_stop:  // Stop: save the full state in the uctx as the slow entry would, and return to the
    // executor. rax is the result, or with HAL_SYSCALL_STOP_PENDING (no result yet) the number,
    // as the slow entry leaves it: a call that is issued again (hal_uctx_restart_syscall)
    // needs it, and the continuation sets the result otherwise.
    cmp $2, %rdx
    jne 2f
    mov FAST_NUM(%rsp), %rax
2:  pop %rdi
    pop %rsi
    pop %rdx
    pop %r10
    pop %r8
    pop %r9
    add $24, %rsp
    pop %r11
    pop %rcx
syscall_stop_save:               // rcx, r11: the user's rip and rflags; every other register as the user left it
    mov PERCPU_UCTX_TOP, %rsp
    pushq $0x1b                  // ss
    pushq PERCPU_USER_RSP        // rsp
    pushq %r11                   // rflags
    pushq $0x23                  // cs
    pushq %rcx                   // rip
    pushq $0                     // error code
    pushq $0x101                 // "vector": syscall done (X86_VEC_SYSCALL_DONE)
    PUSH_GPRS
    movl $0, UCTX_FULL_RESTORE(%rsp)

back_to_kernel:
    mov PERCPU_KERNEL_RSP, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

// void x86_context_enter(struct hal_uctx *u): runs u in user mode; "returns" when it traps.
    .globl x86_context_enter
x86_context_enter:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, PERCPU_KERNEL_RSP
    mov %rdi, %rsp
    cmpl $0, UCTX_FULL_RESTORE(%rdi)
    je 1f
    POP_GPRS
    add $16, %rsp
    swapgs
    iretq
1:  // Fast return after a syscall: rcx and r11 are the user's rip and rflags.
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    add $8, %rsp
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    add $8, %rsp
    pop %rbx
    pop %rax
    mov 16(%rsp), %rcx
    mov 32(%rsp), %r11
    mov 40(%rsp), %rsp
    swapgs
    sysretq

// int x86_user_memcpy(void *dst, const void *src, size_t len): 0, or 1 after a page fault.
// Copies with user access enabled (SMAP). A page fault inside the copy resumes at a recovery
// point: for copies up to 64 bytes, x86_kernel_trap knows the code range
// [x86_user_copy_small, x86_user_copy_small_end), which pushes nothing, so the fault's own
// stack pointer is right and nothing is recorded per copy; longer copies record theirs.
// Called from inline asm (usercopy.c), not as a C function: it keeps rdi, rsi and rdx (so a
// caller can retry with the same arguments without saving them) and clobbers only rax, rcx,
// r8-r11 and the flags.
// Up to 64 bytes are copied inline with qword moves, each size as two overlapping runs (the
// first and the last bytes; rewriting a byte with its own value is harmless): no `rep` and no
// loop. Longer copies call the selected memcpy variant, saving the registers it may use.
    .globl x86_user_memcpy, x86_user_copy_small, x86_user_copy_small_end, x86_user_copy_fault
x86_user_memcpy:
    cmp $64, %rdx
    ja 10f
x86_user_copy_small:
    SMAP_SITE .zc_stac_sites
    cmp $32, %rdx
    jb 16f
    mov (%rsi), %rax                 // 32..64 bytes: the first 32, then the last 32
    mov 8(%rsi), %rcx
    mov 16(%rsi), %r8
    mov 24(%rsi), %r9
    mov %rax, (%rdi)
    mov %rcx, 8(%rdi)
    mov %r8, 16(%rdi)
    mov %r9, 24(%rdi)
    mov -32(%rsi,%rdx), %rax
    mov -24(%rsi,%rdx), %rcx
    mov -16(%rsi,%rdx), %r8
    mov -8(%rsi,%rdx), %r9
    mov %rax, -32(%rdi,%rdx)
    mov %rcx, -24(%rdi,%rdx)
    mov %r8, -16(%rdi,%rdx)
    mov %r9, -8(%rdi,%rdx)
6:  xor %eax, %eax
    SMAP_SITE .zc_clac_sites
    ret
16: cmp $16, %rdx
    jb 20f
    mov (%rsi), %rax                 // 16..31 bytes: the first 16, then the last 16
    mov 8(%rsi), %rcx
    mov -16(%rsi,%rdx), %r8
    mov -8(%rsi,%rdx), %r9
    mov %rax, (%rdi)
    mov %rcx, 8(%rdi)
    mov %r8, -16(%rdi,%rdx)
    mov %r9, -8(%rdi,%rdx)
    jmp 6b
20: cmp $8, %rdx
    jb 21f
    mov (%rsi), %rax                 // 8..15 bytes: the first and the last qword
    mov -8(%rsi,%rdx), %rcx
    mov %rax, (%rdi)
    mov %rcx, -8(%rdi,%rdx)
    jmp 6b
21: cmp $4, %rdx
    jb 22f
    mov (%rsi), %eax                 // 4..7 bytes: the first and the last dword
    mov -4(%rsi,%rdx), %ecx
    mov %eax, (%rdi)
    mov %ecx, -4(%rdi,%rdx)
    jmp 6b
22: xor %ecx, %ecx                   // 0..3 bytes, one at a time
    jmp 24f
23: movb (%rsi,%rcx), %al
    movb %al, (%rdi,%rcx)
    inc %rcx
24: cmp %rdx, %rcx
    jb 23b
    jmp 6b
// int x86_user_copy_vec(void *dst, const void *src, size_t len): x86_user_memcpy through the
// vector registers, and it changes no general register but rax: up to 128 bytes copied with
// moves of 16 (or 8, or 4) bytes, each size as two overlapping runs, through xmm0-xmm3; longer
// copies go to x86_user_memcpy with the registers it may change saved. Only in a direct
// syscall's handler (hal_copy_*_user_direct): the vector registers are then the caller's, whom
// the C ABI lets the call change them (the FPU state is the running thread's: hal_context_run
// loaded it, and nothing else runs before the call returns).
    .globl x86_user_copy_vec
x86_user_copy_vec:
    cmp $32, %rdx
    jb 3f
    cmp $64, %rdx
    ja 2f
    SMAP_SITE .zc_stac_sites
    movdqu (%rsi), %xmm0             // 32..64 bytes: the first 32, then the last 32
    movdqu 16(%rsi), %xmm1
    movdqu -32(%rsi,%rdx), %xmm2
    movdqu -16(%rsi,%rdx), %xmm3
    movdqu %xmm0, (%rdi)
    movdqu %xmm1, 16(%rdi)
    movdqu %xmm2, -32(%rdi,%rdx)
    movdqu %xmm3, -16(%rdi,%rdx)
1:  xor %eax, %eax
    SMAP_SITE .zc_clac_sites
    ret
2:  cmp $128, %rdx
    ja 9f
    SMAP_SITE .zc_stac_sites
    movdqu (%rsi), %xmm0             // 65..128 bytes: the first 64, then the last 64
    movdqu 16(%rsi), %xmm1
    movdqu 32(%rsi), %xmm2
    movdqu 48(%rsi), %xmm3
    movdqu %xmm0, (%rdi)
    movdqu %xmm1, 16(%rdi)
    movdqu %xmm2, 32(%rdi)
    movdqu %xmm3, 48(%rdi)
    movdqu -64(%rsi,%rdx), %xmm0
    movdqu -48(%rsi,%rdx), %xmm1
    movdqu -32(%rsi,%rdx), %xmm2
    movdqu -16(%rsi,%rdx), %xmm3
    movdqu %xmm0, -64(%rdi,%rdx)
    movdqu %xmm1, -48(%rdi,%rdx)
    movdqu %xmm2, -32(%rdi,%rdx)
    movdqu %xmm3, -16(%rdi,%rdx)
    jmp 1b
3:  SMAP_SITE .zc_stac_sites
    cmp $16, %rdx
    jb 4f
    movdqu (%rsi), %xmm0             // 16..31 bytes: the first 16, then the last 16
    movdqu -16(%rsi,%rdx), %xmm1
    movdqu %xmm0, (%rdi)
    movdqu %xmm1, -16(%rdi,%rdx)
    jmp 1b
4:  cmp $8, %rdx
    jb 5f
    movq (%rsi), %xmm0               // 8..15 bytes
    movq -8(%rsi,%rdx), %xmm1
    movq %xmm0, (%rdi)
    movq %xmm1, -8(%rdi,%rdx)
    jmp 1b
5:  cmp $4, %rdx
    jb 6f
    movd (%rsi), %xmm0               // 4..7 bytes
    movd -4(%rsi,%rdx), %xmm1
    movd %xmm0, (%rdi)
    movd %xmm1, -4(%rdi,%rdx)
    jmp 1b
6:  test %rdx, %rdx                  // 0..3 bytes: the first, the middle and the last
    jz 1b
    movzbl (%rsi), %eax
    movb %al, (%rdi)
    movzbl -1(%rsi,%rdx), %eax
    movb %al, -1(%rdi,%rdx)
    cmp $3, %rdx
    jb 1b
    movzbl 1(%rsi), %eax
    movb %al, 1(%rdi)
    jmp 1b
9:  push %rcx                        // longer: x86_user_memcpy, keeping what it may change
    push %r8
    push %r9
    push %r10
    push %r11
    call x86_user_memcpy
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rcx
    ret
x86_user_copy_fault:                 // x86_kernel_trap resumes a faulting small copy here
    mov $1, %eax
    cmpb $0, x86_feat+2(%rip)        // smap (a cold path: no patched site)
    je 8f
    clac
8:  ret
x86_user_copy_small_end:

10: push %rdi
    push %rsi
    push %rdx
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    lea 2f(%rip), %rax
    mov %rax, PERCPU_RECOVER_RIP
    mov %rsp, PERCPU_RECOVER_RSP
    and $-16, %rsp               // an inline asm call leaves the alignment unknown
    SMAP_SITE .zc_stac_sites
    call *x86_user_copy_impl(%rip)
    xor %eax, %eax
    jmp 3f
2:  mov $1, %eax                  // resumed here by x86_kernel_trap after a fault
3:  SMAP_SITE .zc_clac_sites
    movq $0, PERCPU_RECOVER_RIP
    mov PERCPU_RECOVER_RSP, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %rdx
    pop %rsi
    pop %rdi
    ret

    .section .rodata
    .p2align 3
    .globl x86_isr_table
x86_isr_table:
.set vec, 0
.rept 256
    ISRADDR %vec
    .set vec, vec + 1
.endr
