#include "tests/host/kt_vm.h"

#include <zircon/rights.h>

struct coh {
    struct vm_aspace *as;
    const char *file;
    int line;
    int bad;
};

static void check_region(void *ctx, struct vm_region *r, size_t depth) {
    struct coh *c = ctx;
    if (r->kind != VM_REGION_MAPPING) return;
    struct vm_mapping *m = container_of(r, struct vm_mapping, r);
    for (uintptr_t va = r->base; va < r->base + r->size; va += HAL_PAGE_SIZE) {
        paddr_t pa, want;
        unsigned flags;
        if (!hal_aspace_query(&c->as->hal, va, &pa, &flags)) continue;
        uint64_t idx = (m->vmo_offset + (va - r->base)) / HAL_PAGE_SIZE;
        if (!vmo_lookup_page(m->vmo, idx, &want)) {
            if (pa == zero_page && !(flags & HAL_MMU_WRITE)) continue;  // reads as zeros
            kt_fail(c->file, c->line, "va %#lx maps frame %#lx but the VMO has no page %lu there", va, pa, idx);
            c->bad++;
        } else if (want != pa) {
            kt_fail(c->file, c->line, "va %#lx maps frame %#lx, the VMO's page %lu is frame %#lx (stale)", va,
                    pa, idx, want);
            c->bad++;
        }
    }
}

int kt_vm_check_coherent(struct vm_aspace *as, const char *file, int line) {
    struct coh c = {as, file, line, 0};
    if (as->root) vmar_walk(as->root, 0, check_region, &c);
    return c.bad;
}

uintptr_t kt_map(struct vm_aspace *as, struct vmo *v, zx_vm_option_t extra) {
    uintptr_t a = 0;
    zx_status_t st = vmar_map(as->root, KT_RW | extra, 0, v, 0, v->size, ZX_DEFAULT_VMO_RIGHTS,
                              KT_ROOT_RIGHTS(as), &a);
    if (st != ZX_OK) {
        kt_fail(__FILE__, __LINE__, "kt_map: %s", th_status_name(st));
        return 0;
    }
    return a;
}

paddr_t kt_pte(struct vm_aspace *as, uintptr_t va, unsigned *flags) {
    paddr_t pa;
    return hal_aspace_query(&as->hal, va, &pa, flags) ? pa : 0;
}

void kt_aspace_destroy(struct vm_aspace *as) {
    vm_aspace_destroy_mappings(as);
    vm_aspace_unref(as);
}
