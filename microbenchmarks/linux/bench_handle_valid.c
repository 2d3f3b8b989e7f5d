// HandleValid/1Threads on Linux (handle_valid.cc): asking whether a descriptor is valid is
// fcntl(fd, F_GETFD) on an eventfd (the handle's event), once per run.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lbench.h"

static bool handle_valid(struct perftest_state *state, const void *arg) {
    (void)arg;
    int efd = eventfd(0, EFD_CLOEXEC);
    LB_CHECK(state, efd >= 0, "eventfd");
    while (perftest_keep_running(state)) LB_CHECK(state, fcntl(efd, F_GETFD) >= 0, "fcntl");
    close(efd);
    return true;
}

static void register_tests(void) {
    perftest_registerf(handle_valid, NULL, "HandleValid/1Threads");
}
PERFTEST_CTOR(register_tests)
