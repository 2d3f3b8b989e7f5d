// perftest runner core of zc's microbenchmarks (docs/microbenchmarks.md), one portable C file
// set built for zc user space (bin/zc-bench) and for Linux (microbenchmarks/linux/).
//
// Semantics are perftest's: a test function sets up, then loops
//
//     bool my_test(struct perftest_state *state, const void *arg) {
//         declare_step(state, "write");          // optional, before the loop
//         declare_step(state, "read");
//         set_bytes_processed_per_run(state, 64); // optional, before the loop
//         ... setup ...
//         while (perftest_keep_running(state)) {
//             ... step "write" ...
//             next_step(state);
//             ... step "read" ...
//         }
//         ... teardown ...
//         return true;                            // false = the test failed
//     }
//
// A timestamp is taken at every perftest_keep_running() and next_step() call; one run is the
// time between two keep_running calls, a step the time between its two timestamps. Results:
// one value per run (nanoseconds) for each step, labelled `Test.step`, and an overall entry
// labelled `Test` when the test declared fewer than two steps or a byte count
// (bytes_processed_per_run goes on the overall entry only).
//
// The number of runs is fixed (`--runs N`) or adaptive: at least --min-runs, at most
// --max-runs, stopping after a run ends once --budget-ms of run time have passed.
#ifndef ZC_PERFTEST_H
#define ZC_PERFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct perftest_state;

typedef bool (*perftest_fn)(struct perftest_state *state, const void *arg);
// A test whose body is a single operation: called once per run (perftest's RegisterSimpleTest).
typedef bool (*perftest_simple_fn)(void);

// ---- registering tests -------------------------------------------------------------------
// The name is copied. Returns 0, or -1 when memory ran out or the name is already registered
// (the registration is then dropped with a message at perftest_main).
int perftest_register(const char *name, perftest_fn fn, const void *arg);
int perftest_registerf(perftest_fn fn, const void *arg, const char *name_fmt, ...)
    __attribute__((format(printf, 3, 4)));
int perftest_register_simple(const char *name, perftest_simple_fn fn);

// A registration function run by perftest_main before anything else (perftest's
// PERFTEST_CTOR). Put one in any file linked into the program:
//     static void register_tests(void) { perftest_register("Foo/Bar", foo_bar, NULL); }
//     PERFTEST_CTOR(register_tests)
// (the pointers live in the ELF section `perftest_ctors`, found with the linker's
// __start_/__stop_ symbols). Programs may also call perftest_register() from main.
typedef void (*perftest_ctor_fn)(void);
#define PERFTEST_CTOR(fn)                                                         \
    static perftest_ctor_fn const perftest_ctor_entry_##fn                        \
        __attribute__((used, section("perftest_ctors"), aligned(sizeof(void *)))) = fn;

// ---- inside a test ---------------------------------------------------------------------------
bool perftest_keep_running(struct perftest_state *state);
void perftest_declare_step(struct perftest_state *state, const char *name);
void perftest_next_step(struct perftest_state *state);
void perftest_set_bytes_processed_per_run(struct perftest_state *state, uint64_t bytes);
// Records why the test failed (the first message wins); the test should then return false.
void perftest_fail(struct perftest_state *state, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

// perftest-style short names.
#ifndef PERFTEST_NO_SHORT_NAMES
static inline void declare_step(struct perftest_state *s, const char *name) {
    perftest_declare_step(s, name);
}
static inline void next_step(struct perftest_state *s) { perftest_next_step(s); }
static inline void set_bytes_processed_per_run(struct perftest_state *s, uint64_t bytes) {
    perftest_set_bytes_processed_per_run(s, bytes);
}
#endif

#define PERFTEST_MAX_STEPS 16

// ---- the program ---------------------------------------------------------------------------
// What the runner needs from the system it runs on.
struct perftest_platform {
    const char *test_suite;               // "fuchsia.microbenchmarks", "linux.microbenchmarks"
    uint64_t (*ticks)(void);              // a monotonic clock
    uint64_t (*ticks_per_second)(void);
    void (*write)(const char *s, size_t n);  // console output (whole lines, < 200 characters)
    // Optional: writes `--out PATH` (PATH != "-"); 0 on success. NULL = only `--out -`.
    int (*write_file)(const char *path, const char *data, size_t n);
};

extern const struct perftest_platform perftest_platform_zc;     // platform_zc.c
extern const struct perftest_platform perftest_platform_linux;  // platform_linux.c

// Runs the registered tests selected by the options (docs/microbenchmarks.md) and prints the
// progress lines, the summary table and the fuchsiaperf JSON between the marker lines.
// Returns the exit status: 0 all selected tests passed, 1 some failed, 2 usage error (unknown
// option, bad value, bad regex, a filter that matches nothing).
int perftest_main(int argc, char **argv, const struct perftest_platform *platform);

// The default adaptive settings, and those of --quick.
#define PERFTEST_DEFAULT_MIN_RUNS 5u
#define PERFTEST_DEFAULT_MAX_RUNS 1000u
#define PERFTEST_DEFAULT_BUDGET_MS 400u
#define PERFTEST_QUICK_MIN_RUNS 3u
#define PERFTEST_QUICK_MAX_RUNS 200u
#define PERFTEST_QUICK_BUDGET_MS 100u
#define PERFTEST_MAX_RUNS_LIMIT 1000000u

// True when `name` belongs to the --quick subset (a fixed list shared by zc and Linux).
bool perftest_is_quick(const char *name);

// For tests of the runner itself: forgets every registered test (not the ctors' run state).
void perftest_reset_registry(void);

#ifdef __cplusplus
}
#endif

#endif
