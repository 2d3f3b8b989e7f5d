// Waiters and wait queues: how a thread blocks in a syscall (DESIGN.md §2, docs/layers.md).
//
// A blocked task's pending syscall is its `struct waiter`: the kind of call, its continuation,
// the typed state the continuation needs, a deadline, and the wait queue it sleeps on (if any).
// Whatever ends the wait first (the awaited event, the deadline, a kill) calls waiter_wake(),
// which takes the waiter off its queue at once; the continuation runs when the task next runs,
// in its own address space, and produces the syscall's result. Afterwards (or instead, when the
// task is killed) the registered cancel routine (task_ops.wait_cancel) releases what the wait
// holds, switching on the kind.
//
// Every blocking object keeps its sleepers on a `struct wait_queue` (LK's shape: block with a
// deadline, wake one, wake all, remove). Waits that watch object signals instead (wait_one,
// wait_many) sleep on no queue: their observers wake them.
#ifndef ZC_KERNEL_WAIT_H
#define ZC_KERNEL_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#include "kernel/list.h"
#include "kernel/user_ptr.h"

struct task;

// ---- timers ----
struct timer {
    struct list_node link;  // in the timer queue, ordered by deadline
    zx_time_t deadline;
    void (*fire)(struct timer *t);
};
void timer_init(struct timer *t, void (*fire)(struct timer *));
void timer_arm(struct timer *t, zx_time_t deadline);
void timer_cancel(struct timer *t);
static inline bool timer_armed(const struct timer *t) { return t->link.next != NULL; }

// ---- waiters ----

// The kind of call a waiter is blocked in. The cancel routine and ZX_INFO_THREAD's state
// switch on it; a new blocking call adds a kind here and a case there.
enum wait_kind {
    WAIT_NONE,
    WAIT_SLEEP,          // zx_nanosleep, zx_object_wait_many with no items
    WAIT_ONE,            // zx_object_wait_one
    WAIT_MANY,           // zx_object_wait_many
    WAIT_PORT,           // zx_port_wait
    WAIT_CHANNEL_CALL,   // zx_channel_call(_etc), waiting for the reply
    WAIT_FUTEX,          // zx_futex_wait
    WAIT_EXCEPTION,      // a thread stopped in an exception until a handler resumes it
    WAIT_PAGER,          // a page of a pager-backed VMO the pager has not supplied yet
};

typedef int64_t (*wait_cont_fn)(struct task *t, zx_status_t reason);

// What each kind of call keeps for its continuation and its cancel case: the handler that
// blocks fills its member, and only that call's code reads it. Object types are only named
// here: their layers own them.
struct port;
struct channel;
struct message;
struct futex;
struct many_obs;
struct vmo;
// How a thread waiting for a pager goes on once the page is there (docs/pager.md).
enum pager_wait_how {
    PAGER_WAIT_FAULT,    // a user page fault: re-run the instruction, or take a fatal page fault
    PAGER_WAIT_RETRY,    // zx_vmo_read / zx_vmo_write: the continuation retries the copy
    PAGER_WAIT_RESTART,  // a syscall that failed on the page (a user copy): issued again
};
union wait_state {
    struct {
        user_out_ptr observed;   // NULL: not wanted
        zx_signals_t seen;       // the signals of every match while it watched
        bool watching;           // the thread's observer is attached (the cancel detaches it)
    } wait_one;
    struct {
        user_inout_ptr items;
        size_t count;
        struct many_obs *obs;    // count observers, then count signal snapshots; freed by cancel
        bool watching;           // the observers are attached
    } wait_many;
    struct {
        struct port *port;       // referenced; dropped by the cancel
        user_out_ptr packet;
        zx_time_t deadline;      // for a re-wait after another thread took the packet
    } port_wait;
    struct channel_call_state {
        struct channel *channel; // referenced; dropped by the cancel
        struct message *reply;   // set by the channel when the reply arrives; freed by the cancel
        uint32_t txid;
        user_out_ptr rd_bytes, rd_handles, actual_bytes, actual_handles;
        uint32_t rd_num_bytes, rd_num_handles;
        bool etc;                // zx_channel_call_etc: handle dispositions
    } channel_call;
    struct {
        struct futex *futex;     // the futex whose queue it is on (requeue moves it)
    } futex;
    struct pager_wait_state {
        enum pager_wait_how how;
        uint64_t page;           // the page of the request's VMO it needs (a supply wakes it)
        // PAGER_WAIT_RETRY: the call to retry, on its VMO (referenced; dropped by the cancel).
        struct vmo *vmo;
        user_inout_ptr buffer;
        uint64_t offset;
        size_t len;
        bool write;
        // PAGER_WAIT_FAULT: the trap, for the exception a failed request raises.
        uintptr_t fault_addr, pc;
        uint64_t error_code;
        uint32_t vector, fault_flags;
    } pager;
};

struct wait_queue {
    struct list_node waiters;    // struct waiter.queue_link, in the order they blocked
    uint32_t count;
};

struct waiter {
    enum wait_kind kind;
    wait_cont_fn cont;
    struct wait_queue *queue;          // the queue it sleeps on, or NULL
    struct list_node queue_link;
    struct timer deadline_timer;
    zx_status_t reason;                // why it woke
    bool active;                       // between blocking and waiter_wake
    bool woken;                        // continuation pending
    bool keep_regs;                    // the continuation's value is not the syscall's result
    union wait_state state;            // what the blocked call needs to finish, by kind
};

// Blocks task t (the current one, inside its syscall handler) on q (NULL: on no queue) until
// woken, the deadline passes (ZX_ERR_TIMED_OUT) or it is killed. The handler then returns
// SYS_BLOCKED; the continuation's value becomes the syscall's result. A deadline already past
// wakes it at once (the continuation still runs).
void wait_block(struct task *t, struct wait_queue *q, enum wait_kind kind, zx_time_t deadline,
                wait_cont_fn cont);
// Ends w's wait with `reason` (the first caller wins; later calls do nothing) and takes it
// off its queue.
void waiter_wake(struct waiter *w, zx_status_t reason);

void wait_queue_init(struct wait_queue *q);
static inline bool wait_queue_empty(const struct wait_queue *q) { return q->count == 0; }
// The longest waiter, or NULL.
static inline struct waiter *wait_queue_head(const struct wait_queue *q) {
    return q->count ? container_of(q->waiters.next, struct waiter, queue_link) : NULL;
}
// Wakes the longest waiter with `reason`; returns it (NULL when the queue was empty).
struct waiter *wait_queue_wake_one(struct wait_queue *q, zx_status_t reason);
// Wakes every waiter with `reason`; returns how many.
uint32_t wait_queue_wake_all(struct wait_queue *q, zx_status_t reason);
// Moves the longest waiter of `from` to the back of `to` (it stays blocked); returns it.
struct waiter *wait_queue_move_one(struct wait_queue *from, struct wait_queue *to);
// Takes w off its queue, if it is on one (it stays blocked).
void wait_queue_remove(struct waiter *w);
#define wait_queue_for_each(q, w)                                                          \
    for (struct waiter *w = wait_queue_head(q); w;                                         \
         w = w->queue_link.next == &(q)->waiters ? NULL                                    \
                                                 : container_of(w->queue_link.next, struct waiter, queue_link))

#endif
