// core-tests: conformance tests of the Zircon object model (handles, waits, object info, VMOs,
// VMARs, channels, event pairs, ports), one file per area as in Zircon's core-tests.
// `bin/core-tests --child CASE` is the helper process some tests start (child.c).
#include <string.h>

#include "util.h"
#include "zctest.h"

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "--child") == 0)
        return core_child_main(argv[2]);
    return zctest_main(argc, argv);
}
