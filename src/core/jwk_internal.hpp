/*
 * api_auth core: the parts of the key code (jwk.hpp) that its files
 * share: one JWK member's parameters, the builders of each key type, the
 * RFC 7638 thumbprint text and the ES* signature conversion.  Internal to
 * src/core (and its Check tests); the adapter uses jwk.hpp.
 */

#ifndef API_AUTH_CORE_JWK_INTERNAL_HPP
#define API_AUTH_CORE_JWK_INTERNAL_HPP

#include <cstddef>
#include <cstdint>
#include <string>

#include <jansson.h>
#include <openssl/core.h>

#include "jwk.hpp"

namespace api_auth {

/* decoded parameters of one key; RSA n may carry one leading zero */
struct jwk_key_bytes {
    uint8_t  n[max_rsa_bits / 8 + 1];
    uint8_t  e[8];
    uint8_t  x[66];
    uint8_t  y[66];
};

/* the largest DER ECDSA-Sig-Value of jws_ecdsa_der (P-521) */
constexpr size_t  max_ecdsa_der = 6 + 2 * (66 + 3);

/*
 * One member of a set's "keys" (RFC 7517 §4, RFC 7518 §6, RFC 8037):
 * its kid, use and key_ops, alg and parameters, then jwk_build().
 * Returns nullptr, or the reason the key is skipped.  Throws
 * std::bad_alloc (kid).
 */
const char *jwk_read(json_t *k, jwk_key &out);

/* the builders jwk_build() chooses by kty; as jwk_build, may throw */
const char *jwk_build_rsa(const jwk_params &p, jwk_key &out);
const char *jwk_build_curve(const jwk_params &p, jwk_key &out);

/* a public EVP_PKEY of type ("RSA", "EC", "ED25519") from params */
[[nodiscard]] evp_pkey_st *jwk_from_data(const char *type,
                                         OSSL_PARAM *params) noexcept;

/* coordinate (and half-signature) bytes of each curve; 0 for none */
[[nodiscard]] size_t jwk_coordinate_len(jwk_curve c) noexcept;

/*
 * RFC 7638 §3 thumbprints (base64url SHA-256 of the required members,
 * sorted, without whitespace) of an RSA key (n without leading zeros)
 * and of an EC (y of len bytes) or OKP key (y nullptr).  Throw
 * std::bad_alloc.
 */
void jwk_thumbprint_rsa(const uint8_t *e, size_t e_len, const uint8_t *n,
                        size_t n_len, std::string &out);
void jwk_thumbprint_curve(jwk_curve crv, const uint8_t *x, const uint8_t *y,
                          size_t len, std::string &out);

/*
 * RFC 7518 §3.4: an ES* signature r || s (len bytes, halves of the
 * curve's size) as the DER ECDSA-Sig-Value OpenSSL verifies, into out
 * (max_ecdsa_der bytes).  Returns its length, or 0 when r or s is zero
 * (CVE-2022-21449 accepted them).
 */
[[nodiscard]] size_t jws_ecdsa_der(const uint8_t *sig, size_t len,
                                   uint8_t *out) noexcept;

}  // namespace api_auth

#endif
