/*
 * api_auth core: JWS signature verification (RFC 7518 §3, RFC 8037 §3.1)
 * through one EVP_DigestVerify.
 *
 * Everything that can be decided without it (the key fits the
 * algorithm, the signature length, r and s non-zero) is decided first.
 * OpenSSL's error queue is restored to what it was.
 */

#include <cstring>

#include <openssl/rsa.h>

#include "jwk_internal.hpp"
#include "ossl.hpp"

namespace api_auth {

bool
jwk_fits(const jwk_key &key, jws_alg alg) noexcept
{
    bool  kind;

    if (key.has_alg && key.alg != alg) {
        return false;
    }

    switch (alg) {
    case jws_alg::rs256: case jws_alg::rs384: case jws_alg::rs512:
    case jws_alg::ps256: case jws_alg::ps384: case jws_alg::ps512:
        kind = key.kty == jwk_kty::rsa;
        break;
    case jws_alg::es256:
        kind = key.crv == jwk_curve::p256;
        break;
    case jws_alg::es384:
        kind = key.crv == jwk_curve::p384;
        break;
    case jws_alg::es512:
        kind = key.crv == jwk_curve::p521;
        break;
    default:
        kind = key.crv == jwk_curve::ed25519;
        break;
    }

    return kind && key.pkey != nullptr;
}


/* a minimal DER INTEGER of a big-endian unsigned, non-zero value */
static size_t
der_integer(const uint8_t *v, size_t n, uint8_t *out) noexcept
{
    size_t  pad;

    while (n > 1 && v[0] == 0) {
        v++;
        n--;
    }

    pad = (v[0] & 0x80) ? 1 : 0;
    out[0] = 0x02;
    out[1] = static_cast<uint8_t>(n + pad);
    out[2] = 0;
    std::memcpy(out + 2 + pad, v, n);

    return 2 + pad + n;
}


size_t
jws_ecdsa_der(const uint8_t *sig, size_t len, uint8_t *out) noexcept
{
    size_t   half = len / 2, body, hdr;
    uint8_t  r_or = 0, s_or = 0;

    for (size_t i = 0; i < half; i++) {
        r_or |= sig[i];
        s_or |= sig[half + i];
    }

    if (r_or == 0 || s_or == 0) {
        return 0;
    }

    /* the body is at most 2 * 69 bytes: a long-form length of one byte */
    hdr = 3;
    body = der_integer(sig, half, out + hdr);
    body += der_integer(sig + half, half, out + hdr + body);

    if (body < 128) {
        std::memmove(out + 2, out + hdr, body);
        hdr = 2;
        out[1] = static_cast<uint8_t>(body);

    } else {
        out[1] = 0x81;
        out[2] = static_cast<uint8_t>(body);
    }

    out[0] = 0x30;

    return hdr + body;
}


static const EVP_MD *
digest_of(jws_alg a) noexcept
{
    switch (a) {
    case jws_alg::rs256: case jws_alg::ps256: case jws_alg::es256:
        return EVP_sha256();
    case jws_alg::rs384: case jws_alg::ps384: case jws_alg::es384:
        return EVP_sha384();
    case jws_alg::rs512: case jws_alg::ps512: case jws_alg::es512:
        return EVP_sha512();
    default:
        return nullptr;         /* EdDSA hashes internally */
    }
}


status
jws_verify(const jwt &token, const jwk_key &key, jwt_reason &why) noexcept
{
    uint8_t         der[max_ecdsa_der];
    const uint8_t  *sig = token.signature;
    size_t          len = token.signature_len;
    EVP_PKEY_CTX   *pctx = nullptr;
    bool            pss;
    int             rc;
    err_mark        mark;

    why = jwt_reason::key;

    if (!jwk_fits(key, token.alg)) {
        return status::inactive;
    }

    why = jwt_reason::signature;

    /* RFC 7518 §3.3, §3.4, RFC 8037 §3.1: one length per key */
    if (len != key.sig_len) {
        return status::inactive;
    }

    if (key.kty == jwk_kty::ec) {
        len = jws_ecdsa_der(token.signature, len, der);
        sig = der;

        if (len == 0) {
            return status::inactive;
        }
    }

    ossl_ptr<EVP_MD_CTX>  md(EVP_MD_CTX_new());

    why = jwt_reason::internal;

    if (md == nullptr
        || EVP_DigestVerifyInit(md.get(), &pctx, digest_of(token.alg),
                                nullptr, key.pkey.get()) != 1)
    {
        return status::internal;
    }

    pss = token.alg == jws_alg::ps256 || token.alg == jws_alg::ps384
          || token.alg == jws_alg::ps512;

    /* RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash */
    if (pss
        && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
                                                RSA_PSS_SALTLEN_DIGEST)
               != 1))
    {
        return status::internal;
    }

    rc = EVP_DigestVerify(md.get(), sig, len,
                          reinterpret_cast<const uint8_t *>(
                              token.signing_input.data()),
                          token.signing_input.size());

    /* 0 is a mismatch, negative an error: only 1 is a valid signature */
    why = (rc == 1) ? jwt_reason::none : jwt_reason::signature;

    return rc == 1 ? status::ok : status::inactive;
}

}  // namespace api_auth
