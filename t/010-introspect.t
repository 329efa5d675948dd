# OAuth bearer tokens checked by RFC 7662 introspection, without a cache:
# the decision the module derives from the authorization server's answer
# (SPEC.md "Responses"): an active token passes and fills $api_auth_method,
# $api_auth_client, $api_auth_subject, $api_auth_scope and
# $api_auth_claim_NAME; an inactive token, one past its exp or before its
# nbf, or one for another audience gets 401 invalid_token; a missing scope
# gets 403 insufficient_scope with the exact challenge; no credential or a
# non-Bearer scheme gets 401 without introspection, a malformed header 400;
# "optional", "satisfy any" and custom realms keep working while the
# introspection subrequest is in flight; and the log never shows a token.
#
# The authorization server is a location of the same nginx (/mock_as);
# /_introspect is the internal location the module calls.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: an active token passes; the variables hold what the server said
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_scope|$api_auth_cache_status";
    }
--- mock_as: {"active":true,"client_id":"c1","sub":"u1","scope":"orders.read orders.write"}
--- more_headers
Authorization: Bearer tok-010-1-active
--- error_code: 200
--- response_body
allow|oauth|c1|u1|orders.read orders.write|BYPASS
--- response_headers
!WWW-Authenticate
!Retry-After
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
--- no_error_log eval
[
    @::NoErrorLog,
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*tok-010-1-active/,
    qr/api_auth.*tok-010-1-active/,
]



=== TEST 2: no credential: 401 with the plain Bearer challenge, no introspection
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":true}
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"
--- response_body_like: 401 (?:Authorization Required|Unauthorized)
--- error_log
api_auth: no credentials were provided
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 3: an inactive token: 401 invalid_token, logged by a keyed id only (not its plain SHA-256 prefix)
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":false}
--- more_headers
Authorization: Bearer tok-010-3-revoked
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- response_body_like: 401 (?:Authorization Required|Unauthorized)
--- error_log eval
qr/\[info\] .*api_auth: token (?!e4139443)[0-9a-f]{8} is not active/
--- no_error_log eval
[
    @::NoErrorLog,
    "e4139443516f",
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*tok-010-3-revoked/,
    qr/api_auth.*tok-010-3-revoked/,
]



=== TEST 4: "active": true with an exp in the past is not active
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":true,"sub":"u1","exp":1000000000}
--- more_headers
Authorization: Bearer tok-010-4-expired
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log
is not active



=== TEST 5: "active": true with an nbf in the future is not active yet
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":true,"sub":"u1","nbf":4102444800}
--- more_headers
Authorization: Bearer tok-010-5-notyet
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log
is not active



=== TEST 6: exp in the future and nbf in the past: the token passes
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_result $api_auth_claim_exp $api_auth_claim_nbf";
    }
--- mock_as: {"active":true,"sub":"u1","nbf":1000000000,"exp":4102444800}
--- more_headers
Authorization: Bearer tok-010-6-valid
--- error_code: 200
--- response_body
allow 4102444800 1000000000



=== TEST 7: every required scope is granted: the token passes
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope orders.read orders.write;
        echo "$api_auth_result $api_auth_scope";
    }
--- mock_as: {"active":true,"client_id":"c1","scope":"orders.write profile orders.read"}
--- more_headers
Authorization: Bearer tok-010-7-scoped
--- error_code: 200
--- response_body
allow orders.write profile orders.read
--- response_headers
!WWW-Authenticate



=== TEST 8: one required scope is missing: 403 insufficient_scope naming all of them
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope orders.read orders.write;
        echo "ok";
    }
--- mock_as: {"active":true,"client_id":"c1","scope":"orders.read orders.writer"}
--- more_headers
Authorization: Bearer tok-010-8-narrow
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.read orders.write"
--- response_body_like: 403 Forbidden
--- error_log eval
qr/api_auth: token [0-9a-f]{8} lacks scope "orders.read orders.write"/
--- no_error_log eval
[@::NoErrorLog, qr/api_auth.*tok-010-8-narrow/]



=== TEST 9: no scope claim at all fails a scope requirement
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope admin;
        echo "ok";
    }
--- mock_as: {"active":true,"client_id":"c1"}
--- more_headers
Authorization: Bearer tok-010-9-noscope
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="admin"



=== TEST 10: aud as a string equal to one accepted audience passes
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_audience https://other.example.com https://api.example.com;
        echo "$api_auth_result $api_auth_claim_aud";
    }
--- mock_as: {"active":true,"aud":"https://api.example.com"}
--- more_headers
Authorization: Bearer tok-010-10-aud
--- error_code: 200
--- response_body
allow https://api.example.com



=== TEST 11: aud as an array holding an accepted audience passes; the claim is space-joined
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_audience orders;
        echo "$api_auth_result [$api_auth_claim_aud]";
    }
--- mock_as: {"active":true,"aud":["billing","orders","https://api.example.com"]}
--- more_headers
Authorization: Bearer tok-010-11-audarr
--- error_code: 200
--- response_body
allow [billing orders https://api.example.com]



=== TEST 12: aud for another API: 401 invalid_token, not 403
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_audience orders;
        echo "ok";
    }
--- mock_as: {"active":true,"scope":"orders.read","aud":["billing","orders.example"]}
--- more_headers
Authorization: Bearer tok-010-12-wrongaud
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: token [0-9a-f]{8} has the wrong audience/



=== TEST 13: no aud claim at all fails an audience requirement
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_audience orders;
        echo "ok";
    }
--- mock_as: {"active":true,"scope":"orders.read"}
--- more_headers
Authorization: Bearer tok-010-13-noaud
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"



=== TEST 14: $api_auth_claim_NAME: numbers in decimal, booleans, arrays space-joined, objects as JSON, absent and null empty
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "iat=$api_auth_claim_iat neg=$api_auth_claim_neg ratio=$api_auth_claim_ratio admin=$api_auth_claim_admin";
        echo "groups=[$api_auth_claim_groups] org=$api_auth_claim_org mixed=$api_auth_claim_mixed";
        echo "gone=[$api_auth_claim_gone] nosuch=[$api_auth_claim_nosuch] active=[$api_auth_claim_active] user=$api_auth_claim_username";
    }
--- mock_as: {"active":true,"sub":"u1","iat":1700000000,"neg":-7,"ratio":1.5,"admin":false,"groups":["a","b c","d"],"org":{"id":42,"name":"acme"},"mixed":[1,"x"],"gone":null,"username":"jane@example.com"}
--- more_headers
Authorization: Bearer tok-010-14-claims
--- error_code: 200
--- response_body
iat=1700000000 neg=-7 ratio=1.5 admin=false
groups=[a b c d] org={"id":42,"name":"acme"} mixed=[1,"x"]
gone=[] nosuch=[] active=[] user=jane@example.com



=== TEST 15: the Bearer scheme name is case-insensitive
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_result $api_auth_subject";
    }
--- mock_as: {"active":true,"sub":"u1"}
--- more_headers
Authorization: bEARer tok-010-15-case
--- error_code: 200
--- response_body
allow u1



=== TEST 16: credentials that are not token68 ("Bearer a b"): 400 invalid_request, no introspection
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":true}
--- more_headers
Authorization: Bearer tok-010-16 and-more
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"
--- error_log
api_auth: malformed Authorization header
--- no_error_log eval
[
    @::NoErrorLog,
    'api_auth introspect "',
    qr/api_auth.*tok-010-16/,
]



=== TEST 17: a scheme other than Bearer on an oauth location counts as no credential
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":true}
--- more_headers
Authorization: Basic dG9rLTAxMC0xNzo=
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 18: api_auth_realm shows in the challenge of a rejected token
--- config
    location = /t {
        api_auth oauth;
        api_auth_realm "orders \"v2\"";
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":false}
--- more_headers
Authorization: Bearer tok-010-18-realm
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="orders \"v2\"", error="invalid_token"



=== TEST 19: "optional": no credential passes as anonymous, without introspection
--- config
    location = /t {
        api_auth oauth optional;
        api_auth_introspect /_introspect;
        echo "$api_auth_result|$api_auth_method|$api_auth_client|$api_auth_subject|$api_auth_cache_status";
    }
--- mock_as: {"active":false}
--- error_code: 200
--- response_body
anonymous||||
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 20: "optional": a token that is present but inactive is still rejected
--- config
    location = /t {
        api_auth oauth optional;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":false}
--- more_headers
Authorization: Bearer tok-010-20-optional
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"



=== TEST 21: "satisfy any" with "deny all": an active token alone lets the request in after the subrequest
--- config
    location = /t {
        satisfy any;
        deny all;
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_result $api_auth_subject";
    }
--- mock_as: {"active":true,"sub":"u1"}
--- more_headers
Authorization: Bearer tok-010-21-any
--- error_code: 200
--- response_body
allow u1
--- response_headers
!WWW-Authenticate



=== TEST 22: "satisfy any" with "deny all": an inactive token gets the module's 401, not 403
--- config
    location = /t {
        satisfy any;
        deny all;
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- mock_as: {"active":false}
--- more_headers
Authorization: Bearer tok-010-22-any
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"



=== TEST 23: the variables are empty where api_auth is off, even next to a protected location
--- config
    api_auth oauth;
    api_auth_introspect /_introspect;
    location = /t {
        api_auth off;
        echo "[$api_auth_result][$api_auth_method][$api_auth_client][$api_auth_subject][$api_auth_scope][$api_auth_cache_status][$api_auth_claim_sub]";
    }
--- mock_as: {"active":true,"sub":"u1","client_id":"c1"}
--- more_headers
Authorization: Bearer tok-010-23-off
--- error_code: 200
--- response_body
[][][][][][][]
--- no_error_log eval
[@::NoErrorLog, 'api_auth introspect "']



=== TEST 24: a server-level "api_auth oauth" protects a location that only echoes
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        api_auth off;
        default_type application/json;
        return 200 '{"active":true,"sub":"u-srv"}';
    }
    api_auth oauth;
    api_auth_introspect /_introspect;
    location = /t {
        echo "$api_auth_result $api_auth_subject";
    }
--- more_headers
Authorization: Bearer tok-010-24-server
--- error_code: 200
--- response_body
allow u-srv
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"



=== TEST 25: scope and audience requirements are inherited from the server; a location replaces them
--- config
    api_auth_introspect /_introspect;
    api_auth_require_scope orders.write;
    api_auth_require_audience https://other.example.com;

    location = /inherits_scope {
        api_auth oauth;
        api_auth_require_audience https://api.example.com;
        echo "ok";
    }
    location = /inherits_audience {
        api_auth oauth;
        api_auth_require_scope orders.read;
        echo "ok";
    }
    location = /replaces_both {
        api_auth oauth;
        api_auth_require_scope orders.read;
        api_auth_require_audience https://api.example.com;
        echo "$api_auth_result";
    }
--- mock_as: {"active":true,"scope":"orders.read","aud":"https://api.example.com"}
--- request eval
[
    "GET /inherits_scope",
    "GET /inherits_audience",
    "GET /replaces_both",
]
--- more_headers
Authorization: Bearer tok-010-25-inherit
--- error_code eval
[403, 401, 200]
--- response_headers eval
[
    'WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.write"',
    'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
    '!WWW-Authenticate',
]
--- response_body_like eval
[qr/403 Forbidden/, qr/401 (?:Authorization Required|Unauthorized)/, qr/\Aallow\n\z/]



=== TEST 26: "satisfy any" with an allowed address: an inactive token is no reason to refuse, and no challenge is left behind
--- config
    location = /t {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "in: $api_auth_result";
    }
--- mock_as: {"active":false}
--- more_headers
Authorization: Bearer tok-010-26-any
--- error_code: 200
--- response_body
in: invalid_token
--- response_headers
!WWW-Authenticate
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"



=== TEST 27: no credential on an oauth location: $api_auth_result is "missing"
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        add_header X-Result "$api_auth_result|$api_auth_method|$api_auth_cache_status" always;
        echo "ok";
    }
    location = /_introspect {
        internal;
        return 500;
    }
--- error_code: 401
--- response_headers
X-Result: missing||
WWW-Authenticate: Bearer realm="api"
