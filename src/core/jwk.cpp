/*
 * api_auth core: JWK Sets (RFC 7517 §5), PEM public keys, and the
 * choice of a key for a token.
 *
 * A key set comes from the authorization server (or a file), so each key
 * is judged alone: a member of the wrong type, a parameter that is not
 * strict base64url, or a weak key skips that key with a reason, and the
 * rest of the set still loads.  Only the set's own shape (a JSON object
 * with a "keys" array, no duplicate members) can make it malformed.
 */

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "json.hpp"
#include "jwk.hpp"

namespace api_auth {

namespace {

struct ossl_deleter {
    void operator()(BIO *b) const noexcept { BIO_free(b); }
    void operator()(X509 *x) const noexcept { X509_free(x); }
    void operator()(BIGNUM *b) const noexcept { BN_free(b); }
};

template <typename T>
using ossl_ptr = std::unique_ptr<T, ossl_deleter>;

/* decoded parameters of one key; RSA n may carry one leading zero */
struct key_bytes {
    uint8_t  n[max_rsa_bits / 8 + 1];
    uint8_t  e[8];
    uint8_t  x[66];
    uint8_t  y[66];
};

}  // namespace



/* RFC 7517 §4.5 kid: the same rule as a token's kid (jwt.cpp) */
static bool
is_kid(std::string_view k) noexcept
{
    for (unsigned char c : k) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }

    return !k.empty() && k.size() <= max_jwt_kid;
}


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
read_params(json_t *k, key_bytes &b, jwk_params &p) noexcept
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


/* one member of "keys"; throws std::bad_alloc (kid) */
static const char *
read_key(json_t *k, jwk_key &out)
{
    key_bytes    b;
    jwk_params   p;
    json_t      *v;
    const char  *why;

    if (!json_is_object(k)) {
        return "not a JSON object";
    }

    if (!json_is_string(json_object_get(k, "kty"))) {
        return "kty missing";
    }

    v = json_object_get(k, "kid");
    out.has_kid = (v != nullptr);

    if (v != nullptr) {
        if (!json_is_string(v) || !is_kid(json_text(v))) {
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


static status
parse_set(std::string_view json, jwk_set &out)
{
    size_t        i;
    json_t       *keys, *k, *kid;
    json_error_t  err;
    const char   *why;

    json_ptr  root(json_loadb(json.data(), json.size(),
                              JSON_REJECT_DUPLICATES, &err));

    if (root == nullptr) {
        return json_error_code(&err) == json_error_out_of_memory
               ? status::internal : status::malformed;
    }

    keys = json_object_get(root.get(), "keys");

    if (!json_is_object(root.get()) || !json_is_array(keys)) {
        return status::malformed;
    }

    json_array_foreach(keys, i, k) {
        jwk_key  key;

        why = out.keys.size() < max_jwks_keys ? read_key(k, key)
                                              : "too many keys";

        if (why == nullptr) {
            out.keys.push_back(std::move(key));
            continue;
        }

        kid = json_object_get(k, "kid");
        out.skipped.push_back(jwk_skip{ i,
            json_is_string(kid) ? std::string(json_text(kid))
                                : std::string(),
            why });
    }

    return out.keys.empty() ? status::missing : status::ok;
}


status
parse_jwks(std::string_view json, jwk_set &out) noexcept
{
    status  rc;

    out.keys.clear();
    out.skipped.clear();

    if (json.size() > max_jwks_body) {
        return status::too_large;
    }

    try {
        rc = parse_set(json, out);

    } catch (...) {
        /* std::bad_alloc: nothing else is thrown on this path */
        rc = status::internal;
    }

    if (rc != status::ok && rc != status::missing) {
        out.keys.clear();
        out.skipped.clear();
    }

    return rc;
}


status
jwk_select(const jwk_set &set, const jwt &token, const jwk_key *&key)
    noexcept
{
    const jwk_key  *found = nullptr;
    size_t          fit = 0;
    bool            named = false;

    key = nullptr;

    for (const jwk_key &k : set.keys) {
        if (token.has_kid
            && !(k.has_kid && k.kid == token.kid_view()))
        {
            continue;
        }

        named = token.has_kid;

        if (jwk_fits(k, token.alg)) {
            found = &k;
            fit++;
        }
    }

    /*
     * A token's kid that no key carries may still name a key without
     * kid (a PEM file, a JWKS without kids): exactly one of those fits.
     */
    if (token.has_kid && !named) {
        for (const jwk_key &k : set.keys) {
            if (!k.has_kid && jwk_fits(k, token.alg)) {
                found = &k;
                fit++;
            }
        }
    }

    if (fit == 1) {
        key = found;
        return status::ok;
    }

    return (fit > 1 || named) ? status::inactive : status::missing;
}


/* the public parameters of a decoded key, into b (as a JWK has them) */
static const char *
pem_params(EVP_PKEY *pk, key_bytes &b, jwk_params &p) noexcept
{
    char     group[32];
    size_t   len;
    int      n;

    p = jwk_params();

    auto  get = [pk](const char *name, ossl_ptr<BIGNUM> &bn) noexcept {
        BIGNUM  *v = nullptr;
        int      ok = EVP_PKEY_get_bn_param(pk, name, &v);

        bn.reset(v);
        return ok == 1;
    };

    ossl_ptr<BIGNUM>  b1, b2;

    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
        if (!get(OSSL_PKEY_PARAM_RSA_N, b1) || !get(OSSL_PKEY_PARAM_RSA_E, b2)
            || BN_num_bytes(b1.get()) > static_cast<int>(sizeof(b.n) - 1)
            || BN_num_bytes(b2.get()) > static_cast<int>(sizeof(b.e)))
        {
            return "RSA key too large";
        }

        p.kty = jwk_kty::rsa;
        p.n = b.n;
        p.n_len = static_cast<size_t>(BN_bn2bin(b1.get(), b.n));
        p.e = b.e;
        p.e_len = static_cast<size_t>(BN_bn2bin(b2.get(), b.e));
        return nullptr;

    case EVP_PKEY_EC:
        if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
                                           group, sizeof(group), &len) != 1)
        {
            return "EC curve unknown";
        }

        p.kty = jwk_kty::ec;
        p.crv = std::string_view(group) == "prime256v1" ? jwk_curve::p256
                : std::string_view(group) == "secp384r1" ? jwk_curve::p384
                : std::string_view(group) == "secp521r1" ? jwk_curve::p521
                : jwk_curve::none;
        n = p.crv == jwk_curve::p256 ? 32 : p.crv == jwk_curve::p384 ? 48
            : 66;

        if (p.crv == jwk_curve::none
            || !get(OSSL_PKEY_PARAM_EC_PUB_X, b1)
            || !get(OSSL_PKEY_PARAM_EC_PUB_Y, b2)
            || BN_bn2binpad(b1.get(), b.x, n) != n
            || BN_bn2binpad(b2.get(), b.y, n) != n)
        {
            return "curve not supported";
        }

        p.x = b.x;
        p.x_len = static_cast<size_t>(n);
        p.y = b.y;
        p.y_len = static_cast<size_t>(n);
        return nullptr;

    case EVP_PKEY_ED25519:
        len = sizeof(b.x);
        if (EVP_PKEY_get_raw_public_key(pk, b.x, &len) != 1) {
            return "Ed25519 key unreadable";
        }

        p.kty = jwk_kty::okp;
        p.crv = jwk_curve::ed25519;
        p.x = b.x;
        p.x_len = len;
        return nullptr;

    default:
        return "key type not supported";
    }
}


status
load_pem_key(std::string_view pem, jwk_key &out, std::string_view &reason)
    noexcept
{
    key_bytes    b;
    jwk_params   p;
    EVP_PKEY    *pk;
    const char  *why;

    out = jwk_key();
    reason = {};

    if (pem.size() > max_jwks_body) {
        reason = "file too large";
        return status::too_large;
    }

    ERR_set_mark();

    ossl_ptr<BIO>  bio(BIO_new_mem_buf(pem.data(),
                                       static_cast<int>(pem.size())));

    pk = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)
             : nullptr;

    if (pk == nullptr && bio != nullptr && BIO_reset(bio.get()) == 1) {
        ossl_ptr<X509>  x(PEM_read_bio_X509(bio.get(), nullptr, nullptr,
                                            nullptr));

        pk = x ? X509_get_pubkey(x.get()) : nullptr;
    }

    why = pk ? pem_params(pk, b, p) : nullptr;
    EVP_PKEY_free(pk);
    ERR_pop_to_mark();

    if (pk == nullptr) {
        reason = "no PEM public key or certificate";
        return status::malformed;
    }

    if (why == nullptr) {
        why = jwk_build(p, out);
    }

    if (why != nullptr) {
        out.pkey.reset();
        reason = why;
        return status::missing;
    }

    return status::ok;
}

}  // namespace api_auth
