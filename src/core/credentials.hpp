/*
 * api_auth core: credential extraction.
 *
 * RFC 7235 §2.1 credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ],
 * RFC 6750 §2.1 "Bearer" 1*SP b64token, RFC 7617 Basic with RFC 4648 §4
 * base64.  Inputs are views into nginx-owned header memory; outputs are
 * views into the same memory or into caller-provided buffers.
 */

#ifndef API_AUTH_CORE_CREDENTIALS_HPP
#define API_AUTH_CORE_CREDENTIALS_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "encoding.hpp"
#include "status.hpp"
#include "text.hpp"

namespace api_auth {

enum class scheme {
    bearer,
    basic,
    key,                    /* no scheme: the whole value is an API key
                               (parse_authorization_key) */
    other                   /* a scheme this module does not read */
};

struct authorization {
    scheme            kind;
    std::string_view  value;     /* token68 after the scheme; may be empty
                                    only for kind == other */
};

/*
 * Parses an Authorization header value, without its leading and trailing
 * OWS (trim_ows).  The scheme name is case-insensitive.  Returns
 *   ok         kind and value set; for bearer/basic value is a non-empty
 *              token68 (RFC 7235 §2.1);
 *   malformed  empty value, control or non-ASCII bytes, TAB, a Bearer or
 *              Basic scheme without credentials, or credentials that are
 *              not token68 for Bearer/Basic.
 * Other schemes are returned as scheme::other with the rest of the line
 * (after checking for control bytes), so that the caller can treat them as
 * "no credential for this module" (RFC 6750 §3.1).
 */
[[nodiscard]] status parse_authorization(std::string_view header,
                                         authorization &out) noexcept;

/*
 * Parses an Authorization value where the location also reads API keys
 * sent with no scheme (api_auth_key_source header=Authorization, GPT's
 * "Custom" auth type with the header name Authorization).  A value whose
 * first word (up to the first SP) is "Bearer" or "Basic", in any case, is
 * parsed by parse_authorization, with the same results.  Any other value
 * is the key itself: kind == scheme::key, value the whole value after
 * trim_ows, and ok only if check_header_key accepts it.  So "Digest abc"
 * is malformed here, as it would be in X-API-Key: no key has a space, and
 * no other scheme is "no credential" at such a location.
 */
[[nodiscard]] status parse_authorization_key(std::string_view header,
                                             authorization &out) noexcept;

/* token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
[[nodiscard]] bool is_token68(std::string_view s) noexcept;

/*
 * The API key in a decoded Basic user-pass (RFC 7617 §2): "user:KEY" gives
 * KEY, "KEY:" (curl -u KEY:) gives KEY.  No colon, or both parts empty,
 * is malformed.
 */
[[nodiscard]] status basic_key(std::string_view user_pass,
                               std::string_view &key) noexcept;

/*
 * A key sent in a custom header (api_auth_key_source header=NAME): the
 * whole value after trim_ows, which must be non-empty visible ASCII
 * (0x21-0x7e); otherwise malformed.
 */
[[nodiscard]] status check_header_key(std::string_view value) noexcept;

}  // namespace api_auth

#endif
