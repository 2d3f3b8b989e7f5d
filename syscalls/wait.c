// The one cancel routine of blocking calls (kernel/wait.h): what each kind of wait releases
// when it ends, after its continuation or instead of it when the thread is killed. The
// executor calls it through task_ops.wait_cancel (registered by dispatch_global_init). By then
// the generic parts are done: the waiter is off its wait queue and its deadline timer stopped.
#include "objects/futex.h"
#include "syscalls/priv.h"

void wait_cancel(struct waiter *w) {
    switch (w->kind) {
    case WAIT_NONE:
    case WAIT_SLEEP:
    case WAIT_EXCEPTION:  // the exception object, not the wait, holds the thread's state
        break;
    case WAIT_ONE:
        wait_one_cancel(w);
        break;
    case WAIT_MANY:
        wait_many_cancel(w);
        break;
    case WAIT_PORT:
        port_wait_cancel(w);
        break;
    case WAIT_CHANNEL_CALL:
        channel_call_cancel(w);
        break;
    case WAIT_FUTEX:
        futex_wait_cancel(w);
        break;
    case WAIT_PAGER:
        pager_wait_cancel(w);
        break;
    }
}
