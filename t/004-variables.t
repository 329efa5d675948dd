# The $api_auth_* variables for API keys (SPEC.md "Variables"): their values
# for each outcome (allow, anonymous, missing, invalid_request,
# invalid_token, insufficient_scope, and empty where api_auth is off), as
# the content handler, add_header on error pages, proxy_set_header towards
# an upstream and an access log see them; and that they describe the
# current request only: nothing from one request ever shows in the next.
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001   scope="orders.read orders.write"
#   partner-x  test-key-partner-x-0002  scope="orders.read" subject=acct-42
#   old-key    test-key-expired-0003    expired
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

=== TEST 1: allow: result, method, client, subject (= NAME) and scope
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope|$api_auth_cache_status";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
allow|api_key|gpt-prod|gpt-prod|orders.read orders.write|



=== TEST 2: allow: subject= replaces NAME in $api_auth_subject
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope";
    }
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 200
--- response_body
allow|api_key|partner-x|acct-42|orders.read



=== TEST 3: allow: a key without scope= has an empty $api_auth_scope
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "$api_auth_result|$api_auth_client|$api_auth_subject|$api_auth_scope|";
    }
--- more_headers
Authorization: Basic test-key-noscope-0004
--- error_code: 200
--- response_body
allow|noscope|noscope||



=== TEST 4: anonymous (optional, no credential): only the result is set
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key optional;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope|";
    }
--- error_code: 200
--- response_body
anonymous|||||



=== TEST 5: api_auth off: every variable is empty, even with a valid key sent
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /t {
        api_auth off;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope|$api_auth_cache_status|";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
||||||



=== TEST 6: missing: seen by add_header ... always on the 401
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
add_header X-Auth-Result $api_auth_result always;
add_header X-Auth-Client $api_auth_client always;
--- error_code: 401
--- response_headers
X-Auth-Result: missing
!X-Auth-Client
WWW-Authenticate: Bearer realm="api", Basic realm="api"



=== TEST 7: invalid_request: seen by add_header ... always on the 400
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
add_header X-Auth-Result $api_auth_result always;
add_header X-Auth-Client $api_auth_client always;
--- more_headers
Authorization: Bearer a b
--- error_code: 400
--- response_headers
X-Auth-Result: invalid_request
!X-Auth-Client
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 8: invalid_token (unknown key): no client is named
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
add_header X-Auth-Result $api_auth_result always;
add_header X-Auth-Client $api_auth_client always;
add_header X-Auth-Method $api_auth_method always;
--- more_headers
Authorization: Bearer test-key-unknown-9999
--- error_code: 401
--- response_headers
X-Auth-Result: invalid_token
!X-Auth-Client
!X-Auth-Method
WWW-Authenticate: Bearer realm="api", error="invalid_token"



=== TEST 9: invalid_token (expired key)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
add_header X-Auth-Result $api_auth_result always;
--- more_headers
Authorization: Bearer test-key-expired-0003
--- error_code: 401
--- response_headers
X-Auth-Result: invalid_token
WWW-Authenticate: Bearer realm="api", error="invalid_token"



=== TEST 10: insufficient_scope: the key is known, but a rejected credential names nobody
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_require_scope orders.write;
add_header X-Auth-Result $api_auth_result always;
add_header X-Auth-Method $api_auth_method always;
add_header X-Auth-Client $api_auth_client always;
add_header X-Auth-Subject $api_auth_subject always;
add_header X-Auth-Scope $api_auth_scope always;
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 403
--- response_headers
X-Auth-Result: insufficient_scope
X-Auth-Method: api_key
!X-Auth-Client
!X-Auth-Subject
!X-Auth-Scope
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.write"
--- error_log
api_auth: API key "partner-x" lacks scope "orders.write"



=== TEST 11: proxy_set_header passes the identity to the upstream
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        proxy_set_header X-Client $api_auth_client;
        proxy_set_header X-Subject $api_auth_subject;
        proxy_set_header X-Scope $api_auth_scope;
        proxy_set_header X-Result $api_auth_result;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }

    location = /backend {
        echo "$http_x_result|$http_x_client|$http_x_subject|$http_x_scope|own:$api_auth_client";
    }
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 200
--- response_body
allow|partner-x|acct-42|orders.read|own:



=== TEST 12: proxy_set_header of an anonymous request sends empty identity headers
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key optional;
        proxy_set_header X-Client $api_auth_client;
        proxy_set_header X-Result $api_auth_result;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }

    location = /backend {
        echo "$http_x_result|$http_x_client|";
    }
--- error_code: 200
--- response_body
anonymous||



=== TEST 13: nothing from one request shows in the next (allow, then anonymous, then off)
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /t {
        api_auth api_key;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope";
    }

    # the Authorization header that every request carries is not read here
    location = /anon {
        api_auth_key_source header=X-API-Key;
        api_auth api_key optional;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope";
    }

    location = /off {
        api_auth off;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope";
    }
--- request eval
[
    "GET /t",
    "GET /anon",
    "GET /off",
    "GET /t",
]
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code eval
[200, 200, 200, 200]
--- response_body eval
[
    "allow|api_key|partner-x|acct-42|orders.read\n",
    "anonymous||||\n",
    "||||\n",
    "allow|api_key|partner-x|acct-42|orders.read\n",
]



=== TEST 14: nothing from a rejected request shows in the next
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /scoped {
        api_auth api_key;
        api_auth_require_scope orders.write;
        echo "ok";
    }

    location = /anon {
        api_auth_key_source header=X-API-Key;
        api_auth api_key optional;
        echo "$api_auth_result|$api_auth_client|$api_auth_scope";
    }
--- request eval
[
    "GET /scoped",
    "GET /anon",
]
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code eval
[403, 200]
--- response_body_like eval
[
    qr/403 Forbidden/,
    qr/^anonymous\|\|\n$/,
]



=== TEST 15: nor on one keepalive connection: key, nothing, token, nothing, key
--- http_config
    api_auth_cache_zone zone=z:1m;
    upstream self {
        server 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        keepalive 4;
    }
--- config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth_introspect /_introspect;
    api_auth_cache z;

    # the protected API: an API key, a token or nothing at all
    location = /api {
        api_auth api_key oauth optional;
        echo "c=$connection $api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope|$api_auth_cache_status|$api_auth_claim_tenant";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock;
    }

    location = /mock {
        default_type application/json;
        return 200 '{"active":true,"client_id":"app-1","sub":"u-9","scope":"a b","tenant":"t-1"}';
    }

    # each request of the sequence reuses one upstream connection
    location = /via/key {
        proxy_pass http://self/api;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Authorization "Bearer test-key-partner-x-0002";
    }

    location = /via/token {
        proxy_pass http://self/api;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Authorization "Bearer tok-004-keepalive";
    }

    location = /via/none {
        proxy_pass http://self/api;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }

    location = /t {
        echo_location /via/key;
        echo_location /via/none;
        echo_location /via/token;
        echo_location /via/none;
        echo_location /via/key;
        echo_location /via/none;
    }
--- error_code: 200
--- response_body_like eval
my $key = 'allow\|api_key\|partner-x\|acct-42\|orders\.read\|\|';
my $none = 'anonymous\|\|\|\|\|\|';
my $token = 'allow\|oauth\|app-1\|u-9\|a b\|(?:MISS|HIT)\|t-1';
my @rest = ($none, $token, $none, $key, $none);
# the same upstream connection ($connection) for all six
my $re = '\Ac=(\d+) ' . $key . '\n';
$re .= "c=\\1 $_\\n" for @rest;
$re .= '\z';
qr/$re/



=== TEST 16: the decision survives internal redirects: try_files into a named location, error_page
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location /tf/ {
        api_auth api_key;
        try_files /nonexistent @app;
    }

    location @app {
        echo "app: $api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope";
    }

    location = /ep {
        api_auth api_key;
        error_page 401 403 = @denied;
        echo "ok";
    }

    location @denied {
        echo "denied: $api_auth_result|$api_auth_method|$api_auth_client";
    }

    location = /plain {
        echo "plain: $api_auth_result|$api_auth_client";
    }
--- request eval
[
    "GET /tf/x",
    "GET /ep",
    "GET /plain",
]
--- more_headers eval
[
    "Authorization: Bearer test-key-partner-x-0002",
    "Authorization: Bearer test-key-expired-0003",
    "Authorization: Bearer test-key-partner-x-0002",
]
--- error_code eval
[200, 200, 200]
--- response_body eval
[
    "app: allow|api_key|partner-x|acct-42|orders.read\n",
    "denied: invalid_token|api_key|\n",
    "plain: |\n",
]



=== TEST 17: a subrequest reads the identity of its main request
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo_location /sub;
    }

    location = /sub {
        api_auth off;
        echo "$api_auth_result|$api_auth_client|$api_auth_subject";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
allow|gpt-prod|gpt-prod



=== TEST 18: the variables in an access log line
--- http_config
    log_format api_auth '$request_uri $status $api_auth_result $api_auth_method '
                        'client=$api_auth_client subject=$api_auth_subject '
                        'scope="$api_auth_scope"';
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /t {
        api_auth api_key;
        access_log logs/api_auth.log api_auth;
        echo "ok";
    }

    # the Authorization header that every request carries is not read here
    location = /bad {
        api_auth_key_source header=X-API-Key;
        api_auth api_key;
        access_log logs/api_auth.log api_auth;
        echo "ok";
    }

    location = /log {
        api_auth off;
        default_type text/plain;
        alias logs/api_auth.log;
    }
--- request eval
[
    "GET /t",
    "GET /bad?x",
    "GET /log",
]
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code eval
[200, 401, 200]
--- response_body_like eval
[
    qr/^ok$/,
    qr/401 (?:Authorization Required|Unauthorized)/,
    qr{^/t 200 allow api_key client=partner-x subject=acct-42 scope="orders.read"\n/bad\?x 401 missing  client= subject= scope=""\n}m,
]



=== TEST 19: a Basic API key never shows as $remote_user ("curl -u KEY:")
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "[$remote_user]$api_auth_client";
    }
--- more_headers
Authorization: Basic dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=
--- error_code: 200
--- response_body
[]gpt-prod



=== TEST 20: nor does an unknown Basic key, even when an allowed address lets it pass
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        satisfy any;
        allow 127.0.0.1;
        deny all;
        echo "[$remote_user]$api_auth_result";
    }
--- more_headers
Authorization: Basic dGVzdC1rZXktdW5rbm93bi05OTk5Og==
--- error_code: 200
--- response_body
[]invalid_token



=== TEST 21: nor a key sent as Basic to a location that reads only Bearer tokens, or only a custom header
--- config
    api_auth_keys $TEST_NGINX_KEYS;

    location = /oauth {
        api_auth oauth optional;
        api_auth_introspect /_introspect;
        echo "[$remote_user]$api_auth_result";
    }

    location = /custom {
        api_auth api_key optional;
        api_auth_key_source header=X-API-Key;
        echo "[$remote_user]$api_auth_result";
    }

    location = /_introspect {
        internal;
        return 500;
    }
--- request eval
["GET /oauth", "GET /custom"]
--- more_headers
Authorization: Basic dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=
--- error_code eval
[200, 200]
--- response_body eval
["[]anonymous\n", "[]anonymous\n"]
