/*
 * JWS compact tokens (jwt.hpp) and their verification (jwk.hpp).  The
 * input is a token, or, when its first byte is 0x01, "header JSON \n
 * payload JSON \n signature bytes" that the target encodes itself, so
 * that mutations reach the header and claim rules.  Properties:
 *   - parse_jwt returns a status the adapter maps; a refusal has a
 *     reason and leaves the output reset;
 *   - an accepted token's views lie inside the input: the signing input
 *     is its prefix up to the second dot, and the rest is the signature;
 *     the kid is at most 128 bytes without control bytes; the alg is in
 *     the allow-list; the issuer is one of the configured ones; the
 *     dates are in range; the scope is empty or an RFC 6749 scope;
 *   - an accepted token is within the 8 KB / 2 KB bounds and re-splits
 *     into the same three segments; its decoded header is a JSON object
 *     whose alg is the string of the parsed alg, with the parsed kid and
 *     none of crit, b64, zip, cty;
 *   - jws_route agrees: an accepted token routes to the same issuer;
 *   - a segment that decodes re-encodes to itself (one encoding);
 *   - no forgery: under the public keys below (their private halves were
 *     discarded when the seeds were signed), a signature verifies only
 *     over one of the seeds' signing inputs;
 *   - round trip: when the first byte is 0x02, the target signs "header
 *     JSON \n payload JSON" itself under a key the fuzzer chooses (an
 *     Ed25519 key from 32 input bytes, or a fixed ES256, RS256 or PS256
 *     key); a token the parser accepts then carries that signature and
 *     verifies under that key exactly when its alg is the signing alg,
 *     the key set of that key selects it, and one flipped bit fails.
 */

#include <cstring>
#include <string>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "fuzz.hpp"
#include "jwk.hpp"
#include "jws_compact.hpp"
#include "jwt.hpp"
#include "policy.hpp"

using namespace api_auth;

/* 2023-11-14T22:13:20Z, before the seeds' exp */
static constexpr int64_t  now = 1700000000;
static constexpr int64_t  max_date = 253402300799;

static constexpr std::string_view  issuers[] = {
    "https://as.example", "https://other.example/"
};

static constexpr std::string_view  audiences[] = { "api" };

/* public keys only: ES256 "e1", RSA "r1", Ed25519 "d1" (test keys) */
static constexpr std::string_view  jwks =
    "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"x_AkWpleh8b-f6GdZ"
    "YgL0g6y-SkQWmvcWbXg1S6LKfg\",\"y\":\"R312YL2p4kh2IJeJBG4TLL4tRbWRSS1KN"
    "4S7gga5lKw\",\"kid\":\"e1\",\"use\":\"sig\",\"alg\":\"ES256\"},{\"kty"
    "\":\"RSA\",\"n\":\"t9cQ7-KaZQH5JJBgvd6L312LT1iiv9WiYoMfMvbTHUZAc8JAs8W"
    "FZ6Mkyy5ulcQyujH3fLuJC8uouYc9vM3lsHM2HNu17BIzNusMJdHxJam8AiQPvt6LmGOEY"
    "qpzFT54ETaRAfxrZvHBpnQ7flenBZRalYi4I7GJfR1h-GZXqjBGzps1m38DBMOuqbJfHrE"
    "JnW2o5kOocnZIgpJQlZE9frEGxNiYvaWWxADtHVsnwAMtV9Tg49m8vSaLuxt0Zy6ljvno2"
    "fSOH5EjqtEJ1s3afuEXTq4CazF5LwuzGNYKGF8Qb7yUF3FAMN9E4hQI2Rim_f7LMI2DMzX"
    "8XAuQ7huTmQ\",\"e\":\"AQAB\",\"kid\":\"r1\"},{\"kty\":\"OKP\",\"crv\":"
    "\"Ed25519\",\"x\":\"O4SzyCpZAZS7s9ZlBMHkNG1RDjLBywOJZuOV0QHIUqA\",\"ki"
    "d\":\"d1\",\"key_ops\":[\"verify\"]}]}";

/* the signing inputs of fuzz/corpus/jws/{es256,rs256,ps256,eddsa} */
static constexpr std::string_view  signed_headers[] = {
    "{\"alg\":\"ES256\",\"kid\":\"e1\",\"typ\":\"at+jwt\"}",
    "{\"alg\":\"RS256\",\"kid\":\"r1\"}",
    "{\"alg\":\"PS256\",\"kid\":\"r1\",\"typ\":\"JWT\"}",
    "{\"alg\":\"EdDSA\",\"kid\":\"d1\",\"typ\":\"application/at+jwt\"}"
};

static constexpr std::string_view  signed_payload =
    "{\"iss\":\"https://as.example\",\"aud\":\"api\",\"exp\":1700000600,"
    "\"sub\":\"u1\",\"client_id\":\"c1\",\"scope\":\"read write\"}";

static jwk_set      *keys;
static std::string  *seeds;

/* mode 0x02: the fixed private keys and their public halves */
struct signer {
    jws_alg    alg;
    EVP_PKEY  *priv;
    jwk_set    pub;
};

static signer  *signers;        /* ES256, RS256, PS256 (RS256's key) */


static std::string
encode(std::string_view s)
{
    std::string  out(base64url_encoded_len(s.size()), '\0');

    (void) base64url_encode(reinterpret_cast<const uint8_t *>(s.data()),
                            s.size(), &out[0]);

    return out;
}


/* the key set of priv's public half, through its PEM */
static jwk_set
public_set(EVP_PKEY *priv)
{
    jwk_set           set;
    jwk_key           k;
    std::string_view  why;
    char             *pem;
    long              n;
    BIO              *bio = BIO_new(BIO_s_mem());

    FUZZ_CHECK(bio != nullptr && PEM_write_bio_PUBKEY(bio, priv) == 1);
    n = BIO_get_mem_data(bio, &pem);
    FUZZ_CHECK(load_pem_key(std::string_view(pem, static_cast<size_t>(n)),
                            k, why) == status::ok);
    BIO_free(bio);

    set.keys.push_back(std::move(k));

    return set;
}


/* a JWS signature of in under key with alg: r || s for ES256 */
static std::string
sign(EVP_PKEY *key, jws_alg alg, std::string_view in)
{
    unsigned char  der[256], raw[64];
    size_t         n = 0;
    EVP_PKEY_CTX  *pctx = nullptr;
    EVP_MD_CTX    *md = EVP_MD_CTX_new();
    const EVP_MD  *h = alg == jws_alg::eddsa ? nullptr : EVP_sha256();

    FUZZ_CHECK(md != nullptr
               && EVP_DigestSignInit(md, &pctx, h, nullptr, key) == 1);

    if (alg == jws_alg::ps256) {
        FUZZ_CHECK(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING)
                   == 1
                   && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
                                                       RSA_PSS_SALTLEN_DIGEST)
                      == 1);
    }

    n = sizeof(der);
    FUZZ_CHECK(EVP_DigestSign(md, der, &n,
                              reinterpret_cast<const uint8_t *>(in.data()),
                              in.size()) == 1);
    EVP_MD_CTX_free(md);

    if (alg != jws_alg::es256) {
        return std::string(reinterpret_cast<char *>(der), n);
    }

    const unsigned char  *p = der;
    ECDSA_SIG            *e = d2i_ECDSA_SIG(nullptr, &p,
                                            static_cast<long>(n));

    FUZZ_CHECK(e != nullptr
               && BN_bn2binpad(ECDSA_SIG_get0_r(e), raw, 32) == 32
               && BN_bn2binpad(ECDSA_SIG_get0_s(e), raw + 32, 32) == 32);
    ECDSA_SIG_free(e);

    return std::string(reinterpret_cast<char *>(raw), 64);
}


extern "C" int
LLVMFuzzerInitialize(int *, char ***)
{
    keys = new jwk_set;
    seeds = new std::string[4];

    if (parse_jwks(jwks, *keys) != status::ok || keys->keys.size() != 3) {
        std::abort();
    }

    for (size_t i = 0; i < 4; i++) {
        seeds[i] = encode(signed_headers[i]) + "." + encode(signed_payload);
    }

    EVP_PKEY  *ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    EVP_PKEY  *rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA",
                                       static_cast<size_t>(2048));

    FUZZ_CHECK(ec != nullptr && rsa != nullptr);

    signers = new signer[3];
    signers[0].alg = jws_alg::es256;
    signers[0].priv = ec;
    signers[1].alg = jws_alg::rs256;
    signers[1].priv = rsa;
    signers[2].alg = jws_alg::ps256;
    signers[2].priv = rsa;

    for (size_t i = 0; i < 3; i++) {
        signers[i].pub = public_set(signers[i].priv);
    }

    return 0;
}


/* every segment that decodes is the one encoding of its bytes */
static void
check_canonical(std::string_view seg)
{
    uint8_t  buf[base64url_decoded_max(max_jws_token)];
    char     again[max_jws_token + 4];
    size_t   n;

    if (seg.size() > max_jws_token
        || base64url_decode(seg, buf, n) != status::ok)
    {
        return;
    }

    FUZZ_CHECK(base64url_encode(buf, n, again) == seg.size());
    FUZZ_CHECK(seg.empty() || std::memcmp(again, seg.data(), seg.size())
                              == 0);
}


/* the accepted token's segments and decoded header, from scratch */
static void
check_header(std::string_view in, const jwt &t)
{
    uint8_t           buf[base64url_decoded_max(max_jws_header)];
    jws_segments      s;
    json_ptr          h;
    json_t           *v;

    FUZZ_CHECK(in.size() <= max_jws_token);
    FUZZ_CHECK(jws_split(in, s));
    FUZZ_CHECK(s.header.size() <= max_jws_header);
    FUZZ_CHECK(s.header.data() == in.data()
               && s.payload.data() == s.header.data() + s.header.size() + 1
               && s.signature.data() == s.payload.data() + s.payload.size()
                                        + 1);
    FUZZ_CHECK(t.signing_input.size()
               == s.header.size() + 1 + s.payload.size());
    FUZZ_CHECK(s.signature.data() + s.signature.size()
               == in.data() + in.size());

    FUZZ_CHECK(jws_decode_object(s.header, buf, jwt_reason::header, h)
               == jwt_reason::none);

    v = json_object_get(h.get(), "alg");
    FUZZ_CHECK(json_is_string(v)
               && json_text(v) == jws_alg_name(t.alg));

    v = json_object_get(h.get(), "kid");
    FUZZ_CHECK((v != nullptr) == t.has_kid);
    FUZZ_CHECK(v == nullptr || json_text(v) == t.kid_view());

    for (const char *name : { "crit", "b64", "zip", "cty" }) {
        FUZZ_CHECK(json_object_get(h.get(), name) == nullptr);
    }
}


static void
check_accepted(std::string_view in, const jwt &t, const jwt_policy &p)
{
    std::string_view  iss;
    std::string_view  rest;

    FUZZ_CHECK(t.reason == jwt_reason::none);
    FUZZ_CHECK(fuzz_inside(t.signing_input, in));
    FUZZ_CHECK(t.signing_input.data() == in.data());
    FUZZ_CHECK(in.size() > t.signing_input.size()
               && in[t.signing_input.size()] == '.');

    rest = in.substr(t.signing_input.size() + 1);
    FUZZ_CHECK(!rest.empty() && rest.find('.') == std::string_view::npos);
    FUZZ_CHECK(t.signature_len > 0 && t.signature_len <= max_jws_signature);
    FUZZ_CHECK(t.signature_len == rest.size() / 4 * 3
               + (rest.size() % 4 == 0 ? 0 : rest.size() % 4 - 1));

    FUZZ_CHECK(p.algorithms & jws_alg_bit(t.alg));
    FUZZ_CHECK(!t.has_kid || (t.kid_len > 0 && t.kid_len <= max_jwt_kid));
    FUZZ_CHECK(t.has_kid || t.kid_len == 0);

    for (char c : t.kid_view()) {
        FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
    }

    FUZZ_CHECK(t.issuer.data() == issuers[0].data()
               || t.issuer.data() == issuers[1].data());
    FUZZ_CHECK(t.exp >= 0 && t.exp <= max_date && now < t.exp + p.leeway);
    FUZZ_CHECK(t.nbf >= 0 && t.nbf <= now + p.leeway);
    FUZZ_CHECK(t.iat >= 0 && t.iat <= now + p.leeway);
    FUZZ_CHECK(t.scope.empty() || is_scope(t.scope));

    FUZZ_CHECK(jws_route(in, { issuers, 2 }, iss));
    FUZZ_CHECK(iss.data() == t.issuer.data());

    check_header(in, t);
}


static void
check_verify(const jwt &t)
{
    const jwk_key  *k;
    jwt_reason      why;
    bool            seed = false;

    for (const jwk_key &key : keys->keys) {
        if (jws_verify(t, key, why) == status::ok) {
            for (size_t i = 0; i < 4; i++) {
                seed = seed || t.signing_input == seeds[i];
            }

            FUZZ_CHECK(seed);
            FUZZ_CHECK(why == jwt_reason::none && jwk_fits(key, t.alg));

        } else {
            FUZZ_CHECK(why != jwt_reason::none);
        }
    }

    if (jwk_select(*keys, t, k) == status::ok) {
        FUZZ_CHECK(k != nullptr && jwk_fits(*k, t.alg));

    } else {
        FUZZ_CHECK(k == nullptr);
    }
}


static void
check_signed(const jwt &t, const jwk_set &set, jws_alg alg,
             const std::string &sig, size_t flip)
{
    const jwk_key  *k;
    jwt_reason      why;
    status          rc;

    static jwt      bad;

    FUZZ_CHECK(t.signature_len == sig.size()
               && std::memcmp(t.signature, sig.data(), sig.size()) == 0);

    rc = jws_verify(t, set.keys[0], why);

    /* a signature is bound to its algorithm (EdDSA and Ed25519 are one) */
    if (t.alg != alg
        && !(alg == jws_alg::eddsa && t.alg == jws_alg::ed25519))
    {
        FUZZ_CHECK(rc != status::ok);
        return;
    }

    FUZZ_CHECK(rc == status::ok && why == jwt_reason::none);
    FUZZ_CHECK(jwk_select(set, t, k) == status::ok && k == &set.keys[0]);

    bad = t;
    bad.signature[(flip & 0xffff) % sig.size()] ^= static_cast<uint8_t>(
                                           1u << (flip >> 16));
    FUZZ_CHECK(jws_verify(bad, set.keys[0], why) != status::ok);
}


/* 0x02, key byte, 32 Ed25519 seed bytes, header JSON \n payload JSON */
static int
round_trip(std::string_view in)
{
    std::string       token, sig;
    jws_alg           alg;
    jwt_policy        p;
    size_t            a, flip;
    EVP_PKEY         *ed = nullptr;
    const jwk_set    *set;
    jwk_set           own;

    static jwt        t;

    if (in.size() < 34 || (a = in.find('\n', 34)) == std::string_view::npos) {
        return 0;
    }

    /* which bit of the signature to flip: from bytes 1 to 3 */
    flip = (static_cast<unsigned char>(in[1]) >> 2)
           | static_cast<size_t>(static_cast<unsigned char>(in[2])) << 6
           | static_cast<size_t>(static_cast<unsigned char>(in[3]) % 8)
             << 16;

    if ((in[1] & 3) == 0) {
        ed = EVP_PKEY_new_raw_private_key(
                 EVP_PKEY_ED25519, nullptr,
                 reinterpret_cast<const unsigned char *>(in.data() + 2), 32);
        FUZZ_CHECK(ed != nullptr);
        own = public_set(ed);
        set = &own;
        alg = jws_alg::eddsa;

    } else {
        set = &signers[(in[1] & 3) - 1].pub;
        alg = signers[(in[1] & 3) - 1].alg;
    }

    token = encode(in.substr(34, a - 34)) + "." + encode(in.substr(a + 1));
    sig = sign(ed != nullptr ? ed : signers[(in[1] & 3) - 1].priv, alg,
               token);
    token += "." + encode(sig);
    EVP_PKEY_free(ed);

    p.issuers = { issuers, 2 };
    p.audiences = { audiences, 1 };
    p.algorithms = 0x7ff;

    if (parse_jwt(token, p, now, t) == status::ok) {
        check_accepted(token, t, p);
        check_signed(t, *set, alg, sig, flip);
    }

    return 0;
}


extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view  in = fuzz_input(data, size);
    std::string       built;
    std::string_view  iss;
    jwt_policy        p;
    size_t            a, b;
    status            rc;

    static jwt  t;           /* 1 KB of signature buffer: not per call */

    if (size > 0 && data[0] == 0x02) {
        return round_trip(in);
    }

    if (size > 0 && data[0] == 0x01) {
        a = in.find('\n', 1);
        b = a == std::string_view::npos ? a : in.find('\n', a + 1);

        if (b == std::string_view::npos) {
            return 0;
        }

        built = encode(in.substr(1, a - 1)) + "."
                + encode(in.substr(a + 1, b - a - 1)) + "."
                + encode(in.substr(b + 1));
        in = built;
    }

    p.issuers = { issuers, 2 };
    p.audiences = { audiences, 1 };
    p.algorithms = 0x7ff;
    p.audience_off = size > 1 && (data[size - 1] & 1);

    for (size_t i = 0, j = 0; i <= in.size(); i++) {
        if (i == in.size() || in[i] == '.') {
            check_canonical(in.substr(j, i - j));
            j = i + 1;
        }
    }

    rc = parse_jwt(in, p, now, t);

    FUZZ_CHECK(rc == status::ok || rc == status::inactive
               || rc == status::expired || rc == status::too_large
               || rc == status::internal);

    (void) jws_route(in, { issuers, 2 }, iss);
    FUZZ_CHECK(fuzz_inside(iss, issuers[0]) || fuzz_inside(iss, issuers[1]));

    if (rc != status::ok) {
        FUZZ_CHECK(t.reason != jwt_reason::none);
        FUZZ_CHECK(t.signing_input.empty() && t.subject.empty()
                   && t.client.empty() && t.scope.empty() && t.exp == 0
                   && t.signature_len == 0);
        return 0;
    }

    check_accepted(in, t, p);
    check_verify(t);

    return 0;
}
