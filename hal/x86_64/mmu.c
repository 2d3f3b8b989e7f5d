// 4-level page tables: the kernel's own map (built once at boot) and user address spaces.
// Kernel mappings are global and shared by every address space through PML4 entries
// 256..511, which are all allocated at boot and never change afterwards.
#include <string.h>
#include <zircon/errors.h>

#include "hal/hal.h"
#include "kernel/debug.h"
#include "x86.h"

#define PTE_P    (1ul << 0)
#define PTE_W    (1ul << 1)
#define PTE_U    (1ul << 2)
#define PTE_PWT  (1ul << 3)
#define PTE_PCD  (1ul << 4)
#define PTE_PS   (1ul << 7)
#define PTE_A    (1ul << 5)
#define PTE_D    (1ul << 6)
#define PTE_G    (1ul << 8)
#define PTE_NX   (1ul << 63)
#define PTE_ADDR 0x000ffffffffff000ul

#define PHYSMAP_MAX_GB 16

extern char __kernel_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[],
    __kernel_end[];

uintptr_t hal_physmap_base = PHYSMAP_BASE;

// Boot-time tables for the kernel map, in the image's BSS.
static uint64_t k_pml4[512] __attribute__((aligned(4096)));
static uint64_t k_pdpt_upper[256][512] __attribute__((aligned(4096)));  // PML4 256..511
static uint64_t k_pd_physmap[PHYSMAP_MAX_GB][512] __attribute__((aligned(4096)));
static uint64_t k_pd_image[512] __attribute__((aligned(4096)));
static uint64_t k_pt_image[8][512] __attribute__((aligned(4096)));

static uint64_t nx_bit;
static uint64_t kernel_cr3;

static inline uint64_t image_pa(const void *va) { return (uintptr_t)va - KERNEL_VBASE; }
static inline uint64_t *table_va(uint64_t entry) { return paddr_to_kva(entry & PTE_ADDR); }

// Loads CR3 and records it for the TLB shootdown (x86_percpu.cr3).
static void load_cr3(uint64_t cr3) {
    write_cr3(cr3);
    __atomic_store_n(&x86_this_cpu()->cr3, cr3, __ATOMIC_RELEASE);
}

void x86_mmu_init(uint64_t max_phys) {
    nx_bit = x86_feat.nx ? PTE_NX : 0;
    for (int i = 0; i < 256; i++) k_pml4[256 + i] = image_pa(k_pdpt_upper[i]) | PTE_P | PTE_W;

    // Physmap: all of [0, max(4 GiB, top of RAM)) with 2 MiB pages; the top GiB below 4 GiB
    // (local APIC, I/O APIC, PCI holes) uncached.
    uint64_t gbs = (max_phys + (1ul << 30) - 1) >> 30;
    if (gbs < 4) gbs = 4;
    if (gbs > PHYSMAP_MAX_GB) gbs = PHYSMAP_MAX_GB;
    for (uint64_t g = 0; g < gbs; g++) {
        k_pdpt_upper[0][g] = image_pa(k_pd_physmap[g]) | PTE_P | PTE_W;
        for (uint64_t i = 0; i < 512; i++) {
            uint64_t pa = (g << 30) | (i << 21);
            uint64_t flags = PTE_P | PTE_W | PTE_PS | PTE_G | PTE_A | PTE_D | nx_bit;
            if (g == 3) flags |= PTE_PCD | PTE_PWT;
            k_pd_physmap[g][i] = pa | flags;
        }
    }

    // The kernel image at KERNEL_VBASE + physical, 4 KiB pages, W^X.
    k_pdpt_upper[255][510] = image_pa(k_pd_image) | PTE_P | PTE_W;
    uintptr_t start = (uintptr_t)__kernel_start & ~0xffful;
    uintptr_t end = ((uintptr_t)__kernel_end + 0xfff) & ~0xffful;
    if (end - KERNEL_VBASE > 8 * 2ul * 1024 * 1024) panic("kernel image too large");
    for (int i = 0; i < 8; i++) k_pd_image[i] = image_pa(k_pt_image[i]) | PTE_P | PTE_W;
    for (uintptr_t va = start; va < end; va += 4096) {
        uint64_t off = va - KERNEL_VBASE;
        uint64_t flags = PTE_P | PTE_G;
        if (va >= (uintptr_t)__text_start && va < (uintptr_t)__text_end) {
            // executable, read-only
        } else if (va >= (uintptr_t)__rodata_start && va < (uintptr_t)__rodata_end) {
            flags |= nx_bit;
        } else {
            flags |= PTE_W | nx_bit;  // boot area, data, bss
        }
        k_pt_image[off >> 21][(off >> 12) & 511] = off | flags;
    }
    write_cr4(read_cr4() | (1ul << 7));  // PGE
    kernel_cr3 = image_pa(k_pml4);
    load_cr3(kernel_cr3);
}

zx_status_t hal_aspace_init(struct hal_aspace *as) {
    paddr_t pa;
    if (!kernel_alloc_frame(&pa)) return ZX_ERR_NO_MEMORY;
    uint64_t *pml4 = paddr_to_kva(pa);
    memcpy(pml4 + 256, k_pml4 + 256, 256 * sizeof(uint64_t));
    as->pml4 = pa;
    as->table_pages = 1;
    as->iomap[0] = as->iomap[1] = 0;
    return ZX_OK;
}

static void free_tables(uint64_t *table, int level) {
    for (int i = 0; i < 512; i++) {
        if (!(table[i] & PTE_P)) continue;
        if (level > 1) free_tables(table_va(table[i]), level - 1);
        if (level > 1) kernel_free_frame(table[i] & PTE_ADDR);
    }
}

void hal_aspace_destroy(struct hal_aspace *as) {
    if (!as->pml4) return;
    if (read_cr3() == as->pml4) load_cr3(kernel_cr3);
    x86_tlb_shootdown(as->pml4, true);  // no CPU keeps the tables about to be freed
    uint64_t *pml4 = paddr_to_kva(as->pml4);
    for (int i = 0; i < 256; i++) {
        if (!(pml4[i] & PTE_P)) continue;
        free_tables(table_va(pml4[i]), 3);
        kernel_free_frame(pml4[i] & PTE_ADDR);
    }
    kernel_free_frame(as->pml4);
    as->pml4 = 0;
    as->table_pages = 0;
    if (as->iomap[0]) {
        x86_iomap_changed(as, 0, NULL);
        x86_load_iomap(NULL, NULL);
        kernel_free_frame(as->iomap[0]);
        kernel_free_frame(as->iomap[1]);
        as->iomap[0] = as->iomap[1] = 0;
    }
}

// Returns the PTE slot for va, creating tables on the way when `create`.
static uint64_t *walk(struct hal_aspace *as, uintptr_t va, bool create) {
    uint64_t *table = paddr_to_kva(as->pml4);
    for (int shift = 39; shift > 12; shift -= 9) {
        uint64_t *e = &table[(va >> shift) & 511];
        if (!(*e & PTE_P)) {
            if (!create) return NULL;
            paddr_t pa;
            if (!kernel_alloc_frame(&pa)) return NULL;
            as->table_pages++;
            *e = pa | PTE_P | PTE_W | PTE_U;
        }
        table = table_va(*e);
    }
    return &table[(va >> 12) & 511];
}

static inline uint64_t leaf_flags(unsigned flags) {
    uint64_t f = PTE_P | PTE_U;
    if (flags & HAL_MMU_WRITE) f |= PTE_W;
    if (!(flags & HAL_MMU_EXEC)) f |= nx_bit;
    return f;
}

// After a present entry changed: this CPU's TLB, and the others' that have the tables loaded.
static inline void flush_page(struct hal_aspace *as, uintptr_t va) {
    if (read_cr3() == as->pml4) invlpg(va);
    x86_tlb_shootdown(as->pml4, false);
}

zx_status_t hal_aspace_map(struct hal_aspace *as, uintptr_t va, paddr_t pa, unsigned flags) {
    // x86 cannot express a present page without read access: no access means not present.
    if (!(flags & (HAL_MMU_READ | HAL_MMU_WRITE | HAL_MMU_EXEC))) {
        hal_aspace_unmap(as, va, HAL_PAGE_SIZE, NULL, NULL);
        return ZX_OK;
    }
    uint64_t *pte = walk(as, va, true);
    if (!pte) return ZX_ERR_NO_MEMORY;
    bool was = *pte & PTE_P;
    *pte = pa | leaf_flags(flags);
    if (was) flush_page(as, va);
    return ZX_OK;
}

size_t hal_aspace_map_absent(struct hal_aspace *as, uintptr_t va, size_t n, const paddr_t *pa,
                             const unsigned *flags) {
    DEBUG_ASSERT((va & ((1ul << 21) - 1)) + n * HAL_PAGE_SIZE <= (1ul << 21));
    uint64_t *pte = walk(as, va, false);  // one walk: the run shares its page table
    if (!pte) return 0;
    size_t mapped = 0;
    for (size_t i = 0; i < n; i++, pte++) {
        if (pa[i] == HAL_NO_PAGE || (*pte & PTE_P)) continue;
        // x86 cannot express a present page without read access: leave those unmapped.
        if (!(flags[i] & (HAL_MMU_READ | HAL_MMU_WRITE | HAL_MMU_EXEC))) continue;
        *pte = pa[i] | leaf_flags(flags[i]);  // was not present: nothing to flush
        mapped++;
    }
    return mapped;
}

void hal_aspace_unmap(struct hal_aspace *as, uintptr_t va, size_t len,
                      void (*fn)(void *ctx, uintptr_t va, paddr_t pa), void *ctx) {
    uintptr_t end = va + len;
    bool active = read_cr3() == as->pml4;
    size_t flushed = 0;
    while (va < end) {
        // Skip whole missing tables quickly.
        uint64_t *table = paddr_to_kva(as->pml4);
        int shift;
        uint64_t *e = NULL;
        for (shift = 39; shift >= 12; shift -= 9) {
            e = &table[(va >> shift) & 511];
            if (!(*e & PTE_P) || shift == 12) break;
            table = table_va(*e);
        }
        if (!(*e & PTE_P)) {
            uintptr_t next = (va & ~((1ul << shift) - 1)) + (1ul << shift);
            va = next > va ? next : end;
            continue;
        }
        paddr_t pa = *e & PTE_ADDR;
        *e = 0;
        if (active && flushed < 64) invlpg(va);
        flushed++;
        if (fn) fn(ctx, va, pa);
        va += 4096;
    }
    if (active && flushed >= 64) write_cr3(as->pml4);
    if (flushed) x86_tlb_shootdown(as->pml4, false);
}

void hal_aspace_protect(struct hal_aspace *as, uintptr_t va, size_t len, unsigned flags) {
    bool active = read_cr3() == as->pml4, changed = false;
    for (uintptr_t p = va; p < va + len; p += 4096) {
        uint64_t *pte = walk(as, p, false);
        if (!pte || !(*pte & PTE_P)) continue;
        if (!(flags & (HAL_MMU_READ | HAL_MMU_WRITE | HAL_MMU_EXEC))) *pte = 0;  // no access: not present
        else *pte = (*pte & PTE_ADDR) | leaf_flags(flags);
        if (active) invlpg(p);
        changed = true;
    }
    if (changed) x86_tlb_shootdown(as->pml4, false);  // once for the whole range
}

bool hal_aspace_query(struct hal_aspace *as, uintptr_t va, paddr_t *pa, unsigned *flags) {
    uint64_t *pte = walk(as, va, false);
    if (!pte || !(*pte & PTE_P)) return false;
    if (pa) *pa = *pte & PTE_ADDR;
    if (flags) {
        *flags = HAL_MMU_READ | ((*pte & PTE_W) ? HAL_MMU_WRITE : 0) |
                 ((*pte & PTE_NX) && nx_bit ? 0 : HAL_MMU_EXEC);
    }
    return true;
}

static bool iomap_in_use;  // some address space was ever given ports

void hal_aspace_activate(struct hal_aspace *as) {
    uint64_t cr3 = as ? as->pml4 : kernel_cr3;
    if (read_cr3() != cr3) load_cr3(cr3);
    if (unlikely(iomap_in_use)) {
        if (as && as->iomap[0]) {
            const uint8_t *pages[2] = {paddr_to_kva(as->iomap[0]), paddr_to_kva(as->iomap[1])};
            x86_load_iomap(as, pages);
        } else {
            x86_load_iomap(NULL, NULL);
        }
    }
}

zx_status_t hal_aspace_set_ioports(struct hal_aspace *as, uint32_t first, uint32_t count, bool allow) {
    if (first > 0x10000 || count > 0x10000 - first) return ZX_ERR_INVALID_ARGS;
    if (!as->iomap[0]) {
        if (!allow) return ZX_OK;  // nothing was allowed
        paddr_t a, b;
        if (!kernel_alloc_frame(&a)) return ZX_ERR_NO_MEMORY;
        if (!kernel_alloc_frame(&b)) {
            kernel_free_frame(a);
            return ZX_ERR_NO_MEMORY;
        }
        memset(paddr_to_kva(a), 0xff, HAL_PAGE_SIZE);
        memset(paddr_to_kva(b), 0xff, HAL_PAGE_SIZE);
        as->iomap[0] = a;
        as->iomap[1] = b;
        iomap_in_use = true;
    }
    for (uint32_t port = first; port < first + count; port++) {
        uint8_t *byte = (uint8_t *)paddr_to_kva(as->iomap[port / (8 * HAL_PAGE_SIZE)]) + (port % (8 * HAL_PAGE_SIZE)) / 8;
        if (allow) *byte &= (uint8_t)~(1u << (port % 8));
        else *byte |= (uint8_t)(1u << (port % 8));
    }
    const uint8_t *pages[2] = {paddr_to_kva(as->iomap[0]), paddr_to_kva(as->iomap[1])};
    x86_iomap_changed(as, as->pml4, pages);
    if (read_cr3() == as->pml4) hal_aspace_activate(as);
    return ZX_OK;
}

uint64_t hal_aspace_table_pages(const struct hal_aspace *as) { return as->table_pages; }

uint64_t x86_kernel_cr3(void) { return kernel_cr3; }
