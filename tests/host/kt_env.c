#include "tests/host/kt_env.h"

#include <stdio.h>
#include <string.h>
#include <zircon/rights.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "kernel/pmm.h"
#include "objects/channel.h"
#include "objects/futex.h"
#include "objects/port.h"
#include "objects/event.h"
#include "objects/eventpair.h"
#include "objects/init.h"
#include "objects/vmar.h"
#include "objects/vmo.h"
#include "syscalls/numbers.h"
#include "syscalls/priv.h"

zx_status_t kt_proc_create(struct kt_proc *kp, const char *name) {
    memset(kp, 0, sizeof(*kp));
    zx_status_t st = job_create(NULL, &kp->job);
    if (st != ZX_OK) return st;
    st = process_create(kp->job, name, &kp->proc);
    if (st != ZX_OK) {
        kobj_unref(&kp->job->obj);
        return st;
    }
    kp->proc->as->vdso_base = TH_VDSO_PC;
    kp->proc->as->vdso_end = TH_VDSO_PC + HAL_PAGE_SIZE;
    st = thread_create(kp->proc, name, &kp->thread);
    if (st != ZX_OK) {
        process_kill(kp->proc, 0);
        kobj_unref(&kp->proc->obj);
        kobj_unref(&kp->job->obj);
        return st;
    }
    return ZX_OK;
}

zx_status_t kt_proc_start(struct kt_proc *kp, void (*step)(struct th_prog *, struct hal_uctx *), void *ctx) {
    memset(&kp->prog, 0, sizeof(kp->prog));
    kp->prog.step = step;
    kp->prog.ctx = ctx;
    return thread_start(kp->thread, TH_PROG_PC, 0, 0, (uintptr_t)&kp->prog);
}

zx_handle_t kt_proc_handle(struct kt_proc *kp, struct kobj *obj, zx_rights_t rights) {
    zx_handle_t h;
    if (handle_add(&kp->proc->handles, obj, rights, &h) != ZX_OK) return 0;
    return h;
}

void kt_proc_destroy(struct kt_proc *kp) {
    if (kp->proc) {
        process_kill(kp->proc, 0);
        kt_run(false);
    }
    if (kp->thread) kobj_unref(&kp->thread->obj);
    if (kp->proc) kobj_unref(&kp->proc->obj);
    if (kp->job) kobj_unref(&kp->job->obj);
    memset(kp, 0, sizeof(*kp));
}

static void step_exit(struct th_prog *p, struct hal_uctx *u) { TH_SYS(u, ZX_SYS_thread_exit, 0); }

void kt_env_warm_up(void) {
    for (size_t s = 1; s <= 3 * HAL_PAGE_SIZE; s += 8) kfree(kmalloc(s));

    struct kt_proc kp;
    if (kt_proc_create(&kp, "warm-up") != ZX_OK) panic("warm-up: no process");
    struct vmo *v;
    if (vmo_create(4 * HAL_PAGE_SIZE, 0, &v) != ZX_OK) panic("warm-up: no vmo");
    struct vmar *sub;
    if (vmar_allocate(kp.proc->as->root, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE, 0, 1 << 20, &sub) != ZX_OK)
        panic("warm-up: no vmar");
    uintptr_t a;
    if (vmar_map(sub, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_MAP_RANGE, 0, v, 0, 4 * HAL_PAGE_SIZE,
                 ZX_DEFAULT_VMO_RIGHTS, vmar_rights_for(sub->flags), &a) != ZX_OK)
        panic("warm-up: no mapping");
    if (vmar_protect(sub, ZX_VM_PERM_READ, a, HAL_PAGE_SIZE, vmar_rights_for(sub->flags)) != ZX_OK)
        panic("warm-up: protect");
    (void)vmar_destroy(sub);
    kobj_unref(&sub->obj);
    kobj_unref(&v->obj);

    struct channel *c0, *c1;
    if (channel_create_pair(&c0, &c1) != ZX_OK) panic("warm-up: no channel");
    zx_handle_t h0 = kt_proc_handle(&kp, &c0->obj, ZX_DEFAULT_CHANNEL_RIGHTS);
    zx_handle_t h1 = kt_proc_handle(&kp, &c1->obj, ZX_DEFAULT_CHANNEL_RIGHTS);
    kobj_unref(&c0->obj);
    kobj_unref(&c1->obj);
    struct kobj *e, *ep0, *ep1;
    if (event_create(&e) != ZX_OK || eventpair_create(&ep0, &ep1) != ZX_OK) panic("warm-up: no event");
    struct port *port;
    if (port_create(&port) != ZX_OK) panic("warm-up: no port");
    kt_proc_handle(&kp, e, ZX_DEFAULT_EVENT_RIGHTS);
    kt_proc_handle(&kp, ep0, ZX_DEFAULT_EVENTPAIR_RIGHTS);
    kt_proc_handle(&kp, ep1, ZX_DEFAULT_EVENTPAIR_RIGHTS);
    kt_proc_handle(&kp, &port->obj, ZX_DEFAULT_PORT_RIGHTS);
    kobj_unref(e);
    kobj_unref(ep0);
    kobj_unref(ep1);
    kobj_unref(&port->obj);
    struct message *m = message_alloc(16, 1);
    m->handles[0].obj = NULL;
    message_free(m);
    (void)handle_close(&kp.proc->handles, h0);
    (void)handle_close(&kp.proc->handles, h1);
    struct futex *fx = futex_get(kp.proc->as, HAL_USER_BASE, true);
    if (!fx) panic("warm-up: no futex");
    futex_put(fx);
    if (kt_proc_start(&kp, step_exit, NULL) != ZX_OK) panic("warm-up: no start");
    kt_run(false);
    kt_proc_destroy(&kp);
}

// ---- the runner's hooks (tests/host/ktest.h) for the whole kernel ----

void kt_boot(void) {
    pmm_init();
    heap_init();
    objects_init();
    dispatch_global_init();
    kt_env_warm_up();
}

uint64_t kt_live_objects(void) { return kobj_live_total(); }

static uint64_t type_snapshot[KOBJ_TYPE_COUNT];

void kt_objects_snapshot(void) { memcpy(type_snapshot, kobj_live, sizeof(type_snapshot)); }

void kt_objects_report(void) {
    for (int t = 0; t < KOBJ_TYPE_COUNT; t++)
        if (kobj_live[t] != type_snapshot[t])
            printf("    object type %d: %ld\n", t, (long)(kobj_live[t] - type_snapshot[t]));
}
