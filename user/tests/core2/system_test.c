// vDSO-only system calls: zx_cache_flush and zx_system_get_features.
#include <stdint.h>
#include <zircon/features.h>
#include <zircon/syscalls.h>

#include "util.h"
#include "zctest.h"

#if defined(ZC_VDSO_IDX_cache_flush)
TEST(CacheTest, FlushOptions) {
    static uint8_t buf[256];
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_INSN));
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_DATA));
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INSN));
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INVALIDATE));
    EXPECT_OK(zx_cache_flush(buf, sizeof(buf),
                             ZX_CACHE_FLUSH_DATA | ZX_CACHE_FLUSH_INSN | ZX_CACHE_FLUSH_INVALIDATE));
    // "ZX_ERR_INVALID_ARGS options is invalid."
    EXPECT_STATUS(zx_cache_flush(buf, sizeof(buf), 0), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_INVALIDATE), ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cache_flush(buf, sizeof(buf), ZX_CACHE_FLUSH_INSN | ZX_CACHE_FLUSH_INVALIDATE),
                  ZX_ERR_INVALID_ARGS);
    EXPECT_STATUS(zx_cache_flush(buf, sizeof(buf), 1u << 3), ZX_ERR_INVALID_ARGS);
}
#endif

#if defined(ZC_VDSO_IDX_system_get_features)
TEST(SystemFeatures, Kinds) {
    uint32_t f = 0xdeadbeef;
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_CPU, &f));
    EXPECT_EQ(f & ZX_HAS_CPU_FEATURES, ZX_HAS_CPU_FEATURES);
    f = 0xdeadbeef;
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_VM, &f));
    EXPECT_EQ(f & ZX_VM_FEATURE_CAN_MAP_XOM, 0);  // x86 has no execute-only mappings
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_HW_BREAKPOINT_COUNT, &f));
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_HW_WATCHPOINT_COUNT, &f));
    EXPECT_OK(zx_system_get_features(ZX_FEATURE_KIND_ADDRESS_TAGGING, &f));
    // "ZX_ERR_NOT_SUPPORTED The requested feature kind is not available on this platform."
    EXPECT_STATUS(zx_system_get_features(77, &f), ZX_ERR_NOT_SUPPORTED);
}
#endif
