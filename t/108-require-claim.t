# api_auth_require_claim NAME VALUE... (SPEC.md Part 2, "JWT access
# tokens"): a string claim equal to one VALUE, or an array holding one;
# repeatable, all must hold (AND); applies to introspection answers and to
# verified JWTs, on a cache hit as on a miss; any failure is 401
# invalid_token, checked before the scope.  A string is never split on its
# spaces, a number or boolean is never a string, and an array whose
# elements would not split back whole holds nothing.  A level with its
# own api_auth_require_claim replaces what it inherits.  nginx -t refuses
# a bad claim name, an empty value and a missing value.

use Test::Nginx::Socket 'no_plan';
use FindBin;

require "$FindBin::Bin/helpers/jwt.pl";

our $AS = <<'_EOC_';
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","sub":"u1","scope":"orders.read","tenant":"t1","groups":["eng","ops"],"name":"eng ops","level":42,"admin":true,"spaced":["a b","c"]}';
    }
_EOC_

our $Intro = $AS . <<'_EOC_';
    location /i/ {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_result";

        location = /i/one-of { api_auth_require_claim tenant t2 t1; echo "$api_auth_result"; }
        location = /i/wrong { api_auth_require_claim tenant t3; echo "$api_auth_result"; }
        location = /i/array { api_auth_require_claim groups ops; echo "$api_auth_result"; }
        location = /i/split { api_auth_require_claim name eng; echo "$api_auth_result"; }
        location = /i/whole { api_auth_require_claim name "eng ops"; echo "$api_auth_result"; }
        location = /i/and {
            api_auth_require_claim tenant t1;
            api_auth_require_claim groups nope;
            echo "$api_auth_result";
        }
        location = /i/number { api_auth_require_claim level 42; echo "$api_auth_result"; }
        location = /i/bool { api_auth_require_claim admin true; echo "$api_auth_result"; }
        location = /i/absent { api_auth_require_claim team x; echo "$api_auth_result"; }
        location = /i/spaced { api_auth_require_claim spaced c; echo "$api_auth_result"; }
        location = /i/before-scope {
            api_auth_require_claim tenant t3;
            api_auth_require_scope admin;
            echo "$api_auth_result";
        }
    }
    location /inherit/ {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_claim tenant t9;

        location = /inherit/kept { echo "$api_auth_result"; }
        location = /inherit/replaced {
            api_auth_require_claim groups eng;
            echo "$api_auth_result";
        }
    }
_EOC_

our $Jwt = <<'_EOC_';
    location /j/ {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        api_auth_jwt_issuer https://as.example.com/;
        api_auth_require_audience https://api.example.com;
        api_auth_cache z max_ttl=60s;

        location = /j/acme { api_auth_require_claim tenant acme; echo "$api_auth_result $api_auth_cache_status"; }
        location = /j/other { api_auth_require_claim tenant other; echo "$api_auth_result $api_auth_cache_status"; }
        location = /j/roles { api_auth_require_claim roles writer; echo "$api_auth_result $api_auth_cache_status"; }
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

=== TEST 1: introspection: a string claim equal to one of the values passes, another value is 401 invalid_token
--- config eval
$::Intro
--- request eval
["GET /i/one-of", "GET /i/wrong"]
--- more_headers eval
["Authorization: Bearer tok-108-1", "Authorization: Bearer tok-108-1"]
--- error_code eval
[200, 401]
--- response_body_like eval
["^allow\n\$", "401 Authorization Required"]
--- response_headers eval
["", q{WWW-Authenticate: Bearer realm="api", error="invalid_token"}]
--- no_error_log eval
[@::NoErr]



=== TEST 2: an array holds one value; a string is compared whole, never split on its spaces
--- config eval
$::Intro
--- request eval
["GET /i/array", "GET /i/split", "GET /i/whole"]
--- more_headers eval
[("Authorization: Bearer tok-108-2") x 3]
--- error_code eval
[200, 401, 200]
--- no_error_log eval
[@::NoErr]



=== TEST 3: every api_auth_require_claim must hold (AND)
--- config eval
$::Intro
--- request
GET /i/and
--- more_headers
Authorization: Bearer tok-108-3
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: token [0-9a-f]{8} lacks the required claim "groups"/
--- no_error_log eval
[@::NoErr]



=== TEST 4: a number, a boolean, an absent claim and an array that does not split back whole hold nothing
--- config eval
$::Intro
--- request eval
["GET /i/number", "GET /i/bool", "GET /i/absent", "GET /i/spaced"]
--- more_headers eval
[("Authorization: Bearer tok-108-4") x 4]
--- error_code eval
[401, 401, 401, 401]
--- response_headers eval
[(q{WWW-Authenticate: Bearer realm="api", error="invalid_token"}) x 4]
--- no_error_log eval
[@::NoErr]



=== TEST 5: a failing claim is 401 even where the scope is missing too (401 before 403)
--- config eval
$::Intro
--- request
GET /i/before-scope
--- more_headers
Authorization: Bearer tok-108-5
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- no_error_log eval
[@::NoErr]



=== TEST 6: inherited from the enclosing location; a level's own list replaces it
--- config eval
$::Intro
--- request eval
["GET /inherit/kept", "GET /inherit/replaced"]
--- more_headers eval
[("Authorization: Bearer tok-108-6") x 2]
--- error_code eval
[401, 200]
--- no_error_log eval
[@::NoErr]



=== TEST 7: JWT: the claim decides on the miss and on the cache hit, per location
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Jwt
--- request eval
["GET /j/acme", "GET /j/other", "GET /j/acme"]
--- more_headers eval
my $t = ::jwt(alg => "RS256", claims => { jti => "t108-7" });
[("Authorization: Bearer $t") x 3]
--- error_code eval
[200, 401, 200]
--- response_body_like eval
["^allow MISS\n\$", "401 Authorization Required", "^allow HIT\n\$"]
--- response_headers eval
["", q{WWW-Authenticate: Bearer realm="api", error="invalid_token"}, ""]
--- no_error_log eval
[@::NoErr]



=== TEST 8: JWT: an array claim holds one of its strings; a string claim is not an array of words
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Jwt
--- request eval
["GET /j/roles", "GET /j/roles"]
--- more_headers eval
["Authorization: Bearer " . ::jwt(alg => "RS256", claims => { roles => ["reader", "writer"] }),
 "Authorization: Bearer " . ::jwt(alg => "RS256", claims => { roles => "reader writer" })]
--- error_code eval
[200, 401]
--- no_error_log eval
[@::NoErr]



=== TEST 9: nginx -t: a claim name with a space is refused
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_claim "ten ant" t1;
    }
--- must_die
--- error_log
invalid claim name "ten ant"



=== TEST 10: nginx -t: a claim without a value is refused
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_claim tenant;
    }
--- must_die
--- error_log
invalid number of arguments in "api_auth_require_claim" directive



=== TEST 11: nginx -t: an empty value is refused
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_claim tenant "";
    }
--- must_die
--- error_log
empty value for claim "tenant"
