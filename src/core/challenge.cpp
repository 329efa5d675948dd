/*
 * api_auth core: WWW-Authenticate values, built at configuration time.
 */

#include "challenge.hpp"

namespace api_auth {

namespace {

void
append_quoted(std::string &out, std::string_view s)
{
    size_t  n;

    n = out.size();
    out.resize(n + quoted_max(s.size()));
    out.resize(n + quote(s, &out[n]));
}


/* one Bearer challenge; error may be "" (none) */
void
bearer(std::string &out, const challenge_input &in, std::string_view error,
       bool with_scope, bool with_metadata)
{
    out = "Bearer realm=";
    append_quoted(out, in.realm);

    if (!error.empty()) {
        out += ", error=\"";
        out += error;
        out += '"';
    }

    if (with_scope && !in.scope.empty()) {
        out += ", scope=";
        append_quoted(out, in.scope);
    }

    if (with_metadata) {
        out += ", resource_metadata=";
        append_quoted(out, in.metadata_url);
    }
}

}  // namespace


size_t
quote(std::string_view s, char *out) noexcept
{
    char  *p = out;

    *p++ = '"';

    for (char c : s) {
        if (c == '"' || c == '\\') {
            *p++ = '\\';
        }

        *p++ = c;
    }

    *p++ = '"';

    return static_cast<size_t>(p - out);
}


bool
is_quotable(std::string_view s) noexcept
{
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }

    return true;
}


status
build_challenges(const challenge_input &in, challenges &out) noexcept
{
    bool  resource, metadata;

    if (!is_quotable(in.realm) || !is_quotable(in.scope)
        || !is_quotable(in.metadata_url))
    {
        return status::malformed;
    }

    /* SPEC Part 2 applies where a client can act on it: OAuth */
    resource = in.resource && (in.methods & method_oauth);
    metadata = resource && !in.metadata_url.empty();

    try {
        bearer(out.missing, in, "", resource, metadata);

        if ((in.methods & method_api_key) && in.basic_source) {
            out.missing += ", Basic realm=";
            append_quoted(out.missing, in.realm);
        }

        bearer(out.invalid_request, in, "invalid_request", resource,
               metadata);
        bearer(out.invalid_token, in, "invalid_token", resource, metadata);
        bearer(out.insufficient_scope, in, "insufficient_scope", true,
               metadata);

    } catch (...) {             /* bad_alloc, length_error */
        return status::internal;
    }

    return status::ok;
}

}  // namespace api_auth
