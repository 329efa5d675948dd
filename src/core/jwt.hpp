/*
 * api_auth core: JWS compact serialization and JWT access token claims
 * (RFC 7515, RFC 7519, RFC 9068, RFC 8725).
 *
 * parse_jwt() runs every check that needs no key, cheapest first: size,
 * shape, strict base64url, the header (alg allow-list, forbidden and
 * ignored parameters, typ, kid), then the claims.  The signature is
 * checked afterwards with a key chosen by the caller (jwk.hpp:
 * jwk_select, jws_verify); a token is valid only when both succeed.
 *
 * jansson parses the header and the payload (a cache miss only); token
 * and identity strings are bounded by max_jws_token.
 */

#ifndef API_AUTH_CORE_JWT_HPP
#define API_AUTH_CORE_JWT_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "encoding.hpp"
#include "policy.hpp"
#include "status.hpp"

namespace api_auth {

constexpr size_t  max_jws_token = 8192;      /* the whole compact token */
constexpr size_t  max_jws_header = 2048;     /* the encoded header */
constexpr size_t  max_jws_signature = 1024;  /* decoded: RSA 8192 bits */
constexpr size_t  max_jwt_kid = 128;



/* RFC 7518 §3.1 and RFC 8037 / RFC 9864 names; never none, never HS* */
enum class jws_alg : uint8_t {
    rs256, rs384, rs512,
    ps256, ps384, ps512,
    es256, es384, es512,
    eddsa, ed25519
};

constexpr unsigned  jws_alg_count = 11;

/* a set of algorithms: bit (1 << alg) */
using jws_alg_set = uint16_t;

constexpr jws_alg_set
jws_alg_bit(jws_alg a) noexcept
{
    return static_cast<jws_alg_set>(1u << static_cast<unsigned>(a));
}

/* the SPEC's default of api_auth_jwt_algorithms */
constexpr jws_alg_set  jws_default_algs =
    jws_alg_bit(jws_alg::rs256) | jws_alg_bit(jws_alg::ps256)
    | jws_alg_bit(jws_alg::es256) | jws_alg_bit(jws_alg::eddsa)
    | jws_alg_bit(jws_alg::ed25519);

/* exact, case-sensitive names (RFC 7515 §4.1.1); false for none, HS* */
[[nodiscard]] bool jws_alg_from_name(std::string_view name,
                                     jws_alg &out) noexcept;
[[nodiscard]] std::string_view jws_alg_name(jws_alg a) noexcept;

/*
 * RFC 7515 §4.1.4 and RFC 7517 §4.5 kid, as this module accepts it in a
 * token and in a key: 1..max_jwt_kid bytes without control bytes (kids
 * reach logs and cache keys).
 */
[[nodiscard]] bool jws_kid_valid(std::string_view kid) noexcept;


/* api_auth_jwt_type: a set of these bits */
constexpr unsigned  jwt_type_at_jwt = 1;    /* at+jwt, application/at+jwt */
constexpr unsigned  jwt_type_jwt = 2;       /* JWT, application/jwt, none */

/*
 * The configuration a token is checked against.  Every view must stay
 * valid during the call only.
 */
struct jwt_policy {
    jws_alg_set                algorithms = jws_default_algs;
    unsigned                   types = jwt_type_at_jwt | jwt_type_jwt;
    string_list                issuers;         /* empty: no token passes */
    string_list                audiences;       /* unless audience_off */
    bool                       audience_off = false;
    int64_t                    leeway = 30;     /* seconds, >= 0 */
    string_list                client_claims;   /* empty: client_id, azp */
    list_view<required_claim>  required;
};

/* why a token was refused: for logs and tests, never for the client */
enum class jwt_reason : uint8_t {
    none,
    size,               /* over max_jws_token or max_jws_header */
    shape,              /* not three non-empty dot-separated segments */
    base64,             /* a segment is not strict base64url */
    header,             /* not a JSON object, duplicates, alg not a string */
    alg,                /* alg not in the allow-list */
    forbidden,          /* crit, b64, zip or cty present */
    type,               /* typ not allowed, or not a string */
    kid,                /* kid not a string of 1..128 bytes without
                           control bytes */
    payload,            /* not a JSON object, or duplicate members */
    claim_type,         /* a registered claim of the wrong JSON type */
    issuer,             /* iss absent or not configured */
    audience,           /* aud absent or none configured */
    expired,            /* exp absent, out of range, or past (+ leeway) */
    not_yet_valid,      /* nbf after now + leeway */
    issued_at,          /* iat out of range or after now + leeway */
    required_claim,     /* an api_auth_require_claim failed */
    signature,          /* wrong length, r or s zero, or no match */
    key,                /* no key fits (alg, kty, kid), or it is bound to
                           another algorithm */
    internal            /* allocation failure */
};

[[nodiscard]] std::string_view jwt_reason_text(jwt_reason r) noexcept;

/*
 * A token that passed parse_jwt().  The views point into the token
 * passed to parse_jwt(), which must outlive them (the adapter's request
 * buffer), and issuer into the policy's issuer storage (configuration);
 * everything else is a copy.  About 1.2 KB and not trivially
 * destructible: a local of the resolver, never a pool ctx or a shm
 * record (the adapter copies what it caches).  scope holds an RFC 6749
 * §3.3 scope string or is empty (a malformed scope grants nothing).
 */
struct jwt {
    jws_alg           alg;
    bool              has_kid;
    std::string_view  signing_input;     /* header "." payload, as sent */
    size_t            kid_len;
    char              kid[max_jwt_kid];
    size_t            signature_len;
    uint8_t           signature[max_jws_signature];

    std::string_view  issuer;            /* the configured issuer (view
                                            into policy.issuers' storage) */
    std::string       subject;           /* sub, empty if absent */
    std::string       client;            /* first client claim present */
    std::string       scope;
    int64_t           exp;
    int64_t           nbf;               /* 0 when absent */
    int64_t           iat;               /* 0 when absent */
    jwt_reason        reason;

    std::string_view kid_view() const noexcept
    {
        return std::string_view(kid, kid_len);
    }
};

/*
 * Validates everything but the signature at time now (Unix seconds).
 *   ok         out filled, out.reason none;
 *   expired    exp in the past (beyond the leeway);
 *   inactive   any other refusal: the reason is in out.reason;
 *   too_large  token or header over its bound;
 *   internal   allocation failure.
 * On the JWT path every refusal is 401 invalid_token (SPEC.md), so the
 * adapter must not map a status of this function to 400.
 */
[[nodiscard]] status parse_jwt(std::string_view token,
                               const jwt_policy &policy, int64_t now,
                               jwt &out) noexcept;

/*
 * The claim checks of parse_jwt() alone, on a decoded payload (JSON
 * text): fills the claim fields of out (issuer, subject, client, scope,
 * exp, nbf, iat) and returns jwt_reason::none, or the first failure
 * (then those fields are unspecified; parse_jwt() resets them).
 * RFC 7519 §2 NumericDates are integers or finite reals (truncated) in
 * 0 .. 9999-12-31T23:59:59Z; anything else is refused.
 */
[[nodiscard]] jwt_reason jwt_check_claims(std::string_view payload,
                                          const jwt_policy &policy,
                                          int64_t now, jwt &out) noexcept;

/*
 * The routing rule of SPEC.md: true when token is of JWS compact form
 * (three non-empty strict base64url segments whose header is a JSON
 * object with a string alg, and whose payload is a JSON object) and its
 * unverified "iss" is a string equal to one of issuers; then issuer is a
 * view of that configured issuer.  Such a token takes the JWT path for
 * good; any other goes to introspection.  Never allocates beyond
 * jansson's parse of the header and payload.
 */
[[nodiscard]] bool jws_route(std::string_view token, string_list issuers,
                             std::string_view &issuer) noexcept;

}  // namespace api_auth

#endif
