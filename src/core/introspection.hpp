/*
 * api_auth core: RFC 7662 token introspection, request and response.
 *
 * The request body is built here (form-urlencoded token, RFC 7662 §2.1);
 * the response is parsed here with jansson on a cache miss only, and
 * reduced to a decision plus a compact claims record (claims.hpp) that
 * the adapter stores in shared memory.
 */

#ifndef API_AUTH_CORE_INTROSPECTION_HPP
#define API_AUTH_CORE_INTROSPECTION_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "encoding.hpp"
#include "status.hpp"

namespace api_auth {

/* the largest response body parse_introspection() accepts */
constexpr size_t max_introspection_body = 64 * 1024;

struct token_info {
    int64_t      exp;           /* 0 when absent */
    std::string  claims;        /* claims record (claims.hpp), bounded by
                                   max_claims_record; empty if inactive */
};

/*
 * Parses an introspection response body at time `now` (Unix seconds).
 *   ok         active token; out.exp and out.claims set;
 *   inactive   "active": false, or exp <= now, or nbf > now, or
 *              "token_type" names a refresh token ("refresh_token",
 *              "refresh" or RFC 8693's URI for it, any case);
 *   malformed  not a JSON object, duplicate keys, "active" missing or not
 *              a boolean, "exp"/"nbf" present but not a number, "scope"
 *              not a string, "client_id"/"sub"/"token_type" not strings,
 *              "aud" not a string or array of strings;
 *   too_large  body over max_introspection_body;
 *   internal   allocation failure.
 * The claims record holds every top-level claim as text (claims.hpp);
 * client_id, sub, scope and aud come first so that they survive the
 * record's size bound.  A scope that is not an RFC 6749 §3.3 scope
 * string (is_scope) is left out: it grants nothing.  aud keeps only the
 * values without spaces or control bytes, space-joined, so that each
 * value is compared whole.
 */
[[nodiscard]] status parse_introspection(std::string_view body, int64_t now,
                                         token_info &out) noexcept;

/*
 * RFC 7662 §2.2: the response is application/json.  True for that media
 * type and for application/...+json (RFC 6839), parameters and case
 * ignored, and for an absent Content-Type (the body still has to parse);
 * false for any other type (text/html of an error page, a JWT reply).
 */
[[nodiscard]] bool is_json_media_type(std::string_view content_type) noexcept;

}  // namespace api_auth

#endif
