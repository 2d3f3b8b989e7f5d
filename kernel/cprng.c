// A ChaCha20-based DRBG.
//
// State: a 256-bit key, a 64-bit request counter and a pool of keystream. A refill runs
// ChaCha20 under the key with nonce = (request counter, domain "draw") for POOL_BLOCKS blocks:
// the first 32 bytes become the next key at once and are wiped, the rest is the pool, from which
// draws are served, each byte wiped as it leaves (fast key erasure: a later compromise of the
// state reveals no earlier output; only the pool's unserved bytes, as the key reveals what follows).
// A draw of 8 bytes so costs an eighth of a block instead of two blocks. Entropy is absorbed 32 bytes at a time by key' = ChaCha20(key XOR chunk, nonce =
// domain "absorb") truncated to 32 bytes; the block function's final feed-forward addition
// makes that one-way. Seeding absorbs hardware words (RDSEED/RDRAND through hal_entropy) and
// timing jitter (hal_ticks deltas around memory work); reseeding happens after
// CPRNG_RESEED_BYTES of output or CPRNG_RESEED_NS, and after every zx_cprng_add_entropy.
#include "kernel/cprng.h"

#include <string.h>

#include "hal/hal.h"
#include "kernel/chacha20.h"
#include "kernel/debug.h"
#include "kernel/init.h"

// Nonce words 2 (the high 32 bits of the 96-bit nonce) separate the two uses of the cipher.
#define DOMAIN_DRAW 0x77617264u    // "draw"
#define DOMAIN_ABSORB 0x6f736261u  // "abso"

#define SEED_HW_WORDS 8
#define SEED_JITTER_SAMPLES 64
#define RESEED_HW_WORDS 4

#define POOL_BLOCKS 4

static uint8_t key[CHACHA20_KEY_BYTES];
static uint8_t pool[POOL_BLOCKS * CHACHA20_BLOCK_BYTES];
static size_t pool_pos = sizeof(pool);  // the next byte to serve; sizeof(pool): empty
static uint64_t requests;
static bool seeded;
static zx_time_t last_reseed;
static struct cprng_stats stats;

static void make_nonce(uint8_t nonce[CHACHA20_NONCE_BYTES], uint64_t n, uint32_t domain) {
    for (int i = 0; i < 8; i++) nonce[i] = (uint8_t)(n >> (8 * i));
    for (int i = 0; i < 4; i++) nonce[8 + i] = (uint8_t)(domain >> (8 * i));
}

static void absorb(const void *data, size_t len) {
    const uint8_t *p = data;
    uint8_t nonce[CHACHA20_NONCE_BYTES], block[CHACHA20_BLOCK_BYTES];
    uint64_t chunk_no = 0;
    do {
        uint8_t k[CHACHA20_KEY_BYTES];
        size_t n = len < sizeof(k) ? len : sizeof(k);
        memcpy(k, key, sizeof(k));
        for (size_t i = 0; i < n; i++) k[i] ^= p[i];
        make_nonce(nonce, chunk_no++, DOMAIN_ABSORB);
        chacha20_block(k, (uint32_t)n, nonce, block);  // the counter word carries the chunk length
        memcpy(key, block, sizeof(key));
        p += n;
        len -= n;
    } while (len);
    memset(block, 0, sizeof(block));
}

// Output made under an older key is not served after new entropy went in.
static void pool_discard(void) {
    memset(pool, 0, sizeof(pool));
    pool_pos = sizeof(pool);
}

static void pool_refill(void) {
    uint8_t nonce[CHACHA20_NONCE_BYTES];
    make_nonce(nonce, requests++, DOMAIN_DRAW);
    for (uint32_t b = 0; b < POOL_BLOCKS; b++)
        chacha20_block(key, b, nonce, pool + b * CHACHA20_BLOCK_BYTES);
    memcpy(key, pool, sizeof(key));  // fast key erasure, before any output leaves
    memset(pool, 0, sizeof(key));
    pool_pos = sizeof(key);
}

// Hardware words and timing jitter into the key.
static void gather(int hw_words, int jitter_samples) {
    uint64_t buf[4];
    size_t n = 0;
    for (int i = 0; i < hw_words; i++) {
        if (hal_entropy(&buf[n])) {
            stats.hw_words++;
            if (++n == countof(buf)) {
                absorb(buf, sizeof(buf));
                n = 0;
            }
        }
    }
    // Jitter: the cycles a little memory work takes vary with caches, interrupts and the host.
    static volatile uint8_t scratch[4096];
    uint64_t prev = hal_ticks();
    for (int i = 0; i < jitter_samples; i++) {
        for (uint64_t j = 0; j < 64; j++) scratch[(j * 67 + (uint64_t)i * 131 + prev) & 4095]++;
        uint64_t now = hal_ticks();
        buf[n] = (now - prev) ^ (now << 32);
        prev = now;
        if (++n == countof(buf)) {
            absorb(buf, sizeof(buf));
            n = 0;
        }
    }
    buf[n++] = (uint64_t)hal_now();
    absorb(buf, n * sizeof(buf[0]));
    memset(buf, 0, sizeof(buf));
    pool_discard();
    stats.reseeds++;
    stats.since_reseed = 0;
    last_reseed = hal_now();
    seeded = true;
}

static void seed_if_needed(void) {
    if (unlikely(!seeded)) gather(SEED_HW_WORDS, SEED_JITTER_SAMPLES);
    else if (stats.since_reseed >= CPRNG_RESEED_BYTES || hal_now() - last_reseed >= CPRNG_RESEED_NS)
        gather(RESEED_HW_WORDS, 8);
}

void cprng_draw(void *out, size_t len) {
    seed_if_needed();
    uint8_t *p = out;
    while (len) {
        if (pool_pos == sizeof(pool)) pool_refill();
        size_t n = sizeof(pool) - pool_pos;
        if (n > len) n = len;
        memcpy(p, pool + pool_pos, n);
        memset(pool + pool_pos, 0, n);
        pool_pos += n;
        p += n;
        len -= n;
        stats.since_reseed += n;
    }
}

void cprng_add_entropy(const void *data, size_t len) {
    seed_if_needed();
    if (len) absorb(data, len);
    gather(RESEED_HW_WORDS, 8);
}

void cprng_get_stats(struct cprng_stats *out) { *out = stats; }

static void cprng_level(void) {
    gather(SEED_HW_WORDS, SEED_JITTER_SAMPLES);
    kprintf("zc: cprng: chacha20 drbg seeded (hardware: %s, %lu words; jitter)\n", hal_entropy_source(),
            stats.hw_words);
}
KERNEL_INIT(cprng_level, INIT_LEVEL_PLATFORM);
