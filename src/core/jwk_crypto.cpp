/*
 * api_auth core: OpenSSL 3 public keys and JWS signature verification
 * (RFC 7518 §3).
 *
 * Keys are built from their raw parameters with EVP_PKEY_fromdata, so a
 * JWK and a PEM key take the same checks.  Verification is one
 * EVP_DigestVerify; everything that can be decided without it (the key
 * fits the algorithm, the signature length, r and s non-zero) is decided
 * first.  Each entry point restores OpenSSL's error queue to what it was,
 * so that nothing is left for nginx's TLS code to misread.
 */

#include <cstring>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "digest.hpp"
#include "jwk.hpp"

namespace api_auth {

void
pkey_deleter::operator()(evp_pkey_st *k) const noexcept
{
    EVP_PKEY_free(k);
}

namespace {

struct ctx_deleter {
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
using ossl_ptr = std::unique_ptr<T, ctx_deleter>;

/* ERR_set_mark() now, ERR_pop_to_mark() at scope exit */
struct err_mark {
    err_mark() noexcept { ERR_set_mark(); }
    ~err_mark() { ERR_pop_to_mark(); }
};

}  // namespace


/* coordinate (and half-signature) bytes of each curve */
static size_t
coordinate_len(jwk_curve c) noexcept
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


static std::string_view
curve_name(jwk_curve c) noexcept
{
    switch (c) {
    case jwk_curve::p256:
        return "P-256";
    case jwk_curve::p384:
        return "P-384";
    case jwk_curve::p521:
        return "P-521";
    default:
        return "Ed25519";
    }
}


static evp_pkey_st *
from_data(const char *type, OSSL_PARAM *params) noexcept
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


/* RFC 7638 §3: the required members, sorted, no whitespace; SHA-256 */
static void
thumbprint(const std::string &members, std::string &out)
{
    digest  d;
    char    b[base64url_encoded_len(sizeof(digest))];

    sha256(members.data(), members.size(), d);
    out.assign(b, base64url_encode(d.data(), d.size(), b));
}


/* appends "name":"base64url(v)" */
static void
member(std::string &j, std::string_view name, const uint8_t *v, size_t n)
{
    size_t  at;

    j.append("\"").append(name).append("\":\"");
    at = j.size();
    j.resize(at + base64url_encoded_len(n));
    (void) base64url_encode(v, n, &j[at]);
    j.append("\"");
}


static const char *
build_rsa(const jwk_params &p, jwk_key &out)
{
    const uint8_t  *n = p.n;
    size_t          nl = p.n_len;
    unsigned        top;
    std::string     j;

    /* RFC 7518 §6.3.1.1 forbids leading zeros; some encoders add one */
    if (nl > 1 && n[0] == 0) {
        n++;
        nl--;
    }

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

    out.pkey.reset(from_data("RSA", params.get()));

    if (out.pkey == nullptr) {
        return "RSA key refused by OpenSSL";
    }

    out.sig_len = nl;

    j = "{";
    member(j, "e", p.e, p.e_len);
    j.append(",\"kty\":\"RSA\",");
    member(j, "n", n, nl);
    j.append("}");
    thumbprint(j, out.thumbprint);

    return nullptr;
}


/* EC (uncompressed point, checked on its curve) and Ed25519 */
static const char *
build_curve(const jwk_params &p, jwk_key &out)
{
    uint8_t      pub[1 + 2 * 66];
    size_t       len = coordinate_len(p.crv), n = 0;
    bool         ec = (p.kty == jwk_kty::ec);
    std::string  j;
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

    out.pkey.reset(from_data(ec ? "EC" : "ED25519", params));

    if (out.pkey == nullptr) {
        return ec ? "EC point not on its curve" : "Ed25519 key refused";
    }

    if (ec) {
        /* the point is on the curve and not the point at infinity */
        ossl_ptr<EVP_PKEY_CTX>  c(EVP_PKEY_CTX_new_from_pkey(nullptr,
                                                             out.pkey.get(),
                                                             nullptr));

        if (c == nullptr || EVP_PKEY_public_check(c.get()) != 1) {
            out.pkey.reset();
            return "EC point not on its curve";
        }
    }

    out.bits = p.crv == jwk_curve::p521 ? 521
               : static_cast<unsigned>(len * 8);
    out.sig_len = 2 * len;

    j.assign("{\"crv\":\"").append(curve_name(p.crv)).append("\",");
    j.append(ec ? "\"kty\":\"EC\"," : "\"kty\":\"OKP\",");
    member(j, "x", p.x, len);

    if (ec) {
        j.append(",");
        member(j, "y", p.y, len);
    }

    j.append("}");
    thumbprint(j, out.thumbprint);

    return nullptr;
}


const char *
jwk_build(const jwk_params &p, jwk_key &out) noexcept
{
    err_mark  mark;

    out.kty = p.kty;
    out.crv = p.kty == jwk_kty::rsa ? jwk_curve::none : p.crv;
    out.pkey.reset();

    try {
        return p.kty == jwk_kty::rsa ? build_rsa(p, out)
                                     : build_curve(p, out);

    } catch (...) {
        /* std::bad_alloc from the thumbprint text */
        out.pkey.reset();
        return "out of memory";
    }
}


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


/*
 * RFC 7518 §3.4: r || s, each of the curve's size, as the DER
 * ECDSA-Sig-Value OpenSSL verifies.  A zero r or s is refused here
 * (CVE-2022-21449 accepted them); out needs 6 + 2 * (66 + 3) bytes.
 */
static size_t
ecdsa_der(const uint8_t *sig, size_t len, uint8_t *out) noexcept
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
    uint8_t         der[6 + 2 * (66 + 3)];
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
        len = ecdsa_der(token.signature, len, der);
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
