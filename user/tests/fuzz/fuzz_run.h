// Running bin/fuzz-child in a fresh job and watching it (user/tests/fuzz): shared by
// bin/fuzz-guest (seeded runs) and bin/fuzz-hosted (libFuzzer's inputs, hal/hosted/fuzz).
#ifndef ZC_TESTS_FUZZ_RUN_H
#define ZC_TESTS_FUZZ_RUN_H

#include <stdint.h>
#include <zircon/types.h>
#include <zc/kcounters.h>

enum fuzz_end { END_DONE, END_DIED, END_HUNG, END_NOT_STARTED };

// Runs bin/fuzz-child ARG CHUNK THREADS (input, when not ZX_HANDLE_INVALID, is passed as
// ZC_HND_USER0+1 and consumed); kills it when it makes no progress for `watchdog`; *calls = the
// calls its first thread made, *other_calls (when not NULL) those of its other threads.
enum fuzz_end fuzz_run_child(const char *arg, uint64_t chunk, unsigned threads, zx_handle_t input,
                             zx_duration_t watchdog, uint64_t *calls, uint64_t *other_calls);

zc_info_kernel_counters_t fuzz_counters(void);  // ZC_INFO_KERNEL_COUNTERS (the root resource)

#endif
