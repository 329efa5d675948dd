/*
 * api_auth core: SHA-256 digests, hex, constant-time comparison.
 *
 * Keys and tokens are only ever handled as their SHA-256 digest once they
 * leave the request buffer: the key file stores digests, the cache is keyed
 * by digest, and logs show at most digest_prefix() (8 hex digits).
 */

#ifndef API_AUTH_CORE_DIGEST_HPP
#define API_AUTH_CORE_DIGEST_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "encoding.hpp"

namespace api_auth {

using digest = std::array<uint8_t, 32>;

/* SHA-256 of len bytes; never allocates (hot path, STYLE.md R10) */
void sha256(const void *data, size_t len, digest &out) noexcept;

/* constant time: no early exit, whatever the contents */
[[nodiscard]] bool digest_equal(const digest &a, const digest &b) noexcept;

/*
 * The cache key of a token digest in one configuration's namespace:
 * d XOR ns, where ns is the SHA-256 of what makes two introspections
 * comparable (server, endpoint, client, cache times).  A bijection for
 * each ns, so no two tokens share a key within a namespace; across
 * namespaces, a shared key would need two SHA-256 outputs with a chosen
 * XOR, as hard as a collision.  Costs no hashing on the request path.
 */
void cache_key(const digest &d, const digest &ns, digest &out) noexcept;

/*
 * The cache key of a token where the namespace depends on the request:
 * SHA-256(base || len(part) as 4 bytes || part || token), one hash for
 * both (base: the configuration's share of the zone; part: the request's
 * host, or the value of api_auth_cache namespace=).  The length prefix
 * keeps part and token apart.  Never allocates.
 */
void namespaced_key(const digest &base, std::string_view part,
                    std::string_view token, digest &out) noexcept;

/*
 * HMAC-SHA256(secret, data) (RFC 2104), on the stack: the correlation id
 * logged for unknown credentials is keyed, so a log line is no offline
 * password test.
 */
void hmac_sha256(const digest &secret, const void *data, size_t len,
                 digest &out) noexcept;

/*
 * The log correlation id of a credential: the first 8 hex digits of
 * HMAC-SHA256(secret, credential); no NUL.  The same credential gives the
 * same id for as long as the secret lives, and nothing else.
 */
constexpr size_t digest_prefix_len = 8;
void digest_prefix(const digest &d, char *out) noexcept;
void log_id(const digest &secret, const void *data, size_t len,
            char *out) noexcept;

}  // namespace api_auth

#endif
