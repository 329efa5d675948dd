# api_auth_protected_resource_metadata (SPEC.md Part 2, RFC 9728): the
# content handler of location ^~ /.well-known/oauth-protected-resource
# serves, for every api_auth_resource of an oauth location of the same
# server, its document at the path-suffixed URL (one trailing '/'
# tolerated, the query ignored), rendered once at configuration time with
# a fixed key order; the bare path only with root=; 404 otherwise.  200
# with Content-Type application/json, Cache-Control public, max-age=N and
# Access-Control-Allow-Origin *; HEAD without body; OPTIONS 204 (CORS
# preflight); other methods 405 with Allow.  The location is public under
# an inherited api_auth, and no request header (Host, X-Forwarded-*)
# changes a byte.  Conflicting declarations fail nginx -t.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

our $AS = <<'_EOC_';
    api_auth oauth;
    api_auth_introspect /_introspect;
    api_auth_authorization_servers https://auth.example.com;
    location = /_introspect {
        internal;
        api_auth off;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        api_auth off;
        default_type application/json;
        return 200 '{"active":true,"aud":"https://api.example.com/mcp"}';
    }
_EOC_

our $MCP = <<'_EOC_';
    location /mcp {
        api_auth_resource https://api.example.com/mcp;
        api_auth_require_scope mcp.read;
        echo "mcp";
    }
    location ^~ /.well-known/oauth-protected-resource {
        api_auth_protected_resource_metadata;
    }
_EOC_

our $DOC = '{"resource":"https://api.example.com/mcp","authorization_servers":["https://auth.example.com"],"scopes_supported":["mcp.read"],"bearer_methods_supported":["header"]}';

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the document, its headers, under an inherited "api_auth oauth"
--- config eval
$::AS . $::MCP
--- request
GET /.well-known/oauth-protected-resource/mcp
--- error_code: 200
--- response_headers
Content-Type: application/json
Cache-Control: public, max-age=3600
Access-Control-Allow-Origin: *
!WWW-Authenticate
--- response_body eval
$::DOC



=== TEST 2: one trailing '/' and a query are tolerated; anything else is 404
--- config eval
$::AS . $::MCP
--- request eval
[
"GET /.well-known/oauth-protected-resource/mcp/",
"GET /.well-known/oauth-protected-resource/mcp?x=1",
"GET /.well-known/oauth-protected-resource/mcp//",
"GET /.well-known/oauth-protected-resource/mcpx",
"GET /.well-known/oauth-protected-resource/mcp/tools",
"GET /.well-known/oauth-protected-resource",
"GET /.well-known/oauth-protected-resource/",
"GET /.well-known/oauth-protected-resource/%6dcp",
]
--- error_code eval
[200, 200, 404, 404, 404, 404, 404, 404]
--- response_body_like eval
[qr/^\Q$::DOC\E$/, qr/^\Q$::DOC\E$/, qr/404/, qr/404/, qr/404/, qr/404/, qr/404/, qr/404/]



=== TEST 3: HEAD: the headers, no body
--- config eval
$::AS . $::MCP
--- request
HEAD /.well-known/oauth-protected-resource/mcp
--- error_code: 200
--- response_headers eval
[
"Content-Type: application/json",
"Content-Length: " . length($::DOC),
"Access-Control-Allow-Origin: *",
]
--- response_body eval
""



=== TEST 4: OPTIONS: a CORS preflight, 204
--- config eval
$::AS . $::MCP
--- request
OPTIONS /.well-known/oauth-protected-resource/mcp
--- more_headers
Origin: https://inspector.example.com
Access-Control-Request-Method: GET
Access-Control-Request-Headers: mcp-protocol-version
--- error_code: 204
--- response_headers
Access-Control-Allow-Origin: *
Access-Control-Allow-Methods: GET, HEAD, OPTIONS
Access-Control-Allow-Headers: authorization, content-type, mcp-protocol-version
!WWW-Authenticate



=== TEST 5: other methods: 405 with Allow
--- config eval
$::AS . $::MCP
--- request eval
["POST /.well-known/oauth-protected-resource/mcp\n{}", "DELETE /.well-known/oauth-protected-resource/mcp"]
--- error_code eval
[405, 405]
--- response_headers eval
["Allow: GET, HEAD, OPTIONS", "Allow: GET, HEAD, OPTIONS"]



=== TEST 6: spoofed Host and X-Forwarded-* change nothing
--- config eval
$::AS . $::MCP
--- request eval
["GET /.well-known/oauth-protected-resource/mcp", "GET /.well-known/oauth-protected-resource/mcp"]
--- more_headers eval
[
"Host: evil.example.net\nX-Forwarded-Proto: http\nX-Forwarded-Host: evil.example.net\nX-Forwarded-Prefix: /x\nMCP-Protocol-Version: 2025-06-18",
"Host: api.example.com:8443\nForwarded: proto=http;host=evil.example.net\nAuthorization: Bearer tok-072-6-ignored",
]
--- error_code eval
[200, 200]
--- response_body eval
[$::DOC, $::DOC]



=== TEST 7: every field, max_age, root= for the bare path
--- config eval
$::AS . <<'_EOC_'
    location /mcp {
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com https://login.example.org/tenant-1;
        api_auth_scopes_supported mcp.read mcp.write mcp.admin;
        api_auth_resource_name "Example MCP \"tools\"";
        api_auth_resource_documentation https://docs.example.com/mcp?lang=en#auth;
        echo "mcp";
    }
    location ^~ /.well-known/oauth-protected-resource {
        api_auth_protected_resource_metadata root=https://api.example.com/mcp max_age=5m;
    }
_EOC_
--- request eval
["GET /.well-known/oauth-protected-resource/mcp", "GET /.well-known/oauth-protected-resource", "GET /.well-known/oauth-protected-resource/"]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["Cache-Control: public, max-age=300", "Cache-Control: public, max-age=300", "Cache-Control: public, max-age=300"]
--- response_body eval
[
'{"resource":"https://api.example.com/mcp","authorization_servers":["https://auth.example.com","https://login.example.org/tenant-1"],"scopes_supported":["mcp.read","mcp.write","mcp.admin"],"bearer_methods_supported":["header"],"resource_name":"Example MCP \"tools\"","resource_documentation":"https://docs.example.com/mcp?lang=en#auth"}',
'{"resource":"https://api.example.com/mcp","authorization_servers":["https://auth.example.com","https://login.example.org/tenant-1"],"scopes_supported":["mcp.read","mcp.write","mcp.admin"],"bearer_methods_supported":["header"],"resource_name":"Example MCP \"tools\"","resource_documentation":"https://docs.example.com/mcp?lang=en#auth"}',
'{"resource":"https://api.example.com/mcp","authorization_servers":["https://auth.example.com","https://login.example.org/tenant-1"],"scopes_supported":["mcp.read","mcp.write","mcp.admin"],"bearer_methods_supported":["header"],"resource_name":"Example MCP \"tools\"","resource_documentation":"https://docs.example.com/mcp?lang=en#auth"}',
]



=== TEST 8: several resources; scopes_supported off; api_key-only and metadata=off ones are not published; one inherited resource is one document
--- config eval
$::AS . <<'_EOC_'
    location /mcp {
        api_auth_resource https://api.example.com/mcp;
        api_auth_scopes_supported off;
        api_auth_require_scope mcp.read;
        location /mcp/a { echo "a"; }
        location /mcp/b { echo "b"; }
    }
    location = /root {
        api_auth_resource https://api.example.com;
        echo "root";
    }
    location /keys {
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_resource https://api.example.com/keys;
        echo "keys";
    }
    location /hidden {
        api_auth_resource https://api.example.com/hidden metadata=off;
        echo "hidden";
    }
    location ^~ /.well-known/oauth-protected-resource {
        api_auth_protected_resource_metadata;
    }
_EOC_
--- request eval
[
"GET /.well-known/oauth-protected-resource/mcp",
"GET /.well-known/oauth-protected-resource",
"GET /.well-known/oauth-protected-resource/keys",
"GET /.well-known/oauth-protected-resource/hidden",
]
--- error_code eval
[200, 200, 404, 404]
--- response_body_like eval
[
qr/^\Q{"resource":"https:\/\/api.example.com\/mcp","authorization_servers":["https:\/\/auth.example.com"],"bearer_methods_supported":["header"]}\E$/,
qr/^\Q{"resource":"https:\/\/api.example.com","authorization_servers":["https:\/\/auth.example.com"],"bearer_methods_supported":["header"]}\E$/,
qr/404/,
qr/404/,
]



=== TEST 9: the resource location itself still challenges
--- config eval
$::AS . $::MCP
--- request
POST /mcp
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", scope="mcp.read", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp"



=== TEST 10: nginx -t: one resource, two different documents
--- config eval
$::AS . <<'_EOC_'
    location /mcp/read {
        api_auth_resource https://api.example.com/mcp;
        api_auth_require_scope mcp.read;
        echo "r";
    }
    location /mcp/write {
        api_auth_resource https://api.example.com/mcp;
        api_auth_require_scope mcp.write;
        echo "w";
    }
_EOC_
--- request
GET /mcp/read
--- must_die
--- error_log
resource "https://api.example.com/mcp" (metadata "https://api.example.com/.well-known/oauth-protected-resource/mcp") is declared with different metadata in another location of this server



=== TEST 11: nginx -t: root= names no resource of the server
--- config eval
$::AS . <<'_EOC_'
    location /mcp {
        api_auth_resource https://api.example.com/mcp;
        echo "mcp";
    }
    location ^~ /.well-known/oauth-protected-resource {
        api_auth_protected_resource_metadata root=https://api.example.com/other;
    }
_EOC_
--- request
GET /mcp
--- must_die
--- error_log
"api_auth_protected_resource_metadata root=https://api.example.com/other" names no "api_auth_resource" of an "oauth" location in its server



=== TEST 12: nginx -t: bad parameters
--- config
    location ^~ /.well-known/oauth-protected-resource {
        api_auth_protected_resource_metadata max_age=soon;
    }
--- request
GET /
--- must_die
--- error_log
invalid max_age "soon"



=== TEST 13: nginx -t: an unknown parameter
--- config
    location ^~ /.well-known/oauth-protected-resource {
        api_auth_protected_resource_metadata cache=1h;
    }
--- request
GET /
--- must_die
--- error_log
invalid parameter "cache=1h", expected "root=URL" or "max_age=TIME"



=== TEST 14: nginx -t: a documentation URL that is not absolute
--- config
    location / {
        api_auth_resource_documentation /docs;
    }
--- request
GET /
--- must_die
--- error_log
"api_auth_resource_documentation" URL "/docs" is not an absolute URL
