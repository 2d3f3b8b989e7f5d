// core-tests-2: conformance tests of the Zircon object model, part 2 (jobs, processes, threads,
// suspension and thread state, futexes, sockets, FIFOs, timers, ticks, clocks, streams,
// debuglog, resources, cprng, system events, exceptions, address spaces with many mappings,
// and the kill-leak test), one file per area as in Zircon's core-tests.
// `bin/core-tests-2 --child CASE [ARG]` is the helper process some tests start (child.c);
// `bin/leak-child` is the leak test's victim.
#include <string.h>

#include "util.h"
#include "zctest.h"

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "--child") == 0)
        return child_main(argc, argv);
    return zctest_main(argc, argv);
}
