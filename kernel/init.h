// Ordered init levels (as in LK): each layer registers its init functions; kernel_main runs
// them by level, then starts the executor.
#ifndef ZC_KERNEL_INIT_H
#define ZC_KERNEL_INIT_H

// Levels are numbers of two digits, not enumerators: KERNEL_INIT puts the level's digits in
// the section name and the linker sorts the sections by name (an enumerator would be
// stringified as its name, and the levels would run in alphabetical order).
#define INIT_LEVEL_HEAP 10      // pmm, heap
#define INIT_LEVEL_PLATFORM 20  // memcpy selection, CPRNG
#define INIT_LEVEL_OBJECTS 30   // the object layer: slab caches, the root job (objects/init.c)
#define INIT_LEVEL_SYSCALLS 40  // the syscall layer registers its ops with the executor
#define INIT_LEVEL_USER 90      // userboot

struct kernel_init {
    void (*fn)(void);
    const char *name;
};

// The table must stay an array of 16-byte entries: AddressSanitizer (the zc-hosted-asan build,
// clang) would pad each entry with a redzone.
#if defined(__clang__) && defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KINIT_NO_ASAN __attribute__((no_sanitize("address")))
#endif
#endif
#ifndef KINIT_NO_ASAN
#define KINIT_NO_ASAN
#endif

#define KINIT_STR2(x) #x
#define KINIT_STR(x) KINIT_STR2(x)
#define KERNEL_INIT(fn, level)                                                                  \
    static const struct kernel_init kinit_##fn                                                 \
        __attribute__((used, aligned(16), section(".kinit." KINIT_STR(level) "." #fn))) KINIT_NO_ASAN = {fn, #fn}

#endif
