// The object layer initialises itself at its init level (kernel/init.h): kernel_main runs it
// after the heap, before the syscall layer and userboot.
#include "objects/init.h"

#include "kernel/init.h"
#include "objects/task.h"
#include "objects/vmo.h"

void objects_init(void) {
    job_global_init();
    process_global_init();
    thread_global_init();
    vmo_global_init();
}

static void objects_level(void) {
    objects_init();
    job_root_init();
}
KERNEL_INIT(objects_level, INIT_LEVEL_OBJECTS);
