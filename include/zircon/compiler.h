// zc public API: the few compiler helper macros the zircon/ headers use (names as in Zircon's
// <zircon/compiler.h>). Each is defined only if nobody defined it first; a later identical
// definition elsewhere is harmless, a different one is a redefinition warning, so keep them
// spelled exactly like this if you define them too.
#ifndef ZIRCON_COMPILER_H_
#define ZIRCON_COMPILER_H_

#ifdef __cplusplus
#ifndef __BEGIN_CDECLS
#define __BEGIN_CDECLS extern "C" {
#endif
#ifndef __END_CDECLS
#define __END_CDECLS }
#endif
#else
#ifndef __BEGIN_CDECLS
#define __BEGIN_CDECLS
#endif
#ifndef __END_CDECLS
#define __END_CDECLS
#endif
#endif

#ifndef __NO_RETURN
#define __NO_RETURN __attribute__((__noreturn__))
#endif
#ifndef __CONST
#define __CONST __attribute__((__const__))
#endif
#ifndef __LEAF_FN
#define __LEAF_FN __attribute__((__leaf__))
#endif
#ifndef __WARN_UNUSED_RESULT
#define __WARN_UNUSED_RESULT __attribute__((__warn_unused_result__))
#endif

// ABI layout checks (private to these headers), usable from C and C++.
#ifdef __cplusplus
#define _ZX_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define _ZX_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#endif  // ZIRCON_COMPILER_H_
