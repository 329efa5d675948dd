/*
 * api_auth core: the parts of an absolute URL, shared by the URL checks
 * (url.hpp) and its Check tests.  Internal to src/core.
 */

#ifndef API_AUTH_CORE_URL_PARTS_HPP
#define API_AUTH_CORE_URL_PARTS_HPP

#include <cstddef>
#include <string_view>

#include "url.hpp"

namespace api_auth {

/* the parts of an absolute URL, views into it */
struct url_parts {
    std::string_view  scheme;
    std::string_view  host;       /* with the brackets of an IPv6 literal */
    std::string_view  port;       /* digits, "" when absent */
    std::string_view  path;
    size_t            rest;       /* offset of '?' or '#', or size */
};

/*
 * "scheme://authority path [?query] [#fragment]" into p: not_absolute,
 * character (a byte outside RFC 3986 §2, a bad %XX), userinfo, port
 * (a ':' without digits) or ok.  The host and the port are not judged.
 */
[[nodiscard]] url_error url_split(std::string_view url, url_parts &p)
    noexcept;

/* a DNS name or IPv4 address, or an IPv6 literal in brackets */
[[nodiscard]] bool url_valid_host(std::string_view host) noexcept;

/* "" or 1..65535: ok, or default_port (443 for https, 80 for http) */
[[nodiscard]] url_error url_check_port(std::string_view port, bool https)
    noexcept;

}  // namespace api_auth

#endif
