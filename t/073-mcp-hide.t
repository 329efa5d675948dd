# api_auth_hide_credential (SPEC.md Part 2, "No token passthrough"): the
# header that carried the credential (Authorization, or a header=NAME
# key header) is removed from the request itself after the decision, so
# the upstream never sees it: not by default proxying, not with
# "proxy_set_header Authorization $http_authorization", not after an
# internal redirect (try_files, error_page), which keeps the decision.
# On by default where api_auth_resource is set; "off" keeps Part 1's
# behaviour.  /backend echoes what it received.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

our $Server = <<'_EOC_';
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","scope":"mcp.read","aud":"https://api.example.com/mcp"}';
    }
    location /backend {
        echo "authorization=[$http_authorization] x-api-key=[$http_x_api_key] other=[$http_x_other]";
    }
_EOC_

our $Res = <<'_EOC_';
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
_EOC_

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a resource location hides the token from proxy_pass, also with proxy_set_header
--- config eval
$::Server . <<"_EOC_"
    location = /mcp {
$::Res
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /mcp2 {
$::Res
        proxy_set_header Authorization \$http_authorization;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /vars {
$::Res
        echo "[\$http_authorization] \$api_auth_result \$api_auth_client";
    }
_EOC_
--- request eval
["POST /mcp", "POST /mcp2", "GET /vars"]
--- more_headers eval
[
"Authorization: Bearer tok-073-1-a\nX-Other: kept",
"X-Other: kept\nAuthorization: Bearer tok-073-1-b",
"Authorization: Bearer tok-073-1-c",
]
--- error_code eval
[200, 200, 200]
--- response_body eval
[
"authorization=[] x-api-key=[] other=[kept]\n",
"authorization=[] x-api-key=[] other=[kept]\n",
"[] allow c1\n",
]



=== TEST 2: api_auth_hide_credential off: Part 1 behaviour, the header passes
--- config eval
$::Server . <<"_EOC_"
    location = /mcp {
$::Res
        api_auth_hide_credential off;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
_EOC_
--- request
POST /mcp
--- more_headers
Authorization: Bearer tok-073-2-passes
--- response_body
authorization=[Bearer tok-073-2-passes] x-api-key=[] other=[]



=== TEST 3: on for an api_key location: the header=NAME key header and Authorization go
--- config eval
$::Server . <<"_EOC_"
    location = /keys {
        api_auth api_key;
        api_auth_keys \$TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_key_source header=X-Api-Key bearer;
        api_auth_hide_credential on;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
_EOC_
--- request eval
["GET /keys", "GET /keys"]
--- more_headers eval
[
"X-Api-Key: test-key-gpt-prod-0001\nX-Other: kept",
"Authorization: Bearer test-key-gpt-prod-0001\nX-Api-Key: test-key-gpt-prod-0001",
]
--- error_code eval
[200, 200]
--- response_body eval
[
"authorization=[] x-api-key=[] other=[kept]\n",
"authorization=[] x-api-key=[] other=[]\n",
]



=== TEST 4: try_files and error_page redirects keep the decision
--- config eval
$::Server . <<"_EOC_"
    location /mcp {
$::Res
        try_files /nonexistent \@upstream;
    }
    location \@upstream {
$::Res
        # no rewrite regex (nginx never frees its PCRE2 context, which
        # make test-valgrind reports): a URI in a variable
        set \$backend /backend;
        proxy_set_header Authorization \$http_authorization;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT\$backend;
    }
    location = /err {
$::Res
        error_page 418 = /mcp-err;
        return 418;
    }
    location = /mcp-err {
$::Res
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
_EOC_
--- request eval
["GET /mcp/x", "GET /err"]
--- more_headers eval
["Authorization: Bearer tok-073-4-a", "Authorization: Bearer tok-073-4-b"]
--- error_code eval
[200, 200]
--- response_body eval
[
"authorization=[] x-api-key=[] other=[]\n",
"authorization=[] x-api-key=[] other=[]\n",
]
--- no_error_log
no credentials were provided



=== TEST 5: a rejected token is hidden as well (error_page to an upstream)
--- config eval
$::Server . <<"_EOC_"
    location = /mcp {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope mcp.admin;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
        error_page 403 = /denied;
        echo "never";
    }
    location = /denied {
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
_EOC_
--- request
GET /mcp
--- more_headers
Authorization: Bearer tok-073-5-poor
--- error_code: 200
--- response_body
authorization=[] x-api-key=[] other=[]



=== TEST 6: many headers: the list stays whole around the removed one
--- config eval
$::Server . <<"_EOC_"
    location = /mcp {
$::Res
        echo "[\$http_authorization] [\$http_h1] [\$http_h19] [\$http_h20] [\$http_h30] [\$http_user_agent]";
    }
_EOC_
--- request
GET /mcp
--- more_headers eval
join("", map { "H$_: v$_\n" } 1..19) . "Authorization: Bearer tok-073-6-many\nUser-Agent: ua\n" . join("", map { "H$_: v$_\n" } 20..30)
--- response_body
[] [v1] [v19] [v20] [v30] [ua]
