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
 *   - the key itself binds: an RSA modulus of exactly bits bits, odd,
 *     with an odd e >= 3; an EC point that OpenSSL's public check
 *     accepts on the curve of crv; an Ed25519 key of 32 bytes; and its
 *     RFC 7638 thumbprint, computed here from the key's parameters;
 *   - every member of "keys" is kept or skipped, once; a kept member has
 *     use "sig" or none, key_ops with "verify" or none, no private
 *     member, coordinates of the curve's exact length, and the kty, kid
 *     and alg of the key;
 *   - member order does not matter: the kept member with its members
 *     reversed loads alone to a key of the same thumbprint, kid and alg;
 *   - every skipped key has a reason;
 *   - no forged key: the seed tokens below verify under a parsed key only
 *     if its thumbprint is that of the key that signed them (their
 *     private halves were discarded when the seeds were made).
 */

#include <string>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "fuzz.hpp"
#include "json.hpp"
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


static std::string
b64u(const uint8_t *v, size_t n)
{
    std::string  out(base64url_encoded_len(n), '\0');

    (void) base64url_encode(v, n, &out[0]);

    return out;
}


static std::string
bn_bytes(EVP_PKEY *pk, const char *name, int pad)
{
    BIGNUM   *bn = nullptr;
    uint8_t   b[1100];
    int       n;

    FUZZ_CHECK(EVP_PKEY_get_bn_param(pk, name, &bn) == 1);
    n = pad ? BN_bn2binpad(bn, b, pad) : BN_bn2bin(bn, b);
    FUZZ_CHECK(n > 0);
    BN_free(bn);

    return b64u(b, static_cast<size_t>(n));
}


/*
 * The key's own parameters bind (RSA, EC on its curve, Ed25519) and its
 * RFC 7638 §3.2 thumbprint, from them, independently of jwk_thumbprint.
 */
static void
check_pkey(const jwk_key &k)
{
    EVP_PKEY      *pk = k.pkey.get();
    BIGNUM        *n = nullptr, *e = nullptr;
    std::string    canon;
    uint8_t        raw[64], d[32];
    size_t         len = sizeof(raw);
    unsigned int   dn;
    char           group[32];

    static constexpr const char  *crv[] = {
        "", "P-256", "P-384", "P-521", "Ed25519"
    };
    static constexpr const char  *groups[] = {
        "", "prime256v1", "secp384r1", "secp521r1", ""
    };
    static constexpr int          coord[] = { 0, 32, 48, 66, 32 };

    switch (k.kty) {
    case jwk_kty::rsa:
        FUZZ_CHECK(EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) == 1
                   && EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e)
                      == 1);
        FUZZ_CHECK(static_cast<unsigned>(BN_num_bits(n)) == k.bits);
        FUZZ_CHECK(BN_is_odd(n) && BN_is_odd(e) && BN_num_bits(e) <= 64
                   && !BN_is_one(e));
        BN_free(n);
        BN_free(e);
        canon = "{\"e\":\"" + bn_bytes(pk, OSSL_PKEY_PARAM_RSA_E, 0)
                + "\",\"kty\":\"RSA\",\"n\":\""
                + bn_bytes(pk, OSSL_PKEY_PARAM_RSA_N, 0) + "\"}";
        break;

    case jwk_kty::ec: {
        EVP_PKEY_CTX  *c = EVP_PKEY_CTX_new_from_pkey(nullptr, pk, nullptr);
        int            i = static_cast<int>(k.crv);

        FUZZ_CHECK(c != nullptr && EVP_PKEY_public_check(c) == 1);
        EVP_PKEY_CTX_free(c);
        FUZZ_CHECK(EVP_PKEY_get_utf8_string_param(
                       pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                       &len) == 1
                   && std::string_view(group) == groups[i]);
        canon = std::string("{\"crv\":\"") + crv[i]
                + "\",\"kty\":\"EC\",\"x\":\""
                + bn_bytes(pk, OSSL_PKEY_PARAM_EC_PUB_X, coord[i])
                + "\",\"y\":\""
                + bn_bytes(pk, OSSL_PKEY_PARAM_EC_PUB_Y, coord[i]) + "\"}";
        break;
    }

    case jwk_kty::okp:
        FUZZ_CHECK(EVP_PKEY_get_raw_public_key(pk, raw, &len) == 1
                   && len == 32);
        canon = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\""
                + b64u(raw, len) + "\"}";
        break;
    }

    FUZZ_CHECK(EVP_Digest(canon.data(), canon.size(), d, &dn, EVP_sha256(),
                          nullptr) == 1);
    FUZZ_CHECK(k.thumbprint == b64u(d, dn));
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
    check_pkey(k);

    for (size_t i = 0; i < ntokens; i++) {
        if (jws_verify(parsed[i], k, why) == status::ok) {
            FUZZ_CHECK(k.thumbprint == thumbprints[i]);
        }
    }
}


/* the decoded length of a string member, or -1 */
static long
decoded_len(json_t *o, const char *name)
{
    uint8_t  b[1100];
    size_t   n;
    json_t  *v = json_object_get(o, name);

    if (!json_is_string(v) || json_string_length(v) > 1400
        || base64url_decode(json_text(v), b, n) != status::ok)
    {
        return -1;
    }

    return static_cast<long>(n);
}


/* what the kept member o says agrees with the key k made of it */
static void
check_member(json_t *o, const jwk_key &k)
{
    static constexpr const char  *kty[] = { "RSA", "EC", "OKP" };
    static constexpr long         coord[] = { 0, 32, 48, 66, 32 };

    json_t  *v, *e;
    size_t   i;
    bool     verify = false;

    FUZZ_CHECK(json_is_object(o));
    FUZZ_CHECK(json_text(json_object_get(o, "kty"))
               == kty[static_cast<int>(k.kty)]);

    v = json_object_get(o, "use");
    FUZZ_CHECK(v == nullptr || json_text(v) == "sig");

    v = json_object_get(o, "key_ops");
    json_array_foreach(v, i, e) {
        verify = verify || json_text(e) == "verify";
    }
    FUZZ_CHECK(v == nullptr || verify);

    for (const char *name : { "d", "p", "q", "dp", "dq", "qi", "oth", "k" }) {
        FUZZ_CHECK(json_object_get(o, name) == nullptr);
    }

    v = json_object_get(o, "kid");
    FUZZ_CHECK((v != nullptr) == k.has_kid);
    FUZZ_CHECK(v == nullptr || json_text(v) == k.kid);

    v = json_object_get(o, "alg");
    FUZZ_CHECK((v != nullptr) == k.has_alg);
    FUZZ_CHECK(v == nullptr || json_text(v) == jws_alg_name(k.alg));

    if (k.kty != jwk_kty::rsa) {
        FUZZ_CHECK(decoded_len(o, "x") == coord[static_cast<int>(k.crv)]);
        FUZZ_CHECK(k.kty == jwk_kty::okp
                   || decoded_len(o, "y") == coord[static_cast<int>(k.crv)]);
    }
}


/* o with its members in reverse order loads alone to the same key */
static void
check_reordered(json_t *o, const jwk_key &k)
{
    std::vector<std::pair<const char *, json_t *>>  m;
    const char                                     *name;
    json_t                                         *v;
    jwk_set                                         again;

    json_object_foreach(o, name, v) {
        m.emplace_back(name, v);
    }

    json_ptr  r(json_object());
    json_ptr  set(json_pack("{s:[O]}", "keys", r.get()));

    FUZZ_CHECK(r != nullptr && set != nullptr);

    for (size_t i = m.size(); i-- > 0; ) {
        FUZZ_CHECK(json_object_set(r.get(), m[i].first, m[i].second) == 0);
    }

    char  *text = json_dumps(set.get(), JSON_COMPACT);

    FUZZ_CHECK(text != nullptr);
    FUZZ_CHECK(parse_jwks(text, again) == status::ok);
    std::free(text);

    FUZZ_CHECK(again.keys.size() == 1 && again.skipped.empty());
    FUZZ_CHECK(again.keys[0].thumbprint == k.thumbprint);
    FUZZ_CHECK(again.keys[0].has_kid == k.has_kid
               && again.keys[0].kid == k.kid);
    FUZZ_CHECK(again.keys[0].has_alg == k.has_alg
               && (!k.has_alg || again.keys[0].alg == k.alg));
    FUZZ_CHECK(again.keys[0].bits == k.bits
               && again.keys[0].sig_len == k.sig_len);
}


/* each member of the input's "keys" is kept or skipped, once */
static void
check_members(std::string_view in, const jwk_set &set)
{
    json_ptr  root;
    json_t   *keys;
    size_t    kept = 0, skip = 0;

    FUZZ_CHECK(json_object_load(in, root) == status::ok);
    keys = json_object_get(root.get(), "keys");
    FUZZ_CHECK(json_is_array(keys));
    FUZZ_CHECK(json_array_size(keys) == set.keys.size() + set.skipped.size());

    for (size_t i = 0; i < json_array_size(keys); i++) {
        if (skip < set.skipped.size() && set.skipped[skip].index == i) {
            skip++;
            continue;
        }

        FUZZ_CHECK(kept < set.keys.size());
        check_member(json_array_get(keys, i), set.keys[kept]);
        check_reordered(json_array_get(keys, i), set.keys[kept]);
        kept++;
    }

    FUZZ_CHECK(kept == set.keys.size() && skip == set.skipped.size());
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

    if (rc == status::ok || rc == status::missing) {
        check_members(in, set);
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
