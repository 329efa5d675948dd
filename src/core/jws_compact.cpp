/*
 * api_auth core: JWS compact serialization (RFC 7515 §7.1) and the
 * routing rule of SPEC.md.
 *
 * Tokens come from clients, so everything here is hostile input: sizes
 * are checked before any decoding, decoding before any JSON, and JSON is
 * parsed with duplicate members rejected (RFC 8725 §3.12 asks for one
 * meaning per token) and without trailing data (jansson's default).
 */

#include "jws_compact.hpp"

namespace api_auth {

bool
jws_split(std::string_view token, jws_segments &s) noexcept
{
    size_t  a, b;

    a = token.find('.');
    if (a == std::string_view::npos) {
        return false;
    }

    b = token.find('.', a + 1);
    if (b == std::string_view::npos
        || token.find('.', b + 1) != std::string_view::npos)
    {
        return false;
    }

    s.header = token.substr(0, a);
    s.payload = token.substr(a + 1, b - a - 1);
    s.signature = token.substr(b + 1);

    return !s.header.empty() && !s.payload.empty() && !s.signature.empty();
}


jwt_reason
jws_decode_object(std::string_view seg, uint8_t *buf, jwt_reason bad,
                  json_ptr &out) noexcept
{
    size_t  n;

    if (base64url_decode(seg, buf, n) != status::ok) {
        out.reset();
        return jwt_reason::base64;
    }

    switch (json_object_load(
                std::string_view(reinterpret_cast<const char *>(buf), n),
                out))
    {
    case status::ok:
        return jwt_reason::none;
    case status::internal:
        return jwt_reason::internal;
    default:
        return bad;
    }
}


bool
jws_route(std::string_view token, string_list issuers,
          std::string_view &issuer) noexcept
{
    uint8_t       buf[base64url_decoded_max(max_jws_token)];
    size_t        n;
    jws_segments  s;
    json_ptr      j;
    json_t       *v;

    issuer = {};

    if (token.size() > max_jws_token || !jws_split(token, s)
        || s.header.size() > max_jws_header)
    {
        return false;
    }

    if (base64url_decode(s.signature, buf, n) != status::ok
        || jws_decode_object(s.header, buf, jwt_reason::header, j)
           != jwt_reason::none
        || !json_is_string(json_object_get(j.get(), "alg")))
    {
        return false;
    }

    if (jws_decode_object(s.payload, buf, jwt_reason::payload, j)
        != jwt_reason::none)
    {
        return false;
    }

    v = json_object_get(j.get(), "iss");

    if (!json_is_string(v)) {
        return false;
    }

    for (std::string_view i : issuers) {
        if (i == json_text(v)) {
            issuer = i;
            return true;
        }
    }

    return false;
}

}  // namespace api_auth
