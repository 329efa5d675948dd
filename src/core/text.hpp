/*
 * api_auth core: small text helpers shared by the core files: RFC 7230
 * OWS trimming and ASCII case-insensitive comparison.
 */

#ifndef API_AUTH_CORE_TEXT_HPP
#define API_AUTH_CORE_TEXT_HPP

#include <string_view>

namespace api_auth {

/*
 * RFC 7230 §3.2.4: a field value without leading and trailing OWS (SP,
 * HTAB).  nginx removes the spaces but keeps a HTAB.
 */
[[nodiscard]] std::string_view trim_ows(std::string_view value) noexcept;

/* ASCII case-insensitive equality; lower must be lower case */
[[nodiscard]] bool iequal(std::string_view s, std::string_view lower)
    noexcept;

}  // namespace api_auth

#endif
