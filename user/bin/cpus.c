// cpus: prints the number of CPUs online as the vDSO reports it; `cpus N` exits 1 unless it is N
// (tests/harness/test_smp.py boots it with -smp N).
#include <stdio.h>
#include <stdlib.h>
#include <zircon/syscalls.h>

int main(int argc, char **argv) {
    uint32_t n = zx_system_get_num_cpus();
    printf("cpus: zx_system_get_num_cpus() = %u\n", n);
    if (argc > 1 && n != (uint32_t)strtoul(argv[1], NULL, 10)) {
        printf("cpus: expected %s\n", argv[1]);
        return 1;
    }
    return 0;
}
