# api_auth together with nginx's other access checks (SPEC.md "satisfy any
# keeps working"): the handler returns its status to the access phase
# instead of finalizing the request, so that with "satisfy any" an allowed
# client address passes without credentials (and its 401 challenge is
# dropped), a valid key passes a "deny all", and the 401 with its challenge
# is what a client sees when every check fails; with "satisfy all" both
# checks must pass.  A 400 is not an access decision and stays a 400.
# Also "optional" under satisfy: an anonymous request is no grant.
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001   scope="orders.read orders.write"
#   partner-x  test-key-partner-x-0002  scope="orders.read"
# test-key-unknown-9999 is in no file.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: satisfy any: an allowed address passes without a credential, no challenge
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        satisfy any;
        allow 127.0.0.1;
        deny all;
        echo "ok $api_auth_result";
    }
--- error_code: 200
--- response_body
ok missing
--- response_headers
!WWW-Authenticate



=== TEST 2: satisfy any: an allowed address passes even with an unknown key
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        satisfy any;
        allow 127.0.0.1;
        deny all;
        echo "ok $api_auth_result";
    }
--- more_headers
Authorization: Bearer test-key-unknown-9999
--- error_code: 200
--- response_body
ok invalid_token
--- response_headers
!WWW-Authenticate



=== TEST 3: satisfy any: an allowed address passes a key without the scope, which names nobody
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_require_scope orders.write;
        satisfy any;
        allow 127.0.0.1;
        deny all;
        echo "ok $api_auth_result client=$api_auth_client subject=$api_auth_subject scope=$api_auth_scope";
    }
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 200
--- response_body
ok insufficient_scope client= subject= scope=
--- response_headers
!WWW-Authenticate



=== TEST 4: satisfy any, deny all: a valid key passes
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        satisfy any;
        deny all;
        echo "ok $api_auth_client";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok gpt-prod
--- response_headers
!WWW-Authenticate



=== TEST 5: satisfy any, deny all, no credential: 401 with the challenge (not 403)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
satisfy any;
deny all;
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"
--- no_error_log
access forbidden by rule
[alert]



=== TEST 6: satisfy any, deny all, unknown key: 401 invalid_token
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
satisfy any;
deny all;
--- more_headers
Authorization: Bearer test-key-unknown-9999
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- no_error_log
[alert]



=== TEST 7: satisfy any, deny all, insufficient scope: 403 with the scope challenge
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_require_scope orders.write;
satisfy any;
deny all;
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.write"
--- no_error_log
[alert]



=== TEST 8: satisfy any, deny all, malformed credentials: 400 stays 400
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
satisfy any;
deny all;
--- more_headers
Authorization: Bearer a b
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 9: satisfy any with an allowed address: a malformed credential is still 400
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
satisfy any;
allow 127.0.0.1;
deny all;
--- more_headers
Authorization: Basic bm8tY29sb24taGVyZQ==
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 10: satisfy all, deny all, valid key: 403 from the access module, no challenge
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
satisfy all;
deny all;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 403
--- response_headers
!WWW-Authenticate
--- error_log
access forbidden by rule
--- no_error_log
[alert]



=== TEST 11: satisfy all, allowed address, valid key: 200
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
satisfy all;
allow 127.0.0.1;
deny all;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok



=== TEST 12: satisfy all, allowed address, no credential: 401 with the challenge
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
satisfy all;
allow 127.0.0.1;
deny all;
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"



=== TEST 13: satisfy any, deny all, optional and no credential: anonymous is no grant
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key optional;
satisfy any;
deny all;
--- error_code: 403
--- response_headers
!WWW-Authenticate
--- error_log
access forbidden by rule
--- no_error_log
[alert]



=== TEST 14: satisfy any, deny all, optional and a valid key: 200
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key optional;
        satisfy any;
        deny all;
        echo "ok $api_auth_result";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok allow



=== TEST 15: satisfy any inherited from the server, checked per location
--- config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth api_key;
    satisfy any;
    deny all;

    location = /a {
        echo "a";
    }

    location = /b {
        allow 127.0.0.1;
        deny all;
        echo "b";
    }
--- request eval
[
    "GET /a",
    "GET /b",
]
--- error_code eval
[401, 200]
--- response_headers eval
[
    'WWW-Authenticate: Bearer realm="api", Basic realm="api"',
    "!WWW-Authenticate",
]
--- no_error_log
[alert]
[emerg]



=== TEST 16: satisfy all: an address that "deny" refuses gets 403 whatever it sends; credentials are not even looked at (security review, finding 4)
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        deny 127.0.0.1;
        echo "ok $api_auth_result";
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-unknown-9999",
    "Authorization: Bearer a b",
]
--- error_code eval
[403, 403, 403, 403]
--- response_headers eval
["!WWW-Authenticate", "!WWW-Authenticate", "!WWW-Authenticate",
 "!WWW-Authenticate"]
--- error_log
access forbidden by rule
--- no_error_log
api_auth: unknown API key
api_auth: no credentials
malformed Authorization
[alert]
unexpected exception



=== TEST 17: satisfy all: a refused address causes no introspection, and an active token still gets 403
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        deny 127.0.0.1;
        echo "ok $api_auth_result";
    }
--- mock_as: {"active":true,"sub":"u1"}
--- more_headers
Authorization: Bearer tok-005-31-active
--- error_code: 403
--- response_headers
!WWW-Authenticate
--- error_log
access forbidden by rule
--- no_error_log
api_auth introspect
[alert]
unexpected exception



=== TEST 18: satisfy all with an allowed address: the credential is still checked after allow/deny
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        allow 127.0.0.1;
        deny all;
        echo "ok $api_auth_result $api_auth_client";
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-unknown-9999",
]
--- error_code eval
[401, 200, 401]
--- response_body_like eval
[qr/401/, qr/^ok allow gpt-prod$/, qr/401/]
