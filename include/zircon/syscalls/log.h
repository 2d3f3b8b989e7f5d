// zc public API: debuglog records (zx_debuglog_read()) and their levels and flags.
#ifndef ZIRCON_SYSCALLS_LOG_H_
#define ZIRCON_SYSCALLS_LOG_H_

#include <zircon/types.h>

__BEGIN_CDECLS

typedef struct zx_log_record {
  uint64_t sequence;  // one more than the previous record's
  uint8_t padding1[4];
  uint16_t datalen;   // bytes in |data|
  uint8_t severity;   // ZX_LOG_TRACE ... ZX_LOG_FATAL
  uint8_t flags;      // ZX_LOG_LOCAL
  zx_time_t timestamp;
  uint64_t pid;
  uint64_t tid;
  char data[];
} zx_log_record_t;

// Largest record, header included; longer data may be truncated.
#define ZX_LOG_RECORD_MAX      ((size_t)256)
#define ZX_LOG_RECORD_DATA_MAX (ZX_LOG_RECORD_MAX - sizeof(zx_log_record_t))

// Severities
#define ZX_LOG_TRACE   (0x10)
#define ZX_LOG_DEBUG   (0x20)
#define ZX_LOG_INFO    (0x30)
#define ZX_LOG_WARNING (0x40)
#define ZX_LOG_ERROR   (0x50)
#define ZX_LOG_FATAL   (0x60)

// Flags
#define ZX_LOG_LOCAL      (0x10)  // do not forward over the network
#define ZX_LOG_FLAGS_MASK (0x10)

// zx_debuglog_create() option
#define ZX_LOG_FLAG_READABLE 0x40000000

_ZX_STATIC_ASSERT(sizeof(zx_log_record_t) == 40, "zx_log_record_t layout");
_ZX_STATIC_ASSERT(offsetof(zx_log_record_t, datalen) == 12, "zx_log_record_t layout");
_ZX_STATIC_ASSERT(offsetof(zx_log_record_t, timestamp) == 16, "zx_log_record_t layout");

__END_CDECLS

#endif  // ZIRCON_SYSCALLS_LOG_H_
