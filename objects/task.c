// Jobs, processes and threads share objects/task.h; each has its file (job.c, process.c,
// thread.c, suspend.c). This one initialises their caches.
#include "objects/task.h"

void task_global_init(void) {
    job_global_init();
    process_global_init();
    thread_global_init();
}
