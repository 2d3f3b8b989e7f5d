// Mmu/MapUnmap: map 1 MiB of a VMO into a reserved region in chunks just under a large page
// (511 pages, so small pages are used) with ZX_VM_MAP_RANGE, then unmap it in one call.
// Mmu/MapUnmapWithFaults: the same without ZX_VM_MAP_RANGE, faulting every page in by reading.
#include "bench.h"

#define MMU_REGION (1024u * 1024u * 1024u)  // the reserved sub-VMAR: 1 GiB
#define MMU_SIZE (1024u * 1024u)            // mapped per run: 1 MiB
#define MMU_CHUNK (511u * 4096u)
#define MMU_VMO_SIZE (4u * 1024u * 1024u)

#if defined(ZX_SYS_vmar_allocate) && defined(ZX_SYS_vmar_map) && defined(ZX_SYS_vmar_unmap) && \
    defined(ZX_SYS_vmar_destroy)
// with_faults: the chunks are mapped without ZX_VM_MAP_RANGE and then read-faulted in, one
// byte per page (steps map, fault_in, unmap).
static bool mmu_map_unmap(struct perftest_state *state, const void *arg) {
    bool with_faults = arg != NULL;
    declare_step(state, "map");
    if (with_faults) declare_step(state, "fault_in");
    declare_step(state, "unmap");
    zx_handle_t vmar, vmo;
    zx_vaddr_t base;
    BENCH_OK(state, zx_vmar_allocate(zx_vmar_root_self(),
                                     ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_SPECIFIC, 0, MMU_REGION,
                                     &vmar, &base));
    BENCH_OK(state, zx_vmo_create(MMU_VMO_SIZE, 0, &vmo));
    zx_vm_option_t opts = ZX_VM_SPECIFIC | ZX_VM_PERM_READ | (with_faults ? 0 : ZX_VM_MAP_RANGE);
    while (perftest_keep_running(state)) {
        for (size_t off = 0; off < MMU_SIZE; off += MMU_CHUNK) {
            size_t len = MMU_SIZE - off < MMU_CHUNK ? MMU_SIZE - off : MMU_CHUNK;
            zx_vaddr_t addr;
            BENCH_OK(state, zx_vmar_map(vmar, opts, off, vmo, 0, len, &addr));
        }
        next_step(state);
        if (with_faults) {
            const volatile uint8_t *p = (const volatile uint8_t *)base;
            for (size_t off = 0; off < MMU_SIZE; off += BENCH_PAGE_SIZE) (void)p[off];
            next_step(state);
        }
        BENCH_OK(state, zx_vmar_unmap(vmar, base, MMU_SIZE));
    }
    zx_vmar_destroy(vmar);
    zx_handle_close(vmar);
    zx_handle_close(vmo);
    return true;
}
static const bool with_faults = true;
#endif

static void register_mmu_tests(void) {
#if defined(ZX_SYS_vmar_allocate) && defined(ZX_SYS_vmar_map) && defined(ZX_SYS_vmar_unmap) && \
    defined(ZX_SYS_vmar_destroy)
    perftest_register("Mmu/MapUnmap", mmu_map_unmap, NULL);
    perftest_register("Mmu/MapUnmapWithFaults", mmu_map_unmap, &with_faults);
#endif
}
PERFTEST_CTOR(register_mmu_tests)
