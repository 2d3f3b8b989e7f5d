// zc public API: zx_string_view_t, a string constant owned by the vDSO (returned in two
// registers, so it costs nothing over returning a const char*).
#ifndef ZIRCON_STRING_VIEW_H_
#define ZIRCON_STRING_VIEW_H_

#include <stddef.h>

typedef struct zx_string_view {
  const char* c_str;  // UTF-8, always NUL-terminated
  size_t length;      // bytes, without the terminating NUL
} zx_string_view_t;

#endif  // ZIRCON_STRING_VIEW_H_
