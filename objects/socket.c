#include "objects/socket.h"

#include <string.h>
#include <zircon/errors.h>
#include <zircon/syscalls/object.h>

#include "kernel/debug.h"
#include "kernel/heap.h"
#include "kernel/user_copy.h"

#define CHUNK_DATA (4096 - 64)

struct sock_chunk {
    struct list_node link;
    uint32_t start, end;  // valid bytes are data[start, end)
    uint32_t cap;
    uint8_t data[];
};

static void socket_free_chunks(struct socket *s) {
    struct list_node *n;
    while ((n = list_pop_head(&s->chunks))) kfree(container_of(n, struct sock_chunk, link));
    s->bytes = 0;
}

static void socket_on_zero_handles(struct kobj *o) {
    kobj_unpair(o, ZX_SOCKET_PEER_CLOSED, ZX_SOCKET_WRITABLE | ZX_SOCKET_WRITE_THRESHOLD);
    socket_free_chunks(to_socket(o));
}
static void socket_destroy(struct kobj *o) { kfree(to_socket(o)); }
static zx_status_t socket_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w);
static zx_status_t socket_get_property(struct kobj *o, uint32_t property, void *value);
static zx_status_t socket_set_property(struct kobj *o, uint32_t property, const void *value);
static const struct kobj_ops socket_ops = {.on_zero_handles = socket_on_zero_handles,
                                           .destroy = socket_destroy,
                                           .get_info = socket_get_info,
                                           .get_property = socket_get_property,
                                           .set_property = socket_set_property};

size_t socket_rx_available(const struct socket *s) {
    if (!(s->options & ZX_SOCKET_DATAGRAM)) return s->bytes;
    if (list_empty(&s->chunks)) return 0;
    const struct sock_chunk *c = container_of(s->chunks.next, struct sock_chunk, link);
    return c->end - c->start;
}

// Recomputes s's signals from its own queue and its peer's.
void socket_update_signals(struct socket *s) {
    zx_signals_t set = 0, clear = 0;
    if (s->bytes) set |= ZX_SOCKET_READABLE;
    else clear |= ZX_SOCKET_READABLE;
    if (s->rx_threshold && s->bytes >= s->rx_threshold) set |= ZX_SOCKET_READ_THRESHOLD;
    else clear |= ZX_SOCKET_READ_THRESHOLD;
    struct socket *p = s->obj.peer ? to_socket(s->obj.peer) : NULL;
    uint32_t space = p ? SOCKET_CAPACITY - p->bytes : 0;
    if (p && space && !s->write_disabled) set |= ZX_SOCKET_WRITABLE;
    else clear |= ZX_SOCKET_WRITABLE;
    if (p && s->tx_threshold && space >= s->tx_threshold) set |= ZX_SOCKET_WRITE_THRESHOLD;
    else clear |= ZX_SOCKET_WRITE_THRESHOLD;
    kobj_signal(&s->obj, clear, set);
}

zx_status_t socket_create_pair(uint32_t options, struct socket **a, struct socket **b) {
    struct socket *x = kzalloc(sizeof(*x)), *y = kzalloc(sizeof(*y));
    if (!x || !y) {
        kfree(x);
        kfree(y);
        return ZX_ERR_NO_MEMORY;
    }
    struct socket *s[2] = {x, y};
    for (int i = 0; i < 2; i++) {
        kobj_init(&s[i]->obj, ZX_OBJ_TYPE_SOCKET, &socket_ops);
        s[i]->options = options;
        list_init(&s[i]->chunks);
    }
    kobj_pair(&x->obj, &y->obj);
    socket_update_signals(x);
    socket_update_signals(y);
    *a = x;
    *b = y;
    return ZX_OK;
}

static struct sock_chunk *chunk_new(uint32_t cap) {
    struct sock_chunk *c = kmalloc(sizeof(*c) + cap);
    if (!c) return NULL;
    c->start = c->end = 0;
    c->cap = cap;
    return c;
}

zx_status_t socket_write(struct socket *s, user_in_ptr buf, size_t len, size_t *actual) {
    if (s->write_disabled) return ZX_ERR_BAD_STATE;
    if (!s->obj.peer) return ZX_ERR_PEER_CLOSED;
    struct socket *p = to_socket(s->obj.peer);
    uint32_t space = SOCKET_CAPACITY - p->bytes;
    if (s->options & ZX_SOCKET_DATAGRAM) {
        if (len == 0) return ZX_ERR_INVALID_ARGS;
        if (len > SOCKET_CAPACITY) return ZX_ERR_OUT_OF_RANGE;
        if (len > space) return ZX_ERR_SHOULD_WAIT;
        struct sock_chunk *c = chunk_new((uint32_t)len);
        if (!c) return ZX_ERR_NO_MEMORY;
        zx_status_t st = copy_from_user(c->data, buf, len);
        if (st != ZX_OK) {
            kfree(c);
            return st;
        }
        c->end = (uint32_t)len;
        list_add_tail(&p->chunks, &c->link);
        p->bytes += (uint32_t)len;
        *actual = len;
    } else {
        if (len == 0) {
            *actual = 0;
            return ZX_OK;
        }
        if (space == 0) return ZX_ERR_SHOULD_WAIT;
        size_t n = len < space ? len : space, done = 0;
        while (done < n) {
            struct sock_chunk *c = list_empty(&p->chunks) ? NULL : container_of(p->chunks.prev, struct sock_chunk, link);
            if (!c || c->end == c->cap) {
                c = chunk_new(CHUNK_DATA);
                if (!c) break;
                list_add_tail(&p->chunks, &c->link);
            }
            size_t k = c->cap - c->end;
            if (k > n - done) k = n - done;
            zx_status_t st = copy_from_user(c->data + c->end, user_in_off(buf, done), k);
            if (st != ZX_OK) {
                if (c->start == c->end) {
                    list_delete(&c->link);
                    kfree(c);
                }
                if (!done) return st;
                break;
            }
            c->end += (uint32_t)k;
            done += k;
        }
        if (!done) return ZX_ERR_NO_MEMORY;
        p->bytes += (uint32_t)done;
        *actual = done;
    }
    socket_update_signals(p);
    socket_update_signals(s);
    return ZX_OK;
}

zx_status_t socket_read(struct socket *s, bool peek, user_out_ptr buf, size_t len, size_t *actual) {
    if (!s->bytes) {
        if (!s->obj.peer) return ZX_ERR_PEER_CLOSED;
        if (to_socket(s->obj.peer)->write_disabled) return ZX_ERR_BAD_STATE;
        return ZX_ERR_SHOULD_WAIT;
    }
    if (s->options & ZX_SOCKET_DATAGRAM) {
        struct sock_chunk *c = container_of(s->chunks.next, struct sock_chunk, link);
        size_t dlen = c->end - c->start;
        size_t n = len < dlen ? len : dlen;
        zx_status_t st = n ? copy_to_user(buf, c->data + c->start, n) : ZX_OK;
        if (st != ZX_OK) return st;
        if (!peek) {
            list_delete(&c->link);
            s->bytes -= (uint32_t)dlen;
            kfree(c);
        }
        *actual = n;
    } else {
        size_t done = 0;
        struct list_node *it = s->chunks.next;
        while (done < len && it != &s->chunks) {
            struct sock_chunk *c = container_of(it, struct sock_chunk, link);
            size_t k = c->end - c->start;
            if (k > len - done) k = len - done;
            zx_status_t st = copy_to_user(user_out_off(buf, done), c->data + c->start, k);
            if (st != ZX_OK) {
                if (!done) return st;
                break;
            }
            done += k;
            it = it->next;
            if (!peek) {
                c->start += (uint32_t)k;
                if (c->start == c->end) {
                    list_delete(&c->link);
                    kfree(c);
                }
            }
        }
        if (!peek) s->bytes -= (uint32_t)done;
        *actual = done;
    }
    if (!peek) {
        socket_update_signals(s);
        if (s->obj.peer) socket_update_signals(to_socket(s->obj.peer));
    }
    return ZX_OK;
}

zx_status_t socket_set_disposition(struct socket *s, uint32_t mine, uint32_t peers) {
    const uint32_t ok = ZX_SOCKET_DISPOSITION_WRITE_DISABLED | ZX_SOCKET_DISPOSITION_WRITE_ENABLED;
    if ((mine & ~ok) || (peers & ~ok) || mine == ok || peers == ok) return ZX_ERR_INVALID_ARGS;
    if (!s->obj.peer) return ZX_ERR_PEER_CLOSED;
    struct socket *p = to_socket(s->obj.peer);
    // Re-enabling writes is refused while the direction still holds data of the disabled era.
    if ((mine & ZX_SOCKET_DISPOSITION_WRITE_ENABLED) && s->write_disabled && p->bytes) return ZX_ERR_BAD_STATE;
    if ((peers & ZX_SOCKET_DISPOSITION_WRITE_ENABLED) && p->write_disabled && s->bytes) return ZX_ERR_BAD_STATE;
    if (mine) {
        s->write_disabled = mine & ZX_SOCKET_DISPOSITION_WRITE_DISABLED;
        kobj_signal(&s->obj, s->write_disabled ? 0 : ZX_SOCKET_WRITE_DISABLED,
                    s->write_disabled ? ZX_SOCKET_WRITE_DISABLED : 0);
        kobj_signal(&p->obj, s->write_disabled ? 0 : ZX_SOCKET_PEER_WRITE_DISABLED,
                    s->write_disabled ? ZX_SOCKET_PEER_WRITE_DISABLED : 0);
    }
    if (peers) {
        p->write_disabled = peers & ZX_SOCKET_DISPOSITION_WRITE_DISABLED;
        kobj_signal(&p->obj, p->write_disabled ? 0 : ZX_SOCKET_WRITE_DISABLED,
                    p->write_disabled ? ZX_SOCKET_WRITE_DISABLED : 0);
        kobj_signal(&s->obj, p->write_disabled ? 0 : ZX_SOCKET_PEER_WRITE_DISABLED,
                    p->write_disabled ? ZX_SOCKET_PEER_WRITE_DISABLED : 0);
    }
    socket_update_signals(s);
    socket_update_signals(p);
    return ZX_OK;
}


// ---- zx_object_get_info, properties ----

static zx_status_t socket_get_info(struct kobj *o, uint32_t topic, zx_rights_t rights, struct info_writer *w) {
    if (topic != ZX_INFO_SOCKET) return ZX_ERR_NOT_SUPPORTED;
    struct socket *so = to_socket(o);
    zx_info_socket_t info;
    memset(&info, 0, sizeof(info));
    info.options = so->options;
    info.rx_buf_max = SOCKET_CAPACITY;
    info.rx_buf_size = so->bytes;
    info.rx_buf_available = socket_rx_available(so);
    info.tx_buf_max = so->obj.peer ? SOCKET_CAPACITY : 0;
    info.tx_buf_size = so->obj.peer ? to_socket(so->obj.peer)->bytes : 0;
    info_put(w, &info);
    return ZX_OK;
}

static zx_status_t socket_get_property(struct kobj *o, uint32_t property, void *value) {
    struct socket *so = to_socket(o);
    switch (property) {
    case ZX_PROP_SOCKET_RX_THRESHOLD: *(size_t *)value = so->rx_threshold; return ZX_OK;
    case ZX_PROP_SOCKET_TX_THRESHOLD: *(size_t *)value = so->tx_threshold; return ZX_OK;
    default: return ZX_ERR_NOT_SUPPORTED;
    }
}

static zx_status_t socket_set_property(struct kobj *o, uint32_t property, const void *value) {
    struct socket *so = to_socket(o);
    size_t v = *(const size_t *)value;
    if (property != ZX_PROP_SOCKET_RX_THRESHOLD && property != ZX_PROP_SOCKET_TX_THRESHOLD)
        return ZX_ERR_NOT_SUPPORTED;
    if (v > SOCKET_CAPACITY) return ZX_ERR_INVALID_ARGS;
    if (property == ZX_PROP_SOCKET_TX_THRESHOLD && !so->obj.peer) return ZX_ERR_PEER_CLOSED;
    if (property == ZX_PROP_SOCKET_RX_THRESHOLD) so->rx_threshold = (uint32_t)v;
    else so->tx_threshold = (uint32_t)v;
    socket_update_signals(so);
    return ZX_OK;
}
