# No token passthrough beyond proxy_pass (SPEC.md Part 2, issue 14): the
# header api_auth_hide_credential removes is gone for every consumer of
# r->headers_in: fastcgi_pass (its HTTP_AUTHORIZATION param, passed by
# default or set with fastcgi_param), a mirror subrequest, and proxy_pass
# whether proxy_set_header comes from the location or is inherited.
# t/helpers/fcgi_echo.pl (started here on a free 127.0.0.1 port, stopped
# at the end) is the FastCGI upstream; "api_auth_hide_credential off"
# shows that it does report the header.
#
# And exactly one WWW-Authenticate line, also under error_page and
# satisfy any: response_headers compares the values of all the lines of
# that name joined with ", ", so two challenges fail the exact match.

use Test::Nginx::Socket 'no_plan';

use FindBin;
use IO::Socket::INET;
use Time::HiRes qw(sleep time);

# free_port: t/helpers/as_instances.pl (no server is started here)
require "$FindBin::Bin/helpers/as_instances.pl";

$ENV{TEST_NGINX_FCGI_PORT} = free_port();
our $fcgi = fork // die "fork: $!\n";
if ($fcgi == 0) {
    exec 'perl', 't/helpers/fcgi_echo.pl', $ENV{TEST_NGINX_FCGI_PORT}, 120;
    die "exec perl: $!\n";
}
END {
    local $?;    # the children's status is not the test's
    if ($fcgi) {
        kill 'TERM', $fcgi;
        waitpid $fcgi, 0;
    }
}
{
    my $deadline = time + 10;
    until (IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ENV{TEST_NGINX_FCGI_PORT}",
                                 Proto => 'tcp')) {
        die "fcgi_echo.pl did not listen within 10 s\n" if time > $deadline;
        sleep 0.1;
    }
}

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
        echo "authorization=[$http_authorization] other=[$http_x_other]";
    }
_EOC_

our $Res = <<'_EOC_';
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
_EOC_

our $Fcgi = <<'_EOC_';
        fastcgi_pass 127.0.0.1:$TEST_NGINX_FCGI_PORT;
        fastcgi_param SCRIPT_NAME /echo;
_EOC_

our $MD = 'resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp"';

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: fastcgi_pass: no HTTP_AUTHORIZATION, by default or with fastcgi_param; off passes it
--- config eval
$::Server . <<"_EOC_"
    location = /mcp {
$::Res
$::Fcgi
    }
    location = /mcp-param {
$::Res
$::Fcgi
        fastcgi_param HTTP_AUTHORIZATION \$http_authorization;
    }
    location = /mcp-off {
$::Res
        api_auth_hide_credential off;
$::Fcgi
    }
_EOC_
--- request eval
["POST /mcp", "POST /mcp-param", "POST /mcp-off"]
--- more_headers eval
["Authorization: Bearer tok-077-1-a\nX-Other: x",
 "Authorization: Bearer tok-077-1-b",
 "Authorization: Bearer tok-077-1-c"]
--- error_code eval
[200, 200, 200]
--- response_body eval
["authorization=[] x-api-key=[]\n",
 "authorization=[] x-api-key=[]\n",
 "authorization=[Bearer tok-077-1-c] x-api-key=[]\n"]



=== TEST 2: fastcgi_pass on an api_key location: the key header and Authorization go
--- config eval
$::Server . <<"_EOC_"
    location = /keys {
        api_auth api_key;
        api_auth_keys \$TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_key_source header=X-Api-Key;
        api_auth_hide_credential on;
$::Fcgi
    }
_EOC_
--- request
GET /keys
--- more_headers
X-Api-Key: test-key-gpt-prod-0001
Authorization: Bearer tok-077-2
--- error_code: 200
--- response_body
authorization=[] x-api-key=[]



=== TEST 3: a mirror subrequest does not see it either (and does with off)
--- config eval
$::Server . <<"_EOC_"
    location = /mcp {
$::Res
        mirror /_mirror;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /mcp-off {
$::Res
        api_auth_hide_credential off;
        mirror /_mirror;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /_mirror {
        internal;
        fastcgi_pass 127.0.0.1:\$TEST_NGINX_FCGI_PORT;
        fastcgi_param SCRIPT_NAME /record;
    }
    location = /seen {
        fastcgi_pass 127.0.0.1:\$TEST_NGINX_FCGI_PORT;
        fastcgi_param SCRIPT_NAME /seen;
    }
_EOC_
--- request eval
["POST /mcp", "GET /seen", "POST /mcp-off", "GET /seen"]
--- more_headers eval
["Authorization: Bearer tok-077-3-a", "", "Authorization: Bearer tok-077-3-b", ""]
--- error_code eval
[200, 200, 200, 200]
--- response_body eval
["authorization=[] other=[]\n",
 "recorded=[authorization=[]]\n",
 "authorization=[Bearer tok-077-3-b] other=[]\n",
 "recorded=[authorization=[Bearer tok-077-3-b]]\n"]



=== TEST 4: proxy_pass: an inherited proxy_set_header Authorization, or the location's own headers
--- config eval
"    proxy_set_header Authorization \$http_authorization;\n"
. $::Server . <<"_EOC_"
    location = /inherited {
$::Res
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /own {
$::Res
        proxy_set_header X-Other own;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
_EOC_
--- request eval
["POST /inherited", "POST /own"]
--- more_headers eval
["Authorization: Bearer tok-077-4-a\nX-Other: x",
 "X-Other: x\nAuthorization: Bearer tok-077-4-b"]
--- error_code eval
[200, 200]
--- response_body eval
["authorization=[] other=[x]\n",
 "authorization=[] other=[own]\n"]



=== TEST 5: exactly one challenge: plain, and under error_page to a page or to a protected location
--- config eval
$::Server . <<"_EOC_"
    location = /mcp {
$::Res
        echo ok;
    }
    location = /mcp-page {
$::Res
        error_page 401 /401.txt;
        echo ok;
    }
    location = /401.txt {
        echo "sign in";
    }
    location = /mcp-guarded {
$::Res
        error_page 401 /guarded-page;
        echo ok;
    }
    location = /guarded-page {
$::Res
        echo "sign in";
    }
_EOC_
--- request eval
["POST /mcp", "POST /mcp-page", "POST /mcp-guarded"]
--- error_code eval
[401, 401, 401]
--- response_headers eval
["WWW-Authenticate: Bearer realm=\"api\", $::MD",
 "WWW-Authenticate: Bearer realm=\"api\", $::MD",
 "WWW-Authenticate: Bearer realm=\"api\", $::MD"]



=== TEST 6: exactly one challenge under satisfy any, for 401 and for 403
--- config eval
$::Server . <<"_EOC_"
    location = /mcp {
        satisfy any;
        deny all;
$::Res
        api_auth_require_scope mcp.write;
        echo ok;
    }
    location = /mcp-scope {
        satisfy any;
        deny all;
$::Res
        api_auth_require_scope mcp.write;
        error_page 403 /403.txt;
        echo ok;
    }
    location = /403.txt {
        echo "more scope";
    }
_EOC_
--- request eval
["POST /mcp", "POST /mcp-scope"]
--- more_headers eval
["", "Authorization: Bearer tok-077-6-b"]
--- error_code eval
[401, 403]
--- response_headers eval
["WWW-Authenticate: Bearer realm=\"api\", scope=\"mcp.write\", $::MD",
 "WWW-Authenticate: Bearer realm=\"api\", error=\"insufficient_scope\", scope=\"mcp.write\", $::MD"]



=== TEST 7: the list around the removed header: first of a second part, scrubbed parts, a last part emptied
--- http_config
    underscores_in_headers on;
--- config eval
$::Server . <<"_EOC_"
    location = /first {
$::Res
        echo "[\$http_authorization] [\$http_h1] [\$http_h18] [\$http_h19] [\$http_h25]";
    }
    location = /scrub {
$::Res
        api_auth_scrub_headers X-S-*;
        echo "[\$http_authorization] [\$http_h1] [\$http_x_s_1] [\$http_x_s_9] [\$http_h2]";
    }
_EOC_
--- request eval
["GET /first", "GET /scrub", "GET /scrub"]
--- more_headers eval
[CORE::join("", map { "H$_: v$_\n" } 1..18) . "Authorization: Bearer tok-077-7-a\n"
 . CORE::join("", map { "H$_: v$_\n" } 19..25),
 "H1: v1\n" . CORE::join("", map { "X-S-$_: s\n" } 1..30)
 . "Authorization: Bearer tok-077-7-b\nH2: v2\n",
 "H1: v1\nH2: v2\n" . CORE::join("", map { "F$_: f\n" } 1..16)
 . CORE::join("", map { "X-S-$_: s\n" } 1..9)
 . "Authorization: Bearer tok-077-7-c\n"]
--- error_code eval
[200, 200, 200]
--- response_body eval
["[] [v1] [v18] [v19] [v25]\n",
 "[] [v1] [] [] [v2]\n",
 "[] [v1] [] [] [v2]\n"]
