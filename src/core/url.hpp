/*
 * api_auth core: the absolute URLs of the configuration (RFC 3986):
 * api_auth_resource, api_auth_authorization_servers and
 * api_auth_resource_documentation, checked for nginx -t.  Pure checks,
 * no allocation; the URL is never rewritten, only accepted or refused.
 */

#ifndef API_AUTH_CORE_URL_HPP
#define API_AUTH_CORE_URL_HPP

#include <string_view>

namespace api_auth {

/* what a URL is configured for: each use has its own rules */
enum class url_use {
    resource,       /* api_auth_resource (RFC 8707 §2), metadata= */
    issuer,         /* api_auth_authorization_servers (RFC 8414 §2) */
    documentation   /* api_auth_resource_documentation (a web page) */
};

enum class url_error {
    ok,
    not_absolute,   /* no "scheme://" */
    scheme,         /* neither https nor http */
    not_loopback,   /* http for a host other than loopback */
    character,      /* a byte outside RFC 3986, or a bad %XX */
    userinfo,       /* user[:password]@ */
    host,           /* empty or not a DNS name, IPv4 or [IPv6] */
    port,           /* empty, not a number or out of 1-65535 */
    default_port,   /* :443 for https, :80 for http */
    uppercase,      /* upper case in scheme or host */
    dot_segment,    /* a "." or ".." path segment (also %2e) */
    query,
    fragment
};

/*
 * Checks an absolute URL for a use.  Every use: "https://" (or http for
 * the hosts 127.0.0.1, [::1] and localhost only), a host, an optional
 * port, no userinfo, only RFC 3986 characters.  resource and issuer also
 * refuse a query, a fragment and what a client would normalise away
 * before comparing identifiers (upper-case scheme or host, the scheme's
 * default port, dot segments): the client compares the resource it
 * called with the document's "resource" (RFC 9728 §3.3), the issuer with
 * the authorization server's metadata (RFC 8414 §3.3), and a token's
 * "aud" with the resource, all as strings.  documentation may carry a
 * query and a fragment.
 */
[[nodiscard]] url_error check_url(std::string_view url, url_use use) noexcept;

/* a reason for nginx -t, after the URL: "has a query", "has no valid host" */
[[nodiscard]] const char *url_error_text(url_error e) noexcept;

/*
 * The path of a URL accepted by check_url: from the end of the host (and
 * port) to the query, fragment or end; "" when there is none.
 */
[[nodiscard]] std::string_view url_path(std::string_view url) noexcept;

}  // namespace api_auth

#endif
