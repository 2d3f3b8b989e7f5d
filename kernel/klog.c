// Kernel log ring. Single CPU, interrupts off in the kernel: no lock needed yet.
#include "kernel/klog.h"

#include <string.h>

#include "hal/hal.h"

#define KLOG_RING 256

static struct klog_record ring[KLOG_RING];
static uint64_t next_seq;  // sequence number of the next record

static void ring_add(uint64_t pid, uint64_t tid, uint8_t sev, uint8_t flags, const char *s,
                     size_t n) {
    struct klog_record *r = &ring[next_seq % KLOG_RING];
    if (n > KLOG_MAX_DATA) n = KLOG_MAX_DATA;
    r->sequence = next_seq++;
    r->timestamp = hal_now();
    r->pid = pid;
    r->tid = tid;
    r->severity = sev;
    r->flags = flags;
    r->datalen = (uint16_t)n;
    memcpy(r->data, s, n);
}

void klog_write(const char *s, size_t n) {
    hal_console_write(s, n);
    ring_add(0, 0, 0x30 /* INFO */, 0, s, n);
}

void klog_append(uint64_t pid, uint64_t tid, uint8_t severity, uint8_t flags, const char *s,
                 size_t n) {
    if (n > KLOG_MAX_DATA) n = KLOG_MAX_DATA;
    hal_console_write(s, n);
    if (n == 0 || s[n - 1] != '\n') hal_console_write("\n", 1);
    ring_add(pid, tid, severity, flags, s, n);
}

int klog_read(uint64_t *cursor, struct klog_record *out) {
    uint64_t seq = *cursor;
    if (seq >= next_seq) return 0;
    if (next_seq - seq > KLOG_RING) seq = next_seq - KLOG_RING;  // the oldest still kept
    *out = ring[seq % KLOG_RING];
    *cursor = seq + 1;
    return 1;
}
