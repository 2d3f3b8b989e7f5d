// ktest runner: the kernel's boot once (kt_boot), then every test in a forked child with a leak
// check. The same runner serves the whole kernel (kt_env.c) and kernel/ alone (core/kt_core.c).
#define _GNU_SOURCE
#include "tests/host/ktest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/heap.h"
#include "kernel/pmm.h"
#include "kernel/sched.h"

#ifdef ZC_HOST_NEEDS_STRLCPY
size_t strlcpy(char *dst, const char *src, size_t size) {
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = 0;
    }
    return n;
}
#endif

static struct kt_case *cases;
static size_t ncases;
static bool cur_failed, cur_skip_leaks;
static int64_t cur_pages_held;
static const struct kt_case *cur;

void kt_register(struct kt_case *c) {
    c->next = cases;
    cases = c;
    ncases++;
}

void kt_fail(const char *file, int line, const char *fmt, ...) {
    cur_failed = true;
    va_list ap;
    va_start(ap, fmt);
    printf("%s:%d: ", file, line);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}

bool kt_failed(void) { return cur_failed; }
void kt_skip_leak_check(void) { cur_skip_leaks = true; }
void kt_allow_pages_held(int64_t n) { cur_pages_held = n; }

static void on_fatal(const char *why) {
    cur_failed = true;
    printf("%s: the machine stopped: %s\n", cur ? cur->name : "(no test)", why);
    fflush(stdout);
}

// ---- leak accounting ----

void kt_counts_get(struct kt_counts *c) {
    c->objects = kt_live_objects();
    c->free_pages = pmm_free_pages();
    c->heap_live = kt_heap_live;
    c->aspaces = th_mmu_live;
}

bool kt_counts_check(const struct kt_counts *b, const char *file, int line) {
    struct kt_counts a;
    kt_counts_get(&a);
    bool ok = true;
    if (a.objects != b->objects) {
        kt_fail(file, line, "leak check: %ld live kernel objects (%lu before, %lu after)",
                (long)(a.objects - b->objects), b->objects, a.objects);
        kt_objects_report();
        ok = false;
    }
    if (a.free_pages != b->free_pages) {
        kt_fail(file, line, "leak check: %ld pages not returned (%lu free before, %lu after)",
                (long)(b->free_pages - a.free_pages), b->free_pages, a.free_pages);
        ok = false;
    }
    if (a.heap_live != b->heap_live) {
        kt_fail(file, line, "leak check: %ld heap allocations not freed (%lu live before, %lu after)",
                (long)(a.heap_live - b->heap_live), b->heap_live, a.heap_live);
        ok = false;
    }
    if (a.aspaces != b->aspaces) {
        kt_fail(file, line, "leak check: %ld address spaces not destroyed",
                (long)(a.aspaces - b->aspaces));
        ok = false;
    }
    return ok;
}

// ---- the executor ----

int kt_run(bool advance_time) {
    jmp_buf jb;
    jmp_buf *saved = th_idle_jmp;
    th_run_calls = 0;
    th_idle_jmp = &jb;
    th_idle_advance = advance_time;
    int r = setjmp(jb);
    if (r == 0) sched_run();
    th_idle_jmp = saved;
    th_idle_advance = false;
    if (r == 2) {
        kt_fail(__FILE__, __LINE__, "kt_run: more than %d trips to user mode", th_run_limit);
        return -1;
    }
    return th_run_calls;
}

// ---- running ----

static int run_one(const struct kt_case *c) {
    cur = c;
    cur_failed = cur_skip_leaks = false;
    cur_pages_held = 0;
    th_console_clear();
    struct kt_counts before;
    kt_objects_snapshot();
    kt_counts_get(&before);
    kt_fail_alloc_at(-1);
    c->fn();
    kt_fail_alloc_at(-1);
    th_shutdown_jmp = NULL;
    before.free_pages -= (uint64_t)cur_pages_held;
    if (!cur_skip_leaks && !cur_failed) kt_counts_check(&before, c->file, c->line);
    if (cur_failed) {
        size_t n;
        const char *con = th_console(&n);
        if (n) {
            const char *tail = n > 1500 ? con + n - 1500 : con;
            printf("  kernel console%s:\n%s%s", n > 1500 ? " (end)" : "", tail,
                   tail[strlen(tail) - 1] == '\n' ? "" : "\n");
        }
    }
    fflush(stdout);
    cur = NULL;
    return cur_failed ? 1 : 0;
}

static int cmp_case(const void *a, const void *b) {
    const struct kt_case *x = *(const struct kt_case *const *)a, *y = *(const struct kt_case *const *)b;
    int r = strcmp(x->file, y->file);
    return r ? r : x->line - y->line;
}

static bool selected(const struct kt_case *c, const char *filter) {
    if (!filter) return true;
    char full[256];
    snprintf(full, sizeof(full), "%s.%s", c->area, c->name);
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", filter);
    for (char *tok = strtok(buf, ":"); tok; tok = strtok(NULL, ":"))
        if (strstr(full, tok)) return true;
    return false;
}

static double ms_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

int main(int argc, char **argv) {
    const char *filter = NULL;
    bool fork_each = true, list = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-fork")) fork_each = false;
        else if (!strcmp(argv[i], "--list")) list = true;
        else if (!strcmp(argv[i], "-v")) th_console_echo = true;
        else if (!strncmp(argv[i], "--filter=", 9)) filter = argv[i] + 9;
        else if (!strcmp(argv[i], "--filter") && i + 1 < argc) filter = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--filter A.B:C] [--no-fork] [--list] [-v]\n", argv[0]);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    struct kt_case **v = malloc(ncases * sizeof(*v));
    size_t n = 0;
    for (struct kt_case *c = cases; c; c = c->next) v[n++] = c;
    qsort(v, n, sizeof(*v), cmp_case);
    if (list) {
        for (size_t i = 0; i < n; i++) printf("%s.%s\n", v[i]->area, v[i]->name);
        return 0;
    }

    th_on_fatal = on_fatal;
    th_init();
    kt_boot();
    th_console_clear();

    size_t planned = 0;
    for (size_t i = 0; i < n; i++) planned += selected(v[i], filter);
    size_t planned_bugs = 0;
    for (size_t i = 0; i < n; i++) planned_bugs += selected(v[i], filter) && v[i]->known_bug;
    printf("[==========] Running %zu tests\n", planned - planned_bugs);
    int passed = 0, failed = 0, known = 0;
    for (size_t i = 0; i < n; i++) {
        const struct kt_case *c = v[i];
        if (!selected(c, filter)) continue;
        // A known bug gets no RUN line: the harness would count it as a test.
        if (c->known_bug) printf("[ KNOWN BUG] %s.%s: %s\n", c->area, c->name, c->known_bug);
        else printf("[ RUN      ] %s.%s\n", c->area, c->name);
        fflush(stdout);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int bad;
        if (fork_each) {
            pid_t pid = fork();
            if (pid < 0) {
                perror("fork");
                return 2;
            }
            if (pid == 0) {
                alarm(60);
                int r = run_one(c);
                fflush(stdout);
                _exit(r);
            }
            int status;
            while (waitpid(pid, &status, 0) < 0) {}
            bad = 1;
            if (WIFEXITED(status)) bad = WEXITSTATUS(status) != 0;
            else if (WIFSIGNALED(status))
                printf("%s:%d: killed by signal %d%s\n", c->file, c->line, WTERMSIG(status),
                       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
        } else {
            bad = run_one(c);
        }
        if (c->known_bug && bad) {
            known++;
            printf("[ STILL BUG] %s.%s (%.0f ms): not counted\n", c->area, c->name, ms_since(&t0));
        } else if (c->known_bug) {
            passed++;
            printf("[  FIXED?  ] %s.%s passes now: make it a TEST (%s:%d)\n", c->area, c->name, c->file,
                   c->line);
            printf("[       OK ] %s.%s (%.0f ms)\n", c->area, c->name, ms_since(&t0));
        } else if (bad) {
            failed++;
            printf("[  FAILED  ] %s.%s (%.0f ms)\n", c->area, c->name, ms_since(&t0));
        } else {
            passed++;
            printf("[       OK ] %s.%s (%.0f ms)\n", c->area, c->name, ms_since(&t0));
        }
    }
    if (known) printf("%d known kernel bug%s still present (TEST_KNOWN_BUG, not counted)\n", known,
                      known == 1 ? "" : "s");
    free(v);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
