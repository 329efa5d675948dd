/*
 * api_auth core: the parts of an absolute URL (RFC 3986 §3): scheme,
 * authority (host and port; userinfo refused) and path, for url.cpp.
 */

#include "encoding.hpp"
#include "url_parts.hpp"

namespace api_auth {

static bool
is_alpha(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


static bool
is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}


static bool
is_hex(char c) noexcept
{
    return hex_value(c) >= 0;
}


/* RFC 3986 §2: unreserved, reserved, and '%' HEXDIG HEXDIG */
static bool
uri_characters(std::string_view s) noexcept
{
    constexpr std::string_view  other = "-._~:/?#[]@!$&'()*+,;=";
    size_t                      i;

    for (i = 0; i < s.size(); i++) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || !is_hex(s[i + 1])
                || !is_hex(s[i + 2]))
            {
                return false;
            }

            i += 2;

        } else if (!is_alpha(s[i]) && !is_digit(s[i])
                   && other.find(s[i]) == std::string_view::npos)
        {
            return false;
        }
    }

    return true;
}


/* a DNS name or IPv4 address, or an IPv6 literal in brackets */
bool
url_valid_host(std::string_view h) noexcept
{
    std::string_view  chars = "-._~";

    if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
        h = h.substr(1, h.size() - 2);
        chars = ":.";

        if (h.find(':') == std::string_view::npos) {
            return false;
        }
    }

    for (char c : h) {
        if (!is_alpha(c) && !is_digit(c)
            && chars.find(c) == std::string_view::npos)
        {
            return false;
        }
    }

    return !h.empty();
}


url_error
url_split(std::string_view url, url_parts &p) noexcept
{
    size_t  i, end, colon;

    i = url.find(':');

    if (i == 0 || i == std::string_view::npos || !is_alpha(url[0])
        || url.substr(i, 3) != "://")
    {
        return url_error::not_absolute;
    }

    p.scheme = url.substr(0, i);

    if (!uri_characters(url)) {
        return url_error::character;
    }

    end = url.find_first_of("/?#", i + 3);
    if (end == std::string_view::npos) {
        end = url.size();
    }

    std::string_view  authority = url.substr(i + 3, end - (i + 3));

    if (authority.find('@') != std::string_view::npos) {
        return url_error::userinfo;
    }

    /* the port follows the last ':' after an IPv6 literal's ']' */
    colon = authority.rfind(':');
    if (colon != std::string_view::npos
        && authority.find(']', colon) == std::string_view::npos
        && (authority[0] != '[' || authority.rfind(']') < colon))
    {
        p.host = authority.substr(0, colon);
        p.port = authority.substr(colon + 1);

        if (p.port.empty()) {
            return url_error::port;
        }

    } else {
        p.host = authority;
        p.port = {};
    }

    p.rest = url.find_first_of("?#", end);
    if (p.rest == std::string_view::npos) {
        p.rest = url.size();
    }

    p.path = url.substr(end, p.rest - end);

    return url_error::ok;
}


url_error
url_check_port(std::string_view port, bool https) noexcept
{
    unsigned  n = 0;

    if (port.empty()) {
        return url_error::ok;
    }

    if (port.size() > 5) {
        return url_error::port;
    }

    for (char c : port) {
        if (!is_digit(c)) {
            return url_error::port;
        }

        n = n * 10 + (c - '0');
    }

    if (n == 0 || n > 65535) {
        return url_error::port;
    }

    return n == (https ? 443u : 80u) ? url_error::default_port
                                     : url_error::ok;
}

}  // namespace api_auth
