// x86_64-private helpers (x86_*): registers, MSRs, port I/O. Only hal/x86_64 includes this.
#ifndef ZC_X86_H
#define ZC_X86_H

// Shared with the assembly (trampoline.S): the physical page the application processors start
// at (SIPI vector X86_TRAMP_PA >> 12; below 1 MiB, inside the area start.c keeps from the
// frame allocator) and the layout of the parameters the BSP leaves there for each of them.
#define X86_TRAMP_PA 0x8000
#define X86_TRAMP_BOOT_CR3   0   // boot page tables: identity map of the low 1 GiB + the image
#define X86_TRAMP_EFER       8   // EFER bits to set besides LME (NXE as on the BSP)
#define X86_TRAMP_KERNEL_CR3 16  // the kernel's page tables, loaded once running in the image
#define X86_TRAMP_STACK      24  // top of the AP's kernel stack (a kernel virtual address)
#define X86_TRAMP_ENTRY      32  // x86_ap_start64
#define X86_TRAMP_CPU        40  // the AP's logical number, x86_ap_main's argument
#define X86_TRAMP_PARAMS_SIZE 48

#define X86_MAX_CPUS 8  // HAL_MAX_CPUS (checked in smp.c)

#ifndef __ASSEMBLER__
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
#define EFER_NXE          (1ul << 11)
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

// Per-CPU state, one per logical CPU (index 0: the boot CPU). In kernel mode the GS base is
// the running CPU's block (MSR_GS_BASE; the user's GS base waits in MSR_KERNEL_GS_BASE), and
// every entry from and exit to user mode swaps the two with `swapgs` (entry.S). The first
// fields are the entry path's (offsets fixed in entry.S as %gs:N).
struct hal_uctx;
struct x86_tss;
struct x86_percpu {
    uint64_t kernel_rsp;      // 0: kernel stack pointer saved by x86_context_enter
    uint64_t user_rsp;        // 8: scratch for the syscall entry
    uint64_t uctx_top;        // 16: end of the current uctx's iret frame
    uint64_t recover_rip;     // 24: user-copy fault recovery point (0 = none)
    uint64_t recover_rsp;     // 32
    uint64_t fault_addr;      // 40: address of the user-copy fault
    struct x86_percpu *self;  // 48: this block (x86_this_cpu reads it through %gs)
    uint32_t cpu;             // 56: its logical number (hal_cpu_id)
    uint32_t apic_id;         // its local APIC's id (from the MADT)
    uintptr_t kwords[HAL_CPU_WORDS];  // 64: the kernel's per-CPU words (hal_cpu_word)
    uint32_t lock_shared;     // 88: holds the kernel lock shared (smp.c; entry.S drops it)
    uint32_t online;          // set (release) by the CPU once it is up and idling
    uint64_t direct_rflags;   // 96: the user rflags during a direct syscall (entry.S)
    uint32_t gs_cpu;          // hal_cpu_id() as the CPU read it through %gs at bring-up
    uint64_t ipis;            // X86_VEC_IPI interrupts taken (written by this CPU only)
    // Interrupts are taken without the kernel lock (smp.c): what they leave for later.
    uint32_t timer_pending;   // the local APIC timer fired; kernel_timer_interrupt is owed
    // TLB shootdown (mmu.c): the requester (holding the kernel lock) sets tlb_cr3 and
    // tlb_leave, then tlb_req; this CPU's IPI handler flushes (or, with tlb_leave, leaves the
    // address space for the kernel's tables) if its CR3 is tlb_cr3, and clears tlb_req.
    uint32_t tlb_req;
    // I/O bitmap reload (cpu.c, x86_iomap_changed): the requester sets iomap_req_owner and
    // iomap_req_pages, then iomap_req; this CPU's IPI handler copies them into its TSS and
    // clears iomap_req.
    uint32_t iomap_req;
    uint64_t iomap_req_cr3;  // the address space it is for
    const void *iomap_req_owner;
    const uint8_t *iomap_req_pages[2];
    uint32_t tlb_leave;
    uint64_t tlb_cr3;
    uint64_t cr3;             // what its CR3 holds (x86_load_cr3); read by the shootdown
    void (*start)(void);      // hal_start_other_cpus: the executor an AP runs (set release)
    // The rest is this CPU's alone, used with interrupts off.
    struct hal_uctx *fpu_owner;     // whose FPU state the registers hold (NULL: nobody's)
    uint64_t user_fs_base;          // MSR_FS_BASE as loaded for user mode
    uint64_t user_gs_base;          // the user GS base (MSR_KERNEL_GS_BASE while in the kernel)
    const void *iomap_owner;        // the I/O bitmap source in its TSS (NULL: every port denied)
    struct x86_tss *tss;            // its TSS (rsp0, the I/O bitmap)
} __attribute__((aligned(64)));     // no cache line shared between two CPUs' blocks
extern struct x86_percpu x86_percpu[X86_MAX_CPUS];
#define X86_PERCPU_SELF 48
#define X86_PERCPU_CPU  56
#define X86_PERCPU_LOCK_SHARED 88
#define X86_PERCPU_DIRECT_RFLAGS 96

// The running CPU's block. Kernel code runs on one CPU from entry to exit (no preemption in
// the kernel), so the compiler may keep the pointer for the whole function (no `volatile`).
static inline struct x86_percpu *x86_this_cpu(void) {
    struct x86_percpu *c;
    __asm__("mov %%gs:%c1, %0" : "=r"(c) : "i"(X86_PERCPU_SELF));
    return c;
}
#define x86_cpu (*x86_this_cpu())

// The local APIC (xAPIC mode, through the uncached physmap); the same address on every CPU,
// each reaching its own.
#define LAPIC_ID       0x20
#define LAPIC_TPR      0x80
#define LAPIC_EOI      0xb0
#define LAPIC_SVR      0xf0
#define LAPIC_ESR      0x280
#define LAPIC_ICR_LO   0x300
#define LAPIC_ICR_HI   0x310
#define LAPIC_LVT_TMR  0x320
#define LAPIC_TMR_INIT 0x380
#define LAPIC_TMR_CUR  0x390
#define LAPIC_TMR_DIV  0x3e0
#define X86_XAPIC_IDS  256  // ids 0..254 address one CPU, 255 is the broadcast
extern volatile uint32_t *x86_lapic;  // timer.c
static inline uint32_t lapic_read(uint32_t reg) { return x86_lapic[reg / 4]; }
static inline void lapic_write(uint32_t reg, uint32_t v) { x86_lapic[reg / 4] = v; }
static inline uint32_t x86_apic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

void x86_serial_init(void);
void x86_cpu_init(void);
void x86_cpu_init_ap(unsigned cpu);  // an application processor's GDT, TSS, IDT, control registers
void x86_lapic_init_ap(void);
void x86_lapic_timer_start(void);  // an AP's, once it runs the executor
// The CPUs the ACPI MADT lists but x86_acpi_cpus leaves out.
struct x86_madt_skipped {
    unsigned disabled;  // not enabled (absent, or hot-pluggable later)
    unsigned over;      // beyond `max`, or an id this xAPIC-mode kernel cannot address
};
// The local APIC ids of the enabled CPUs the ACPI MADT lists (at most max; the boot CPU among
// them), found from the RSDP at rsdp_hint (0: search the EBDA and the BIOS area). Returns how
// many; 0 when there are no ACPI tables or no MADT.
unsigned x86_acpi_cpus(uint64_t rsdp_hint, uint32_t *ids, unsigned max,
                       struct x86_madt_skipped *skipped);
extern uint64_t x86_rsdp_hint;  // start.c: the PVH start info's RSDP address, 0 if none
extern bool x86_tramp_page_ram; // start.c: X86_TRAMP_PA lies in RAM the firmware reports
// A word `key=N` of the kernel command line (words before init= are the kernel's): its N.
bool x86_cmdline_uint(const char *key, unsigned *out);
void x86_smp_init(void);
void x86_send_ipi(unsigned cpu, uint8_t vector);
// The kernel lock (smp.c; hal.h): x86_kernel_lock takes it exclusively from no hold, and runs
// the timer work interrupts left pending; x86_kernel_unlock drops the hold this CPU has. Both
// are no-ops until other CPUs run the executor (x86_smp).
extern bool x86_smp;
void x86_kernel_lock(void);
void x86_kernel_unlock(void);
// An interrupt's part that needs no lock (EOI, IPI requests, the timer left pending).
void x86_irq(uint64_t vector);
// Flushes the other CPUs whose CR3 is cr3 (leave: they switch to the kernel's tables).
void x86_tlb_shootdown(uint64_t cr3, bool leave);
void x86_syscall_entry_smp(void);
uint64_t x86_kernel_cr3(void);  // mmu.c
// Patches the STAC/CLAC sites of the inline user copies when SMAP is on (usercopy.c); the boot
// CPU, before the kernel's text is mapped read-only.
void x86_user_copy_init(void);
// Where a kernel page fault at rip resumes when rip is one of the inline user accesses
// (usercopy.c's exception table); 0 for any other instruction.
uintptr_t x86_user_access_fixup(uintptr_t rip);
// The I/O permission bitmap: 65536 ports, one bit each (set = denied).
#define X86_IOMAP_BYTES 8192
// Loads `owner`'s bitmap (two pages) into the TSS unless it is already there; a NULL owner
// denies every port.
void x86_load_iomap(const void *owner, const uint8_t *const pages[2]);
// owner's bitmap changed (now `pages`; NULL: it is going away). A CPU that has owner's copy
// loaded and runs in owner's address space reloads it before this returns (an IPI: a thread
// there in user mode sees the change at once); any other CPU with the copy reloads it at its
// next x86_load_iomap. With other CPUs running, the caller holds the kernel lock exclusively.
void x86_iomap_changed(const void *owner, uint64_t cr3, const uint8_t *const pages[2]);
// The IPI's part on this CPU (x86_irq).
void x86_iomap_ipi(struct x86_percpu *c);
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
#define X86_VEC_IPI      0xf0  // the one fixed-vector IPI (x86_send_ipi)
#define X86_VEC_SPURIOUS 0xff
#define X86_VEC_SYSCALL  0x100  // marker value stored in uctx->vector by the syscall entry
#define X86_VEC_SYSCALL_DONE 0x101  // the fast path ran the call and stopped (rax: result)

#endif  // __ASSEMBLER__
#endif
