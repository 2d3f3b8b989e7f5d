// userboot and the vDSO, embedded in the kernel image.
    .section .rodata
    .p2align 12
    .globl userboot_image, userboot_image_end
userboot_image:
    .incbin USERBOOT_PATH
userboot_image_end:
    .p2align 12
    .globl vdso_image, vdso_image_end
vdso_image:
    .incbin VDSO_PATH
vdso_image_end:
    .section .note.GNU-stack, "", @progbits
