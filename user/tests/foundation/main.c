// foundation-test: the first in-guest suite (faults, syscall entry, user copies, preemption,
// processes, handles, channels, VMOs, VMARs, time, events).
#include "zctest.h"

int main(int argc, char **argv) {
    return zctest_main(argc, argv);
}
