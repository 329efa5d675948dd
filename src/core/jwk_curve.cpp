/*
 * api_auth core: EC public keys (RFC 7518 §6.2.1: P-256, P-384, P-521,
 * an uncompressed point checked on its curve) and OKP Ed25519 keys
 * (RFC 8037 §2: 32 bytes).
 */

#include <cstring>

#include <openssl/core_names.h>

#include "jwk_internal.hpp"
#include "ossl.hpp"

namespace api_auth {

size_t
jwk_coordinate_len(jwk_curve c) noexcept
{
    switch (c) {
    case jwk_curve::p256:
        return 32;
    case jwk_curve::p384:
        return 48;
    case jwk_curve::p521:
        return 66;
    case jwk_curve::ed25519:
        return 32;
    default:
        return 0;
    }
}


/* the point is on the curve and not the point at infinity */
static bool
ec_point_ok(evp_pkey_st *pk) noexcept
{
    ossl_ptr<EVP_PKEY_CTX>  c(EVP_PKEY_CTX_new_from_pkey(nullptr, pk,
                                                         nullptr));

    return c != nullptr && EVP_PKEY_public_check(c.get()) == 1;
}


const char *
jwk_build_curve(const jwk_params &p, jwk_key &out)
{
    uint8_t      pub[1 + 2 * 66];
    size_t       len = jwk_coordinate_len(p.crv), n = 0;
    bool         ec = (p.kty == jwk_kty::ec);
    char        *group;
    OSSL_PARAM   params[3];

    if (len == 0 || ec != (p.crv != jwk_curve::ed25519)) {
        return "curve not supported";
    }

    if (p.x_len != len || (ec && p.y_len != len)) {
        return "coordinate of the wrong length";
    }

    if (ec) {
        /* SEC 1 §2.3.3 uncompressed point */
        pub[n++] = 0x04;
        std::memcpy(pub + n, p.x, len);
        std::memcpy(pub + n + len, p.y, len);
        n += 2 * len;

        group = const_cast<char *>(p.crv == jwk_curve::p256 ? "prime256v1"
                                   : p.crv == jwk_curve::p384 ? "secp384r1"
                                   : "secp521r1");
        params[0] = OSSL_PARAM_construct_utf8_string(
                        OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
        params[1] = OSSL_PARAM_construct_octet_string(
                        OSSL_PKEY_PARAM_PUB_KEY, pub, n);
        params[2] = OSSL_PARAM_construct_end();

    } else {
        std::memcpy(pub, p.x, len);
        params[0] = OSSL_PARAM_construct_octet_string(
                        OSSL_PKEY_PARAM_PUB_KEY, pub, len);
        params[1] = OSSL_PARAM_construct_end();
    }

    out.pkey.reset(jwk_from_data(ec ? "EC" : "ED25519", params));

    if (out.pkey == nullptr) {
        return ec ? "EC point not on its curve" : "Ed25519 key refused";
    }

    if (ec && !ec_point_ok(out.pkey.get())) {
        out.pkey.reset();
        return "EC point not on its curve";
    }

    out.bits = p.crv == jwk_curve::p521 ? 521
               : static_cast<unsigned>(len * 8);
    out.sig_len = 2 * len;
    jwk_thumbprint_curve(p.crv, p.x, ec ? p.y : nullptr, len,
                         out.thumbprint);

    return nullptr;
}

}  // namespace api_auth
