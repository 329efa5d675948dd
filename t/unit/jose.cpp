/*
 * Test keys and tokens (jose.hpp).  Written with OpenSSL directly, not
 * with the core's own encoders, so that a bug there cannot hide itself.
 */

#include <cstdlib>
#include <cstring>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "jose.hpp"

static EVP_PKEY  *keys[7];


void
jose_keys_setup(void)
{
    if (keys[0] != nullptr) {
        return;
    }

    keys[0] = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
    keys[1] = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024});
    keys[2] = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    keys[3] = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
    keys[4] = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
    keys[5] = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    keys[6] = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});

    for (EVP_PKEY *k : keys) {
        if (k == nullptr) {
            std::abort();
        }
    }
}


EVP_PKEY *
jose_key(test_key k)
{
    jose_keys_setup();
    return keys[static_cast<int>(k)];
}


std::string
b64u(std::string_view bytes)
{
    std::vector<unsigned char>  out(bytes.size() / 3 * 4 + 8);
    std::string                 s;
    int                         n;

    n = EVP_EncodeBlock(out.data(),
                        reinterpret_cast<const unsigned char *>(bytes.data()),
                        static_cast<int>(bytes.size()));
    s.assign(reinterpret_cast<char *>(out.data()), static_cast<size_t>(n));

    while (!s.empty() && s.back() == '=') {
        s.pop_back();
    }

    for (char &c : s) {
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    }

    return s;
}


static std::string
bn_param(EVP_PKEY *key, const char *name, int pad)
{
    BIGNUM       *bn = nullptr;
    std::string   raw;

    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) {
        std::abort();
    }

    raw.resize(pad > 0 ? static_cast<size_t>(pad)
                       : static_cast<size_t>(BN_num_bytes(bn)));
    BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(&raw[0]),
                 static_cast<int>(raw.size()));
    BN_free(bn);

    return raw;
}


std::string
jwk_members(EVP_PKEY *key)
{
    unsigned char  raw[32];
    size_t         len = sizeof(raw);
    char           group[32];
    std::string    crv;
    int            n;

    if (EVP_PKEY_is_a(key, "RSA")) {
        return "\"kty\":\"RSA\",\"n\":\""
               + b64u(bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0))
               + "\",\"e\":\""
               + b64u(bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0)) + "\"";
    }

    if (EVP_PKEY_is_a(key, "ED25519")) {
        EVP_PKEY_get_raw_public_key(key, raw, &len);
        return "\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
               + b64u(std::string_view(reinterpret_cast<char *>(raw), len))
               + "\"";
    }

    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                   sizeof(group), &len);
    crv = std::string(group) == "prime256v1" ? "P-256"
          : std::string(group) == "secp384r1" ? "P-384" : "P-521";
    n = crv == "P-256" ? 32 : crv == "P-384" ? 48 : 66;

    return "\"kty\":\"EC\",\"crv\":\"" + crv + "\",\"x\":\""
           + b64u(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, n))
           + "\",\"y\":\""
           + b64u(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, n)) + "\"";
}


std::string
jwks_of(EVP_PKEY *key, std::string_view extra)
{
    return "{\"keys\":[{" + jwk_members(key) + std::string(extra) + "}]}";
}


static std::string
bio_text(BIO *bio)
{
    char         *p;
    long          n = BIO_get_mem_data(bio, &p);
    std::string   s(p, static_cast<size_t>(n));

    BIO_free(bio);

    return s;
}


std::string
pem_of(EVP_PKEY *key)
{
    BIO  *bio = BIO_new(BIO_s_mem());

    PEM_write_bio_PUBKEY(bio, key);

    return bio_text(bio);
}


/* self-signed with an unrelated key: the loader only reads the public key */
std::string
cert_pem_of(EVP_PKEY *key)
{
    X509  *x = X509_new();
    BIO   *bio = BIO_new(BIO_s_mem());

    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("t"),
                               -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));

    if (X509_sign(x, jose_key(test_key::p256), EVP_sha256()) == 0) {
        std::abort();
    }

    PEM_write_bio_X509(bio, x);
    X509_free(x);

    return bio_text(bio);
}


static const EVP_MD *
md_of(std::string_view alg)
{
    if (alg.substr(0, 2) == "Ed") {
        return nullptr;
    }

    return alg.substr(2) == "256" ? EVP_sha256()
           : alg.substr(2) == "384" ? EVP_sha384() : EVP_sha512();
}


std::string
jws_sign(EVP_PKEY *key, std::string_view alg, std::string_view input,
         int pss_salt)
{
    EVP_MD_CTX     *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX   *pctx = nullptr;
    size_t          len = 0;
    std::string     sig, raw;
    ECDSA_SIG      *es;
    const BIGNUM   *r, *s;
    const uint8_t  *p;
    int             half;

    if (EVP_DigestSignInit(md, &pctx, md_of(alg), nullptr, key) != 1) {
        std::abort();
    }

    if (alg[0] == 'P') {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, pss_salt);
    }

    const auto  *in = reinterpret_cast<const unsigned char *>(input.data());

    EVP_DigestSign(md, nullptr, &len, in, input.size());
    sig.resize(len);
    if (EVP_DigestSign(md, reinterpret_cast<unsigned char *>(&sig[0]), &len,
                       in, input.size()) != 1)
    {
        std::abort();
    }

    sig.resize(len);
    EVP_MD_CTX_free(md);

    if (alg[0] != 'E' || alg[1] != 'S') {
        return sig;
    }

    /* DER ECDSA-Sig-Value to RFC 7518 §3.4 r || s */
    half = alg == "ES256" ? 32 : alg == "ES384" ? 48 : 66;
    p = reinterpret_cast<const uint8_t *>(sig.data());
    es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    ECDSA_SIG_get0(es, &r, &s);
    raw.resize(2 * static_cast<size_t>(half));
    BN_bn2binpad(r, reinterpret_cast<unsigned char *>(&raw[0]), half);
    BN_bn2binpad(s, reinterpret_cast<unsigned char *>(&raw[half]), half);
    ECDSA_SIG_free(es);

    return raw;
}


std::string
jws_make(EVP_PKEY *key, std::string_view alg, std::string_view header,
         std::string_view payload, int pss_salt)
{
    std::string  input = b64u(header) + "." + b64u(payload);

    return input + "." + b64u(jws_sign(key, alg, input, pss_salt));
}


std::string
jws_compose(std::string_view header, std::string_view payload,
            std::string_view sig)
{
    return b64u(header) + "." + b64u(payload) + "." + std::string(sig);
}
