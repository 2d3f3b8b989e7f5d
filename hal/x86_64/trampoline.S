// Application processor start. smp.c copies [x86_tramp_start, x86_tramp_end) to the page at
// X86_TRAMP_PA, fills the parameter block at its end and sends INIT, SIPI, SIPI with vector
// X86_TRAMP_PA >> 12: the AP starts here in real mode at CS:IP = (X86_TRAMP_PA >> 4):0.
// It goes to protected mode on the trampoline's own GDT, to long mode on the boot page tables
// (boot.S: the low 1 GiB identity-mapped, so this page stays reachable, and the kernel image
// at its link address), jumps into the image (x86_ap_start64), and there switches to the
// kernel's page tables and its own stack.
//
// The code below runs at X86_TRAMP_PA, not where it is linked: every address in it is
// X86_TRAMP_PA plus an offset from x86_tramp_start (TRAMP()).
#include "x86.h"

#define CR0_PE  0x1
#define CR0_PG  0x80000000
#define CR4_PAE 0x20
#define CR4_PGE 0x80
#define EFER_MSR 0xc0000080
#define EFER_LME 0x100

#define TRAMP(sym) (X86_TRAMP_PA + (sym) - x86_tramp_start)
#define PARAM(off) (X86_TRAMP_PA + (x86_tramp_params - x86_tramp_start) + (off))

    .section .rodata
    .p2align 4
    .globl x86_tramp_start
x86_tramp_start:
    .code16
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    lgdtl tramp_gdtr - x86_tramp_start
    mov %cr0, %eax
    or $CR0_PE, %eax
    mov %eax, %cr0
    ljmpl $0x18, $TRAMP(tramp_32)

    .code32
tramp_32:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %cr4, %eax
    or $(CR4_PAE | CR4_PGE), %eax
    mov %eax, %cr4
    mov PARAM(X86_TRAMP_BOOT_CR3), %eax
    mov %eax, %cr3
    mov $EFER_MSR, %ecx
    rdmsr
    or PARAM(X86_TRAMP_EFER), %eax
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG | CR0_PE), %eax
    mov %eax, %cr0
    ljmpl $0x08, $TRAMP(tramp_64)

    .code64
tramp_64:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov PARAM(X86_TRAMP_CPU), %rdi
    mov PARAM(X86_TRAMP_KERNEL_CR3), %rsi
    mov PARAM(X86_TRAMP_STACK), %rsp
    mov PARAM(X86_TRAMP_ENTRY), %rax
    jmp *%rax

    .p2align 3
tramp_gdt:
    .quad 0
    .quad 0x00af9a000000ffff   // 0x08: 64-bit code
    .quad 0x00cf92000000ffff   // 0x10: data
    .quad 0x00cf9a000000ffff   // 0x18: 32-bit code
tramp_gdtr:
    .word tramp_gdtr - tramp_gdt - 1
    .long TRAMP(tramp_gdt)

    .p2align 3
    .globl x86_tramp_params
x86_tramp_params:
    .skip X86_TRAMP_PARAMS_SIZE
    .globl x86_tramp_end
x86_tramp_end:

    .text
// In the image, on the boot page tables; %rdi = the CPU's number, %rsi = the kernel's CR3.
    .globl x86_ap_start64
x86_ap_start64:
    mov %rsi, %cr3
    xor %ebp, %ebp
    call x86_ap_main
1:  cli
    hlt
    jmp 1b
