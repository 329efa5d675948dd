# Every authentication option of the GPT editor (Actions -> Authentication),
# sent exactly as ChatGPT sends it, against the configuration line the
# README's "GPT Actions" section gives for that option:
#
#   None                                 (nothing)
#   API Key / Bearer                     Authorization: Bearer KEY
#   API Key / Basic, the key pasted      Authorization: Basic KEY
#   API Key / Basic, base64(user:KEY)    Authorization: Basic dXNlcjp...
#   API Key / Basic, base64(KEY:)        Authorization: Basic dGVzdC1...
#   API Key / Custom, X-Api-Key          X-Api-Key: KEY
#   API Key / Custom, Authorization      Authorization: KEY (no scheme)
#   OAuth / Bearer                       Authorization: Bearer TOKEN
#   OAuth / Basic                        Authorization: Basic TOKEN
#                                        (api_auth_token_source bearer basic)
#
# Each block proxies to /backend, the API behind nginx, which echoes what
# it was told about the caller (X-Auth-* set from $api_auth_*) and shows
# that neither the key nor the token travels further than nginx.  No block
# may log the key or token (the suite-wide t/helpers/scan_logs.pl checks
# the whole run again), and $remote_user (in the default access log
# format) is empty in every block.
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001   scope="orders.read orders.write"
#   partner-x  test-key-partner-x-0002  scope="orders.read" subject=acct-42
# test-key-gpt-unknown-0404 is in no file.
#
#   base64("user:test-key-gpt-prod-0001")   dXNlcjp0ZXN0LWtleS1ncHQtcHJvZC0wMDAx
#   base64("test-key-partner-x-0002:")      dGVzdC1rZXktcGFydG5lci14LTAwMDI6
#
# OAuth: /mock_as answers every introspection call with an active token of
# client "chatgpt-gpt", user "user-7".

use Test::Nginx::Socket 'no_plan';

our $Server = <<'_EOC_';
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '{"active":true,"client_id":"chatgpt-gpt","sub":"user-7","scope":"orders.read"}';
    }
    location = /backend {
        echo "$http_x_auth_method $http_x_auth_client $http_x_auth_subject [$http_x_auth_scope] authorization=[$http_authorization] x-api-key=[$http_x_api_key]";
    }
_EOC_

# what every protected location passes upstream
our $Proxy = <<'_EOC_';
        proxy_set_header X-Auth-Method $api_auth_method;
        proxy_set_header X-Auth-Client $api_auth_client;
        proxy_set_header X-Auth-Subject $api_auth_subject;
        proxy_set_header X-Auth-Scope $api_auth_scope;
        proxy_set_header Authorization "";
        proxy_set_header X-Api-Key "";
        add_header X-Remote-User "[$remote_user]" always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
_EOC_

# the configuration of one editor option: location = /orders with LINES
sub orders {
    my ($lines) = @_;

    return $::Server . "    location = /orders {\n" . $lines . $::Proxy
           . "    }\n";
}

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: API Key / Bearer: Authorization: Bearer KEY
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
api_key gpt-prod gpt-prod [orders.read orders.write] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/,
    qr/api_auth.*test-key-gpt-prod-0001/,
]



=== TEST 2: API Key / Basic, the key pasted as it is: Authorization: Basic KEY
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: Basic test-key-gpt-prod-0001
--- error_code: 200
--- response_body
api_key gpt-prod gpt-prod [orders.read orders.write] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/,
    qr/api_auth.*test-key-gpt-prod-0001/,
]



=== TEST 3: API Key / Basic, base64("user:KEY") pasted
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: Basic dXNlcjp0ZXN0LWtleS1ncHQtcHJvZC0wMDAx
--- error_code: 200
--- response_body
api_key gpt-prod gpt-prod [orders.read orders.write] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*dXNlcjp0ZXN0LWtleS1ncHQtcHJvZC0wMDAx/,
    qr/api_auth.*dXNlcjp0ZXN0LWtleS1ncHQtcHJvZC0wMDAx/,
    qr/api_auth.*test-key-gpt-prod-0001/,
]



=== TEST 4: API Key / Basic, base64("KEY:") pasted (what curl -u KEY: sends)
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: Basic dGVzdC1rZXktcGFydG5lci14LTAwMDI6
--- error_code: 200
--- response_body
api_key partner-x acct-42 [orders.read] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*dGVzdC1rZXktcGFydG5lci14LTAwMDI6/,
    qr/api_auth.*dGVzdC1rZXktcGFydG5lci14LTAwMDI6/,
    qr/api_auth.*test-key-partner-x-0002/,
]



=== TEST 5: API Key / Custom, header name X-Api-Key: X-Api-Key: KEY
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_key_source header=X-Api-Key;
_EOC_
--- request
GET /orders
--- more_headers
X-Api-Key: test-key-gpt-prod-0001
--- error_code: 200
--- response_body
api_key gpt-prod gpt-prod [orders.read orders.write] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/,
    qr/api_auth.*test-key-gpt-prod-0001/,
]



=== TEST 6: OAuth / Bearer: Authorization: Bearer TOKEN, introspected
--- config eval
::orders(<<'_EOC_')
        api_auth oauth;
        api_auth_introspect /_introspect;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: Bearer tok-014-6-chatgpt-user
--- error_code: 200
--- response_body
oauth chatgpt-gpt user-7 [orders.read] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*tok-014-6-chatgpt-user/,
    qr/api_auth.*tok-014-6-chatgpt-user/,
]



=== TEST 7: OAuth / Basic: Authorization: Basic TOKEN, with api_auth_token_source bearer basic, introspected
--- config eval
::orders(<<'_EOC_')
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_token_source bearer basic;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: Basic tok-014-7-chatgpt-user
--- error_code: 200
--- response_body
oauth chatgpt-gpt user-7 [orders.read] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- error_log
api_auth introspect "/_introspect"
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*tok-014-7-chatgpt-user/,
    qr/api_auth.*tok-014-7-chatgpt-user/,
]



=== TEST 8: API Key / Custom, header name Authorization: Authorization: KEY, no scheme
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_key_source header=Authorization;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: test-key-gpt-prod-0001
--- error_code: 200
--- response_body
api_key gpt-prod gpt-prod [orders.read orders.write] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/,
    qr/api_auth.*test-key-gpt-prod-0001/,
]



=== TEST 9: Custom Authorization next to bearer and basic: the raw key passes
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_key_source bearer basic header=Authorization;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: test-key-partner-x-0002
--- error_code: 200
--- response_body
api_key partner-x acct-42 [orders.read] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*test-key-partner-x-0002/,
    qr/api_auth.*test-key-partner-x-0002/,
]



=== TEST 10: Custom Authorization next to bearer and basic: Bearer KEY still goes to bearer
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_key_source bearer basic header=Authorization;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
api_key gpt-prod gpt-prod [orders.read orders.write] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/,
    qr/api_auth.*test-key-gpt-prod-0001/,
]



=== TEST 11: Custom Authorization next to bearer and basic: Basic base64("user:KEY") still goes to basic
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_key_source bearer basic header=Authorization;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: Basic dXNlcjp0ZXN0LWtleS1ncHQtcHJvZC0wMDAx
--- error_code: 200
--- response_body
api_key gpt-prod gpt-prod [orders.read orders.write] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/api_auth.*dXNlcjp0ZXN0LWtleS1ncHQtcHJvZC0wMDAx/,
    qr/api_auth.*test-key-gpt-prod-0001/,
]



=== TEST 12: Custom Authorization: an unknown raw key is 401 invalid_token, logged by a keyed id only
--- config eval
::orders(<<'_EOC_')
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_key_source header=Authorization;
_EOC_
--- request
GET /orders
--- more_headers
Authorization: test-key-gpt-unknown-0404
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
X-Remote-User: []
--- error_log eval
qr/api_auth: unknown API key [0-9a-f]{8}\b/
--- no_error_log eval
[
    "[error]",
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/^(?!.*\[debug\]).*test-key-gpt-unknown-0404/,
    qr/api_auth.*test-key-gpt-unknown-0404/,
]



=== TEST 13: None: api_auth off (the default): no credential, the API is told nobody
--- config eval
::orders(<<'_EOC_')
        api_auth off;
_EOC_
--- request
GET /orders
--- error_code: 200
--- response_body
   [] authorization=[] x-api-key=[]
--- response_headers
X-Remote-User: []
--- no_error_log
[error]
[alert]
[emerg]
unexpected exception
