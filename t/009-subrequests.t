# Subrequests are checked too (security review, finding 5). nginx skips
# the ACCESS phase for subrequests, so before this fix an auth_request,
# an SSI include, an echo_location or a mirror reached a location with
# api_auth without any credential. Now such a subrequest is decided with
# the credential of the main request (it starts with a copy of its
# headers), before the rewrite module runs (so "return 204", the usual
# auth_request target, is protected too); the module's own introspection
# subrequests are not checked.
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001   scope="orders.read orders.write"
#   partner-x  test-key-partner-x-0002  scope="orders.read"
# test-key-unknown-9999 is in no file.
# (The mirror's backend writes its access-log line into the error log,
# where the blocks look for it: no regex, whose PCRE2 context nginx
# never frees, shows in make test-valgrind.)

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: auth_request to an api_auth location: no credential is 401 with its challenge, a known key passes with its identity, an unknown one is 401
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /check {
        internal;
        api_auth api_key;
        return 204;
    }
    location = /t {
        auth_request /check;
        auth_request_set $who $api_auth_client;
        echo "ok [$who]";
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
[qr/401/, qr/^ok \[gpt-prod\]$/, qr/401/]
--- response_headers eval
[
    'WWW-Authenticate: Bearer realm="api", Basic realm="api"',
    "",
    'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
]
--- no_error_log
[alert]
unexpected exception



=== TEST 2: auth_request to a location that requires a scope: 403 for a key without it
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /check {
        internal;
        api_auth api_key;
        api_auth_require_scope orders.write;
        return 204;
    }
    location = /t {
        auth_request /check;
        echo "ok";
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-partner-x-0002",
    "Authorization: Bearer test-key-gpt-prod-0001",
]
--- error_code eval
[403, 200]
--- no_error_log
[alert]
unexpected exception



=== TEST 3: SSI cannot widen scope: a key with orders.read includes /orders but not /admin
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /page {
        default_type text/html;
        ssi on;
        echo '<!--# include virtual="/orders" -->|<!--# include virtual="/admin" -->';
    }
    location = /orders {
        api_auth api_key;
        api_auth_require_scope orders.read;
        echo -n "ORDERS-$api_auth_client";
    }
    location = /admin {
        api_auth api_key;
        api_auth_require_scope admin;
        echo -n "ADMIN-SECRET";
    }
--- request
GET /page
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 200
--- response_body_like eval
qr/^ORDERS-partner-x\|/
--- response_body_unlike eval
qr/ADMIN-SECRET/
--- error_log
api_auth: API key "partner-x" lacks scope "admin"
--- no_error_log
[alert]
unexpected exception



=== TEST 4: SSI without a credential: the protected include is not served
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /page {
        default_type text/html;
        ssi on;
        echo 'public|<!--# include virtual="/orders" -->';
    }
    location = /orders {
        api_auth api_key;
        echo -n "ORDERS";
    }
--- request
GET /page
--- error_code: 200
--- response_body_like eval
qr/^public\|/
--- response_body_unlike eval
qr/ORDERS/
--- no_error_log
[alert]
unexpected exception



=== TEST 5: echo_location into an api_auth location is checked with the main request's credential
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /private {
        api_auth api_key;
        echo "PRIVATE $api_auth_client";
    }
    location = /t {
        echo_location /private;
        echo "end";
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["", "Authorization: Bearer test-key-gpt-prod-0001"]
--- response_body_like eval
[qr/\A(?!.*PRIVATE).*401.*end\n\z/s, qr/\APRIVATE gpt-prod\nend\n\z/]
--- no_error_log
[alert]
unexpected exception



=== TEST 6: mirror to an api_auth location: without a credential the mirror's backend is never asked
--- http_config
    log_format hit 'BACKEND-HIT $uri';
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /t {
        mirror /m;
        echo "ok";
    }
    location = /m {
        internal;
        api_auth api_key;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        access_log logs/error.log hit;
        return 204;
    }
--- error_code: 200
--- response_body
ok
--- wait: 0.3
--- error_log
api_auth: no credentials were provided
--- no_error_log
BACKEND-HIT /backend
[alert]
unexpected exception



=== TEST 7: mirror with a known key: the backend is asked
--- http_config
    log_format hit 'BACKEND-HIT $uri';
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /t {
        mirror /m;
        echo "ok";
    }
    location = /m {
        internal;
        api_auth api_key;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend {
        access_log logs/error.log hit;
        return 204;
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok
--- wait: 0.3
--- error_log
BACKEND-HIT /backend
--- no_error_log
[alert]
unexpected exception



=== TEST 8: OAuth in a subrequest: auth_request to an oauth location introspects from the subrequest
--- config
    location = /_introspect_ok {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_ok;
    }
    location = /_introspect_inactive {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_inactive;
    }
    location = /mock_ok {
        default_type application/json;
        return 200 '{"active":true,"sub":"u8","client_id":"c8"}';
    }
    location = /mock_inactive {
        default_type application/json;
        return 200 '{"active":false}';
    }
    location = /check {
        internal;
        api_auth oauth;
        api_auth_introspect /_introspect_ok;
        return 204;
    }
    location = /check_revoked {
        internal;
        api_auth oauth;
        api_auth_introspect /_introspect_inactive;
        return 204;
    }
    location = /t {
        auth_request /check;
        auth_request_set $who $api_auth_client;
        echo "ok [$who]";
    }
    location = /u {
        auth_request /check_revoked;
        echo "ok";
    }
--- request eval
["GET /t", "GET /u", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer tok-009-8-active",
    "Authorization: Bearer tok-009-8-revoked",
    "",
]
--- error_code eval
[200, 401, 401]
--- response_body_like eval
[qr/^ok \[c8\]$/, qr/401/, qr/401/]
--- response_headers eval
[
    "",
    'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
    'WWW-Authenticate: Bearer realm="api"',
]
--- no_error_log
[alert]
unexpected exception



=== TEST 9: api_auth inherited by the introspection location itself: the module's own subrequest is not checked
--- config
    api_auth oauth;
    api_auth_introspect /_introspect;

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        api_auth off;
        default_type application/json;
        return 200 '{"active":true,"sub":"u9"}';
    }
    location = /t {
        echo "ok $api_auth_subject";
    }
--- more_headers
Authorization: Bearer tok-009-9
--- error_code: 200
--- response_body
ok u9
