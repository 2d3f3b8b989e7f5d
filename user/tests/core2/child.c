// The helper process of core-tests-2 (`bin/core-tests-2 --child CASE [ARG]`):
//   exit N          exits with return code N (may be negative)
//   sleep           blocks forever (tests kill it)
//   create TYPE     creates one object of TYPE and exits with the status of the create call
//                   (0 = ZX_OK); TYPE: vmo channel event eventpair port socket fifo timer process
//   create-all      tries every TYPE; exits with a bit mask, bit i set when TYPE i was denied
//                   (ZX_ERR_ACCESS_DENIED), CHILD_SETUP_FAILED on any other failure
//   thread-exit N   a second thread calls zx_process_exit(N) while the first one blocks
//   suspend-self T  exits with the status of zx_task_suspend on its own thread (T = thread) or
//                   process (T = process)
//   signal-exit N   asserts ZX_USER_SIGNAL_0 on the eventpair it got as ZC_HND_USER0, then
//                   waits for ZX_USER_SIGNAL_1 from the peer and exits with N
//   channel-flood N writes N messages nobody reads into one channel; exits with the number
//                   written (if the kernel let it live), CHILD_SETUP_FAILED if a write failed
//   pager-read N    maps the VMO it got as ZC_HND_USER0 and reads the first word of each of its
//                   N pages through the mapping, then page by page with zx_vmo_read; each must
//                   be PAGER_TAG + its index (pager_test.c): CHILD_OK, else 10 + the bad page
//   pager-write N   maps the VMO it got as ZC_HND_USER0 read-write, checks the first word of
//                   each of its N pages as pager-read does, and writes PAGER_WRITTEN + i at
//                   offset 8 of each odd page i: CHILD_OK, else 10 + the bad page
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "util.h"

static const char *const kTypes[] = {"vmo",    "channel", "event", "eventpair", "port",
                                     "socket", "fifo",    "timer", "process"};
#define NUM_TYPES (sizeof(kTypes) / sizeof(kTypes[0]))

static zx_status_t create_one(const char *type) {
    zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
    zx_status_t st;
    if (strcmp(type, "vmo") == 0)
        st = zx_vmo_create(PAGE, 0, &a);
    else if (strcmp(type, "channel") == 0)
        st = zx_channel_create(0, &a, &b);
    else if (strcmp(type, "event") == 0)
        st = zx_event_create(0, &a);
    else if (strcmp(type, "eventpair") == 0)
        st = zx_eventpair_create(0, &a, &b);
    else if (strcmp(type, "port") == 0)
        st = zx_port_create(0, &a);
    else if (strcmp(type, "socket") == 0)
        st = zx_socket_create(0, &a, &b);
    else if (strcmp(type, "fifo") == 0)
        st = zx_fifo_create(4, 8, 0, &a, &b);
    else if (strcmp(type, "timer") == 0)
        st = zx_timer_create(0, ZX_CLOCK_MONOTONIC, &a);
    else if (strcmp(type, "process") == 0)
        st = zx_process_create(zx_job_default(), "p", 1, 0, &a, &b);
    else
        return CHILD_UNKNOWN;
    if (a != ZX_HANDLE_INVALID)
        zx_handle_close(a);
    if (b != ZX_HANDLE_INVALID)
        zx_handle_close(b);
    return st;
}

static int create_all(void) {
    int mask = 0;
    for (size_t i = 0; i < NUM_TYPES; i++) {
        zx_status_t st = create_one(kTypes[i]);
        if (st == ZX_ERR_ACCESS_DENIED)
            mask |= 1 << i;
        else if (st != ZX_OK)
            return CHILD_SETUP_FAILED;
    }
    return mask;
}

static int64_t thread_exit_code;

static void exit_from_thread(void *arg) {
    (void)arg;
    zx_process_exit(thread_exit_code);
}

static int thread_exit(int64_t code) {
    thread_exit_code = code;
    struct tthread t;
    if (tthread_start(&t, "exiter", exit_from_thread, NULL) != ZX_OK)
        return CHILD_SETUP_FAILED;
    zx_nanosleep(ZX_TIME_INFINITE);
    return CHILD_SETUP_FAILED;
}

static int signal_exit(int64_t code) {
    zx_handle_t ep = zc_take_handle(ZC_HND_USER0);
    if (ep == ZX_HANDLE_INVALID || zx_object_signal_peer(ep, 0, ZX_USER_SIGNAL_0) != ZX_OK)
        return CHILD_SETUP_FAILED;
    zx_signals_t observed;
    if (zx_object_wait_one(ep, ZX_USER_SIGNAL_1, ZX_TIME_INFINITE, &observed) != ZX_OK)
        return CHILD_SETUP_FAILED;
    return (int)code;
}

static int channel_flood(long n) {
    zx_handle_t a, b;
    if (zx_channel_create(0, &a, &b) != ZX_OK)
        return CHILD_SETUP_FAILED;
    for (long i = 0; i < n; i++)
        if (zx_channel_write(a, 0, &i, sizeof(i), NULL, 0) != ZX_OK)
            return CHILD_SETUP_FAILED;
    return (int)n;
}

static int pager_read(int64_t pages) {
    zx_handle_t vmo = zc_take_handle(ZC_HND_USER0);
    zx_vaddr_t addr;
    if (vmo == ZX_HANDLE_INVALID ||
        zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, (size_t)pages * PAGE, &addr) != ZX_OK)
        return CHILD_SETUP_FAILED;
    for (int64_t i = 0; i < pages; i++)  // each read faults and waits for the pager
        if (*(volatile uint64_t *)(addr + (uint64_t)i * PAGE) != PAGER_TAG + (uint64_t)i)
            return 10 + (int)i;
    for (int64_t i = 0; i < pages; i++) {
        uint64_t word = 0;
        if (zx_vmo_read(vmo, &word, (uint64_t)i * PAGE, sizeof(word)) != ZX_OK || word != PAGER_TAG + (uint64_t)i)
            return 10 + (int)i;
    }
    return CHILD_OK;
}

static int pager_write(int64_t pages) {
    zx_handle_t vmo = zc_take_handle(ZC_HND_USER0);
    zx_vaddr_t addr;
    if (vmo == ZX_HANDLE_INVALID || zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                                                (size_t)pages * PAGE, &addr) != ZX_OK)
        return CHILD_SETUP_FAILED;
    for (int64_t i = 0; i < pages; i++) {
        volatile uint64_t *p = (volatile uint64_t *)(addr + (uint64_t)i * PAGE);
        if (p[0] != PAGER_TAG + (uint64_t)i) return 10 + (int)i;  // faults and waits for the pager
        if (i % 2) p[1] = PAGER_WRITTEN + (uint64_t)i;            // a write fault: the page is dirty
    }
    return CHILD_OK;
}

// "race": a second thread uses the port in a loop while this one releases it. Once
// zx_ioports_release has returned, the port is denied everywhere in the process, also to a
// thread running on another CPU meanwhile: its next use faults and the process dies with an
// exception. A use that succeeded after the release returned (io_late), or a spinner still
// alive a second later, exits with IOPORT_LATE / IOPORT_ALIVE instead.
#define IOPORT_LATE 77
#define IOPORT_ALIVE 78
static volatile uint32_t io_released, io_late;
static volatile uint64_t io_uses;
static void io_spinner(void *arg) {
    (void)arg;
    for (;;) {
        uint32_t released = io_released;
        __asm__ volatile("outb %%al, %%dx" ::"a"(0), "d"(0x80));
        io_uses++;
        if (released) io_late = 1;
    }
}
static int ioport_race(zx_handle_t r) {
    struct tthread t;
    if (tthread_start(&t, "io-spinner", io_spinner, NULL) != ZX_OK) return CHILD_SETUP_FAILED;
    zx_time_t end = zx_deadline_after(ZX_SEC(5));
    while (io_uses < 2000)
        if (zx_clock_get_monotonic() > end) return CHILD_SETUP_FAILED;
    if (zx_ioports_release(r, 0x80, 1) != ZX_OK) return CHILD_SETUP_FAILED;
    io_released = 1;
    end = zx_deadline_after(ZX_SEC(1));
    while (zx_clock_get_monotonic() < end)
        if (io_late) return IOPORT_LATE;
    return IOPORT_ALIVE;
}

// Port I/O through a resource handed over as ZC_HND_USER0: "use" requests port 0x80 and
// touches it (exit 0); "released" requests, releases, then touches it (the touch must fault).
static int ioport_case(const char *arg) {
    zx_handle_t r = zc_take_handle(ZC_HND_USER0);
    if (r == ZX_HANDLE_INVALID || zx_ioports_request(r, 0x80, 1) != ZX_OK)
        return CHILD_SETUP_FAILED;
    if (strcmp(arg, "race") == 0) return ioport_race(r);
    if (strcmp(arg, "released") == 0 && zx_ioports_release(r, 0x80, 1) != ZX_OK)
        return CHILD_SETUP_FAILED;
    __asm__ volatile("outb %%al, %%dx" ::"a"(0), "d"(0x80));
    return 0;
}

int child_main(int argc, char **argv) {
    const char *what = argv[2];
    const char *arg = argc >= 4 ? argv[3] : "";
    if (strcmp(what, "exit") == 0)
        return (int)strtol(arg, NULL, 0);
    if (strcmp(what, "sleep") == 0) {
        zx_nanosleep(ZX_TIME_INFINITE);
        return CHILD_SETUP_FAILED;
    }
    if (strcmp(what, "create") == 0)
        return create_one(arg);
    if (strcmp(what, "create-all") == 0)
        return create_all();
    if (strcmp(what, "thread-exit") == 0)
        return thread_exit(strtol(arg, NULL, 0));
    if (strcmp(what, "suspend-self") == 0) {
        zx_handle_t token;
        zx_handle_t self = strcmp(arg, "process") == 0 ? zx_process_self() : zx_thread_self();
        return zx_task_suspend(self, &token);
    }
    if (strcmp(what, "signal-exit") == 0)
        return signal_exit(strtol(arg, NULL, 0));
    if (strcmp(what, "channel-flood") == 0)
        return channel_flood(strtol(arg, NULL, 0));
    if (strcmp(what, "pager-read") == 0)
        return pager_read(strtol(arg, NULL, 0));
    if (strcmp(what, "pager-write") == 0)
        return pager_write(strtol(arg, NULL, 0));
#if defined(ZX_SYS_ioports_request) && defined(ZX_SYS_ioports_release)
    if (strcmp(what, "ioport") == 0)
        return ioport_case(arg);
#endif
    printf("core2-child: unknown case '%s'\n", what);
    return CHILD_UNKNOWN;
}
