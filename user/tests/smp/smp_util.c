// smp-stress helpers shared by one_channel.c and one_object.c (smp.h).
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

#include "user/tests/smp/smp.h"

#define GATE_SPIN ZX_MSEC(20)

void gate_wait(struct gate *g) {
    __atomic_add_fetch(&g->arrived, 1, __ATOMIC_ACQ_REL);
    zx_time_t spin_until = zx_deadline_after(GATE_SPIN);
    while (!__atomic_load_n(&g->open, __ATOMIC_ACQUIRE)) {
        if (zx_clock_get_monotonic() < spin_until) __builtin_ia32_pause();
        else zx_futex_wait((const zx_futex_t *)&g->open, 0, ZX_HANDLE_INVALID, zx_deadline_after(ZX_MSEC(5)));
    }
}

bool gate_open(struct gate *g, uint64_t workers) {
    bool all = wait_u64(&g->arrived, workers);
    __atomic_store_n(&g->open, 1, __ATOMIC_RELEASE);
    zx_futex_wake((const zx_futex_t *)&g->open, UINT32_MAX);
    return all;
}

zx_status_t start_on(struct tthread *t, const char *name, void (*fn)(void *), void *arg, int k) {
    zx_status_t st = tthread_start(t, name, fn, arg);
    if (st == ZX_OK && (st = pin_thread(t->handle, cpu(k))) != ZX_OK) tthread_kill(t);
    return st;
}

uint32_t handles_of_type(zx_obj_type_t type) {
    zx_info_process_handle_stats_t stats;
    if (zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_HANDLE_STATS, &stats, sizeof(stats), NULL, NULL) !=
        ZX_OK)
        return UINT32_MAX;
    return stats.handle_count[type];
}

uint32_t handle_count(zx_handle_t h) {
    zx_info_handle_count_t info;
    return zx_object_get_info(h, ZX_INFO_HANDLE_COUNT, &info, sizeof(info), NULL, NULL) == ZX_OK ? info.handle_count
                                                                                                  : UINT32_MAX;
}

uint64_t word(uint32_t id, uint32_t seq, uint32_t j) {
    return ((uint64_t)id << 56) ^ ((uint64_t)seq * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)j << 40) ^ 0x5a;
}
