/*
 * api_auth core: RAII for the OpenSSL 3 objects the key and signature
 * code uses (STYLE.md R11), and the error-queue mark that each OpenSSL
 * entry point of the core takes, so that nothing is left for nginx's TLS
 * code to misread.  Internal to src/core.
 */

#ifndef API_AUTH_CORE_OSSL_HPP
#define API_AUTH_CORE_OSSL_HPP

#include <memory>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

namespace api_auth {

struct ossl_deleter {
    void operator()(EVP_PKEY_CTX *c) const noexcept { EVP_PKEY_CTX_free(c); }
    void operator()(EVP_MD_CTX *c) const noexcept { EVP_MD_CTX_free(c); }
    void operator()(BIGNUM *b) const noexcept { BN_free(b); }
    void operator()(OSSL_PARAM_BLD *b) const noexcept
    {
        OSSL_PARAM_BLD_free(b);
    }
    void operator()(OSSL_PARAM *p) const noexcept { OSSL_PARAM_free(p); }
    void operator()(BIO *b) const noexcept { BIO_free(b); }
    void operator()(X509 *x) const noexcept { X509_free(x); }
};

template <typename T>
using ossl_ptr = std::unique_ptr<T, ossl_deleter>;

/* ERR_set_mark() now, ERR_pop_to_mark() at scope exit */
struct err_mark {
    err_mark() noexcept { ERR_set_mark(); }
    ~err_mark() { ERR_pop_to_mark(); }
    err_mark(const err_mark &) = delete;
    err_mark &operator=(const err_mark &) = delete;
};

}  // namespace api_auth

#endif
