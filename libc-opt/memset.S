// libc-opt memset for x86_64. Same rules as memcpy.S: no red zone, no xmm registers,
// direction flag clear.

    .text

// memset: the byte broadcast to a quadword; short lengths as stores from both ends that may
// overlap, up to 512 bytes a loop of 32-byte stores, beyond that rep stosq on the aligned
// middle.
    .globl memset
    .type memset, @function
    .p2align 4
memset:
    mov %rdi, %r9               // return value
    movzbl %sil, %eax
    movabs $0x0101010101010101, %rcx
    imul %rcx, %rax             // the byte in every lane
    cmp $16, %rdx
    ja .Lset_gt16
    cmp $8, %edx
    jb .Lset_lt8
    mov %rax, (%rdi)            // 8..16
    mov %rax, -8(%rdi,%rdx)
    mov %r9, %rax
    ret
.Lset_lt8:
    cmp $4, %edx
    jb .Lset_lt4
    mov %eax, (%rdi)            // 4..7
    mov %eax, -4(%rdi,%rdx)
    mov %r9, %rax
    ret
.Lset_lt4:
    test %edx, %edx
    jz 1f
    mov %al, (%rdi)             // 1..3: first, last and middle byte
    mov %al, -1(%rdi,%rdx)
    shr $1, %edx
    mov %al, (%rdi,%rdx)
1:  mov %r9, %rax
    ret

.Lset_gt16:
    cmp $32, %rdx
    ja .Lset_gt32
    mov %rax, (%rdi)            // 17..32
    mov %rax, 8(%rdi)
    mov %rax, -16(%rdi,%rdx)
    mov %rax, -8(%rdi,%rdx)
    mov %r9, %rax
    ret
.Lset_gt32:
    mov %rax, -32(%rdi,%rdx)    // the last 32 bytes, relative to the end
    mov %rax, -24(%rdi,%rdx)
    mov %rax, -16(%rdi,%rdx)
    mov %rax, -8(%rdi,%rdx)
    cmp $512, %rdx
    jae .Lset_rep
    lea -32(%rdi,%rdx), %rcx    // 33..511: 32 bytes a step until the tail stores take over
2:  mov %rax, (%rdi)
    mov %rax, 8(%rdi)
    mov %rax, 16(%rdi)
    mov %rax, 24(%rdi)
    add $32, %rdi
    cmp %rcx, %rdi
    jb 2b
    mov %r9, %rax
    ret
.Lset_rep:
    mov %rax, (%rdi)            // the first 8 bytes, then rep stosq from the next 8-aligned
    lea (%rdi,%rdx), %rcx       // address up to the last whole quadword
    add $8, %rdi
    and $-8, %rdi
    sub %rdi, %rcx
    shr $3, %rcx
    rep stosq
    mov %r9, %rax
    ret
    .size memset, . - memset

    .section .note.GNU-stack, "", @progbits
