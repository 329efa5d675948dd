/*
 * api_auth core: OpenSSL 3 public keys from their raw parameters.
 *
 * Keys are built with EVP_PKEY_fromdata, so a JWK and a PEM key take the
 * same checks (jwk_rsa.cpp, jwk_curve.cpp).  Each entry point restores
 * OpenSSL's error queue to what it was.
 */

#include <openssl/evp.h>

#include "jwk_internal.hpp"
#include "ossl.hpp"

namespace api_auth {

void
pkey_deleter::operator()(evp_pkey_st *k) const noexcept
{
    EVP_PKEY_free(k);
}


evp_pkey_st *
jwk_from_data(const char *type, OSSL_PARAM *params) noexcept
{
    EVP_PKEY  *pk = nullptr;

    ossl_ptr<EVP_PKEY_CTX>  ctx(EVP_PKEY_CTX_new_from_name(nullptr, type,
                                                           nullptr));

    if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &pk, EVP_PKEY_PUBLIC_KEY, params)
           != 1)
    {
        EVP_PKEY_free(pk);
        return nullptr;
    }

    return pk;
}


const char *
jwk_build(const jwk_params &p, jwk_key &out) noexcept
{
    err_mark  mark;

    out.kty = p.kty;
    out.crv = p.kty == jwk_kty::rsa ? jwk_curve::none : p.crv;
    out.pkey.reset();

    try {
        return p.kty == jwk_kty::rsa ? jwk_build_rsa(p, out)
                                     : jwk_build_curve(p, out);

    } catch (...) {
        /* std::bad_alloc from the thumbprint text */
        out.pkey.reset();
        return "out of memory";
    }
}

}  // namespace api_auth
