// CPU placement for zc's own programs (tests and benchmarks): a thread limited to one CPU
// with a profile carrying a CPU mask (zx_profile_create, zx_object_set_profile).
#include "zcrt.h"

#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/profile.h>
#include <zircon/syscalls/resource.h>

zx_status_t zc_pin_to_cpu(zx_handle_t thread, int cpu) {
    uint32_t cpus = zx_system_get_num_cpus();
    zx_handle_t rsrc, profile;
    zx_status_t st = zx_resource_create(zc_get_handle(ZC_HND_RESOURCE), ZX_RSRC_KIND_SYSTEM,
                                        ZX_RSRC_SYSTEM_PROFILE_BASE, 1, "pin", 3, &rsrc);
    if (st != ZX_OK) return st;
    zx_profile_info_t info;
    memset(&info, 0, sizeof(info));
    info.flags = ZX_PROFILE_INFO_FLAG_CPU_MASK;
    for (uint32_t c = 0; c < cpus; c++) {
        if (cpu >= 0 && c != (uint32_t)cpu % cpus) continue;
        info.cpu_affinity_mask.mask[c / ZX_CPU_SET_BITS_PER_WORD] |= 1ull << (c % ZX_CPU_SET_BITS_PER_WORD);
    }
    st = zx_profile_create(rsrc, 0, &info, &profile);
    zx_handle_close(rsrc);
    if (st != ZX_OK) return st;
    st = zx_object_set_profile(thread, profile, 0);
    zx_handle_close(profile);
    return st;
}
