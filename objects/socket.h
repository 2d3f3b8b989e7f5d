// Sockets: stream and datagram byte pipes between two peered ends.
#ifndef ZC_OBJECTS_SOCKET_H
#define ZC_OBJECTS_SOCKET_H

#include <stdint.h>
#include <zircon/types.h>

#include "kernel/user_ptr.h"
#include "objects/kobj.h"

#define SOCKET_CAPACITY (256u * 1024u)

struct socket {
    struct kobj obj;            // obj.peer = other end
    uint32_t options;           // ZX_SOCKET_STREAM / DATAGRAM
    struct list_node chunks;    // received data: struct sock_chunk (one per datagram in datagram mode)
    uint32_t bytes;             // bytes queued for reading here
    uint32_t rx_threshold, tx_threshold;
    bool write_disabled;        // this end may not write
};

static inline struct socket *to_socket(struct kobj *o) {
    return (struct socket *)kobj_checked(o, ZX_OBJ_TYPE_SOCKET);
}

zx_status_t socket_create_pair(uint32_t options, struct socket **a, struct socket **b) __attribute__((warn_unused_result));
zx_status_t socket_write(struct socket *s, user_in_ptr buf, size_t len, size_t *actual) __attribute__((warn_unused_result));
zx_status_t socket_read(struct socket *s, bool peek, user_out_ptr buf, size_t len, size_t *actual) __attribute__((warn_unused_result));
zx_status_t socket_set_disposition(struct socket *s, uint32_t mine, uint32_t peers) __attribute__((warn_unused_result));
void socket_update_signals(struct socket *s);
size_t socket_rx_available(const struct socket *s);

#endif
