# Whose answer a cache entry is (security review, finding 1): an answer
# obtained through one introspection location is never used by a request
# that would be sent to a different authorization server. By default an
# entry belongs to one server block of one configuration load and to the
# request's host; "api_auth_cache NAME namespace=..." shares entries
# explicitly between locations that ask the same server.
#
# The blocks run sequences with echo_location as t/020-cache.t does: each
# step is a new main request (proxied), printing "STATUS RESULT CACHE".

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

our $Harness = <<'_EOC_';
    location = /mock_ok {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","sub":"u1"}';
    }
    location = /mock_inactive {
        default_type application/json;
        return 200 '{"active":false}';
    }
    location = /via {
        proxy_pass http://127.0.0.1:$arg_p/api;
        proxy_set_header Host $arg_h;
        proxy_set_header Authorization "Bearer $arg_t";
        proxy_intercept_errors on;
        error_page 400 401 403 500 503 = @denied;
    }
    location @denied {
        echo "$upstream_status $upstream_http_x_result $upstream_http_x_cache";
    }
_EOC_

# one protected server: its own /_introspect proxies to MOCK
sub api_server {
    my ($port, $names, $mock, $cache) = @_;
    my $sn = defined $names ? "server_name $names;" : '';
    return <<"_EOC_";
    server {
        listen 127.0.0.1:$port;
        $sn
        api_auth_cache $cache;

        location = /_introspect {
            internal;
            proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT$mock;
        }
        location = /api {
            api_auth oauth;
            api_auth_introspect /_introspect;
            add_header X-Result \$api_auth_result always;
            add_header X-Cache \$api_auth_cache_status always;
            echo "200 \$api_auth_result \$api_auth_cache_status";
        }
    }
_EOC_
}

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: two server blocks both "server_name _", each with its own authorization server behind /_introspect: a token active at one is not a HIT at the other
--- http_config eval
"    api_auth_cache_zone zone=z:1m;\n"
. ::api_server('$TEST_NGINX_RAND_PORT_1', '_', '/mock_ok', 'z')
. ::api_server('$TEST_NGINX_RAND_PORT_2', '_', '/mock_inactive', 'z')
--- config eval
$::Harness . <<'_EOC_';
    location = /t {
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=api.example&t=tok-026-1";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_2&h=api.example&t=tok-026-1";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=api.example&t=tok-026-1";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_2&h=api.example&t=tok-026-1";
    }
_EOC_
--- response_body
200 allow MISS
401 invalid_token MISS
200 allow HIT
401 invalid_token HIT



=== TEST 2: the same with two server blocks that have no server_name at all
--- http_config eval
"    api_auth_cache_zone zone=z:1m;\n"
. ::api_server('$TEST_NGINX_RAND_PORT_1', undef, '/mock_ok', 'z')
. ::api_server('$TEST_NGINX_RAND_PORT_2', undef, '/mock_inactive', 'z')
--- config eval
$::Harness . <<'_EOC_';
    location = /t {
        echo_location /via "p=$TEST_NGINX_RAND_PORT_2&h=api.example&t=tok-026-2";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=api.example&t=tok-026-2";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_2&h=api.example&t=tok-026-2";
    }
_EOC_
--- response_body
401 invalid_token MISS
200 allow MISS
401 invalid_token HIT



=== TEST 3: one multi-tenant server whose /_introspect picks the authorization server by $host: tenant A's token is not a HIT for tenant B
--- http_config eval
"    api_auth_cache_zone zone=z:1m;\n"
. "    map \$host \$as { a.example /mock_ok; default /mock_inactive; }\n"
. ::api_server('$TEST_NGINX_RAND_PORT_1', 'a.example b.example', '$as', 'z')
--- config eval
$::Harness . <<'_EOC_';
    location = /t {
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=a.example&t=tok-026-3";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=b.example&t=tok-026-3";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=a.example&t=tok-026-3";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=b.example&t=tok-026-3";
    }
_EOC_
--- response_body
200 allow MISS
401 invalid_token MISS
200 allow HIT
401 invalid_token HIT



=== TEST 4: namespace=NAME shares entries between server blocks explicitly: the second server's request is a HIT and never asks its own location
--- http_config eval
"    api_auth_cache_zone zone=z:1m;\n"
. ::api_server('$TEST_NGINX_RAND_PORT_1', '_', '/mock_ok', 'z namespace=prod-as')
. ::api_server('$TEST_NGINX_RAND_PORT_2', '_', '/mock_inactive',
             'z namespace=prod-as')
--- config eval
$::Harness . <<'_EOC_';
    location = /t {
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=api.example&t=tok-026-4";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_2&h=api.example&t=tok-026-4";
    }
_EOC_
--- response_body
200 allow MISS
200 allow HIT



=== TEST 5: a named namespace is shared across hosts, unless it names the host itself (namespace=tenant-$host)
--- http_config eval
"    api_auth_cache_zone zone=z:1m;\n"
. "    map \$host \$as { a.example /mock_ok; default /mock_inactive; }\n"
. ::api_server('$TEST_NGINX_RAND_PORT_1', 'a.example b.example', '$as',
             'z namespace=tenant-$host')
. ::api_server('$TEST_NGINX_RAND_PORT_2', 'a.example b.example', '/mock_ok',
             'z namespace=one-as')
--- config eval
$::Harness . <<'_EOC_';
    location = /t {
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=a.example&t=tok-026-5";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=b.example&t=tok-026-5";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_1&h=a.example&t=tok-026-5";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_2&h=a.example&t=tok-026-5b";
        echo_location /via "p=$TEST_NGINX_RAND_PORT_2&h=b.example&t=tok-026-5b";
    }
_EOC_
--- response_body
200 allow MISS
401 invalid_token MISS
200 allow HIT
200 allow MISS
200 allow HIT



=== TEST 6: namespace= is checked: empty, duplicate
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /api {
        api_auth_cache z namespace= ;
    }
--- must_die
--- error_log
api_auth: empty "namespace="



=== TEST 7: namespace= given twice
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /api {
        api_auth_cache z namespace=a namespace=b;
    }
--- must_die
--- error_log
api_auth: duplicate parameter "namespace=b"
