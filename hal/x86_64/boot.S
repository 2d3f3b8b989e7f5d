// PVH entry: QEMU's -kernel finds the XEN_ELFNOTE_PHYS32_ENTRY note below and jumps to
// pvh_start in 32-bit protected mode, paging off, %ebx = physical address of hvm_start_info.
// We build boot page tables (identity + physmap + higher half for the first 1 GiB), enter
// long mode and continue in C at x86_start(start_info_phys).

#define KERNEL_VBASE 0xffffffff80000000
#define V2P(x) ((x) - KERNEL_VBASE)

#define CR0_PE 0x1
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define EFER_MSR 0xc0000080
#define EFER_LME 0x100
#define EFER_NXE 0x800

    .section .note.pvh, "a", @note
    .p2align 2
    .long 4          // name size
    .long 4          // desc size
    .long 18         // XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long V2P(pvh_start)
    .p2align 2

    .section .boot.text, "ax"
    .code32
    .globl pvh_start
pvh_start:
    cli
    cld
    mov %ebx, %edi                       // start_info, kept for x86_start
    movl $V2P(boot_stack_top), %esp

    // PML4: [0] identity, [256] physmap, [511] higher half.
    movl $V2P(boot_pdpt_low) + 3, %eax
    movl %eax, V2P(boot_pml4)
    movl %eax, V2P(boot_pml4) + 256 * 8
    movl $V2P(boot_pdpt_high) + 3, %eax
    movl %eax, V2P(boot_pml4) + 511 * 8
    movl $V2P(boot_pd) + 3, %eax
    movl %eax, V2P(boot_pdpt_low)
    movl %eax, V2P(boot_pdpt_high) + 510 * 8
    // boot_pd: 512 x 2 MiB = the first 1 GiB.
    xor %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax                      // present | writable | large
    movl %eax, V2P(boot_pd)(,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jne 1b

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $V2P(boot_pml4), %eax
    movl %eax, %cr3

    // EFER.NXE only if the CPU has NX (CPUID 0x80000001 EDX bit 20).
    movl $0x80000001, %eax
    cpuid
    xor %esi, %esi
    test $(1 << 20), %edx
    jz 2f
    movl $EFER_NXE, %esi
2:  movl $EFER_MSR, %ecx
    rdmsr
    orl $EFER_LME, %eax
    orl %esi, %eax
    wrmsr

    movl %cr0, %eax
    orl $(CR0_PG | CR0_PE), %eax
    movl %eax, %cr0

    lgdt V2P(boot_gdtr)
    ljmp $0x08, $V2P(boot_long)

    .code64
boot_long:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $boot_high, %rax
    jmp *%rax

    .text
boot_high:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    // %edi still holds the start_info physical address.
    call x86_start
3:  hlt
    jmp 3b

    .section .boot.data, "aw"
    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff   // 0x08: 64-bit code
    .quad 0x00cf92000000ffff   // 0x10: data
boot_gdtr:
    .word boot_gdtr - boot_gdt - 1
    .long V2P(boot_gdt)

    .section .bss.boot, "aw", @nobits
    .p2align 12
    .globl boot_pml4  // also the APs' first page tables (trampoline.S)
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096
    .globl boot_stack_top
boot_stack:     .skip 16384
boot_stack_top:
