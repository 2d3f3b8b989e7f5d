// The pager family (not Fuchsia microbenchmark labels: issue 15 asks for them; docs/pager.md).
//   Pager/SupplyPages/{4k,64k}     steps supply, reset: zx_pager_supply_pages of the range from
//                                  a committed aux VMO into a pager VMO where it is absent
//   Pager/FaultRoundTrip/{4k,64k}  steps fault, reset: a read of the first byte of a mapped,
//                                  absent range; a pager thread of this process takes the
//                                  ZX_PAGER_VMO_READ packet from the port (zx_port_wait) and
//                                  supplies the whole range; the read completes
// Nothing evicts a pager VMO's pages, so "reset" makes the range absent again with a new pager
// VMO (and commits the aux range anew): zx_handle_close of the pager first (its VMOs are
// detached without any packet), zx_vmar_unmap, zx_handle_close of the VMO, zx_pager_create,
// zx_pager_create_vmo, zx_vmar_map, zx_vmo_op_range(COMMIT) of the aux VMO. The first step of
// each test is the work compared with Linux (microbenchmarks/linux/bench_pager.c).
#include "bench.h"

#if defined(ZX_SYS_pager_create) && defined(ZX_SYS_pager_create_vmo) && \
    defined(ZX_SYS_pager_supply_pages) && defined(ZX_SYS_pager_op_range) && defined(ZX_SYS_vmar_map)
#include <stdatomic.h>
#include <zircon/syscalls/port.h>

#define PAGER_MARK 0x5au          // first byte of the aux range: what the read must see
#define PAGER_STOP_KEY 0x5709u    // the user packet that ends the pager thread
#define PAGER_THREAD_STACK (64u * 1024u)

struct pager_fixture {
    uint32_t len;                 // the range: [0, len) of the pager VMO, of the aux VMO
    bool map;                     // FaultRoundTrip: the pager VMO is mapped (read-only)
    zx_handle_t port, aux;        // for the whole test
    _Atomic zx_handle_t pager, vmo;  // new ones each reset (the pager thread reads them)
    zx_vaddr_t addr;
    uint64_t key;                 // the key of the current pager VMO
    _Atomic zx_status_t thread_status;  // the pager thread's first failure
};

// Drops the current pager VMO (no packet: the pager goes first), makes a new one whose range is
// absent, and commits the aux range. The "reset" step, and the set-up before the first run.
static zx_status_t pager_fixture_reset(struct pager_fixture *f) {
    zx_handle_t pager = atomic_load(&f->pager), vmo = atomic_load(&f->vmo);
    if (pager != ZX_HANDLE_INVALID) zx_handle_close(pager);
    if (f->addr) zx_vmar_unmap(zx_vmar_root_self(), f->addr, f->len);
    f->addr = 0;
    if (vmo != ZX_HANDLE_INVALID) zx_handle_close(vmo);
    atomic_store(&f->pager, ZX_HANDLE_INVALID);
    atomic_store(&f->vmo, ZX_HANDLE_INVALID);
    zx_status_t st = zx_pager_create(0, &pager);
    if (st != ZX_OK) return st;
    atomic_store(&f->pager, pager);
    st = zx_pager_create_vmo(pager, 0, f->port, ++f->key, f->len, &vmo);
    if (st != ZX_OK) return st;
    atomic_store(&f->vmo, vmo);
    if (f->map) {
        st = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, f->len, &f->addr);
        if (st != ZX_OK) return st;
    }
    st = zx_vmo_op_range(f->aux, ZX_VMO_OP_COMMIT, 0, f->len, NULL, 0);
    if (st != ZX_OK) return st;
    uint8_t mark = PAGER_MARK;
    return zx_vmo_write(f->aux, &mark, 0, 1);  // the page is committed: no new page
}

static zx_status_t pager_fixture_init(struct pager_fixture *f, uint32_t len, bool map) {
    f->len = len;
    f->map = map;
    f->port = f->aux = ZX_HANDLE_INVALID;
    atomic_init(&f->pager, ZX_HANDLE_INVALID);
    atomic_init(&f->vmo, ZX_HANDLE_INVALID);
    f->addr = 0;
    f->key = 0;
    atomic_init(&f->thread_status, ZX_OK);
    zx_status_t st = zx_port_create(0, &f->port);
    if (st == ZX_OK) st = zx_vmo_create(len, 0, &f->aux);
    if (st == ZX_OK) st = pager_fixture_reset(f);
    return st;
}

static void pager_fixture_fini(struct pager_fixture *f) {
    zx_handle_t pager = atomic_load(&f->pager), vmo = atomic_load(&f->vmo);
    if (pager != ZX_HANDLE_INVALID) zx_handle_close(pager);
    if (f->addr) zx_vmar_unmap(zx_vmar_root_self(), f->addr, f->len);
    if (vmo != ZX_HANDLE_INVALID) zx_handle_close(vmo);
    zx_handle_close(f->aux);
    zx_handle_close(f->port);
}

static bool pager_supply_test(struct perftest_state *state, const void *arg) {
    uint32_t len = *(const uint32_t *)arg;
    declare_step(state, "supply");
    declare_step(state, "reset");
    struct pager_fixture f;
    zx_status_t st = pager_fixture_init(&f, len, false);
    while (st == ZX_OK && perftest_keep_running(state)) {
        st = zx_pager_supply_pages(atomic_load(&f.pager), atomic_load(&f.vmo), 0, len, f.aux, 0);
        next_step(state);
        if (st == ZX_OK) st = pager_fixture_reset(&f);
    }
    pager_fixture_fini(&f);
    BENCH_OK(state, st);
    return true;
}

// The pager thread: answers every READ packet by supplying the whole range of the current
// pager VMO; ends at the user packet.
static void pager_thread(void *arg) {
    struct pager_fixture *f = arg;
    for (;;) {
        zx_port_packet_t pkt;
        zx_status_t st = zx_port_wait(f->port, ZX_TIME_INFINITE, &pkt);
        if (st == ZX_OK && pkt.type == ZX_PKT_TYPE_USER && pkt.key == PAGER_STOP_KEY) return;
        if (st == ZX_OK && (pkt.type != ZX_PKT_TYPE_PAGE_REQUEST ||
                            pkt.page_request.command != ZX_PAGER_VMO_READ || pkt.key != f->key))
            st = ZX_ERR_BAD_STATE;
        if (st == ZX_OK)
            st = zx_pager_supply_pages(atomic_load(&f->pager), atomic_load(&f->vmo), 0, f->len,
                                       f->aux, 0);
        if (st != ZX_OK) {
            zx_status_t ok = ZX_OK;
            atomic_compare_exchange_strong(&f->thread_status, &ok, st);
            // Fail the range so that the reader does not wait forever (it then faults, and the
            // process dies with a message: a broken pager is a broken benchmark).
            zx_pager_op_range(atomic_load(&f->pager), ZX_PAGER_OP_FAIL, atomic_load(&f->vmo), 0,
                              f->len, ZX_ERR_IO);
        }
    }
}

static bool pager_fault_test(struct perftest_state *state, const void *arg) {
    uint32_t len = *(const uint32_t *)arg;
    declare_step(state, "fault");
    declare_step(state, "reset");
    struct pager_fixture f;
    zx_status_t st = pager_fixture_init(&f, len, true);
    struct bench_peer thread;
    bool started = false;
    if (st == ZX_OK) st = bench_thread_start(&thread, "pager", pager_thread, &f,
                                             PAGER_THREAD_STACK);
    started = st == ZX_OK;
    bool seen = true;
    while (st == ZX_OK && perftest_keep_running(state)) {
        seen = seen && *(volatile const uint8_t *)f.addr == PAGER_MARK;
        next_step(state);
        st = pager_fixture_reset(&f);
    }
    if (started) {
        zx_port_packet_t stop = {.key = PAGER_STOP_KEY, .type = ZX_PKT_TYPE_USER};
        if (zx_port_queue(f.port, &stop) == ZX_OK) bench_peer_join(&thread);
    }
    pager_fixture_fini(&f);
    BENCH_OK(state, st);
    BENCH_OK(state, atomic_load(&f.thread_status));
    BENCH_CHECK(state, seen);
    return true;
}

static const uint32_t pager_sizes[] = {4 * 1024, 64 * 1024};

static void register_pager_tests(void) {
    for (size_t i = 0; i < sizeof(pager_sizes) / sizeof(pager_sizes[0]); i++) {
        perftest_registerf(pager_supply_test, &pager_sizes[i], "Pager/SupplyPages/%uk",
                           pager_sizes[i] / 1024);
        perftest_registerf(pager_fault_test, &pager_sizes[i], "Pager/FaultRoundTrip/%uk",
                           pager_sizes[i] / 1024);
    }
}
PERFTEST_CTOR(register_pager_tests)
#endif
