# api_auth_resource and api_auth_authorization_servers (SPEC.md Part 2
# "MCP-ready resource server"): a location that declares its resource
# carries resource_metadata (RFC 9728 §5.1) in every Bearer challenge, in
# the order realm, error, scope, resource_metadata, on exactly one
# WWW-Authenticate line with Bearer first; never on 503, never on
# api_key-only locations, never with metadata=off.  nginx -t refuses
# URLs that are not absolute https (http only for loopback), that carry a
# query, fragment or userinfo, and a resource of an oauth location
# without api_auth_authorization_servers.
#
# The authorization server is a set of locations of the same nginx: each
# protected location introspects at its own /_as_* location.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

our $AS = <<'_EOC_';
    location = /_as_active {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_active;
    }
    location = /_as_poor {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_poor;
    }
    location = /_as_inactive {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_inactive;
    }
    location = /_as_down {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_down;
    }
    location = /mock_active {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","sub":"u1","scope":"mcp.read mcp.write","aud":"https://api.example.com/mcp"}';
    }
    location = /mock_poor {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","scope":"other","aud":"https://api.example.com/mcp"}';
    }
    location = /mock_inactive {
        default_type application/json;
        return 200 '{"active":false}';
    }
    location = /mock_down {
        default_type application/json;
        return 500 '{}';
    }
_EOC_

our $MD = 'resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp"';

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: no credential: 401 with resource_metadata (no error, no scope)
--- config eval
$::AS . <<'_EOC_'
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_as_active;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
        echo "ok";
    }
_EOC_
--- request
POST /mcp
--- error_code: 401
--- response_headers eval
"WWW-Authenticate: Bearer realm=\"api\", $::MD"
--- no_error_log
[emerg]



=== TEST 2: with required scopes: scope before resource_metadata on 401, 400 and 403
--- config eval
$::AS . <<'_EOC_'
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_as_active;
        api_auth_require_scope mcp.read mcp.admin;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
        echo "ok";
    }
_EOC_
--- request eval
["POST /mcp", "POST /mcp", "POST /mcp", "POST /mcp"]
--- more_headers eval
["", "Authorization: Bearer", "Authorization: Bearer tok-070-2-poor-but-active", "Authorization: Bearer a b"]
--- error_code eval
[401, 400, 403, 400]
--- response_headers eval
[
"WWW-Authenticate: Bearer realm=\"api\", scope=\"mcp.read mcp.admin\", $::MD",
"WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_request\", scope=\"mcp.read mcp.admin\", $::MD",
"WWW-Authenticate: Bearer realm=\"api\", error=\"insufficient_scope\", scope=\"mcp.read mcp.admin\", $::MD",
"WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_request\", scope=\"mcp.read mcp.admin\", $::MD",
]



=== TEST 3: an inactive token: 401 invalid_token with resource_metadata
--- config eval
$::AS . <<'_EOC_'
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_as_inactive;
        api_auth_realm mcp;
        api_auth_require_scope mcp.read;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
        echo "ok";
    }
_EOC_
--- request
POST /mcp
--- more_headers
Authorization: Bearer tok-070-3-inactive
--- error_code: 401
--- response_headers eval
"WWW-Authenticate: Bearer realm=\"mcp\", error=\"invalid_token\", scope=\"mcp.read\", $::MD"



=== TEST 4: 503: Retry-After, no challenge at all
--- config eval
$::AS . <<'_EOC_'
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_as_down;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
        echo "ok";
    }
_EOC_
--- request
POST /mcp
--- more_headers
Authorization: Bearer tok-070-4-down
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- no_error_log eval
[@::NoCritLog]



=== TEST 5: a good token passes
--- config eval
$::AS . <<'_EOC_'
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_as_active;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
        echo "$api_auth_result $api_auth_client";
    }
_EOC_
--- request
POST /mcp
--- more_headers
Authorization: Bearer tok-070-5-active
--- error_code: 200
--- response_body
allow c1
--- response_headers
!WWW-Authenticate



=== TEST 6: metadata=URL is used as given; metadata=off drops resource_metadata
--- config eval
$::AS . <<'_EOC_'
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_as_active;
        api_auth_resource https://api.example.com/mcp
                          metadata=https://api.example.com/meta/mcp.json;
        api_auth_authorization_servers https://auth.example.com;
        echo "ok";
    }
    location = /mcp-off {
        api_auth oauth;
        api_auth_introspect /_as_active;
        api_auth_resource https://api.example.com/mcp-off metadata=off;
        api_auth_authorization_servers https://auth.example.com;
        echo "ok";
    }
_EOC_
--- request eval
["POST /mcp", "POST /mcp-off"]
--- error_code eval
[401, 401]
--- response_headers eval
[
'WWW-Authenticate: Bearer realm="api", resource_metadata="https://api.example.com/meta/mcp.json"',
'WWW-Authenticate: Bearer realm="api"',
]



=== TEST 7: inherited from the server level; the root resource's metadata URL; a port is kept
--- config eval
$::AS . <<'_EOC_'
    api_auth_resource https://api.example.com:8443;
    api_auth_authorization_servers https://auth.example.com/tenant-1;
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_as_active;
        echo "ok";
    }
_EOC_
--- request
POST /mcp
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", resource_metadata="https://api.example.com:8443/.well-known/oauth-protected-resource"



=== TEST 8: api_key-only location with a resource: Part 1 challenges, no authorization servers needed
--- config
    location = /keys {
        api_auth api_key;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_resource https://api.example.com/keys;
        echo "ok";
    }
--- request eval
["GET /keys", "GET /keys"]
--- more_headers eval
["", "Authorization: Bearer test-key-unknown-0701"]
--- error_code eval
[401, 401]
--- response_headers eval
[
'WWW-Authenticate: Bearer realm="api", Basic realm="api"',
'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
]



=== TEST 9: api_key and oauth with a Basic source: one line, Bearer first, Basic last
--- config eval
$::AS . <<'_EOC_'
    location = /mcp {
        api_auth api_key oauth;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_introspect /_as_active;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
        echo "ok";
    }
_EOC_
--- request
POST /mcp
--- error_code: 401
--- response_headers eval
"WWW-Authenticate: Bearer realm=\"api\", $::MD, Basic realm=\"api\""



=== TEST 10: a location without api_auth_resource keeps Part 1's challenges
--- config eval
$::AS . <<'_EOC_'
    location = /plain {
        api_auth oauth;
        api_auth_introspect /_as_active;
        api_auth_require_scope mcp.read;
        echo "ok";
    }
_EOC_
--- request
POST /plain
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"



=== TEST 11: loopback may use http
--- config eval
$::AS . <<'_EOC_'
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_as_active;
        api_auth_resource http://127.0.0.1:8080/mcp;
        api_auth_authorization_servers http://localhost:3000;
        echo "ok";
    }
_EOC_
--- request
POST /mcp
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", resource_metadata="http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp"



=== TEST 12: nginx -t: a relative resource
--- config
    location = /mcp {
        api_auth_resource /mcp;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
"api_auth_resource" URL "/mcp" is not an absolute URL



=== TEST 13: nginx -t: http for a host other than loopback
--- config
    location = /mcp {
        api_auth_resource http://api.example.com/mcp;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
"api_auth_resource" URL "http://api.example.com/mcp" is http: allowed only for 127.0.0.1, [::1] and localhost



=== TEST 14: nginx -t: a fragment
--- config
    location = /mcp {
        api_auth_resource https://api.example.com/mcp#x;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
"api_auth_resource" URL "https://api.example.com/mcp#x" has a fragment



=== TEST 15: nginx -t: a query
--- config
    location = /mcp {
        api_auth_resource https://api.example.com/mcp?tenant=1;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
"api_auth_resource" URL "https://api.example.com/mcp?tenant=1" has a query



=== TEST 16: nginx -t: userinfo
--- config
    location = /mcp {
        api_auth_resource https://user@api.example.com/mcp;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
"api_auth_resource" URL "https://user@api.example.com/mcp" has a user name or password



=== TEST 17: nginx -t: an oauth resource without api_auth_authorization_servers
--- config
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_resource https://api.example.com/mcp;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
"api_auth_resource" of an "oauth" location requires "api_auth_authorization_servers"



=== TEST 18: nginx -t: an issuer with a query
--- config
    location = /mcp {
        api_auth_authorization_servers https://auth.example.com https://auth.example.com/?a=b;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
"api_auth_authorization_servers" URL "https://auth.example.com/?a=b" has a query



=== TEST 19: nginx -t: a bad metadata= URL
--- config
    location = /mcp {
        api_auth_resource https://api.example.com/mcp metadata=/meta;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
"metadata=" URL "/meta" is not an absolute URL



=== TEST 20: nginx -t: an unknown parameter
--- config
    location = /mcp {
        api_auth_resource https://api.example.com/mcp meta=off;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
invalid parameter "meta=off", expected "metadata=URL" or "metadata=off"



=== TEST 21: nginx -t: api_auth_resource twice
--- config
    location = /mcp {
        api_auth_resource https://api.example.com/mcp;
        api_auth_resource https://api.example.com/mcp2;
        echo "ok";
    }
--- request
GET /mcp
--- must_die
--- error_log
"api_auth_resource" directive is duplicate
