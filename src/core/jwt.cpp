/*
 * api_auth core: JWS compact serialization, strict base64url, the JOSE
 * header, and the routing rule.
 *
 * Tokens come from clients, so everything here is hostile input: sizes
 * are checked before any decoding, decoding before any JSON, and JSON is
 * parsed with duplicate members rejected (RFC 8725 §3.12 asks for one
 * meaning per token) and without trailing data (jansson's default).
 */

#include <cstring>
#include <memory>

#include <jansson.h>

#include "json.hpp"
#include "jwt.hpp"
#include "text.hpp"

namespace api_auth {

namespace {

/* the three segments of a compact JWS, views into the token */
struct segments {
    std::string_view  header;
    std::string_view  payload;
    std::string_view  signature;
};

}  // namespace


static constexpr std::string_view  alg_names[jws_alg_count] = {
    "RS256", "RS384", "RS512",
    "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512",
    "EdDSA", "Ed25519"
};


bool
jws_alg_from_name(std::string_view name, jws_alg &out) noexcept
{
    for (unsigned i = 0; i < jws_alg_count; i++) {
        if (name == alg_names[i]) {
            out = static_cast<jws_alg>(i);
            return true;
        }
    }

    return false;
}


std::string_view
jws_alg_name(jws_alg a) noexcept
{
    unsigned  i = static_cast<unsigned>(a);

    return i < jws_alg_count ? alg_names[i] : std::string_view("?");
}


std::string_view
jwt_reason_text(jwt_reason r) noexcept
{
    static constexpr std::string_view  text[] = {
        "none", "token too large", "not a compact JWS", "bad base64url",
        "bad header", "algorithm not allowed", "forbidden header parameter",
        "type not allowed", "bad kid", "bad payload", "bad claim type",
        "issuer not allowed", "audience not allowed", "expired",
        "not yet valid", "bad iat", "required claim missing",
        "bad signature", "no fitting key", "internal error"
    };

    static_assert(sizeof(text) / sizeof(text[0])
                  == static_cast<size_t>(jwt_reason::internal) + 1, "");

    return text[static_cast<size_t>(r)];
}


/* three non-empty segments separated by exactly two dots */
static bool
split(std::string_view token, segments &s) noexcept
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


/* decodes a segment and parses it as one JSON object */
static jwt_reason
decode_object(std::string_view seg, uint8_t *buf, jwt_reason bad,
              json_ptr &out) noexcept
{
    json_error_t  err;
    size_t        n;

    if (base64url_decode(seg, buf, n) != status::ok) {
        return jwt_reason::base64;
    }

    out.reset(json_loadb(reinterpret_cast<const char *>(buf), n,
                         JSON_REJECT_DUPLICATES, &err));

    if (out == nullptr) {
        return json_error_code(&err) == json_error_out_of_memory
               ? jwt_reason::internal : bad;
    }

    return json_is_object(out.get()) ? jwt_reason::none : bad;
}



/* RFC 9068 §2.1 typ, RFC 7519 §5.1 (media type, "application/" optional) */
static bool
type_allowed(json_t *typ, unsigned types) noexcept
{
    std::string_view  t;

    if (typ == nullptr) {
        return (types & jwt_type_jwt) != 0;
    }

    if (!json_is_string(typ)) {
        return false;
    }

    t = json_text(typ);

    if ((types & jwt_type_at_jwt)
        && (iequal(t, "at+jwt") || iequal(t, "application/at+jwt")))
    {
        return true;
    }

    return (types & jwt_type_jwt)
           && (iequal(t, "jwt") || iequal(t, "application/jwt"));
}


/*
 * The JOSE header (RFC 7515 §4).  crit (RFC 7515 §4.1.11) would oblige us
 * to understand extensions; b64 (RFC 7797) changes what is signed; zip and
 * cty belong to JWE or nested JWTs: none of them is ever accepted.  jku,
 * x5u, jwk and x5c name keys the token chose itself (RFC 8725 §3.10) and
 * are ignored.
 */
static jwt_reason
check_header(json_t *h, const jwt_policy &policy, jwt &out) noexcept
{
    json_t            *alg, *kid;
    std::string_view   k;

    alg = json_object_get(h, "alg");

    if (!json_is_string(alg)) {
        return jwt_reason::header;
    }

    if (!jws_alg_from_name(json_text(alg), out.alg)
        || !(policy.algorithms & jws_alg_bit(out.alg)))
    {
        return jwt_reason::alg;
    }

    for (const char *name : { "crit", "b64", "zip", "cty" }) {
        if (json_object_get(h, name) != nullptr) {
            return jwt_reason::forbidden;
        }
    }

    if (!type_allowed(json_object_get(h, "typ"), policy.types)) {
        return jwt_reason::type;
    }

    kid = json_object_get(h, "kid");
    out.has_kid = (kid != nullptr);

    if (kid != nullptr) {
        if (!json_is_string(kid)) {
            return jwt_reason::kid;
        }

        k = json_text(kid);

        if (k.empty() || k.size() > max_jwt_kid) {
            return jwt_reason::kid;
        }

        /* kids reach logs and cache keys: no control bytes */
        for (unsigned char c : k) {
            if (c < 0x20 || c == 0x7f) {
                return jwt_reason::kid;
            }
        }

        std::memcpy(out.kid, k.data(), k.size());
        out.kid_len = k.size();
    }

    return jwt_reason::none;
}


static void
reset(jwt &out) noexcept
{
    out.alg = jws_alg::rs256;
    out.has_kid = false;
    out.signing_input = {};
    out.kid_len = 0;
    out.signature_len = 0;
    out.issuer = {};
    out.subject.clear();
    out.client.clear();
    out.scope.clear();
    out.exp = 0;
    out.nbf = 0;
    out.iat = 0;
    out.reason = jwt_reason::none;
}


static status
refuse(jwt &out, jwt_reason r) noexcept
{
    reset(out);
    out.reason = r;

    switch (r) {
    case jwt_reason::size:
        return status::too_large;
    case jwt_reason::internal:
        return status::internal;
    case jwt_reason::expired:
        return status::expired;
    default:
        return status::inactive;
    }
}


status
parse_jwt(std::string_view token, const jwt_policy &policy, int64_t now,
          jwt &out) noexcept
{
    uint8_t     hbuf[base64url_decoded_max(max_jws_header)];
    uint8_t     pbuf[base64url_decoded_max(max_jws_token)];
    segments    s;
    size_t      n;
    json_ptr    header;
    jwt_reason  r;

    reset(out);

    if (token.size() > max_jws_token) {
        return refuse(out, jwt_reason::size);
    }

    if (!split(token, s)) {
        return refuse(out, jwt_reason::shape);
    }

    if (s.header.size() > max_jws_header) {
        return refuse(out, jwt_reason::size);
    }

    if (s.signature.size() > base64url_encoded_len(max_jws_signature)) {
        return refuse(out, jwt_reason::signature);
    }

    r = decode_object(s.header, hbuf, jwt_reason::header, header);
    if (r == jwt_reason::none) {
        r = check_header(header.get(), policy, out);
    }

    if (r != jwt_reason::none) {
        return refuse(out, r);
    }

    if (base64url_decode(s.signature, out.signature, out.signature_len)
        != status::ok)
    {
        return refuse(out, jwt_reason::base64);
    }

    if (base64url_decode(s.payload, pbuf, n) != status::ok) {
        return refuse(out, jwt_reason::base64);
    }

    out.signing_input = token.substr(0, s.header.size() + 1
                                        + s.payload.size());

    r = jwt_check_claims(std::string_view(reinterpret_cast<char *>(pbuf), n),
                         policy, now, out);

    return r == jwt_reason::none ? status::ok : refuse(out, r);
}


bool
jws_route(std::string_view token, string_list issuers,
          std::string_view &issuer) noexcept
{
    uint8_t     buf[base64url_decoded_max(max_jws_token)];
    size_t      n;
    segments    s;
    json_ptr    j;
    json_t     *v;

    issuer = {};

    if (token.size() > max_jws_token || !split(token, s)
        || s.header.size() > max_jws_header)
    {
        return false;
    }

    if (base64url_decode(s.signature, buf, n) != status::ok
        || decode_object(s.header, buf, jwt_reason::header, j)
           != jwt_reason::none
        || !json_is_string(json_object_get(j.get(), "alg")))
    {
        return false;
    }

    if (decode_object(s.payload, buf, jwt_reason::payload, j)
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
