// x86_64-private helpers (x86_*): registers, MSRs, port I/O. Only hal/x86_64 includes this.
#ifndef ZC_X86_H
#define ZC_X86_H

#include <stdbool.h>
#include <stdint.h>

#define KERNEL_VBASE  0xffffffff80000000ul
#define PHYSMAP_BASE  0xffff800000000000ul

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS   0x1b
#define USER_CS   0x23
#define TSS_SEL   0x28

#define MSR_EFER          0xc0000080
#define MSR_STAR          0xc0000081
#define MSR_LSTAR         0xc0000082
#define MSR_FMASK         0xc0000084
#define MSR_FS_BASE       0xc0000100
#define MSR_GS_BASE       0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE     0x1b
#define MSR_TSC_DEADLINE  0x6e0

// The top of the lower canonical half less a guard page: the highest address a user register
// (rip, fs/gs base) may hold (HAL_USER_END on bare metal; the hosted backend shares state.c).
#define X86_USER_CANONICAL_END 0x00007ffffffff000ul

extern const char *const x86_exception_names[32];  // state.c

#define RFLAGS_IF 0x200ul
#define RFLAGS_WRITABLE 0x254dd5ul  // what a user program may set: CF PF AF ZF SF TF DF OF NT RF AC ID
#define RFLAGS_USER_MASK 0xcd5ul  // CF PF AF ZF SF TF? no: CF,PF,AF,ZF,SF,DF,OF

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) {
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v) {
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
                         uint32_t *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline uint64_t read_cr2(void) {
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
static inline uint64_t read_cr3(void) {
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline uint64_t read_cr4(void) {
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" ::"r"(v)); }
static inline uint64_t read_cr0(void) {
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" ::"r"(v)); }
static inline void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

#define X86_EMUL_PROBE_STEPS 2000  // the boot probe's loop (cpu.c)

struct x86_features {
    bool nx, smep, smap, erms, fsrm, sse2, rdrand, rdseed, tsc_deadline, pdpe1gb, invariant_tsc;
    bool smap_cpuid;        // the CPU reports SMAP (smap: zc uses it)
    bool kernel_emulated;   // kernel-mode code runs in the hypervisor's instruction emulator
    uint32_t clflush_size;
    uint64_t emul_probe_ticks;  // TSC ticks of the boot probe (x86_cpu_init)
};
extern struct x86_features x86_feat;

// Per-CPU state used by entry.S (single CPU for now; offsets are fixed in entry.S).
struct x86_percpu {
    uint64_t kernel_rsp;      // 0: kernel stack pointer saved by x86_context_enter
    uint64_t user_rsp;        // 8: scratch for the syscall entry
    uint64_t uctx_top;        // 16: end of the current uctx's iret frame
    uint64_t recover_rip;     // 24: user-copy fault recovery point (0 = none)
    uint64_t recover_rsp;     // 32
    uint64_t fault_addr;      // 40: address of the user-copy fault
};
extern struct x86_percpu x86_cpu;

struct hal_uctx;
void x86_serial_init(void);
void x86_cpu_init(void);
// The user-copy routine (entry.S) for the CPU: with STAC/CLAC when SMAP is on (usercopy.c).
void x86_user_copy_init(void);
// Where a kernel page fault at rip resumes when rip is one of the inline user accesses
// (usercopy.c's exception table); 0 for any other instruction.
uintptr_t x86_user_access_fixup(uintptr_t rip);
// The I/O permission bitmap: 65536 ports, one bit each (set = denied).
#define X86_IOMAP_BYTES 8192
// Loads `owner`'s bitmap (two pages) into the TSS unless it is already there; a NULL owner
// denies every port.
void x86_load_iomap(const void *owner, const uint8_t *const pages[2]);
// owner's bitmap changed: the next x86_load_iomap for it copies it again.
void x86_iomap_changed(const void *owner);
void x86_set_rsp0(uint64_t rsp0);
void x86_tls_changed(struct hal_uctx *u);
void x86_mmu_init(uint64_t max_phys);
void x86_timer_init(void);
void x86_lapic_eoi(void);
void x86_timer_irq(void);
uint64_t x86_context_enter(struct hal_uctx *u);      // entry.S; returns when the thread traps
void x86_context_enter_sysret(struct hal_uctx *u);   // entry.S, fast path, same return
void x86_fpu_init_state(void *area);

#define X86_VEC_TIMER    0x20
#define X86_VEC_SPURIOUS 0xff
#define X86_VEC_SYSCALL  0x100  // marker value stored in uctx->vector by the syscall entry
#define X86_VEC_SYSCALL_DONE 0x101  // the fast path ran the call and stopped (rax: result)

#endif
