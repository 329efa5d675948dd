# api_auth_scope_implies SCOPE IMPLIED... (SPEC.md Part 2): a credential
# granted SCOPE satisfies a requirement for any IMPLIED scope,
# transitively, for introspected tokens and API keys alike; a level's
# lines replace an enclosing level's table; the 403 challenge still names
# the scopes as configured.
#
# Keys: gpt-prod (orders.read orders.write), partner-x (orders.read).

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

our $AS = <<'_EOC_';
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","scope":"mcp.admin","aud":"https://api.example.com/mcp"}';
    }
_EOC_

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a token granted mcp.admin satisfies mcp.read and mcp.write, transitively mcp.list
--- config eval
$::AS . <<'_EOC_'
    api_auth_scope_implies mcp.admin mcp.read mcp.write;
    api_auth_scope_implies mcp.read mcp.list;
    location = /read {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope mcp.read mcp.write;
        echo "$api_auth_result [$api_auth_scope]";
    }
    location = /list {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope mcp.list;
        echo "$api_auth_result";
    }
    location = /other {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope billing;
        echo "$api_auth_result";
    }
_EOC_
--- request eval
["GET /read", "GET /list", "GET /other"]
--- more_headers eval
["Authorization: Bearer tok-075-1-a", "Authorization: Bearer tok-075-1-b", "Authorization: Bearer tok-075-1-c"]
--- error_code eval
[200, 200, 403]
--- response_body_like eval
[qr/^allow \[mcp.admin\]$/, qr/^allow$/, qr/403/]



=== TEST 2: without the directive, or where a level replaces the table, mcp.admin is only mcp.admin
--- config eval
$::AS . <<'_EOC_'
    api_auth_scope_implies mcp.admin mcp.read;
    location = /plain {
        api_auth_scope_implies mcp.admin other;
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope mcp.read;
        echo "$api_auth_result";
    }
_EOC_
--- request
GET /plain
--- more_headers
Authorization: Bearer tok-075-2-a
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="mcp.read"



=== TEST 3: API keys: orders.write implies orders.export
--- config
    location = /export {
        api_auth api_key;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_scope_implies orders.write orders.export;
        api_auth_require_scope orders.export;
        echo "$api_auth_result $api_auth_client";
    }
--- request eval
["GET /export", "GET /export"]
--- more_headers eval
["Authorization: Bearer test-key-gpt-prod-0001", "Authorization: Bearer test-key-partner-x-0002"]
--- error_code eval
[200, 403]
--- response_body_like eval
[qr/^allow gpt-prod$/, qr/403/]



=== TEST 4: nginx -t: an invalid scope
--- config
    location / {
        api_auth_scope_implies mcp.admin "mcp\"read";
    }
--- request
GET /
--- must_die
--- error_log
invalid scope "mcp.admin" or "mcp"read"
