// Host-test helpers: call a routine with known values in the vector registers and record
// what the registers hold afterwards.

    .text

// uint64_t zc_test_call_xmm(void *fn, uint64_t a0, uint64_t a1, uint64_t a2,
//                           const void *in /* 16 x 16 bytes */, void *out /* 16 x 16 bytes */)
// Loads xmm0-xmm15 from in, calls fn(a0, a1, a2), stores xmm0-xmm15 to out.
    .globl zc_test_call_xmm
    .type zc_test_call_xmm, @function
zc_test_call_xmm:
    push %rbx
    push %r12
    push %r13                   // the stack is 16-byte aligned again
    mov %rdi, %rbx
    mov %r8, %r12
    mov %r9, %r13
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    movdqu 0(%r12), %xmm0
    movdqu 16(%r12), %xmm1
    movdqu 32(%r12), %xmm2
    movdqu 48(%r12), %xmm3
    movdqu 64(%r12), %xmm4
    movdqu 80(%r12), %xmm5
    movdqu 96(%r12), %xmm6
    movdqu 112(%r12), %xmm7
    movdqu 128(%r12), %xmm8
    movdqu 144(%r12), %xmm9
    movdqu 160(%r12), %xmm10
    movdqu 176(%r12), %xmm11
    movdqu 192(%r12), %xmm12
    movdqu 208(%r12), %xmm13
    movdqu 224(%r12), %xmm14
    movdqu 240(%r12), %xmm15
    call *%rbx
    movdqu %xmm0, 0(%r13)
    movdqu %xmm1, 16(%r13)
    movdqu %xmm2, 32(%r13)
    movdqu %xmm3, 48(%r13)
    movdqu %xmm4, 64(%r13)
    movdqu %xmm5, 80(%r13)
    movdqu %xmm6, 96(%r13)
    movdqu %xmm7, 112(%r13)
    movdqu %xmm8, 128(%r13)
    movdqu %xmm9, 144(%r13)
    movdqu %xmm10, 160(%r13)
    movdqu %xmm11, 176(%r13)
    movdqu %xmm12, 192(%r13)
    movdqu %xmm13, 208(%r13)
    movdqu %xmm14, 224(%r13)
    movdqu %xmm15, 240(%r13)
    pop %r13
    pop %r12
    pop %rbx
    ret
    .size zc_test_call_xmm, . - zc_test_call_xmm

// Same with ymm0-ymm15 (in/out are 16 x 32 bytes); only call it when the CPU and OS have AVX.
// Shows that the routine leaves the upper halves alone as well.
    .globl zc_test_call_ymm
    .type zc_test_call_ymm, @function
zc_test_call_ymm:
    push %rbx
    push %r12
    push %r13
    mov %rdi, %rbx
    mov %r8, %r12
    mov %r9, %r13
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    vmovdqu 0(%r12), %ymm0
    vmovdqu 32(%r12), %ymm1
    vmovdqu 64(%r12), %ymm2
    vmovdqu 96(%r12), %ymm3
    vmovdqu 128(%r12), %ymm4
    vmovdqu 160(%r12), %ymm5
    vmovdqu 192(%r12), %ymm6
    vmovdqu 224(%r12), %ymm7
    vmovdqu 256(%r12), %ymm8
    vmovdqu 288(%r12), %ymm9
    vmovdqu 320(%r12), %ymm10
    vmovdqu 352(%r12), %ymm11
    vmovdqu 384(%r12), %ymm12
    vmovdqu 416(%r12), %ymm13
    vmovdqu 448(%r12), %ymm14
    vmovdqu 480(%r12), %ymm15
    call *%rbx
    vmovdqu %ymm0, 0(%r13)
    vmovdqu %ymm1, 32(%r13)
    vmovdqu %ymm2, 64(%r13)
    vmovdqu %ymm3, 96(%r13)
    vmovdqu %ymm4, 128(%r13)
    vmovdqu %ymm5, 160(%r13)
    vmovdqu %ymm6, 192(%r13)
    vmovdqu %ymm7, 224(%r13)
    vmovdqu %ymm8, 256(%r13)
    vmovdqu %ymm9, 288(%r13)
    vmovdqu %ymm10, 320(%r13)
    vmovdqu %ymm11, 352(%r13)
    vmovdqu %ymm12, 384(%r13)
    vmovdqu %ymm13, 416(%r13)
    vmovdqu %ymm14, 448(%r13)
    vmovdqu %ymm15, 480(%r13)
    vzeroupper
    pop %r13
    pop %r12
    pop %rbx
    ret
    .size zc_test_call_ymm, . - zc_test_call_ymm

    .section .note.GNU-stack, "", @progbits
