/*
 * api_auth core: SHA-256 digests, hex, constant-time comparison.
 */

/*
 * SHA256_Init/Update/Final are deprecated in OpenSSL 3.0 in favour of
 * EVP_Digest.  But EVP_Digest allocates an EVP_MD_CTX (and may fetch the
 * algorithm) on every call, and sha256() runs on every request, where we
 * promise zero heap allocations (SPEC.md "Performance", STYLE.md R10).
 * The low-level API hashes into a stack SHA256_CTX and allocates nothing;
 * it is the same default-provider implementation.  This must come before
 * the first OpenSSL header of this file.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <cstring>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "digest.hpp"

namespace api_auth {

static_assert(SHA256_DIGEST_LENGTH == sizeof(digest), "digest size");
static_assert(sizeof(digest) % sizeof(uint64_t) == 0, "whole words");

void
sha256(const void *data, size_t len, digest &out) noexcept
{
    SHA256_CTX  ctx;

    /* these cannot fail for a valid ctx; there is nothing to report */
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, data, len);
    SHA256_Final(out.data(), &ctx);

    /* the state is derived from the (secret) key: do not leave it */
    OPENSSL_cleanse(&ctx, sizeof(ctx));
}


bool
digest_equal(const digest &a, const digest &b) noexcept
{
    uint64_t  x, y, diff = 0;

    /*
     * No early exit on the first differing byte (STYLE.md R13): every
     * word is read and folded into diff whatever the contents.  Four
     * 64-bit words instead of CRYPTO_memcmp's 32 single bytes: this runs
     * on every request with a key.
     */
    for (size_t i = 0; i < a.size(); i += sizeof(uint64_t)) {
        std::memcpy(&x, a.data() + i, sizeof(x));
        std::memcpy(&y, b.data() + i, sizeof(y));
        diff |= x ^ y;
    }

    return diff == 0;
}


void
cache_key(const digest &d, const digest &ns, digest &out) noexcept
{
    for (size_t i = 0; i < d.size(); i++) {
        out[i] = static_cast<uint8_t>(d[i] ^ ns[i]);
    }
}


void
namespaced_key(const digest &base, std::string_view part,
               std::string_view token, digest &out) noexcept
{
    uint8_t     len[4];
    SHA256_CTX  ctx;

    len[0] = static_cast<uint8_t>(part.size() >> 24);
    len[1] = static_cast<uint8_t>(part.size() >> 16);
    len[2] = static_cast<uint8_t>(part.size() >> 8);
    len[3] = static_cast<uint8_t>(part.size());

    SHA256_Init(&ctx);
    SHA256_Update(&ctx, base.data(), base.size());
    SHA256_Update(&ctx, len, sizeof(len));
    SHA256_Update(&ctx, part.data(), part.size());
    SHA256_Update(&ctx, token.data(), token.size());
    SHA256_Final(out.data(), &ctx);

    /* the state is derived from the (secret) token: do not leave it */
    OPENSSL_cleanse(&ctx, sizeof(ctx));
}


void
hmac_sha256(const digest &secret, const void *data, size_t len,
            digest &out) noexcept
{
    uint8_t     pad[SHA256_CBLOCK];
    digest      inner;
    SHA256_CTX  ctx;

    /* the secret is 32 bytes, shorter than the block: zero-padded */
    static_assert(sizeof(digest) <= SHA256_CBLOCK, "key fits one block");

    std::memset(pad, 0x36, sizeof(pad));
    for (size_t i = 0; i < secret.size(); i++) {
        pad[i] = static_cast<uint8_t>(secret[i] ^ 0x36);
    }

    SHA256_Init(&ctx);
    SHA256_Update(&ctx, pad, sizeof(pad));
    SHA256_Update(&ctx, data, len);
    SHA256_Final(inner.data(), &ctx);

    std::memset(pad, 0x5c, sizeof(pad));
    for (size_t i = 0; i < secret.size(); i++) {
        pad[i] = static_cast<uint8_t>(secret[i] ^ 0x5c);
    }

    SHA256_Init(&ctx);
    SHA256_Update(&ctx, pad, sizeof(pad));
    SHA256_Update(&ctx, inner.data(), inner.size());
    SHA256_Final(out.data(), &ctx);

    OPENSSL_cleanse(&ctx, sizeof(ctx));
    OPENSSL_cleanse(pad, sizeof(pad));
    OPENSSL_cleanse(inner.data(), inner.size());
}


void
log_id(const digest &secret, const void *data, size_t len, char *out)
    noexcept
{
    digest  mac;

    hmac_sha256(secret, data, len, mac);
    digest_prefix(mac, out);
}


void
digest_prefix(const digest &d, char *out) noexcept
{
    hex_encode(d.data(), digest_prefix_len / 2, out);
}

}  // namespace api_auth
