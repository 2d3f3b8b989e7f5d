// zc public API: the basic types and constants of the Zircon system-call interface.
// Names, values and layouts follow Zircon exactly; the layouts are checked at the end.
// Usable freestanding (kernel, vDSO, user programs) and hosted.
#ifndef ZIRCON_TYPES_H_
#define ZIRCON_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/compiler.h>
#include <zircon/errors.h>
#include <zircon/limits.h>
#include <zircon/rights.h>
#include <zircon/time.h>

__BEGIN_CDECLS

// ---- Handles and status ----------------------------------------------------------------------

typedef uint32_t zx_handle_t;

// 0 is never a valid handle; the low two bits of a valid handle value are always 1.
#define ZX_HANDLE_INVALID         ((zx_handle_t)0)
#define ZX_HANDLE_FIXED_BITS_MASK ((zx_handle_t)0x3)

// ZX_OK (0) or a negative ZX_ERR_* value from <zircon/errors.h>.
typedef int32_t zx_status_t;

// ---- Clocks ----------------------------------------------------------------------------------

typedef uint32_t zx_clock_t;
#define ZX_CLOCK_MONOTONIC ((zx_clock_t)0)
#define ZX_CLOCK_BOOT      ((zx_clock_t)1)

// ---- Signals ---------------------------------------------------------------------------------

typedef uint32_t zx_signals_t;

#define ZX_SIGNAL_NONE     ((zx_signals_t)0u)
#define ZX_USER_SIGNAL_ALL ((zx_signals_t)0xff000000u)

// Generic object signal bits; the per-object names below alias them.
#define __ZX_OBJECT_SIGNAL_ALL    ((zx_signals_t)0x00ffffffu)
#define __ZX_OBJECT_READABLE      ((zx_signals_t)1u << 0)
#define __ZX_OBJECT_WRITABLE      ((zx_signals_t)1u << 1)
#define __ZX_OBJECT_PEER_CLOSED   ((zx_signals_t)1u << 2)
#define __ZX_OBJECT_SIGNALED      ((zx_signals_t)1u << 3)
#define __ZX_OBJECT_SIGNAL_4      ((zx_signals_t)1u << 4)
#define __ZX_OBJECT_SIGNAL_5      ((zx_signals_t)1u << 5)
#define __ZX_OBJECT_SIGNAL_6      ((zx_signals_t)1u << 6)
#define __ZX_OBJECT_SIGNAL_7      ((zx_signals_t)1u << 7)
#define __ZX_OBJECT_SIGNAL_8      ((zx_signals_t)1u << 8)
#define __ZX_OBJECT_SIGNAL_9      ((zx_signals_t)1u << 9)
#define __ZX_OBJECT_SIGNAL_10     ((zx_signals_t)1u << 10)
#define __ZX_OBJECT_SIGNAL_11     ((zx_signals_t)1u << 11)
#define __ZX_OBJECT_SIGNAL_12     ((zx_signals_t)1u << 12)
#define __ZX_OBJECT_SIGNAL_13     ((zx_signals_t)1u << 13)
#define __ZX_OBJECT_SIGNAL_14     ((zx_signals_t)1u << 14)
#define __ZX_OBJECT_SIGNAL_15     ((zx_signals_t)1u << 15)
#define __ZX_OBJECT_SIGNAL_16     ((zx_signals_t)1u << 16)
#define __ZX_OBJECT_SIGNAL_17     ((zx_signals_t)1u << 17)
#define __ZX_OBJECT_SIGNAL_18     ((zx_signals_t)1u << 18)
#define __ZX_OBJECT_SIGNAL_19     ((zx_signals_t)1u << 19)
#define __ZX_OBJECT_SIGNAL_20     ((zx_signals_t)1u << 20)
#define __ZX_OBJECT_SIGNAL_21     ((zx_signals_t)1u << 21)
#define __ZX_OBJECT_SIGNAL_22     ((zx_signals_t)1u << 22)
#define __ZX_OBJECT_HANDLE_CLOSED ((zx_signals_t)1u << 23)

// User signals, for zx_object_signal() and zx_object_signal_peer().
#define ZX_USER_SIGNAL_0 ((zx_signals_t)1u << 24)
#define ZX_USER_SIGNAL_1 ((zx_signals_t)1u << 25)
#define ZX_USER_SIGNAL_2 ((zx_signals_t)1u << 26)
#define ZX_USER_SIGNAL_3 ((zx_signals_t)1u << 27)
#define ZX_USER_SIGNAL_4 ((zx_signals_t)1u << 28)
#define ZX_USER_SIGNAL_5 ((zx_signals_t)1u << 29)
#define ZX_USER_SIGNAL_6 ((zx_signals_t)1u << 30)
#define ZX_USER_SIGNAL_7 ((zx_signals_t)1u << 31)

// A wait ended because the waited-on handle was closed.
#define ZX_SIGNAL_HANDLE_CLOSED __ZX_OBJECT_HANDLE_CLOSED

// Event
#define ZX_EVENT_SIGNALED    __ZX_OBJECT_SIGNALED
#define ZX_EVENT_SIGNAL_MASK (ZX_USER_SIGNAL_ALL | __ZX_OBJECT_SIGNALED)

// Event pair
#define ZX_EVENTPAIR_SIGNALED    __ZX_OBJECT_SIGNALED
#define ZX_EVENTPAIR_PEER_CLOSED __ZX_OBJECT_PEER_CLOSED
#define ZX_EVENTPAIR_SIGNAL_MASK \
  (ZX_USER_SIGNAL_ALL | __ZX_OBJECT_SIGNALED | __ZX_OBJECT_PEER_CLOSED)

// Channel
#define ZX_CHANNEL_READABLE    __ZX_OBJECT_READABLE
#define ZX_CHANNEL_WRITABLE    __ZX_OBJECT_WRITABLE
#define ZX_CHANNEL_PEER_CLOSED __ZX_OBJECT_PEER_CLOSED

// Clock
#define ZX_CLOCK_STARTED __ZX_OBJECT_SIGNAL_4

// Socket
#define ZX_SOCKET_READABLE            __ZX_OBJECT_READABLE
#define ZX_SOCKET_WRITABLE            __ZX_OBJECT_WRITABLE
#define ZX_SOCKET_PEER_CLOSED         __ZX_OBJECT_PEER_CLOSED
#define ZX_SOCKET_PEER_WRITE_DISABLED __ZX_OBJECT_SIGNAL_4
#define ZX_SOCKET_WRITE_DISABLED      __ZX_OBJECT_SIGNAL_5
#define ZX_SOCKET_READ_THRESHOLD      __ZX_OBJECT_SIGNAL_10
#define ZX_SOCKET_WRITE_THRESHOLD     __ZX_OBJECT_SIGNAL_11

// FIFO
#define ZX_FIFO_READABLE    __ZX_OBJECT_READABLE
#define ZX_FIFO_WRITABLE    __ZX_OBJECT_WRITABLE
#define ZX_FIFO_PEER_CLOSED __ZX_OBJECT_PEER_CLOSED

// Tasks (process, thread, job)
#define ZX_TASK_TERMINATED __ZX_OBJECT_SIGNALED

// Job
#define ZX_JOB_TERMINATED   __ZX_OBJECT_SIGNALED
#define ZX_JOB_NO_JOBS      __ZX_OBJECT_SIGNAL_4
#define ZX_JOB_NO_PROCESSES __ZX_OBJECT_SIGNAL_5
#define ZX_JOB_NO_CHILDREN  (ZX_JOB_NO_JOBS | ZX_JOB_NO_PROCESSES)

// Counter: exactly one of the two is asserted at any time
#define ZX_COUNTER_NON_POSITIVE __ZX_OBJECT_SIGNAL_4
#define ZX_COUNTER_POSITIVE     __ZX_OBJECT_SIGNAL_5

// Process
#define ZX_PROCESS_TERMINATED __ZX_OBJECT_SIGNALED

// Thread
#define ZX_THREAD_TERMINATED __ZX_OBJECT_SIGNALED
#define ZX_THREAD_RUNNING    __ZX_OBJECT_SIGNAL_4
#define ZX_THREAD_SUSPENDED  __ZX_OBJECT_SIGNAL_5

// Debuglog
#define ZX_LOG_READABLE __ZX_OBJECT_READABLE
#define ZX_LOG_WRITABLE __ZX_OBJECT_WRITABLE

// Timer
#define ZX_TIMER_SIGNALED __ZX_OBJECT_SIGNALED

// VMO
#define ZX_VMO_ZERO_CHILDREN __ZX_OBJECT_SIGNALED

// IOBuffer
#define ZX_IOB_PEER_CLOSED __ZX_OBJECT_PEER_CLOSED

// ---- Kernel object ids -----------------------------------------------------------------------

// 63-bit ids; ids with the top bit set are free for programs to use for artificial objects.
typedef uint64_t zx_koid_t;
#define ZX_KOID_INVALID ((uint64_t)0)
#define ZX_KOID_KERNEL  ((uint64_t)1)
#define ZX_KOID_FIRST   ((uint64_t)1024)  // ids below this are reserved

// ---- zx_object_wait_many() -------------------------------------------------------------------

#define ZX_WAIT_MANY_MAX_ITEMS ((size_t)64)

typedef struct zx_wait_item {
  zx_handle_t handle;
  zx_signals_t waitfor;
  zx_signals_t pending;
} zx_wait_item_t;

// ---- VMOs ------------------------------------------------------------------------------------

// zx_vmo_create() options
#define ZX_VMO_RESIZABLE   ((uint32_t)1u << 1)
#define ZX_VMO_DISCARDABLE ((uint32_t)1u << 2)
#define ZX_VMO_TRAP_DIRTY  ((uint32_t)1u << 3)

// zx_vmo_op_range() operations
#define ZX_VMO_OP_COMMIT                 ((uint32_t)1u)
#define ZX_VMO_OP_DECOMMIT               ((uint32_t)2u)
#define ZX_VMO_OP_LOCK                   ((uint32_t)3u)
#define ZX_VMO_OP_UNLOCK                 ((uint32_t)4u)
// 5 was ZX_VMO_OP_LOOKUP and is unused.
#define ZX_VMO_OP_CACHE_SYNC             ((uint32_t)6u)
#define ZX_VMO_OP_CACHE_INVALIDATE       ((uint32_t)7u)
#define ZX_VMO_OP_CACHE_CLEAN            ((uint32_t)8u)
#define ZX_VMO_OP_CACHE_CLEAN_INVALIDATE ((uint32_t)9u)
#define ZX_VMO_OP_ZERO                   ((uint32_t)10u)
#define ZX_VMO_OP_TRY_LOCK               ((uint32_t)11u)
#define ZX_VMO_OP_DONT_NEED              ((uint32_t)12u)
#define ZX_VMO_OP_ALWAYS_NEED            ((uint32_t)13u)

// The buffer of zx_vmo_op_range(ZX_VMO_OP_LOCK).
typedef struct zx_vmo_lock_state {
  uint64_t offset;            // locked range
  uint64_t size;
  uint64_t discarded_offset;  // range that had been discarded before the lock (0, 0 if none)
  uint64_t discarded_size;
} zx_vmo_lock_state_t;

// zx_vmar_op_range() operations (values shared with the VMO ops of the same name)
#define ZX_VMAR_OP_COMMIT      ((uint32_t)1u)
#define ZX_VMAR_OP_DECOMMIT    ((uint32_t)2u)
#define ZX_VMAR_OP_MAP_RANGE   ((uint32_t)3u)
#define ZX_VMAR_OP_DONT_NEED   ((uint32_t)12u)
#define ZX_VMAR_OP_ALWAYS_NEED ((uint32_t)13u)

// zx_pager_op_range() operations
#define ZX_PAGER_OP_FAIL            ((uint32_t)1u)
#define ZX_PAGER_OP_DIRTY           ((uint32_t)2u)
#define ZX_PAGER_OP_WRITEBACK_BEGIN ((uint32_t)3u)
#define ZX_PAGER_OP_WRITEBACK_END   ((uint32_t)4u)

typedef struct zx_pager_vmo_stats {
  uint32_t modified;  // ZX_PAGER_VMO_STATS_MODIFIED or 0
} zx_pager_vmo_stats_t;

#define ZX_PAGER_VMO_STATS_MODIFIED ((uint32_t)1u)
#define ZX_PAGER_RESET_VMO_STATS    ((uint32_t)1u)

// zx_pager_query_dirty_ranges(): one run of dirty pages [offset, offset + length).
typedef struct zx_vmo_dirty_range {
  uint64_t offset;
  uint64_t length;
  uint64_t options;  // ZX_VMO_DIRTY_RANGE_*
} zx_vmo_dirty_range_t;

#define ZX_VMO_DIRTY_RANGE_IS_ZERO ((uint64_t)1u)

// zx_vmo_create_child() options
#define ZX_VMO_CHILD_SNAPSHOT                   ((uint32_t)1u << 0)
#define ZX_VMO_CHILD_RESIZABLE                  ((uint32_t)1u << 2)
#define ZX_VMO_CHILD_SLICE                      ((uint32_t)1u << 3)
#define ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE ((uint32_t)1u << 4)
#define ZX_VMO_CHILD_NO_WRITE                   ((uint32_t)1u << 5)
#define ZX_VMO_CHILD_REFERENCE                  ((uint32_t)1u << 6)
// Older names of ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE.
#define ZX_VMO_CLONE_COPY_ON_WRITE              ((uint32_t)1u << 4)
#define ZX_VMO_CHILD_COPY_ON_WRITE              ((uint32_t)1u << 4)
#define ZX_VMO_CHILD_PRIVATE_PAGER_COPY         ((uint32_t)1u << 4)

// ---- VMARs -----------------------------------------------------------------------------------

typedef uint32_t zx_vm_option_t;

#define ZX_VM_PERM_READ                    ((zx_vm_option_t)(1u << 0))
#define ZX_VM_PERM_WRITE                   ((zx_vm_option_t)(1u << 1))
#define ZX_VM_PERM_EXECUTE                 ((zx_vm_option_t)(1u << 2))
#define ZX_VM_COMPACT                      ((zx_vm_option_t)(1u << 3))
#define ZX_VM_SPECIFIC                     ((zx_vm_option_t)(1u << 4))
#define ZX_VM_SPECIFIC_OVERWRITE           ((zx_vm_option_t)(1u << 5))
#define ZX_VM_CAN_MAP_SPECIFIC             ((zx_vm_option_t)(1u << 6))
#define ZX_VM_CAN_MAP_READ                 ((zx_vm_option_t)(1u << 7))
#define ZX_VM_CAN_MAP_WRITE                ((zx_vm_option_t)(1u << 8))
#define ZX_VM_CAN_MAP_EXECUTE              ((zx_vm_option_t)(1u << 9))
#define ZX_VM_MAP_RANGE                    ((zx_vm_option_t)(1u << 10))
#define ZX_VM_REQUIRE_NON_RESIZABLE        ((zx_vm_option_t)(1u << 11))
#define ZX_VM_ALLOW_FAULTS                 ((zx_vm_option_t)(1u << 12))
#define ZX_VM_OFFSET_IS_UPPER_LIMIT        ((zx_vm_option_t)(1u << 13))
#define ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED ((zx_vm_option_t)(1u << 14))

// Alignment requests: log2 of the alignment in bits 24..28.
#define ZX_VM_ALIGN_BASE  24
#define ZX_VM_ALIGN_1KB   ((zx_vm_option_t)(10u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_2KB   ((zx_vm_option_t)(11u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_4KB   ((zx_vm_option_t)(12u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_8KB   ((zx_vm_option_t)(13u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_16KB  ((zx_vm_option_t)(14u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_32KB  ((zx_vm_option_t)(15u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_64KB  ((zx_vm_option_t)(16u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_128KB ((zx_vm_option_t)(17u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_256KB ((zx_vm_option_t)(18u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_512KB ((zx_vm_option_t)(19u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_1MB   ((zx_vm_option_t)(20u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_2MB   ((zx_vm_option_t)(21u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_4MB   ((zx_vm_option_t)(22u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_8MB   ((zx_vm_option_t)(23u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_16MB  ((zx_vm_option_t)(24u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_32MB  ((zx_vm_option_t)(25u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_64MB  ((zx_vm_option_t)(26u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_128MB ((zx_vm_option_t)(27u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_256MB ((zx_vm_option_t)(28u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_512MB ((zx_vm_option_t)(29u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_1GB   ((zx_vm_option_t)(30u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_2GB   ((zx_vm_option_t)(31u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_4GB   ((zx_vm_option_t)(32u << ZX_VM_ALIGN_BASE))

// Older names of the first twelve ZX_VM_* options.
#define ZX_VM_FLAG_PERM_READ             ((uint32_t)1u << 0)
#define ZX_VM_FLAG_PERM_WRITE            ((uint32_t)1u << 1)
#define ZX_VM_FLAG_PERM_EXECUTE          ((uint32_t)1u << 2)
#define ZX_VM_FLAG_COMPACT               ((uint32_t)1u << 3)
#define ZX_VM_FLAG_SPECIFIC              ((uint32_t)1u << 4)
#define ZX_VM_FLAG_SPECIFIC_OVERWRITE    ((uint32_t)1u << 5)
#define ZX_VM_FLAG_CAN_MAP_SPECIFIC      ((uint32_t)1u << 6)
#define ZX_VM_FLAG_CAN_MAP_READ          ((uint32_t)1u << 7)
#define ZX_VM_FLAG_CAN_MAP_WRITE         ((uint32_t)1u << 8)
#define ZX_VM_FLAG_CAN_MAP_EXECUTE       ((uint32_t)1u << 9)
#define ZX_VM_FLAG_MAP_RANGE             ((uint32_t)1u << 10)
#define ZX_VM_FLAG_REQUIRE_NON_RESIZABLE ((uint32_t)1u << 11)

// ---- Addresses and I/O vectors ---------------------------------------------------------------

typedef uintptr_t zx_vaddr_t;   // virtual address
typedef uintptr_t zx_paddr_t;   // physical address
typedef uintptr_t zx_gpaddr_t;  // guest physical address
typedef uint64_t zx_off_t;      // offset

typedef struct zx_iovec {
  void* buffer;
  size_t capacity;
} zx_iovec_t;

// ---- Limits ----------------------------------------------------------------------------------

// Longest object name (process, thread, VMO ...), including the terminating NUL.
#define ZX_MAX_NAME_LEN ((size_t)32u)

#define ZX_CPRNG_DRAW_MAX_LEN        ((size_t)256u)
#define ZX_CPRNG_ADD_ENTROPY_MAX_LEN ((size_t)256u)

// ---- Interrupts and MSI ----------------------------------------------------------------------

#define ZX_INTERRUPT_REMAP_IRQ       ((uint32_t)0x1u)
#define ZX_INTERRUPT_MODE_DEFAULT    ((uint32_t)0u << 1)
#define ZX_INTERRUPT_MODE_EDGE_LOW   ((uint32_t)1u << 1)
#define ZX_INTERRUPT_MODE_EDGE_HIGH  ((uint32_t)2u << 1)
#define ZX_INTERRUPT_MODE_LEVEL_LOW  ((uint32_t)3u << 1)
#define ZX_INTERRUPT_MODE_LEVEL_HIGH ((uint32_t)4u << 1)
#define ZX_INTERRUPT_MODE_EDGE_BOTH  ((uint32_t)5u << 1)
#define ZX_INTERRUPT_MODE_MASK       ((uint32_t)0xe)
#define ZX_INTERRUPT_VIRTUAL         ((uint32_t)0x10)

#define ZX_INTERRUPT_BIND   ((uint32_t)0x0u)
#define ZX_INTERRUPT_UNBIND ((uint32_t)0x1u)

#define ZX_INTERRUPT_SLOT_USER ((uint32_t)62u)
#define ZX_INTERRUPT_MAX_SLOTS ((uint32_t)62u)

#define ZX_MSI_MODE_MSI_X ((uint32_t)0x1u)

#define ZX_PCI_INTERRUPT_SLOT ((uint32_t)0u)

// ---- Channels --------------------------------------------------------------------------------

#define ZX_CHANNEL_READ_MAY_DISCARD ((uint32_t)1u)  // zx_channel_read*() option
#define ZX_CHANNEL_WRITE_USE_IOVEC  ((uint32_t)2u)  // zx_channel_write*() option

#define ZX_CHANNEL_MAX_MSG_BYTES   ((uint32_t)65536u)
#define ZX_CHANNEL_MAX_MSG_HANDLES ((uint32_t)64u)
#define ZX_CHANNEL_MAX_MSG_IOVECS  ((uint32_t)8192u)

// ---- FIFOs -----------------------------------------------------------------------------------

#define ZX_FIFO_MAX_SIZE_BYTES ZX_PAGE_SIZE

// ---- Sockets and streams ---------------------------------------------------------------------

// zx_socket_set_disposition()
#define ZX_SOCKET_DISPOSITION_WRITE_DISABLED ((uint32_t)1u << 0)
#define ZX_SOCKET_DISPOSITION_WRITE_ENABLED  ((uint32_t)1u << 1)

// zx_socket_create()
#define ZX_SOCKET_STREAM      ((uint32_t)0u)
#define ZX_SOCKET_DATAGRAM    ((uint32_t)1u << 0)
#define ZX_SOCKET_CREATE_MASK (ZX_SOCKET_DATAGRAM)

// zx_socket_read()
#define ZX_SOCKET_PEEK ((uint32_t)1u << 3)

// zx_stream_create()
#define ZX_STREAM_MODE_READ   ((uint32_t)1u << 0)
#define ZX_STREAM_MODE_WRITE  ((uint32_t)1u << 1)
#define ZX_STREAM_MODE_APPEND ((uint32_t)1u << 2)
#define ZX_STREAM_CREATE_MASK (ZX_STREAM_MODE_READ | ZX_STREAM_MODE_WRITE | ZX_STREAM_MODE_APPEND)

// zx_stream_writev()
#define ZX_STREAM_APPEND ((uint32_t)1u << 0)

typedef uint32_t zx_stream_seek_origin_t;
#define ZX_STREAM_SEEK_ORIGIN_START   ((zx_stream_seek_origin_t)0u)
#define ZX_STREAM_SEEK_ORIGIN_CURRENT ((zx_stream_seek_origin_t)1u)
#define ZX_STREAM_SEEK_ORIGIN_END     ((zx_stream_seek_origin_t)2u)

// ---- Caches ----------------------------------------------------------------------------------

#define ZX_CACHE_POLICY_CACHED          ((uint32_t)0u)
#define ZX_CACHE_POLICY_UNCACHED        ((uint32_t)1u)
#define ZX_CACHE_POLICY_UNCACHED_DEVICE ((uint32_t)2u)
#define ZX_CACHE_POLICY_WRITE_COMBINING ((uint32_t)3u)
#define ZX_CACHE_POLICY_MASK            ((uint32_t)3u)

#define ZX_CACHE_FLUSH_INSN       ((uint32_t)1u << 0)
#define ZX_CACHE_FLUSH_DATA       ((uint32_t)1u << 1)
#define ZX_CACHE_FLUSH_INVALIDATE ((uint32_t)1u << 2)

// ---- Timers ----------------------------------------------------------------------------------

#define ZX_TIMER_SLACK_CENTER ((uint32_t)0u)
#define ZX_TIMER_SLACK_EARLY  ((uint32_t)1u)
#define ZX_TIMER_SLACK_LATE   ((uint32_t)2u)

// ---- Bus transaction initiators --------------------------------------------------------------

#define ZX_BTI_PERM_READ    ((uint32_t)1u << 0)
#define ZX_BTI_PERM_WRITE   ((uint32_t)1u << 1)
#define ZX_BTI_PERM_EXECUTE ((uint32_t)1u << 2)
#define ZX_BTI_COMPRESS     ((uint32_t)1u << 3)
#define ZX_BTI_CONTIGUOUS   ((uint32_t)1u << 4)

// ---- Jobs, processes, tasks ------------------------------------------------------------------

// zx_job_set_critical()
#define ZX_JOB_CRITICAL_PROCESS_RETCODE_NONZERO ((uint32_t)1u << 0)

// zx_process_create()
#define ZX_PROCESS_SHARED ((uint32_t)1u << 0)

// Return codes of a killed task (ZX_INFO_PROCESS return_code). Zircon declares these in
// <zircon/syscalls/object.h>, which includes this header.
#define ZX_TASK_RETCODE_SYSCALL_KILL          ((int64_t)-1024)  // zx_task_kill()
#define ZX_TASK_RETCODE_OOM_KILL              ((int64_t)-1025)  // the out-of-memory killer
#define ZX_TASK_RETCODE_POLICY_KILL           ((int64_t)-1026)  // a job policy
#define ZX_TASK_RETCODE_VDSO_KILL             ((int64_t)-1027)  // the vDSO
#define ZX_TASK_RETCODE_EXCEPTION_KILL        ((int64_t)-1028)  // an unhandled exception
#define ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL ((int64_t)-1029)  // a critical process died

// ---- Object properties (zx_object_get_property / zx_object_set_property) ---------------------
// Zircon declares these in <zircon/syscalls/object.h>, which includes this header.

#define ZX_PROP_NAME ((uint32_t)3u)  // char[ZX_MAX_NAME_LEN]
#if defined(__x86_64__)
#define ZX_PROP_REGISTER_GS ((uint32_t)2u)  // uintptr_t
#define ZX_PROP_REGISTER_FS ((uint32_t)4u)  // uintptr_t
#endif
#define ZX_PROP_PROCESS_DEBUG_ADDR          ((uint32_t)5u)  // uintptr_t
#define ZX_PROP_PROCESS_VDSO_BASE_ADDRESS   ((uint32_t)6u)  // uintptr_t
#define ZX_PROP_PROCESS_BREAK_ON_LOAD       ((uint32_t)7u)  // uintptr_t
#define ZX_PROP_PROCESS_HW_TRACE_CONTEXT_ID ((uint32_t)8u)  // uintptr_t
#define ZX_PROP_SOCKET_RX_THRESHOLD         12u             // size_t
#define ZX_PROP_SOCKET_TX_THRESHOLD         13u             // size_t
#define ZX_PROP_JOB_KILL_ON_OOM             15u
#define ZX_PROP_EXCEPTION_STATE             16u             // uint32_t, ZX_EXCEPTION_STATE_*
#define ZX_PROP_VMO_CONTENT_SIZE            17u             // uint64_t
#define ZX_PROP_EXCEPTION_STRATEGY          18u             // uint32_t, ZX_EXCEPTION_STRATEGY_*
#define ZX_PROP_STREAM_MODE_APPEND          19u             // uint8_t

// ---- Object types ----------------------------------------------------------------------------

typedef uint32_t zx_obj_type_t;

#define ZX_OBJ_TYPE_NONE          ((zx_obj_type_t)0u)
#define ZX_OBJ_TYPE_PROCESS       ((zx_obj_type_t)1u)
#define ZX_OBJ_TYPE_THREAD        ((zx_obj_type_t)2u)
#define ZX_OBJ_TYPE_VMO           ((zx_obj_type_t)3u)
#define ZX_OBJ_TYPE_CHANNEL       ((zx_obj_type_t)4u)
#define ZX_OBJ_TYPE_EVENT         ((zx_obj_type_t)5u)
#define ZX_OBJ_TYPE_PORT          ((zx_obj_type_t)6u)
#define ZX_OBJ_TYPE_INTERRUPT     ((zx_obj_type_t)9u)
#define ZX_OBJ_TYPE_PCI_DEVICE    ((zx_obj_type_t)11u)
#define ZX_OBJ_TYPE_DEBUGLOG      ((zx_obj_type_t)12u)
#define ZX_OBJ_TYPE_SOCKET        ((zx_obj_type_t)14u)
#define ZX_OBJ_TYPE_RESOURCE      ((zx_obj_type_t)15u)
#define ZX_OBJ_TYPE_EVENTPAIR     ((zx_obj_type_t)16u)
#define ZX_OBJ_TYPE_JOB           ((zx_obj_type_t)17u)
#define ZX_OBJ_TYPE_VMAR          ((zx_obj_type_t)18u)
#define ZX_OBJ_TYPE_FIFO          ((zx_obj_type_t)19u)
#define ZX_OBJ_TYPE_GUEST         ((zx_obj_type_t)20u)
#define ZX_OBJ_TYPE_VCPU          ((zx_obj_type_t)21u)
#define ZX_OBJ_TYPE_TIMER         ((zx_obj_type_t)22u)
#define ZX_OBJ_TYPE_IOMMU         ((zx_obj_type_t)23u)
#define ZX_OBJ_TYPE_BTI           ((zx_obj_type_t)24u)
#define ZX_OBJ_TYPE_PROFILE       ((zx_obj_type_t)25u)
#define ZX_OBJ_TYPE_PMT           ((zx_obj_type_t)26u)
#define ZX_OBJ_TYPE_SUSPEND_TOKEN ((zx_obj_type_t)27u)
#define ZX_OBJ_TYPE_PAGER         ((zx_obj_type_t)28u)
#define ZX_OBJ_TYPE_EXCEPTION     ((zx_obj_type_t)29u)
#define ZX_OBJ_TYPE_CLOCK         ((zx_obj_type_t)30u)
#define ZX_OBJ_TYPE_STREAM        ((zx_obj_type_t)31u)
#define ZX_OBJ_TYPE_MSI           ((zx_obj_type_t)32u)
#define ZX_OBJ_TYPE_IOB           ((zx_obj_type_t)33u)
#define ZX_OBJ_TYPE_COUNTER       ((zx_obj_type_t)34u)

#define ZX_OBJ_TYPE_LOG ZX_OBJ_TYPE_DEBUGLOG  // older name

// The ABI promises at most 64 object types (see zx_info_process_handle_stats_t).
#define ZX_OBJ_TYPE_UPPER_BOUND ((zx_obj_type_t)64u)

// ---- System events ---------------------------------------------------------------------------

typedef uint32_t zx_system_event_type_t;
#define ZX_SYSTEM_EVENT_OUT_OF_MEMORY            ((zx_system_event_type_t)1u)
#define ZX_SYSTEM_EVENT_MEMORY_PRESSURE_CRITICAL ((zx_system_event_type_t)2u)
#define ZX_SYSTEM_EVENT_MEMORY_PRESSURE_WARNING  ((zx_system_event_type_t)3u)
#define ZX_SYSTEM_EVENT_MEMORY_PRESSURE_NORMAL   ((zx_system_event_type_t)4u)
#define ZX_SYSTEM_EVENT_IMMINENT_OUT_OF_MEMORY   ((zx_system_event_type_t)5u)

// ---- Handles in channel messages -------------------------------------------------------------

// zx_channel_read_etc() fills one per received handle.
typedef struct zx_handle_info {
  zx_handle_t handle;
  zx_obj_type_t type;
  zx_rights_t rights;
  uint32_t unused;
} zx_handle_info_t;

typedef uint32_t zx_handle_op_t;
#define ZX_HANDLE_OP_MOVE      ((zx_handle_op_t)0u)
#define ZX_HANDLE_OP_DUPLICATE ((zx_handle_op_t)1u)

// zx_channel_write_etc() takes one per sent handle; the kernel writes back |result|.
typedef struct zx_handle_disposition {
  zx_handle_op_t operation;
  zx_handle_t handle;
  zx_obj_type_t type;    // ZX_OBJ_TYPE_NONE = any type
  zx_rights_t rights;    // ZX_RIGHT_SAME_RIGHTS = unchanged
  zx_status_t result;
} zx_handle_disposition_t;

// ---- zx_channel_call() -----------------------------------------------------------------------

typedef uint32_t zx_txid_t;  // the first 4 bytes of a call message

typedef struct zx_channel_call_args {
  const void* wr_bytes;
  const zx_handle_t* wr_handles;
  void* rd_bytes;
  zx_handle_t* rd_handles;
  uint32_t wr_num_bytes;
  uint32_t wr_num_handles;
  uint32_t rd_num_bytes;
  uint32_t rd_num_handles;
} zx_channel_call_args_t;

typedef struct zx_channel_call_etc_args {
  const void* wr_bytes;
  zx_handle_disposition_t* wr_handles;
  void* rd_bytes;
  zx_handle_info_t* rd_handles;
  uint32_t wr_num_bytes;
  uint32_t wr_num_handles;
  uint32_t rd_num_bytes;
  uint32_t rd_num_handles;
} zx_channel_call_etc_args_t;

// With ZX_CHANNEL_WRITE_USE_IOVEC, |bytes| points to these and |num_bytes| counts them.
typedef struct zx_channel_iovec {
  const void* buffer;
  uint32_t capacity;
  uint32_t reserved;
} zx_channel_iovec_t;

// ---- CPU sets --------------------------------------------------------------------------------

#define ZX_CPU_SET_MAX_CPUS      512
#define ZX_CPU_SET_BITS_PER_WORD 64

// CPU n is in the set when mask[n / 64] has bit (n % 64) set.
typedef struct zx_cpu_set {
  uint64_t mask[ZX_CPU_SET_MAX_CPUS / ZX_CPU_SET_BITS_PER_WORD];
} zx_cpu_set_t;

// ---- Futexes ---------------------------------------------------------------------------------

// An atomic int in user C code; a plain int in C++ and in the kernel (define _KERNEL), which
// only ever copies it from user memory.
#if defined(__cplusplus) || defined(_KERNEL)
typedef int zx_futex_t;
#else
typedef _Atomic int zx_futex_t;
#endif
typedef int zx_futex_storage_t;

// ---- Layout checks ---------------------------------------------------------------------------

_ZX_STATIC_ASSERT(sizeof(zx_wait_item_t) == 12, "zx_wait_item_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_vmo_lock_state_t) == 32, "zx_vmo_lock_state_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_iovec_t) == 16, "zx_iovec_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_vmo_dirty_range_t) == 24, "zx_vmo_dirty_range_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_pager_vmo_stats_t) == 4, "zx_pager_vmo_stats_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_handle_info_t) == 16, "zx_handle_info_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_handle_disposition_t) == 20, "zx_handle_disposition_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_channel_call_args_t) == 48, "zx_channel_call_args_t layout");
_ZX_STATIC_ASSERT(offsetof(zx_channel_call_args_t, wr_num_bytes) == 32,
                  "zx_channel_call_args_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_channel_call_etc_args_t) == 48, "zx_channel_call_etc_args_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_channel_iovec_t) == 16, "zx_channel_iovec_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_cpu_set_t) == 64, "zx_cpu_set_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_futex_t) == 4, "zx_futex_t layout");

__END_CDECLS

#endif  // ZIRCON_TYPES_H_
