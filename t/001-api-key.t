# API keys in the Authorization header: the RFC 6750 answers of SPEC.md
# "Responses" for every way a request can present (or fail to present) a
# key: 200 for a known key, 401 with the exact WWW-Authenticate challenge
# when it is missing, unknown or expired, 403 insufficient_scope, 400
# invalid_request for malformed credentials (including nginx's own 400 for
# a duplicate Authorization header), "optional", inheritance and "off",
# custom realms, and that the log never shows a key or its hash.
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001   scope="orders.read orders.write"
#   partner-x  test-key-partner-x-0002  scope="orders.read", expires 2099
#   old-key    test-key-expired-0003    expired 2020
#   noscope    test-key-noscope-0004    no scope
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

=== TEST 1: a known key as Bearer passes
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok
--- response_headers
!WWW-Authenticate



=== TEST 2: no credential: 401 with the Bearer and Basic challenges in one header
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"
--- response_body_like: 401 (?:Authorization Required|Unauthorized)



=== TEST 3: unknown key: 401 invalid_token, logged as a keyed id only (not the plain SHA-256 prefix a4b46afe)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-unknown-9999
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: unknown API key (?!a4b46afe)[0-9a-f]{8}\b/
--- no_error_log eval
[
    @::NoErrorLog,
    qr/^(?!.*\[debug\]).*test-key-unknown-9999/,
    qr/api_auth.*test-key-unknown-9999/,
    "a4b46afe6e51d566",
]



=== TEST 4: expired key (not_after in the past): 401 invalid_token
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-expired-0003
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log
api_auth: API key "old-key" expired
--- no_error_log eval
[
    @::NoErrorLog,
    qr/^(?!.*\[debug\]).*test-key-expired-0003/,
    qr/api_auth.*test-key-expired-0003/,
    "70c490c69e7b",
]



=== TEST 5: a key whose not_after is in the future passes
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 200
--- response_body
ok



=== TEST 6: a key with the required scope passes
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_require_scope orders.write;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok



=== TEST 7: a key without the required scope: 403 insufficient_scope
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_require_scope orders.write;
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.write"
--- error_log
api_auth: API key "partner-x" lacks scope
--- no_error_log eval
[
    @::NoErrorLog,
    qr/^(?!.*\[debug\]).*test-key-partner-x-0002/,
    qr/api_auth.*test-key-partner-x-0002/,
    "1bcc83855a28",
]



=== TEST 8: every required scope must be granted; the challenge lists them all
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_require_scope orders.read orders.write;
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.read orders.write"



=== TEST 9: a key with no scope at all fails any scope requirement
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_require_scope orders.read;
--- more_headers
Authorization: Bearer test-key-noscope-0004
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.read"



=== TEST 10: malformed Authorization headers: 400 invalid_request
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Bearer
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"
--- error_log
api_auth: malformed Authorization header



=== TEST 11: credentials that are not token68 ("Bearer a b"): 400
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001 extra
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 12: a comma is not token68: 400
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key,gpt-prod-0001
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 13: a TAB between scheme and credentials: 400 (RFC 7235 wants SP)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- raw_request eval
"GET /t HTTP/1.1\r
Host: localhost\r
Authorization: Bearer\ttest-key-gpt-prod-0001\r
Connection: close\r
\r
"
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 14: a control byte in the credentials: 400, never a 500
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- raw_request eval
"GET /t HTTP/1.1\r
Host: localhost\r
Authorization: Bearer test-key-gpt\x01prod-0001\r
Connection: close\r
\r
"
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 15: two Authorization headers: nginx itself answers 400, before any module
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
Authorization: Bearer test-key-partner-x-0002
--- error_code: 400
--- response_headers
!WWW-Authenticate
--- error_log
client sent duplicate header line



=== TEST 16: a scheme this module does not read (Digest) counts as no credential
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Digest username="x", realm="api", nonce="n", uri="/t", response="r"
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"



=== TEST 17: the scheme name is case-insensitive, and 1*SP may be several spaces
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: bEARER   test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok



=== TEST 18: a very long unknown token is an unknown key, not an error
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- raw_request eval
"GET /t HTTP/1.1\r
Host: localhost\r
Authorization: Bearer " . ("x" x 6000) . "\r
Connection: close\r
\r
"
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: unknown API key [0-9a-f]{8}\b/
--- no_error_log eval
[
    @::NoErrorLog,
    qr/^(?!.*\[debug\]).*x{64}/,
    qr/api_auth.*x{64}/,
]



=== TEST 19: inherited from server; "api_auth off" cancels it in one location
--- config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth api_key;

    location /private {
        echo "private";
    }

    location /public {
        api_auth off;
        echo "public";
    }
--- request eval
[
    "GET /private",
    "GET /public",
]
--- error_code eval
[401, 200]
--- response_body_like eval
[
    qr/401 (?:Authorization Required|Unauthorized)/,
    qr/^public$/,
]



=== TEST 20: inherited from http into every server location
--- http_config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth api_key;
--- config
    location = /t {
        echo "ok";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok



=== TEST 21: inherited from http: no credential is still rejected
--- http_config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth api_key;
--- config
    location = /t {
        echo "ok";
    }
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"



=== TEST 22: api_auth_realm sets the realm of every challenge
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_realm "orders api";
api_auth api_key;
api_auth_require_scope orders.write;
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="orders api", error="insufficient_scope", scope="orders.write"



=== TEST 23: a custom realm in the missing-credential challenge
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_realm "orders api";
api_auth api_key;
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="orders api", Basic realm="orders api"



=== TEST 24: a quote and a backslash in the realm are escaped (RFC 7230 quoted-string)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_realm 'my "api" \ v2';
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-unknown-9999
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="my \"api\" \\ v2", error="invalid_token"



=== TEST 25: optional: no credential passes as anonymous
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key optional;
        echo "$api_auth_result";
    }
--- error_code: 200
--- response_body
anonymous
--- response_headers
!WWW-Authenticate



=== TEST 26: optional: a known key is still checked and passes
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key optional;
        echo "$api_auth_result $api_auth_client";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
allow gpt-prod



=== TEST 27: optional: an expired key is still rejected
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key optional;
--- more_headers
Authorization: Bearer test-key-expired-0003
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"



=== TEST 28: optional: a malformed credential is still 400
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key optional;
--- more_headers
Authorization: Bearer a b
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 29: optional with an insufficient scope is still 403
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key optional;
api_auth_require_scope orders.write;
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.write"



=== TEST 30: a location-level "api_auth" replaces the inherited "optional"
--- config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth api_key optional;

    location = /t {
        api_auth api_key;
        echo "ok";
    }
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"



=== TEST 31: a POST with a body is rejected before the body is read
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo_read_request_body;
        echo_request_body;
    }
--- request
POST /t
{"order": 1}
--- more_headers
Authorization: Bearer test-key-unknown-9999
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- response_body_like: 401 (?:Authorization Required|Unauthorized)



=== TEST 32: a POST with a known key reaches the content handler with its body
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo_read_request_body;
        echo_request_body;
    }
--- request
POST /t
{"order": 1}
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body_like eval
qr/^\{"order": 1\}\n?$/



=== TEST 33: an empty Authorization header: 400 invalid_request
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- raw_request eval
"GET /t HTTP/1.1\r
Host: localhost\r
Authorization: \r
Connection: close\r
\r
"
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 34: a key in the query string (RFC 6750 2.3) is not read
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- request
GET /t?access_token=test-key-gpt-prod-0001&api_key=test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"



=== TEST 35: the id logged for an unknown key is keyed: the same key gives the same id, another key another, and neither is its plain SHA-256 prefix (the log is checked after each request: one, two, then three lines)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-unknown-9999",
    "Authorization: Bearer test-key-unknown-9999",
    "Authorization: Bearer test-key-unknown-8888",
]
--- error_code eval
[401, 401, 401]
--- grep_error_log eval
qr/unknown API key \w+/
--- grep_error_log_out eval
qr/\Aunknown API key (?!a4b46afe)([0-9a-f]{8})\n(?:unknown API key \1\n(?:unknown API key (?!\1)(?!0a4fdec0)[0-9a-f]{8}\n)?)?\z/
--- no_error_log eval
[@::NoErrorLog, 'unknown API key a4b46afe']
