# "api_auth api_key oauth" (SPEC.md "Directives", api_auth): one location
# accepts either kind of credential. A credential that is a known API key
# is an API key, checked locally and never sent to the authorization
# server (not even when that server is down, expired, or short of scope);
# any other Bearer credential is a token and goes to introspection (and
# the cache). Basic and header=NAME credentials are only ever keys. A bad
# credential that is present is rejected even if another one would pass.
# The method order in the directive does not matter.
#
# Keys (fake values, in each block's keys.txt):
#   combo         combo-key-0001          scope="orders.read orders.write"
#   combo-old     combo-key-expired-0002  expired 2020
#   combo-narrow  combo-key-narrow-0003   scope="profile"
# Every other credential in this file is unknown as a key.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

our $Keys = <<'_EOF_';
>>> keys.txt
# fake keys for t/031-combined.t
combo         sha256:a0fb08c208b95a3cda7612cf0c72fd2bf2cf72e7d02cc68da44afd1728e986bb  scope="orders.read orders.write" subject=svc-combo
combo-old     sha256:9d9a1a0c73dbf253c267bba1ba200e3e7db64239b1173f3390359f3ba3e527c9  scope="orders.read" not_after=2020-01-01T00:00:00Z
combo-narrow  sha256:2438ee69177020d8b381239c47cdda310985ba4210ae8d6160018e97a1730781  scope="profile"
_EOF_

our $Server = <<'_EOC_';
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","sub":"u1","scope":"orders.read orders.write"}';
    }
    location = /_introspect_inactive {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_inactive;
    }
    location = /mock_inactive {
        default_type application/json;
        return 200 '{"active":false}';
    }
    location = /_introspect_down {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_down;
    }
    location = /mock_down {
        return 502;
    }
    location = /x {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/$arg_l;
        proxy_set_header Authorization "Bearer $arg_t";
        proxy_intercept_errors on;
        error_page 400 401 403 500 503 = @denied;
    }
    location @denied {
        echo "$upstream_status $upstream_http_x_result [$upstream_http_x_cache]";
    }
_EOC_

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a known key as Bearer is an API key: allowed without introspection
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope|$api_auth_cache_status";
    }
_EOC_
--- user_files eval
$::Keys
--- more_headers
Authorization: Bearer combo-key-0001
--- error_code: 200
--- response_body
allow|api_key|combo|svc-combo|orders.read orders.write|
--- no_error_log eval
[
    @::NoErrorLog,
    'api_auth introspect "',
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*combo-key-0001/,
]



=== TEST 2: any other Bearer credential is a token: introspected and allowed as oauth
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope|$api_auth_cache_status";
    }
_EOC_
--- user_files eval
$::Keys
--- more_headers
Authorization: Bearer tok-031-2-token
--- error_code: 200
--- response_body
allow|oauth|c1|u1|orders.read orders.write|BYPASS
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
--- no_error_log eval
[
    @::NoErrorLog,
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*tok-031-2-token/,
]



=== TEST 3: a Bearer credential that is neither a key nor an active token: 401 invalid_token after introspection
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect_inactive;
        echo "ok";
    }
_EOC_
--- user_files eval
$::Keys
--- more_headers
Authorization: Bearer tok-031-3-nothing
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_inactive"



=== TEST 4: no credential: 401 with both challenges, no introspection
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        echo "ok";
    }
_EOC_
--- user_files eval
$::Keys
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 5: a known key in Basic ("user:KEY") is an API key
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        echo "$api_auth_result|$api_auth_method|$api_auth_client";
    }
_EOC_
--- user_files eval
$::Keys
--- more_headers eval
use MIME::Base64;
"Authorization: Basic " . encode_base64("gpt:combo-key-0001", "")
--- error_code: 200
--- response_body
allow|api_key|combo
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 6: an unknown Basic credential is never a token: 401 invalid_token without introspection
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        echo "ok";
    }
_EOC_
--- user_files eval
$::Keys
--- more_headers eval
use MIME::Base64;
"Authorization: Basic " . encode_base64("gpt:tok-031-6-basic", "")
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 7: an expired key stays an API key: 401 invalid_token, not sent to introspection
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        echo "ok";
    }
_EOC_
--- user_files eval
$::Keys
--- more_headers
Authorization: Bearer combo-key-expired-0002
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log
api_auth: API key "combo-old" expired
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 8: a key short of scope: 403 insufficient_scope, not sent to introspection
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        api_auth_require_scope orders.read;
        echo "ok";
    }
_EOC_
--- user_files eval
$::Keys
--- more_headers
Authorization: Bearer combo-key-narrow-0003
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.read"
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 9: with a custom key header, the key comes from the header and a Bearer credential is a token
--- config eval
$::Server . <<'_EOC_';
    location = /key {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_key_source header=X-API-Key;
        api_auth_introspect /_introspect;
        echo "$api_auth_result $api_auth_method $api_auth_client";
    }
    location = /xk {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/key;
        proxy_set_header X-API-Key $arg_k;
    }
    location = /t {
        echo_location /xk "k=combo-key-0001";
        echo_location /x "l=key&t=combo-key-0001";
        echo_location /x "l=key&t=tok-031-9-token";
    }
_EOC_
--- user_files eval
$::Keys
--- error_code: 200
--- response_body
allow api_key combo
allow oauth c1
allow oauth c1
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"



=== TEST 10: with a cache: tokens MISS then HIT, keys never touch the cache (empty cache status)
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Server . <<'_EOC_';
    location = /both {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        api_auth_cache z;
        add_header X-Result $api_auth_result always;
        add_header X-Cache $api_auth_cache_status always;
        echo "200 $api_auth_result $api_auth_method [$api_auth_cache_status]";
    }
    location = /t {
        echo_location /x "l=both&t=combo-key-0001";
        echo_location /x "l=both&t=tok-031-10";
        echo_location /x "l=both&t=tok-031-10";
        echo_location /x "l=both&t=combo-key-0001";
        echo_location /x "l=both&t=combo-key-expired-0002";
    }
_EOC_
--- user_files eval
$::Keys
--- response_body
200 allow api_key []
200 allow oauth [MISS]
200 allow oauth [HIT]
200 allow api_key []
401 invalid_token []
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"



=== TEST 11: API keys keep working while the authorization server is down; tokens get 503
--- config eval
$::Server . <<'_EOC_';
    location = /both {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect_down;
        add_header X-Result $api_auth_result always;
        add_header X-Cache $api_auth_cache_status always;
        echo "200 $api_auth_result $api_auth_method";
    }
    location = /t {
        echo_location /x "l=both&t=combo-key-0001";
        echo_location /x "l=both&t=tok-031-11";
        echo_location /x "l=both&t=combo-key-0001";
    }
_EOC_
--- user_files eval
$::Keys
--- response_body
200 allow api_key
503 unavailable [BYPASS]
200 allow api_key
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_down"
--- error_log
api_auth: introspection failed: status 502
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 12: "api_auth oauth api_key" (the other order) behaves the same
--- config eval
$::Server . <<'_EOC_';
    location = /both {
        api_auth oauth api_key;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        add_header X-Result $api_auth_result always;
        add_header X-Cache $api_auth_cache_status always;
        echo "200 $api_auth_result $api_auth_method $api_auth_client";
    }
    location = /t {
        echo_location /x "l=both&t=combo-key-0001";
        echo_location /x "l=both&t=tok-031-12";
    }
_EOC_
--- user_files eval
$::Keys
--- response_body
200 allow api_key combo
200 allow oauth c1
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"



=== TEST 13: "optional" with both methods: no credential passes as anonymous
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth optional;
        api_auth_keys ../html/keys.txt;
        api_auth_introspect /_introspect;
        echo "$api_auth_result|$api_auth_method|$api_auth_client";
    }
_EOC_
--- user_files eval
$::Keys
--- error_code: 200
--- response_body
anonymous||
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 14: an unknown key in the custom header is rejected even next to a valid Bearer token
--- config eval
$::Server . <<'_EOC_';
    location = /t {
        api_auth api_key oauth;
        api_auth_keys ../html/keys.txt;
        api_auth_key_source header=X-API-Key bearer;
        api_auth_introspect /_introspect;
        echo "ok";
    }
_EOC_
--- user_files eval
$::Keys
--- more_headers
X-API-Key: not-a-known-key-031
Authorization: Bearer tok-031-14
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']
