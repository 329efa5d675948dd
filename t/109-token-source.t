# api_auth_token_source bearer [basic] (SPEC.md Part 2, "Token sources"):
# by default only "Authorization: Bearer TOKEN" is a token, and a Basic
# value on an oauth-only location is no credential (401, no
# introspection).  With "bearer basic", the VALUE of "Authorization:
# Basic VALUE" is a bearer token as it is (not base64-decoded): it is
# introspected with token=VALUE, or verified as a JWT, and shares the
# cache entry of the same token sent as Bearer.  Where api_key is on too,
# the key lookup comes first: a key sent as Basic is still a key, and a
# Basic value that is no key goes on as a token.  nginx -t refuses
# anything but "bearer" or "bearer basic", and a second directive.

use Test::Nginx::Socket 'no_plan';
use FindBin;

require "$FindBin::Bin/helpers/jwt.pl";

# the mock AS knows one token, tok-109-good, and only in form encoding
our $HttpConfig = <<'_EOC_';
    api_auth_cache_zone zone=z:1m;
    map_hash_bucket_size 128;
    map $request_body $mock_answer {
        "token=tok-109-good&token_type_hint=access_token" '{"active":true,"client_id":"gpt","sub":"u9","scope":"orders.read"}';
        default '{"active":false}';
    }
_EOC_

our $AS = <<'_EOC_';
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        echo_read_request_body;
        echo -n $mock_answer;
    }
_EOC_

our $Oauth = $AS . <<'_EOC_';
    location = /default {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject";
    }
    location = /basic {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_token_source bearer basic;
        api_auth_cache z max_ttl=60s;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_token_type|$api_auth_cache_status";
    }
    location = /both {
        api_auth api_key oauth;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_key_source bearer basic;
        api_auth_introspect /_introspect;
        api_auth_token_source bearer basic;
        echo "$api_auth_result|$api_auth_method|$api_auth_client";
    }
_EOC_

our $Jwt = <<'_EOC_';
    location = /jwt {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        api_auth_jwt_issuer https://as.example.com/;
        api_auth_require_audience https://api.example.com;
        api_auth_token_source bearer basic;
        echo "$api_auth_result|$api_auth_method|$api_auth_token_type|$api_auth_client";
    }
_EOC_

our @NoErr = (
    "[error]", "[alert]", "[emerg]", "unexpected exception",
    qr/api_auth.*tok-109/, qr/api_auth.*eyJ/,
);

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: default (bearer): a Basic value on an oauth location is no credential, never introspected
--- http_config eval
$::HttpConfig
--- config eval
$::Oauth
--- request
GET /default
--- more_headers
Authorization: Basic tok-109-good
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"
--- error_log
api_auth: no credentials were provided
--- no_error_log eval
[@::NoErr, 'api_auth introspect "']



=== TEST 2: bearer basic: the Basic value itself is the token, introspected as token=VALUE
--- http_config eval
$::HttpConfig
--- config eval
$::Oauth
--- request
GET /basic
--- more_headers
Authorization: Basic tok-109-good
--- error_code: 200
--- response_body
allow|oauth|gpt|u9|opaque|MISS
--- error_log
api_auth introspect "/_introspect"
--- no_error_log eval
[@::NoErr]



=== TEST 3: bearer basic: an unknown Basic token is 401 invalid_token; Bearer still works
--- http_config eval
$::HttpConfig
--- config eval
$::Oauth
--- request eval
["GET /basic", "GET /basic"]
--- more_headers eval
["Authorization: Basic tok-109-unknown", "Authorization: Bearer tok-109-good"]
--- error_code eval
[401, 200]
--- response_headers eval
[q{WWW-Authenticate: Bearer realm="api", error="invalid_token"}, "X-Unused: "]
--- no_error_log eval
[@::NoErr]



=== TEST 4: the same token as Basic and as Bearer is one cache entry
--- http_config eval
$::HttpConfig
--- config eval
$::Oauth
--- request eval
["GET /basic", "GET /basic", "GET /basic"]
--- more_headers eval
["Authorization: Bearer tok-109-good", "Authorization: Basic tok-109-good", "Authorization: Basic tok-109-good"]
--- response_body eval
["allow|oauth|gpt|u9|opaque|MISS\n", "allow|oauth|gpt|u9|opaque|HIT\n", "allow|oauth|gpt|u9|opaque|HIT\n"]
--- no_error_log eval
[@::NoErr]



=== TEST 5: api_key and oauth: a key sent as Basic stays a key; another Basic value goes on as a token
--- http_config eval
$::HttpConfig
--- config eval
$::Oauth
--- request eval
["GET /both", "GET /both", "GET /both", "GET /both"]
--- more_headers eval
[
 "Authorization: Basic test-key-gpt-prod-0001",
 "Authorization: Basic dXNlcjp0ZXN0LWtleS1ncHQtcHJvZC0wMDAx",
 "Authorization: Basic tok-109-good",
 "Authorization: Basic tok-109-nothing",
]
--- error_code eval
[200, 200, 200, 401]
--- response_body_like eval
["^allow\\|api_key\\|gpt-prod\n\$", "^allow\\|api_key\\|gpt-prod\n\$", "^allow\\|oauth\\|gpt\n\$", "401 Authorization Required"]
--- no_error_log eval
[@::NoErr]



=== TEST 6: a JWT sent as Basic is verified locally, like a Bearer one
--- config eval
$::Jwt
--- request eval
["GET /jwt", "GET /jwt"]
--- more_headers eval
["Authorization: Basic " . ::jwt(alg => "RS256"),
 "Authorization: Basic " . ::jwt(alg => "RS256", claims => { aud => "https://other.example.com" })]
--- error_code eval
[200, 401]
--- response_body_like eval
["^allow\\|oauth\\|jwt\\|c1\n\$", "401 Authorization Required"]
--- no_error_log eval
[@::NoErr]



=== TEST 7: nginx -t: basic alone is refused
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_token_source basic;
    }
--- must_die
--- error_log
invalid "api_auth_token_source", expected "bearer" or "bearer basic"



=== TEST 8: nginx -t: an unknown source is refused
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_token_source bearer header=X-Token;
    }
--- must_die
--- error_log
invalid "api_auth_token_source", expected "bearer" or "bearer basic"



=== TEST 9: nginx -t: a second api_auth_token_source at one level is refused
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_token_source bearer;
        api_auth_token_source bearer basic;
    }
--- must_die
--- error_log
"api_auth_token_source" directive is duplicate
