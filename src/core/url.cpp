/*
 * api_auth core: absolute http(s) URLs of the configuration (RFC 3986):
 * the rules of each use on the parts url_parts.cpp finds.
 */

#include "text.hpp"
#include "url_parts.hpp"

namespace api_auth {

static bool
is_upper(std::string_view s) noexcept
{
    for (char c : s) {
        if (c >= 'A' && c <= 'Z') {
            return true;
        }
    }

    return false;
}


/* WHATWG URL parsers drop "." and ".." segments, also as %2e */
static bool
has_dot_segment(std::string_view path) noexcept
{
    size_t  i, start;

    for (i = 0; i < path.size(); i = start) {
        start = path.find('/', i + 1);
        if (start == std::string_view::npos) {
            start = path.size();
        }

        std::string_view  seg = path.substr(i + 1, start - i - 1);

        if (seg == "." || seg == ".." || iequal(seg, "%2e")
            || iequal(seg, ".%2e") || iequal(seg, "%2e.")
            || iequal(seg, "%2e%2e"))
        {
            return true;
        }
    }

    return false;
}

url_error
check_url(std::string_view url, url_use use) noexcept
{
    url_parts  p;
    url_error  e;
    bool       https, strict;

    e = url_split(url, p);
    if (e != url_error::ok) {
        return e;
    }

    https = iequal(p.scheme, "https");

    if (!https && !iequal(p.scheme, "http")) {
        return url_error::scheme;
    }

    if (!url_valid_host(p.host)) {
        return url_error::host;
    }

    /* RFC 8252 §8.3 and the MCP authorization specification: plain http
       only where the traffic never leaves the machine */
    if (!https && !iequal(p.host, "127.0.0.1")
        && !iequal(p.host, "[::1]") && !iequal(p.host, "localhost"))
    {
        return url_error::not_loopback;
    }

    strict = use != url_use::documentation;

    e = url_check_port(p.port, https);
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

    return url_split(url, p) == url_error::ok ? p.path : std::string_view();
}

}  // namespace api_auth
