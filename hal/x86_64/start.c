// Platform start: read the PVH start info (memory map, command line, initrd), bring up the
// CPU, page tables and timer, then hand over to the portable kernel.
#include <string.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "x86.h"

#define PVH_MAGIC 0x336ec578u
#define MAX_RANGES 64

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};
struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};
struct hvm_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

extern char __kernel_end[];
extern uint64_t x86_boot_tsc;

static char cmdline[1024];
static struct hal_mem_range ranges[MAX_RANGES];
static size_t nranges;
static uint64_t total_ram;
static paddr_t initrd_base;
uint64_t x86_rsdp_hint;
bool x86_tramp_page_ram;
static uint64_t initrd_size;

// Remove [base, base+size) from the usable ranges.
static void reserve(paddr_t base, uint64_t size) {
    paddr_t end = base + size;
    for (size_t i = 0; i < nranges; i++) {
        paddr_t rb = ranges[i].base, re = rb + ranges[i].size;
        if (end <= rb || base >= re) continue;
        if (base > rb && end < re && nranges < MAX_RANGES) {  // split in two
            memmove(&ranges[i + 2], &ranges[i + 1], (nranges - i - 1) * sizeof(ranges[0]));
            nranges++;
            ranges[i] = (struct hal_mem_range){rb, base - rb};
            ranges[i + 1] = (struct hal_mem_range){end, re - end};
            i++;
            continue;
        }
        if (base <= rb) rb = end < re ? end : re;
        if (end >= re) re = base > rb ? base : rb;
        ranges[i].base = rb;
        ranges[i].size = re > rb ? re - rb : 0;
    }
}

static void read_start_info(uint64_t si_pa, uint64_t *max_phys) {
    const struct hvm_start_info *si = paddr_to_kva(si_pa);
    if (si->magic != PVH_MAGIC) panic("no PVH start info (magic %#x)", si->magic);
    if (si->cmdline_paddr) {
        const char *c = paddr_to_kva(si->cmdline_paddr);
        size_t n = 0;
        while (c[n] && n < sizeof(cmdline) - 1) {
            cmdline[n] = c[n];
            n++;
        }
        cmdline[n] = 0;
    }
    if (si->nr_modules && si->modlist_paddr) {
        const struct hvm_modlist_entry *m = paddr_to_kva(si->modlist_paddr);
        initrd_base = m[0].paddr;
        initrd_size = m[0].size;
    }
    x86_rsdp_hint = si->rsdp_paddr;
    if (si->version < 1 || !si->memmap_paddr) panic("PVH start info has no memory map");
    const struct hvm_memmap_entry *mm = paddr_to_kva(si->memmap_paddr);
    *max_phys = 0;
    for (uint32_t i = 0; i < si->memmap_entries && nranges < MAX_RANGES; i++) {
        if (mm[i].type != 1) continue;  // RAM
        if (mm[i].addr <= X86_TRAMP_PA && mm[i].addr + mm[i].size >= X86_TRAMP_PA + 4096)
            x86_tramp_page_ram = true;
        paddr_t b = (mm[i].addr + 4095) & ~4095ul;
        paddr_t e = (mm[i].addr + mm[i].size) & ~4095ul;
        if (e <= b) continue;
        ranges[nranges++] = (struct hal_mem_range){b, e - b};
        total_ram += e - b;
        if (e > *max_phys) *max_phys = e;
    }
    reserve(0, 0x100000);  // real-mode area, boot structures, the AP trampoline (X86_TRAMP_PA)
    reserve(0x100000, (uintptr_t)__kernel_end - KERNEL_VBASE - 0x100000);
    if (initrd_size) {
        paddr_t b = initrd_base & ~4095ul, e = (initrd_base + initrd_size + 4095) & ~4095ul;
        reserve(b, e - b);
    }
}

void x86_start(uint32_t start_info_pa) {
    x86_boot_tsc = rdtsc();
    x86_serial_init();
    x86_cpu_init();
    uint64_t max_phys;
    read_start_info(start_info_pa, &max_phys);
    x86_mmu_init(max_phys);
    kprintf("\nzc: booting (x86_64, %lu MiB RAM, nx %d smep %d smap %d erms %d fsrm %d)\n",
            total_ram >> 20, x86_feat.nx, x86_feat.smep, x86_feat.smap, x86_feat.erms,
            x86_feat.fsrm);
    if (x86_feat.kernel_emulated)
        kprintf("zc: cpu: kernel code runs in the hypervisor's instruction emulator (%lu ticks for "
                "a %d-step loop); SMAP %s\n", x86_feat.emul_probe_ticks, X86_EMUL_PROBE_STEPS,
                x86_feat.smap_cpuid ? "off (the emulator has no STAC/CLAC)" : "absent");
    else
        kprintf("zc: cpu: kernel code runs natively (%lu ticks for a %d-step loop)\n",
                x86_feat.emul_probe_ticks, X86_EMUL_PROBE_STEPS);
    x86_timer_init();
    x86_smp_init();
    kernel_main();
}

bool x86_cmdline_uint(const char *key, unsigned *out) {
    size_t klen = strlen(key);
    for (const char *w = cmdline; *w;) {
        while (*w == ' ') w++;
        if (!strncmp(w, key, klen) && w[klen] == '=' && w[klen + 1] >= '0' && w[klen + 1] <= '9') {
            unsigned v = 0;
            for (w += klen + 1; *w >= '0' && *w <= '9'; w++) v = v * 10 + (unsigned)(*w - '0');
            *out = v;
            return true;
        }
        while (*w && *w != ' ') w++;
    }
    return false;
}

size_t hal_boot_memory(const struct hal_mem_range **out) {
    *out = ranges;
    return nranges;
}
uint64_t hal_total_memory(void) { return total_ram; }
const char *hal_boot_cmdline(void) { return cmdline; }
void hal_boot_initrd(paddr_t *base, uint64_t *size) {
    *base = initrd_base;
    *size = initrd_size;
}
