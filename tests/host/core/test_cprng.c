// ChaCha20 against RFC 8439's test vectors, and the DRBG built on it (kernel/cprng.c).
#include <string.h>

#include "hal/testhal/testhal.h"
#include "kernel/chacha20.h"
#include "kernel/cprng.h"
#include "tests/host/ktest.h"

static void from_hex(const char *hex, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + j];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (uint8_t)v;
    }
}

static void key_0_to_31(uint8_t key[32]) {
    for (int i = 0; i < 32; i++) key[i] = (uint8_t)i;
}

// One key-stream block against its expected value.
static bool block_is(const uint8_t key[32], uint32_t counter, const char *nonce_hex, const char *want_hex) {
    uint8_t nonce[12], out[64], want[64];
    from_hex(nonce_hex, nonce, sizeof(nonce));
    from_hex(want_hex, want, sizeof(want));
    chacha20_block(key, counter, nonce, out);
    return memcmp(out, want, sizeof(out)) == 0;
}

// RFC 8439 §2.3.2: the block function.
TEST(Chacha20, BlockFunctionRfc8439_2_3_2) {
    uint8_t key[32];
    key_0_to_31(key);
    EXPECT_TRUE(block_is(key, 1, "000000090000004a00000000",
                         "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                         "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"));
}

// RFC 8439 §2.4.2: encrypting 114 bytes from block counter 1 (two full blocks and a tail).
TEST(Chacha20, EncryptionRfc8439_2_4_2) {
    static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
                                "the future, sunscreen would be it.";
    uint8_t key[32], nonce[12], buf[114], want[114];
    ASSERT_EQ(sizeof(plain) - 1, sizeof(buf));
    key_0_to_31(key);
    from_hex("000000000000004a00000000", nonce, 12);
    from_hex("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
             "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
             "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
             "5af90bbf74a35be6b40b8eedf2785e42874d",
             want, sizeof(want));
    memcpy(buf, plain, sizeof(buf));
    chacha20_xor(key, 1, nonce, buf, sizeof(buf));
    EXPECT_EQ(memcmp(buf, want, sizeof(buf)), 0);
    chacha20_xor(key, 1, nonce, buf, sizeof(buf));  // and back
    EXPECT_EQ(memcmp(buf, plain, sizeof(buf)), 0);
}

// RFC 8439 Appendix A.1, test vectors #1 (all zero) and #3 (last key bit set, counter 1).
TEST(Chacha20, KeyStreamRfc8439_A_1) {
    uint8_t key[32] = {0};
    EXPECT_TRUE(block_is(key, 0, "000000000000000000000000",
                         "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                         "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"));
    key[31] = 1;
    EXPECT_TRUE(block_is(key, 1, "000000000000000000000000",
                         "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
                         "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0"));
}

TEST(Cprng, DrawsDifferAndCoverOddLengths) {
    uint8_t a[256], b[256], c[3];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    cprng_draw(a, sizeof(a));
    cprng_draw(b, sizeof(b));
    EXPECT_NE(memcmp(a, b, sizeof(a)), 0);
    // Not stuck at zero anywhere in a 256-byte draw (all-zero 16-byte runs: ~never).
    for (size_t i = 0; i + 16 <= sizeof(a); i += 16) {
        static const uint8_t zero[16];
        EXPECT_NE(memcmp(a + i, zero, 16), 0);
    }
    cprng_draw(c, sizeof(c));
    cprng_draw(NULL, 0);
}

// Small draws are served from the pool of keystream across several refills (and draws that
// straddle a refill): every one distinct and none zero.
TEST(Cprng, SmallDrawsAcrossRefillsAreDistinct) {
    enum { N = 100 };
    static uint64_t v[N];
    for (int i = 0; i < N; i++) cprng_draw(&v[i], sizeof(v[i]));
    uint8_t odd[37];
    for (int r = 0; r < 20; r++) cprng_draw(odd, sizeof(odd));  // misaligns the pool position
    for (int i = 0; i < N; i++) {
        EXPECT_NE(v[i], 0u);
        for (int j = 0; j < i; j++) EXPECT_NE(v[i], v[j]);
    }
}

// The jitter loop indexes its scratch buffer with the tick counter: a counter whose low 32 bits
// are near INT32_MAX must not overflow signed arithmetic there (UBSan; found by the hosted
// fuzzer through zx_cprng_add_entropy).
TEST(Cprng, JitterWithTicksNearInt32Max) {
    zx_time_t was = th_now();
    th_set_now(0x7fffffffll - 1000);
    cprng_add_entropy("x", 1);
    th_set_now(0x17ffffff0ll);
    cprng_add_entropy("y", 1);
    th_set_now(was);
    uint64_t v = 0;
    cprng_draw(&v, sizeof(v));
    EXPECT_NE(v, 0u);
}

TEST(Cprng, AddEntropyReseeds) {
    struct cprng_stats s0, s1;
    cprng_draw((uint8_t[8]){0}, 8);
    cprng_get_stats(&s0);
    cprng_add_entropy("some entropy", 12);
    cprng_get_stats(&s1);
    EXPECT_EQ(s1.reseeds, s0.reseeds + 1);
    EXPECT_EQ(s1.since_reseed, 0u);
    EXPECT_GT(s1.hw_words, s0.hw_words);
}

TEST(Cprng, ReseedsAfterItsOutputBudgetAndWithoutHardware) {
    struct cprng_stats s0, s1;
    uint8_t buf[256];
    th_entropy_off = true;  // jitter and time alone must still work
    cprng_draw(buf, sizeof(buf));
    cprng_get_stats(&s0);
    for (uint32_t done = 0; done <= CPRNG_RESEED_BYTES; done += sizeof(buf)) cprng_draw(buf, sizeof(buf));
    cprng_get_stats(&s1);
    th_entropy_off = false;
    EXPECT_GE(s1.reseeds, s0.reseeds + 1);
    EXPECT_EQ(s1.hw_words, s0.hw_words);
}
