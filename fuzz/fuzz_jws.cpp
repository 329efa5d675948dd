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
 *   - jws_route agrees: an accepted token routes to the same issuer;
 *   - a segment that decodes re-encodes to itself (one encoding);
 *   - no forgery: under the public keys below (their private halves were
 *     discarded when the seeds were signed), a signature verifies only
 *     over one of the seeds' signing inputs.
 */

#include <cstring>
#include <string>

#include "fuzz.hpp"
#include "jwk.hpp"
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


static std::string
encode(std::string_view s)
{
    std::string  out(base64url_encoded_len(s.size()), '\0');

    (void) base64url_encode(reinterpret_cast<const uint8_t *>(s.data()),
                            s.size(), &out[0]);

    return out;
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
