// Pagers, their page sources and requests (objects/pager.h, docs/pager.md). One CPU,
// interrupts off in the kernel: no locks.
#include "objects/pager.h"

#include <string.h>
#include <zircon/errors.h>

#include "kernel/heap.h"
#include "objects/vmo.h"

#define PAGE HAL_PAGE_SIZE
// The most pages one request asks for (a zx_vmo_read of a large absent range asks in pieces).
#define PAGER_MAX_BATCH 256

static void pager_on_zero_handles(struct kobj *o) {
    struct pager *p = to_pager(o);
    // "All future accesses will behave as if zx_pager_detach_vmo() had been called", and no
    // more packets, not even ZX_PAGER_VMO_COMPLETE.
    list_for_each_safe(&p->srcs, it, tmp)
        pager_src_detach(container_of(it, struct pager_src, pager_link), ZX_ERR_BAD_STATE, false);
}

static const struct kobj_ops pager_ops = {.on_zero_handles = pager_on_zero_handles, .destroy = kobj_kfree};

zx_status_t pager_create(struct pager **out) {
    struct pager *p = kmalloc(sizeof(*p));
    if (!p) return ZX_ERR_NO_MEMORY;
    kobj_init(&p->obj, ZX_OBJ_TYPE_PAGER, &pager_ops);
    list_init(&p->srcs);
    *out = p;
    return ZX_OK;
}

zx_status_t pager_src_attach(struct pager *p, struct vmo *v, struct port *port, uint64_t key, bool trap_dirty) {
    struct pager_src *s = kmalloc(sizeof(*s));
    struct port_packet *complete = kmalloc(sizeof(*complete));
    if (!s || !complete) {
        kfree(s);
        kfree(complete);
        return ZX_ERR_NO_MEMORY;
    }
    memset(complete, 0, sizeof(*complete));
    complete->pkt.key = key;
    complete->pkt.type = ZX_PKT_TYPE_PAGE_REQUEST;
    complete->pkt.page_request.command = ZX_PAGER_VMO_COMPLETE;
    s->pager = p;
    s->pager_koid = p->obj.koid;
    list_add_tail(&p->srcs, &s->pager_link);
    s->vmo = v;
    s->port = port;
    kobj_ref(&port->obj);
    s->key = key;
    list_init(&s->requests);
    s->complete = complete;
    s->zero_from = v->size / PAGE;
    s->modified = false;
    s->trap_dirty = trap_dirty;
    v->pager_src = s;
    return ZX_OK;
}

// ---- requests ----

static void request_packet_released(struct port_packet *pp) {
    container_of(pp, struct pager_request, packet)->queued = false;
}

static void request_set_length(struct pager_request *r) {
    r->packet.pkt.page_request.offset = r->first * PAGE;
    r->packet.pkt.page_request.length = (r->end - r->first) * PAGE;
}

// Ends r: wakes every waiter still on it (`inside` for those needing a page in [first, end),
// `outside` for the others), takes its packet back if the pager has not read it, frees it.
static void request_end(struct pager_request *r, uint64_t first, uint64_t end, zx_status_t inside,
                        zx_status_t outside) {
    struct waiter *w;
    while ((w = wait_queue_head(&r->waiters))) {
        uint64_t pg = w->state.pager.page;
        waiter_wake(w, pg >= first && pg < end ? inside : outside);  // takes it off the queue
    }
    if (r->queued) port_unqueue(r->src->port, &r->packet);
    list_delete(&r->link);
    kfree(r);
}

// Wakes (ZX_OK) the waiters of r that need a page in [first, end); the others stay.
static void wake_needing(struct pager_request *r, uint64_t first, uint64_t end) {
    struct waiter *next;
    for (struct waiter *w = wait_queue_head(&r->waiters); w; w = next) {
        next = w->queue_link.next == &r->waiters.waiters ? NULL
                                                         : container_of(w->queue_link.next, struct waiter, queue_link);
        if (w->state.pager.page >= first && w->state.pager.page < end) waiter_wake(w, ZX_OK);
    }
}

static struct pager_request *request_covering(struct pager_src *s, uint64_t idx, uint16_t command) {
    list_for_each(&s->requests, it) {
        struct pager_request *r = container_of(it, struct pager_request, link);
        if (r->command == command && idx >= r->first && idx < r->end) return r;
    }
    return NULL;
}

// Whether page idx still needs what a `command` request asks for.
static bool page_needs(struct pager_src *s, uint64_t idx, uint16_t command) {
    if (command == ZX_PAGER_VMO_DIRTY) return vmo_pager_wants_dirty(s->vmo, idx);
    return pager_src_owes(s, idx) && !vmo_owns_page(s->vmo, idx);
}

zx_status_t pager_request_page(struct pager_src *s, uint64_t idx, uint64_t end, uint16_t command,
                               struct pager_request **out) {
    if (!pager_src_attached(s)) return ZX_ERR_BAD_STATE;
    struct pager_request *r = request_covering(s, idx, command);
    if (r) {
        *out = r;
        return ZX_ERR_SHOULD_WAIT;
    }
    // The run of pages from idx on that need the same, that no other request covers.
    uint64_t e = idx + 1;
    while (e < end && e - idx < PAGER_MAX_BATCH && page_needs(s, e, command) && !request_covering(s, e, command))
        e++;
    // Batching: a request the pager has not read yet that ends where this run starts grows.
    list_for_each(&s->requests, it) {
        r = container_of(it, struct pager_request, link);
        if (r->command == command && r->queued && r->end == idx && e - r->first <= PAGER_MAX_BATCH) {
            r->end = e;
            request_set_length(r);
            *out = r;
            return ZX_ERR_SHOULD_WAIT;
        }
    }
    r = kmalloc(sizeof(*r));
    if (!r) return ZX_ERR_NO_MEMORY;
    r->src = s;
    r->command = command;
    r->first = idx;
    r->end = e;
    wait_queue_init(&r->waiters);
    memset(&r->packet, 0, sizeof(r->packet));
    r->packet.release = request_packet_released;
    r->packet.pkt.key = s->key;
    r->packet.pkt.type = ZX_PKT_TYPE_PAGE_REQUEST;
    r->packet.pkt.page_request.command = command;
    request_set_length(r);
    list_add_tail(&s->requests, &r->link);
    r->queued = true;
    port_queue_kernel(s->port, &r->packet);  // a port without handles releases it at once
    *out = r;
    return ZX_ERR_SHOULD_WAIT;
}

void pager_pages_ready(struct pager_src *s, uint16_t command, uint64_t first, uint64_t end) {
    list_for_each_safe(&s->requests, it, tmp) {
        struct pager_request *r = container_of(it, struct pager_request, link);
        if (r->command != command || r->end <= first || r->first >= end) continue;
        // Waiters whose page is ready wake; the request stays until all its pages are.
        wake_needing(r, first, end);
        bool done = true;
        for (uint64_t i = r->first; i < r->end && done; i++) done = !page_needs(s, i, command);
        if (done) request_end(r, 0, 0, ZX_OK, ZX_OK);
    }
}

void pager_fail_range(struct pager_src *s, uint64_t first, uint64_t end, zx_status_t status) {
    list_for_each_safe(&s->requests, it, tmp) {
        struct pager_request *r = container_of(it, struct pager_request, link);
        if (r->end > first && r->first < end) request_end(r, first, end, status, ZX_OK);
    }
}

void pager_src_resized(struct pager_src *s, uint64_t pages) {
    if (pages < s->zero_from) s->zero_from = pages;
    list_for_each_safe(&s->requests, it, tmp) {
        struct pager_request *r = container_of(it, struct pager_request, link);
        if (r->end <= pages) continue;
        if (r->first >= pages) {
            request_end(r, 0, 0, ZX_OK, ZX_OK);  // they retry against the new size
            continue;
        }
        wake_needing(r, pages, r->end);
        r->end = pages;
        request_set_length(r);
    }
}

void pager_src_detach(struct pager_src *s, zx_status_t waiters_status, bool complete) {
    if (!pager_src_attached(s)) return;
    list_delete(&s->pager_link);
    s->pager = NULL;
    list_for_each_safe(&s->requests, it, tmp)
        request_end(container_of(it, struct pager_request, link), 0, 0, waiters_status, waiters_status);
    if (complete) {
        struct port_packet *pp = s->complete;
        s->complete = NULL;
        port_queue_kernel(s->port, pp);  // kfreed by the port once read
    }
}

void pager_src_destroy(struct pager_src *s) {
    // Nobody can reach the VMO any more: "no references to the VMO remain". Threads still
    // waiting (faults through a mapping since removed) retry and find it gone.
    pager_src_detach(s, ZX_OK, true);
    kfree(s->complete);
    kobj_unref(&s->port->obj);
    kfree(s);
}

void pager_wait(struct task *t, struct pager_request *req, uint64_t page, wait_cont_fn cont) {
    t->wait.state.pager.page = page;
    wait_block(t, &req->waiters, WAIT_PAGER, ZX_TIME_INFINITE, cont);
}
