/*
 * JWK Sets and PEM keys (jwk.hpp), which come from the network or a
 * file: parse_jwks on the input, or load_pem_key when it starts with
 * "-----".  Properties:
 *   - the status is one the adapter handles; ok means at least one key,
 *     missing none, anything else neither keys nor skip records;
 *   - every kept key is usable: an EVP_PKEY, a 43-character base64url
 *     RFC 7638 thumbprint, a kid of 1..128 bytes without control bytes
 *     when it has one, RSA of 2048..8192 bits, EC of 256/384/521 bits,
 *     Ed25519, the one signature length of its kind, and an alg binding
 *     that fits it;
 *   - every skipped key has a reason;
 *   - no forged key: the seed tokens below verify under a parsed key only
 *     if its thumbprint is that of the key that signed them (their
 *     private halves were discarded when the seeds were made).
 */

#include <string>

#include "fuzz.hpp"
#include "jwk.hpp"
#include "jwt.hpp"

using namespace api_auth;

static constexpr int64_t  now = 1700000000;

static constexpr std::string_view  issuers[] = { "https://as.example" };

/* ES256 by "e1", RS256 and PS256 by "r1", EdDSA by "d1" */
static constexpr std::string_view  tokens[] = {
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImUxIiwidHlwIjoiYXQrand0In0.eyJpc3MiOiJo"
    "dHRwczovL2FzLmV4YW1wbGUiLCJhdWQiOiJhcGkiLCJleHAiOjE3MDAwMDA2MDAsInN1"
    "YiI6InUxIiwiY2xpZW50X2lkIjoiYzEiLCJzY29wZSI6InJlYWQgd3JpdGUifQ.J1_r9"
    "N4QUBUbXo9T_Cl4sC6Erad0LbnuMmIkQZ9kxMS77IztrOIyW2ZqvOmf6-Bhdf0xcjZaw"
    "JMwtwUTIvZFIA",

    "eyJhbGciOiJSUzI1NiIsImtpZCI6InIxIn0.eyJpc3MiOiJodHRwczovL2FzLmV4YW1w"
    "bGUiLCJhdWQiOiJhcGkiLCJleHAiOjE3MDAwMDA2MDAsInN1YiI6InUxIiwiY2xpZW50"
    "X2lkIjoiYzEiLCJzY29wZSI6InJlYWQgd3JpdGUifQ.Yfrwi-fG2OyBAFHRGUWW33qc3"
    "mxsJh_yb0PZh5l40jMCuee4RTQGMPUM2lYfRxFB8yujdpC-JFieODYaC8qpUw9iqmj1t"
    "js1M4chSnBItHxCy4ZPAIaqSEOo5m2zWrYu3Q0Ii0Kx3xJY4RNsp6OTSKPkqbD0jTvkB"
    "6jfvFaxiqlyIK1Kt3a2gvpC7endd7iQnZ3Tts4BZ1YqHmroChdekINqKz3bEprCjms3C"
    "3wNupaji1r51G6ITlHbDUmFWd9v1ikhZUZwlECxHjroW-7CO48MGz89zUyD9jbsMkKTY"
    "_LlAYYFVlkB4Js9qmGyju5dQOIcnkcOgtitRcoNISf5eQ",

    "eyJhbGciOiJQUzI1NiIsImtpZCI6InIxIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRw"
    "czovL2FzLmV4YW1wbGUiLCJhdWQiOiJhcGkiLCJleHAiOjE3MDAwMDA2MDAsInN1YiI6"
    "InUxIiwiY2xpZW50X2lkIjoiYzEiLCJzY29wZSI6InJlYWQgd3JpdGUifQ.q7WY9a25l"
    "Xa9aTfhBI-dQrWI2TXQCu4hiJvpHufEpLpmunUNOdM_MWXx9cjFKLaMtrKf_Q3uNSbaV"
    "BmDi27jQ6QdALKnaZy_1JG0IOKVbstdhHMeE1Tmqw710mfi_NFNM6-3nbvnzRial35Gg"
    "sRAjirgiA1H2QtoepvJ_zDRjFm4symCCREdUK4a_ZYNFMkW_Uo5a6tScpyc_lYS1F0Bt"
    "P9IbMgbYLoXsMSDqZ5I95X9_7T9TVrodKdoQO7P8lbRsaKzk5q5GaJ1j35vD8bJRTDMn"
    "H_q0EJ2qIt6RTkxbpl_aw3VhuG6MTMZvCkPXxl5Dr_tYTGm8UQZ0ldXdubr8w",

    "eyJhbGciOiJFZERTQSIsImtpZCI6ImQxIiwidHlwIjoiYXBwbGljYXRpb24vYXQrand0"
    "In0.eyJpc3MiOiJodHRwczovL2FzLmV4YW1wbGUiLCJhdWQiOiJhcGkiLCJleHAiOjE3"
    "MDAwMDA2MDAsInN1YiI6InUxIiwiY2xpZW50X2lkIjoiYzEiLCJzY29wZSI6InJlYWQg"
    "d3JpdGUifQ.Wwo3KeyjDeMTfyw6r8l0o2RIVeq4LkCEL1Et2oJmzSUFaUXrWK2JlC0qY"
    "UDII7GgjoDuWGPvx8f0ajoBOAHlCQ"
};

/* RFC 7638 thumbprints of e1, r1, r1, d1 (fuzz/corpus/jwks/three) */
static constexpr std::string_view  thumbprints[] = {
    "91o0CcPE8N9YxOCbdf1p20pzP4b-NTlu0BHD6AJHpbQ",
    "8_dc9fc40bL-UhpTnk3RSDalHfi03e-EILnntaZlCGM",
    "8_dc9fc40bL-UhpTnk3RSDalHfi03e-EILnntaZlCGM",
    "EQyOV2HBYYXZTwEWyM-XSrCBCcm2-DAudmdTU7anVdk"
};

static constexpr size_t  ntokens = sizeof(tokens) / sizeof(tokens[0]);

static jwt  *parsed;


extern "C" int
LLVMFuzzerInitialize(int *, char ***)
{
    jwt_policy  p;

    p.issuers = { issuers, 1 };
    p.audience_off = true;
    p.algorithms = 0x7ff;
    parsed = new jwt[ntokens];

    for (size_t i = 0; i < ntokens; i++) {
        if (parse_jwt(tokens[i], p, now, parsed[i]) != status::ok) {
            std::abort();
        }
    }

    return 0;
}


static bool
is_b64url(std::string_view s)
{
    for (char c : s) {
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9') || c == '-' || c == '_'))
        {
            return false;
        }
    }

    return true;
}


static void
check_key(const jwk_key &k)
{
    jwt_reason  why;

    FUZZ_CHECK(k.pkey != nullptr);
    FUZZ_CHECK(k.thumbprint.size() == 43 && is_b64url(k.thumbprint));
    FUZZ_CHECK(k.has_kid || k.kid.empty());
    FUZZ_CHECK(!k.has_kid
               || (!k.kid.empty() && k.kid.size() <= max_jwt_kid));

    for (char c : k.kid) {
        FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
    }

    switch (k.kty) {
    case jwk_kty::rsa:
        FUZZ_CHECK(k.bits >= min_rsa_bits && k.bits <= max_rsa_bits);
        FUZZ_CHECK(k.sig_len == (k.bits + 7) / 8);
        FUZZ_CHECK(k.crv == jwk_curve::none);
        break;
    case jwk_kty::ec:
        FUZZ_CHECK((k.crv == jwk_curve::p256 && k.sig_len == 64)
                   || (k.crv == jwk_curve::p384 && k.sig_len == 96)
                   || (k.crv == jwk_curve::p521 && k.sig_len == 132));
        break;
    case jwk_kty::okp:
        FUZZ_CHECK(k.crv == jwk_curve::ed25519 && k.sig_len == 64);
        break;
    }

    FUZZ_CHECK(!k.has_alg || jwk_fits(k, k.alg));

    for (size_t i = 0; i < ntokens; i++) {
        if (jws_verify(parsed[i], k, why) == status::ok) {
            FUZZ_CHECK(k.thumbprint == thumbprints[i]);
        }
    }
}


extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view  in = fuzz_input(data, size);
    std::string_view  reason;
    const jwk_key    *k;
    jwk_set           set;
    jwk_key           key;
    status            rc;

    if (in.substr(0, 5) == "-----") {
        rc = load_pem_key(in, key, reason);

        FUZZ_CHECK(rc == status::ok || rc == status::missing
                   || rc == status::malformed || rc == status::too_large
                   || rc == status::internal);
        FUZZ_CHECK((rc == status::ok) == reason.empty());

        if (rc == status::ok) {
            FUZZ_CHECK(!key.has_kid && !key.has_alg);
            check_key(key);

        } else {
            FUZZ_CHECK(key.pkey == nullptr);
        }

        return 0;
    }

    rc = parse_jwks(in, set);

    FUZZ_CHECK(rc == status::ok || rc == status::missing
               || rc == status::malformed || rc == status::too_large
               || rc == status::internal);
    FUZZ_CHECK((rc == status::ok) == !set.keys.empty());
    FUZZ_CHECK(set.keys.size() <= max_jwks_keys);
    FUZZ_CHECK(rc == status::ok || rc == status::missing
               || set.skipped.empty());

    for (const jwk_key &each : set.keys) {
        check_key(each);
    }

    for (const jwk_skip &s : set.skipped) {
        FUZZ_CHECK(!s.reason.empty());
    }

    for (size_t i = 0; i < ntokens; i++) {
        if (jwk_select(set, parsed[i], k) == status::ok) {
            FUZZ_CHECK(k >= set.keys.data()
                       && k < set.keys.data() + set.keys.size());
            FUZZ_CHECK(jwk_fits(*k, parsed[i].alg));
        }
    }

    return 0;
}
