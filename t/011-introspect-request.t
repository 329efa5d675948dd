# The introspection request exactly as the authorization server receives
# it (SPEC.md api_auth_introspect, RFC 7662 §2.1, RFC 6749 §2.3.1): always
# POST, whatever the client's method; body
# "token=<form-urlencoded token>&token_type_hint=access_token" with a
# matching Content-Length (a b64token's "+", "/" and "=" become %2B %2F
# %3D); Content-Type application/x-www-form-urlencoded; Accept
# application/json; client authentication "Basic base64(urlenc(id):
# urlenc(secret))" from api_auth_client_id and the secret file (trailing
# newline trimmed, inherited from the server level); and none of the
# client's own headers, body or query string (its Authorization, Cookie,
# User-Agent, X-Custom, Content-Type, Accept) ever reaching the server.
#
# The mock server (/mock_as) answers with what it received as claims, and
# the protected location prints those claims.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: POST, form body with token_type_hint, the two content headers and nothing else
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        echo_read_request_body;
        default_type application/json;
        echo '{"active":true,"m":"$request_method","ct":"$http_content_type","acc":"$http_accept","cl":"$http_content_length","az":"$http_authorization","ck":"$http_cookie","ua":"$http_user_agent","xc":"$http_x_custom","args":"$args","body":"$request_body"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "m=$api_auth_claim_m";
        echo "ct=$api_auth_claim_ct";
        echo "acc=$api_auth_claim_acc";
        echo "cl=$api_auth_claim_cl";
        echo "body=$api_auth_claim_body";
        echo "az=[$api_auth_claim_az] ck=[$api_auth_claim_ck] ua=[$api_auth_claim_ua] xc=[$api_auth_claim_xc] args=[$api_auth_claim_args]";
    }
--- request
GET /t?client=arg
--- more_headers
Authorization: Bearer tok-011-1-plain
Cookie: session=abc
User-Agent: client-agent/1.0
X-Custom: from-client
--- error_code: 200
--- response_body eval
my $body = "token=tok-011-1-plain&token_type_hint=access_token";
"m=POST
ct=application/x-www-form-urlencoded
acc=application/json
cl=" . length($body) . "
body=$body
az=[] ck=[] ua=[] xc=[] args=[]
"



=== TEST 2: a client POST with its own body and content headers: the server still gets only the token form
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        echo_read_request_body;
        default_type application/json;
        echo '{"active":true,"m":"$request_method","ct":"$http_content_type","acc":"$http_accept","body":"$request_body"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_claim_m|$api_auth_claim_ct|$api_auth_claim_acc|$api_auth_claim_body";
    }
--- request
POST /t
{"order":"1234","token":"not-this-one"}
--- more_headers
Authorization: Bearer tok-011-2-post
Content-Type: application/json
Accept: text/html
--- error_code: 200
--- response_body
POST|application/x-www-form-urlencoded|application/json|token=tok-011-2-post&token_type_hint=access_token



=== TEST 3: a client DELETE: the introspection request is still a POST
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        echo_read_request_body;
        default_type application/json;
        echo '{"active":true,"m":"$request_method","body":"$request_body"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$request_method $api_auth_claim_m $api_auth_claim_body";
    }
--- request
DELETE /t
--- more_headers
Authorization: Bearer tok-011-3-delete
--- error_code: 200
--- response_body
DELETE POST token=tok-011-3-delete&token_type_hint=access_token



=== TEST 4: a b64token's "+", "/" and "=" are form-urlencoded
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        echo_read_request_body;
        default_type application/json;
        echo '{"active":true,"body":"$request_body","cl":"$http_content_length"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_claim_body $api_auth_claim_cl";
    }
--- more_headers
Authorization: Bearer abc+/def+/==
--- error_code: 200
--- response_body
token=abc%2B%2Fdef%2B%2F%3D%3D&token_type_hint=access_token 59



=== TEST 5: "-", "." and "_" are sent as they are, "~" is percent-encoded
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        echo_read_request_body;
        default_type application/json;
        echo '{"active":true,"body":"$request_body"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_claim_body";
    }
--- more_headers
Authorization: Bearer A-b.C_d~9
--- error_code: 200
--- response_body
token=A-b.C_d%7E9&token_type_hint=access_token



=== TEST 6: client_secret_basic from api_auth_client_id and the secret file; the client's Authorization does not leak
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        echo_read_request_body;
        default_type application/json;
        echo '{"active":true,"az":"$http_authorization","body":"$request_body"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_client_id c1;
        api_auth_client_secret_file ../html/secret.txt;
        echo "$api_auth_claim_az";
        echo "$api_auth_claim_body";
    }
--- user_files
>>> secret.txt
s3cret
--- more_headers
Authorization: Bearer tok-011-6-client
--- error_code: 200
--- response_body
Basic YzE6czNjcmV0
token=tok-011-6-client&token_type_hint=access_token
--- no_error_log eval
[
    @::NoErrorLog,
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*(?:s3cret|YzE6czNjcmV0)/,
]



=== TEST 7: id and secret are form-urlencoded before base64; CRLF after the secret is trimmed
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        echo '{"active":true,"az":"$http_authorization"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_client_id "my client";
        api_auth_client_secret_file ../html/secret.txt;
        echo "$api_auth_claim_az";
    }
--- user_files eval
">>> secret.txt\np\@ss:w/rd+ %\r\n"
--- more_headers
Authorization: Bearer tok-011-7-encode
--- error_code: 200
--- response_body eval
use MIME::Base64;
"Basic " . encode_base64("my+client:p%40ss%3Aw%2Frd%2B+%25", "") . "\n"



=== TEST 8: client credentials set at the server level serve every location below it
--- config
    api_auth_client_id srv-client;
    api_auth_client_secret_file $TEST_NGINX_DATA_DIR/oauth/secret.txt;
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        echo '{"active":true,"az":"$http_authorization"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_claim_az";
    }
--- more_headers
Authorization: Bearer tok-011-8-inherit
--- error_code: 200
--- response_body eval
use MIME::Base64;
"Basic " . encode_base64("srv-client:oauth-fixture-secret", "") . "\n"



=== TEST 9: a location with its own client credentials overrides the server's
--- config
    api_auth_client_id srv-client;
    api_auth_client_secret_file $TEST_NGINX_DATA_DIR/oauth/secret.txt;
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        echo '{"active":true,"az":"$http_authorization"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_client_id c1;
        api_auth_client_secret_file ../html/secret.txt;
        echo "$api_auth_claim_az";
    }
--- user_files
>>> secret.txt
s3cret
--- more_headers
Authorization: Bearer tok-011-9-override
--- error_code: 200
--- response_body
Basic YzE6czNjcmV0



=== TEST 10: the introspection location's own proxy settings still apply (extra header to the server)
--- config
    location = /_introspect {
        internal;
        proxy_set_header X-Gateway api-auth;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        echo_read_request_body;
        default_type application/json;
        echo '{"active":true,"gw":"$http_x_gateway","xc":"$http_x_custom","body":"$request_body"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_claim_gw [$api_auth_claim_xc] $api_auth_claim_body";
    }
--- more_headers
Authorization: Bearer tok-011-10-gw
X-Custom: from-client
--- error_code: 200
--- response_body
api-auth [] token=tok-011-10-gw&token_type_hint=access_token
