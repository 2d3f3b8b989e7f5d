// vDSO calls made of several syscalls that must not touch the stack once the thread may have
// lost it (the woken waiter or the unmap may free it): pure assembly, registers only.
// The kernel preserves every register across `syscall` except rax, rcx and r11.
// (Always built: their syscalls.def lines must stay enabled.)
#include "syscalls/numbers.h"

    .text

// void zx_futex_wake_handle_close_thread_exit(const zx_futex_t* value_ptr, uint32_t wake_count,
//                                             int32_t new_value, zx_handle_t close_handle);
    .globl zx_futex_wake_handle_close_thread_exit
    .globl _zx_futex_wake_handle_close_thread_exit
    .type zx_futex_wake_handle_close_thread_exit, @function
    .type _zx_futex_wake_handle_close_thread_exit, @function
zx_futex_wake_handle_close_thread_exit:
_zx_futex_wake_handle_close_thread_exit:
    mov %ecx, %r8d                 // close_handle survives the syscalls in r8
    xchg %edx, (%rdi)              // *value_ptr = new_value, a full barrier
    mov $ZX_SYS_futex_wake, %eax   // (value_ptr, wake_count) already in rdi, rsi
    syscall
    test %eax, %eax
    jnz 9f
    test %r8d, %r8d
    jz 1f
    mov %r8d, %edi
    mov $ZX_SYS_handle_close, %eax
    syscall
    test %eax, %eax
    jnz 9f
1:  mov $ZX_SYS_thread_exit, %eax
    syscall
9:  ud2                            // a failure here has nowhere to return to
    .size zx_futex_wake_handle_close_thread_exit, . - zx_futex_wake_handle_close_thread_exit
    .size _zx_futex_wake_handle_close_thread_exit, . - _zx_futex_wake_handle_close_thread_exit

// zx_status_t zx_vmar_unmap_handle_close_thread_exit(zx_handle_t vmar_handle, zx_vaddr_t addr,
//                                                    size_t size, zx_handle_t close_handle);
// Returns only when the unmap fails (the stack is still there then).
    .globl zx_vmar_unmap_handle_close_thread_exit
    .globl _zx_vmar_unmap_handle_close_thread_exit
    .type zx_vmar_unmap_handle_close_thread_exit, @function
    .type _zx_vmar_unmap_handle_close_thread_exit, @function
zx_vmar_unmap_handle_close_thread_exit:
_zx_vmar_unmap_handle_close_thread_exit:
    mov %ecx, %r8d
    mov $ZX_SYS_vmar_unmap, %eax   // (vmar_handle, addr, size) already in rdi, rsi, rdx
    syscall
    test %eax, %eax
    jnz 8f
    test %r8d, %r8d
    jz 1f
    mov %r8d, %edi
    mov $ZX_SYS_handle_close, %eax
    syscall
    test %eax, %eax
    jnz 9f
1:  mov $ZX_SYS_thread_exit, %eax
    syscall
9:  ud2
8:  ret
    .size zx_vmar_unmap_handle_close_thread_exit, . - zx_vmar_unmap_handle_close_thread_exit
    .size _zx_vmar_unmap_handle_close_thread_exit, . - _zx_vmar_unmap_handle_close_thread_exit

    .section .note.GNU-stack, "", @progbits
