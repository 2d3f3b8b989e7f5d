// Time: TSC calibrated against the PIT; the local APIC timer in one-shot mode for deadlines.
#include <zircon/types.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "x86.h"

volatile uint32_t *x86_lapic;
static uint64_t tsc_hz, tsc_boot, ns_mult;  // ns = ((tsc - tsc_boot) * ns_mult) >> 32
static uint64_t lapic_hz;                   // timer counts per second (divider 16)
static uint64_t lapic_mult;                 // counts = (ns * lapic_mult) >> 32
uint64_t x86_boot_tsc;

void x86_lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

// Count TSC ticks across `ms` milliseconds of PIT channel 2.
static uint64_t pit_measure_tsc(unsigned ms) {
    uint32_t latch = 1193182u * ms / 1000;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);  // gate on, speaker off
    outb(0x43, 0xb0);                        // channel 2, lo/hi, mode 0
    outb(0x42, latch & 0xff);
    outb(0x42, (latch >> 8) & 0xff);
    uint64_t t0 = rdtsc();
    while (!(inb(0x61) & 0x20)) {
    }
    return rdtsc() - t0;
}

static void mask_pic(void) {
    // Remap the legacy PICs away from the exception vectors, then mask everything.
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x30);
    outb(0xa1, 0x38);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void x86_timer_init(void) {
    mask_pic();
    uint64_t best = ~0ull;
    for (int i = 0; i < 3; i++) {
        uint64_t t = pit_measure_tsc(10);
        if (t < best) best = t;
    }
    tsc_hz = best * 100;
    tsc_boot = x86_boot_tsc;
    ns_mult = (1000000000ull << 32) / tsc_hz;

    uint64_t apic_base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, apic_base | (1ul << 11));  // global enable
    x86_lapic = (volatile uint32_t *)paddr_to_kva(apic_base & ~0xffful);
    lapic_write(LAPIC_SVR, 0x100 | X86_VEC_SPURIOUS);
    lapic_write(LAPIC_TMR_DIV, 0x3);  // divide by 16
    lapic_write(LAPIC_LVT_TMR, (1u << 16) | X86_VEC_TIMER);  // masked while measuring
    lapic_write(LAPIC_TMR_INIT, 0xffffffffu);
    uint64_t t0 = rdtsc(), wait = tsc_hz / 100;
    while (rdtsc() - t0 < wait) {
    }
    uint32_t elapsed = 0xffffffffu - lapic_read(LAPIC_TMR_CUR);
    lapic_write(LAPIC_TMR_INIT, 0);
    lapic_hz = (uint64_t)elapsed * 100;
    if (lapic_hz == 0 || lapic_hz >= (1ull << 32)) panic("local APIC timer rate %lu", lapic_hz);
    lapic_mult = (lapic_hz << 32) / 1000000000ull;
    lapic_write(LAPIC_LVT_TMR, X86_VEC_TIMER);  // one-shot, unmasked
    kprintf("zc: time: tsc %lu kHz, apic timer %lu kHz%s\n", tsc_hz / 1000, lapic_hz / 1000,
            x86_feat.invariant_tsc ? ", invariant tsc" : "");
}

// An application processor's local APIC: software-enabled, every priority accepted, its timer
// set up as the boot CPU's (one-shot, divide by 16: the boot CPU's calibration, lapic_mult,
// holds for it, so hal_timer_set works on it as it is) but masked and stopped until a scheduler
// runs there (docs/smp.md).
void x86_lapic_init_ap(void) {
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1ul << 11));
    lapic_write(LAPIC_SVR, 0x100 | X86_VEC_SPURIOUS);
    lapic_write(LAPIC_TMR_DIV, 0x3);
    lapic_write(LAPIC_LVT_TMR, (1u << 16) | X86_VEC_TIMER);
    lapic_write(LAPIC_TMR_INIT, 0);
    lapic_write(LAPIC_TPR, 0);
}

// An AP's timer from when it runs the executor: one-shot, unmasked, as the boot CPU's.
void x86_lapic_timer_start(void) {
    lapic_write(LAPIC_TMR_INIT, 0);
    lapic_write(LAPIC_LVT_TMR, X86_VEC_TIMER);
}

uint64_t hal_ticks(void) { return rdtsc(); }
uint64_t hal_ticks_per_second(void) { return tsc_hz; }
uint64_t hal_boot_ticks(void) { return x86_boot_tsc; }

// Always inlined (LTO): it sits on every wait with a deadline and every timer check.
__attribute__((always_inline)) inline zx_time_t hal_now(void) {
    uint64_t d = rdtsc() - tsc_boot;
    return (zx_time_t)(((unsigned __int128)d * ns_mult) >> 32);
}

void hal_time_params(uint64_t *ticks_at_boot, uint64_t *mult) {
    *ticks_at_boot = tsc_boot;
    *mult = ns_mult;
}

void hal_timer_set(zx_time_t deadline) {
    if (deadline == ZX_TIME_INFINITE) {
        lapic_write(LAPIC_TMR_INIT, 0);
        return;
    }
    zx_time_t now = hal_now();
    uint64_t delta = deadline > now ? (uint64_t)(deadline - now) : 0;
    uint64_t count = (uint64_t)(((unsigned __int128)delta * lapic_mult) >> 32);
    if (count == 0) count = 1;
    if (count > 0xffffffffu) count = 0xffffffffu;  // fires early; the kernel re-arms
    lapic_write(LAPIC_TMR_INIT, (uint32_t)count);
}
