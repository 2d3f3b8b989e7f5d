// zc-hosted-fuzz: libFuzzer over the hosted kernel (docs/hosted.md, "The fuzzer").
//
// libFuzzer owns main and calls LLVMFuzzerTestOneInput on its thread. On the first input this
// driver boots zc-hosted on a second host thread (hosted_main, hal/hosted/start.c) with
// init=bin/fuzz-hosted; every signal the hosted backend uses is blocked on libFuzzer's threads,
// so they all reach the kernel's. Each input goes through the mailbox (mailbox.h): the program
// runs it in a fresh child (bin/fuzz-child in input mode: the bytes choose the calls and their
// arguments from the table generated from syscalls.def) and compares the kernel's live objects
// before and after. The kernel code is instrumented (-fsanitize=fuzzer-no-link,address,undefined),
// so libFuzzer's coverage is the kernel's edges.
//
// A leak is reported as a crash (abort: libFuzzer saves the input). A kernel panic, a kernel
// crash, the program's end (hosted_fuzz_fatal) or an input that runs for more than HANG_SECONDS
// saves the input as crash-zc-<pid> (or $ZC_FUZZ_ARTIFACTS/...) and exits 1.
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hal/hosted/fuzz/mailbox.h"
#include "hal/hosted/hosted.h"

#define HANG_SECONDS 20

int hosted_main(int argc, char **argv);

static struct fuzz_mailbox *mb;
static const uint8_t *cur_data;
static size_t cur_size;
static char initrd_path[1024];
static uint64_t ends[4], calls_made;  // how the children ended (enum fuzz_end), calls made

static void print_ends(void) {
    fprintf(stderr, "zc-hosted-fuzz: children: %llu finished, %llu died, %llu blocked and were "
                    "killed; %llu calls\n",
            (unsigned long long)ends[0], (unsigned long long)ends[1], (unsigned long long)ends[2],
            (unsigned long long)calls_made);
}

__attribute__((noreturn)) void hosted_fuzz_fatal(const char *why) {
    const char *dir = getenv("ZC_FUZZ_ARTIFACTS");
    char path[1200];
    snprintf(path, sizeof(path), "%s%scrash-zc-%d", dir ? dir : "", dir ? "/" : "", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (f) {
        if (cur_size) fwrite(cur_data, 1, cur_size, f);
        fclose(f);
    }
    fprintf(stderr, "zc-hosted-fuzz: %s; the input (%zu bytes) is in %s\n", why, cur_size, path);
    _exit(1);
}

static void *kernel_thread(void *arg) {
    char *argv[] = {"zc-hosted-fuzz", "--initrd", initrd_path, "init=bin/fuzz-hosted", NULL};
    hosted_main(4, argv);
    hosted_fuzz_fatal("the kernel returned");
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

// Waits (spinning, then sleeping briefly) until *word == want, or HANG_SECONDS.
static void wait_for(volatile uint32_t *word, uint32_t want, const char *what) {
    uint64_t start = now_ns();
    for (unsigned spins = 0; __atomic_load_n(word, __ATOMIC_ACQUIRE) != want; spins++) {
        if (spins < 2000) {
            __builtin_ia32_pause();
            continue;
        }
        struct timespec d = {0, 20000};
        nanosleep(&d, NULL);
        if (now_ns() - start > HANG_SECONDS * 1000000000ull) hosted_fuzz_fatal(what);
    }
}

static void boot(void) {
    const char *initrd = getenv("ZC_INITRD") ? getenv("ZC_INITRD") : "build/bootfs.cpio";
    snprintf(initrd_path, sizeof(initrd_path), "%s", initrd);
    // Every signal the hosted kernel takes goes to its thread, none to libFuzzer's.
    sigset_t s, old;
    sigemptyset(&s);
    static const int sigs[] = {SIGUSR1, SIGSYS, SIGALRM, SIGBUS, SIGTRAP};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) sigaddset(&s, sigs[i]);
    pthread_sigmask(SIG_BLOCK, &s, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64ul << 20);
    pthread_t t;
    if (pthread_create(&t, &attr, kernel_thread, NULL) != 0) hosted_fuzz_fatal("pthread_create");
    // The physmap exists once the kernel thread set it up: wait for the program's "ready".
    uint64_t start = now_ns();
    while (!__atomic_load_n(&hal_physmap_base, __ATOMIC_ACQUIRE)) {
        struct timespec d = {0, 1000000};
        nanosleep(&d, NULL);
        if (now_ns() - start > HANG_SECONDS * 1000000000ull) hosted_fuzz_fatal("no boot");
    }
    mb = (struct fuzz_mailbox *)(hal_physmap_base + FUZZ_MAILBOX_PA);
    atexit(print_ends);
    wait_for(&mb->ready, FUZZ_MAILBOX_READY, "bin/fuzz-hosted did not start");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!mb) boot();
    if (size > FUZZ_MAX_INPUT) size = FUZZ_MAX_INPUT;
    cur_data = data;
    cur_size = size;
    memcpy(mb->data, data, size);
    mb->size = (uint32_t)size;
    uint32_t seq = mb->seq + 1;
    __atomic_store_n(&mb->seq, seq, __ATOMIC_RELEASE);
    wait_for(&mb->done, seq, "an input ran for more than 20 s");
    ends[mb->how & 3]++;
    calls_made += mb->calls;
    if (mb->verdict == FUZZ_LEAK) {
        fprintf(stderr, "zc-hosted-fuzz: %lld kernel objects left behind by an input (%llu calls)\n",
                (long long)mb->leaked, (unsigned long long)mb->calls);
        abort();  // libFuzzer saves the input
    }
    if (mb->verdict == FUZZ_NOT_STARTED) hosted_fuzz_fatal("the child could not be started");
    cur_size = 0;
    return 0;
}
