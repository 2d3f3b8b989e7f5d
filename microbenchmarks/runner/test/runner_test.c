// Host test of the perftest runner core: statistics, number formatting, JSON, the regex
// engine, option errors and a whole run driven by a fake clock, compared with exact output.
// Last line: "N passed, N failed" (the harness reads it).
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "../perftest.h"
#include "../regex.h"
#include "../stats.h"

static int passed, failed;

static void check(bool ok, const char *what, int line) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL runner_test.c:%d: %s\n", line, what);
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

static void check_str(const char *got, const char *want, const char *what, int line) {
    bool ok = got && strcmp(got, want) == 0;
    check(ok, what, line);
    if (!ok) printf("  want: <<%s>>\n  got:  <<%s>>\n", want, got ? got : "(null)");
}
#define CHECK_STR(got, want) check_str((got), (want), #got, __LINE__)

// ---- statistics ------------------------------------------------------------------------------

static void test_stats(void) {
    struct pt_stats s;
    const double a[] = {4, 2, 9, 4, 5, 4, 7, 5};  // mean 5, population std dev 2
    CHECK(pt_stats_compute(a, 8, &s));
    CHECK(s.n == 8);
    CHECK(s.mean == 5.0);
    CHECK(s.stddev == 2.0);
    CHECK(s.min == 2.0);
    CHECK(s.max == 9.0);
    CHECK(s.median == 4.5);  // (4 + 5) / 2

    const double b[] = {30, 10, 20};
    CHECK(pt_stats_compute(b, 3, &s));
    CHECK(s.median == 20.0 && s.mean == 20.0 && s.min == 10.0 && s.max == 30.0);

    const double c[] = {61.25};
    CHECK(pt_stats_compute(c, 1, &s));
    CHECK(s.mean == 61.25 && s.stddev == 0.0 && s.median == 61.25);

    CHECK(!pt_stats_compute(c, 0, &s));

    CHECK(pt_sqrt(16.0) == 4.0);
    CHECK(pt_sqrt(2.0) == 1.4142135623730951);
    CHECK(pt_sqrt(0.0) == 0.0);
    CHECK(pt_sqrt(-1.0) != pt_sqrt(-1.0));  // NaN

    double d[] = {3, -1, 2, 2, 10, 0.5, -7};
    pt_sort_doubles(d, 7);
    const double sorted[] = {-7, -1, 0.5, 2, 2, 3, 10};
    CHECK(memcmp(d, sorted, sizeof(d)) == 0);
}

// ---- numbers and JSON ------------------------------------------------------------------------

static const char *fmt(double v, unsigned decimals, bool trim) {
    static char buf[8][64];
    static int k;
    char *b = buf[k++ % 8];
    pt_format_double(b, 64, v, decimals, trim);
    return b;
}

static void test_numbers(void) {
    CHECK_STR(fmt(61.25, 3, true), "61.25");
    CHECK_STR(fmt(2.0, 3, true), "2");
    CHECK_STR(fmt(0.0, 3, true), "0");
    CHECK_STR(fmt(-0.0, 3, true), "0");
    CHECK_STR(fmt(-3.5, 3, true), "-3.5");
    CHECK_STR(fmt(1048576.0, 3, true), "1048576");
    CHECK_STR(fmt(0.1234, 3, true), "0.123");
    CHECK_STR(fmt(0.1236, 3, true), "0.124");
    CHECK_STR(fmt(9.9996, 3, true), "10");
    CHECK_STR(fmt(3.0, 1, false), "3.0");
    CHECK_STR(fmt(0.04, 1, false), "0.0");
    CHECK_STR(fmt(12345.678, 0, false), "12346");
    CHECK_STR(fmt(2e16, 3, true), "20000000000000000");
    CHECK_STR(fmt(1e20, 3, true), "1.000000e+20");
    CHECK_STR(fmt(__builtin_nan(""), 3, true), "nan");
    CHECK_STR(fmt(__builtin_inf(), 3, true), "inf");
    CHECK_STR(fmt(-__builtin_inf(), 3, true), "-inf");
    char small[4];
    CHECK(pt_format_double(small, sizeof(small), 12345.0, 0, false) == 5);
    CHECK_STR(small, "123");

    struct pt_buf b = {0};
    pt_json_string(&b, "a\"b\\c\n\t\x01\x7f\xc3\xa9/");
    CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\xc3\xa9/\"");
    pt_buf_free(&b);

    pt_json_number(&b, 60.8);
    pt_buf_puts(&b, " ");
    pt_json_number(&b, __builtin_nan(""));
    pt_buf_puts(&b, " ");
    pt_json_number(&b, __builtin_inf());
    CHECK_STR(b.data, "60.8 null null");
    pt_buf_free(&b);

    pt_json_write_results(&b, "s", NULL, 0);
    CHECK_STR(b.data, "[]\n");
    pt_buf_free(&b);

    // Long value lists wrap between values, below PT_JSON_LINE_MAX.
    double v[24];
    for (int i = 0; i < 24; i++) v[i] = 1000.125 + i;
    struct pt_result r[2] = {
        {(char *)"A/B", v, 24, 0},
        {(char *)"A/B.step \"x\"", v, 2, 4096},
    };
    pt_json_write_results(&b, "t.s", r, 2);
    CHECK_STR(b.data,
              "[{\"label\": \"A/B\",\n"
              "  \"test_suite\": \"t.s\", \"unit\": \"nanoseconds\",\n"
              "  \"values\": [1000.125, 1001.125, 1002.125, 1003.125, 1004.125, 1005.125,"
              " 1006.125, 1007.125,\n"
              "   1008.125, 1009.125, 1010.125, 1011.125, 1012.125, 1013.125, 1014.125,"
              " 1015.125, 1016.125,\n"
              "   1017.125, 1018.125, 1019.125, 1020.125, 1021.125, 1022.125, 1023.125]},\n"
              " {\"label\": \"A/B.step \\\"x\\\"\",\n"
              "  \"test_suite\": \"t.s\", \"unit\": \"nanoseconds\",\n"
              "  \"values\": [1000.125, 1001.125],\n"
              "  \"bytes_processed_per_run\": 4096}]\n");
    size_t line = 0, longest = 0;
    for (size_t i = 0; i < b.len; i++) {
        line = b.data[i] == '\n' ? 0 : line + 1;
        if (line > longest) longest = line;
    }
    CHECK(longest < PT_JSON_LINE_MAX);
    pt_buf_free(&b);
}

// ---- regex -------------------------------------------------------------------------------------

static void test_regex(void) {
    static const struct {
        const char *re, *text;
        bool match;
    } cases[] = {
        {"Syscall", "Syscall/Null", true},
        {"Syscall", "Vmo/Read", false},
        {"", "anything", true},
        {"^Vmo/", "Vmo/Read/128kbytes", true},
        {"^Vmo/", "VmoMap/Read/128kbytes", false},
        {"kbytes$", "Vmo/Read/128kbytes", true},
        {"kbytes$", "Vmo/Read/128kbytes.read", false},
        {"a.c", "xabcx", true},
        {"a.c", "ac", false},
        {"ab*c", "ac", true},
        {"ab*c", "abbbc", true},
        {"ab+c", "ac", false},
        {"ab+c", "abbc", true},
        {"ab?c", "abbc", false},
        {"ab?c", "ac", true},
        {"[0-9]+kbytes", "Vmo/Read/128kbytes", true},
        {"[0-9]+kbytes", "Vmo/Read/kbytes", false},
        {"^[^a-z]+$", "ABC", true},
        {"^[^a-z]+$", "AbC", false},
        {"Read|Write", "Vmo/Write/128kbytes", true},
        {"^(Read|Write)$", "Write", true},
        {"^(Read|Write)$", "Writes", false},
        {"(ab)+$", "xabab", true},
        {"(ab)+$", "xaba", false},
        {"a{2,3}", "caab", true},
        {"^a{2,3}$", "aaaa", false},
        {"^a{2}$", "aa", true},
        {"^a{2,}$", "aaaaa", true},
        {"^a{2,}$", "a", false},
        {"[[:digit:]]+x", "ab12x", true},
        {"[[:upper:]]", "abc", false},
        {"\\.", "a.b", true},
        {"\\.", "ab", false},
        {"[]a]", "]", true},
        {"[a-]", "-", true},
        {"x|", "abc", true},
        {"(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false},
        {"(a|aa)*c$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", true},
        {"^Channel/WriteRead/.*/0handles$", "Channel/WriteRead/64bytes/0handles", true},
        {"RoundTrip_.*_MultiProcess", "RoundTrip_Port_SingleProcess", false},
        {"^$", "", true},
        {"a^b", "ab", false},
        {"()", "x", true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[64];
        struct pt_regex *re = pt_regex_compile(cases[i].re, err, sizeof(err));
        bool ok = re && pt_regex_search(re, cases[i].text) == cases[i].match;
        if (!ok)
            printf("  regex '%s' on '%s': want %s (%s)\n", cases[i].re, cases[i].text,
                   cases[i].match ? "match" : "no match", re ? "compiled" : err);
        check(ok, "regex case", __LINE__);
        pt_regex_free(re);
    }

    static const struct {
        const char *re, *error;
    } bad[] = {
        {"(ab", "unbalanced '('"},
        {"ab)", "unbalanced ')'"},
        {"*a", "nothing to repeat"},
        {"a|+", "nothing to repeat"},
        {"^*", "nothing to repeat"},
        {"[ab", "unbalanced '['"},
        {"a\\", "trailing '\\'"},
        {"a{3,1}", "invalid '{m,n}' repetition"},
        {"a{x}", "invalid '{m,n}' repetition"},
        {"a{999}", "invalid '{m,n}' repetition"},
        {"[z-a]", "invalid range in '[]'"},
        {"[[:foo:]]", "unknown character class"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[64];
        struct pt_regex *re = pt_regex_compile(bad[i].re, err, sizeof(err));
        bool ok = !re && strcmp(err, bad[i].error) == 0;
        if (!ok) printf("  regex '%s': want error '%s', got '%s'\n", bad[i].re, bad[i].error,
                        re ? "(compiled)" : err);
        check(ok, "regex error case", __LINE__);
        pt_regex_free(re);
    }
}

// ---- the runner with a fake clock ------------------------------------------------------------

static uint64_t fake_now;
static struct pt_buf output;

static uint64_t fake_ticks(void) { return fake_now; }
static uint64_t fake_tps(void) { return 2000000000u; }  // 1 tick = 0.5 ns
static void fake_write(const char *s, size_t n) { pt_buf_append(&output, s, n); }

static const struct perftest_platform fake = {
    .test_suite = "fake.microbenchmarks",
    .ticks = fake_ticks,
    .ticks_per_second = fake_tps,
    .write = fake_write,
    .write_file = NULL,
};

// Two steps and a byte count: run r takes 100 + 10r ticks of "write", 50 + r of "read".
static bool two_step(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "write");
    declare_step(state, "read");
    set_bytes_processed_per_run(state, 1024);
    fake_now += 12345;  // setup: not timed
    uint64_t r = 0;
    while (perftest_keep_running(state)) {
        fake_now += 100 + 10 * r;
        next_step(state);
        fake_now += 50 + r;
        r++;
    }
    fake_now += 999;  // teardown: not timed
    return true;
}

static bool simple_op(void) {
    fake_now += 7;
    return true;
}

// The section registration (PERFTEST_CTOR) must work on the host too.
static void register_simple(void) { perftest_register_simple("Fake/Simple", simple_op); }
PERFTEST_CTOR(register_simple)

static uint64_t ticks_per_run;
static bool adaptive(struct perftest_state *state, const void *arg) {
    (void)arg;
    while (perftest_keep_running(state)) fake_now += ticks_per_run;
    return true;
}

static bool too_many_steps(struct perftest_state *state, const void *arg) {
    (void)arg;
    declare_step(state, "a");
    declare_step(state, "b");
    while (perftest_keep_running(state)) {
        next_step(state);
        next_step(state);
    }
    return true;
}

static bool returns_false(struct perftest_state *state, const void *arg) {
    (void)arg;
    while (perftest_keep_running(state)) {
    }
    return false;
}

static bool reports_failure(struct perftest_state *state, const void *arg) {
    perftest_fail(state, "zx_thing failed: %s", (const char *)arg);
    return false;
}

static int run(const char *args) {
    char copy[512];
    snprintf(copy, sizeof(copy), "prog %s", args);
    char *argv[32];
    int argc = 0;
    for (char *tok = strtok(copy, " "); tok && argc < 31; tok = strtok(NULL, " ")) argv[argc++] = tok;
    argv[argc] = NULL;
    pt_buf_free(&output);
    fake_now = 0;
    int rc = perftest_main(argc, argv, &fake);
    if (!output.data) pt_buf_puts(&output, "");
    return rc;
}

static bool output_has(const char *s) { return output.data && strstr(output.data, s) != NULL; }

static void test_runner(void) {
    CHECK(perftest_register("Fake/TwoStep", two_step, NULL) == 0);
    CHECK(perftest_register("Fake/TwoStep", two_step, NULL) == -1);  // duplicate
    CHECK(perftest_registerf(adaptive, NULL, "Fake/Adaptive/%dticks", 1) == 0);

    int rc = run("--runs 3 --filter ^Fake/(Simple|TwoStep)$");
    CHECK(rc == 0);
    CHECK_STR(output.data,
              "perftest: 1 test registrations failed (duplicate name or no memory)\n"
              "bench: 2 tests, 3 runs each\n"
              "bench: [1/2] Fake/Simple ... (0.0 s)\n"
              "bench: [2/2] Fake/TwoStep ... (0.0 s)\n"
              "bench: summary (nanoseconds per run)\n"
              "       Mean     Std dev         Min         Max      Median    Runs       MB/s  Test\n"
              "        3.5         0.0         3.5         3.5         3.5       3          -  Fake/Simple\n"
              "       80.5         4.5        75.0        86.0        80.5       3    12131.2  Fake/TwoStep\n"
              "       55.0         4.1        50.0        60.0        55.0       3          -  Fake/TwoStep.write\n"
              "       25.5         0.4        25.0        26.0        25.5       3          -  Fake/TwoStep.read\n"
              "==== fuchsiaperf begin ====\n"
              "[{\"label\": \"Fake/Simple\",\n"
              "  \"test_suite\": \"fake.microbenchmarks\", \"unit\": \"nanoseconds\",\n"
              "  \"values\": [3.5, 3.5, 3.5]},\n"
              " {\"label\": \"Fake/TwoStep\",\n"
              "  \"test_suite\": \"fake.microbenchmarks\", \"unit\": \"nanoseconds\",\n"
              "  \"values\": [75, 80.5, 86],\n"
              "  \"bytes_processed_per_run\": 1024},\n"
              " {\"label\": \"Fake/TwoStep.write\",\n"
              "  \"test_suite\": \"fake.microbenchmarks\", \"unit\": \"nanoseconds\",\n"
              "  \"values\": [50, 55, 60]},\n"
              " {\"label\": \"Fake/TwoStep.read\",\n"
              "  \"test_suite\": \"fake.microbenchmarks\", \"unit\": \"nanoseconds\",\n"
              "  \"values\": [25, 25.5, 26]}]\n"
              "==== fuchsiaperf end ====\n"
              "bench: done: 2 tests, 0 failed, 0.0 s\n");

    // --quiet: only the JSON block.
    rc = run("--quiet --runs 2 --filter Simple --out -");
    CHECK(rc == 0);
    CHECK_STR(output.data,
              "perftest: 1 test registrations failed (duplicate name or no memory)\n"
              "==== fuchsiaperf begin ====\n"
              "[{\"label\": \"Fake/Simple\",\n"
              "  \"test_suite\": \"fake.microbenchmarks\", \"unit\": \"nanoseconds\",\n"
              "  \"values\": [3.5, 3.5]}]\n"
              "==== fuchsiaperf end ====\n");

    // Adaptive: 1 ms budget = 2e6 ticks; at 1e6 ticks per run the budget ends after run 2.
    ticks_per_run = 1000000;
    rc = run("--quiet --filter Adaptive --min-runs 2 --max-runs 10 --budget-ms 1");
    CHECK(rc == 0);
    CHECK(output_has("\"values\": [500000, 500000]}]"));
    // ... but never fewer than --min-runs ...
    rc = run("--quiet --filter Adaptive --min-runs=4 --max-runs=10 --budget-ms=1");
    CHECK(output_has("\"values\": [500000, 500000, 500000, 500000]}]"));
    // ... and never more than --max-runs.
    ticks_per_run = 2;
    rc = run("--quiet --filter Adaptive --min-runs 1 --max-runs 5 --budget-ms 1");
    CHECK(output_has("\"values\": [1, 1, 1, 1, 1]}]"));
    // --budget-ms 0: always max-runs.
    ticks_per_run = 100000000;
    rc = run("--quiet --filter Adaptive --max-runs 3 --budget-ms 0");
    CHECK(output_has("\"values\": [50000000, 50000000, 50000000]}]"));
    // Only --max-runs below the default --min-runs: min follows max.
    rc = run("--quiet --filter Adaptive --max-runs 2");
    CHECK(rc == 0 && output_has("\"values\": [50000000, 50000000]}]"));

    // --list
    rc = run("--list --filter Fake/");
    CHECK(rc == 0);
    CHECK(output_has("Fake/Adaptive/1ticks\nFake/Simple\nFake/TwoStep\n"));

    // Option and filter errors: exit status 2 and a message.
    static const struct {
        const char *args, *message;
    } errors[] = {
        {"--bogus", "perftest: unknown option '--bogus' (--help lists the options)\n"},
        {"stray", "perftest: unexpected argument 'stray' (--help lists the options)\n"},
        {"--runs 0", "perftest: invalid value for --runs: '0' (1..1000000)\n"},
        {"--runs 12x", "perftest: invalid value for --runs: '12x' (1..1000000)\n"},
        {"--runs 1000001", "perftest: invalid value for --runs: '1000001' (1..1000000)\n"},
        {"--max-runs -1", "perftest: invalid value for --max-runs: '-1' (1..1000000)\n"},
        {"--budget-ms x", "perftest: invalid value for --budget-ms: 'x' (0..86400000)\n"},
        {"--runs", "perftest: option --runs needs a value\n"},
        {"--min-runs 5 --max-runs 2", "perftest: --min-runs 5 is more than --max-runs 2\n"},
        {"--filter NoSuchTest", "perftest: the filter 'NoSuchTest' matches no test\n"},
        {"--quick --filter Fake", "perftest: the filter 'Fake' matches no test of the --quick subset\n"},
        {"--filter (Fake", "perftest: invalid --filter regex '(Fake': unbalanced '('\n"},
        {"--out /tmp/x.json", "perftest: --out /tmp/x.json: only '--out -' (the console) is supported here\n"},
    };
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        rc = run(errors[i].args);
        bool ok = rc == 2 && output_has(errors[i].message) && !output_has("fuchsiaperf begin");
        if (!ok) printf("  args '%s': rc %d, output <<%s>>\n", errors[i].args, rc, output.data);
        check(ok, "option error case", __LINE__);
    }
    rc = run("--help");
    CHECK(rc == 0 && output_has("--budget-ms M"));

    // Failing tests: reported, left out of the JSON, exit status 1.
    CHECK(perftest_register("Fake/Fail/TooManySteps", too_many_steps, NULL) == 0);
    CHECK(perftest_register("Fake/Fail/ReturnsFalse", returns_false, NULL) == 0);
    CHECK(perftest_register("Fake/Fail/Reports", reports_failure, "ZX_ERR_NO_MEMORY") == 0);
    rc = run("--runs 2 --filter Fail|Simple");
    CHECK(rc == 1);
    CHECK(output_has("bench: FAILED Fake/Fail/Reports: zx_thing failed: ZX_ERR_NO_MEMORY\n"));
    CHECK(output_has("bench: FAILED Fake/Fail/ReturnsFalse: the test function returned false\n"));
    CHECK(output_has("bench: FAILED Fake/Fail/TooManySteps: too many calls to next_step()\n"));
    CHECK(output_has("[{\"label\": \"Fake/Simple\",\n"));
    CHECK(!output_has("\"label\": \"Fake/Fail"));
    CHECK(output_has("bench: done: 4 tests, 3 failed,"));

    CHECK(perftest_is_quick("Syscall/Null"));
    CHECK(!perftest_is_quick("Fake/Simple"));
    perftest_reset_registry();
    rc = run("");
    CHECK(rc == 2 && output_has("perftest: no tests to run\n"));
    pt_buf_free(&output);
}

int main(void) {
    test_stats();
    test_numbers();
    test_regex();
    test_runner();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
