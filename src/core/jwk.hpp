/*
 * api_auth core: JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037), PEM
 * public keys, key selection and JWS signature verification through
 * OpenSSL 3 EVP.
 *
 * A key set is parsed once per key-set generation (per worker, at
 * configuration time for a file, or when a fetched set changes) into
 * jwk_key objects that own a ready EVP_PKEY; a verification then costs no
 * parsing and no key construction.  Every key is checked before it is
 * kept (RSA >= 2048 bits with an odd e >= 3, EC points on their curve,
 * Ed25519 points of 32 bytes); a bad key is skipped with its reason, and
 * the others still load.
 */

#ifndef API_AUTH_CORE_JWK_HPP
#define API_AUTH_CORE_JWK_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jwt.hpp"
#include "status.hpp"

struct evp_pkey_st;                     /* OpenSSL's EVP_PKEY */

namespace api_auth {

constexpr size_t    max_jwks_body = 1024 * 1024;
constexpr size_t    max_jwks_keys = 64;     /* more are skipped */
constexpr unsigned  min_rsa_bits = 2048;
constexpr unsigned  max_rsa_bits = 8192;    /* bounds verification cost */

struct pkey_deleter {
    void operator()(evp_pkey_st *k) const noexcept;
};

/* the one owner of an EVP_PKEY */
using pkey_ptr = std::unique_ptr<evp_pkey_st, pkey_deleter>;

enum class jwk_kty : uint8_t { rsa, ec, okp };
enum class jwk_curve : uint8_t { none, p256, p384, p521, ed25519 };

/*
 * A usable verification key.  Movable, not copyable; pkey lives as long
 * as the jwk_key (or the jwk_set holding it).
 */
struct jwk_key {
    jwk_kty      kty = jwk_kty::rsa;
    jwk_curve    crv = jwk_curve::none;
    unsigned     bits = 0;          /* modulus or field size */
    size_t       sig_len = 0;       /* the one valid signature length */
    bool         has_alg = false;   /* bound by its JWK "alg" */
    jws_alg      alg = jws_alg::rs256;
    bool         has_kid = false;
    std::string  kid;
    std::string  thumbprint;        /* RFC 7638: base64url SHA-256 */
    pkey_ptr     pkey;
};

/* a key that was left out, and why (a static string) */
struct jwk_skip {
    size_t            index;        /* position in "keys" */
    std::string       kid;          /* as sent, when it was a string */
    std::string_view  reason;
};

struct jwk_set {
    std::vector<jwk_key>   keys;
    std::vector<jwk_skip>  skipped;
};

/*
 * Parses a JWK Set (RFC 7517 §5): a JSON object with a "keys" array,
 * duplicate members rejected.  Keys with "use" other than "sig", with
 * "key_ops" lacking "verify", with an unknown or unfitting "alg", with
 * private or symmetric material, or that fail the checks above are
 * skipped, each with a reason.
 *   ok         at least one usable key;
 *   missing    a well-formed set without a usable key (out.skipped says
 *              why): the caller reports it, and keeps an older set;
 *   malformed  not a JSON object with a "keys" array;
 *   too_large  over max_jwks_body;
 *   internal   allocation failure.
 */
[[nodiscard]] status parse_jwks(std::string_view json, jwk_set &out)
    noexcept;

/*
 * One public key from PEM text (api_auth_jwt_keys FILE): the first
 * "PUBLIC KEY" (SubjectPublicKeyInfo) block, or else the key of the
 * first "CERTIFICATE" (its validity is not checked: the file is trusted
 * configuration).  The key gets the same checks as a JWK, no kid and no
 * alg binding.  On failure (malformed, missing for a rejected key,
 * internal) reason is set to a static string.
 */
[[nodiscard]] status load_pem_key(std::string_view pem, jwk_key &out,
                                  std::string_view &reason) noexcept;

/* the raw public parameters of a key, big-endian, as in a JWK */
struct jwk_params {
    jwk_kty          kty;
    jwk_curve        crv;           /* EC and OKP */
    const uint8_t   *n;             /* RSA modulus and exponent */
    size_t           n_len;
    const uint8_t   *e;
    size_t           e_len;
    const uint8_t   *x;             /* EC, OKP */
    size_t           x_len;
    const uint8_t   *y;             /* EC */
    size_t           y_len;
};

/*
 * Checks the parameters and builds out's EVP_PKEY (EVP_PKEY_fromdata),
 * bits, sig_len and thumbprint; kid and alg are left to the caller.
 * Returns nullptr, or the reason the key is unusable.
 */
[[nodiscard]] const char *jwk_build(const jwk_params &p, jwk_key &out)
    noexcept;

/* key may verify alg: its kty/crv allow it, and its JWK alg is alg */
[[nodiscard]] bool jwk_fits(const jwk_key &key, jws_alg alg) noexcept;

/*
 * The key for a token (SPEC.md): with a kid, the key of that kid that
 * fits the token's alg; without, the only key of the set that fits.
 *   ok         key set;
 *   missing    no key has the kid, or (without kid) none fits: an
 *              unknown key, which may warrant a refetch of the set;
 *   inactive   the kid's keys do not fit the alg, or more than one key
 *              fits: refused (reason key), never guessed.
 */
[[nodiscard]] status jwk_select(const jwk_set &set, const jwt &token,
                                const jwk_key *&key) noexcept;

/*
 * Verifies token's signature with key.  An algorithm the key does not
 * fit, a signature of the wrong length, or an ES* signature with r or s
 * zero fails before any cryptography.  ok only when EVP_DigestVerify
 * returns exactly 1; inactive for a bad signature or key (token.reason
 * is not touched; why says which); internal when OpenSSL fails to set
 * up.  OpenSSL's error queue is left as it was found.
 */
[[nodiscard]] status jws_verify(const jwt &token, const jwk_key &key,
                                jwt_reason &why) noexcept;

}  // namespace api_auth

#endif
