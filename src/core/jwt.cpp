/*
 * api_auth core: algorithm names, the JOSE header rules (RFC 7515 §4,
 * RFC 8725) and parse_jwt(), which runs them on a token split and
 * decoded by jws_compact.cpp before the claims (jwt_claims.cpp).
 */

#include <cstring>
#include <memory>

#include "jws_compact.hpp"
#include "text.hpp"

namespace api_auth {

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


bool
jws_kid_valid(std::string_view kid) noexcept
{
    for (unsigned char c : kid) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }

    return !kid.empty() && kid.size() <= max_jwt_kid;
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

        if (!jws_kid_valid(k)) {
            return jwt_reason::kid;
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
    uint8_t       hbuf[base64url_decoded_max(max_jws_header)];
    uint8_t       pbuf[base64url_decoded_max(max_jws_token)];
    jws_segments  s;
    size_t        n;
    json_ptr      header;
    jwt_reason    r;

    reset(out);

    if (token.size() > max_jws_token) {
        return refuse(out, jwt_reason::size);
    }

    if (!jws_split(token, s)) {
        return refuse(out, jwt_reason::shape);
    }

    if (s.header.size() > max_jws_header) {
        return refuse(out, jwt_reason::size);
    }

    if (s.signature.size() > base64url_encoded_len(max_jws_signature)) {
        return refuse(out, jwt_reason::signature);
    }

    r = jws_decode_object(s.header, hbuf, jwt_reason::header, header);
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


}  // namespace api_auth
