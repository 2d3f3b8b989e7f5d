#include "objects/port.h"

#include <string.h>
#include <zircon/errors.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "objects/task.h"

// Each packet wakes one waiter (a waiter leaves the queue when anything wakes it).
void port_wake_waiter(struct port *p) { wait_queue_wake_one(&p->waiters, ZX_OK); }

static void enqueue(struct port *p, struct port_packet *pp) {
    list_add_tail(&p->packets, &pp->link);
    p->count++;
    port_wake_waiter(p);
}

static void packet_release(struct port_packet *pp) {
    if (pp->release) pp->release(pp);
    else kfree(pp);
}

// The release of the packets port_packet_alloc takes from the heap: they go back to the heap
// from anywhere, but back to their port's spares when they leave its queue.
void port_user_packet_release(struct port_packet *pp) { kfree(pp); }

struct port_packet *port_packet_alloc(struct port *p) {
    struct port_packet *pp = p->spares;
    if (likely(pp)) {
        p->spares = pp->next_spare;
        return pp;  // its release is port_user_packet_release still
    }
    pp = kmalloc(sizeof(*pp));
    if (pp) pp->release = port_user_packet_release;
    return pp;
}

// The spares are bounded without a count: a packet becomes a spare only while fewer than
// PORT_SPARE_PACKETS packets are queued, and only port_packet_alloc's packets do. So spares,
// plus such packets queued or being filled, can only grow by a heap allocation, which happens
// when there is no spare; and when the first spare appears there are at most
// PORT_SPARE_PACKETS - 1 of them queued: never more than PORT_SPARE_PACKETS spares.
void port_packet_free(struct port *p, struct port_packet *pp) {
    DEBUG_ASSERT(pp->release == port_user_packet_release);
    if (p->count >= PORT_SPARE_PACKETS) {
        kfree(pp);
        return;
    }
    pp->next_spare = p->spares;
    p->spares = pp;
}

// A packet left the queue: its owner's, or the heap's (a zx_port_queue packet: kept as a spare).
static void packet_release_to(struct port *p, struct port_packet *pp) {
    if (pp->release == port_user_packet_release) port_packet_free(p, pp);
    else packet_release(pp);
}

static void free_spares(struct port *p) {
    while (p->spares) {
        struct port_packet *pp = p->spares;
        p->spares = pp->next_spare;
        kfree(pp);
    }
}

static void async_free(struct port_observer *po) {
    kobj_unobserve(&po->ob);
    list_delete(&po->port_link);
    struct port *p = po->port;
    kfree(po->packet);  // NULL once delivered
    kfree(po);
    kobj_unref(&p->obj);
}

static void async_signal(struct observer *ob, zx_signals_t signals) {
    struct port_observer *po = container_of(ob, struct port_observer, ob);
    struct port_packet *pp = po->packet;  // allocated by port_wait_async: never NULL here
    po->packet = NULL;
    memset(&pp->pkt, 0, sizeof(pp->pkt));
    pp->pkt.key = po->key;
    pp->pkt.type = ZX_PKT_TYPE_SIGNAL_ONE;
    pp->pkt.status = ZX_OK;
    pp->pkt.signal.trigger = ob->trigger;
    pp->pkt.signal.observed = signals;
    pp->pkt.signal.count = 1;
    // zc never suspends: the boot timeline is the monotonic one.
    if (po->options & (ZX_WAIT_ASYNC_TIMESTAMP | ZX_WAIT_ASYNC_BOOT_TIMESTAMP))
        pp->pkt.signal.timestamp = (uint64_t)hal_now();
    pp->source = ob->obj;
    enqueue(po->port, pp);
    async_free(po);  // one shot
}

static void async_cancel(struct observer *ob) { async_free(container_of(ob, struct port_observer, ob)); }

static void port_on_zero_handles(struct kobj *o) {
    struct port *p = to_port(o);
    // Waits that would deliver here are pointless now.
    list_for_each_safe(&p->asyncs, it, tmp) async_free(container_of(it, struct port_observer, port_link));
    struct list_node *n;
    while ((n = list_pop_head(&p->packets))) packet_release(container_of(n, struct port_packet, link));
    p->count = 0;
    free_spares(p);
}

static void port_destroy(struct kobj *o) {
    struct port *p = to_port(o);
    free_spares(p);  // packets given back after the last handle closed
    kfree(p);
}

static const struct kobj_ops port_ops = {.on_zero_handles = port_on_zero_handles, .destroy = port_destroy};

zx_status_t port_create(struct port **out) {
    struct port *p = kmalloc(sizeof(*p));
    if (!p) return ZX_ERR_NO_MEMORY;
    kobj_init(&p->obj, ZX_OBJ_TYPE_PORT, &port_ops);
    list_init(&p->packets);
    wait_queue_init(&p->waiters);
    list_init(&p->asyncs);
    p->count = 0;
    p->spares = NULL;
    *out = p;
    return ZX_OK;
}

zx_status_t port_queue_user_packet(struct port *p, struct port_packet *pp) {
    if (unlikely(p->count >= PORT_MAX_PACKETS)) {
        port_packet_free(p, pp);
        return ZX_ERR_SHOULD_WAIT;
    }
    DEBUG_ASSERT(pp->release == port_user_packet_release);  // port_packet_alloc's
    pp->pkt.type = ZX_PKT_TYPE_USER;  // the user's status and payload stay as given
    pp->source = NULL;  // next_spare, on the spare list
    enqueue(p, pp);
    return ZX_OK;
}

zx_status_t port_queue_user(struct port *p, const zx_port_packet_t *pkt) {
    if (p->count >= PORT_MAX_PACKETS) return ZX_ERR_SHOULD_WAIT;
    struct port_packet *pp = port_packet_alloc(p);
    if (!pp) return ZX_ERR_NO_MEMORY;
    pp->pkt = *pkt;
    return port_queue_user_packet(p, pp);
}

void port_queue_kernel(struct port *p, struct port_packet *pp) {
    if (p->obj.handle_count == 0) {  // nobody can ever read it
        packet_release(pp);
        return;
    }
    enqueue(p, pp);
}

void port_unqueue(struct port *p, struct port_packet *pp) {
    list_delete(&pp->link);
    p->count--;
}

void port_remove_first(struct port *p, struct port_packet *pp) {
    DEBUG_ASSERT(pp == port_first(p));
    list_delete(&pp->link);
    p->count--;
    packet_release_to(p, pp);
}

bool port_dequeue(struct port *p, zx_port_packet_t *out) {
    struct port_packet *pp = port_first(p);
    if (!pp) return false;
    *out = pp->pkt;
    port_remove_first(p, pp);
    return true;
}

zx_status_t port_wait_async(struct port *p, struct kobj *obj, const void *owner, zx_handle_t h, uint64_t key,
                            zx_signals_t signals, uint32_t options) {
    struct port_observer *po = kmalloc(sizeof(*po));
    if (!po) return ZX_ERR_NO_MEMORY;
    // The packet is allocated now, so that the signal that fires the wait (from any object's
    // observer loop) never has to allocate and can never drop it.
    po->packet = kmalloc(sizeof(*po->packet));
    if (!po->packet) {
        kfree(po);
        return ZX_ERR_NO_MEMORY;
    }
    po->packet->release = NULL;
    po->ob.trigger = signals;
    po->ob.owner = owner;
    po->ob.handle = h;
    po->ob.on_signal = async_signal;
    po->ob.on_cancel = async_cancel;
    po->port = p;
    kobj_ref(&p->obj);
    po->key = key;
    po->options = options;
    list_add_tail(&p->asyncs, &po->port_link);
    kobj_observe(obj, &po->ob);
    if (!(options & ZX_WAIT_ASYNC_EDGE) && (obj->signals & signals)) async_signal(&po->ob, obj->signals);
    return ZX_OK;
}

zx_status_t port_cancel(struct port *p, struct kobj *source, uint64_t key) {
    bool found = false;
    list_for_each_safe(&p->asyncs, it, tmp) {
        struct port_observer *po = container_of(it, struct port_observer, port_link);
        if ((!source || po->ob.obj == source) && po->key == key) {
            async_free(po);
            found = true;
        }
    }
    list_for_each_safe(&p->packets, it, tmp) {
        struct port_packet *pp = container_of(it, struct port_packet, link);
        // Packets of zx_port_queue have no source and are never cancelled.
        if (pp->source && (!source || pp->source == source) && pp->pkt.key == key) {
            list_delete(&pp->link);
            p->count--;
            packet_release(pp);
            found = true;
        }
    }
    return found ? ZX_OK : ZX_ERR_NOT_FOUND;
}

void port_pass_wake(struct port *p) {
    if (!list_empty(&p->packets)) wait_queue_wake_one(&p->waiters, ZX_OK);
}
