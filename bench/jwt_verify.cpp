/*
 * make bench-jwt: the cost of one JWT check in the core, per algorithm,
 * on this machine.  For each algorithm a key is generated (t/unit/jose),
 * a token signed, its JWKS parsed once, and then measured in a loop:
 *   parse    parse_jwt: size, shape, base64url, header and claims (jansson)
 *   verify   jws_verify: one EVP_DigestVerify with the prebuilt EVP_PKEY
 *   key      parse_jwks of a one-key set (what a key-set change costs)
 * Each figure is the best of ROUNDS rounds of at least 0.3 s: on a shared
 * machine the minimum is the least disturbed.  Not a test: no thresholds.
 *
 * usage: build/bench-jwt [ROUNDS]    (default 5)
 */

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "jose.hpp"
#include "jwk.hpp"
#include "jwt.hpp"

using namespace api_auth;

static constexpr int64_t  now = 1700000000;

static constexpr std::string_view  issuers[] = { "https://as.example" };
static constexpr std::string_view  audiences[] = { "api" };

static const std::string  payload =
    R"({"iss":"https://as.example","aud":"api","exp":1700000600,)"
    R"("iat":1699999400,"sub":"248289761001","client_id":"s6BhdRkqt3",)"
    R"("scope":"read write","jti":"dbe39bf3a3ba4238a513f51d6e1691c4"})";

static volatile int  sink;


static double
seconds()
{
    timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}


/* microseconds per call of f, best of rounds */
template <typename F>
static double
measure(int rounds, F f)
{
    double  best = 1e30;

    for (int r = 0; r < rounds; r++) {
        double  t0 = seconds(), t;
        long    n = 0;

        do {
            for (int i = 0; i < 50; i++) {
                sink = sink + f();
            }

            n += 50;
            t = seconds() - t0;
        } while (t < 0.3);

        best = t / static_cast<double>(n) * 1e6 < best
               ? t / static_cast<double>(n) * 1e6 : best;
    }

    return best;
}


int
main(int argc, char **argv)
{
    struct row {
        const char  *alg;
        test_key     key;
    };

    static constexpr row  rows[] = {
        { "RS256", test_key::rsa2048 }, { "PS256", test_key::rsa2048 },
        { "ES256", test_key::p256 }, { "ES384", test_key::p384 },
        { "EdDSA", test_key::ed25519 }
    };

    int         rounds = argc > 1 ? std::atoi(argv[1]) : 5;
    jwt_policy  p;

    p.issuers = { issuers, 1 };
    p.audiences = { audiences, 1 };
    p.algorithms = 0x7ff;

    std::printf("| alg | key | parse µs | verify µs | key set µs |\n");
    std::printf("|---|---|---:|---:|---:|\n");

    for (const row &r : rows) {
        std::string  header = std::string("{\"alg\":\"") + r.alg
                              + "\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}";
        std::string  token = jws_make(jose_key(r.key), r.alg, header,
                                      payload);
        std::string  set = jwks_of(jose_key(r.key), ",\"kid\":\"k1\"");
        jwk_set      keys;
        jwt          t;
        jwt_reason   why;

        if (parse_jwks(set, keys) != status::ok
            || parse_jwt(token, p, now, t) != status::ok
            || jws_verify(t, keys.keys[0], why) != status::ok)
        {
            std::fprintf(stderr, "%s: token does not verify\n", r.alg);
            return 1;
        }

        double  parse = measure(rounds, [&] {
            return static_cast<int>(parse_jwt(token, p, now, t));
        });

        double  verify = measure(rounds, [&] {
            return static_cast<int>(jws_verify(t, keys.keys[0], why));
        });

        double  load = measure(rounds, [&] {
            jwk_set  s;

            return static_cast<int>(parse_jwks(set, s));
        });

        std::printf("| %s | %s %u | %.1f | %.1f | %.1f |\n", r.alg,
                    keys.keys[0].kty == jwk_kty::rsa ? "RSA"
                    : keys.keys[0].kty == jwk_kty::ec ? "EC" : "OKP",
                    keys.keys[0].bits, parse, verify, load);
    }

    return 0;
}
