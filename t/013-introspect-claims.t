# The members of an introspection answer that the decision reads, taken
# as the authorization server wrote them and never re-split (issue 11,
# findings 6 and 10): a scope string that is not an RFC 6749 §3.3 scope
# (a TAB or another control byte, doubled spaces, '"', '\') grants no
# scope at all, while the token still authenticates; an "aud" string is
# one value and each element of an "aud" array is compared whole, so a
# value holding a space or a control byte never matches; a well-formed
# aud array still reads space-joined in $api_auth_claim_aud; and an
# answer whose token_type names a refresh token is 401 invalid_token.
#
# JSON escapes are written \u0009 and so on: nginx itself turns a \t in a
# quoted directive argument into a raw TAB, which is not JSON.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: "orders.read\tadmin" is not the scope admin: 403 insufficient_scope
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope admin;
        echo "ok";
    }
--- mock_as: {"active":true,"client_id":"c1","scope":"orders.read\u0009admin"}
--- more_headers
Authorization: Bearer tok-013-1-tabscope
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="admin"
--- error_log eval
qr/api_auth: token [0-9a-f]{8} lacks scope "admin"/



=== TEST 2: a malformed scope grants nothing, not even its first token; the token still authenticates
--- config
    location = /any {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_result|$api_auth_client|$api_auth_subject|[$api_auth_scope]|[$api_auth_claim_scope]";
    }
    location = /read {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope orders.read;
        echo "read";
    }
--- mock_as: {"active":true,"client_id":"c1","sub":"u1","scope":"orders.read\u000aadmin"}
--- request eval
["GET /any", "GET /read"]
--- more_headers
Authorization: Bearer tok-013-2-lfscope
--- error_code eval
[200, 403]
--- response_body_like eval
["^allow\\|c1\\|u1\\|\\[\\]\\|\\[\\]\$", "403 Forbidden"]



=== TEST 3: a scope off the grammar in another way (two spaces) grants nothing
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope admin;
        echo "ok";
    }
--- mock_as: {"active":true,"scope":"orders.read  admin"}
--- more_headers
Authorization: Bearer tok-013-3-twospaces
--- error_code: 403



=== TEST 4: a well-formed scope still reads as sent and grants every token
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope admin ~!#[];
        echo "$api_auth_result|$api_auth_scope|$api_auth_claim_scope";
    }
--- mock_as: {"active":true,"scope":"orders.read admin ~!#[]"}
--- more_headers
Authorization: Bearer tok-013-4-goodscope
--- error_code: 200
--- response_body
allow|orders.read admin ~!#[]|orders.read admin ~!#[]



=== TEST 5: one aud string holding two URIs is one audience: 401 invalid_token
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_audience https://api.example;
        echo "ok";
    }
--- mock_as: {"active":true,"aud":"https://other.example https://api.example"}
--- more_headers
Authorization: Bearer tok-013-5-audstring
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: token [0-9a-f]{8} has the wrong audience/



=== TEST 6: aud array elements are compared whole: a TAB or a space inside one does not split it
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_audience https://api.example billing;
        echo "ok";
    }
--- mock_as: {"active":true,"aud":["https://other.example\u0009https://api.example","billing https://api.example"]}
--- more_headers
Authorization: Bearer tok-013-6-audarray
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"



=== TEST 7: a well-formed aud array passes on one whole element and reads space-joined
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_audience https://api.example;
        echo "$api_auth_result [$api_auth_claim_aud]";
    }
--- mock_as: {"active":true,"aud":["https://other.example","https://api.example"]}
--- more_headers
Authorization: Bearer tok-013-7-audok
--- error_code: 200
--- response_body
allow [https://other.example https://api.example]



=== TEST 8: token_type "refresh_token" is not an access token: 401 invalid_token
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":true,"client_id":"c1","sub":"u1","scope":"orders.read","token_type":"refresh_token"}
--- more_headers
Authorization: Bearer tok-013-8-refresh
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: token [0-9a-f]{8} is not active/



=== TEST 9: token_type "Bearer" (any case) is an access token and passes
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_result $api_auth_claim_token_type";
    }
--- mock_as: {"active":true,"client_id":"c1","token_type":"bearer"}
--- more_headers
Authorization: Bearer tok-013-9-bearer
--- error_code: 200
--- response_body
allow bearer
