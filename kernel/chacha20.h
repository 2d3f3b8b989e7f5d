// ChaCha20 (RFC 8439 §2.3-2.4): 256-bit key, 32-bit block counter, 96-bit nonce. Portable C;
// the kernel's CPRNG (kernel/cprng.c) is built on the block function.
#ifndef ZC_KERNEL_CHACHA20_H
#define ZC_KERNEL_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_BYTES 32
#define CHACHA20_NONCE_BYTES 12
#define CHACHA20_BLOCK_BYTES 64

// The 64-byte key-stream block for (key, counter, nonce).
void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t out[CHACHA20_BLOCK_BYTES]);
// XORs len bytes of key stream, starting at block `counter`, into buf (encrypts or decrypts).
void chacha20_xor(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t *buf, size_t len);

#endif
