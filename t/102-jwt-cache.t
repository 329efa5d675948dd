# JWT access tokens and the cache and introspection (SPEC.md "JWT access
# tokens"): with api_auth_cache, a verified JWT is a token record, so the
# second request is a HIT with the same identity and no verification; a
# token with a bad signature is remembered for negative_ttl (a HIT
# refusal); two locations sharing namespace= but with different keys never
# share an entry; and a location with both JWT keys and introspection
# sends the opaque token (and a JWT of another issuer) to introspection.

use Test::Nginx::Socket 'no_plan';
use FindBin;

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/jwt.pl";

our $Loc = <<'_EOC_';
    api_auth_jwt_issuer https://as.example.com/;
    api_auth_require_audience https://api.example.com;
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '{"active":true,"client_id":"opaque-c","sub":"opaque-u","aud":"https://api.example.com"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_cache z;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        echo "$api_auth_result|$api_auth_token_type|$api_auth_cache_status|$api_auth_client|$api_auth_subject|$api_auth_claim_tenant";
    }
    location = /n {
        api_auth oauth;
        api_auth_cache z;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        add_header X-Cache $api_auth_cache_status always;
        echo ok;
    }
    location = /both {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        echo "$api_auth_result|$api_auth_token_type|$api_auth_client|$api_auth_subject";
    }
    location = /a {
        api_auth oauth;
        api_auth_cache z namespace=shared;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        echo "$api_auth_result|$api_auth_cache_status";
    }
    location = /b {
        api_auth oauth;
        api_auth_cache z namespace=shared;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/other-rsa.pub;
        echo "$api_auth_result|$api_auth_cache_status";
    }
_EOC_

our $Tok = ::jwt();
our $Bad = ::jwt(key => 'other-rsa');

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a verified JWT is cached: MISS, then HIT with the same identity
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Loc
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["Authorization: Bearer $::Tok", "Authorization: Bearer $::Tok"]
--- error_code eval
[200, 200]
--- response_body eval
["allow|jwt|MISS|c1|u1|acme\n", "allow|jwt|HIT|c1|u1|acme\n"]



=== TEST 2: a bad signature is negative-cached: the second refusal is a HIT without verification
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Loc
--- request eval
["GET /n", "GET /n"]
--- more_headers eval
["Authorization: Bearer $::Bad", "Authorization: Bearer $::Bad"]
--- error_code eval
[401, 401]
--- response_headers eval
["WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\"\nX-Cache: MISS",
 "WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\"\nX-Cache: HIT"]



=== TEST 3: namespace= shared by locations with different keys: no entry crosses them
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Loc
--- request eval
["GET /a", "GET /a", "GET /b"]
--- more_headers eval
["Authorization: Bearer $::Tok", "Authorization: Bearer $::Tok", "Authorization: Bearer $::Tok"]
--- error_code eval
[200, 200, 401]
--- response_body_like eval
["^allow\\|MISS\$", "^allow\\|HIT\$", "401"]



=== TEST 4: JWT keys and introspection: a JWT is decided locally, an opaque token and a JWT of another issuer are introspected
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Loc
--- request eval
["GET /both", "GET /both", "GET /both"]
--- more_headers eval
["Authorization: Bearer $::Tok", "Authorization: Bearer tok-102-4-opaque", "Authorization: Bearer " . ::jwt(claims => { iss => "https://else.example.com/" })]
--- error_code eval
[200, 200, 200]
--- response_body eval
["allow|jwt|c1|u1\n", "allow|opaque|opaque-c|opaque-u\n", "allow|opaque|opaque-c|opaque-u\n"]
--- no_error_log eval
["[error]", "[alert]", "[emerg]", qr/api_auth.*tok-102-4-opaque/]
