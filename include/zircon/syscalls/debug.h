// zc public API: thread register state for zx_thread_read_state() / zx_thread_write_state()
// (x86_64 layouts; zc runs on x86_64 only).
#ifndef ZIRCON_SYSCALLS_DEBUG_H_
#define ZIRCON_SYSCALLS_DEBUG_H_

#include <stdint.h>
#include <zircon/compiler.h>

__BEGIN_CDECLS

// ZX_THREAD_STATE_GENERAL_REGS
typedef struct zx_x86_64_thread_state_general_regs {
  uint64_t rax;
  uint64_t rbx;
  uint64_t rcx;
  uint64_t rdx;
  uint64_t rsi;
  uint64_t rdi;
  uint64_t rbp;
  uint64_t rsp;
  uint64_t r8;
  uint64_t r9;
  uint64_t r10;
  uint64_t r11;
  uint64_t r12;
  uint64_t r13;
  uint64_t r14;
  uint64_t r15;
  uint64_t rip;
  uint64_t rflags;
  uint64_t fs_base;
  uint64_t gs_base;
} zx_x86_64_thread_state_general_regs_t;

// ZX_THREAD_STATE_FP_REGS: x87 and MMX state.
typedef struct zx_x86_64_thread_state_fp_regs {
  uint16_t fcw;  // control word
  uint16_t fsw;  // status word
  uint8_t ftw;   // tag word
  uint8_t reserved;
  uint16_t fop;  // last opcode
  uint64_t fip;  // last instruction pointer
  uint64_t fdp;  // last data pointer
  uint8_t padding1[8];
  // st0..st7: 80 bits used for x87, the low 64 for MMX.
  __attribute__((__aligned__(16))) struct {
    uint64_t low;
    uint64_t high;
  } st[8];
} zx_x86_64_thread_state_fp_regs_t;

// ZX_THREAD_STATE_VECTOR_REGS: SSE/AVX/AVX-512 state. Without AVX-512, zmm[16..31] and
// opmask are 0; YMM is v[0..3] of each entry, XMM v[0..1].
typedef struct zx_x86_64_thread_state_vector_regs {
  struct {
    uint64_t v[8];
  } zmm[32];
  uint64_t opmask[8];
  uint32_t mxcsr;
  uint8_t padding1[4];
} zx_x86_64_thread_state_vector_regs_t;

// ZX_THREAD_STATE_DEBUG_REGS
typedef struct zx_x86_64_thread_state_debug_regs {
  uint64_t dr[4];
  uint64_t dr6;  // status
  uint64_t dr7;  // control
} zx_x86_64_thread_state_debug_regs_t;

#if defined(__x86_64__)
typedef zx_x86_64_thread_state_general_regs_t zx_thread_state_general_regs_t;
typedef zx_x86_64_thread_state_fp_regs_t zx_thread_state_fp_regs_t;
typedef zx_x86_64_thread_state_vector_regs_t zx_thread_state_vector_regs_t;
typedef zx_x86_64_thread_state_debug_regs_t zx_thread_state_debug_regs_t;
#endif

// ZX_THREAD_STATE_SINGLE_STEP: 0 or 1.
typedef uint32_t zx_thread_state_single_step_t;

// The |kind| of zx_thread_read_state() / zx_thread_write_state().
typedef uint32_t zx_thread_state_topic_t;
#define ZX_THREAD_STATE_GENERAL_REGS ((uint32_t)0)
#define ZX_THREAD_STATE_FP_REGS      ((uint32_t)1)
#define ZX_THREAD_STATE_VECTOR_REGS  ((uint32_t)2)
// 3 is unused.
#define ZX_THREAD_STATE_DEBUG_REGS   ((uint32_t)4)
#define ZX_THREAD_STATE_SINGLE_STEP  ((uint32_t)5)

_ZX_STATIC_ASSERT(sizeof(zx_x86_64_thread_state_general_regs_t) == 160, "general regs layout");
_ZX_STATIC_ASSERT(sizeof(zx_x86_64_thread_state_fp_regs_t) == 160, "fp regs layout");
_ZX_STATIC_ASSERT(sizeof(zx_x86_64_thread_state_vector_regs_t) == 2120, "vector regs layout");
_ZX_STATIC_ASSERT(sizeof(zx_x86_64_thread_state_debug_regs_t) == 48, "debug regs layout");

__END_CDECLS

#endif  // ZIRCON_SYSCALLS_DEBUG_H_
