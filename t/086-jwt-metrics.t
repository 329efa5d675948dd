# api_auth_jwt_verifications_total{alg,result} and
# api_auth_jwks_fetches_total{result} (SPEC.md Part 2, "Operations"): one
# count per signature check, by the token's algorithm, valid or invalid;
# a cache hit (positive or negative) checks nothing and counts nothing; a
# token refused before any cryptography (alg none) counts nothing.  The
# counters equal the traffic of the block exactly, summed over the rows of
# two workers; every series is there from the start (zeros included).
#
# Keys: t/data/jwt/*.pub, TEST-ONLY; tokens signed at test time
# (t/helpers/jwt.pl).

use Test::Nginx::Socket 'no_plan';
use FindBin;

require "$FindBin::Bin/helpers/jwt.pl";

# a token signed for one payload, sent with another (a bad signature)
sub forged {
    my ($sub) = @_;
    my ($h, undef, $s) = split /\./, ::jwt(claims => { sub => "$sub-a" });
    my (undef, $p) = split /\./, ::jwt(claims => { sub => "$sub-b" });

    return "$h.$p.$s";
}

our @Tokens = (
    ::jwt(alg => 'RS256', claims => { sub => 'r1' }),
    ::jwt(alg => 'RS256', claims => { sub => 'r2' }),
    ::jwt(alg => 'RS256', claims => { sub => 'r3' }),
    ::jwt(alg => 'ES256', claims => { sub => 'e1' }),
    ::jwt(alg => 'EdDSA', claims => { sub => 'd1' }),
    forged('f1'),
    forged('f2'),
    ::unsigned_jwt('none'),
);

master_on();
workers(2);
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: one count per signature check; hits and alg none count nothing; summed over two workers
--- http_config
    api_auth_cache_zone zone=jwt086:1m;
--- config
    location = /t {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/ec.pub;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/ed.pub;
        api_auth_jwt_issuer https://as.example.com/;
        api_auth_require_audience https://api.example.com;
        api_auth_cache jwt086;
        echo "$api_auth_result $api_auth_cache_status";
    }
    location = /metrics {
        api_auth_metrics;
    }
--- request eval
[("GET /t") x 12, "GET /metrics"]
--- more_headers eval
[
 map({ "Authorization: Bearer $_" }
     @::Tokens[0, 0, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7]),
 "",
]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 401, 401, 401, 401, 401, 200]
--- response_body_like eval
[
 "^allow MISS\n\\z", "^allow HIT\n\\z", "^allow MISS\n\\z", "^allow MISS\n\\z",
 "^allow MISS\n\\z", "^allow HIT\n\\z", "^allow MISS\n\\z",
 ("401 (?:Authorization Required|Unauthorized)") x 5,
 qr/^api_auth_jwt_verifications_total\{alg="RS256",result="valid"\} 3$
.*^api_auth_jwt_verifications_total\{alg="ES256",result="valid"\} 1$
.*^api_auth_jwt_verifications_total\{alg="EdDSA",result="valid"\} 1$
.*^api_auth_jwt_verifications_total\{alg="Ed25519",result="valid"\} 0$
.*^api_auth_jwt_verifications_total\{alg="RS256",result="invalid"\} 2$
.*^api_auth_jwt_verifications_total\{alg="ES256",result="invalid"\} 0$/ms,
]
--- no_error_log
[error]
[alert]
[emerg]
unexpected exception



=== TEST 2: the families and their zeros are there before any traffic; no JWKS fetch counted where none is configured
--- config
    location = /metrics {
        api_auth_metrics;
    }
--- request
GET /metrics
--- error_code: 200
--- response_body_like eval
qr/^# HELP api_auth_jwks_fetches_total [^\n]+
# TYPE api_auth_jwks_fetches_total counter
api_auth_jwks_fetches_total\{result="ok"\} 0
api_auth_jwks_fetches_total\{result="error"\} 0
# HELP api_auth_jwt_verifications_total [^\n]+
# TYPE api_auth_jwt_verifications_total counter
(?:api_auth_jwt_verifications_total\{alg="(?:(?:RS|PS|ES)(?:256|384|512)|EdDSA|Ed25519)",result="(?:valid|invalid)"\} 0\n){22}/m
--- no_error_log
[error]
[alert]
[emerg]
