// Ports: packet queues fed by zx_port_queue and by asynchronous waits on objects.
#ifndef ZC_OBJECTS_PORT_H
#define ZC_OBJECTS_PORT_H

#include <zircon/syscalls/port.h>
#include <zircon/types.h>

#include "kernel/sched.h"
#include "objects/kobj.h"

#define PORT_MAX_PACKETS 4096

struct port_packet {
    struct list_node link;
    zx_port_packet_t pkt;
    union {
        const void *source;  // the observed object for signal packets (for zx_port_cancel), else NULL
        struct port_packet *next_spare;  // on the port's spare list (struct port.spares)
    };
    // NULL: the port kfrees the packet when it leaves the queue. Else the packet belongs to
    // another object (a pager's request) and this tells it the packet left the queue.
    void (*release)(struct port_packet *pp);
};

// Locking (docs/smp.md): [own] fields are guarded by the port's lock (kobj_lock) under the
// kernel lock's shared hold; [excl] fields change only under the exclusive hold.
struct port {
    struct kobj obj;
    struct list_node packets;  // [own] struct port_packet
    uint32_t count;            // [own]
    struct wait_queue waiters; // [excl] threads blocked in zx_port_wait (WAIT_PORT)
    struct list_node asyncs;   // [excl] struct port_observer.port_link: waits that target this port
    // [own] zx_port_queue's packets that left the queue, kept for the next zx_port_queue (at most
    // PORT_SPARE_PACKETS, port.c; freed with the port): a queue and a wait cost no heap call.
    struct port_packet *spares;
};

#define PORT_SPARE_PACKETS 8

// An asynchronous wait (zx_object_wait_async) registered on some object.
struct port_packet;
struct port_observer {
    struct observer ob;
    struct list_node port_link;
    struct port *port;         // holds a reference
    struct port_packet *packet;  // allocated with the wait: delivering it cannot fail
    uint64_t key;
    uint32_t options;
};

static inline struct port *to_port(struct kobj *o) {
    return (struct port *)kobj_checked(o, ZX_OBJ_TYPE_PORT);
}

zx_status_t port_create(struct port **out) __attribute__((warn_unused_result));
zx_status_t port_queue_user(struct port *p, const zx_port_packet_t *pkt) __attribute__((warn_unused_result));
// zx_port_queue in steps, so that the user's packet is copied straight into the queued one:
// a packet to fill (a spare, or the heap's; NULL: no memory), then queue it as a user packet
// (ZX_ERR_SHOULD_WAIT when the port is full: the packet is given back) or give it back.
struct port_packet *port_packet_alloc(struct port *p);
zx_status_t port_queue_user_packet(struct port *p, struct port_packet *pp) __attribute__((warn_unused_result));
void port_packet_free(struct port *p, struct port_packet *pp);
// Dequeues the first packet into *out; false when empty.
bool port_dequeue(struct port *p, zx_port_packet_t *out);
// The same in steps, so that zx_port_wait copies the packet out from where it lies: the first
// packet (NULL when empty), then its removal (pp leaves the queue and is released).
static inline struct port_packet *port_first(struct port *p) {
    return list_empty(&p->packets) ? NULL : container_of(p->packets.next, struct port_packet, link);
}
void port_remove_first(struct port *p, struct port_packet *pp);

// The release of port_packet_alloc's packets (back to the heap from anywhere; back to their
// port's spares when they leave its queue).
void port_user_packet_release(struct port_packet *pp);

// The fast paths of zx_port_queue and zx_port_wait (syscalls/sys_port.c), which call nothing.
// A spare packet to fill with the user's, when queueing it needs no heap call; NULL otherwise
// (the general path then runs).
static inline struct port_packet *port_fast_spare(const struct port *p) {
    struct port_packet *pp = p->spares;
    if (unlikely(!pp || p->count >= PORT_MAX_PACKETS)) return NULL;
    return pp;
}
// Queues pp, port_fast_spare's, now holding the user's packet. Then, if there are waiters
// (port_fast_has_waiters), port_wake_waiter must wake one.
static inline void port_fast_queue(struct port *p, struct port_packet *pp) {
    p->spares = pp->next_spare;
    pp->pkt.type = ZX_PKT_TYPE_USER;  // the user's status and payload stay as given
    pp->source = NULL;
    list_add_tail(&p->packets, &pp->link);
    p->count++;
}
static inline bool port_fast_has_waiters(const struct port *p) { return !wait_queue_empty(&p->waiters); }
void port_wake_waiter(struct port *p);
// The first packet, when taking it out makes it a spare (port_remove_first without a call);
// NULL otherwise.
static inline struct port_packet *port_fast_first(const struct port *p) {
    struct port_packet *pp = port_first((struct port *)p);
    if (unlikely(!pp || pp->release != port_user_packet_release || p->count > PORT_SPARE_PACKETS)) return NULL;
    return pp;
}
static inline void port_fast_take(struct port *p, struct port_packet *pp) {
    list_delete(&pp->link);
    p->count--;
    pp->next_spare = p->spares;
    p->spares = pp;
}
zx_status_t port_wait_async(struct port *p, struct kobj *obj, const void *owner, zx_handle_t h, uint64_t key,
                            zx_signals_t signals, uint32_t options) __attribute__((warn_unused_result));
// Cancels waits on `source` with `key` (and their queued packets); a NULL source matches every
// object (zx_port_cancel_key). ZX_ERR_NOT_FOUND if none.
zx_status_t port_cancel(struct port *p, struct kobj *source, uint64_t key);

// Queues a packet the kernel made in advance (owned by another object when pp->release is
// set): never fails, the port's packet limit does not apply (the owner bounds how many it
// has). A port without handles drops it at once.
void port_queue_kernel(struct port *p, struct port_packet *pp);
// Takes a packet port_queue_kernel queued out of the queue again (it calls no release).
void port_unqueue(struct port *p, struct port_packet *pp);

// A woken waiter died before it could take its packet: wake another one for it.
void port_pass_wake(struct port *p);

#endif
