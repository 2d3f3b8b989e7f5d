// libc-opt memcpy family and memmove for x86_64 (System V ABI, AT&T syntax).
//
// Rules every routine here keeps, because the kernel calls them on syscall paths:
//  - nothing is stored below %rsp (the kernel has no red zone);
//  - no xmm register is left changed (user SSE state is not saved on syscall entry): only
//    zc_memcpy_sse2 touches xmm0-xmm3, and only after saving them on the stack. Legacy SSE
//    encodings leave bits 128 and up of ymm/zmm untouched, so saving the xmm halves is enough;
//  - the direction flag is clear on entry and on exit (System V ABI).

    .text

// memcpy: up to 64 bytes inline (four overlapping 8-byte moves beat the start-up cost of any
// rep movs), longer copies one indirect jump to the variant chosen at boot (zc_memcpy_use).
    .globl memcpy
    .type memcpy, @function
    .p2align 4
memcpy:
    cmp $64, %rdx
    jbe .Lsmall
    jmp *zc_memcpy_impl(%rip)
    .size memcpy, . - memcpy

// memmove: up to 32 bytes the small copy (which loads everything before it stores). Otherwise
// a destination that does not overlap the source goes to memcpy; one below an overlapping
// source is copied forward by zc_memcpy_musl, which moves strictly forward element by
// element; one above it is copied backward here, each block loaded in full before any of it
// is stored.
    .globl memmove
    .type memmove, @function
    .p2align 4
memmove:
    cmp $32, %rdx
    jbe .Lsmall
    mov %rdi, %rax
    mov %rdi, %rcx
    sub %rsi, %rcx              // dst - src
    jz 9f                       // same buffer
    cmp %rdx, %rcx
    jb .Lmove_back              // src < dst < src + n
    mov %rsi, %rcx
    sub %rdi, %rcx              // src - dst
    cmp %rdx, %rcx
    jb zc_memcpy_musl           // dst < src < dst + n
    cmp $64, %rdx               // disjoint: what memcpy does
    jbe .Lsmall
    jmp *zc_memcpy_impl(%rip)

.Lmove_back:
    add %rdx, %rsi              // work down from the ends
    add %rdx, %rdi
    mov %edx, %ecx
    and $7, %ecx                // the odd bytes at the top first
    jz 2f
1:  dec %rsi
    dec %rdi
    movzbl (%rsi), %r8d
    mov %r8b, (%rdi)
    dec %ecx
    jnz 1b
2:  shr $3, %rdx                // whole quadwords
    mov %rdx, %rcx
    shr $2, %rcx                // 32-byte blocks
    jz 4f
3:  sub $32, %rsi
    sub $32, %rdi
    mov 24(%rsi), %r8
    mov 16(%rsi), %r9
    mov 8(%rsi), %r10
    mov (%rsi), %r11
    mov %r8, 24(%rdi)
    mov %r9, 16(%rdi)
    mov %r10, 8(%rdi)
    mov %r11, (%rdi)
    dec %rcx
    jnz 3b
4:  and $3, %edx
    jz 9f
5:  sub $8, %rsi
    sub $8, %rdi
    mov (%rsi), %r8
    mov %r8, (%rdi)
    dec %edx
    jnz 5b
9:  ret
    .size memmove, . - memmove

// zc_memcpy_bytes: one byte per iteration, the rlibc baseline. Written here so that no
// compiler can turn it back into a call to memcpy or vectorize it.
    .globl zc_memcpy_bytes
    .type zc_memcpy_bytes, @function
    .p2align 4
zc_memcpy_bytes:
    mov %rdi, %rax
    xor %ecx, %ecx
    test %rdx, %rdx
    jz 2f
1:  movzbl (%rsi,%rcx), %r8d
    mov %r8b, (%rdi,%rcx)
    inc %rcx
    cmp %rcx, %rdx
    jne 1b
2:  ret
    .size zc_memcpy_bytes, . - zc_memcpy_bytes

// zc_memcpy_musl: musl's x86_64 algorithm. Byte moves until the destination is 8-aligned,
// rep movsq for the body, byte moves for the remaining 0..7 bytes. Copies strictly forward,
// element by element, so memmove may use it for a forward overlapping move.
    .globl zc_memcpy_musl
    .type zc_memcpy_musl, @function
    .p2align 4
zc_memcpy_musl:
    mov %rdi, %rax
    cmp $8, %rdx
    jb 3f                       // too short to bother aligning: bytes only
    test $7, %dil
    jz 2f
1:  movsb                       // align the destination
    dec %rdx
    test $7, %dil
    jnz 1b
2:  mov %rdx, %rcx
    shr $3, %rcx
    rep movsq
    and $7, %edx
3:  test %rdx, %rdx
    jz 5f
4:  movsb
    dec %rdx
    jnz 4b
5:  ret
    .size zc_memcpy_musl, . - zc_memcpy_musl

// zc_memcpy_erms: the whole copy is one rep movsb; the microcode picks the chunking.
    .globl zc_memcpy_erms
    .type zc_memcpy_erms, @function
    .p2align 4
zc_memcpy_erms:
    mov %rdi, %rax
    mov %rdx, %rcx
    rep movsb
    ret
    .size zc_memcpy_erms, . - zc_memcpy_erms

// zc_memcpy_sse2: up to 64 bytes with general-purpose registers (loads from both ends that
// may overlap), above that 64 bytes per iteration: unaligned loads, stores aligned on the
// destination, the last 64 bytes copied relative to the end. From zc_memcpy_sse2_nt_threshold
// bytes on, the stores are non-temporal.
    .globl zc_memcpy_sse2
    .type zc_memcpy_sse2, @function
    .p2align 4
zc_memcpy_sse2:
    cmp $64, %rdx
    ja .Lsse2_big

// 0..64 bytes with general-purpose registers, from both ends (the moves may overlap); rax =
// dst. Up to 32 bytes every load comes before the first store, so overlapping moves are safe.
.Lsmall:
    mov %rdi, %rax
    cmp $16, %rdx
    jae .Lsmall_16
    cmp $8, %edx
    jb .Lsmall_lt8
    mov (%rsi), %rcx            // 8..15
    mov -8(%rsi,%rdx), %r8
    mov %rcx, (%rdi)
    mov %r8, -8(%rdi,%rdx)
    ret
.Lsmall_lt8:
    cmp $4, %edx
    jb .Lsmall_lt4
    mov (%rsi), %ecx            // 4..7
    mov -4(%rsi,%rdx), %r8d
    mov %ecx, (%rdi)
    mov %r8d, -4(%rdi,%rdx)
    ret
.Lsmall_lt4:
    cmp $2, %edx
    jb .Lsmall_lt2
    movzwl (%rsi), %ecx         // 2..3
    movzwl -2(%rsi,%rdx), %r8d
    mov %cx, (%rdi)
    mov %r8w, -2(%rdi,%rdx)
    ret
.Lsmall_lt2:
    test %edx, %edx
    jz 1f
    movzbl (%rsi), %ecx         // 1
    mov %cl, (%rdi)
1:  ret
.Lsmall_16:
    cmp $32, %rdx
    ja .Lsmall_gt32
    mov (%rsi), %rcx            // 16..32
    mov 8(%rsi), %r8
    mov -16(%rsi,%rdx), %r9
    mov -8(%rsi,%rdx), %r10
    mov %rcx, (%rdi)
    mov %r8, 8(%rdi)
    mov %r9, -16(%rdi,%rdx)
    mov %r10, -8(%rdi,%rdx)
    ret
.Lsmall_gt32:
    mov (%rsi), %rcx            // 33..64: the first 32 bytes, then the last 32
    mov 8(%rsi), %r8
    mov 16(%rsi), %r9
    mov 24(%rsi), %r10
    mov %rcx, (%rdi)
    mov %r8, 8(%rdi)
    mov %r9, 16(%rdi)
    mov %r10, 24(%rdi)
    mov -32(%rsi,%rdx), %rcx
    mov -24(%rsi,%rdx), %r8
    mov -16(%rsi,%rdx), %r9
    mov -8(%rsi,%rdx), %r10
    mov %rcx, -32(%rdi,%rdx)
    mov %r8, -24(%rdi,%rdx)
    mov %r9, -16(%rdi,%rdx)
    mov %r10, -8(%rdi,%rdx)
    ret

.Lsse2_big:                     // more than 64 bytes
    mov %rdi, %rax
    sub $64, %rsp               // the caller's xmm0-xmm3
    movdqu %xmm0, (%rsp)
    movdqu %xmm1, 16(%rsp)
    movdqu %xmm2, 32(%rsp)
    movdqu %xmm3, 48(%rsp)
    lea (%rsi,%rdx), %r10       // source end
    lea (%rdi,%rdx), %r9        // destination end
    movdqu (%rsi), %xmm0        // first 16 bytes unaligned, then align the destination
    movdqu %xmm0, (%rdi)
    mov %rdi, %rcx
    neg %rcx
    and $15, %ecx
    add %rcx, %rdi
    add %rcx, %rsi
    sub %rcx, %rdx              // still more than 48 bytes
    mov %rdx, %rcx
    shr $6, %rcx                // whole 64-byte blocks
    jz .Lsse2_tail
    cmp zc_memcpy_sse2_nt_threshold(%rip), %rdx
    jb .Lsse2_loop
    cmpq $0, zc_memcpy_sse2_nt_threshold(%rip)
    jne .Lsse2_nt_loop
    .p2align 4
.Lsse2_loop:
    movdqu (%rsi), %xmm0
    movdqu 16(%rsi), %xmm1
    movdqu 32(%rsi), %xmm2
    movdqu 48(%rsi), %xmm3
    movdqa %xmm0, (%rdi)
    movdqa %xmm1, 16(%rdi)
    movdqa %xmm2, 32(%rdi)
    movdqa %xmm3, 48(%rdi)
    add $64, %rsi
    add $64, %rdi
    dec %rcx
    jnz .Lsse2_loop
.Lsse2_tail:
    test $63, %dl
    jz .Lsse2_done
    movdqu -64(%r10), %xmm0     // the last 64 bytes, relative to the end (n > 64)
    movdqu -48(%r10), %xmm1
    movdqu -32(%r10), %xmm2
    movdqu -16(%r10), %xmm3
    movdqu %xmm0, -64(%r9)
    movdqu %xmm1, -48(%r9)
    movdqu %xmm2, -32(%r9)
    movdqu %xmm3, -16(%r9)
.Lsse2_done:
    movdqu (%rsp), %xmm0
    movdqu 16(%rsp), %xmm1
    movdqu 32(%rsp), %xmm2
    movdqu 48(%rsp), %xmm3
    add $64, %rsp
    ret

    .p2align 4
.Lsse2_nt_loop:                 // streaming stores: the destination does not pass the cache
    prefetchnta 512(%rsi)
    movdqu (%rsi), %xmm0
    movdqu 16(%rsi), %xmm1
    movdqu 32(%rsi), %xmm2
    movdqu 48(%rsi), %xmm3
    movntdq %xmm0, (%rdi)
    movntdq %xmm1, 16(%rdi)
    movntdq %xmm2, 32(%rdi)
    movntdq %xmm3, 48(%rdi)
    add $64, %rsi
    add $64, %rdi
    dec %rcx
    jnz .Lsse2_nt_loop
    sfence                      // order the streaming stores before anything that follows
    jmp .Lsse2_tail
    .size zc_memcpy_sse2, . - zc_memcpy_sse2

    .data
    .p2align 3
    .globl zc_memcpy_sse2_nt_threshold
    .type zc_memcpy_sse2_nt_threshold, @object
zc_memcpy_sse2_nt_threshold:
    .quad 0
    .size zc_memcpy_sse2_nt_threshold, 8

    .section .note.GNU-stack, "", @progbits
