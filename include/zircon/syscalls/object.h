// zc public API: zx_object_get_info() topics and result structs, thread states, exception
// properties. Layouts are Zircon's and are checked at the end.
#ifndef ZIRCON_SYSCALLS_OBJECT_H_
#define ZIRCON_SYSCALLS_OBJECT_H_

#include <zircon/types.h>

__BEGIN_CDECLS

// ---- Topics ----------------------------------------------------------------------------------

// A topic carries a layout version in its top 4 bits (0 for the first layout).
#define __ZX_INFO_TOPIC(t, v) ((zx_object_info_topic_t)((t) | ((v) << 28)))

typedef uint32_t zx_object_info_topic_t;
                                                                            // buffer holds:
#define ZX_INFO_NONE                       ((zx_object_info_topic_t)0u)
#define ZX_INFO_HANDLE_VALID               ((zx_object_info_topic_t)1u)   // nothing
#define ZX_INFO_HANDLE_BASIC               ((zx_object_info_topic_t)2u)   // zx_info_handle_basic_t[1]
#define ZX_INFO_PROCESS                    __ZX_INFO_TOPIC(3u, 1u)        // zx_info_process_t[1]
#define ZX_INFO_PROCESS_THREADS            ((zx_object_info_topic_t)4u)   // zx_koid_t[n]
#define ZX_INFO_VMAR                       ((zx_object_info_topic_t)7u)   // zx_info_vmar_t[1]
#define ZX_INFO_JOB_CHILDREN               ((zx_object_info_topic_t)8u)   // zx_koid_t[n]
#define ZX_INFO_JOB_PROCESSES              ((zx_object_info_topic_t)9u)   // zx_koid_t[n]
#define ZX_INFO_THREAD                     ((zx_object_info_topic_t)10u)  // zx_info_thread_t[1]
#define ZX_INFO_THREAD_EXCEPTION_REPORT_V1 __ZX_INFO_TOPIC(11u, 0u)       // zx_exception_report_v1_t[1]
#define ZX_INFO_THREAD_EXCEPTION_REPORT    __ZX_INFO_TOPIC(11u, 1u)       // zx_exception_report_t[1]
#define ZX_INFO_TASK_STATS                 ((zx_object_info_topic_t)12u)  // zx_info_task_stats_t[1]
#define ZX_INFO_PROCESS_MAPS_V1            __ZX_INFO_TOPIC(13u, 0u)       // zx_info_maps_v1_t[n]
#define ZX_INFO_PROCESS_MAPS               __ZX_INFO_TOPIC(13u, 1u)       // zx_info_maps_t[n]
#define ZX_INFO_PROCESS_VMOS_V1            __ZX_INFO_TOPIC(14u, 0u)       // zx_info_vmo_v1_t[n]
#define ZX_INFO_PROCESS_VMOS_V2            __ZX_INFO_TOPIC(14u, 1u)       // zx_info_vmo_v2_t[n]
#define ZX_INFO_PROCESS_VMOS               __ZX_INFO_TOPIC(14u, 2u)       // zx_info_vmo_t[n]
#define ZX_INFO_THREAD_STATS               ((zx_object_info_topic_t)15u)  // zx_info_thread_stats_t[1]
#define ZX_INFO_CPU_STATS                  ((zx_object_info_topic_t)16u)  // zx_info_cpu_stats_t[n]
#define ZX_INFO_KMEM_STATS                 ((zx_object_info_topic_t)17u)  // zx_info_kmem_stats_t[1]
#define ZX_INFO_RESOURCE                   ((zx_object_info_topic_t)18u)  // zx_info_resource_t[1]
#define ZX_INFO_HANDLE_COUNT               ((zx_object_info_topic_t)19u)  // zx_info_handle_count_t[1]
#define ZX_INFO_BTI                        ((zx_object_info_topic_t)20u)  // zx_info_bti_t[1]
#define ZX_INFO_PROCESS_HANDLE_STATS       ((zx_object_info_topic_t)21u)  // zx_info_process_handle_stats_t[1]
#define ZX_INFO_SOCKET                     ((zx_object_info_topic_t)22u)  // zx_info_socket_t[1]
#define ZX_INFO_VMO_V1                     __ZX_INFO_TOPIC(23u, 0u)       // zx_info_vmo_v1_t[1]
#define ZX_INFO_VMO_V2                     __ZX_INFO_TOPIC(23u, 1u)       // zx_info_vmo_v2_t[1]
#define ZX_INFO_VMO                        __ZX_INFO_TOPIC(23u, 2u)       // zx_info_vmo_t[1]
#define ZX_INFO_JOB                        ((zx_object_info_topic_t)24u)  // zx_info_job_t[1]
#define ZX_INFO_TIMER                      ((zx_object_info_topic_t)25u)  // zx_info_timer_t[1]
#define ZX_INFO_STREAM                     ((zx_object_info_topic_t)26u)  // zx_info_stream_t[1]
#define ZX_INFO_HANDLE_TABLE               ((zx_object_info_topic_t)27u)  // zx_info_handle_extended_t[n]
#define ZX_INFO_MSI                        ((zx_object_info_topic_t)28u)  // zx_info_msi_t[1]
#define ZX_INFO_GUEST_STATS                ((zx_object_info_topic_t)29u)  // zx_info_guest_stats_t[1]
#define ZX_INFO_TASK_RUNTIME_V1            __ZX_INFO_TOPIC(30u, 0u)       // zx_info_task_runtime_v1_t[1]
#define ZX_INFO_TASK_RUNTIME               __ZX_INFO_TOPIC(30u, 1u)       // zx_info_task_runtime_t[1]
#define ZX_INFO_KMEM_STATS_EXTENDED        ((zx_object_info_topic_t)31u)  // zx_info_kmem_stats_extended_t[1]
#define ZX_INFO_VCPU                       ((zx_object_info_topic_t)32u)  // zx_info_vcpu_t[1]
#define ZX_INFO_KMEM_STATS_COMPRESSION     ((zx_object_info_topic_t)33u)  // zx_info_kmem_stats_compression_t[1]

// "No CPU" in the CPU fields below.
#define ZX_INFO_INVALID_CPU ((uint32_t)0xFFFFFFFFu)

// ---- Handles ---------------------------------------------------------------------------------

typedef struct zx_info_handle_basic {
  zx_koid_t koid;          // the object's id
  zx_rights_t rights;      // this handle's rights
  zx_obj_type_t type;
  zx_koid_t related_koid;  // the peer / parent object's id, or 0
  uint32_t reserved;
  uint8_t padding1[4];
} zx_info_handle_basic_t;

typedef struct zx_info_handle_extended {
  zx_obj_type_t type;
  zx_handle_t handle_value;  // valid in the process that was queried
  zx_rights_t rights;
  uint32_t reserved;
  zx_koid_t koid;
  zx_koid_t related_koid;
  zx_koid_t peer_owner_koid;
} zx_info_handle_extended_t;

typedef struct zx_info_handle_count {
  uint32_t handle_count;  // handles referring to the object
} zx_info_handle_count_t;

typedef struct zx_info_process_handle_stats {
  uint32_t handle_count[ZX_OBJ_TYPE_UPPER_BOUND];  // indexed by ZX_OBJ_TYPE_*
} zx_info_process_handle_stats_t;

// ---- Tasks -----------------------------------------------------------------------------------

typedef uint32_t zx_info_process_flags_t;
#define ZX_INFO_PROCESS_FLAG_STARTED           ((zx_info_process_flags_t)(1u << 0))
#define ZX_INFO_PROCESS_FLAG_EXITED            ((zx_info_process_flags_t)(1u << 1))
#define ZX_INFO_PROCESS_FLAG_DEBUGGER_ATTACHED ((zx_info_process_flags_t)(1u << 2))

typedef struct zx_info_process {
  int64_t return_code;            // valid once EXITED; ZX_TASK_RETCODE_* if killed
  zx_time_t start_time;           // monotonic time of zx_process_start(), valid once STARTED
  zx_info_process_flags_t flags;  // ZX_INFO_PROCESS_FLAG_*
  uint8_t padding1[4];
} zx_info_process_t;

typedef struct zx_info_job {
  int64_t return_code;  // valid once |exited|
  bool exited;
  bool kill_on_oom;
  bool debugger_attached;
  uint8_t padding1[5];
} zx_info_job_t;

typedef uint32_t zx_thread_state_t;

typedef struct zx_info_thread {
  zx_thread_state_t state;               // ZX_THREAD_STATE_*
  uint32_t wait_exception_channel_type;  // ZX_EXCEPTION_CHANNEL_TYPE_*
  zx_cpu_set_t cpu_affinity_mask;
} zx_info_thread_t;

typedef struct zx_info_thread_stats {
  zx_duration_t total_runtime;
  uint32_t last_scheduled_cpu;  // or ZX_INFO_INVALID_CPU
  uint8_t padding1[4];
} zx_info_thread_stats_t;

typedef struct zx_info_task_stats {
  size_t mem_mapped_bytes;         // total size of the mapped ranges
  size_t mem_private_bytes;        // committed, mapped only by this task
  size_t mem_shared_bytes;         // committed, mapped by this and other tasks
  size_t mem_scaled_shared_bytes;  // this task's share of mem_shared_bytes
} zx_info_task_stats_t;

typedef struct zx_info_task_runtime {
  zx_duration_t cpu_time;
  zx_duration_t queue_time;
  zx_duration_t page_fault_time;
  zx_duration_t lock_contention_time;
} zx_info_task_runtime_t;

typedef struct zx_info_task_runtime_v1 {
  zx_duration_t cpu_time;
  zx_duration_t queue_time;
} zx_info_task_runtime_v1_t;

// ---- Timers, streams, sockets ----------------------------------------------------------------

typedef struct zx_info_timer {
  uint32_t options;  // as given to zx_timer_create()
  uint8_t padding1[4];
  zx_time_t deadline;   // next firing, 0 if not armed
  zx_duration_t slack;  // 0 if not armed
} zx_info_timer_t;

typedef struct zx_info_stream {
  uint32_t options;  // ZX_STREAM_MODE_*
  uint8_t padding1[4];
  zx_off_t seek;
  uint64_t content_size;
} zx_info_stream_t;

typedef struct zx_info_socket {
  uint32_t options;  // as given to zx_socket_create()
  uint8_t padding1[4];
  size_t rx_buf_max;
  size_t rx_buf_size;
  size_t rx_buf_available;  // bytes one zx_socket_read() can return now
  size_t tx_buf_max;
  size_t tx_buf_size;
} zx_info_socket_t;

// ---- Address space ---------------------------------------------------------------------------

typedef struct zx_info_vmar {
  uintptr_t base;
  size_t len;
} zx_info_vmar_t;

typedef struct zx_info_maps_mapping {
  zx_vm_option_t mmu_flags;  // ZX_VM_PERM_*
  uint8_t padding1[4];
  zx_koid_t vmo_koid;
  uint64_t vmo_offset;
  size_t committed_pages;
  size_t populated_pages;
} zx_info_maps_mapping_t;

typedef struct zx_info_maps_mapping_v1 {
  zx_vm_option_t mmu_flags;
  uint8_t padding1[4];
  zx_koid_t vmo_koid;
  uint64_t vmo_offset;
  size_t committed_pages;
} zx_info_maps_mapping_v1_t;

typedef uint32_t zx_info_maps_type_t;
#define ZX_INFO_MAPS_TYPE_NONE    ((zx_info_maps_type_t)0u)
#define ZX_INFO_MAPS_TYPE_ASPACE  ((zx_info_maps_type_t)1u)
#define ZX_INFO_MAPS_TYPE_VMAR    ((zx_info_maps_type_t)2u)
#define ZX_INFO_MAPS_TYPE_MAPPING ((zx_info_maps_type_t)3u)

// One node of the address-space tree, listed depth-first in pre-order.
typedef struct zx_info_maps {
  char name[ZX_MAX_NAME_LEN];
  zx_vaddr_t base;
  size_t size;
  size_t depth;
  zx_info_maps_type_t type;  // selects the union member
  uint8_t padding1[4];
  union {
    zx_info_maps_mapping_t mapping;
  } u;
} zx_info_maps_t;

typedef struct zx_info_maps_v1 {
  char name[ZX_MAX_NAME_LEN];
  zx_vaddr_t base;
  size_t size;
  size_t depth;
  zx_info_maps_type_t type;
  uint8_t padding1[4];
  union {
    zx_info_maps_mapping_v1_t mapping;
  } u;
} zx_info_maps_v1_t;

// ---- VMOs ------------------------------------------------------------------------------------

#define ZX_INFO_VMO_TYPE_PAGED    (1u << 0)
#define ZX_INFO_VMO_TYPE_PHYSICAL (0u << 0)
#define ZX_INFO_VMO_TYPE(flags)   ((flags) & (1u << 0))
#define ZX_INFO_VMO_RESIZABLE      (1u << 1)
#define ZX_INFO_VMO_IS_COW_CLONE   (1u << 2)
#define ZX_INFO_VMO_VIA_HANDLE     (1u << 3)
#define ZX_INFO_VMO_VIA_MAPPING    (1u << 4)
#define ZX_INFO_VMO_PAGER_BACKED   (1u << 5)
#define ZX_INFO_VMO_CONTIGUOUS     (1u << 6)
#define ZX_INFO_VMO_DISCARDABLE    (1u << 7)
#define ZX_INFO_VMO_IMMUTABLE      (1u << 8)
#define ZX_INFO_VMO_VIA_IOB_HANDLE (1u << 9)

typedef struct zx_info_vmo {
  zx_koid_t koid;
  char name[ZX_MAX_NAME_LEN];
  uint64_t size_bytes;
  zx_koid_t parent_koid;  // 0 unless a child
  size_t num_children;
  size_t num_mappings;
  size_t share_count;  // estimated number of address spaces mapping it
  uint32_t flags;      // ZX_INFO_VMO_*
  uint8_t padding1[4];
  uint64_t committed_bytes;
  zx_rights_t handle_rights;  // when flags has ZX_INFO_VMO_VIA_HANDLE
  uint32_t cache_policy;      // ZX_CACHE_POLICY_*
  uint64_t metadata_bytes;
  uint64_t committed_change_events;
  uint64_t populated_bytes;
} zx_info_vmo_t;

typedef struct zx_info_vmo_v2 {
  zx_koid_t koid;
  char name[ZX_MAX_NAME_LEN];
  uint64_t size_bytes;
  zx_koid_t parent_koid;
  size_t num_children;
  size_t num_mappings;
  size_t share_count;
  uint32_t flags;
  uint8_t padding1[4];
  uint64_t committed_bytes;
  zx_rights_t handle_rights;
  uint32_t cache_policy;
  uint64_t metadata_bytes;
  uint64_t committed_change_events;
} zx_info_vmo_v2_t;

typedef struct zx_info_vmo_v1 {
  zx_koid_t koid;
  char name[ZX_MAX_NAME_LEN];
  uint64_t size_bytes;
  zx_koid_t parent_koid;
  size_t num_children;
  size_t num_mappings;
  size_t share_count;
  uint32_t flags;
  uint8_t padding1[4];
  uint64_t committed_bytes;
  zx_rights_t handle_rights;
  uint32_t cache_policy;
} zx_info_vmo_v1_t;

// ---- Devices and hypervisor ------------------------------------------------------------------

typedef struct zx_info_bti {
  uint64_t minimum_contiguity;
  uint64_t aspace_size;
  uint64_t pmo_count;
  uint64_t quarantine_count;
} zx_info_bti_t;

typedef struct zx_x86_64_info_guest_stats {
  uint32_t cpu_number;
  uint32_t flags;
  uint64_t vm_entries;
  uint64_t vm_exits;
  uint64_t interrupts;
  uint64_t interrupt_windows;
  uint64_t cpuid_instructions;
  uint64_t hlt_instructions;
  uint64_t control_register_accesses;
  uint64_t io_instructions;
  uint64_t rdmsr_instructions;
  uint64_t wrmsr_instructions;
  uint64_t ept_violations;
  uint64_t xsetbv_instructions;
  uint64_t pause_instructions;
  uint64_t vmcall_instructions;
} zx_x86_64_info_guest_stats_t;

#if defined(__x86_64__)
typedef zx_x86_64_info_guest_stats_t zx_info_guest_stats_t;
#endif

typedef struct zx_info_msi {
  uint64_t target_addr;
  uint32_t target_data;
  uint32_t base_irq_id;
  uint32_t num_irq;
  uint32_t interrupt_count;
} zx_info_msi_t;

typedef struct zx_info_vcpu {
  uint32_t flags;  // ZX_INFO_VCPU_FLAG_*
} zx_info_vcpu_t;

#define ZX_INFO_VCPU_FLAG_KICKED ((uint32_t)(1u << 0))

typedef struct zx_info_resource {
  uint32_t kind;   // ZX_RSRC_KIND_*
  uint32_t flags;
  uint64_t base;
  size_t size;
  char name[ZX_MAX_NAME_LEN];
} zx_info_resource_t;

// ---- Kernel statistics -----------------------------------------------------------------------

#define ZX_INFO_CPU_STATS_FLAG_ONLINE (1u << 0)

typedef struct zx_info_cpu_stats {
  uint32_t cpu_number;
  uint32_t flags;  // ZX_INFO_CPU_STATS_FLAG_*
  zx_duration_t idle_time;
  uint64_t reschedules;
  uint64_t context_switches;
  uint64_t irq_preempts;
  uint64_t preempts;
  uint64_t yields;
  uint64_t ints;
  uint64_t timer_ints;
  uint64_t timers;
  uint64_t page_faults;  // deprecated, 0
  uint64_t exceptions;   // deprecated, 0
  uint64_t syscalls;
  uint64_t reschedule_ipis;
  uint64_t generic_ipis;
} zx_info_cpu_stats_t;

typedef struct zx_info_kmem_stats {
  uint64_t total_bytes;         // physical memory
  uint64_t free_bytes;
  uint64_t wired_bytes;         // kernel image, ramdisk, early boot allocations ...
  uint64_t total_heap_bytes;
  uint64_t free_heap_bytes;
  uint64_t vmo_bytes;           // committed to VMOs
  uint64_t mmu_overhead_bytes;  // page tables
  uint64_t ipc_bytes;
  uint64_t other_bytes;
} zx_info_kmem_stats_t;

typedef struct zx_info_kmem_stats_extended {
  uint64_t total_bytes;
  uint64_t free_bytes;
  uint64_t wired_bytes;
  uint64_t total_heap_bytes;
  uint64_t free_heap_bytes;
  uint64_t vmo_bytes;
  uint64_t vmo_pager_total_bytes;
  uint64_t vmo_pager_newest_bytes;
  uint64_t vmo_pager_oldest_bytes;
  uint64_t vmo_discardable_locked_bytes;
  uint64_t vmo_discardable_unlocked_bytes;
  uint64_t mmu_overhead_bytes;
  uint64_t ipc_bytes;
  uint64_t other_bytes;
  uint64_t vmo_reclaim_disabled_bytes;
} zx_info_kmem_stats_extended_t;

typedef struct zx_info_kmem_stats_compression {
  uint64_t uncompressed_storage_bytes;
  uint64_t compressed_storage_bytes;
  uint64_t compressed_fragmentation_bytes;
  zx_duration_t compression_time;
  zx_duration_t decompression_time;
  uint64_t total_page_compression_attempts;
  uint64_t failed_page_compression_attempts;
  uint64_t total_page_decompressions;
  uint64_t compressed_page_evictions;
  uint64_t eager_page_compressions;
  uint64_t memory_pressure_page_compressions;
  uint64_t critical_memory_page_compressions;
  uint64_t pages_decompressed_unit_ns;
  uint64_t pages_decompressed_within_log_time[8];
} zx_info_kmem_stats_compression_t;

// ---- Thread states (zx_info_thread_t.state) --------------------------------------------------

#define ZX_THREAD_STATE_NEW       ((zx_thread_state_t)0x0000u)
#define ZX_THREAD_STATE_RUNNING   ((zx_thread_state_t)0x0001u)
#define ZX_THREAD_STATE_SUSPENDED ((zx_thread_state_t)0x0002u)
#define ZX_THREAD_STATE_BLOCKED   ((zx_thread_state_t)0x0003u)  // only reported with a reason
#define ZX_THREAD_STATE_DYING     ((zx_thread_state_t)0x0004u)
#define ZX_THREAD_STATE_DEAD      ((zx_thread_state_t)0x0005u)

#define ZX_THREAD_STATE_BLOCKED_EXCEPTION ((zx_thread_state_t)0x0103u)
#define ZX_THREAD_STATE_BLOCKED_SLEEPING  ((zx_thread_state_t)0x0203u)
#define ZX_THREAD_STATE_BLOCKED_FUTEX     ((zx_thread_state_t)0x0303u)
#define ZX_THREAD_STATE_BLOCKED_PORT      ((zx_thread_state_t)0x0403u)
#define ZX_THREAD_STATE_BLOCKED_CHANNEL   ((zx_thread_state_t)0x0503u)
#define ZX_THREAD_STATE_BLOCKED_WAIT_ONE  ((zx_thread_state_t)0x0603u)
#define ZX_THREAD_STATE_BLOCKED_WAIT_MANY ((zx_thread_state_t)0x0703u)
#define ZX_THREAD_STATE_BLOCKED_INTERRUPT ((zx_thread_state_t)0x0803u)
#define ZX_THREAD_STATE_BLOCKED_PAGER     ((zx_thread_state_t)0x0903u)

// The basic state (e.g. BLOCKED) of a possibly more precise one.
#define ZX_THREAD_STATE_BASIC(n) ((n) & 0xff)

// ---- Exception properties --------------------------------------------------------------------

// ZX_PROP_EXCEPTION_STATE values
#define ZX_EXCEPTION_STATE_TRY_NEXT    0u
#define ZX_EXCEPTION_STATE_HANDLED     1u
#define ZX_EXCEPTION_STATE_THREAD_EXIT 2u

// ZX_PROP_EXCEPTION_STRATEGY values
#define ZX_EXCEPTION_STRATEGY_FIRST_CHANCE  0u
#define ZX_EXCEPTION_STRATEGY_SECOND_CHANCE 1u

// ---- Layout checks ---------------------------------------------------------------------------

_ZX_STATIC_ASSERT(sizeof(zx_info_handle_basic_t) == 32, "zx_info_handle_basic_t layout");
_ZX_STATIC_ASSERT(offsetof(zx_info_handle_basic_t, related_koid) == 16, "zx_info_handle_basic_t");
_ZX_STATIC_ASSERT(sizeof(zx_info_handle_extended_t) == 40, "zx_info_handle_extended_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_handle_count_t) == 4, "zx_info_handle_count_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_process_handle_stats_t) == 256, "zx_info_process_handle_stats_t");
_ZX_STATIC_ASSERT(sizeof(zx_info_process_t) == 24, "zx_info_process_t layout");
_ZX_STATIC_ASSERT(offsetof(zx_info_process_t, flags) == 16, "zx_info_process_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_job_t) == 16, "zx_info_job_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_thread_t) == 72, "zx_info_thread_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_thread_stats_t) == 16, "zx_info_thread_stats_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_task_stats_t) == 32, "zx_info_task_stats_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_task_runtime_t) == 32, "zx_info_task_runtime_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_task_runtime_v1_t) == 16, "zx_info_task_runtime_v1_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_timer_t) == 24, "zx_info_timer_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_stream_t) == 24, "zx_info_stream_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_socket_t) == 48, "zx_info_socket_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_vmar_t) == 16, "zx_info_vmar_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_maps_mapping_t) == 40, "zx_info_maps_mapping_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_maps_mapping_v1_t) == 32, "zx_info_maps_mapping_v1_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_maps_t) == 104, "zx_info_maps_t layout");
_ZX_STATIC_ASSERT(offsetof(zx_info_maps_t, u) == 64, "zx_info_maps_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_maps_v1_t) == 96, "zx_info_maps_v1_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_vmo_t) == 128, "zx_info_vmo_t layout");
_ZX_STATIC_ASSERT(offsetof(zx_info_vmo_t, flags) == 80, "zx_info_vmo_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_vmo_v2_t) == 120, "zx_info_vmo_v2_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_vmo_v1_t) == 104, "zx_info_vmo_v1_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_bti_t) == 32, "zx_info_bti_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_x86_64_info_guest_stats_t) == 120, "zx_x86_64_info_guest_stats_t");
_ZX_STATIC_ASSERT(sizeof(zx_info_msi_t) == 24, "zx_info_msi_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_vcpu_t) == 4, "zx_info_vcpu_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_resource_t) == 56, "zx_info_resource_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_cpu_stats_t) == 120, "zx_info_cpu_stats_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_kmem_stats_t) == 72, "zx_info_kmem_stats_t layout");
_ZX_STATIC_ASSERT(sizeof(zx_info_kmem_stats_extended_t) == 120, "zx_info_kmem_stats_extended_t");
_ZX_STATIC_ASSERT(sizeof(zx_info_kmem_stats_compression_t) == 168,
                  "zx_info_kmem_stats_compression_t layout");

__END_CDECLS

#endif  // ZIRCON_SYSCALLS_OBJECT_H_
