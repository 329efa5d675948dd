/*
 * api_auth core: OAuth 2.0 protected-resource metadata (RFC 9728) for
 * SPEC.md "MCP-ready resource server".
 *
 * Everything here runs at configuration time: the URLs of the directives
 * are checked for nginx -t, the metadata URL is derived, and the JSON
 * document is rendered once; a request only compares its path
 * (metadata_path_matches, is_metadata_root) and sends prebuilt bytes.
 * The resource is used verbatim: nothing is ever rebuilt from Host or
 * X-Forwarded-*.
 */

#ifndef API_AUTH_CORE_RESOURCE_METADATA_HPP
#define API_AUTH_CORE_RESOURCE_METADATA_HPP

#include <string>
#include <string_view>

#include "status.hpp"
#include "url.hpp"

namespace api_auth {

/* RFC 9728 §3: the well-known URI suffix, inserted after the host */
constexpr std::string_view  well_known_prefix =
    "/.well-known/oauth-protected-resource";

/* a resource_name: not empty, valid UTF-8, no control byte */
[[nodiscard]] bool is_resource_name(std::string_view name) noexcept;

/*
 * RFC 9728 §3.1: the metadata URL of a resource, well_known_prefix
 * inserted between the host (with its port) and the path; a path of "/"
 * is dropped.  "https://api.example.com/mcp" gives
 * "https://api.example.com/.well-known/oauth-protected-resource/mcp".
 *   ok         out set;
 *   malformed  resource does not pass check_url(resource, url_use::resource);
 *   internal   allocation failure.
 */
[[nodiscard]] status metadata_url(std::string_view resource,
                                  std::string &out) noexcept;

/*
 * Whether a request path (as sent: the URI before any '?', not
 * percent-decoded, the way clients build it from the resource) asks for
 * the document published at metadata_url: equal to its path, or to its
 * path plus one '/'.  An empty URL path counts as "/".
 */
[[nodiscard]] bool metadata_path_matches(std::string_view request_path,
                                         std::string_view metadata_url)
    noexcept;

/* the bare well_known_prefix, with or without one trailing '/' (root=) */
[[nodiscard]] bool is_metadata_root(std::string_view request_path) noexcept;

struct metadata_fields {
    std::string_view  resource;
    std::string_view  authorization_servers;   /* space-delimited */
    std::string_view  scopes_supported;        /* space-delimited */
    std::string_view  resource_name;           /* "" when unset */
    std::string_view  resource_documentation;  /* "" when unset */
};

/*
 * The RFC 9728 §2 document, compact JSON, keys in this order: resource,
 * authorization_servers, scopes_supported, bearer_methods_supported
 * (always ["header"]: RFC 6750 §2.1 is the only method read),
 * resource_name, resource_documentation.  Empty lists and unset strings
 * are left out.  Runs of spaces in the lists are tolerated.
 *   ok         out set;
 *   malformed  empty resource, or a value that is not valid UTF-8;
 *   internal   allocation failure.
 */
[[nodiscard]] status render_metadata(const metadata_fields &in,
                                     std::string &out) noexcept;

}  // namespace api_auth

#endif
