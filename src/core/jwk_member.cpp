/*
 * api_auth core: one member of a JWK Set's "keys" (RFC 7517 §4).
 *
 * A key set comes from the authorization server (or a file), so each key
 * is judged alone: a member of the wrong type, a parameter that is not
 * strict base64url, or a weak key skips that key with a reason, and the
 * rest of the set still loads (jwk_set.cpp).
 */

#include "json.hpp"
#include "jwk_internal.hpp"

namespace api_auth {

/* a base64url member of at most cap decoded bytes */
static bool
member_bytes(json_t *k, const char *name, uint8_t *buf, size_t cap,
             size_t &n) noexcept
{
    json_t  *v = json_object_get(k, name);

    n = 0;

    return json_is_string(v)
           && json_string_length(v) <= base64url_encoded_len(cap)
           && base64url_decode(json_text(v), buf, n) == status::ok
           && n <= cap;
}


/* RFC 7517 §4.2 use, §4.3 key_ops: may this key verify signatures? */
static const char *
check_purpose(json_t *k) noexcept
{
    size_t   i;
    json_t  *v, *e;
    bool     verify = false;

    v = json_object_get(k, "use");

    if (v != nullptr && !(json_is_string(v) && json_text(v) == "sig")) {
        return "use is not sig";
    }

    v = json_object_get(k, "key_ops");

    if (v == nullptr) {
        return nullptr;
    }

    json_array_foreach(v, i, e) {
        verify = verify || (json_is_string(e) && json_text(e) == "verify");
    }

    return verify ? nullptr : "key_ops without verify";
}


/* the key's parameters by kty and crv (RFC 7518 §6.2, §6.3, RFC 8037) */
static const char *
read_params(json_t *k, jwk_key_bytes &b, jwk_params &p) noexcept
{
    std::string_view  kty = json_text(json_object_get(k, "kty"));
    std::string_view  crv = json_text(json_object_get(k, "crv"));

    p = jwk_params();

    if (kty == "RSA") {
        p.kty = jwk_kty::rsa;
        p.n = b.n;
        p.e = b.e;

        if (!member_bytes(k, "n", b.n, sizeof(b.n), p.n_len)
            || !member_bytes(k, "e", b.e, sizeof(b.e), p.e_len))
        {
            return "RSA n or e missing, not base64url, or too long";
        }

        return nullptr;
    }

    if (kty == "EC") {
        p.kty = jwk_kty::ec;
        p.crv = crv == "P-256" ? jwk_curve::p256
                : crv == "P-384" ? jwk_curve::p384
                : crv == "P-521" ? jwk_curve::p521 : jwk_curve::none;

    } else if (kty == "OKP") {
        p.kty = jwk_kty::okp;
        p.crv = crv == "Ed25519" ? jwk_curve::ed25519 : jwk_curve::none;

    } else {
        return kty == "oct" ? "symmetric key" : "kty not supported";
    }

    if (p.crv == jwk_curve::none) {
        return "curve not supported";
    }

    p.x = b.x;
    p.y = p.kty == jwk_kty::ec ? b.y : nullptr;

    if (!member_bytes(k, "x", b.x, sizeof(b.x), p.x_len)
        || (p.y != nullptr
            && !member_bytes(k, "y", b.y, sizeof(b.y), p.y_len)))
    {
        return "coordinate missing, not base64url, or too long";
    }

    return nullptr;
}


const char *
jwk_read(json_t *k, jwk_key &out)
{
    jwk_key_bytes   b;
    jwk_params      p;
    json_t         *v;
    const char     *why;

    if (!json_is_object(k)) {
        return "not a JSON object";
    }

    if (!json_is_string(json_object_get(k, "kty"))) {
        return "kty missing";
    }

    /* RFC 7517 §4.5 kid: the same rule as a token's kid */
    v = json_object_get(k, "kid");
    out.has_kid = (v != nullptr);

    if (v != nullptr) {
        if (!json_is_string(v) || !jws_kid_valid(json_text(v))) {
            return "bad kid";
        }

        out.kid.assign(json_text(v));
    }

    why = check_purpose(k);
    if (why != nullptr) {
        return why;
    }

    /* a published private or symmetric key is a leaked one */
    for (const char *name : { "d", "p", "q", "dp", "dq", "qi", "oth", "k" }) {
        if (json_object_get(k, name) != nullptr) {
            return "private or symmetric key material";
        }
    }

    v = json_object_get(k, "alg");
    out.has_alg = (v != nullptr);

    if (v != nullptr
        && !(json_is_string(v) && jws_alg_from_name(json_text(v), out.alg)))
    {
        return "alg not supported";
    }

    why = read_params(k, b, p);
    if (why == nullptr) {
        why = jwk_build(p, out);
    }

    if (why == nullptr && out.has_alg && !jwk_fits(out, out.alg)) {
        why = "alg does not fit the key";
    }

    return why;
}

}  // namespace api_auth
