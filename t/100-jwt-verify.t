# JWT access tokens validated locally with keys from api_auth_jwt_keys
# (SPEC.md "JWT access tokens"): RS256, PS256, ES256 and EdDSA tokens of
# the configured issuer pass with their identity ($api_auth_method oauth,
# $api_auth_token_type jwt, client from client_id or azp, sub, scope from
# scope or scp, $api_auth_claim_NAME); alg none in any casing, HS256, a
# tampered payload, another key, a wrong audience, an expired token, an
# nbf in the future and a wrong typ are 401 invalid_token; a missing scope
# is 403 insufficient_scope; a token of another issuer on a location
# without introspection is 401 invalid_token.  Never a 500.
#
# Keys: t/data/jwt/*.key, TEST-ONLY keys generated for this suite; tokens
# are signed at test time with openssl (t/helpers/jwt.pl).  No log line of
# the module ever holds a token.

use Test::Nginx::Socket 'no_plan';
use FindBin;

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/jwt.pl";

our $Loc = <<'_EOC_';
    location = /t {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/ec.pub;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/ed.pub;
        api_auth_jwt_issuer https://as.example.com/ https://other.example.com/;
        api_auth_require_audience https://api.example.com;
        api_auth_require_scope orders.read;
        echo "$api_auth_result|$api_auth_method|$api_auth_token_type|$api_auth_client|$api_auth_subject|$api_auth_scope|$api_auth_claim_tenant";
    }
_EOC_

our @NoErr = (
    "[error]", "[alert]", "[emerg]", "unexpected exception",
    qr/api_auth.*eyJ/,
);

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: valid RS256, PS256, ES256 and EdDSA tokens pass with their identity
--- config eval
$::Loc
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
 "Authorization: Bearer " . ::jwt(alg => "RS256"),
 "Authorization: Bearer " . ::jwt(alg => "PS256"),
 "Authorization: Bearer " . ::jwt(alg => "ES256"),
 "Authorization: Bearer " . ::jwt(alg => "EdDSA"),
 "Authorization: Bearer " . ::jwt(alg => "Ed25519"),
]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body eval
[
 "allow|oauth|jwt|c1|u1|orders.read orders.write|acme\n",
 "allow|oauth|jwt|c1|u1|orders.read orders.write|acme\n",
 "allow|oauth|jwt|c1|u1|orders.read orders.write|acme\n",
 "allow|oauth|jwt|c1|u1|orders.read orders.write|acme\n",
 "allow|oauth|jwt|c1|u1|orders.read orders.write|acme\n",
]
--- no_error_log eval
[@::NoErr]



=== TEST 2: client from azp when client_id is absent, scope from an scp array, typ JWT or none
--- config eval
$::Loc
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
 "Authorization: Bearer " . ::jwt(claims => { client_id => undef, azp => "app7" }),
 "Authorization: Bearer " . ::jwt(claims => { scope => undef, scp => ["orders.read", "x"] }),
 "Authorization: Bearer " . ::jwt(header => { typ => "JWT" }, claims => { iss => "https://other.example.com/" }),
]
--- error_code eval
[200, 200, 200]
--- response_body eval
[
 "allow|oauth|jwt|app7|u1|orders.read orders.write|acme\n",
 "allow|oauth|jwt|c1|u1|orders.read x|acme\n",
 "allow|oauth|jwt|c1|u1|orders.read orders.write|acme\n",
]
--- no_error_log eval
[@::NoErr]



=== TEST 3: alg none in several casings, and HS256 keyed with the RSA public key: 401 invalid_token
--- config eval
$::Loc
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
 "Authorization: Bearer " . ::unsigned_jwt("none"),
 "Authorization: Bearer " . ::unsigned_jwt("None"),
 "Authorization: Bearer " . ::unsigned_jwt("NONE"),
 "Authorization: Bearer " . ::unsigned_jwt("nOnE"),
 "Authorization: Bearer " . ::hs256_jwt(),
]
--- error_code eval
[401, 401, 401, 401, 401]
--- response_headers eval
[(q{WWW-Authenticate: Bearer realm="api", error="invalid_token"}) x 5]
--- error_log
api_auth: JWT
--- no_error_log eval
[@::NoErr]



=== TEST 4: tampered payload, another key, wrong audience, expired, nbf ahead, wrong typ: 401 invalid_token
--- config eval
$::Loc
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
 "Authorization: Bearer " . ::tampered_jwt(),
 "Authorization: Bearer " . ::jwt(key => "other-rsa"),
 "Authorization: Bearer " . ::jwt(claims => { aud => "https://evil.example.com" }),
 "Authorization: Bearer " . ::jwt(claims => { exp => time() - 120 }),
 "Authorization: Bearer " . ::jwt(claims => { nbf => time() + 600 }),
 "Authorization: Bearer " . ::jwt(header => { typ => "id+jwt" }),
 "Authorization: Bearer " . ::jwt(claims => { exp => undef }),
]
--- error_code eval
[401, 401, 401, 401, 401, 401, 401]
--- response_headers eval
[(q{WWW-Authenticate: Bearer realm="api", error="invalid_token"}) x 7]
--- no_error_log eval
[@::NoErr]



=== TEST 5: a valid token without the required scope: 403 insufficient_scope
--- config eval
$::Loc
--- more_headers eval
"Authorization: Bearer " . ::jwt(claims => { scope => "orders.write" })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.read"
--- no_error_log eval
[@::NoErr]



=== TEST 6: a JWT of an issuer not configured, and an opaque token, without introspection: 401 invalid_token
--- config eval
$::Loc
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[
 "Authorization: Bearer " . ::jwt(claims => { iss => "https://evil.example.com/" }),
 "Authorization: Bearer tok-100-6-opaque",
]
--- error_code eval
[401, 401]
--- response_headers eval
[(q{WWW-Authenticate: Bearer realm="api", error="invalid_token"}) x 2]
--- no_error_log eval
[@::NoErr]



=== TEST 7: a JWK Set file: the key chosen by kid; a token of another key under that kid is refused
--- config
    location = /t {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.jwks.json;
        api_auth_jwt_issuer https://as.example.com/;
        api_auth_require_audience https://api.example.com;
        echo "$api_auth_result|$api_auth_token_type|$api_auth_client";
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
 "Authorization: Bearer " . ::jwt(header => { kid => "rsa1" }),
 "Authorization: Bearer " . ::jwt(header => { kid => "rsa1" }, key => "other-rsa"),
 "Authorization: Bearer " . ::jwt(header => { kid => "rsa2" }),
]
--- error_code eval
[200, 401, 401]
--- response_body_like eval
["^allow\\|jwt\\|c1\$", "401", "401"]
--- no_error_log eval
[@::NoErr]
