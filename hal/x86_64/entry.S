// Trap, interrupt and syscall entry; entering user mode.
//
// A user thread's registers live in its struct hal_uctx (hal_arch.h). While it runs, TSS.rsp0
// points just past the uctx's iret frame, so an interrupt or exception from user mode pushes
// its frame straight into the uctx; the stub then pushes the general registers below it and
// returns to the kernel on the saved kernel stack, as if x86_context_enter() had returned.
// The syscall entry builds the same frame by hand. Traps taken in kernel mode (idle, user copy)
// use the ordinary kernel stack and return with iretq.

#define PERCPU_KERNEL_RSP x86_cpu+0
#define PERCPU_USER_RSP   x86_cpu+8
#define PERCPU_UCTX_TOP   x86_cpu+16

#define UCTX_VECTOR       (15*8)
#define UCTX_FULL_RESTORE (15*8 + 2*8 + 5*8 + 3*8)

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
    jmp kernel_trap              // NMI and double fault run on IST stacks: never a uctx
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
    .globl x86_syscall_entry
x86_syscall_entry:
    mov %rsp, PERCPU_USER_RSP(%rip)
    mov PERCPU_KERNEL_RSP(%rip), %rsp
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
    mov %rax, %rdi               // num
    mov %rsp, %rsi               // args
    mov %rcx, %rdx               // pc
    call *x86_syscall_handler(%rip)
    test %rdx, %rdx              // HAL_SYSCALL_RETURN?
    jnz 1f
    pop %rdi
    pop %rsi
    pop %rdx
    pop %r10
    pop %r8
    pop %r9
    add $24, %rsp                // r12, r13 (still live: callee-saved), number
    pop %r11                     // FAST_RFLAGS
    pop %rcx                     // FAST_RIP
    mov PERCPU_USER_RSP(%rip), %rsp
    sysretq
1:  // Stop: save the full state in the uctx as the slow entry would, and return to the
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
    mov PERCPU_UCTX_TOP(%rip), %rsp
    pushq $0x1b                  // ss
    pushq PERCPU_USER_RSP(%rip)  // rsp
    pushq %r11                   // rflags
    pushq $0x23                  // cs
    pushq %rcx                   // rip
    pushq $0                     // error code
    pushq $0x101                 // "vector": syscall done (X86_VEC_SYSCALL_DONE)
    PUSH_GPRS
    movl $0, UCTX_FULL_RESTORE(%rsp)

back_to_kernel:
    mov PERCPU_KERNEL_RSP(%rip), %rsp
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
    mov %rsp, PERCPU_KERNEL_RSP(%rip)
    mov %rdi, %rsp
    cmpl $0, UCTX_FULL_RESTORE(%rdi)
    je 1f
    POP_GPRS
    add $16, %rsp
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
    sysretq

// int x86_user_memcpy_{smap,nosmap}(void *dst, const void *src, size_t len): 0, or 1 after a
// page fault. Copies with user access enabled (STAC/CLAC in the smap variant; usercopy.c picks
// the variant at boot, so neither tests the feature on every copy). A page fault inside the
// copy resumes at the recovery point (x86_kernel_trap restores the stack pointer recorded here
// and clears the recovery point).
// Up to 64 bytes are copied inline with scratch registers only, without a loop: the first and
// the last 1, 4, 8, 16 or 32 bytes (overlapping writes of the same bytes are harmless; user and
// kernel buffers never overlap). Syscall arguments are such small fixed-size records (a port
// packet, a handle value), and a loop or `rep movsb` would cost an instruction per iteration.
// Longer copies call the selected memcpy variant, saving the callee-saved registers it might
// leave half-updated.
.macro USER_MEMCPY name, smap
    .globl \name
\name:
    cmp $64, %rdx
    ja 10f
    lea 9f(%rip), %rax
    mov %rax, x86_cpu+24(%rip)
    mov %rsp, x86_cpu+32(%rip)
.if \smap
    stac
.endif
    cmp $16, %rdx
    ja 3f
    cmp $8, %rdx
    jb 2f
    mov (%rsi), %rax                 // 8..16 bytes: the first and the last qword
    mov -8(%rsi,%rdx), %rcx
    mov %rax, (%rdi)
    mov %rcx, -8(%rdi,%rdx)
    jmp 8f
2:  cmp $4, %rdx
    jb 1f
    mov (%rsi), %eax                 // 4..7 bytes: the first and the last dword
    mov -4(%rsi,%rdx), %ecx
    mov %eax, (%rdi)
    mov %ecx, -4(%rdi,%rdx)
    jmp 8f
1:  test %rdx, %rdx                  // 0..3 bytes: the first, the middle and the last byte
    jz 8f
    mov %rdx, %rcx
    shr $1, %rcx
    movb (%rsi), %al
    movb (%rsi,%rcx), %r8b
    movb -1(%rsi,%rdx), %r9b
    movb %al, (%rdi)
    movb %r8b, (%rdi,%rcx)
    movb %r9b, -1(%rdi,%rdx)
    jmp 8f
3:  cmp $32, %rdx
    ja 4f
    mov (%rsi), %rax                 // 17..32 bytes: the first and the last 16
    mov 8(%rsi), %rcx
    mov -16(%rsi,%rdx), %r8
    mov -8(%rsi,%rdx), %r9
    mov %rax, (%rdi)
    mov %rcx, 8(%rdi)
    mov %r8, -16(%rdi,%rdx)
    mov %r9, -8(%rdi,%rdx)
    jmp 8f
4:  mov (%rsi), %rax                 // 33..64 bytes: the first and the last 32
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
8:
.if \smap
    clac
.endif
    movq $0, x86_cpu+24(%rip)
    xor %eax, %eax
    ret
9:                                   // resumed here after a fault (recovery point cleared)
.if \smap
    clac
.endif
    mov $1, %eax
    ret

10: push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    lea 12f(%rip), %rax
    mov %rax, x86_cpu+24(%rip)
    mov %rsp, x86_cpu+32(%rip)
.if \smap
    stac
.endif
    call *x86_user_copy_impl(%rip)
    xor %eax, %eax
    movq $0, x86_cpu+24(%rip)
    jmp 13f
12: mov $1, %eax                  // resumed here by x86_kernel_trap after a fault
13:
.if \smap
    clac
.endif
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
.endm

    USER_MEMCPY x86_user_memcpy_nosmap, 0
    USER_MEMCPY x86_user_memcpy_smap, 1
    .section .rodata
    .p2align 3
    .globl x86_isr_table
x86_isr_table:
.set vec, 0
.rept 256
    ISRADDR %vec
    .set vec, vec + 1
.endr
