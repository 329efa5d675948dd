# When the authorization server cannot give a usable answer (SPEC.md
# "Responses", last row), the client gets 503 with Retry-After and no
# WWW-Authenticate, never a 401 that would make it drop a good token, and
# never a 500 or a dropped connection: connection refused, timeout, any
# status other than 200 (5xx, 401 from its own client authentication, 204,
# redirects), a body that is not a JSON object, "active" missing, not a
# boolean or given twice, mistyped exp/scope, a Content-Encoding, a body
# over the parser's 64 KB bound or over the subrequest buffer. The error
# log says "api_auth: introspection failed: ..." and never shows the
# token. A large answer that fits the buffer the user configured passes.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the server answers 500: 503 with Retry-After, no challenge, the token not logged
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 500 '{"active":true}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- more_headers
Authorization: Bearer tok-012-1-down
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- response_body_like: 503 Service (?:Temporarily )?Unavailable
--- error_log
api_auth: introspection failed: status 500
--- no_error_log eval
[
    "[alert]",
    "[emerg]",
    "unexpected exception",
    "f78a2fe5bb6adc0a",
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*tok-012-1-down/,
]



=== TEST 2: the server rejects our client authentication (401 with its own challenge): 503, its challenge not passed on
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        add_header WWW-Authenticate 'Basic realm="as"' always;
        return 401 '{"error":"invalid_client"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- more_headers
Authorization: Bearer tok-012-2-badclient
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: status 401
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 3: 204 No Content is not an answer
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        return 204;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- more_headers
Authorization: Bearer tok-012-3-nocontent
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: status 204
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 4: a redirect is not followed
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        return 302 http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as2;
    }
    location = /mock_as2 {
        default_type application/json;
        return 200 '{"active":true}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- more_headers
Authorization: Bearer tok-012-4-redirect
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
!Location
--- error_log
api_auth: introspection failed: status 302
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 5: connection refused: 503
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:1/introspect;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- more_headers
Authorization: Bearer tok-012-5-refused
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
connect() failed (111: Connection refused)
api_auth: introspection failed: status 502
--- no_error_log eval
[
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*tok-012-5-refused/,
]



=== TEST 6: the server does not answer within proxy_read_timeout: 503
--- config
    location = /_introspect {
        internal;
        proxy_read_timeout 500ms;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        echo_sleep 2;
        echo '{"active":true}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- more_headers
Authorization: Bearer tok-012-6-slow
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
upstream timed out
api_auth: introspection failed: status 504
--- no_error_log
[alert]
[emerg]
unexpected exception
--- timeout: 5



=== TEST 7: a body that is not JSON: 503
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: <html>maintenance</html>
--- more_headers
Authorization: Bearer tok-012-7-html
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 8: an empty 200 body: 503
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: 
--- more_headers
Authorization: Bearer tok-012-8-empty
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 9: a JSON array, not an object: 503
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: [{"active":true}]
--- more_headers
Authorization: Bearer tok-012-9-array
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 10: "active" missing: 503, not 401
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"sub":"u1","scope":"orders.read"}
--- more_headers
Authorization: Bearer tok-012-10-noactive
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 11: "active" as the string "true" is not a boolean: 503
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":"true","sub":"u1"}
--- more_headers
Authorization: Bearer tok-012-11-string
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 12: "active" as the number 1 is not a boolean: 503
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":1}
--- more_headers
Authorization: Bearer tok-012-12-number
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 13: "active" twice ({"active":false,"active":true}) is ambiguous: 503, never allowed
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":false,"active":true}
--- more_headers
Authorization: Bearer tok-012-13-dup
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 14: exp that is not a number: 503
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":true,"exp":"tomorrow"}
--- more_headers
Authorization: Bearer tok-012-14-exp
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 15: scope as an array instead of a space-delimited string: 503
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":true,"scope":["orders.read"]}
--- more_headers
Authorization: Bearer tok-012-15-scope
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 16: a Content-Encoding on the answer: 503
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        add_header Content-Encoding gzip;
        return 200 '{"active":true}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- more_headers
Authorization: Bearer tok-012-16-gzip
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
!Content-Encoding
--- error_log
api_auth: introspection failed: response has Content-Encoding
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 17: a body over 64 KB (within subrequest_output_buffer_size): 503 "response too large"
--- config
    location = /_introspect {
        internal;
        subrequest_output_buffer_size 128k;
        proxy_method GET;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/big.json;
    }
    location = /big.json {
        default_type application/json;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- user_files eval
">>> big.json\n" . '{"active":true,"sub":"u1","pad":"' . ("x" x 70000) . '"}'
--- more_headers
Authorization: Bearer tok-012-17-big
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: response too large
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 18: a 10 KB answer that fits a raised subrequest_output_buffer_size passes
--- config
    location = /_introspect {
        internal;
        subrequest_output_buffer_size 16k;
        proxy_method GET;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mid.json;
    }
    location = /mid.json {
        default_type application/json;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_result $api_auth_subject";
    }
--- user_files eval
">>> mid.json\n" . '{"active":true,"sub":"u1","pad":"' . ("x" x 10000) . '"}'
--- more_headers
Authorization: Bearer tok-012-18-mid
--- error_code: 200
--- response_body
allow u1



=== TEST 19: a 10 KB answer over the default subrequest buffer: still a 503 answer, not a dropped connection
--- config
    location = /_introspect {
        internal;
        proxy_method GET;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mid.json;
    }
    location = /mid.json {
        default_type application/json;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- user_files eval
">>> mid.json\n" . '{"active":true,"sub":"u1","pad":"' . ("x" x 10000) . '"}'
--- more_headers
Authorization: Bearer tok-012-19-overbuf
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 20: "optional" does not turn an unreachable server into anonymous access
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        return 503;
    }
    location = /t {
        api_auth oauth optional;
        api_auth_introspect /_introspect;
        echo "$api_auth_result";
    }
--- more_headers
Authorization: Bearer tok-012-20-optional
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: status 503
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 21: on the 503, $api_auth_result is "unavailable" and $api_auth_method "oauth" (add_header ... always)
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        return 500;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        add_header X-Api-Auth-Result $api_auth_result always;
        add_header X-Api-Auth-Method $api_auth_method always;
        echo "ok";
    }
--- more_headers
Authorization: Bearer tok-012-21-result
--- error_code: 503
--- response_headers
X-Api-Auth-Result: unavailable
X-Api-Auth-Method: oauth
Retry-After: 5
--- no_error_log
[alert]
[emerg]
unexpected exception
