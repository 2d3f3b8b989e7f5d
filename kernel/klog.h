// The kernel log: everything kprintf prints goes to the console and into a ring of
// records that zx_debuglog_read returns.
#ifndef ZC_KERNEL_KLOG_H
#define ZC_KERNEL_KLOG_H

#include <stddef.h>
#include <stdint.h>

#define KLOG_MAX_DATA 224  // ZX_LOG_RECORD_DATA_MAX

struct klog_record {
    uint64_t sequence;
    int64_t timestamp;
    uint64_t pid, tid;
    uint8_t severity;
    uint8_t flags;
    uint16_t datalen;
    char data[KLOG_MAX_DATA];
};

void klog_write(const char *s, size_t n);  // kernel text, to console + ring
void klog_append(uint64_t pid, uint64_t tid, uint8_t severity, uint8_t flags, const char *s,
                 size_t n);                 // a user record, to console + ring
// Copies record number `seq` (or the oldest after it); false when none is newer.
int klog_read(uint64_t *cursor, struct klog_record *out);

#endif
