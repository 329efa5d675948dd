/*
 * api_auth core: RSA public keys (RFC 7518 §6.3.1): a canonical odd
 * modulus of 2048..8192 bits and an odd public exponent >= 3 of at most
 * 64 bits, decided before OpenSSL sees them.
 */

#include <openssl/core_names.h>

#include "jwk_internal.hpp"
#include "ossl.hpp"

namespace api_auth {

/* the modulus and exponent rules; n without its leading zero byte */
static const char *
check_rsa(const uint8_t *n, size_t nl, const jwk_params &p, jwk_key &out)
    noexcept
{
    unsigned  top;

    if (nl == 0 || n[0] == 0) {
        return "RSA modulus not canonical";
    }

    for (top = 8; top > 0 && !(n[0] >> (top - 1)); top--) { /* void */ }

    out.bits = static_cast<unsigned>((nl - 1) * 8 + top);

    if (out.bits < min_rsa_bits) {
        return "RSA key under 2048 bits";
    }

    if (out.bits > max_rsa_bits) {
        return "RSA key over 8192 bits";
    }

    if (!(n[nl - 1] & 1)) {
        return "RSA modulus even";
    }

    if (p.e_len == 0 || p.e[0] == 0 || p.e_len > 8) {
        return "RSA exponent not canonical or over 64 bits";
    }

    if (!(p.e[p.e_len - 1] & 1) || (p.e_len == 1 && p.e[0] < 3)) {
        return "RSA exponent even or under 3";
    }

    return nullptr;
}


const char *
jwk_build_rsa(const jwk_params &p, jwk_key &out)
{
    const uint8_t  *n = p.n;
    size_t          nl = p.n_len;
    const char     *why;

    /* RFC 7518 §6.3.1.1 forbids leading zeros; some encoders add one */
    if (nl > 1 && n[0] == 0) {
        n++;
        nl--;
    }

    why = check_rsa(n, nl, p, out);
    if (why != nullptr) {
        return why;
    }

    ossl_ptr<BIGNUM>          bn(BN_bin2bn(n, static_cast<int>(nl),
                                           nullptr));
    ossl_ptr<BIGNUM>          be(BN_bin2bn(p.e, static_cast<int>(p.e_len),
                                           nullptr));
    ossl_ptr<OSSL_PARAM_BLD>  bld(OSSL_PARAM_BLD_new());

    if (bn == nullptr || be == nullptr || bld == nullptr
        || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N,
                                   bn.get())
        || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E,
                                   be.get()))
    {
        return "out of memory";
    }

    ossl_ptr<OSSL_PARAM>  params(OSSL_PARAM_BLD_to_param(bld.get()));

    if (params == nullptr) {
        return "out of memory";
    }

    out.pkey.reset(jwk_from_data("RSA", params.get()));

    if (out.pkey == nullptr) {
        return "RSA key refused by OpenSSL";
    }

    out.sig_len = nl;
    jwk_thumbprint_rsa(p.e, p.e_len, n, nl, out.thumbprint);

    return nullptr;
}

}  // namespace api_auth
