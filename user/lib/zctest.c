// zctest: registration, runner and failure reporting.
#include "zctest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "launch.h"

// Bounds of the zctest_cases section (user/lib/user.ld).
extern const struct zctest_case __start_zctest_cases[];
extern const struct zctest_case __stop_zctest_cases[];

static bool current_failed;

bool zctest_current_failed(void) { return current_failed; }

void zctest_fail(const char *file, int line, const char *fmt, ...) {
    char msg[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printf("%s:%d: %s\n", file, line, msg);
    current_failed = true;
}

void zctest_fail_cmp(const char *file, int line, const char *op, const char *a_expr,
                     const char *b_expr, int64_t a, int64_t b) {
    zctest_fail(file, line, "expected %s %s %s, got %lld (0x%llx) vs %lld (0x%llx)", a_expr, op,
                b_expr, (long long)a, (unsigned long long)a, (long long)b, (unsigned long long)b);
}

void zctest_fail_status(const char *file, int line, const char *a_expr, const char *b_expr,
                        zx_status_t a, zx_status_t b) {
    zctest_fail(file, line, "expected %s == %s, got %s (%d) vs %s (%d)", a_expr, b_expr,
                zc_status_name(a), a, zc_status_name(b), b);
}

bool zctest_streq(const char *a, const char *b) {
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

void zctest_fail_str(const char *file, int line, const char *a_expr, const char *b_expr,
                     const char *a, const char *b) {
    zctest_fail(file, line, "expected %s == %s, got \"%s\" vs \"%s\"", a_expr, b_expr,
                a ? a : "(null)", b ? b : "(null)");
}

// True when "Area.Name" contains one of the ':'-separated parts of `filter`.
static bool matches(const struct zctest_case *c, const char *filter) {
    char full[128];
    snprintf(full, sizeof(full), "%s.%s", c->area, c->name);
    size_t full_len = strlen(full);
    const char *part = filter;
    while (*part) {
        size_t n = 0;
        while (part[n] && part[n] != ':')
            n++;
        for (size_t i = 0; n && i + n <= full_len; i++) {
            if (memcmp(full + i, part, n) == 0)
                return true;
        }
        part += n;
        if (*part == ':')
            part++;
    }
    return false;
}

// Run: matches the filter (if any) and not the exclusions (if any).
static bool selected(const struct zctest_case *c, const char *filter, const char *exclude) {
    if (exclude && *exclude && matches(c, exclude))
        return false;
    return !filter || !*filter || matches(c, filter);
}

// Declaration order: by file, then line (the linker does not promise section order).
static bool before(const struct zctest_case *a, const struct zctest_case *b) {
    int c = strcmp(a->file, b->file);
    return c < 0 || (c == 0 && a->line < b->line);
}

int zctest_main(int argc, char **argv) {
    const char *filter = NULL, *exclude = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
            filter = argv[++i];
        else if (strncmp(argv[i], "--filter=", 9) == 0)
            filter = argv[i] + 9;
        else if (strcmp(argv[i], "--exclude") == 0 && i + 1 < argc)
            exclude = argv[++i];
        else
            printf("zctest: ignoring argument '%s'\n", argv[i]);
    }

    size_t n = (size_t)(__stop_zctest_cases - __start_zctest_cases);
    const struct zctest_case **order = malloc((n ? n : 1) * sizeof(*order));
    if (!order) {
        printf("zctest: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && before(&__start_zctest_cases[i], order[j - 1]); j--)
            order[j] = order[j - 1];
        order[j] = &__start_zctest_cases[i];
    }

    size_t planned = 0;
    for (size_t i = 0; i < n; i++)
        planned += selected(order[i], filter, exclude);
    // The harness counts tests that never report (a crash) against this line.
    printf("[==========] Running %zu test%s\n", planned, planned == 1 ? "" : "s");

    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        const struct zctest_case *c = order[i];
        if (!selected(c, filter, exclude)) {
            if (exclude && *exclude && matches(c, exclude))
                printf("[ SKIPPED  ] %s.%s (--exclude)\n", c->area, c->name);
            continue;
        }
        printf("[ RUN      ] %s.%s\n", c->area, c->name);
        current_failed = false;
        zx_time_t start = zx_clock_get_monotonic();
        c->fn();
        long long ms = (long long)((zx_clock_get_monotonic() - start) / ZX_MSEC(1));
        if (current_failed) {
            printf("[  FAILED  ] %s.%s (%lld ms)\n", c->area, c->name, ms);
            failed++;
        } else {
            printf("[       OK ] %s.%s (%lld ms)\n", c->area, c->name, ms);
            passed++;
        }
    }
    free(order);
    if (passed + failed == 0)
        printf("zctest: no test matches the filter '%s'\n", filter ? filter : "");
    printf("zctest: %d passed, %d failed\n", passed, failed);
    return (failed || passed == 0) ? 1 : 0;
}
