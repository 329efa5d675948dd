/*
 * jwk_*.cpp, jws_verify.cpp: JWK Sets and PEM keys into checked keys, key
 * selection, and signature verification through OpenSSL (RFC 7517,
 * RFC 7518, RFC 7638, RFC 8037; RFC 8725 and CVE-2022-21449 for what
 * must fail).  Keys and signatures are made at run time (jose.hpp).
 */

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <openssl/ecdsa.h>

#include "jose.hpp"
#include "jwk.hpp"
#include "jwk_internal.hpp"
#include "unit.hpp"

using api_auth::jwk_set;
using api_auth::jwt;
using api_auth::jwt_reason;
using api_auth::status;

static constexpr int64_t  now = 1700000000;

static constexpr std::string_view  issuers[] = { "https://as.example" };

static const std::string  payload =
    R"({"iss":"https://as.example","aud":"api","exp":1700000600,)"
    R"("sub":"u1","scope":"read"})";


static api_auth::jwt_policy
policy()
{
    api_auth::jwt_policy  p;

    p.issuers = { issuers, 1 };
    p.audience_off = true;
    p.algorithms = 0x7ff;           /* every algorithm */

    return p;
}


static std::string
header(std::string_view alg, std::string_view kid = "")
{
    return "{\"alg\":\"" + std::string(alg) + "\""
           + (kid.empty() ? "" : ",\"kid\":\"" + std::string(kid) + "\"")
           + "}";
}


/* one key from its JWKS; fails the test if it does not load */
static api_auth::jwk_key
load(EVP_PKEY *key, std::string_view extra = "")
{
    jwk_set  set;

    ck_assert_status(api_auth::parse_jwks(jwks_of(key, extra), set),
                     status::ok);
    ck_assert_uint_eq(set.keys.size(), 1);

    return std::move(set.keys[0]);
}


/* why one key of a set was skipped ("" if it loaded) */
static std::string
skip_reason(const std::string &jwks)
{
    jwk_set  set;
    status   rc = api_auth::parse_jwks(jwks, set);

    if (rc == status::ok) {
        return "";
    }

    ck_assert_status(rc, status::missing);
    ck_assert_uint_eq(set.skipped.size(), 1);

    return std::string(set.skipped[0].reason);
}


static status
verify(const std::string &token, const api_auth::jwk_key &key,
       jwt_reason &why)
{
    jwt  t;

    ck_assert_status(api_auth::parse_jwt(token, policy(), now, t),
                     status::ok);

    return api_auth::jws_verify(t, key, why);
}


static status
verify(const std::string &token, const api_auth::jwk_key &key)
{
    jwt_reason  why;

    return verify(token, key, why);
}


/* token with its signature segment replaced by b64u(sig) */
static std::string
with_signature(const std::string &token, std::string_view sig)
{
    return token.substr(0, token.rfind('.') + 1) + b64u(sig);
}


START_TEST(rsa_key_loads)
{
    api_auth::jwk_key  k = load(jose_key(test_key::rsa2048),
                                ",\"kid\":\"r1\",\"use\":\"sig\","
                                "\"key_ops\":[\"verify\"]");

    ck_assert(k.kty == api_auth::jwk_kty::rsa);
    ck_assert_uint_eq(k.bits, 2048);
    ck_assert_uint_eq(k.sig_len, 256);
    ck_assert(k.has_kid && k.kid == "r1" && !k.has_alg);
    ck_assert_uint_eq(k.thumbprint.size(), 43);
    ck_assert(k.pkey != nullptr);
}
END_TEST


/* RFC 7638 §3: the thumbprint is over the required members only, sorted */
START_TEST(thumbprint_rfc7638)
{
    EVP_PKEY           *key = jose_key(test_key::p256);
    std::string         m = jwk_members(key), x, y, canon;
    unsigned char       d[32];
    unsigned int        n;
    api_auth::jwk_key   k = load(key, ",\"kid\":\"z\",\"alg\":\"ES256\"");

    x = m.substr(m.find("\"x\""), m.find(",\"y\"") - m.find("\"x\""));
    y = m.substr(m.find("\"y\""));
    canon = "{\"crv\":\"P-256\",\"kty\":\"EC\"," + x + "," + y + "}";
    EVP_Digest(canon.data(), canon.size(), d, &n, EVP_sha256(), nullptr);

    ck_assert_string_eq(k.thumbprint,
                        b64u(std::string_view(reinterpret_cast<char *>(d),
                                              n)));

    /* member order and extra members do not change it */
    ck_assert_string_eq(load(key).thumbprint, k.thumbprint);
    ck_assert(load(jose_key(test_key::p384)).thumbprint != k.thumbprint);
}
END_TEST


START_TEST(weak_rsa_skipped)
{
    ck_assert_string_eq(skip_reason(jwks_of(jose_key(test_key::rsa1024))),
                        "RSA key under 2048 bits");
}
END_TEST


START_TEST(bad_key_skipped_good_kept)
{
    std::string  good = jwk_members(jose_key(test_key::rsa2048));
    std::string  weak = jwk_members(jose_key(test_key::rsa1024));
    jwk_set      set;

    ck_assert_status(api_auth::parse_jwks("{\"keys\":[{" + weak
                                          + ",\"kid\":\"w\"},{" + good
                                          + ",\"kid\":\"g\"},7]}", set),
                     status::ok);
    ck_assert_uint_eq(set.keys.size(), 1);
    ck_assert_string_eq(set.keys[0].kid, "g");
    ck_assert_uint_eq(set.skipped.size(), 2);
    ck_assert_uint_eq(set.skipped[0].index, 0);
    ck_assert_string_eq(set.skipped[0].kid, "w");
    ck_assert_uint_eq(set.skipped[1].index, 2);
    ck_assert_string_eq(set.skipped[1].reason, "not a JSON object");
}
END_TEST


/* a JWK of kty RSA from raw big-endian n and e */
static std::string
rsa_jwk(std::string_view n, std::string_view e)
{
    return "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" + b64u(n)
           + "\",\"e\":\"" + b64u(e) + "\"}]}";
}


START_TEST(rsa_parameter_rules)
{
    std::string  n(256, '\xc5');        /* 2048 bits, odd */

    ck_assert_string_eq(skip_reason(rsa_jwk(n, std::string("\1\0\1", 3))),
                        "");
    ck_assert_string_eq(skip_reason(rsa_jwk(n, "\x03")), "");
    ck_assert_string_eq(skip_reason(rsa_jwk(std::string(1, '\0') + n,
                                            "\x03")), "");
    ck_assert_string_eq(skip_reason(rsa_jwk(std::string(2, '\0') + n,
                                            "\x03")),
                        "RSA modulus not canonical");
    ck_assert_string_eq(skip_reason(rsa_jwk(n, "\x01")),
                        "RSA exponent even or under 3");
    ck_assert_string_eq(skip_reason(rsa_jwk(n, std::string("\1\0\0", 3))),
                        "RSA exponent even or under 3");
    ck_assert_string_eq(skip_reason(rsa_jwk(n, std::string("\0\x03", 2))),
                        "RSA exponent not canonical or over 64 bits");
    ck_assert_string_eq(skip_reason(rsa_jwk(n, std::string(9, '\x03'))),
                        "RSA n or e missing, not base64url, or too long");
    ck_assert_string_eq(skip_reason(rsa_jwk(n.substr(1), "\x03")),
                        "RSA key under 2048 bits");
    ck_assert_string_eq(skip_reason(rsa_jwk(n.substr(0, 255) + "\x02",
                                            "\x03")), "RSA modulus even");
    ck_assert_string_eq(skip_reason(rsa_jwk(std::string(1025, '\xc5'),
                                            "\x03")),
                        "RSA key over 8192 bits");
    ck_assert_string_eq(skip_reason(rsa_jwk(std::string(1026, '\xc5'),
                                            "\x03")),
                        "RSA n or e missing, not base64url, or too long");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"RSA\","
                                    "\"n\":\"AQAB=\",\"e\":\"AQAB\"}]}"),
                        "RSA n or e missing, not base64url, or too long");
}
END_TEST


/* the key's JWK with y's last byte changed: off the curve */
START_TEST(ec_point_off_curve_skipped)
{
    std::string  m = jwk_members(jose_key(test_key::p256));
    size_t       at = m.rfind('"') - 1;

    m[at] = m[at] == 'A' ? 'E' : 'A';
    ck_assert_string_eq(skip_reason("{\"keys\":[{" + m + "}]}"),
                        "EC point not on its curve");
}
END_TEST


START_TEST(ec_and_okp_rules)
{
    std::string  c32 = b64u(std::string(32, '\x01'));
    std::string  c31 = b64u(std::string(31, '\x01'));

    ck_assert_uint_eq(load(jose_key(test_key::p384)).sig_len, 96);
    ck_assert_uint_eq(load(jose_key(test_key::p521)).sig_len, 132);
    ck_assert_uint_eq(load(jose_key(test_key::p521)).bits, 521);
    ck_assert_uint_eq(load(jose_key(test_key::ed25519)).sig_len, 64);

    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"EC\",\"crv\":"
                                    "\"P-256\",\"x\":\"" + c31 + "\",\"y\":\""
                                    + c32 + "\"}]}"),
                        "coordinate of the wrong length");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"EC\",\"crv\":"
                                    "\"P-384\",\"x\":\"" + c32 + "\",\"y\":\""
                                    + c32 + "\"}]}"),
                        "coordinate of the wrong length");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"EC\",\"crv\":"
                                    "\"secp256k1\",\"x\":\"" + c32
                                    + "\",\"y\":\"" + c32 + "\"}]}"),
                        "curve not supported");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"EC\",\"crv\":"
                                    "\"P-256\",\"x\":\"" + c32 + "\"}]}"),
                        "coordinate missing, not base64url, or too long");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
                                    "\"Ed25519\",\"x\":\"" + c31 + "\"}]}"),
                        "coordinate of the wrong length");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
                                    "\"Ed448\",\"x\":\"" + c32 + "\"}]}"),
                        "curve not supported");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"OKP\",\"crv\":"
                                    "\"X25519\",\"x\":\"" + c32 + "\"}]}"),
                        "curve not supported");
}
END_TEST


START_TEST(purpose_and_binding_rules)
{
    EVP_PKEY  *rsa = jose_key(test_key::rsa2048);

    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"use\":\"enc\"")),
                        "use is not sig");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"use\":1")),
                        "use is not sig");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"key_ops\":"
                                            "[\"encrypt\",\"sign\"]")),
                        "key_ops without verify");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"key_ops\":\"verify\"")),
                        "key_ops without verify");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"d\":\"AQAB\"")),
                        "private or symmetric key material");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"oct\","
                                    "\"k\":\"c2VjcmV0\"}]}"),
                        "private or symmetric key material");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"kty\":\"oct\"}]}"),
                        "symmetric key");
    ck_assert_string_eq(skip_reason("{\"keys\":[{\"n\":\"AQAB\"}]}"),
                        "kty missing");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"alg\":\"HS256\"")),
                        "alg not supported");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"alg\":\"RSA-OAEP\"")),
                        "alg not supported");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"alg\":\"ES256\"")),
                        "alg does not fit the key");
    ck_assert_string_eq(skip_reason(jwks_of(jose_key(test_key::p384),
                                            ",\"alg\":\"ES256\"")),
                        "alg does not fit the key");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"kid\":\""
                                            + std::string(129, 'k')
                                            + "\"")), "bad kid");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"kid\":7")), "bad kid");
    ck_assert_string_eq(skip_reason(jwks_of(rsa, ",\"kid\":\""
                                            + std::string(128, 'k')
                                            + "\"")), "");
    ck_assert(load(rsa, ",\"alg\":\"PS384\"").has_alg);
}
END_TEST


START_TEST(set_shape_rules)
{
    jwk_set  set;

    ck_assert_status(api_auth::parse_jwks("{\"keys\":[]}", set),
                     status::missing);
    ck_assert_status(api_auth::parse_jwks("{\"keys\":[1,{}]}", set),
                     status::missing);
    ck_assert_uint_eq(set.skipped.size(), 2);
    ck_assert_status(api_auth::parse_jwks("{}", set), status::malformed);
    ck_assert_status(api_auth::parse_jwks("[]", set), status::malformed);
    ck_assert_status(api_auth::parse_jwks("{\"keys\":{}}", set),
                     status::malformed);
    ck_assert_status(api_auth::parse_jwks("<html>", set), status::malformed);
    ck_assert_status(api_auth::parse_jwks("{\"keys\":[],\"keys\":[]}", set),
                     status::malformed);
    ck_assert_status(api_auth::parse_jwks(jwks_of(jose_key(test_key::p256))
                                          + "x", set), status::malformed);
    ck_assert_status(api_auth::parse_jwks(std::string(1024 * 1024 + 1, ' '),
                                          set), status::too_large);
    ck_assert(set.keys.empty() && set.skipped.empty());
}
END_TEST


START_TEST(too_many_keys)
{
    std::string  one = "{" + jwk_members(jose_key(test_key::ed25519)) + "}";
    std::string  all = "{\"keys\":[" + one;
    jwk_set      set;

    for (size_t i = 1; i < api_auth::max_jwks_keys + 2; i++) {
        all += "," + one;
    }

    ck_assert_status(api_auth::parse_jwks(all + "]}", set), status::ok);
    ck_assert_uint_eq(set.keys.size(), api_auth::max_jwks_keys);
    ck_assert_uint_eq(set.skipped.size(), 2);
    ck_assert_string_eq(set.skipped[0].reason, "too many keys");
}
END_TEST


START_TEST(pem_keys_load)
{
    api_auth::jwk_key  k, j;
    std::string_view   why;

    for (test_key t : { test_key::rsa2048, test_key::p256, test_key::p384,
                        test_key::p521, test_key::ed25519 })
    {
        j = load(jose_key(t));
        ck_assert_status(api_auth::load_pem_key(pem_of(jose_key(t)), k, why),
                         status::ok);
        ck_assert_string_eq(k.thumbprint, j.thumbprint);
        ck_assert(!k.has_kid && !k.has_alg);

        ck_assert_status(api_auth::load_pem_key(cert_pem_of(jose_key(t)), k,
                                                why), status::ok);
        ck_assert_string_eq(k.thumbprint, j.thumbprint);
    }

    ck_assert_status(api_auth::load_pem_key(pem_of(jose_key(
                         test_key::rsa1024)), k, why), status::missing);
    ck_assert_string_eq(why, "RSA key under 2048 bits");
    ck_assert(k.pkey == nullptr);

    ck_assert_status(api_auth::load_pem_key("not a key", k, why),
                     status::malformed);
    ck_assert_status(api_auth::load_pem_key("", k, why), status::malformed);
    ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST


START_TEST(round_trips)
{
    static constexpr const char  *rsa_algs[] = {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"
    };

    api_auth::jwk_key  rsa = load(jose_key(test_key::rsa2048));
    jwt_reason         why;

    for (const char *a : rsa_algs) {
        ck_assert_status(verify(jws_make(jose_key(test_key::rsa2048), a,
                                         header(a), payload), rsa, why),
                         status::ok);
        ck_assert_int_eq(static_cast<int>(why), 0);
    }

    ck_assert_status(verify(jws_make(jose_key(test_key::p256), "ES256",
                                     header("ES256"), payload),
                            load(jose_key(test_key::p256))), status::ok);
    ck_assert_status(verify(jws_make(jose_key(test_key::p384), "ES384",
                                     header("ES384"), payload),
                            load(jose_key(test_key::p384))), status::ok);
    ck_assert_status(verify(jws_make(jose_key(test_key::p521), "ES512",
                                     header("ES512"), payload),
                            load(jose_key(test_key::p521))), status::ok);

    for (const char *a : { "EdDSA", "Ed25519" }) {
        ck_assert_status(verify(jws_make(jose_key(test_key::ed25519), a,
                                         header(a), payload),
                                load(jose_key(test_key::ed25519))),
                         status::ok);
    }
}
END_TEST


START_TEST(pss_salt_must_be_hash_length)
{
    api_auth::jwk_key  rsa = load(jose_key(test_key::rsa2048));
    EVP_PKEY          *key = jose_key(test_key::rsa2048);

    ck_assert_status(verify(jws_make(key, "PS256", header("PS256"), payload,
                                     32), rsa), status::ok);
    ck_assert_status(verify(jws_make(key, "PS256", header("PS256"), payload,
                                     0), rsa), status::inactive);
    ck_assert_status(verify(jws_make(key, "PS256", header("PS256"), payload,
                                     RSA_PSS_SALTLEN_MAX), rsa),
                     status::inactive);
    /* PKCS #1 v1.5 under a PS256 header and the other way round */
    ck_assert_status(verify(with_signature(
                         jws_make(key, "PS256", header("PS256"), payload),
                         jws_sign(key, "RS256",
                                  b64u(header("PS256")) + "." + b64u(payload))),
                         rsa), status::inactive);
}
END_TEST


START_TEST(ecdsa_signature_rules)
{
    api_auth::jwk_key  ec = load(jose_key(test_key::p256));
    EVP_PKEY          *key = jose_key(test_key::p256);
    std::string        t = jws_make(key, "ES256", header("ES256"), payload);
    std::string        input = t.substr(0, t.rfind('.'));
    std::string        raw = jws_sign(key, "ES256", input);
    std::string        der;
    jwt_reason         why;

    ck_assert_status(verify(t, ec), status::ok);

    /* CVE-2022-21449: r = s = 0 */
    ck_assert_status(verify(with_signature(t, std::string(64, '\0')), ec,
                            why), status::inactive);
    ck_assert_int_eq(static_cast<int>(why),
                     static_cast<int>(jwt_reason::signature));
    ck_assert_status(verify(with_signature(t, std::string(32, '\0')
                                              + raw.substr(32)), ec),
                     status::inactive);
    ck_assert_status(verify(with_signature(t, raw.substr(0, 32)
                                              + std::string(32, '\0')), ec),
                     status::inactive);

    /* r, s >= n */
    ck_assert_status(verify(with_signature(t, std::string(64, '\xff')), ec),
                     status::inactive);

    /* wrong lengths, and the DER form OpenSSL itself would take */
    ck_assert_status(verify(with_signature(t, raw.substr(1)), ec),
                     status::inactive);
    ck_assert_status(verify(with_signature(t, raw + std::string(1, '\0')), ec),
                     status::inactive);
    ck_assert_status(verify(with_signature(t, std::string(1, '\0') + raw),
                            ec), status::inactive);

    EVP_MD_CTX  *md = EVP_MD_CTX_new();
    size_t       len = 0;

    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(md, nullptr, &len,
                   reinterpret_cast<const unsigned char *>(input.data()),
                   input.size());
    der.resize(len);
    EVP_DigestSign(md, reinterpret_cast<unsigned char *>(&der[0]), &len,
                   reinterpret_cast<const unsigned char *>(input.data()),
                   input.size());
    der.resize(len);
    EVP_MD_CTX_free(md);

    ck_assert_status(verify(with_signature(t, der), ec, why),
                     status::inactive);
    ck_assert_int_eq(static_cast<int>(why),
                     static_cast<int>(jwt_reason::signature));

    /* a bit flip in s */
    raw[63] = static_cast<char>(raw[63] ^ 1);
    ck_assert_status(verify(with_signature(t, raw), ec), status::inactive);
    ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST


START_TEST(rsa_signature_rules)
{
    api_auth::jwk_key  rsa = load(jose_key(test_key::rsa2048));
    EVP_PKEY          *key = jose_key(test_key::rsa2048);
    std::string        t = jws_make(key, "RS256", header("RS256"), payload);
    std::string        input = t.substr(0, t.rfind('.'));
    std::string        sig = jws_sign(key, "RS256", input);

    ck_assert_status(verify(t, rsa), status::ok);
    ck_assert_status(verify(with_signature(t, sig.substr(1)), rsa),
                     status::inactive);
    ck_assert_status(verify(with_signature(t, sig.substr(0, 255)), rsa),
                     status::inactive);
    ck_assert_status(verify(with_signature(t, std::string(1, '\0') + sig),
                            rsa), status::inactive);
    ck_assert_status(verify(with_signature(t, std::string(256, '\0')), rsa),
                     status::inactive);

    sig[100] = static_cast<char>(sig[100] ^ 0x10);
    ck_assert_status(verify(with_signature(t, sig), rsa), status::inactive);

    /* the right signature under another key of the same kind */
    ck_assert_status(verify(t, load(jose_key(test_key::rsa_b))),
                     status::inactive);
    ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST


START_TEST(ed25519_bit_flips)
{
    api_auth::jwk_key  ed = load(jose_key(test_key::ed25519));
    EVP_PKEY          *key = jose_key(test_key::ed25519);
    std::string        t = jws_make(key, "EdDSA", header("EdDSA"), payload);
    std::string        sig = jws_sign(key, "EdDSA", t.substr(0,
                                                             t.rfind('.')));
    std::string        u;

    ck_assert_status(verify(t, ed), status::ok);

    for (size_t i : { size_t{0}, size_t{31}, size_t{32}, size_t{63} }) {
        u = sig;
        u[i] = static_cast<char>(u[i] ^ 0x01);
        ck_assert_status(verify(with_signature(t, u), ed), status::inactive);
    }

    ck_assert_status(verify(with_signature(t, sig.substr(0, 63)), ed),
                     status::inactive);

    /* a payload re-signed under another payload's signature */
    u = jws_make(key, "EdDSA", header("EdDSA"),
                 R"({"iss":"https://as.example","exp":1700000600,)"
                 R"("sub":"admin"})");
    ck_assert_status(verify(with_signature(u, sig), ed), status::inactive);
}
END_TEST


START_TEST(alg_key_mismatch_fails_before_crypto)
{
    api_auth::jwk_key  rsa = load(jose_key(test_key::rsa2048));
    api_auth::jwk_key  ec = load(jose_key(test_key::p256));
    api_auth::jwk_key  bound = load(jose_key(test_key::rsa2048),
                                    ",\"alg\":\"RS384\"");
    api_auth::jwk_key  ed = load(jose_key(test_key::ed25519),
                                 ",\"alg\":\"EdDSA\"");
    std::string        rs = jws_make(jose_key(test_key::rsa2048), "RS256",
                                     header("RS256"), payload);
    std::string        es = jws_make(jose_key(test_key::p256), "ES256",
                                     header("ES256"), payload);
    jwt_reason         why;

    ck_assert_status(verify(rs, ec, why), status::inactive);
    ck_assert_int_eq(static_cast<int>(why),
                     static_cast<int>(jwt_reason::key));
    ck_assert_status(verify(es, rsa, why), status::inactive);
    ck_assert_int_eq(static_cast<int>(why),
                     static_cast<int>(jwt_reason::key));
    ck_assert_status(verify(rs, bound, why), status::inactive);
    ck_assert_int_eq(static_cast<int>(why),
                     static_cast<int>(jwt_reason::key));
    ck_assert_status(verify(es, load(jose_key(test_key::p384)), why),
                     status::inactive);
    ck_assert_int_eq(static_cast<int>(why),
                     static_cast<int>(jwt_reason::key));
    ck_assert_status(verify(jws_make(jose_key(test_key::ed25519), "Ed25519",
                                     header("Ed25519"), payload), ed, why),
                     status::inactive);
    ck_assert_int_eq(static_cast<int>(why),
                     static_cast<int>(jwt_reason::key));

    ck_assert(api_auth::jwk_fits(rsa, api_auth::jws_alg::ps512));
    ck_assert(!api_auth::jwk_fits(rsa, api_auth::jws_alg::es256));
    ck_assert(!api_auth::jwk_fits(bound, api_auth::jws_alg::ps384));
    ck_assert(api_auth::jwk_fits(bound, api_auth::jws_alg::rs384));
}
END_TEST


static status
select(const jwk_set &set, std::string_view alg, std::string_view kid,
       const api_auth::jwk_key *&key)
{
    jwt  t;

    ck_assert_status(api_auth::parse_jwt(jws_compose(header(alg, kid),
                                                     payload),
                                         policy(), now, t), status::ok);

    return api_auth::jwk_select(set, t, key);
}


START_TEST(key_selection)
{
    std::string               rsa = jwk_members(jose_key(test_key::rsa2048));
    std::string               ec = jwk_members(jose_key(test_key::p256));
    std::string               rsb = jwk_members(jose_key(test_key::rsa_b));
    const api_auth::jwk_key  *k;
    jwk_set                   set, two, bare;

    ck_assert_status(api_auth::parse_jwks("{\"keys\":[{" + rsa
                                          + ",\"kid\":\"a\"},{" + ec
                                          + ",\"kid\":\"b\"},{" + rsb
                                          + ",\"kid\":\"a\"}]}", set),
                     status::ok);

    ck_assert_status(select(set, "ES256", "b", k), status::ok);
    ck_assert(k == &set.keys[1]);
    ck_assert_status(select(set, "ES256", "c", k), status::missing);
    ck_assert(k == nullptr);
    ck_assert_status(select(set, "RS256", "b", k), status::inactive);
    /* two RSA keys under one kid: refused, never guessed */
    ck_assert_status(select(set, "RS256", "a", k), status::inactive);
    ck_assert_status(select(set, "ES256", "", k), status::ok);
    ck_assert(k == &set.keys[1]);
    ck_assert_status(select(set, "RS256", "", k), status::inactive);
    ck_assert_status(select(set, "EdDSA", "", k), status::missing);

    ck_assert_status(api_auth::parse_jwks("{\"keys\":[{" + rsa + "},{"
                                          + ec + "}]}", bare), status::ok);
    /* a token's kid may name a key published without one */
    ck_assert_status(select(bare, "RS256", "x", k), status::ok);
    ck_assert(k == &bare.keys[0]);
    ck_assert_status(select(bare, "ES384", "x", k), status::missing);

    ck_assert_status(api_auth::parse_jwks("{\"keys\":[{" + rsa + "},{"
                                          + rsb + "}]}", two), status::ok);
    ck_assert_status(select(two, "RS256", "", k), status::inactive);
}
END_TEST


/* ES* r || s as DER: minimal INTEGERs, the long form past 127 bytes */
static std::string
ecdsa_der(const std::string &sig)
{
    uint8_t  out[api_auth::max_ecdsa_der];
    size_t   n = api_auth::jws_ecdsa_der(
                     reinterpret_cast<const uint8_t *>(sig.data()),
                     sig.size(), out);

    return std::string(reinterpret_cast<char *>(out), n);
}


/* OpenSSL reads der back to r and s and writes the same bytes */
static void
der_round_trips(const std::string &der, const std::string &sig)
{
    const unsigned char  *p = reinterpret_cast<const unsigned char *>(
                                  der.data());
    unsigned char        *again = nullptr;
    unsigned char         r[66], s[66];
    size_t                half = sig.size() / 2;
    ECDSA_SIG            *e = d2i_ECDSA_SIG(nullptr, &p,
                                            static_cast<long>(der.size()));
    int                   n;

    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_r(e), r, half), half);
    ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_s(e), s, half), half);
    ck_assert_mem_eq(r, sig.data(), half);
    ck_assert_mem_eq(s, sig.data() + half, half);

    n = i2d_ECDSA_SIG(e, &again);
    ck_assert_int_eq(n, static_cast<int>(der.size()));
    ck_assert_mem_eq(again, der.data(), der.size());

    OPENSSL_free(again);
    ECDSA_SIG_free(e);
}


START_TEST(ecdsa_der_is_canonical)
{
    std::string  sig(64, '\0'), big(132, '\xff'), der;

    /* r with its top bit set takes a zero byte; s loses leading zeros */
    sig[0] = '\x80';
    sig[31] = '\x01';
    sig[63] = '\x7f';
    der = ecdsa_der(sig);
    ck_assert_uint_eq(der.size(), 2 + 2 + 33 + 2 + 1);
    ck_assert_mem_eq(der.data(), "\x30\x26\x02\x21\x00\x80", 6);
    ck_assert_mem_eq(der.data() + der.size() - 3, "\x02\x01\x7f", 3);
    der_round_trips(der, sig);

    /* P-521: two 69-byte INTEGERs need the one-byte long form */
    der = ecdsa_der(big);
    ck_assert_uint_eq(der.size(), 3 + 2 * 69);
    ck_assert_mem_eq(der.data(), "\x30\x81\x8a\x02\x43\x00\xff", 7);
    der_round_trips(der, big);

    /* CVE-2022-21449: r or s zero never becomes a signature */
    ck_assert_uint_eq(ecdsa_der(std::string(64, '\0')).size(), 0);
    sig.assign(64, '\x01');
    std::fill(sig.begin(), sig.begin() + 32, '\0');
    ck_assert_uint_eq(ecdsa_der(sig).size(), 0);
    sig.assign(64, '\x01');
    std::fill(sig.begin() + 32, sig.end(), '\0');
    ck_assert_uint_eq(ecdsa_der(sig).size(), 0);
}
END_TEST


static std::string
unb64u(std::string_view s)
{
    std::string  b(api_auth::base64url_decoded_max(s.size()), '\0');
    size_t       n;

    ck_assert_status(api_auth::base64url_decode(
                         s, reinterpret_cast<uint8_t *>(&b[0]), n), status::ok);
    b.resize(n);

    return b;
}


static const uint8_t *
u8(const std::string &s)
{
    return reinterpret_cast<const uint8_t *>(s.data());
}


/* the published examples: RFC 7638 §3.1 (RSA) and RFC 8037 A.3 (OKP) */
START_TEST(thumbprint_rfc_examples)
{
    std::string  t;
    std::string  n = unb64u(
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1R"
        "K7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9"
        "yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZg"
        "nYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6We"
        "Zu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDK"
        "gw");
    std::string  e = unb64u("AQAB");
    std::string  x = unb64u("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");

    api_auth::jwk_thumbprint_rsa(u8(e), e.size(), u8(n), n.size(), t);
    ck_assert_string_eq(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");

    api_auth::jwk_thumbprint_curve(api_auth::jwk_curve::ed25519, u8(x),
                                   nullptr, x.size(), t);
    ck_assert_string_eq(t, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");

    /* EC: crv, kty, x, y in that order; y's bytes count */
    std::string  px(32, '\x01'), py(32, '\x02'), canon, other;
    unsigned char  d[32];
    unsigned int   dn;

    canon = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + b64u(px)
            + "\",\"y\":\"" + b64u(py) + "\"}";
    EVP_Digest(canon.data(), canon.size(), d, &dn, EVP_sha256(), nullptr);
    api_auth::jwk_thumbprint_curve(api_auth::jwk_curve::p256, u8(px),
                                   u8(py), 32, t);
    ck_assert_string_eq(t, b64u(std::string_view(
                               reinterpret_cast<char *>(d), dn)));

    api_auth::jwk_thumbprint_curve(api_auth::jwk_curve::p256, u8(px),
                                   u8(px), 32, other);
    ck_assert(other != t);
}
END_TEST

Suite *
jwk_suite(void)
{
    Suite  *s = suite_create("jwk");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    /* keys once, in the runner, before Check forks each test */
    tcase_add_unchecked_fixture(tc, jose_keys_setup, nullptr);

    tcase_add_test(tc, rsa_key_loads);
    tcase_add_test(tc, thumbprint_rfc7638);
    tcase_add_test(tc, weak_rsa_skipped);
    tcase_add_test(tc, bad_key_skipped_good_kept);
    tcase_add_test(tc, rsa_parameter_rules);
    tcase_add_test(tc, ec_point_off_curve_skipped);
    tcase_add_test(tc, ec_and_okp_rules);
    tcase_add_test(tc, purpose_and_binding_rules);
    tcase_add_test(tc, set_shape_rules);
    tcase_add_test(tc, too_many_keys);
    tcase_add_test(tc, pem_keys_load);
    tcase_add_test(tc, round_trips);
    tcase_add_test(tc, pss_salt_must_be_hash_length);
    tcase_add_test(tc, ecdsa_signature_rules);
    tcase_add_test(tc, rsa_signature_rules);
    tcase_add_test(tc, ed25519_bit_flips);
    tcase_add_test(tc, alg_key_mismatch_fails_before_crypto);
    tcase_add_test(tc, key_selection);
    tcase_add_test(tc, ecdsa_der_is_canonical);
    tcase_add_test(tc, thumbprint_rfc_examples);
    suite_add_tcase(s, tc);

    return s;
}
