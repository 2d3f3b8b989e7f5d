// hal/hosted address spaces. Every address space owns a window of the host address space
// (HOSTED_WINDOW_SHIFT bits) inside the user region, which start-up reserves PROT_NONE. A mapped
// page is the memfd page of its frame mapped MAP_SHARED|MAP_FIXED at its address, so user code
// and the kernel's physmap see the same memory; protection changes are mprotect; an unmapped
// page is PROT_NONE again. A software page table (three levels of 512 entries over the window,
// its pages taken from the kernel like x86_64's) answers hal_aspace_query and the unmap
// callbacks.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zircon/errors.h>

#include "hal/hosted/hosted.h"
#include "hal/user_segs.h"
#include "kernel/debug.h"

#define PAGE HAL_PAGE_SIZE
#define E_PRESENT 1ul
#define E_WRITE   2ul
#define E_EXEC    4ul
#define E_ADDR    (~0xffful)

int hosted_memfd = -1;
struct hal_aspace *hosted_active;
static uint64_t window_used[HOSTED_WINDOWS / 64];

static uintptr_t window_start(uint32_t w) {
    return HOSTED_USER_REGION + ((uintptr_t)w << HOSTED_WINDOW_SHIFT);
}

void hosted_mmu_init(void) {
    void *p = mmap((void *)HOSTED_USER_REGION, HOSTED_USER_REGION_END - HOSTED_USER_REGION, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)HOSTED_USER_REGION) {
        fprintf(stderr, "zc-hosted: cannot reserve the user region at %#lx: %s\n",
                HOSTED_USER_REGION, strerror(errno));
        exit(127);
    }
}

// Makes [va, va+len) of the user region inaccessible and empty again.
static void host_unmap(uintptr_t va, size_t len) {
    if (mmap((void *)va, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
             0) != (void *)va)
        panic("hosted: cannot unmap %#lx+%#lx (errno %d)", va, len, errno);
}

static int host_prot(unsigned flags) {
    int p = 0;
    if (flags & (HAL_MMU_READ | HAL_MMU_WRITE | HAL_MMU_EXEC)) p |= PROT_READ;
    if (flags & HAL_MMU_WRITE) p |= PROT_WRITE;
    if (flags & HAL_MMU_EXEC) p |= PROT_EXEC;
    return p;
}

static uint64_t entry_bits(unsigned flags) {
    return E_PRESENT | ((flags & HAL_MMU_WRITE) ? E_WRITE : 0) | ((flags & HAL_MMU_EXEC) ? E_EXEC : 0);
}

zx_status_t hal_aspace_init(struct hal_aspace *as) {
    uint32_t w = 0;
    while (w < HOSTED_WINDOWS && (window_used[w / 64] & (1ul << (w % 64)))) w++;
    if (w == HOSTED_WINDOWS) return ZX_ERR_NO_MEMORY;
    paddr_t root;
    if (!kernel_alloc_frame(&root)) return ZX_ERR_NO_MEMORY;
    window_used[w / 64] |= 1ul << (w % 64);
    as->window = w;
    as->base = window_start(w) + HOSTED_WINDOW_GUARD;
    as->end = window_start(w) + (1ul << HOSTED_WINDOW_SHIFT);
    as->root = root;
    as->table_pages = 1;
    return ZX_OK;
}

uintptr_t hal_aspace_user_base(const struct hal_aspace *as) { return as->base; }
uintptr_t hal_aspace_user_end(const struct hal_aspace *as) { return as->end; }

static uint64_t *table(uint64_t pa) { return paddr_to_kva(pa); }

// The entry for va, creating tables on the way when `create`; NULL if absent (or no memory).
static uint64_t *walk(struct hal_aspace *as, uintptr_t va, bool create) {
    uint64_t off = va - window_start(as->window);
    uint64_t *t = table(as->root);
    for (int shift = 30; shift > 12; shift -= 9) {
        uint64_t *e = &t[(off >> shift) & 511];
        if (!(*e & E_PRESENT)) {
            paddr_t pa;
            if (!create || !kernel_alloc_frame(&pa)) return NULL;
            as->table_pages++;
            *e = pa | E_PRESENT;
        }
        t = table(*e & E_ADDR);
    }
    return &t[(off >> 12) & 511];
}

void hal_aspace_destroy(struct hal_aspace *as) {
    if (!as->root) return;
    if (hosted_active == as) hosted_active = NULL;
    host_unmap(as->base, as->end - as->base);
    uint64_t *l1 = table(as->root);
    for (int i = 0; i < 512; i++) {
        if (!(l1[i] & E_PRESENT)) continue;
        uint64_t *l2 = table(l1[i] & E_ADDR);
        for (int j = 0; j < 512; j++)
            if (l2[j] & E_PRESENT) kernel_free_frame(l2[j] & E_ADDR);
        kernel_free_frame(l1[i] & E_ADDR);
    }
    kernel_free_frame(as->root);
    window_used[as->window / 64] &= ~(1ul << (as->window % 64));
    as->root = 0;
    as->table_pages = 0;
}

static bool in_window(const struct hal_aspace *as, uintptr_t va, size_t len) {
    return va >= as->base && va + len >= va && va + len <= as->end;
}

zx_status_t hal_aspace_map(struct hal_aspace *as, uintptr_t va, paddr_t pa, unsigned flags) {
    ASSERT(in_window(as, va, PAGE));
    if (!(flags & (HAL_MMU_READ | HAL_MMU_WRITE | HAL_MMU_EXEC))) {
        hal_aspace_unmap(as, va, PAGE, NULL, NULL);
        return ZX_OK;
    }
    uint64_t *e = walk(as, va, true);
    if (!e) return ZX_ERR_NO_MEMORY;
    if (mmap((void *)va, PAGE, host_prot(flags), MAP_SHARED | MAP_FIXED, hosted_memfd, (off_t)pa) !=
        (void *)va)
        return ZX_ERR_NO_MEMORY;  // the host's mapping limit (vm.max_map_count)
    *e = pa | entry_bits(flags);
    return ZX_OK;
}

size_t hal_aspace_map_absent(struct hal_aspace *as, uintptr_t va, size_t n, const paddr_t *pa,
                             const unsigned *flags) {
    DEBUG_ASSERT((va & ((1ul << 21) - 1)) + n * PAGE <= (1ul << 21));
    ASSERT(in_window(as, va, n * PAGE));
    uint64_t *e = walk(as, va, false);  // one walk: the run shares its last-level table
    if (!e) return 0;
    size_t mapped = 0;
    for (size_t i = 0; i < n; i++, e++) {
        uintptr_t p = va + i * PAGE;
        if (pa[i] == HAL_NO_PAGE || (*e & E_PRESENT)) continue;
        if (!(flags[i] & (HAL_MMU_READ | HAL_MMU_WRITE | HAL_MMU_EXEC))) continue;
        if (mmap((void *)p, PAGE, host_prot(flags[i]), MAP_SHARED | MAP_FIXED, hosted_memfd,
                 (off_t)pa[i]) != (void *)p)
            continue;  // the host's mapping limit: the page stays absent and faults later
        *e = pa[i] | entry_bits(flags[i]);
        mapped++;
    }
    return mapped;
}

void hal_aspace_unmap(struct hal_aspace *as, uintptr_t va, size_t len,
                      void (*fn)(void *ctx, uintptr_t va, paddr_t pa), void *ctx) {
    ASSERT(in_window(as, va, len));
    uintptr_t end = va + len, run = 0;  // run: start of the present pages being collected
    for (uintptr_t p = va; p < end;) {
        uint64_t *e = walk(as, p, false);
        if (!e) {  // no table: skip its 2 MiB
            if (run) host_unmap(run, p - run);
            run = 0;
            p = (p | ((1ul << 21) - 1)) + 1;
            continue;
        }
        if (*e & E_PRESENT) {
            paddr_t pa = *e & E_ADDR;
            *e = 0;
            if (!run) run = p;
            if (fn) fn(ctx, p, pa);
        } else if (run) {
            host_unmap(run, p - run);
            run = 0;
        }
        p += PAGE;
    }
    if (run) host_unmap(run, end - run);
}

void hal_aspace_protect(struct hal_aspace *as, uintptr_t va, size_t len, unsigned flags) {
    ASSERT(in_window(as, va, len));
    if (!(flags & (HAL_MMU_READ | HAL_MMU_WRITE | HAL_MMU_EXEC))) {  // no access: not present
        hal_aspace_unmap(as, va, len, NULL, NULL);
        return;
    }
    for (uintptr_t p = va; p < va + len; p += PAGE) {
        uint64_t *e = walk(as, p, false);
        if (!e || !(*e & E_PRESENT)) continue;
        *e = (*e & E_ADDR) | entry_bits(flags);
        if (mprotect((void *)p, PAGE, host_prot(flags)) != 0)
            panic("hosted: mprotect %#lx (errno %d)", p, errno);
    }
}

bool hal_aspace_query(struct hal_aspace *as, uintptr_t va, paddr_t *pa, unsigned *flags) {
    if (!in_window(as, va, 1)) return false;
    uint64_t *e = walk(as, va, false);
    if (!e || !(*e & E_PRESENT)) return false;
    if (pa) *pa = *e & E_ADDR;
    if (flags)
        *flags = HAL_MMU_READ | ((*e & E_WRITE) ? HAL_MMU_WRITE : 0) | ((*e & E_EXEC) ? HAL_MMU_EXEC : 0);
    return true;
}

// Every window stays mapped; activating one only selects where user copies may go.
void hal_aspace_activate(struct hal_aspace *as) { hosted_active = as; }

zx_status_t hal_aspace_set_ioports(struct hal_aspace *as, uint32_t first, uint32_t count, bool allow) {
    if (first > 0x10000 || count > 0x10000 - first) return ZX_ERR_INVALID_ARGS;
    return allow ? ZX_ERR_NOT_SUPPORTED : ZX_OK;  // a Linux process has no port I/O to hand out
}

uint64_t hal_aspace_table_pages(const struct hal_aspace *as) { return as->table_pages; }

// ---- user copy ----
void *(*hosted_copy_impl)(void *, const void *, size_t) = memcpy;
static uintptr_t copy_fault_addr;

void hal_set_user_copy_routine(void *(*fn)(void *, const void *, size_t)) { hosted_copy_impl = fn; }

void hosted_copy_faulted(uintptr_t addr) { copy_fault_addr = addr; }

static bool user_range_ok(uintptr_t p, size_t len) {
    return hosted_active && in_window(hosted_active, p, len);
}

zx_status_t hal_copy_from_user(void *dst, uintptr_t usrc, size_t len, uintptr_t *fault_addr) {
    if (len == 0) return ZX_OK;
    if (!user_range_ok(usrc, len)) return ZX_ERR_INVALID_ARGS;
    if (hosted_user_copy(dst, (const void *)usrc, len)) {
        *fault_addr = copy_fault_addr;
        return ZX_ERR_UNAVAILABLE;
    }
    return ZX_OK;
}

zx_status_t hal_copy_to_user(uintptr_t udst, const void *src, size_t len, uintptr_t *fault_addr) {
    if (len == 0) return ZX_OK;
    if (!user_range_ok(udst, len)) return ZX_ERR_INVALID_ARGS;
    if (hosted_user_copy((void *)udst, src, len)) {
        *fault_addr = copy_fault_addr;
        return ZX_ERR_UNAVAILABLE;
    }
    return ZX_OK;
}

// No direct calls here (context.c): the same copies.
zx_status_t hal_copy_from_user_direct(void *dst, uintptr_t usrc, size_t len, uintptr_t *fault_addr) {
    return hal_copy_from_user(dst, usrc, len, fault_addr);
}
zx_status_t hal_copy_to_user_direct(uintptr_t udst, const void *src, size_t len, uintptr_t *fault_addr) {
    return hal_copy_to_user(udst, src, len, fault_addr);
}

static zx_status_t copy_piece(uintptr_t u, char *k, size_t m, bool to_user, uintptr_t *fault_addr) {
    return to_user ? hal_copy_to_user(u, k, m, fault_addr) : hal_copy_from_user(k, u, m, fault_addr);
}

// One hal_copy_*_user per piece.
zx_status_t hal_copy_user_segs(struct hal_user_segs *c, void *k, size_t len, bool to_user, uintptr_t *fault_addr) {
    return hal_user_segs_walk(c, k, len, to_user, fault_addr, copy_piece);
}
