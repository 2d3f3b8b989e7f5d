#include "leakcheck.h"

#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "util.h"
#include <stdio.h>
#include <string.h>

zx_status_t kernel_counters(zc_info_kernel_counters_t *out) {
    memset(out, 0, sizeof(*out));
    return zx_object_get_info(root_resource(), ZC_INFO_KERNEL_COUNTERS, out, sizeof(*out), NULL, NULL);
}

zx_status_t leakcheck_read(struct leakcheck *lc) {
    zc_info_kernel_counters_t k;
    zx_status_t st = kernel_counters(&k);
    if (st != ZX_OK) return st;
    lc->live_objects = k.live_objects;
    lc->free_bytes = k.free_bytes;
    return ZX_OK;
}

zx_status_t leakcheck_begin(struct leakcheck *lc) { return leakcheck_read(lc); }

zx_status_t leakcheck_end(const struct leakcheck *lc) {
    struct leakcheck now;
    zx_status_t st = leakcheck_read(&now);
    if (st != ZX_OK) return st;
    if (now.live_objects == lc->live_objects && now.free_bytes + LEAKCHECK_FREE_SLACK >= lc->free_bytes)
        return ZX_OK;
    printf("leakcheck: live objects %lu -> %lu, free bytes %lu -> %lu\n", (unsigned long)lc->live_objects,
              (unsigned long)now.live_objects, (unsigned long)lc->free_bytes, (unsigned long)now.free_bytes);
    return ZX_ERR_BAD_STATE;
}
