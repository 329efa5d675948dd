/*
 * api_auth core: absolute http(s) URLs of the configuration (RFC 3986).
 */

#include "encoding.hpp"
#include "url.hpp"

namespace api_auth {

namespace {

/* the parts of an absolute URL, views into it */
struct url_parts {
    std::string_view  scheme;
    std::string_view  host;       /* with the brackets of an IPv6 literal */
    std::string_view  port;       /* digits, "" when absent */
    std::string_view  path;
    size_t            rest;       /* offset of '?' or '#', or size */
};

bool
is_alpha(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


bool
is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}


bool
is_hex(char c) noexcept
{
    return hex_value(c) >= 0;
}


bool
is_upper(std::string_view s) noexcept
{
    for (char c : s) {
        if (c >= 'A' && c <= 'Z') {
            return true;
        }
    }

    return false;
}


bool
equal_nocase(std::string_view a, std::string_view b) noexcept
{
    size_t  i;

    if (a.size() != b.size()) {
        return false;
    }

    for (i = 0; i < a.size(); i++) {
        if ((a[i] | 0x20) != (b[i] | 0x20)) {
            return false;
        }
    }

    return true;
}


/* RFC 3986 §2: unreserved, reserved, and '%' HEXDIG HEXDIG */
bool
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
valid_host(std::string_view h) noexcept
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
split(std::string_view url, url_parts &p) noexcept
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
check_port(std::string_view port, bool https) noexcept
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


/* WHATWG URL parsers drop "." and ".." segments, also as %2e */
bool
has_dot_segment(std::string_view path) noexcept
{
    size_t  i, start;

    for (i = 0; i < path.size(); i = start) {
        start = path.find('/', i + 1);
        if (start == std::string_view::npos) {
            start = path.size();
        }

        std::string_view  seg = path.substr(i + 1, start - i - 1);

        if (seg == "." || seg == ".." || equal_nocase(seg, "%2e")
            || equal_nocase(seg, ".%2e") || equal_nocase(seg, "%2e.")
            || equal_nocase(seg, "%2e%2e"))
        {
            return true;
        }
    }

    return false;
}

}  // namespace


url_error
check_url(std::string_view url, url_use use) noexcept
{
    url_parts  p;
    url_error  e;
    bool       https, strict;

    e = split(url, p);
    if (e != url_error::ok) {
        return e;
    }

    https = equal_nocase(p.scheme, "https");

    if (!https && !equal_nocase(p.scheme, "http")) {
        return url_error::scheme;
    }

    if (!valid_host(p.host)) {
        return url_error::host;
    }

    /* RFC 8252 §8.3 and the MCP authorization specification: plain http
       only where the traffic never leaves the machine */
    if (!https && !equal_nocase(p.host, "127.0.0.1")
        && !equal_nocase(p.host, "[::1]") && !equal_nocase(p.host, "localhost"))
    {
        return url_error::not_loopback;
    }

    strict = use != url_use::documentation;

    e = check_port(p.port, https);
    if (e == url_error::port || (strict && e != url_error::ok)) {
        return e;
    }

    if (strict && (is_upper(p.scheme) || is_upper(p.host))) {
        return url_error::uppercase;
    }

    if (p.path.find_first_of("[]") != std::string_view::npos) {
        return url_error::character;
    }

    if (strict && has_dot_segment(p.path)) {
        return url_error::dot_segment;
    }

    if (strict && p.rest < url.size()) {
        return url[p.rest] == '?' ? url_error::query : url_error::fragment;
    }

    return url_error::ok;
}


const char *
url_error_text(url_error e) noexcept
{
    switch (e) {
    case url_error::ok:
        return "is valid";
    case url_error::not_absolute:
        return "is not an absolute URL";
    case url_error::scheme:
        return "is neither https nor http";
    case url_error::not_loopback:
        return "is http: allowed only for 127.0.0.1, [::1] and localhost";
    case url_error::character:
        return "has a character that is not allowed in a URL";
    case url_error::userinfo:
        return "has a user name or password";
    case url_error::host:
        return "has no valid host";
    case url_error::port:
        return "has an invalid port";
    case url_error::default_port:
        return "names the default port of its scheme (clients drop it)";
    case url_error::uppercase:
        return "has upper case in the scheme or host (clients lower it)";
    case url_error::dot_segment:
        return "has a \".\" or \"..\" path segment";
    case url_error::query:
        return "has a query";
    case url_error::fragment:
        return "has a fragment";
    }

    return "is invalid";
}


std::string_view
url_path(std::string_view url) noexcept
{
    url_parts  p;

    return split(url, p) == url_error::ok ? p.path : std::string_view();
}

}  // namespace api_auth
