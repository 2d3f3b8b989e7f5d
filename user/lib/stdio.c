// zc user libc: printf family and stdout. Output goes to the process's debuglog
// (the ZC_HND_DEBUGLOG startup handle), one zx_debuglog_write per line.
#include <stdio.h>

#include <stdint.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/log.h>

#include "format.h"
#include "lock.h"
#include "zcrt.h"

// One debuglog record per write: keep a line within a record's data size.
#define STDOUT_LINE_MAX ZX_LOG_RECORD_DATA_MAX

static zc_spinlock_t stdout_lock = ZC_SPINLOCK_INIT;
static char stdout_buf[STDOUT_LINE_MAX];  // guarded by stdout_lock
static size_t stdout_len;                 // guarded by stdout_lock

static void stdout_flush_locked(void) {
    if (stdout_len == 0)
        return;
    zx_handle_t log = zc_get_handle(ZC_HND_DEBUGLOG);
    if (log != ZX_HANDLE_INVALID)
        (void)zx_debuglog_write(log, 0, stdout_buf, stdout_len);
    stdout_len = 0;
}

// Appends to the line buffer; writes out each completed line (including its '\n').
static void stdout_sink_locked(void *ctx, const char *s, size_t n) {
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        stdout_buf[stdout_len++] = s[i];
        if (s[i] == '\n' || stdout_len == sizeof(stdout_buf))
            stdout_flush_locked();
    }
}

void zc_stdout_flush(void) {
    zc_spin_lock(&stdout_lock);
    stdout_flush_locked();
    zc_spin_unlock(&stdout_lock);
}

int vprintf(const char *fmt, va_list ap) {
    zc_spin_lock(&stdout_lock);
    int n = zc_vformat(stdout_sink_locked, NULL, fmt, ap);
    zc_spin_unlock(&stdout_lock);
    return n;
}

int printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s) {
    size_t n = strlen(s);
    zc_spin_lock(&stdout_lock);
    stdout_sink_locked(NULL, s, n);
    stdout_sink_locked(NULL, "\n", 1);
    zc_spin_unlock(&stdout_lock);
    return (int)n + 1;
}

int putchar(int c) {
    char ch = (char)c;
    zc_spin_lock(&stdout_lock);
    stdout_sink_locked(NULL, &ch, 1);
    zc_spin_unlock(&stdout_lock);
    return (unsigned char)ch;
}

struct strbuf {
    char *buf;
    size_t size;  // capacity including the NUL
    size_t len;   // characters produced so far (may exceed size)
};

static void strbuf_sink(void *ctx, const char *s, size_t n) {
    struct strbuf *sb = ctx;
    if (sb->len + 1 < sb->size) {
        size_t room = sb->size - 1 - sb->len;
        memcpy(sb->buf + sb->len, s, n < room ? n : room);
    }
    sb->len += n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
    struct strbuf sb = {.buf = buf, .size = size, .len = 0};
    int n = zc_vformat(strbuf_sink, &sb, fmt, ap);
    if (size > 0)
        buf[sb.len < size ? sb.len : size - 1] = '\0';
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
