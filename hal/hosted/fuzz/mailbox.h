// The mailbox between zc-hosted-fuzz's libFuzzer thread (hal/hosted/fuzz/driver.c) and the
// program it boots, bin/fuzz-hosted (user/tests/fuzz/fuzz_hosted.c): a few pages of "physical"
// memory in the first MiB, which the kernel never hands out (docs/hosted.md). The driver sees
// them through the physmap, the program maps them with zx_vmo_create_physical.
#ifndef ZC_HOSTED_FUZZ_MAILBOX_H
#define ZC_HOSTED_FUZZ_MAILBOX_H

#include <stdint.h>

#define FUZZ_MAILBOX_PA    0x10000ul
#define FUZZ_MAILBOX_SIZE  0x20000ul
#define FUZZ_MAILBOX_READY 0x7a63667aul  // "zcfz": the program is up and waits for inputs
#define FUZZ_MAX_INPUT     (FUZZ_MAILBOX_SIZE - 4096)

enum fuzz_verdict {
    FUZZ_OK,          // the input ran; the kernel's live objects are as before it
    FUZZ_LEAK,        // objects were left behind: leaked = how many
    FUZZ_NOT_STARTED, // the child could not be started
};

struct fuzz_mailbox {
    volatile uint32_t ready;     // FUZZ_MAILBOX_READY once the program waits
    volatile uint32_t seq;       // the driver's input number; bumped after size and data
    volatile uint32_t done;      // the program's: = seq when that input has run
    volatile uint32_t size;      // bytes of data
    volatile uint32_t verdict;   // enum fuzz_verdict
    volatile uint32_t how;       // how the child ended: 0 finished, 1 died, 2 blocked and killed
    volatile int64_t leaked;     // live objects after less before
    volatile uint64_t calls;     // calls the child made
    uint8_t pad[4096 - 40];
    uint8_t data[FUZZ_MAX_INPUT];
};

#endif
