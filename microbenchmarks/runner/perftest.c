// perftest runner core (see perftest.h and docs/microbenchmarks.md).
#include "perftest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "regex.h"
#include "stats.h"

// ---- registry ----------------------------------------------------------------------------------

struct pt_test {
    char *name;
    perftest_fn fn;
    perftest_simple_fn simple;
    const void *arg;
};

static struct pt_test *tests;
static size_t ntests, tests_cap;
static unsigned registry_errors;

static int add_test(const char *name, perftest_fn fn, perftest_simple_fn simple, const void *arg) {
    for (size_t i = 0; i < ntests; i++) {
        if (strcmp(tests[i].name, name) == 0) {
            registry_errors++;
            return -1;
        }
    }
    if (ntests == tests_cap) {
        size_t cap = tests_cap ? tests_cap * 2 : 64;
        struct pt_test *t = realloc(tests, cap * sizeof(*t));
        if (!t) {
            registry_errors++;
            return -1;
        }
        tests = t;
        tests_cap = cap;
    }
    size_t len = strlen(name);
    char *copy = malloc(len + 1);
    if (!copy) {
        registry_errors++;
        return -1;
    }
    memcpy(copy, name, len + 1);
    tests[ntests++] = (struct pt_test){copy, fn, simple, arg};
    return 0;
}

int perftest_register(const char *name, perftest_fn fn, const void *arg) {
    return add_test(name, fn, NULL, arg);
}

int perftest_register_simple(const char *name, perftest_simple_fn fn) {
    return add_test(name, NULL, fn, NULL);
}

int perftest_registerf(perftest_fn fn, const void *arg, const char *name_fmt, ...) {
    char name[256];
    va_list ap;
    va_start(ap, name_fmt);
    int n = vsnprintf(name, sizeof(name), name_fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(name)) {
        registry_errors++;
        return -1;
    }
    return add_test(name, fn, NULL, arg);
}

void perftest_reset_registry(void) {
    for (size_t i = 0; i < ntests; i++) free(tests[i].name);
    free(tests);
    tests = NULL;
    ntests = tests_cap = 0;
    registry_errors = 0;
}

// The linker defines these when some object has a `perftest_ctors` section (PERFTEST_CTOR);
// otherwise the weak references are null.
extern perftest_ctor_fn const __start_perftest_ctors[] __attribute__((weak));
extern perftest_ctor_fn const __stop_perftest_ctors[] __attribute__((weak));
static bool ctors_done;

static void run_ctors(void) {
    if (ctors_done) return;
    ctors_done = true;
    if (!__start_perftest_ctors || !__stop_perftest_ctors) return;
    for (perftest_ctor_fn const *f = __start_perftest_ctors; f < __stop_perftest_ctors; f++)
        if (*f) (*f)();
}

// ---- the quick subset --------------------------------------------------------------------------

static const char *const quick_tests[] = {
    "Syscall/Null",
    "Syscall/ManyArgs",
    "HandleCreate_Vmo",
    "HandleCreate_Channel",
    "HandleCreate_Event",
    "Vmo/Read/128kbytes",
    "Vmo/Read/2048kbytes",
    "Vmo/Write/128kbytes",
    "Vmo/Write/2048kbytes",
    "Vmo/Clone/128kbytes",
    "Vmo/Clone/ReadOrigAll/128kbytes",
    "Vmo/Clone/WriteCloneSome/128kbytes",
    "Vmo/CloneMap/128kbytes",
    "VmoMap/Read/128kbytes",
    "VmoMapRange/Write/Kernel/128kbytes",
    "Channel/WriteRead/64bytes/0handles",
    "Channel/WriteRead/65536bytes/1handles",
    "Channel/WriteEtcReadEtc/1024bytes/1handles",
    "Event/Signal",
    "Event/Duplicate",
    "Event/WaitForAlreadySignaledEvent",
    "Port/QueueWait",
    "ObjectWaitAsync",
    "Mmu/MapUnmap",
    "Thread/CreateAndJoin",
    "RoundTrip_BasicChannel_SingleProcess",
    "RoundTrip_BasicChannel_MultiProcess",
    "RoundTrip_Port_SingleProcess",
    "RoundTrip_Futex_SingleProcess",
    "Socket/WriteRead/64bytes",
    "Fifo/WriteRead/16bytes_1batch",
    "Limit/Memcpy/128kbytes",
    "Limit/Memcpy/2048kbytes",
};

bool perftest_is_quick(const char *name) {
    for (size_t i = 0; i < sizeof(quick_tests) / sizeof(quick_tests[0]); i++)
        if (strcmp(quick_tests[i], name) == 0) return true;
    return false;
}

// ---- output ------------------------------------------------------------------------------------

static const struct perftest_platform *plat;

static void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void outf(const char *fmt, ...) {
    struct pt_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    pt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.data) plat->write(b.data, b.len);
    pt_buf_free(&b);
}

// ---- the state of one test -------------------------------------------------------------------

struct perftest_state {
    const struct perftest_platform *p;
    uint32_t min_runs, max_runs;
    uint64_t budget_ticks;  // 0 = none
    char *step_names[PERFTEST_MAX_STEPS];
    uint32_t ndeclared;
    uint32_t step_count;    // >= 1 once started
    uint64_t bytes_per_run;
    uint64_t *ts;           // ts[run * step_count + step] = start of that step
    uint32_t ts_size;
    uint32_t next_idx;      // next timestamp to write
    uint32_t end_of_run_idx;
    uint32_t runs;          // completed runs
    bool started, finished;
    char error[200];
};

void perftest_fail(struct perftest_state *s, const char *fmt, ...) {
    if (s->error[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof(s->error), fmt, ap);
    va_end(ap);
    if (!s->error[0]) snprintf(s->error, sizeof(s->error), "failed");
}

static void set_error(struct perftest_state *s, const char *msg) { perftest_fail(s, "%s", msg); }

void perftest_declare_step(struct perftest_state *s, const char *name) {
    if (s->started) return set_error(s, "declare_step() called after keep_running()");
    if (s->ndeclared == PERFTEST_MAX_STEPS) return set_error(s, "too many steps declared");
    for (uint32_t i = 0; i < s->ndeclared; i++)
        if (strcmp(s->step_names[i], name) == 0) return set_error(s, "duplicate step name");
    size_t len = strlen(name);
    char *copy = malloc(len + 1);
    if (!copy) return set_error(s, "out of memory");
    memcpy(copy, name, len + 1);
    s->step_names[s->ndeclared++] = copy;
}

void perftest_set_bytes_processed_per_run(struct perftest_state *s, uint64_t bytes) {
    if (s->started) return set_error(s, "set_bytes_processed_per_run() called after keep_running()");
    if (bytes == 0) return set_error(s, "set_bytes_processed_per_run(0)");
    if (s->bytes_per_run) return set_error(s, "set_bytes_processed_per_run() called twice");
    s->bytes_per_run = bytes;
}

void perftest_next_step(struct perftest_state *s) {
    uint64_t now = s->p->ticks();
    if (!s->started || s->finished || s->next_idx >= s->end_of_run_idx)
        return set_error(s, "too many calls to next_step()");
    s->ts[s->next_idx++] = now;
}

bool perftest_keep_running(struct perftest_state *s) {
    uint64_t now = s->p->ticks();
    if (s->started && !s->finished && s->next_idx == s->end_of_run_idx && !s->error[0]) {
        // The end of a run (fast path).
        s->ts[s->next_idx] = now;
        s->runs++;
        if (s->runs >= s->max_runs ||
            (s->runs >= s->min_runs && s->budget_ticks && now - s->ts[0] >= s->budget_ticks)) {
            s->finished = true;
            return false;
        }
        s->next_idx++;
        s->end_of_run_idx += s->step_count;
        return true;
    }
    if (s->error[0]) return false;
    if (s->finished) {
        set_error(s, "keep_running() called again after it returned false");
        return false;
    }
    if (s->started) {
        set_error(s, "wrong number of calls to next_step()");
        return false;
    }
    // The first call: set up the timestamp array.
    s->step_count = s->ndeclared ? s->ndeclared : 1;
    uint64_t size = (uint64_t)s->max_runs * s->step_count + 1;
    if (size > 0xffffffffu) {
        set_error(s, "too many runs");
        return false;
    }
    s->ts = malloc((size_t)size * sizeof(uint64_t));
    if (!s->ts) {
        set_error(s, "out of memory for the timestamps");
        return false;
    }
    // Touch every page now, not while timing.
    memset(s->ts, 0, (size_t)size * sizeof(uint64_t));
    s->ts_size = (uint32_t)size;
    s->started = true;
    s->next_idx = 1;
    s->end_of_run_idx = s->step_count;
    s->ts[0] = s->p->ticks();
    return true;
}

static bool run_simple(struct perftest_state *s, perftest_simple_fn fn) {
    while (perftest_keep_running(s)) {
        if (!fn()) return false;
    }
    return true;
}

// ---- results -------------------------------------------------------------------------------------

static struct pt_result *results;
static size_t nresults, results_cap;

// Every entry's values live in one pool, grown by doubling, and each entry records where its
// values start (results[i].values points into the pool only once all tests have run). So the
// benchmark process keeps the same heap mappings however many tests have run: with a buffer per
// entry, zc's allocator gave each one a mapping of its own, and every later zx_vmar_map (a
// thread's stack in Thread/CreateAndJoin) walked past all of them -- a label measured after
// the others cost 2.5x what it cost alone.
static double *value_pool;
static size_t pool_used, pool_cap;
static size_t *value_offsets;  // one per result

static void free_results(void) {
    for (size_t i = 0; i < nresults; i++) free(results[i].label);
    free(results);
    free(value_offsets);
    free(value_pool);
    results = NULL;
    value_offsets = NULL;
    value_pool = NULL;
    nresults = results_cap = pool_used = pool_cap = 0;
}

// Makes room for n more values in the pool (one allocation for the whole run when `n` is the
// expected total).
static bool pool_reserve(size_t n) {
    if (pool_cap - pool_used >= n) return true;
    size_t cap = pool_cap ? pool_cap : 1024;
    while (cap - pool_used < n) cap *= 2;
    double *p = realloc(value_pool, cap * sizeof(double));
    if (!p) return false;
    value_pool = p;
    pool_cap = cap;
    return true;
}

// Points every entry at its values (after the last test: the pool no longer moves).
static void bind_values(void) {
    for (size_t i = 0; i < nresults; i++) results[i].values = value_pool + value_offsets[i];
}

// Adds an entry: the runs' times from step `first` to step `last` (exclusive).
static bool add_result(const struct perftest_state *s, const char *name, const char *step,
                       uint32_t first, uint32_t last, uint64_t bytes) {
    if (nresults == results_cap) {
        size_t cap = results_cap ? results_cap * 2 : 64;
        struct pt_result *r = realloc(results, cap * sizeof(*r));
        if (!r) return false;
        results = r;
        size_t *o = realloc(value_offsets, cap * sizeof(*o));
        if (!o) return false;
        value_offsets = o;
        results_cap = cap;
    }
    struct pt_buf label = {0};
    pt_buf_puts(&label, name);
    if (step) pt_buf_printf(&label, ".%s", step);
    if (label.failed || !label.data || !pool_reserve(s->runs ? s->runs : 1)) {
        pt_buf_free(&label);
        return false;
    }
    double *values = value_pool + pool_used;
    double ns_per_tick = 1e9 / (double)s->p->ticks_per_second();
    for (uint32_t r = 0; r < s->runs; r++) {
        uint64_t base = (uint64_t)r * s->step_count;
        values[r] = (double)(s->ts[base + last] - s->ts[base + first]) * ns_per_tick;
    }
    value_offsets[nresults] = pool_used;
    pool_used += s->runs ? s->runs : 1;
    results[nresults++] = (struct pt_result){label.data, NULL, s->runs, bytes};
    return true;
}

// Runs one test; on success appends its entries to the results. Returns NULL or the error.
static const char *run_test(const struct pt_test *t, const struct perftest_platform *p,
                            uint32_t min_runs, uint32_t max_runs, uint64_t budget_ms,
                            char *errbuf, size_t errsize) {
    struct perftest_state *s = calloc(1, sizeof(*s));
    if (!s) return "out of memory";
    s->p = p;
    s->min_runs = min_runs;
    s->max_runs = max_runs;
    s->budget_ticks = budget_ms ? budget_ms * p->ticks_per_second() / 1000u : 0;
    if (budget_ms && !s->budget_ticks) s->budget_ticks = 1;

    bool ok = t->simple ? run_simple(s, t->simple) : t->fn(s, t->arg);
    const char *error = NULL;
    if (s->error[0]) {
        snprintf(errbuf, errsize, "%s", s->error);
        error = errbuf;
    } else if (!ok) {
        error = "the test function returned false";
    } else if (!s->started) {
        error = "keep_running() was never called";
    } else if (!s->finished) {
        error = "too few calls to keep_running()";
    } else {
        bool stored = true;
        if (s->step_count == 1 || s->bytes_per_run)
            stored = add_result(s, t->name, NULL, 0, s->step_count, s->bytes_per_run);
        if (s->step_count > 1)
            for (uint32_t i = 0; i < s->step_count && stored; i++)
                stored = add_result(s, t->name, s->step_names[i], i, i + 1, 0);
        if (!stored) error = "out of memory for the results";
    }
    for (uint32_t i = 0; i < s->ndeclared; i++) free(s->step_names[i]);
    free(s->ts);
    free(s);
    return error;
}

// ---- options -------------------------------------------------------------------------------------

struct options {
    uint32_t min_runs, max_runs;
    uint64_t budget_ms;
    bool min_set, max_set, budget_set;
    const char *filter;
    const char *out;
    bool quiet, quick, list;
};

static void usage(void) {
    outf("usage: PROGRAM [options]\n");
    outf("  --runs N          exactly N runs per test\n");
    outf("  --min-runs N      adaptive: at least N runs (default %u; --quick %u)\n",
         PERFTEST_DEFAULT_MIN_RUNS, PERFTEST_QUICK_MIN_RUNS);
    outf("  --max-runs N      adaptive: at most N runs (default %u; --quick %u)\n",
         PERFTEST_DEFAULT_MAX_RUNS, PERFTEST_QUICK_MAX_RUNS);
    outf("  --budget-ms M     adaptive: stop once M ms of runs passed (default %u; --quick %u;"
         " 0 = run max-runs)\n",
         PERFTEST_DEFAULT_BUDGET_MS, PERFTEST_QUICK_BUDGET_MS);
    outf("  --filter REGEX    only tests whose name matches (POSIX extended regex)\n");
    outf("  --quick           a representative subset with fewer runs\n");
    outf("  --quiet           no progress lines and no summary table\n");
    outf("  --out -           fuchsiaperf JSON on the console between the markers (default)\n");
    outf("  --list            print the selected test names and exit\n");
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
    if (!s || !*s) return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (max - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

// Returns 0, or the exit status (2 = usage error, 3 = --help: exit 0).
static int parse_options(int argc, char **argv, struct options *o) {
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage();
            return 3;
        }
        if (strcmp(arg, "--quiet") == 0) {
            o->quiet = true;
            continue;
        }
        if (strcmp(arg, "--quick") == 0) {
            o->quick = true;
            continue;
        }
        if (strcmp(arg, "--list") == 0) {
            o->list = true;
            continue;
        }
        static const char *const with_value[] = {"--runs", "--min-runs", "--max-runs",
                                                 "--budget-ms", "--filter", "--out"};
        const char *opt = NULL, *value = NULL;
        for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++) {
            size_t len = strlen(with_value[k]);
            if (strncmp(arg, with_value[k], len) != 0) continue;
            if (arg[len] == '\0') {
                opt = with_value[k];
                if (i + 1 >= argc) {
                    outf("perftest: option %s needs a value\n", opt);
                    return 2;
                }
                value = argv[++i];
            } else if (arg[len] == '=') {
                opt = with_value[k];
                value = arg + len + 1;
            }
            if (opt) break;
        }
        if (!opt) {
            if (arg[0] == '-')
                outf("perftest: unknown option '%s' (--help lists the options)\n", arg);
            else
                outf("perftest: unexpected argument '%s' (--help lists the options)\n", arg);
            return 2;
        }
        uint64_t v = 0;
        if (strcmp(opt, "--filter") == 0) {
            o->filter = value;
        } else if (strcmp(opt, "--out") == 0) {
            o->out = value;
        } else if (strcmp(opt, "--budget-ms") == 0) {
            if (!parse_u64(value, 86400000u, &v)) {
                outf("perftest: invalid value for --budget-ms: '%s' (0..86400000)\n", value);
                return 2;
            }
            o->budget_ms = v;
            o->budget_set = true;
        } else {
            if (!parse_u64(value, PERFTEST_MAX_RUNS_LIMIT, &v) || v == 0) {
                outf("perftest: invalid value for %s: '%s' (1..%u)\n", opt, value,
                     PERFTEST_MAX_RUNS_LIMIT);
                return 2;
            }
            if (strcmp(opt, "--runs") == 0) {
                o->min_runs = o->max_runs = (uint32_t)v;
                o->budget_ms = 0;
                o->min_set = o->max_set = o->budget_set = true;
            } else if (strcmp(opt, "--min-runs") == 0) {
                o->min_runs = (uint32_t)v;
                o->min_set = true;
            } else {
                o->max_runs = (uint32_t)v;
                o->max_set = true;
            }
        }
    }
    if (!o->min_set) o->min_runs = o->quick ? PERFTEST_QUICK_MIN_RUNS : PERFTEST_DEFAULT_MIN_RUNS;
    if (!o->max_set) o->max_runs = o->quick ? PERFTEST_QUICK_MAX_RUNS : PERFTEST_DEFAULT_MAX_RUNS;
    if (!o->budget_set)
        o->budget_ms = o->quick ? PERFTEST_QUICK_BUDGET_MS : PERFTEST_DEFAULT_BUDGET_MS;
    if (o->min_runs > o->max_runs) {
        if (o->min_set && o->max_set) {
            outf("perftest: --min-runs %u is more than --max-runs %u\n", o->min_runs,
                 o->max_runs);
            return 2;
        }
        // Only one of them was given: the other follows it.
        if (o->min_set)
            o->max_runs = o->min_runs;
        else
            o->min_runs = o->max_runs;
    }
    if (o->out && strcmp(o->out, "-") != 0 && !plat->write_file) {
        outf("perftest: --out %s: only '--out -' (the console) is supported here\n", o->out);
        return 2;
    }
    return 0;
}

// ---- main ----------------------------------------------------------------------------------------

static int cmp_tests(const struct pt_test *a, const struct pt_test *b) {
    return strcmp(a->name, b->name);
}

static void sort_tests(struct pt_test **v, size_t n) {
    // Insertion sort: a few hundred names at most.
    for (size_t i = 1; i < n; i++) {
        struct pt_test *t = v[i];
        size_t j = i;
        while (j > 0 && cmp_tests(v[j - 1], t) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = t;
    }
}

static const char *fmt_num(char *buf, size_t size, double v, unsigned decimals) {
    pt_format_double(buf, size, v, decimals, false);
    return buf;
}

static void print_summary(void) {
    outf("bench: summary (nanoseconds per run)\n");
    outf("%11s %11s %11s %11s %11s %7s %10s  %s\n", "Mean", "Std dev", "Min", "Max", "Median",
         "Runs", "MB/s", "Test");
    for (size_t i = 0; i < nresults; i++) {
        struct pt_stats st;
        if (!pt_stats_compute(results[i].values, results[i].n, &st)) continue;
        char a[32], b[32], c[32], d[32], e[32], f[32];
        if (results[i].bytes_per_run && st.mean > 0)
            fmt_num(f, sizeof(f), (double)results[i].bytes_per_run / st.mean * 1e9 / 1048576.0, 1);
        else
            snprintf(f, sizeof(f), "-");
        outf("%11s %11s %11s %11s %11s %7llu %10s  %s\n", fmt_num(a, sizeof(a), st.mean, 1),
             fmt_num(b, sizeof(b), st.stddev, 1), fmt_num(c, sizeof(c), st.min, 1),
             fmt_num(d, sizeof(d), st.max, 1), fmt_num(e, sizeof(e), st.median, 1),
             (unsigned long long)st.n, f, results[i].label);
    }
}

int perftest_main(int argc, char **argv, const struct perftest_platform *platform) {
    plat = platform;
    uint64_t t0 = platform->ticks();
    double tps = (double)platform->ticks_per_second();
    run_ctors();
    if (registry_errors)
        outf("perftest: %u test registrations failed (duplicate name or no memory)\n",
             registry_errors);

    struct options o;
    memset(&o, 0, sizeof(o));
    int st = parse_options(argc, argv, &o);
    if (st) return st == 3 ? 0 : st;

    struct pt_regex *re = NULL;
    if (o.filter) {
        char err[128];
        re = pt_regex_compile(o.filter, err, sizeof(err));
        if (!re) {
            outf("perftest: invalid --filter regex '%s': %s\n", o.filter, err);
            return 2;
        }
    }
    struct pt_test **sel = malloc((ntests ? ntests : 1) * sizeof(*sel));
    if (!sel) {
        pt_regex_free(re);
        outf("perftest: out of memory\n");
        return 1;
    }
    size_t nsel = 0;
    for (size_t i = 0; i < ntests; i++) {
        if (re && !pt_regex_search(re, tests[i].name)) continue;
        if (o.quick && !perftest_is_quick(tests[i].name)) continue;
        sel[nsel++] = &tests[i];
    }
    pt_regex_free(re);
    if (nsel == 0) {
        if (o.filter)
            outf("perftest: the filter '%s' matches no test%s\n", o.filter,
                 o.quick ? " of the --quick subset" : "");
        else
            outf("perftest: no tests to run\n");
        free(sel);
        return 2;
    }
    sort_tests(sel, nsel);
    if (o.list) {
        for (size_t i = 0; i < nsel; i++) outf("%s\n", sel[i]->name);
        free(sel);
        return 0;
    }

    if (!o.quiet) {
        if (o.budget_ms == 0 && o.min_runs == o.max_runs)
            outf("bench: %zu tests, %u runs each\n", nsel, o.max_runs);
        else
            outf("bench: %zu tests, %u..%u runs each, budget %llu ms per test\n", nsel,
                 o.min_runs, o.max_runs, (unsigned long long)o.budget_ms);
    }
    unsigned failed = 0;
    // The pool for every test's values, taken before the first test: room for two entries per
    // test at max_runs (at most 4M values, 32 MiB, committed only as used). A hint: when it
    // fails, or more is needed, add_result grows the pool.
    size_t expect = nsel * 2 * (size_t)o.max_runs;
    (void)pool_reserve(expect < ((size_t)1 << 22) ? expect : ((size_t)1 << 22));
    for (size_t i = 0; i < nsel; i++) {
        if (!o.quiet) {
            char el[32];
            outf("bench: [%zu/%zu] %s ... (%s s)\n", i + 1, nsel, sel[i]->name,
                 fmt_num(el, sizeof(el), (double)(platform->ticks() - t0) / tps, 1));
        }
        char errbuf[200];
        const char *err =
            run_test(sel[i], platform, o.min_runs, o.max_runs, o.budget_ms, errbuf, sizeof(errbuf));
        if (err) {
            outf("bench: FAILED %s: %s\n", sel[i]->name, err);
            failed++;
        }
    }
    free(sel);

    bind_values();
    if (!o.quiet) print_summary();
    struct pt_buf json = {0};
    pt_json_write_results(&json, platform->test_suite, results, nresults);
    int status = failed ? 1 : 0;
    if (json.failed) {
        outf("perftest: out of memory for the JSON output\n");
        status = 1;
    } else if (o.out && strcmp(o.out, "-") != 0) {
        if (platform->write_file(o.out, json.data, json.len) != 0) {
            outf("perftest: could not write %s\n", o.out);
            status = 1;
        }
    } else {
        outf("==== fuchsiaperf begin ====\n");
        platform->write(json.data, json.len);
        outf("==== fuchsiaperf end ====\n");
    }
    pt_buf_free(&json);
    if (!o.quiet) {
        char el[32];
        outf("bench: done: %zu tests, %u failed, %s s\n", nsel, failed,
             fmt_num(el, sizeof(el), (double)(platform->ticks() - t0) / tps, 1));
    }
    free_results();
    return status;
}
