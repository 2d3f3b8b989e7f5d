// Pagers: user-space providers of VMO contents (docs/pager.md). A pager-backed VMO has a
// page source (struct pager_src) naming the pager, the port its requests go to and their key.
// A page the pager has not supplied yet makes whoever needs it wait on a request: a range of
// the VMO asked for with one ZX_PAGER_VMO_READ packet, whose wait queue holds the threads
// (WAIT_PAGER) that need one of its pages.
#ifndef ZC_OBJECTS_PAGER_H
#define ZC_OBJECTS_PAGER_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kernel/wait.h"
#include "objects/kobj.h"
#include "objects/port.h"

struct vmo;

struct pager {
    struct kobj obj;
    struct list_node srcs;  // struct pager_src.pager_link: the VMOs attached to it
};

struct pager_src;

// An outstanding ZX_PAGER_VMO_READ (pages to supply) or ZX_PAGER_VMO_DIRTY (clean pages a
// write waits to dirty): pages [first, end) of the source's VMO.
struct pager_request {
    struct list_node link;      // in src->requests, in the order they were made
    struct pager_src *src;
    uint16_t command;           // ZX_PAGER_VMO_READ or ZX_PAGER_VMO_DIRTY
    uint64_t first, end;        // page indices
    struct wait_queue waiters;  // WAIT_PAGER, each needing state.pager.page in [first, end)
    struct port_packet packet;  // the request's packet (port_queue_kernel)
    bool queued;                // the packet waits in the port: the pager has not read it yet
};

// What makes a VMO pager-backed. Lives as long as its VMO.
struct pager_src {
    struct pager *pager;        // not referenced; NULL once detached or the pager is closed
    zx_koid_t pager_koid;       // the pager that made it ("a VMO created from pager")
    struct list_node pager_link;
    struct vmo *vmo;            // the VMO it backs (not referenced: the VMO owns the source)
    struct port *port;          // referenced
    uint64_t key;
    struct list_node requests;  // struct pager_request.link
    struct port_packet *complete;  // ZX_PAGER_VMO_COMPLETE, allocated up front; NULL once used
    // Absent pages from here on are not the pager's to supply: they read as zeros (the VMO
    // shrank there, or grew past what the pager had). Page index.
    uint64_t zero_from;
    bool modified;              // written since the last ZX_PAGER_RESET_VMO_STATS
    bool trap_dirty;            // ZX_VMO_TRAP_DIRTY: writes to clean pages ask the pager first
};

static inline struct pager *to_pager(struct kobj *o) {
    return (struct pager *)kobj_checked(o, ZX_OBJ_TYPE_PAGER);
}

zx_status_t pager_create(struct pager **out) __attribute__((warn_unused_result));
// Makes v (fresh, pages absent) pager-backed: requests go to `port` with `key`.
zx_status_t pager_src_attach(struct pager *p, struct vmo *v, struct port *port, uint64_t key, bool trap_dirty)
    __attribute__((warn_unused_result));
static inline bool pager_src_attached(const struct pager_src *s) { return s->pager != NULL; }
// True when an absent page idx of the source's VMO is the pager's to supply.
static inline bool pager_src_owes(const struct pager_src *s, uint64_t idx) { return idx < s->zero_from; }

// Detaches the VMO (zx_pager_detach_vmo, the pager's last handle, the VMO's destruction): no
// more requests; threads waiting on one wake with ZX_ERR_BAD_STATE (`gone`: ZX_OK, the VMO
// itself went away and they retry on whatever is mapped now). `complete`: the port gets the
// ZX_PAGER_VMO_COMPLETE packet.
void pager_src_detach(struct pager_src *s, zx_status_t waiters_status, bool complete);
// The VMO is being destroyed: detaches (COMPLETE sent if it was attached) and frees s.
void pager_src_destroy(struct pager_src *s);

// The request of kind `command` (ZX_PAGER_VMO_READ: page idx is absent and the pager owes it;
// ZX_PAGER_VMO_DIRTY: a clean page a write needs dirty) to wait on for page idx: the
// outstanding one covering it, or a new one for the run [idx, end) of pages needing the same
// (batching), whose packet is queued. A new run right after a request of the same kind the
// pager has not read yet extends that request. ZX_ERR_SHOULD_WAIT with *out set,
// ZX_ERR_BAD_STATE when the VMO is detached.
zx_status_t pager_request_page(struct pager_src *s, uint64_t idx, uint64_t end, uint16_t command,
                               struct pager_request **out) __attribute__((warn_unused_result));
// Pages [first, end) now have what `command` requests asked for (supplied, dirtied): waiters
// needing one of them wake (ZX_OK); requests all of whose pages have it are done.
void pager_pages_ready(struct pager_src *s, uint16_t command, uint64_t first, uint64_t end);
// zx_pager_op_range(ZX_PAGER_OP_FAIL): requests overlapping [first, end) end; their waiters
// needing a page in the range get `status`, the others retry (ZX_OK).
void pager_fail_range(struct pager_src *s, uint64_t first, uint64_t end, zx_status_t status);
// The VMO's size is now `pages` pages: requests beyond end, their waiters retry.
void pager_src_resized(struct pager_src *s, uint64_t pages);

// Blocks the current task t on req for page `page` (its state.pager filled by the caller
// except `page`): no deadline, as for Zircon's page faults and VMO reads.
void pager_wait(struct task *t, struct pager_request *req, uint64_t page, wait_cont_fn cont);

#endif
