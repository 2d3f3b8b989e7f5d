// Exceptions: a faulting thread waits while handlers (exception channels of its process's
// debugger, the thread, the process, then each job up the tree) look at it.
#ifndef ZC_OBJECTS_EXCEPTION_H
#define ZC_OBJECTS_EXCEPTION_H

#include <zircon/syscalls/exception.h>
#include <zircon/types.h>

#include "objects/kobj.h"

struct thread;
struct channel;

struct exception {
    struct kobj obj;
    struct thread *thread;      // referenced
    zx_exception_report_t report;
    uint32_t state;             // ZX_EXCEPTION_STATE_*
    uint32_t strategy;          // ZX_EXCEPTION_STRATEGY_*
    uint32_t channel_type;      // ZX_EXCEPTION_CHANNEL_TYPE_* of the handler holding it
    int next_handler;           // where the search goes on after TRY_NEXT
};

static inline struct exception *to_exception(struct kobj *o) {
    return (struct exception *)kobj_checked(o, ZX_OBJ_TYPE_EXCEPTION);
}

// The task's exception channel slot: the kernel's end (the user holds the peer).
struct exc_port {
    struct channel *chan;       // referenced; NULL when none
};

// Raises an architectural exception for t. True: a handler has it and t now waits; false:
// nobody handles it (the caller kills the process).
bool exception_raise(struct thread *t, uint32_t type, const zx_exception_context_t *ctx);
// A new exception channel on `port`; *user_end gets the user's end (a new object).
zx_status_t exc_port_bind(struct exc_port *port, struct kobj **user_end) __attribute__((warn_unused_result));
void exc_port_release(struct exc_port *port);

#endif
