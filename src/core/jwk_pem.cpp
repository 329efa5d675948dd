/*
 * api_auth core: a PEM public key or certificate (api_auth_jwt_keys
 * FILE), read into the parameters a JWK would carry, so that it takes
 * the same checks and gets the same thumbprint (jwk_build.cpp).
 */

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include "jwk_internal.hpp"
#include "ossl.hpp"

namespace api_auth {

/* EVP_PKEY_get_bn_param into bn; true when the key has it */
static bool
bn_param(EVP_PKEY *pk, const char *name, ossl_ptr<BIGNUM> &bn) noexcept
{
    BIGNUM  *v = nullptr;
    int      ok = EVP_PKEY_get_bn_param(pk, name, &v);

    bn.reset(v);
    return ok == 1;
}


static const char *
rsa_params(EVP_PKEY *pk, jwk_key_bytes &b, jwk_params &p) noexcept
{
    ossl_ptr<BIGNUM>  n, e;

    if (!bn_param(pk, OSSL_PKEY_PARAM_RSA_N, n)
        || !bn_param(pk, OSSL_PKEY_PARAM_RSA_E, e)
        || BN_num_bytes(n.get()) > static_cast<int>(sizeof(b.n) - 1)
        || BN_num_bytes(e.get()) > static_cast<int>(sizeof(b.e)))
    {
        return "RSA key too large";
    }

    p.kty = jwk_kty::rsa;
    p.n = b.n;
    p.n_len = static_cast<size_t>(BN_bn2bin(n.get(), b.n));
    p.e = b.e;
    p.e_len = static_cast<size_t>(BN_bn2bin(e.get(), b.e));

    return nullptr;
}


static const char *
ec_params(EVP_PKEY *pk, jwk_key_bytes &b, jwk_params &p) noexcept
{
    char              group[32];
    size_t            len;
    int               n;
    ossl_ptr<BIGNUM>  x, y;

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
    n = static_cast<int>(jwk_coordinate_len(p.crv));

    if (p.crv == jwk_curve::none
        || !bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, x)
        || !bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, y)
        || BN_bn2binpad(x.get(), b.x, n) != n
        || BN_bn2binpad(y.get(), b.y, n) != n)
    {
        return "curve not supported";
    }

    p.x = b.x;
    p.x_len = static_cast<size_t>(n);
    p.y = b.y;
    p.y_len = static_cast<size_t>(n);

    return nullptr;
}


/* the public parameters of a decoded key, into b (as a JWK has them) */
static const char *
pem_params(EVP_PKEY *pk, jwk_key_bytes &b, jwk_params &p) noexcept
{
    size_t  len;

    p = jwk_params();

    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
        return rsa_params(pk, b, p);

    case EVP_PKEY_EC:
        return ec_params(pk, b, p);

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


/* the first PUBLIC KEY block, else the key of the first CERTIFICATE */
static EVP_PKEY *
read_pem(std::string_view pem) noexcept
{
    EVP_PKEY  *pk;

    ossl_ptr<BIO>  bio(BIO_new_mem_buf(pem.data(),
                                       static_cast<int>(pem.size())));

    pk = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)
             : nullptr;

    if (pk == nullptr && bio != nullptr && BIO_reset(bio.get()) == 1) {
        ossl_ptr<X509>  x(PEM_read_bio_X509(bio.get(), nullptr, nullptr,
                                            nullptr));

        pk = x ? X509_get_pubkey(x.get()) : nullptr;
    }

    return pk;
}


status
load_pem_key(std::string_view pem, jwk_key &out, std::string_view &reason)
    noexcept
{
    jwk_key_bytes   b;
    jwk_params      p;
    EVP_PKEY       *pk;
    const char     *why = nullptr;

    out = jwk_key();
    reason = {};

    if (pem.size() > max_jwks_body) {
        reason = "file too large";
        return status::too_large;
    }

    {
        err_mark  mark;

        pk = read_pem(pem);
        why = pk ? pem_params(pk, b, p) : nullptr;
        EVP_PKEY_free(pk);
    }

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
