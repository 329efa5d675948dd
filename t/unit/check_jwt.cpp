/*
 * jwt.cpp, jws_compact.cpp, jwt_claims.cpp: JWS compact parsing, strict
 * base64url, the JOSE header rules and the claim checks of SPEC.md "JWT
 * access tokens" (RFC 7515, RFC 7519, RFC 9068, RFC 8725).  No signature is checked
 * here (check_jwk.cpp does), so most tokens carry a dummy one.
 */

#include <initializer_list>
#include <utility>
#include <vector>

#include "jose.hpp"
#include "jwt.hpp"
#include "jws_compact.hpp"
#include "unit.hpp"

using api_auth::jwt;
using api_auth::jwt_reason;
using api_auth::status;

/* a fixed "now": 2023-11-14T22:13:20Z */
static constexpr int64_t  now = 1700000000;

static constexpr std::string_view  issuers[] = {
    "https://as.example", "https://other.example/"
};

static constexpr std::string_view  audiences[] = {
    "api", "https://api.example"
};

using members = std::initializer_list<
                    std::pair<std::string_view, std::string_view>>;


static api_auth::jwt_policy
policy()
{
    api_auth::jwt_policy  p;

    p.issuers = { issuers, 2 };
    p.audiences = { audiences, 2 };

    return p;
}


/* a JSON object: defaults, each replaced by over (removed if "") */
static std::string
object(std::vector<std::pair<std::string, std::string>> m, members over)
{
    std::string  s = "{";

    for (const auto &o : over) {
        bool  found = false;

        for (auto &kv : m) {
            if (kv.first == o.first) {
                kv.second = std::string(o.second);
                found = true;
            }
        }

        if (!found) {
            m.emplace_back(std::string(o.first), std::string(o.second));
        }
    }

    for (const auto &kv : m) {
        if (!kv.second.empty()) {
            s += (s.size() > 1 ? "," : "");
            s += "\"" + kv.first + "\":" + kv.second;
        }
    }

    return s + "}";
}


static std::string
hdr(members over = {})
{
    return object({ { "alg", "\"RS256\"" }, { "typ", "\"at+jwt\"" },
                    { "kid", "\"k1\"" } }, over);
}


static std::string
claims(members over = {})
{
    return object({ { "iss", "\"https://as.example\"" },
                    { "aud", "\"api\"" }, { "exp", "1700000600" },
                    { "sub", "\"u1\"" }, { "client_id", "\"c1\"" },
                    { "scope", "\"read write\"" } }, over);
}


static status
run(std::string_view token, jwt &out,
    const api_auth::jwt_policy &p = policy())
{
    return api_auth::parse_jwt(token, p, now, out);
}


static jwt_reason
reason(std::string_view token, const api_auth::jwt_policy &p = policy())
{
    jwt  out;

    (void) run(token, out, p);

    return out.reason;
}

#define ck_assert_reason(T, R)                                               \
    ck_assert_int_eq(static_cast<int>(reason(T)),                            \
                     static_cast<int>(jwt_reason::R))

#define ck_assert_reason_p(T, P, R)                                          \
    ck_assert_int_eq(static_cast<int>(reason(T, P)),                         \
                     static_cast<int>(jwt_reason::R))


static status
b64(std::string_view in, std::string &out)
{
    uint8_t  buf[64];
    size_t   n;
    status   rc = api_auth::base64url_decode(in, buf, n);

    out.assign(reinterpret_cast<char *>(buf), n);

    return rc;
}


START_TEST(base64url_round_trip)
{
    std::string  s, raw;
    char         enc[64];

    for (size_t n = 0; n < 20; n++) {
        raw.assign(n, '\xfb');
        raw += std::string(n, '\x03');
        s.assign(enc, api_auth::base64url_encode(
                          reinterpret_cast<const uint8_t *>(raw.data()),
                          raw.size(), enc));
        ck_assert_uint_eq(s.size(), api_auth::base64url_encoded_len(
                                        raw.size()));
        ck_assert_uint_eq(s.find_first_of("+/="), std::string::npos);
        ck_assert_status(b64(s, s), status::ok);
        ck_assert(s == raw);
    }
}
END_TEST


START_TEST(base64url_strict)
{
    std::string  s;

    ck_assert_status(b64("QQ", s), status::ok);
    ck_assert_string_eq(s, "A");
    ck_assert_status(b64("QQ==", s), status::malformed);      /* padding */
    ck_assert_status(b64("QR", s), status::malformed);    /* trailing bits */
    ck_assert_status(b64("QUI", s), status::ok);
    ck_assert_status(b64("QUJ", s), status::malformed);   /* trailing bits */
    ck_assert_status(b64("QUJDR", s), status::malformed); /* length % 4 = 1 */
    ck_assert_status(b64("a+b/", s), status::malformed);  /* base64, not url */
    ck_assert_status(b64("ab c", s), status::malformed);
    ck_assert_status(b64("ab\n", s), status::malformed);
    ck_assert_status(b64("-_-_", s), status::ok);
    ck_assert_uint_eq(s.size(), 3);
}
END_TEST


START_TEST(valid_token_parses)
{
    std::string  t = jws_compose(hdr(), claims());
    jwt          out;

    ck_assert_status(run(t, out), status::ok);
    ck_assert_int_eq(static_cast<int>(out.alg),
                     static_cast<int>(api_auth::jws_alg::rs256));
    ck_assert(out.has_kid);
    ck_assert_string_eq(out.kid_view(), "k1");
    ck_assert_string_eq(out.issuer, "https://as.example");
    ck_assert(out.issuer.data() == issuers[0].data());
    ck_assert_string_eq(out.subject, "u1");
    ck_assert_string_eq(out.client, "c1");
    ck_assert_string_eq(out.scope, "read write");
    ck_assert_int_eq(out.exp, 1700000600);
    ck_assert_string_eq(out.signing_input, t.substr(0, t.rfind('.')));
    ck_assert_uint_eq(out.signature_len, 3);
    ck_assert_int_eq(static_cast<int>(out.reason), 0);
}
END_TEST


START_TEST(alg_none_in_every_casing_refused)
{
    for (const char *a : { "\"none\"", "\"None\"", "\"NONE\"", "\"nOnE\"",
                           "\"\"", "\"none \"" })
    {
        ck_assert_reason(jws_compose(hdr({ { "alg", a } }), claims(), "A"),
                         alg);
        /* an empty signature does not make it any better */
        ck_assert_reason(jws_compose(hdr({ { "alg", a } }), claims(), ""),
                         shape);
    }
}
END_TEST


START_TEST(hmac_algorithms_refused)
{
    for (const char *a : { "\"HS256\"", "\"HS384\"", "\"HS512\"",
                           "\"hs256\"" })
    {
        ck_assert_reason(jws_compose(hdr({ { "alg", a } }), claims()), alg);
    }
}
END_TEST


START_TEST(alg_outside_allow_list_refused)
{
    api_auth::jwt_policy  p = policy();

    p.algorithms = api_auth::jws_alg_bit(api_auth::jws_alg::es256);

    ck_assert_reason_p(jws_compose(hdr(), claims()), p, alg);
    ck_assert_reason_p(jws_compose(hdr({ { "alg", "\"ES256\"" } }),
                                   claims()), p, none);
    /* RS384 is allowed by name but not in the default list */
    ck_assert_reason(jws_compose(hdr({ { "alg", "\"RS384\"" } }), claims()),
                     alg);
    ck_assert_reason(jws_compose(hdr({ { "alg", "\"rs256\"" } }), claims()),
                     alg);
    ck_assert_reason(jws_compose(hdr({ { "alg", "1" } }), claims()),
                     header);
    ck_assert_reason(jws_compose(hdr({ { "alg", "" } }), claims()), header);
}
END_TEST


START_TEST(crit_b64_zip_cty_refused)
{
    ck_assert_reason(jws_compose(hdr({ { "crit", "[\"exp\"]" } }), claims()),
                     forbidden);
    ck_assert_reason(jws_compose(hdr({ { "crit", "[]" } }), claims()),
                     forbidden);
    ck_assert_reason(jws_compose(hdr({ { "b64", "false" } }), claims()),
                     forbidden);
    ck_assert_reason(jws_compose(hdr({ { "b64", "true" } }), claims()),
                     forbidden);
    ck_assert_reason(jws_compose(hdr({ { "zip", "\"DEF\"" } }), claims()),
                     forbidden);
    ck_assert_reason(jws_compose(hdr({ { "cty", "\"JWT\"" } }), claims()),
                     forbidden);
    ck_assert_reason(jws_compose(hdr({ { "cty", "null" } }), claims()),
                     forbidden);
}
END_TEST


START_TEST(embedded_keys_ignored)
{
    ck_assert_reason(jws_compose(hdr({ { "jwk", "{\"kty\":\"oct\"}" },
                                       { "jku", "\"https://evil/\"" },
                                       { "x5u", "\"https://evil/\"" },
                                       { "x5c", "[\"MIIB\"]" } }),
                                 claims()), none);
}
END_TEST


START_TEST(typ_policy)
{
    api_auth::jwt_policy  p = policy();

    for (const char *t : { "\"at+jwt\"", "\"AT+JWT\"",
                           "\"application/at+jwt\"",
                           "\"Application/At+JWT\"", "\"JWT\"", "\"jwt\"",
                           "\"application/jwt\"", "" })
    {
        ck_assert_reason(jws_compose(hdr({ { "typ", t } }), claims()), none);
    }

    for (const char *t : { "\"JOSE\"", "\"at+JWT \"", "\"application/json\"",
                           "\"at-jwt\"", "\"\"", "1", "null",
                           "[\"at+jwt\"]", "\"id_token+jwt\"" })
    {
        ck_assert_reason(jws_compose(hdr({ { "typ", t } }), claims()), type);
    }

    p.types = api_auth::jwt_type_at_jwt;
    ck_assert_reason_p(jws_compose(hdr(), claims()), p, none);
    ck_assert_reason_p(jws_compose(hdr({ { "typ", "\"JWT\"" } }), claims()),
                       p, type);
    ck_assert_reason_p(jws_compose(hdr({ { "typ", "" } }), claims()), p,
                       type);

    p.types = api_auth::jwt_type_jwt;
    ck_assert_reason_p(jws_compose(hdr(), claims()), p, type);
    ck_assert_reason_p(jws_compose(hdr({ { "typ", "" } }), claims()), p,
                       none);
}
END_TEST


START_TEST(kid_bounds)
{
    std::string  k128 = "\"" + std::string(128, 'k') + "\"";
    std::string  k129 = "\"" + std::string(129, 'k') + "\"";
    jwt          out;

    ck_assert_status(run(jws_compose(hdr({ { "kid", k128 } }), claims()),
                         out), status::ok);
    ck_assert_uint_eq(out.kid_len, 128);
    ck_assert_reason(jws_compose(hdr({ { "kid", k129 } }), claims()), kid);
    ck_assert_reason(jws_compose(hdr({ { "kid", "\"\"" } }), claims()), kid);
    ck_assert_reason(jws_compose(hdr({ { "kid", "1" } }), claims()), kid);
    ck_assert_reason(jws_compose(hdr({ { "kid", "null" } }), claims()), kid);
    ck_assert_reason(jws_compose(hdr({ { "kid", "\"a\\r\\nb\"" } }),
                                 claims()), kid);
    ck_assert_reason(jws_compose(hdr({ { "kid", "\"../../etc/passwd\"" } }),
                                 claims()), none);

    ck_assert_status(run(jws_compose(hdr({ { "kid", "" } }), claims()), out),
                     status::ok);
    ck_assert(!out.has_kid);
}
END_TEST


START_TEST(shape_rules)
{
    std::string  h = b64u(hdr()), c = b64u(claims());

    ck_assert_reason(std::string(8000, '.'), shape);
    ck_assert_reason(h + "." + c, shape);
    ck_assert_reason(h + "." + c + ".c2ln.", shape);
    /* JWE compact form: five segments */
    ck_assert_reason(h + ".ZW5j.aXY." + c + ".dGFn", shape);
    ck_assert_reason("." + c + ".c2ln", shape);
    ck_assert_reason(h + "..c2ln", shape);
    ck_assert_reason(h + "." + c + ".", shape);
    ck_assert_reason("", shape);
    ck_assert_reason("opaque-token", shape);
}
END_TEST


START_TEST(size_bounds)
{
    std::string  big = "\"" + std::string(1600, 'x') + "\"";
    std::string  t;
    jwt          out;

    /* header over 2 KB encoded */
    t = jws_compose(hdr({ { "x", big } }), claims());
    ck_assert_status(run(t, out), status::too_large);
    ck_assert_int_eq(static_cast<int>(out.reason),
                     static_cast<int>(jwt_reason::size));

    /* token over 8 KB */
    big = "\"" + std::string(6200, 'x') + "\"";
    t = jws_compose(hdr(), claims({ { "x", big } }));
    ck_assert_uint_gt(t.size(), api_auth::max_jws_token);
    ck_assert_status(run(t, out), status::too_large);

    /* just under: fine */
    big = "\"" + std::string(5900, 'x') + "\"";
    t = jws_compose(hdr(), claims({ { "x", big } }));
    ck_assert_uint_le(t.size(), api_auth::max_jws_token);
    ck_assert_status(run(t, out), status::ok);

    /* a signature longer than any key's */
    t = jws_compose(hdr(), claims(), std::string(1368, 'A'));
    ck_assert_reason(t, signature);
}
END_TEST


START_TEST(bad_base64_segments)
{
    std::string  h = b64u(hdr()), c = b64u(claims());

    ck_assert_reason(h + "=." + c + ".c2ln", base64);
    ck_assert_reason(h + "." + c + "==.c2ln", base64);
    ck_assert_reason(h + "." + c + ".c2l+", base64);
    ck_assert_reason(h + "." + c + ".c2ln/A", base64);
    ck_assert_reason(h + "." + c + ".c2lR", none);
    ck_assert_reason(h + "." + c + ".QR", base64);   /* trailing bits */
    ck_assert_reason(h + "." + c + ".QUJDR", base64);
    ck_assert_reason(h + " ." + c + ".c2ln", base64);
}
END_TEST


START_TEST(json_rules)
{
    std::string  c = claims();

    /* duplicate members, in the header and in the payload */
    ck_assert_reason(jws_compose("{\"alg\":\"RS256\",\"alg\":\"none\"}", c),
                     header);
    ck_assert_reason(jws_compose(hdr(), "{\"iss\":\"https://as.example\","
                                 "\"iss\":\"x\",\"exp\":1700000600}"),
                     payload);
    ck_assert_reason(jws_compose(hdr(),
                                 c.substr(0, c.size() - 1)
                                 + ",\"sub\":\"admin\"}"), payload);

    /* trailing data, non-objects, bad JSON */
    ck_assert_reason(jws_compose(hdr() + "x", c), header);
    ck_assert_reason(jws_compose(hdr() + "{}", c), header);
    ck_assert_reason(jws_compose("[\"RS256\"]", c), header);
    ck_assert_reason(jws_compose("\"RS256\"", c), header);
    ck_assert_reason(jws_compose("{\"alg\":\"RS256\"", c), header);
    ck_assert_reason(jws_compose(hdr(), c + " x"), payload);
    ck_assert_reason(jws_compose(hdr(), "[]"), payload);
    ck_assert_reason(jws_compose(hdr(), "null"), payload);
    ck_assert_reason(jws_compose(hdr(), ""), shape);

    /* whitespace is JSON */
    ck_assert_reason(jws_compose(" " + hdr() + "\n", " " + c + " "), none);
}
END_TEST


START_TEST(exp_rules)
{
    jwt  out;

    ck_assert_reason(jws_compose(hdr(), claims({ { "exp", "" } })), expired);
    for (const char *v : { "\"1700000600\"", "-1", "true", "null",
                           "[1700000600]", "253402300800", "1e300",
                           "9223372036854775807", "-1700000600" })
    {
        ck_assert_reason(jws_compose(hdr(), claims({ { "exp", v } })),
                         expired);
    }

    /* beyond a double or an int64: jansson refuses the whole payload */
    ck_assert_reason(jws_compose(hdr(), claims({ { "exp", "1.5e10000" } })),
                     payload);
    ck_assert_reason(jws_compose(hdr(),
                     claims({ { "exp", "92233720368547758070" } })),
                     payload);

    ck_assert_status(run(jws_compose(hdr(), claims({ { "exp", "1.6e9" } })),
                         out), status::expired);
    ck_assert_status(run(jws_compose(hdr(),
                                     claims({ { "exp", "1700000600.9" } })),
                         out), status::ok);
    ck_assert_int_eq(out.exp, 1700000600);
    ck_assert_status(run(jws_compose(hdr(),
                                     claims({ { "exp", "253402300799" } })),
                         out), status::ok);

    /* 30 s of leeway: valid before exp + 30 */
    ck_assert_status(run(jws_compose(hdr(),
                                     claims({ { "exp", "1699999971" } })),
                         out), status::ok);
    ck_assert_status(run(jws_compose(hdr(),
                                     claims({ { "exp", "1699999970" } })),
                         out), status::expired);
    ck_assert_status(run(jws_compose(hdr(), claims({ { "exp", "0" } })),
                         out), status::expired);
}
END_TEST


START_TEST(nbf_and_iat_rules)
{
    api_auth::jwt_policy  p = policy();
    jwt                   out;

    ck_assert_reason(jws_compose(hdr(), claims({ { "nbf", "1700000030" } })),
                     none);
    ck_assert_reason(jws_compose(hdr(), claims({ { "nbf", "1700000031" } })),
                     not_yet_valid);
    ck_assert_reason(jws_compose(hdr(), claims({ { "iat", "1700000030" } })),
                     none);
    ck_assert_reason(jws_compose(hdr(), claims({ { "iat", "1700000031" } })),
                     issued_at);

    for (const char *v : { "\"1\"", "-5", "1e300", "false", "{}",
                           "253402300800" })
    {
        ck_assert_reason(jws_compose(hdr(), claims({ { "nbf", v } })),
                         not_yet_valid);
        ck_assert_reason(jws_compose(hdr(), claims({ { "iat", v } })),
                         issued_at);
    }

    ck_assert_status(run(jws_compose(hdr(),
                                     claims({ { "nbf", "1699999000.5" },
                                              { "iat", "0" } })), out),
                     status::ok);
    ck_assert_int_eq(out.nbf, 1699999000);
    ck_assert_int_eq(out.iat, 0);

    p.leeway = 0;
    ck_assert_reason_p(jws_compose(hdr(),
                                   claims({ { "nbf", "1700000001" } })),
                       p, not_yet_valid);
    ck_assert_reason_p(jws_compose(hdr(),
                                   claims({ { "exp", "1700000000" } })),
                       p, expired);
    ck_assert_reason_p(jws_compose(hdr(),
                                   claims({ { "exp", "1700000001" } })),
                       p, none);

    /* an absurd leeway is bounded (one day), not an overflow */
    p.leeway = INT64_MAX;
    ck_assert_reason_p(jws_compose(hdr(),
                                   claims({ { "exp", "1600000000" } })),
                       p, expired);
}
END_TEST


START_TEST(iss_rules)
{
    jwt  out;

    ck_assert_reason(jws_compose(hdr(), claims({ { "iss", "" } })), issuer);
    for (const char *v : { "\"https://as.example/\"", "\"https://AS.example\"",
                           "\"https://as.exampl\"", "\"https://as.example \"",
                           "\"\"", "1", "null", "[\"https://as.example\"]",
                           "\"https://other.example\"" })
    {
        ck_assert_reason(jws_compose(hdr(), claims({ { "iss", v } })),
                         issuer);
    }

    /* jansson refuses NUL in strings: no "iss" of two meanings */
    ck_assert_reason(jws_compose(hdr(),
                     claims({ { "iss", "\"https://as.example\\u0000\"" } })),
                     payload);

    ck_assert_status(run(jws_compose(hdr(),
                         claims({ { "iss", "\"https://other.example/\"" } })),
                         out), status::ok);
    ck_assert(out.issuer.data() == issuers[1].data());

    api_auth::jwt_policy  p = policy();

    p.issuers = {};
    ck_assert_reason_p(jws_compose(hdr(), claims()), p, issuer);
}
END_TEST


START_TEST(aud_rules)
{
    api_auth::jwt_policy  p = policy();

    ck_assert_reason(jws_compose(hdr(), claims({ { "aud", "" } })), audience);
    ck_assert_reason(jws_compose(hdr(),
                     claims({ { "aud", "[\"x\",\"https://api.example\"]" } })),
                     none);
    for (const char *v : { "\"API\"", "\"api \"", "\"api x\"", "[]",
                           "[\"x\"]", "\"https://api.example/\"", "\"\"" })
    {
        ck_assert_reason(jws_compose(hdr(), claims({ { "aud", v } })),
                         audience);
    }

    for (const char *v : { "1", "null", "[\"api\",1]", "{\"api\":1}",
                           "[[\"api\"]]" })
    {
        ck_assert_reason(jws_compose(hdr(), claims({ { "aud", v } })),
                         claim_type);
    }

    p.audience_off = true;
    ck_assert_reason_p(jws_compose(hdr(), claims({ { "aud", "" } })), p,
                       none);
    ck_assert_reason_p(jws_compose(hdr(), claims({ { "aud", "\"x\"" } })),
                       p, none);
    ck_assert_reason_p(jws_compose(hdr(), claims({ { "aud", "1" } })), p,
                       claim_type);
}
END_TEST


static std::string
scope_of(members over)
{
    jwt  out;

    ck_assert_status(run(jws_compose(hdr(), claims(over)), out), status::ok);

    return out.scope;
}


START_TEST(scope_and_scp)
{
    ck_assert_string_eq(scope_of({}), "read write");
    ck_assert_string_eq(scope_of({ { "scope", "" } }), "");
    ck_assert_string_eq(scope_of({ { "scope", "" },
                                   { "scp", "[\"a\",\"b:c\",\"d\"]" } }),
                        "a b:c d");
    ck_assert_string_eq(scope_of({ { "scope", "" }, { "scp", "\"a b\"" } }),
                        "a b");
    ck_assert_string_eq(scope_of({ { "scope", "" }, { "scp", "[]" } }), "");
    ck_assert_string_eq(scope_of({ { "scp", "[\"x\"]" } }), "read write");

    /* off the RFC 6749 grammar: grants nothing, never a re-split */
    ck_assert_string_eq(scope_of({ { "scope", "\"a  b\"" } }), "");
    ck_assert_string_eq(scope_of({ { "scope", "\"a\\tb\"" } }), "");
    ck_assert_string_eq(scope_of({ { "scope", "\" a\"" } }), "");
    ck_assert_string_eq(scope_of({ { "scope", "\"\"" } }), "");
    ck_assert_string_eq(scope_of({ { "scope", "" },
                                   { "scp", "[\"a\",\"b c\"]" } }), "");
    ck_assert_string_eq(scope_of({ { "scope", "" },
                                   { "scp", "[\"a\",\"\"]" } }), "");
    ck_assert_string_eq(scope_of({ { "scope", "" },
                                   { "scp", "[\"a\",\"\\\"\"]" } }), "");

    ck_assert_reason(jws_compose(hdr(), claims({ { "scope", "[\"a\"]" } })),
                     claim_type);
    ck_assert_reason(jws_compose(hdr(), claims({ { "scope", "1" } })),
                     claim_type);
    ck_assert_reason(jws_compose(hdr(), claims({ { "scope", "" },
                                                 { "scp", "[\"a\",1]" } })),
                     claim_type);
    ck_assert_reason(jws_compose(hdr(), claims({ { "scope", "" },
                                                 { "scp", "{}" } })),
                     claim_type);
}
END_TEST


START_TEST(client_and_subject)
{
    static constexpr std::string_view  names[] = { "cid", "appid" };

    api_auth::jwt_policy  p = policy();
    jwt                   out;

    ck_assert_status(run(jws_compose(hdr(), claims({ { "client_id", "" },
                                                     { "azp", "\"a1\"" } })),
                         out), status::ok);
    ck_assert_string_eq(out.client, "a1");

    ck_assert_status(run(jws_compose(hdr(), claims({ { "azp", "\"a1\"" } })),
                         out), status::ok);
    ck_assert_string_eq(out.client, "c1");

    ck_assert_status(run(jws_compose(hdr(), claims({ { "client_id", "" },
                                                     { "sub", "" } })),
                         out), status::ok);
    ck_assert_string_eq(out.client, "");
    ck_assert_string_eq(out.subject, "");

    p.client_claims = { names, 2 };
    ck_assert_status(run(jws_compose(hdr(), claims({ { "appid", "\"e1\"" } })),
                         out, p), status::ok);
    ck_assert_string_eq(out.client, "e1");

    ck_assert_reason(jws_compose(hdr(), claims({ { "client_id", "7" } })),
                     claim_type);
    ck_assert_reason(jws_compose(hdr(), claims({ { "sub", "7" } })),
                     claim_type);
    ck_assert_reason(jws_compose(hdr(), claims({ { "sub", "null" } })),
                     claim_type);
}
END_TEST


START_TEST(required_claims)
{
    static constexpr std::string_view  tenants[] = { "t1", "t2" };
    static constexpr std::string_view  admin[] = { "admin" };

    api_auth::required_claim  req[] = { { "tid", { tenants, 2 } },
                                        { "roles", { admin, 1 } } };
    api_auth::jwt_policy      p = policy();

    p.required = { req, 2 };

    ck_assert_reason_p(jws_compose(hdr(),
                       claims({ { "tid", "\"t2\"" },
                                { "roles", "[\"user\",\"admin\"]" } })),
                       p, none);
    ck_assert_reason_p(jws_compose(hdr(),
                       claims({ { "tid", "[\"t1\"]" },
                                { "roles", "\"admin\"" } })), p, none);
    ck_assert_reason_p(jws_compose(hdr(), claims({ { "tid", "\"t2\"" } })),
                       p, required_claim);
    ck_assert_reason_p(jws_compose(hdr(),
                       claims({ { "tid", "\"t3\"" },
                                { "roles", "\"admin\"" } })),
                       p, required_claim);
    ck_assert_reason_p(jws_compose(hdr(),
                       claims({ { "tid", "\"T1\"" },
                                { "roles", "\"admin\"" } })),
                       p, required_claim);
    ck_assert_reason_p(jws_compose(hdr(),
                       claims({ { "tid", "\"t1\"" },
                                { "roles", "\"admin user\"" } })),
                       p, required_claim);
    ck_assert_reason_p(jws_compose(hdr(),
                       claims({ { "tid", "\"t1\"" },
                                { "roles", "[[\"admin\"]]" } })),
                       p, required_claim);
    ck_assert_reason_p(jws_compose(hdr(),
                       claims({ { "tid", "1" }, { "roles", "\"admin\"" } })),
                       p, required_claim);
}
END_TEST


START_TEST(refusal_resets_the_output)
{
    jwt  out;

    ck_assert_status(run(jws_compose(hdr(), claims()), out), status::ok);
    ck_assert_status(run(jws_compose(hdr(),
                                     claims({ { "aud", "\"x\"" } })), out),
                     status::inactive);
    ck_assert(out.subject.empty() && out.client.empty()
              && out.scope.empty() && out.exp == 0 && !out.has_kid
              && out.signature_len == 0 && out.signing_input.empty());
    ck_assert_string_eq(api_auth::jwt_reason_text(out.reason),
                        "audience not allowed");
}
END_TEST


static bool
route(std::string_view token, std::string_view &iss)
{
    return api_auth::jws_route(token, { issuers, 2 }, iss);
}


START_TEST(routing_rule)
{
    std::string_view  iss;

    ck_assert(route(jws_compose(hdr(), claims()), iss));
    ck_assert(iss.data() == issuers[0].data());

    /* a string alg is enough: a forged "none" token is final, not opaque */
    ck_assert(route(jws_compose(hdr({ { "alg", "\"none\"" } }), claims()),
                    iss));
    ck_assert(route(jws_compose("{\"alg\":\"x\"}",
                    "{\"iss\":\"https://other.example/\"}"), iss));
    ck_assert(iss.data() == issuers[1].data());

    ck_assert(!route(jws_compose(hdr({ { "alg", "1" } }), claims()), iss));
    ck_assert(iss.empty());
    ck_assert(!route(jws_compose(hdr(), claims({ { "iss", "" } })), iss));
    ck_assert(!route(jws_compose(hdr(), claims({ { "iss", "\"x\"" } })),
                     iss));
    ck_assert(!route(jws_compose(hdr(), claims({ { "iss", "1" } })), iss));
    ck_assert(!route(jws_compose(hdr(), "[]"), iss));
    ck_assert(!route(jws_compose(hdr(), claims(), "c2l+"), iss));
    ck_assert(!route(jws_compose(hdr(), claims(), ""), iss));
    ck_assert(!route("2YotnFZFEjr1zCsicMWpAA", iss));
    ck_assert(!route("a.b.c", iss));
    ck_assert(!route(std::string(8000, '.'), iss));
    ck_assert(!route(jws_compose("{\"alg\":\"RS256\",\"alg\":\"x\"}",
                                 claims()), iss));
}
END_TEST


START_TEST(compact_split_rules)
{
    api_auth::jws_segments  s;

    ck_assert(api_auth::jws_split("ab.cd.ef", s));
    ck_assert_string_eq(s.header, "ab");
    ck_assert_string_eq(s.payload, "cd");
    ck_assert_string_eq(s.signature, "ef");

    for (const char *bad : { "", "a", "a.b", "a.b.c.d", ".b.c", "a..c",
                             "a.b.", "..", "a.b.c." })
    {
        ck_assert_msg(!api_auth::jws_split(bad, s), "split %s", bad);
    }
}
END_TEST


START_TEST(compact_segment_is_one_json_object)
{
    uint8_t                 buf[64];
    api_auth::json_ptr      j;
    const jwt_reason        bad = jwt_reason::payload;

    ck_assert_int_eq(static_cast<int>(api_auth::jws_decode_object(
                         b64u("{\"a\":1}"), buf, bad, j)),
                     static_cast<int>(jwt_reason::none));
    ck_assert(json_is_object(j.get()));
    ck_assert_int_eq(json_integer_value(json_object_get(j.get(), "a")), 1);

    for (const char *text : { "[1]", "\"s\"", "{\"a\":1,\"a\":2}", "{} {}",
                              "{", "" })
    {
        ck_assert_msg(api_auth::jws_decode_object(b64u(text), buf, bad, j)
                      == bad, "decoded %s", text);
        ck_assert_ptr_null(j.get());
    }

    /* padding, '+' and '/' are not base64url */
    for (const char *seg : { "e30=", "e3+9", "e3/9", "e" }) {
        ck_assert_msg(api_auth::jws_decode_object(seg, buf, bad, j)
                      == jwt_reason::base64, "decoded %s", seg);
    }
}
END_TEST


START_TEST(kid_rule)
{
    ck_assert(api_auth::jws_kid_valid("k1"));
    ck_assert(api_auth::jws_kid_valid("a b\x80\xff"));
    ck_assert(api_auth::jws_kid_valid(std::string(128, 'k')));
    ck_assert(!api_auth::jws_kid_valid(std::string(129, 'k')));
    ck_assert(!api_auth::jws_kid_valid(""));
    ck_assert(!api_auth::jws_kid_valid("a\nb"));
    ck_assert(!api_auth::jws_kid_valid("a\x7f"));
    ck_assert(!api_auth::jws_kid_valid(std::string_view("a\0b", 3)));
}
END_TEST

Suite *
jwt_suite(void)
{
    Suite  *s = suite_create("jwt");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, base64url_round_trip);
    tcase_add_test(tc, base64url_strict);
    tcase_add_test(tc, valid_token_parses);
    tcase_add_test(tc, alg_none_in_every_casing_refused);
    tcase_add_test(tc, hmac_algorithms_refused);
    tcase_add_test(tc, alg_outside_allow_list_refused);
    tcase_add_test(tc, crit_b64_zip_cty_refused);
    tcase_add_test(tc, embedded_keys_ignored);
    tcase_add_test(tc, typ_policy);
    tcase_add_test(tc, kid_bounds);
    tcase_add_test(tc, shape_rules);
    tcase_add_test(tc, size_bounds);
    tcase_add_test(tc, bad_base64_segments);
    tcase_add_test(tc, json_rules);
    tcase_add_test(tc, exp_rules);
    tcase_add_test(tc, nbf_and_iat_rules);
    tcase_add_test(tc, iss_rules);
    tcase_add_test(tc, aud_rules);
    tcase_add_test(tc, scope_and_scp);
    tcase_add_test(tc, client_and_subject);
    tcase_add_test(tc, required_claims);
    tcase_add_test(tc, refusal_resets_the_output);
    tcase_add_test(tc, routing_rule);
    tcase_add_test(tc, compact_split_rules);
    tcase_add_test(tc, compact_segment_is_one_json_object);
    tcase_add_test(tc, kid_rule);
    suite_add_tcase(s, tc);

    return s;
}
