// smp-stress: races between CPUs (smp_stress.c; docs/smp.md). Run with several CPUs:
// `make run PROG=smp-stress SMP=4`, and in `make test` (tests/harness/test_smp.py).
#include "zctest.h"

int main(int argc, char **argv) { return zctest_main(argc, argv); }
