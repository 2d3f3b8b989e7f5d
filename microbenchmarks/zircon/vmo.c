// Vmo/*, VmoMap/*, VmoMapRange/*: VMO read/write, mapped access, clones (the 2020 set of
// Fuchsia's vmo benchmarks: sizes 128, 512 and 2048 KiB).
#include <stdlib.h>
#include <string.h>

#include "bench.h"

// The 2020 benchmarks made copy-on-write clones with the flag then called
// ZX_VMO_CHILD_COPY_ON_WRITE, bit 0: today's ZX_VMO_CHILD_SNAPSHOT.
#define CLONE_FLAGS ZX_VMO_CHILD_SNAPSHOT

static const uint32_t kSizes[3] = {128 * 1024, 512 * 1024, 2048 * 1024};

// A heap buffer whose pages are all touched (like a zero-initialized std::vector).
static void *touched_buffer(size_t size) {
    void *p = malloc(size);
    if (p) memset(p, 0, size);
    return p;
}

// ---- Vmo/Read, Vmo/Write: zx_vmo_read/write between a committed VMO and a heap buffer -------

#if defined(ZX_SYS_vmo_read) && defined(ZX_SYS_vmo_write)
struct rw_args {
    uint32_t size;
    bool write;
};

static bool vmo_read_write(struct perftest_state *state, const void *argp) {
    const struct rw_args *a = argp;
    set_bytes_processed_per_run(state, a->size);
    zx_handle_t vmo;
    BENCH_OK(state, zx_vmo_create(a->size, 0, &vmo));
    char *buf = touched_buffer(a->size);
    BENCH_CHECK(state, buf != NULL);
    // Commit the VMO's pages (matters most for reads).
    BENCH_OK(state, zx_vmo_write(vmo, buf, 0, a->size));
    bool ok = true;
    if (a->write) {
        while (ok && perftest_keep_running(state)) ok = zx_vmo_write(vmo, buf, 0, a->size) == ZX_OK;
    } else {
        while (ok && perftest_keep_running(state)) ok = zx_vmo_read(vmo, buf, 0, a->size) == ZX_OK;
    }
    free(buf);
    zx_handle_close(vmo);
    BENCH_CHECK(state, ok);
    return true;
}
static struct rw_args rw_args[2][3];

// Vmo/Write/ZeroPage: zx_vmo_write from a mapped buffer VMO that was never written, so the
// kernel copies from the shared zero page (a different path from Vmo/Write).
#if defined(ZX_SYS_vmar_map)
static bool vmo_write_zero_page(struct perftest_state *state, const void *argp) {
    uint32_t size = *(const uint32_t *)argp;
    set_bytes_processed_per_run(state, size);
    zx_handle_t vmo, buf_vmo;
    zx_vaddr_t buf;
    BENCH_OK(state, zx_vmo_create(size, 0, &vmo));
    BENCH_OK(state, zx_vmo_create(size, 0, &buf_vmo));
    BENCH_OK(state, zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0,
                                buf_vmo, 0, size, &buf));
    BENCH_OK(state, zx_vmo_write(vmo, (const void *)buf, 0, size));  // commit the target
    while (perftest_keep_running(state))
        BENCH_OK(state, zx_vmo_write(vmo, (const void *)buf, 0, size));
    zx_vmar_unmap(zx_vmar_root_self(), buf, size);
    zx_handle_close(buf_vmo);
    zx_handle_close(vmo);
    return true;
}
#endif
#endif

// ---- VmoMap/*, VmoMapRange/*: map, copy with memcpy (or the kernel), unmap --------------------

#if defined(ZX_SYS_vmar_map) && defined(ZX_SYS_vmo_read) && defined(ZX_SYS_vmo_write)
struct map_args {
    uint32_t size;
    bool write;
    bool user_memcpy;     // false: /Kernel, the kernel copies through zx_vmo_read/write
    zx_vm_option_t flags; // 0 or ZX_VM_MAP_RANGE
};

static bool vmo_map_read_write(struct perftest_state *state, const void *argp) {
    const struct map_args *a = argp;
    set_bytes_processed_per_run(state, a->size);
    zx_handle_t vmo, vmo_buf = ZX_HANDLE_INVALID;
    BENCH_OK(state, zx_vmo_create(a->size, 0, &vmo));
    char *buf = touched_buffer(a->size);
    BENCH_CHECK(state, buf != NULL);
    if (!a->user_memcpy) BENCH_OK(state, zx_vmo_create(a->size, 0, &vmo_buf));
    BENCH_OK(state, zx_vmo_write(vmo, buf, 0, a->size));

    zx_handle_t root = zx_vmar_root_self();
    zx_vm_option_t opts = ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | a->flags;
    while (perftest_keep_running(state)) {
        zx_vaddr_t addr;
        BENCH_OK(state, zx_vmar_map(root, opts, 0, vmo, 0, a->size, &addr));
        if (a->write) {
            if (a->user_memcpy)
                memcpy((void *)addr, buf, a->size);
            else  // to write the mapping, the kernel *reads* the temporary VMO into it
                BENCH_OK(state, zx_vmo_read(vmo_buf, (void *)addr, 0, a->size));
        } else {
            if (a->user_memcpy)
                memcpy(buf, (void *)addr, a->size);
            else  // to read the mapping, the kernel *writes* it into the temporary VMO
                BENCH_OK(state, zx_vmo_write(vmo_buf, (void *)addr, 0, a->size));
        }
        bench_clobber();
        BENCH_OK(state, zx_vmar_unmap(root, addr, a->size));
    }
    free(buf);
    zx_handle_close(vmo);
    if (vmo_buf != ZX_HANDLE_INVALID) zx_handle_close(vmo_buf);
    return true;
}
static struct map_args map_args[2][2][2][3];  // [range][write][user_memcpy][size]
#endif

// ---- Vmo/Clone, Vmo/CloneMap: clone (and map) a committed VMO -----------------------------------

#if defined(ZX_SYS_vmo_create_child) && defined(ZX_SYS_vmo_op_range)
struct clone_args {
    uint32_t size;
    bool map;  // CloneMap: map the original first (steps map, clone, close, unmap)
};

static bool vmo_clone(struct perftest_state *state, const void *argp) {
    const struct clone_args *a = argp;
    if (a->map) declare_step(state, "map");
    declare_step(state, "clone");
    declare_step(state, "close");
    if (a->map) declare_step(state, "unmap");

    zx_handle_t vmo;
    BENCH_OK(state, zx_vmo_create(a->size, 0, &vmo));
    BENCH_OK(state, zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, a->size, NULL, 0));
    zx_handle_t root = zx_vmar_root_self();
    while (perftest_keep_running(state)) {
        zx_vaddr_t addr = 0;
        if (a->map) {
            BENCH_OK(state, zx_vmar_map(root, ZX_VM_MAP_RANGE | ZX_VM_PERM_READ, 0, vmo, 0,
                                        a->size, &addr));
            next_step(state);
        }
        zx_handle_t clone;
        BENCH_OK(state, zx_vmo_create_child(vmo, CLONE_FLAGS, 0, a->size, &clone));
        next_step(state);
        zx_handle_close(clone);
        if (a->map) {
            next_step(state);
            BENCH_OK(state, zx_vmar_unmap(root, addr, a->size));
        }
    }
    zx_handle_close(vmo);
    return true;
}
static struct clone_args clone_args[2][3];

// Vmo/Clone/{Read,Write}{Orig,Clone}{All,Some}: clone, then read or write the original or the
// clone (all of it, or one page in every 8), then close the clone.
struct clone_rw_args {
    uint32_t size;
    bool write, target_clone, full;
};

static bool vmo_clone_read_write(struct perftest_state *state, const void *argp) {
    const struct clone_rw_args *a = argp;
    declare_step(state, "clone");
    declare_step(state, a->write ? "write" : "read");
    declare_step(state, "close");
    set_bytes_processed_per_run(state, a->size);

    zx_handle_t vmo;
    BENCH_OK(state, zx_vmo_create(a->size, 0, &vmo));
    BENCH_OK(state, zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, a->size, NULL, 0));
    char *buf = touched_buffer(a->size);
    BENCH_CHECK(state, buf != NULL);
    while (perftest_keep_running(state)) {
        zx_handle_t clone;
        BENCH_OK(state, zx_vmo_create_child(vmo, CLONE_FLAGS, 0, a->size, &clone));
        next_step(state);
        zx_handle_t target = a->target_clone ? clone : vmo;
        if (a->full) {
            if (a->write)
                BENCH_OK(state, zx_vmo_write(target, buf, 0, a->size));
            else
                BENCH_OK(state, zx_vmo_read(target, buf, 0, a->size));
        } else {
            for (uint64_t off = 0; off < a->size; off += 8 * BENCH_PAGE_SIZE) {
                if (a->write)
                    BENCH_OK(state, zx_vmo_write(target, buf, off, BENCH_PAGE_SIZE));
                else
                    BENCH_OK(state, zx_vmo_read(target, buf, off, BENCH_PAGE_SIZE));
            }
        }
        next_step(state);
        zx_handle_close(clone);
    }
    free(buf);
    zx_handle_close(vmo);
    return true;
}
static struct clone_rw_args clone_rw_args[2][2][2][3];  // [write][target_clone][full][size]
#endif

static void register_vmo_tests(void) {
    for (unsigned s = 0; s < 3; s++) {
        uint32_t size = kSizes[s];
        unsigned kb = size / 1024;
        (void)kb;
#if defined(ZX_SYS_vmo_read) && defined(ZX_SYS_vmo_write)
        for (unsigned w = 0; w < 2; w++) {
            rw_args[w][s] = (struct rw_args){size, w != 0};
            perftest_registerf(vmo_read_write, &rw_args[w][s], "Vmo/%s/%ukbytes",
                               w ? "Write" : "Read", kb);
        }
#if defined(ZX_SYS_vmar_map)
        perftest_registerf(vmo_write_zero_page, &kSizes[s], "Vmo/Write/ZeroPage/%ukbytes", kb);
#endif
#endif
#if defined(ZX_SYS_vmar_map) && defined(ZX_SYS_vmo_read) && defined(ZX_SYS_vmo_write)
        for (unsigned range = 0; range < 2; range++)
            for (unsigned w = 0; w < 2; w++)
                for (unsigned user = 0; user < 2; user++) {
                    struct map_args *m = &map_args[range][w][user][s];
                    *m = (struct map_args){size, w != 0, user != 0, range ? ZX_VM_MAP_RANGE : 0};
                    perftest_registerf(vmo_map_read_write, m, "%s/%s%s/%ukbytes",
                                       range ? "VmoMapRange" : "VmoMap", w ? "Write" : "Read",
                                       user ? "" : "/Kernel", kb);
                }
#endif
#if defined(ZX_SYS_vmo_create_child) && defined(ZX_SYS_vmo_op_range)
        for (unsigned map = 0; map < 2; map++) {
            clone_args[map][s] = (struct clone_args){size, map != 0};
            perftest_registerf(vmo_clone, &clone_args[map][s], "Vmo/Clone%s/%ukbytes",
                               map ? "Map" : "", kb);
        }
        for (unsigned w = 0; w < 2; w++)
            for (unsigned t = 0; t < 2; t++)
                for (unsigned f = 0; f < 2; f++) {
                    struct clone_rw_args *c = &clone_rw_args[w][t][f][s];
                    *c = (struct clone_rw_args){size, w != 0, t != 0, f != 0};
                    perftest_registerf(vmo_clone_read_write, c, "Vmo/Clone/%s%s%s/%ukbytes",
                                       w ? "Write" : "Read", t ? "Clone" : "Orig",
                                       f ? "All" : "Some", kb);
                }
#endif
    }
}
PERFTEST_CTOR(register_vmo_tests)
