/*
 * api_auth core: the JWS compact serialization (RFC 7515 §7.1) shared by
 * parse_jwt() and jws_route(): three segments, each strict base64url,
 * the header and payload JSON objects.  Internal to src/core.
 */

#ifndef API_AUTH_CORE_JWS_COMPACT_HPP
#define API_AUTH_CORE_JWS_COMPACT_HPP

#include <cstdint>
#include <string_view>

#include "json.hpp"
#include "jwt.hpp"

namespace api_auth {

/* the three segments of a compact JWS, views into the token */
struct jws_segments {
    std::string_view  header;
    std::string_view  payload;
    std::string_view  signature;
};

/* three non-empty segments separated by exactly two dots */
[[nodiscard]] bool jws_split(std::string_view token, jws_segments &s)
    noexcept;

/*
 * Decodes a segment into buf (base64url_decoded_max(seg.size()) bytes)
 * and parses it as one JSON object: none, base64, bad (not a JSON
 * object, a duplicate member) or internal.
 */
[[nodiscard]] jwt_reason jws_decode_object(std::string_view seg,
                                           uint8_t *buf, jwt_reason bad,
                                           json_ptr &out) noexcept;

}  // namespace api_auth

#endif
