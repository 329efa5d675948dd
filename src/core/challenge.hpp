/*
 * api_auth core: the WWW-Authenticate values of a location (SPEC.md
 * "Responses (RFC 6750)" and "MCP-ready resource server").
 *
 * Built once at configuration time, so they may allocate; a request only
 * picks one of the four strings.  One header value holds every challenge
 * (RFC 7235 §4.1), Bearer first, so that "satisfy any" can cancel it as a
 * whole and MCP clients find resource_metadata in the first challenge.
 */

#ifndef API_AUTH_CORE_CHALLENGE_HPP
#define API_AUTH_CORE_CHALLENGE_HPP

#include <cstddef>
#include <string>
#include <string_view>

#include "identity.hpp"
#include "status.hpp"

namespace api_auth {

/* RFC 7235 §2.2 quoted-string of n bytes: at most every byte escaped */
constexpr size_t
quoted_max(size_t n) noexcept
{
    return 2 * n + 2;
}

/*
 * Writes s as an RFC 7235 quoted-string, '"' and '\' escaped as
 * quoted-pairs, into out (quoted_max(s.size()) bytes, no NUL); returns
 * the length written.  The caller keeps control bytes out (is_quotable):
 * a quoted-string cannot carry them.
 */
size_t quote(std::string_view s, char *out) noexcept;

/* no byte below 0x20 and no DEL: s may go into a response header */
[[nodiscard]] bool is_quotable(std::string_view s) noexcept;

struct challenge_input {
    std::string_view  realm;          /* api_auth_realm */
    unsigned          methods;        /* method_api_key | method_oauth */
    bool              basic_source;   /* "basic" is an api_auth_key_source */
    std::string_view  scope;          /* api_auth_require_scope, joined
                                         with single spaces; may be "" */
    bool              resource;       /* api_auth_resource is set */
    std::string_view  metadata_url;   /* its metadata URL; "" for
                                         "metadata=off" */
};

struct challenges {
    std::string  missing;             /* 401, no credential */
    std::string  invalid_request;     /* 400 */
    std::string  invalid_token;       /* 401 */
    std::string  insufficient_scope;  /* 403 */
};

/*
 * Fills out (replacing its contents) with, for each case:
 *
 *   Bearer realm="R"[, error="E"][, scope="S"][, resource_metadata="U"]
 *     [, Basic realm="R"]
 *
 * error: invalid_request, invalid_token, insufficient_scope; none when
 * the credential is missing (RFC 6750 §3.1).
 *
 * scope: on 403 always (the required scopes).  On 400 and 401 only on a
 * resource location, that is api_auth_resource set and oauth among the
 * methods (SPEC Part 2; RFC 6750 §3 allows it on every challenge and the
 * MCP authorization specification asks for it on 401); other locations
 * keep Part 1's strings.  Never an empty scope="".
 *
 * resource_metadata (RFC 9728 §5.1): on every case of a resource
 * location with a metadata URL.  API-key-only locations never carry it.
 *
 * Basic realm: on the missing-credential case only, when api_key is a
 * method and "basic" a key source (SPEC Part 1).
 *
 *   ok         out filled;
 *   malformed  realm, scope or metadata URL holds a control byte;
 *   internal   allocation failure.
 */
[[nodiscard]] status build_challenges(const challenge_input &in,
                                      challenges &out) noexcept;

}  // namespace api_auth

#endif
