#include "objects/timer.h"

#include <zircon/errors.h>

#include "kernel/heap.h"

static void ktimer_fire(struct timer *t) {
    struct ktimer *kt = container_of(t, struct ktimer, t);
    kt->deadline = 0;
    kobj_signal(&kt->obj, 0, ZX_TIMER_SIGNALED);
}

static void ktimer_on_zero_handles(struct kobj *o) { ktimer_cancel(to_ktimer(o)); }
static void ktimer_destroy(struct kobj *o) { kfree(to_ktimer(o)); }
static const struct kobj_ops ktimer_ops = {.on_zero_handles = ktimer_on_zero_handles, .destroy = ktimer_destroy};

zx_status_t ktimer_create(uint32_t slack_mode, struct ktimer **out) {
    struct ktimer *kt = kmalloc(sizeof(*kt));
    if (!kt) return ZX_ERR_NO_MEMORY;
    kobj_init(&kt->obj, ZX_OBJ_TYPE_TIMER, &ktimer_ops);
    timer_init(&kt->t, ktimer_fire);
    kt->slack_mode = slack_mode;
    kt->deadline = 0;
    *out = kt;
    return ZX_OK;
}

// Slack only ever makes us fire later than or at the deadline on this kernel: the
// timer queue coalesces nothing yet, so CENTER and LATE fire at the deadline and EARLY at
// deadline - slack (the earliest point the caller allowed).
void ktimer_set(struct ktimer *kt, zx_time_t deadline, zx_duration_t slack) {
    kobj_signal(&kt->obj, ZX_TIMER_SIGNALED, 0);
    zx_time_t when = deadline;
    if (kt->slack_mode == ZX_TIMER_SLACK_EARLY && slack > 0) when = deadline - slack;
    kt->deadline = deadline;
    if (when <= hal_now()) {
        timer_cancel(&kt->t);
        ktimer_fire(&kt->t);
        return;
    }
    timer_arm(&kt->t, when);
}

void ktimer_cancel(struct ktimer *kt) {
    timer_cancel(&kt->t);
    kt->deadline = 0;
    kobj_signal(&kt->obj, ZX_TIMER_SIGNALED, 0);
}
