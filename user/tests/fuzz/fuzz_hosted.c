// bin/fuzz-hosted: the in-guest half of zc-hosted-fuzz (hal/hosted/fuzz/driver.c). It maps the
// mailbox (hal/hosted/fuzz/mailbox.h, physical pages the kernel never hands out) with the root
// resource, then for every input the driver posts: runs bin/fuzz-child in input mode on it in a
// fresh job (killed when it makes no progress for WATCHDOG) and checks that the kernel's live
// objects (ZC_INFO_KERNEL_COUNTERS) are back to where they were before it. It never returns
// (its end would end the fuzzing run: the driver treats it as fatal).
#include <string.h>
#include <zircon/syscalls.h>

#include "hal/hosted/fuzz/mailbox.h"
#include "user/tests/fuzz/fuzz_run.h"
#include "zcrt.h"

#define WATCHDOG ZX_MSEC(500)
#define MAX_CALLS 100000

static struct fuzz_mailbox *map_mailbox(void) {
    zx_handle_t vmo;
    uintptr_t addr;
    if (zx_vmo_create_physical(zc_get_handle(ZC_HND_RESOURCE), FUZZ_MAILBOX_PA, FUZZ_MAILBOX_SIZE,
                               &vmo) != ZX_OK ||
        zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                    FUZZ_MAILBOX_SIZE, &addr) != ZX_OK)
        return NULL;
    zx_handle_close(vmo);
    return (struct fuzz_mailbox *)addr;
}

// Runs one input: its bytes go to the child in a VMO (a 4-byte length first).
static void run_input(const uint8_t *data, uint32_t size, enum fuzz_end *how, uint64_t *calls) {
    zx_handle_t vmo;
    *how = END_NOT_STARTED;
    *calls = 0;
    if (zx_vmo_create(sizeof(size) + size, 0, &vmo) != ZX_OK)
        return;
    zx_vmo_write(vmo, &size, 0, sizeof(size));
    zx_vmo_write(vmo, data, sizeof(size), size);
    *how = fuzz_run_child("-", MAX_CALLS, 1, vmo, WATCHDOG, calls, NULL);
}

int main(void) {
    struct fuzz_mailbox *mb = map_mailbox();
    if (!mb)
        return 2;
    static uint8_t data[FUZZ_MAX_INPUT];
    enum fuzz_end how;
    uint64_t calls;
    run_input(data, 64, &how, &calls);  // warm-up: the first launch's one-time costs
    zc_info_kernel_counters_t base = fuzz_counters();
    uint32_t last = mb->seq;
    __atomic_store_n(&mb->ready, FUZZ_MAILBOX_READY, __ATOMIC_RELEASE);
    for (;;) {
        uint32_t seq;
        while ((seq = __atomic_load_n(&mb->seq, __ATOMIC_ACQUIRE)) == last)
            __builtin_ia32_pause();
        last = seq;
        uint32_t size = mb->size < FUZZ_MAX_INPUT ? mb->size : FUZZ_MAX_INPUT;
        memcpy(data, mb->data, size);
        run_input(data, size, &how, &calls);
        zc_info_kernel_counters_t now = fuzz_counters();
        mb->how = how;
        mb->calls = calls;
        mb->leaked = (int64_t)(now.live_objects - base.live_objects);
        mb->verdict = how == END_NOT_STARTED ? FUZZ_NOT_STARTED
                      : now.live_objects != base.live_objects ? FUZZ_LEAK
                                                              : FUZZ_OK;
        __atomic_store_n(&mb->done, seq, __ATOMIC_RELEASE);
    }
}
