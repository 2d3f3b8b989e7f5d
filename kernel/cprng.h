// The kernel's CSPRNG behind zx_cprng_draw / zx_cprng_add_entropy: a ChaCha20 DRBG
// (kernel/chacha20.c) seeded from the HAL's hardware entropy and timing jitter, reseeded
// periodically and whenever entropy is added. Portable: only hal_entropy and hal_ticks below it.
#ifndef ZC_KERNEL_CPRNG_H
#define ZC_KERNEL_CPRNG_H

#include <stddef.h>
#include <stdint.h>

// Output bytes, and time, after which the next draw reseeds first.
#define CPRNG_RESEED_BYTES (1u << 20)
#define CPRNG_RESEED_NS 1000000000ll

// Fills out[0..len) (seeds first if nobody has).
void cprng_draw(void *out, size_t len);
// Mixes caller-supplied bytes into the state, then reseeds from the hardware.
void cprng_add_entropy(const void *data, size_t len);

// For tests and the boot log.
struct cprng_stats {
    uint64_t reseeds;         // seedings, the first one included
    uint64_t hw_words;        // 64-bit words hal_entropy supplied, in total
    uint64_t since_reseed;    // output bytes since the last reseed
};
void cprng_get_stats(struct cprng_stats *out);

#endif
