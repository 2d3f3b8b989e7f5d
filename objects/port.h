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
    const void *source;  // the observed object for signal packets (for zx_port_cancel), else NULL
    // NULL: the port kfrees the packet when it leaves the queue. Else the packet belongs to
    // another object (a pager's request) and this tells it the packet left the queue.
    void (*release)(struct port_packet *pp);
};

struct port {
    struct kobj obj;
    struct list_node packets;  // struct port_packet
    uint32_t count;
    struct wait_queue waiters; // threads blocked in zx_port_wait (WAIT_PORT)
    struct list_node asyncs;   // struct port_observer.port_link: waits that target this port
};

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
// Dequeues the first packet into *out; false when empty.
bool port_dequeue(struct port *p, zx_port_packet_t *out);
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
