// GDT, TSS, IDT, syscall MSRs, CPU features, FPU, SMEP/SMAP.
#include <stddef.h>
#include <string.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "x86.h"

struct x86_features x86_feat;
struct x86_percpu x86_percpu[X86_MAX_CPUS];

struct x86_tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct x86_tss) == 104, "TSS layout");

struct idt_entry {
    uint16_t off0;
    uint16_t sel;
    uint8_t ist;
    uint8_t type;
    uint16_t off1;
    uint32_t off2;
    uint32_t reserved;
} __attribute__((packed));

// Each CPU's TSS and, right after it, its I/O permission bitmap (a set bit denies the port)
// with the all-ones byte the CPU reads past its end. The bitmap holds the ports of the process
// running on that CPU (x86_load_iomap; the owner is in the CPU's x86_percpu block).
static struct {
    struct x86_tss tss;
    uint8_t iomap[X86_IOMAP_BYTES + 1];
} __attribute__((packed, aligned(16))) tss_io[X86_MAX_CPUS];
// One GDT per CPU: the same segments, each with its own TSS descriptor (the CPU marks the one
// it loads busy). One IDT for all.
static uint64_t gdt[X86_MAX_CPUS][7] __attribute__((aligned(16)));
static struct idt_entry idt[256] __attribute__((aligned(16)));
static uint8_t ist_stacks[X86_MAX_CPUS][2][8192] __attribute__((aligned(16)));

extern const uint64_t x86_isr_table[256];  // entry.S
extern void x86_syscall_entry(void);        // entry.S

// Loads CPU `cpu`'s GDT with its TSS (and I/O bitmap), and its IST stacks into the TSS.
static void load_gdt(unsigned cpu) {
    struct x86_tss *t = &tss_io[cpu].tss;
    uint64_t limit = sizeof(tss_io[cpu]) - 1;
    uint64_t *g = gdt[cpu];
    g[0] = 0;
    g[1] = 0x00af9a000000ffff;  // 0x08 kernel code 64
    g[2] = 0x00cf92000000ffff;  // 0x10 kernel data
    g[3] = 0x00cff2000000ffff;  // 0x18 user data (sysret SS = 0x18|3)
    g[4] = 0x00affa000000ffff;  // 0x20 user code 64 (sysret CS = 0x20|3)
    uint64_t base = (uint64_t)t;
    g[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ul << 40) |
           (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    g[6] = base >> 32;
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = {sizeof(gdt[0]) - 1, (uint64_t)g};
    __asm__ volatile(
        "lgdt %0\n"
        "pushq $0x08\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1: mov $0x10, %%eax\n"
        "mov %%eax, %%ds\n"
        "mov %%eax, %%es\n"
        "mov %%eax, %%ss\n"
        "xor %%eax, %%eax\n"
        "mov %%eax, %%fs\n"
        "mov %%eax, %%gs\n"
        :
        : "m"(gdtr)
        : "rax", "memory");
    t->ist[0] = (uint64_t)&ist_stacks[cpu][0][sizeof(ist_stacks[cpu][0])];
    t->ist[1] = (uint64_t)&ist_stacks[cpu][1][sizeof(ist_stacks[cpu][1])];
    t->iomap_base = sizeof(struct x86_tss);
    __asm__ volatile("ltr %w0" ::"r"(TSS_SEL));
}

static void build_idt(void) {
    for (int v = 0; v < 256; v++) {
        uint64_t h = x86_isr_table[v];
        idt[v].off0 = h & 0xffff;
        idt[v].sel = KERNEL_CS;
        idt[v].ist = v == 2 ? 2 : v == 8 ? 1 : 0;  // NMI and double fault on their own stacks
        idt[v].type = 0x8e;                          // present, DPL 0, interrupt gate
        idt[v].off1 = (h >> 16) & 0xffff;
        idt[v].off2 = h >> 32;
        idt[v].reserved = 0;
    }
}

static void load_idt(void) {
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

static void detect_features(void) {
    uint32_t a, b, c, d, max;
    cpuid(0, 0, &max, &b, &c, &d);
    cpuid(1, 0, &a, &b, &c, &d);
    x86_feat.sse2 = d & (1u << 26);
    x86_feat.rdrand = c & (1u << 30);
    x86_feat.tsc_deadline = c & (1u << 24);
    x86_feat.clflush_size = ((b >> 8) & 0xff) * 8;
    if (max >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        x86_feat.smep = b & (1u << 7);
        x86_feat.rdseed = b & (1u << 18);
        x86_feat.erms = b & (1u << 9);
        x86_feat.smap = b & (1u << 20);
        x86_feat.fsrm = d & (1u << 4);
    }
    cpuid(0x80000000, 0, &max, &b, &c, &d);
    if (max >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        x86_feat.nx = d & (1u << 20);
        x86_feat.pdpe1gb = d & (1u << 26);
    }
    if (max >= 0x80000007) {
        cpuid(0x80000007, 0, &a, &b, &c, &d);
        x86_feat.invariant_tsc = d & (1u << 8);
    }
}

// Some hypervisors run a guest's kernel mode at hardware CPL3 and execute it instruction by
// instruction in their emulator (KVM's PVM backend does this for guests that do not use its
// paravirtual ABI, such as zc with its kernel in the upper half). Such an emulator may lack
// instructions a real CPU has (STAC/CLAC) and may not complete the privilege switch of SYSCALL
// (docs/kvm.md). Detect it by the cost of a register-only loop: a few TSC ticks per step on a
// CPU or under TCG, thousands under an instruction emulator.
#define EMUL_PROBE_TICKS_PER_STEP 200

static bool probe_kernel_emulated(void) {
    // The least of three runs: a host that deschedules the vCPU during one run (a loaded CI
    // machine under TCG) must not look like an emulator.
    uint64_t best = ~0ull;
    for (int run = 0; run < 3; run++) {
        uint64_t n = X86_EMUL_PROBE_STEPS;
        uint64_t t0 = rdtsc();
        __asm__ volatile("1: dec %0\n jnz 1b" : "+r"(n));
        uint64_t dt = rdtsc() - t0;
        if (dt < best) best = dt;
    }
    x86_feat.emul_probe_ticks = best;
    return best > (uint64_t)X86_EMUL_PROBE_STEPS * EMUL_PROBE_TICKS_PER_STEP;
}

// The bitmap lives in this CPU's TSS: a process that moves to another CPU has it copied there
// when it is activated there.
void x86_load_iomap(const void *owner, const uint8_t *const pages[2]) {
    struct x86_percpu *c = x86_this_cpu();
    if (owner == c->iomap_owner) return;
    uint8_t *iomap = tss_io[c->cpu].iomap;
    if (owner) {
        memcpy(iomap, pages[0], HAL_PAGE_SIZE);
        memcpy(iomap + HAL_PAGE_SIZE, pages[1], HAL_PAGE_SIZE);
    } else {
        memset(iomap, 0xff, X86_IOMAP_BYTES);
    }
    c->iomap_owner = owner;
}

// Every CPU that holds a copy of owner's bitmap drops it (another CPU's field is written under
// the exclusive kernel lock, so that CPU is not activating an address space meanwhile); one
// that runs in owner's address space (cr3: it may be running a thread of it in user mode) gets
// the new bitmap at once through an IPI, and this waits for it, as the TLB shootdown does.
void x86_iomap_changed(const void *owner, uint64_t cr3, const uint8_t *const pages[2]) {
    unsigned self = hal_cpu_id();
    bool sent[X86_MAX_CPUS] = {false};
    for (unsigned cpu = 0; cpu < X86_MAX_CPUS; cpu++) {
        struct x86_percpu *c = &x86_percpu[cpu];
        if (c->iomap_owner != owner) continue;
        c->iomap_owner = (const void *)1;  // no owner's: the next x86_load_iomap copies
        if (cpu == self || !pages || !x86_smp || __atomic_load_n(&c->cr3, __ATOMIC_ACQUIRE) != cr3) continue;
        c->iomap_req_owner = owner;
        c->iomap_req_cr3 = cr3;
        c->iomap_req_pages[0] = pages[0];
        c->iomap_req_pages[1] = pages[1];
        __atomic_store_n(&c->iomap_req, 1, __ATOMIC_RELEASE);
        x86_send_ipi(cpu, X86_VEC_IPI);
        sent[cpu] = true;
    }
    for (unsigned cpu = 0; cpu < X86_MAX_CPUS; cpu++)
        while (sent[cpu] && __atomic_load_n(&x86_percpu[cpu].iomap_req, __ATOMIC_ACQUIRE)) __asm__ volatile("pause");
}

void x86_iomap_ipi(struct x86_percpu *c) {
    if (!__atomic_load_n(&c->iomap_req, __ATOMIC_ACQUIRE)) return;
    // Still in that address space (a switch needs the lock the requester holds, so it is):
    // load the new bitmap; otherwise the next activation loads the right one.
    if (read_cr3() == c->iomap_req_cr3) x86_load_iomap(c->iomap_req_owner, c->iomap_req_pages);
    __atomic_store_n(&c->iomap_req, 0, __ATOMIC_RELEASE);
}

void x86_set_rsp0(uint64_t rsp0) {
    struct x86_percpu *c = x86_this_cpu();
    c->tss->rsp[0] = rsp0;
    c->uctx_top = rsp0;
}

// What every CPU enables, as the boot CPU found its features (x86_feat); CPU `cpu`'s GS base.
static void enable_features(unsigned cpu) {
    // FPU/SSE for user mode; the kernel itself is built without SSE.
    uint64_t cr0 = read_cr0();
    cr0 &= ~(1ul << 2);   // EM
    cr0 |= (1ul << 1) | (1ul << 5);  // MP, NE
    cr0 |= (1ul << 16);   // WP: honour read-only pages in the kernel too
    write_cr0(cr0);
    uint64_t cr4 = read_cr4();
    cr4 |= (1ul << 9) | (1ul << 10);  // OSFXSR, OSXMMEXCPT
    if (x86_feat.smep) cr4 |= 1ul << 20;
    if (x86_feat.smap) cr4 |= 1ul << 21;
    write_cr4(cr4);
    __asm__ volatile("fninit");

    // syscall/sysret.
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);  // SCE
    wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)x86_syscall_entry);
    wrmsr(MSR_FMASK, 0x47700);  // clear TF, IF, DF, IOPL, NT, AC on entry
    // In the kernel GS is this CPU's block, the user's base (0 until a thread sets one) waits
    // in KERNEL_GS_BASE for the swapgs to user mode (entry.S). After load_gdt's segment loads,
    // which may clear the bases.
    struct x86_percpu *c = &x86_percpu[cpu];
    c->self = c;
    c->cpu = cpu;
    c->tss = &tss_io[cpu].tss;
    c->user_fs_base = c->user_gs_base = 0;
    wrmsr(MSR_FS_BASE, 0);
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void x86_cpu_init(void) {
    detect_features();
    x86_feat.smap_cpuid = x86_feat.smap;
    x86_feat.kernel_emulated = probe_kernel_emulated();
    if (x86_feat.kernel_emulated) x86_feat.smap = false;  // its emulator cannot run STAC/CLAC
    build_idt();
    x86_cpu_init_ap(0);
    x86_user_copy_init();  // patches the kernel's text: once, before it is read-only
}

// CPU `cpu` (0: the boot CPU, from x86_cpu_init; an application processor on its own stack and
// the kernel's page tables, with EFER.LME/NXE and CR4.PAE/PGE set by the trampoline): its
// GDT, TSS, I/O bitmap (every port denied until a process asks), IDT and features.
void x86_cpu_init_ap(unsigned cpu) {
    memset(tss_io[cpu].iomap, 0xff, sizeof(tss_io[cpu].iomap));
    load_gdt(cpu);
    load_idt();
    enable_features(cpu);
}

void hal_cpu_memcpy_features(bool *erms, bool *fsrm, bool *sse2) {
    *erms = x86_feat.erms;
    *fsrm = x86_feat.fsrm;
    *sse2 = x86_feat.sse2;
}

uint32_t hal_dcache_line_size(void) { return x86_feat.clflush_size ? x86_feat.clflush_size : 64; }

uint64_t hal_random(void) {
    if (x86_feat.rdrand) {
        for (int i = 0; i < 10; i++) {
            uint64_t v;
            uint8_t ok;
            __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
            if (ok) return v;
        }
    }
    // Fall back to mixing the TSC (weak; fine for handle-value secrets in tests).
    uint64_t x = rdtsc() * 0x9e3779b97f4a7c15ull;
    x ^= x >> 31;
    return x * 0xbf58476d1ce4e5b9ull;
}

// RDSEED (conditioned entropy source) when the CPU has it, else RDRAND (a DRBG the hardware
// reseeds); both may fail transiently, so each is retried a few times.
bool hal_entropy(uint64_t *out) {
    uint8_t ok = 0;
    if (x86_feat.rdseed) {
        for (int i = 0; i < 32 && !ok; i++) __asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
        if (ok) return true;
    }
    if (x86_feat.rdrand) {
        for (int i = 0; i < 10 && !ok; i++) __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
        if (ok) return true;
    }
    return false;
}

const char *hal_entropy_source(void) {
    return x86_feat.rdseed ? "rdseed" : x86_feat.rdrand ? "rdrand" : "none";
}

// The kernel lock is dropped while the CPU waits, and taken again (with the timer work an
// interrupt left) before the kernel goes on.
void hal_idle(void) {
    x86_kernel_unlock();
    __asm__ volatile("sti; hlt; cli" ::: "memory");
    x86_kernel_lock();
}

void hal_halt(void) {
    for (;;) __asm__ volatile("cli; hlt");
}

void hal_shutdown(int code) {
    // isa-debug-exit: QEMU exits with (code << 1) | 1.
    outl(0xf4, (uint32_t)code);
    // Without the device: fall back to the ACPI-less QEMU shutdown ports, then halt.
    outb(0x604, 0x00);
    hal_halt();
}
