// fault-child: does one forbidden thing, named by its argument, so that foundation-test can
// check that the kernel kills it (and only it):
//   read-null  write-kernel  hlt  cli  in  ud2  div0  syscall
// If it survives, it says so and exits with 0 (which the test reports as a failure).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#define KERNEL_ADDR 0xffffffff80000000ull

#include <syscalls/numbers.h>  // generated: ZX_SYS_<name>

static void do_fault(const char *what) {
    if (strcmp(what, "read-null") == 0) {
        volatile uint64_t v = *(volatile uint64_t *)0;
        (void)v;
    } else if (strcmp(what, "write-kernel") == 0) {
        *(volatile uint64_t *)(uintptr_t)KERNEL_ADDR = 1;
    } else if (strcmp(what, "hlt") == 0) {
        __asm__ volatile("hlt");
    } else if (strcmp(what, "cli") == 0) {
        __asm__ volatile("cli");
    } else if (strcmp(what, "in") == 0) {
        uint8_t v;
        __asm__ volatile("inb %w1, %0" : "=a"(v) : "Nd"((uint16_t)0x80));
        (void)v;
    } else if (strcmp(what, "ud2") == 0) {
        __asm__ volatile("ud2");
    } else if (strcmp(what, "div0") == 0) {
        // In assembly: gcc turns `1 / x` into compares, never dividing.
        uint32_t eax = 1, edx = 0, zero = 0;
        __asm__ volatile("divl %2" : "+a"(eax), "+d"(edx) : "r"(zero));
    } else if (strcmp(what, "syscall") == 0) {
        // zx_handle_close(ZX_HANDLE_INVALID), issued from the program's own text instead of
        // through the vDSO.
        uint64_t ret = ZX_SYS_handle_close;
        __asm__ volatile("syscall" : "+a"(ret) : "D"(0) : "rcx", "r11", "memory");
        printf("fault-child: raw syscall returned %lld\n", (long long)ret);
    } else if (strcmp(what, "syscall-direct") == 0) {
        // zx_channel_write(ZX_HANDLE_INVALID, 0, NULL, 0, NULL, 0): a call the kernel's direct
        // entry takes (syscalls.def `direct`), from the program's own text.
        uint64_t ret = ZX_SYS_channel_write;
        register uint64_t r10 __asm__("r10") = 0;
        register uint64_t r8 __asm__("r8") = 0;
        register uint64_t r9 __asm__("r9") = 0;
        __asm__ volatile("syscall"
                         : "+a"(ret)
                         : "D"(0), "S"(0), "d"(0), "r"(r10), "r"(r8), "r"(r9)
                         : "rcx", "r11", "memory");
        printf("fault-child: raw syscall returned %lld\n", (long long)ret);
    } else {
        printf("fault-child: unknown case '%s'\n", what);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        printf("usage: fault-child read-null|write-kernel|hlt|cli|in|ud2|div0|syscall\n");
        return 2;
    }
    printf("fault-child: %s\n", argv[1]);
    zc_stdout_flush();
    do_fault(argv[1]);
    printf("fault-child: survived %s\n", argv[1]);
    return 0;
}
