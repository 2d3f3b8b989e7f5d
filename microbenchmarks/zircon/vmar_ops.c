// Vmar/Protect and Vmar/Decommit on a 64 KiB mapping of a VMO (not Fuchsia microbenchmark
// labels: issue 12 asks for them).
//   Vmar/Protect   steps protect_ro, protect_rw: zx_vmar_protect of the whole committed,
//                  mapped range to READ, then back to READ|WRITE
//   Vmar/Decommit  steps touch, decommit: a write to each of the 16 pages (faults, commits),
//                  then zx_vmar_op_range(ZX_VMAR_OP_DECOMMIT) of the range
#include "bench.h"

#if defined(ZX_SYS_vmar_map) && defined(ZX_SYS_vmar_protect) && defined(ZX_SYS_vmar_op_range)
enum { kVmarOpsLen = 64 * 1024 };

static bool vmar_protect_test(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "protect_ro");
    declare_step(state, "protect_rw");
    zx_handle_t vmo;
    zx_vaddr_t addr;
    BENCH_OK(state, zx_vmo_create(kVmarOpsLen, 0, &vmo));
    BENCH_OK(state, zx_vmar_map(zx_vmar_root_self(),
                                ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_MAP_RANGE, 0, vmo, 0,
                                kVmarOpsLen, &addr));
    for (size_t off = 0; off < kVmarOpsLen; off += ZX_PAGE_SIZE) ((volatile char *)addr)[off] = 1;
    zx_status_t st = ZX_OK;
    while (st == ZX_OK && perftest_keep_running(state)) {
        st = zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ, addr, kVmarOpsLen);
        next_step(state);
        if (st == ZX_OK)
            st = zx_vmar_protect(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, addr,
                                 kVmarOpsLen);
    }
    zx_vmar_unmap(zx_vmar_root_self(), addr, kVmarOpsLen);
    zx_handle_close(vmo);
    BENCH_OK(state, st);
    return true;
}

static bool vmar_decommit_test(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "touch");
    declare_step(state, "decommit");
    zx_handle_t vmo;
    zx_vaddr_t addr;
    BENCH_OK(state, zx_vmo_create(kVmarOpsLen, 0, &vmo));
    BENCH_OK(state, zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo,
                                0, kVmarOpsLen, &addr));
    zx_status_t st = ZX_OK;
    while (st == ZX_OK && perftest_keep_running(state)) {
        for (size_t off = 0; off < kVmarOpsLen; off += ZX_PAGE_SIZE)
            ((volatile char *)addr)[off] = 1;
        next_step(state);
        st = zx_vmar_op_range(zx_vmar_root_self(), ZX_VMAR_OP_DECOMMIT, addr, kVmarOpsLen, NULL,
                              0);
    }
    zx_vmar_unmap(zx_vmar_root_self(), addr, kVmarOpsLen);
    zx_handle_close(vmo);
    BENCH_OK(state, st);
    return true;
}

static void register_vmar_ops_tests(void) {
    perftest_registerf(vmar_protect_test, NULL, "Vmar/Protect");
    perftest_registerf(vmar_decommit_test, NULL, "Vmar/Decommit");
}
PERFTEST_CTOR(register_vmar_ops_tests)
#endif
