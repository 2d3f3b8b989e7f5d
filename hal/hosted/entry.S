// hal/hosted entry code: the signal handler's first instructions, and the fault-safe user copy.
    .text

// Every signal enters here (sa_sigaction). User code may run with its own FS base (its TLS),
// while the kernel's C code needs glibc's: save the interrupted one, load the kernel's, run
// hosted_signal(sig, info, uc), and load the FS base it returns (the user's when the frame
// now resumes user code) just before returning to the restorer (rt_sigreturn).
    .globl hosted_signal_entry
    .type hosted_signal_entry, @function
hosted_signal_entry:
    rdfsbase %rax
    movq %rax, hosted_fs_at_signal(%rip)
    movq hosted_kernel_fs(%rip), %rax
    wrfsbase %rax
    subq $8, %rsp                 // 16-byte alignment for the call
    call hosted_signal
    addq $8, %rsp
    wrfsbase %rax
    ret
    .size hosted_signal_entry, . - hosted_signal_entry

// int hosted_user_copy(void *dst, const void *src, size_t len): copies with hosted_copy_impl;
// 0 when done. A fault on a user page in the middle (SIGSEGV, kernel mode, hosted_copy_rsp
// set) resumes at hosted_user_copy_recover with this frame's stack: returns 1.
    .globl hosted_user_copy
    .type hosted_user_copy, @function
hosted_user_copy:
    pushq %rbp
    movq %rsp, %rbp
    movq %rsp, hosted_copy_rsp(%rip)
    call *hosted_copy_impl(%rip)
    movq $0, hosted_copy_rsp(%rip)
    xorl %eax, %eax
    popq %rbp
    ret
    .globl hosted_user_copy_recover
hosted_user_copy_recover:
    movq hosted_copy_rsp(%rip), %rsp
    movq $0, hosted_copy_rsp(%rip)
    movl $1, %eax
    popq %rbp
    ret
    .size hosted_user_copy, . - hosted_user_copy

    .data
    .balign 8
    .globl hosted_kernel_fs, hosted_fs_at_signal, hosted_copy_rsp
hosted_kernel_fs:    .quad 0
hosted_fs_at_signal: .quad 0
hosted_copy_rsp:     .quad 0

    .section .note.GNU-stack, "", @progbits
