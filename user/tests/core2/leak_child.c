// bin/leak-child: the victim of LeakTest (leak_test.c). It creates one object of every type zc
// has (several with state: queued packets, messages carrying handles, buffered bytes, armed
// timers, committed and mapped pages, a suspended thread, observers), starts threads blocked
// in every blocking call, then asserts ZX_USER_SIGNAL_0 on the eventpair it got as
// ZC_HND_USER0 and blocks until it is killed. Exit codes: CHILD_SETUP_FAILED + the failed step.
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/clock.h>
#include <zircon/syscalls/log.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/resource.h>

#include "util.h"

static zx_handle_t ev, ep0, ep1, ch0, ch1, call0, call1, port, timer, vmo, stream;
static volatile zx_futex_t futex;

static void block_wait_one(void *arg) {
    (void)arg;
    zx_signals_t observed;
    zx_object_wait_one(ev, ZX_USER_SIGNAL_7, ZX_TIME_INFINITE, &observed);
}

static void block_wait_many(void *arg) {
    (void)arg;
    zx_wait_item_t items[2] = {{.handle = ev, .waitfor = ZX_USER_SIGNAL_6},
                               {.handle = ep0, .waitfor = ZX_USER_SIGNAL_6}};
    zx_object_wait_many(items, 2, ZX_TIME_INFINITE);
}

static void block_port(void *arg) {
    (void)arg;
    // The port holds a queued packet; drain it first so the wait really blocks.
    zx_port_packet_t pkt;
    zx_port_wait(port, 0, &pkt);
    zx_port_wait(port, ZX_TIME_INFINITE, &pkt);
}

static void block_call(void *arg) {
    (void)arg;
    uint8_t wbuf[16] = {1}, rbuf[16];
    zx_channel_call_args_t args = {.wr_bytes = wbuf,
                                   .wr_num_bytes = sizeof(wbuf),
                                   .rd_bytes = rbuf,
                                   .rd_num_bytes = sizeof(rbuf)};
    uint32_t nb, nh;
    zx_channel_call(call0, 0, ZX_TIME_INFINITE, &args, &nb, &nh);
}

static void block_futex(void *arg) {
    (void)arg;
    zx_futex_wait((const zx_futex_t *)&futex, 0, ZX_HANDLE_INVALID, ZX_TIME_INFINITE);
}

static void block_sleep(void *arg) {
    (void)arg;
    zx_nanosleep(ZX_TIME_INFINITE);
}

// The first setup step that failed (0: none). Setup goes on after a failure (later calls
// just fail too); main() reports the step as its exit code before signalling readiness.
static int failed_step;

static void check(int step, zx_status_t st) {
    if (st != ZX_OK && failed_step == 0)
        failed_step = step;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    zx_handle_t ready = zc_take_handle(ZC_HND_USER0);
    if (ready == ZX_HANDLE_INVALID)
        return CHILD_SETUP_FAILED + 1;

    // ---- one of every object, with state ----
    check(2, zx_event_create(0, &ev));
    check(3, zx_eventpair_create(0, &ep0, &ep1));
    check(4, zx_channel_create(0, &ch0, &ch1));
    check(5, zx_channel_create(0, &call0, &call1));
    check(6, zx_port_create(0, &port));
    check(7, zx_timer_create(0, ZX_CLOCK_MONOTONIC, &timer));
    check(8, zx_timer_set(timer, zx_deadline_after(ZX_SEC(3600)), 0));
    check(9, zx_vmo_create(16 * PAGE, 0, &vmo));
    static uint8_t page[PAGE];
    memset(page, 0xab, sizeof(page));
    for (uint32_t i = 0; i < 16; i++)
        check(10, zx_vmo_write(vmo, page, i * PAGE, PAGE));
    // A sub-VMAR with the VMO mapped in it, touched.
    zx_handle_t vmar;
    zx_vaddr_t vmar_base, addr;
    check(11, zx_vmar_allocate(zx_vmar_root_self(),
                               ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                               64 * PAGE, &vmar, &vmar_base));
    check(12, zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 16 * PAGE, &addr));
    if (failed_step == 0)
        ((volatile uint8_t *)addr)[5 * PAGE] = 1;
    // A copy-on-write clone with a page of its own.
    zx_handle_t clone;
    check(13,
          zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0, 8 * PAGE, &clone));
    check(14, zx_vmo_write(clone, page, 2 * PAGE, 16));
    // Messages carrying handles (in flight when we die): an event and the clone.
    zx_handle_t in_flight;
    check(15, zx_event_create(0, &in_flight));
    zx_handle_t carried[2] = {in_flight, clone};
    check(16, zx_channel_write(ch0, 0, "msg", 3, carried, 2));
    check(17, zx_channel_write(ch1, 0, "back", 4, NULL, 0));
    // Sockets (stream and datagram) with bytes buffered, a FIFO with elements.
    zx_handle_t s0, s1, d0, d1, f0, f1;
    check(18, zx_socket_create(ZX_SOCKET_STREAM, &s0, &s1));
    check(19, zx_socket_write(s0, 0, page, 3000, NULL));
    check(20, zx_socket_create(ZX_SOCKET_DATAGRAM, &d0, &d1));
    check(21, zx_socket_write(d0, 0, page, 100, NULL));
    check(22, zx_fifo_create(16, 8, 0, &f0, &f1));
    check(23, zx_fifo_write(f0, 8, page, 4, NULL));
    // A port with a queued packet and an armed observer on the event.
    zx_port_packet_t pkt = {.key = 1, .type = ZX_PKT_TYPE_USER};
    check(24, zx_port_queue(port, &pkt));
    check(25, zx_object_wait_async(ev, port, 2, ZX_USER_SIGNAL_5, 0));
    check(26, zx_object_wait_async(timer, port, 3, ZX_TIMER_SIGNALED, 0));
    // A stream over the VMO.
    check(27, zx_stream_create(ZX_STREAM_MODE_READ | ZX_STREAM_MODE_WRITE, vmo, 0, &stream));
    // A job with an unstarted process (and its thread) in it.
    zx_handle_t job, proc, proc_vmar, proc_thread;
    check(28, zx_job_create(zx_job_default(), 0, &job));
    check(29, zx_process_create(job, "leak-grandchild", 15, 0, &proc, &proc_vmar));
    check(30, zx_thread_create(proc, "never-run", 9, 0, &proc_thread));
    // A debuglog, and resources when we hold the root resource.
    zx_handle_t log, rsrc = ZX_HANDLE_INVALID;
    check(31, zx_debuglog_create(root_resource(), 0, &log));
    if (root_resource() != ZX_HANDLE_INVALID)
        check(32, zx_resource_create(root_resource(), ZX_RSRC_KIND_MMIO, 0x30000000, PAGE, "leak",
                                     4, &rsrc));
#if defined(ZX_SYS_clock_create)
    zx_handle_t clock;
    check(33, zx_clock_create(ZX_CLOCK_OPT_AUTO_START, NULL, &clock));
#endif
#if defined(ZX_SYS_task_create_exception_channel)
    zx_handle_t exc_ch;
    check(34, zx_task_create_exception_channel(job, 0, &exc_ch));
#endif

    // ---- threads blocked in every blocking call ----
    static struct tthread t[7];
    void (*fns[6])(void *) = {block_wait_one, block_wait_many, block_port,
                              block_call,     block_futex,     block_sleep};
    static const uint32_t states[6] = {
        ZX_THREAD_STATE_BLOCKED_WAIT_ONE, ZX_THREAD_STATE_BLOCKED_WAIT_MANY,
        ZX_THREAD_STATE_BLOCKED_PORT,     ZX_THREAD_STATE_BLOCKED_CHANNEL,
        ZX_THREAD_STATE_BLOCKED_FUTEX,    ZX_THREAD_STATE_BLOCKED_SLEEPING,
    };
    for (int i = 0; i < 6; i++) {
        check(40 + i, tthread_start(&t[i], "blocked", fns[i], NULL));
        if (!wait_thread_state(t[i].handle, states[i]))
            check(50 + i, ZX_ERR_TIMED_OUT);
    }
    // A seventh, sleeping and suspended: a suspend token.
    zx_handle_t token;
    check(46, tthread_start(&t[6], "suspended", block_sleep, NULL));
    if (!wait_thread_state(t[6].handle, ZX_THREAD_STATE_BLOCKED_SLEEPING))
        check(56, ZX_ERR_TIMED_OUT);
    check(47, zx_task_suspend(t[6].handle, &token));

    if (failed_step != 0)
        return CHILD_SETUP_FAILED + failed_step;
    // Ready: the parent kills us now. We block too (object_wait_one on the eventpair).
    check(60, zx_object_signal_peer(ready, 0, ZX_USER_SIGNAL_0));
    zx_signals_t observed;
    zx_object_wait_one(ready, ZX_USER_SIGNAL_7, ZX_TIME_INFINITE, &observed);
    return CHILD_SETUP_FAILED;
}
