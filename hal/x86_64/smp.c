// Bringing up the other CPUs (application processors, APs). The boot CPU (BSP) finds them in
// the ACPI MADT and starts each in turn with INIT, SIPI, SIPI (Intel SDM vol. 3, "MP
// initialization": INIT, 10 ms, SIPI, 200 us, SIPI) at the trampoline (trampoline.S). Each AP
// loads its own GDT and TSS and the shared IDT, enables what the BSP enables, turns its local
// APIC on and waits with interrupts on until hal_start_other_cpus gives it the executor; from
// then on every CPU runs user threads, and kernel code runs under the kernel lock (below;
// docs/smp.md).
#include <string.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "x86.h"

#define AP_STACK_SIZE 16384
#define INIT_DELAY_NS 10000000ull   // INIT to the first SIPI
#define SIPI_DELAY_NS 200000ull     // after each SIPI
#define AP_TIMEOUT_NS 1000000000ull // an AP not online this long after its SIPIs is left out
#define IPI_TIMEOUT_NS 100000000ull
#define ICR_TIMEOUT_NS 100000000ull  // for the local APIC to accept an interrupt command

#define ICR_FIXED     0x000
#define ICR_INIT      0x500
#define ICR_STARTUP   0x600
#define ICR_PENDING   (1u << 12)
#define ICR_ASSERT    (1u << 14)
#define ICR_LEVEL     (1u << 15)

extern const char x86_tramp_start[], x86_tramp_params[], x86_tramp_end[];  // trampoline.S
extern void x86_ap_start64(void);
extern uint64_t boot_pml4[];  // boot.S

static uint8_t ap_stacks[X86_MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16)));  // [0] unused
static unsigned cpus_online = 1;

struct tramp_params {
    uint64_t boot_cr3, efer, kernel_cr3, stack, entry, cpu;
};
_Static_assert(offsetof(struct tramp_params, boot_cr3) == X86_TRAMP_BOOT_CR3, "trampoline.S");
_Static_assert(offsetof(struct tramp_params, efer) == X86_TRAMP_EFER, "trampoline.S");
_Static_assert(offsetof(struct tramp_params, kernel_cr3) == X86_TRAMP_KERNEL_CR3, "trampoline.S");
_Static_assert(offsetof(struct tramp_params, stack) == X86_TRAMP_STACK, "trampoline.S");
_Static_assert(offsetof(struct tramp_params, entry) == X86_TRAMP_ENTRY, "trampoline.S");
_Static_assert(offsetof(struct tramp_params, cpu) == X86_TRAMP_CPU, "trampoline.S");
_Static_assert(sizeof(struct tramp_params) == X86_TRAMP_PARAMS_SIZE, "trampoline.S");

_Static_assert(X86_MAX_CPUS == HAL_MAX_CPUS, "hal.h");
_Static_assert(offsetof(struct x86_percpu, kwords) == HAL_X86_PERCPU_KWORDS, "hal_arch.h");
_Static_assert(offsetof(struct x86_percpu, lock_shared) == X86_PERCPU_LOCK_SHARED, "entry.S");
_Static_assert(offsetof(struct x86_percpu, direct_rflags) == X86_PERCPU_DIRECT_RFLAGS, "entry.S");
_Static_assert(offsetof(struct x86_percpu, kwords) + 8 * HAL_CPU_WORD_SYSCALL_STOP == 72, "entry.S");

unsigned hal_cpu_count(void) { return cpus_online; }

// The number in this CPU's block, through the GS base (x86.h: x86_this_cpu).
unsigned hal_cpu_id(void) {
    unsigned id;
    __asm__("movl %%gs:%c1, %0" : "=r"(id) : "i"(X86_PERCPU_CPU));
    return id;
}

static void wait_ns(uint64_t ns) {
    zx_time_t end = hal_now() + (zx_time_t)ns;
    while (hal_now() < end) __asm__ volatile("pause");
}

// Whether the local APIC accepted the last interrupt command (its delivery status went idle)
// within ICR_TIMEOUT_NS.
static bool icr_idle(void) {
    zx_time_t end = hal_now() + (zx_time_t)ICR_TIMEOUT_NS;
    while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING) {
        if (hal_now() >= end) return false;
        __asm__ volatile("pause");
    }
    return true;
}

// Writes the interrupt command (destination, then the low word, which sends) once the previous
// one has been accepted, and waits for this one to be. The caller has interrupts off, so the
// two writes are not split.
static bool send_icr(uint32_t apic_id, uint32_t low) {
    if (!icr_idle()) return false;
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, low);
    return icr_idle();
}

void x86_send_ipi(unsigned cpu, uint8_t vector) {
    DEBUG_ASSERT(cpu < cpus_online);
    send_icr(x86_percpu[cpu].apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

void x86_ipi_taken(void) { __atomic_fetch_add(&x86_this_cpu()->ipis, 1, __ATOMIC_RELEASE); }

static bool send_init(uint32_t apic_id) {
    lapic_write(LAPIC_ESR, 0);
    return send_icr(apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT) &&
           send_icr(apic_id, ICR_INIT | ICR_LEVEL);  // de-assert
}

// The APIC id that `zc.smp_nostart=ID` on the command line names: that CPU gets its INIT but no
// SIPI, so it never comes up. For the test of the timeout path (tests/harness/test_smp.py).
static unsigned nostart_apic = ~0u;

// Starts CPU `cpu` (its apic_id set) and waits for it to say it is online.
static bool start_ap(unsigned cpu) {
    struct x86_percpu *c = &x86_percpu[cpu];
    struct tramp_params *p = paddr_to_kva(X86_TRAMP_PA + (x86_tramp_params - x86_tramp_start));
    p->stack = (uint64_t)&ap_stacks[cpu][AP_STACK_SIZE];
    p->cpu = cpu;
    if (!send_init(c->apic_id)) return false;
    wait_ns(INIT_DELAY_NS);
    bool sipi = c->apic_id != nostart_apic;
    for (int i = 0; i < 2 && sipi && !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE); i++) {
        send_icr(c->apic_id, ICR_STARTUP | ICR_ASSERT | (X86_TRAMP_PA >> 12));
        wait_ns(SIPI_DELAY_NS);
    }
    zx_time_t end = hal_now() + (zx_time_t)AP_TIMEOUT_NS;
    while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
        if (hal_now() >= end) {
            // Back to wait-for-SIPI, so that it cannot wake later on another CPU's parameters
            // (and a flag it set just now does not count for the next CPU in this slot).
            send_init(c->apic_id);
            __atomic_store_n(&c->online, 0, __ATOMIC_RELAXED);
            return false;
        }
        __asm__ volatile("pause");
    }
    return true;
}

// hal_cpu_id() as read through this CPU's GS base, if that base is c (else ~0): checked by
// the boot CPU for every CPU (check_gs).
static unsigned gs_cpu_id(struct x86_percpu *c) { return x86_this_cpu() == c ? hal_cpu_id() : ~0u; }

// How many CPUs online found their own block through GS at bring-up.
static unsigned check_gs(void) {
    unsigned ok = 0;
    for (unsigned cpu = 0; cpu < cpus_online; cpu++) {
        if (x86_percpu[cpu].gs_cpu == cpu)
            ok++;
        else
            kprintf("zc: smp: CPU %u (APIC id %u) read CPU number %u through its GS base\n", cpu,
                    x86_percpu[cpu].apic_id, x86_percpu[cpu].gs_cpu);
    }
    return ok;
}

// The AP's C entry (trampoline.S: x86_ap_start64), on its own stack and the kernel's tables.
// It idles until hal_start_other_cpus gives it the executor.
void x86_ap_main(unsigned cpu) {
    struct x86_percpu *c = &x86_percpu[cpu];
    x86_cpu_init_ap(cpu);
    x86_lapic_init_ap();
    if (x86_apic_id() != c->apic_id) hal_halt();  // not the CPU the BSP started: stay out
    c->gs_cpu = gs_cpu_id(c);
    __atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
    void (*fn)(void);
    while (!(fn = __atomic_load_n(&c->start, __ATOMIC_ACQUIRE))) {
        __asm__ volatile("sti; hlt; cli" ::: "memory");
        c->timer_pending = 0;  // its timer is stopped; nothing to run yet
    }
    wrmsr(MSR_LSTAR, (uint64_t)x86_syscall_entry_smp);
    x86_lapic_timer_start();
    x86_kernel_lock();
    fn();
    hal_halt();
}

// ---- the kernel lock ----
//
// A reader/writer lock for all kernel code (docs/smp.md, "The kernel lock"), shaped as a big
// reader lock: a shared holder writes only its own CPU's flag (lock_shared), so shared
// holders on different CPUs share no cache line; the exclusive holder owns
// x86_kernel_lock_word and waits until no CPU holds it shared.
//
// The HAL takes it exclusively on every way into the kernel from user mode (a trap or
// interrupt: hal_context_run) and from hal_idle, and drops it on every way out. The syscall
// entry leaves the choice to the syscall handler (hal_kernel_lock, hal_kernel_lock_shared)
// and drops whichever it holds. Interrupts are off in the kernel, so a CPU that waits for the
// lock opens them for an instant on each turn: the IPIs a lock holder waits on (TLB
// shootdown) are always taken, and their handlers (x86_irq) need no lock. The timer's kernel
// work waits for an exclusive hold (timer_pending).
//
// Ordering: a shared holder sets its flag and then reads the word; the exclusive one sets the
// word and then reads the flags; each with a locked instruction (a full barrier) between its
// write and its read, so at least one of two racing CPUs sees the other and backs off (the
// shared one: it clears its flag and waits for the word to be free).
bool x86_smp;  // other CPUs run the executor: the lock is in use
uint32_t x86_kernel_lock_word;  // 0 free, else the exclusive holder's number + 1
char hal_x86_kwords;  // hal_arch.h: the dummy the per-CPU words' accesses name
_Static_assert(offsetof(struct x86_percpu, lock_shared) == X86_PERCPU_LOCK_SHARED, "entry.S");

static void irq_work(struct x86_percpu *c) {
    if (c->timer_pending) {
        c->timer_pending = 0;
        kernel_timer_interrupt();
    }
}

// One turn of a wait for the lock. An interrupt may come in after the nop. (The jump ends a
// translated block, so that QEMU TCG, which looks for interrupts between blocks, takes it too.)
static inline void lock_wait_turn(void) { __asm__ volatile("sti; nop; jmp 1f; 1: pause; cli" ::: "memory"); }

static bool held_exclusive(const struct x86_percpu *c) {
    return __atomic_load_n(&x86_kernel_lock_word, __ATOMIC_RELAXED) == c->cpu + 1;
}

void x86_kernel_lock(void) {
    struct x86_percpu *c = x86_this_cpu();
    if (x86_smp) {
        uint32_t want = c->cpu + 1;
        DEBUG_ASSERT(!held_exclusive(c) && !c->lock_shared);
        for (;;) {
            uint32_t free = 0;
            if (__atomic_load_n(&x86_kernel_lock_word, __ATOMIC_RELAXED) == 0 &&
                __atomic_compare_exchange_n(&x86_kernel_lock_word, &free, want, false, __ATOMIC_SEQ_CST,
                                            __ATOMIC_RELAXED))
                break;
            lock_wait_turn();
        }
        // The shared holders finish their calls (they wait for nothing this CPU holds).
        for (unsigned cpu = 0; cpu < cpus_online; cpu++)
            while (__atomic_load_n(&x86_percpu[cpu].lock_shared, __ATOMIC_ACQUIRE)) lock_wait_turn();
    }
    irq_work(c);
}

void x86_kernel_unlock(void) {
    if (!x86_smp) return;
    struct x86_percpu *c = x86_this_cpu();
    if (c->lock_shared) {
        __atomic_store_n(&c->lock_shared, 0, __ATOMIC_RELEASE);
        return;
    }
    DEBUG_ASSERT(held_exclusive(c));
    __atomic_store_n(&x86_kernel_lock_word, 0, __ATOMIC_RELEASE);
}

void hal_kernel_lock(void) {
    if (!x86_smp) return;
    struct x86_percpu *c = x86_this_cpu();
    if (c->lock_shared) __atomic_store_n(&c->lock_shared, 0, __ATOMIC_RELEASE);
    else if (held_exclusive(c)) return;
    x86_kernel_lock();
}

void hal_kernel_lock_shared(void) {
    if (!x86_smp) return;
    struct x86_percpu *c = x86_this_cpu();
    DEBUG_ASSERT(!held_exclusive(c) && !c->lock_shared);
    if (unlikely(c->timer_pending)) {  // its work needs the exclusive hold
        x86_kernel_lock();
        return;
    }
    for (;;) {
        __atomic_exchange_n(&c->lock_shared, 1, __ATOMIC_SEQ_CST);
        if (likely(__atomic_load_n(&x86_kernel_lock_word, __ATOMIC_SEQ_CST) == 0)) return;
        __atomic_store_n(&c->lock_shared, 0, __ATOMIC_RELEASE);
        while (__atomic_load_n(&x86_kernel_lock_word, __ATOMIC_RELAXED)) lock_wait_turn();
    }
}

bool hal_kernel_lock_exclusive(void) { return !x86_smp || held_exclusive(x86_this_cpu()); }

// The part of an interrupt that needs no lock, wherever it was taken.
void x86_irq(uint64_t vector) {
    struct x86_percpu *c = x86_this_cpu();
    if (vector == X86_VEC_TIMER) {
        x86_lapic_eoi();
        c->timer_pending = 1;
    } else if (vector == X86_VEC_IPI) {
        x86_lapic_eoi();
        if (__atomic_load_n(&c->tlb_req, __ATOMIC_ACQUIRE)) {
            if (read_cr3() == c->tlb_cr3) {
                uint64_t cr3 = c->tlb_leave ? x86_kernel_cr3() : c->tlb_cr3;
                write_cr3(cr3);  // a reload flushes every non-global entry
                __atomic_store_n(&c->cr3, cr3, __ATOMIC_RELEASE);
            }
            __atomic_store_n(&c->tlb_req, 0, __ATOMIC_RELEASE);
        }
        x86_iomap_ipi(c);
        x86_ipi_taken();
    } else if (vector != X86_VEC_SPURIOUS) {
        x86_lapic_eoi();
    }
}

void x86_tlb_shootdown(uint64_t cr3, bool leave) {
    if (!x86_smp) return;
    unsigned self = hal_cpu_id();
    bool sent[X86_MAX_CPUS] = {false};
    for (unsigned cpu = 0; cpu < cpus_online; cpu++) {
        struct x86_percpu *c = &x86_percpu[cpu];
        // Its CR3 cannot change meanwhile: that takes the lock, which the caller holds.
        if (cpu == self || __atomic_load_n(&c->cr3, __ATOMIC_ACQUIRE) != cr3) continue;
        c->tlb_cr3 = cr3;
        c->tlb_leave = leave;
        __atomic_store_n(&c->tlb_req, 1, __ATOMIC_RELEASE);
        x86_send_ipi(cpu, X86_VEC_IPI);
        sent[cpu] = true;
    }
    for (unsigned cpu = 0; cpu < cpus_online; cpu++)
        while (sent[cpu] && __atomic_load_n(&x86_percpu[cpu].tlb_req, __ATOMIC_ACQUIRE)) __asm__ volatile("pause");
}

void hal_start_other_cpus(void (*fn)(void)) {
    if (cpus_online < 2) return;
    __atomic_store_n(&x86_kernel_lock_word, hal_cpu_id() + 1, __ATOMIC_RELAXED);  // the caller holds it
    x86_smp = true;
    wrmsr(MSR_LSTAR, (uint64_t)x86_syscall_entry_smp);
    for (unsigned cpu = 1; cpu < cpus_online; cpu++) {
        __atomic_store_n(&x86_percpu[cpu].start, fn, __ATOMIC_RELEASE);
        x86_send_ipi(cpu, X86_VEC_IPI);
    }
}

void hal_cpu_kick(unsigned cpu) {
    if (cpu != hal_cpu_id()) x86_send_ipi(cpu, X86_VEC_IPI);
}

void hal_cpu_word_set_on(unsigned cpu, unsigned i, uintptr_t v) {
    __atomic_store_n(&x86_percpu[cpu].kwords[i], v, __ATOMIC_RELEASE);
}

// Sends each AP an IPI and waits for it to be taken, so that the boot log shows the IPI path
// working end to end (or which CPU it failed on). Returns how many took it.
static unsigned check_ipis(void) {
    unsigned taken = 0;
    for (unsigned cpu = 1; cpu < cpus_online; cpu++) {
        const uint64_t *ipis = &x86_percpu[cpu].ipis;
        uint64_t before = __atomic_load_n(ipis, __ATOMIC_ACQUIRE);
        x86_send_ipi(cpu, X86_VEC_IPI);
        zx_time_t end = hal_now() + (zx_time_t)IPI_TIMEOUT_NS;
        while (__atomic_load_n(ipis, __ATOMIC_ACQUIRE) == before && hal_now() < end)
            __asm__ volatile("pause");
        if (__atomic_load_n(ipis, __ATOMIC_ACQUIRE) != before)
            taken++;
        else
            kprintf("zc: smp: CPU %u (APIC id %u) did not take an IPI in %llu ms\n", cpu,
                    x86_percpu[cpu].apic_id, IPI_TIMEOUT_NS / 1000000);
    }
    return taken;
}

static void print_online(const struct x86_madt_skipped *skipped, unsigned failed, zx_time_t took,
                         unsigned ipis_taken, unsigned gs_ok) {
    char line[160];
    size_t n = ksnprintf(line, sizeof(line), "zc: smp: %u CPU%s online (APIC ids ", cpus_online,
                         cpus_online == 1 ? "" : "s");
    for (unsigned cpu = 0; cpu < cpus_online; cpu++)
        n += ksnprintf(line + n, sizeof(line) - n, "%s%u", cpu ? "," : "", x86_percpu[cpu].apic_id);
    n += ksnprintf(line + n, sizeof(line) - n, ")");
    if (cpus_online > 1)
        n += ksnprintf(line + n, sizeof(line) - n, " in %ld ms, IPI taken by %u of %u",
                       took / 1000000, ipis_taken, cpus_online - 1);
    n += ksnprintf(line + n, sizeof(line) - n, ", own GS block on %u of %u", gs_ok, cpus_online);
    if (skipped->disabled)
        n += ksnprintf(line + n, sizeof(line) - n, "; %u disabled in the MADT", skipped->disabled);
    if (skipped->over)
        n += ksnprintf(line + n, sizeof(line) - n, "; %u left out (over %u CPUs or xAPIC ids)",
                       skipped->over, X86_MAX_CPUS);
    if (failed) ksnprintf(line + n, sizeof(line) - n, "; %u failed to start", failed);
    kprintf("%s\n", line);
}

void x86_smp_init(void) {
    uint32_t ids[X86_MAX_CPUS];
    struct x86_madt_skipped skipped;
    unsigned failed = 0;
    unsigned listed = x86_acpi_cpus(x86_rsdp_hint, ids, X86_MAX_CPUS, &skipped);
    uint32_t bsp = x86_apic_id();
    x86_cmdline_uint("zc.smp_nostart", &nostart_apic);
    x86_percpu[0].apic_id = bsp;
    x86_percpu[0].online = 1;
    x86_percpu[0].gs_cpu = gs_cpu_id(&x86_percpu[0]);
    if (listed == 0) {
        kprintf("zc: smp: no ACPI MADT; 1 CPU (APIC id %u)%s\n", bsp,
                check_gs() == 1 ? ", own GS block" : "");
        return;
    }
    if (listed > 1 && !x86_tramp_page_ram) {
        kprintf("zc: smp: page %#x is not RAM, cannot start the other CPUs\n", X86_TRAMP_PA);
        listed = 1;
    }
    if (listed > 1) {
        memcpy(paddr_to_kva(X86_TRAMP_PA), x86_tramp_start, x86_tramp_end - x86_tramp_start);
        struct tramp_params *p = paddr_to_kva(X86_TRAMP_PA + (x86_tramp_params - x86_tramp_start));
        p->boot_cr3 = (uintptr_t)boot_pml4 - KERNEL_VBASE;
        p->efer = rdmsr(MSR_EFER) & EFER_NXE;
        p->kernel_cr3 = x86_kernel_cr3();
        p->entry = (uint64_t)x86_ap_start64;
    }
    zx_time_t t0 = hal_now();
    for (unsigned i = 0; i < listed; i++) {
        if (ids[i] == bsp) continue;
        unsigned cpu = cpus_online;
        x86_percpu[cpu].apic_id = ids[i];
        if (!start_ap(cpu)) {
            kprintf("zc: smp: CPU with APIC id %u did not come up in %llu ms; left out\n", ids[i],
                    AP_TIMEOUT_NS / 1000000);
            x86_percpu[cpu].apic_id = 0;
            failed++;
            continue;
        }
        cpus_online++;
    }
    zx_time_t took = hal_now() - t0;
    unsigned ipis_taken = check_ipis();
    print_online(&skipped, failed, took, ipis_taken, check_gs());
}
