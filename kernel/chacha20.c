// ChaCha20 as specified in RFC 8439: a 4x4 matrix of 32-bit words (constants, key, counter,
// nonce), 20 rounds alternating column and diagonal quarter rounds, then the input added back.
#include "kernel/chacha20.h"

static inline uint32_t rotl32(uint32_t v, unsigned n) { return (v << n) | (v >> (32 - n)); }

static inline uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void store_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

// One quarter round on words a, b, c, d of the state.
#define QR(x, a, b, c, d)                    \
    do {                                     \
        x[a] += x[b], x[d] = rotl32(x[d] ^ x[a], 16); \
        x[c] += x[d], x[b] = rotl32(x[b] ^ x[c], 12); \
        x[a] += x[b], x[d] = rotl32(x[d] ^ x[a], 8);  \
        x[c] += x[d], x[b] = rotl32(x[b] ^ x[c], 7);  \
    } while (0)

void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t out[CHACHA20_BLOCK_BYTES]) {
    uint32_t in[16], x[16];
    in[0] = 0x61707865;  // "expand 32-byte k", little-endian words
    in[1] = 0x3320646e;
    in[2] = 0x79622d32;
    in[3] = 0x6b206574;
    for (int i = 0; i < 8; i++) in[4 + i] = load_le32(key + 4 * i);
    in[12] = counter;
    for (int i = 0; i < 3; i++) in[13 + i] = load_le32(nonce + 4 * i);
    for (int i = 0; i < 16; i++) x[i] = in[i];
    for (int round = 0; round < 10; round++) {  // 10 double rounds = 20 rounds
        QR(x, 0, 4, 8, 12);
        QR(x, 1, 5, 9, 13);
        QR(x, 2, 6, 10, 14);
        QR(x, 3, 7, 11, 15);
        QR(x, 0, 5, 10, 15);
        QR(x, 1, 6, 11, 12);
        QR(x, 2, 7, 8, 13);
        QR(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++) store_le32(out + 4 * i, x[i] + in[i]);
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t *buf, size_t len) {
    uint8_t ks[CHACHA20_BLOCK_BYTES];
    while (len) {
        chacha20_block(key, counter++, nonce, ks);
        size_t n = len < sizeof(ks) ? len : sizeof(ks);
        for (size_t i = 0; i < n; i++) buf[i] ^= ks[i];
        buf += n;
        len -= n;
    }
}
