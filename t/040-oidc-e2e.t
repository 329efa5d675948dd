# End to end against a real authorization server: oidc-provider (t/as),
# started on loopback by `make integration` (TEST_NGINX_AS_PORT).  Tokens
# are opaque client_credentials tokens from its token endpoint; the module
# introspects them at its RFC 7662 endpoint as client "api-gateway"
# (client_secret_basic from a secret file).  Protects: the whole OAuth path
# with a real server (identity passed upstream, scope, garbage tokens,
# audience), stale_if_error and 503 when the server is gone.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

my $as = $ENV{TEST_NGINX_AS_PORT}
    or die "TEST_NGINX_AS_PORT is not set: run this file with make integration\n";

sub token {
    my $t = `AS_PORT=$as t/as/token.sh @_`;
    chomp $t;
    die "no token from the authorization server for $_[0]\n" if $t eq '';
    return $t;
}

$ENV{TEST_NGINX_FULL_TOKEN} = token('demo-client', 'demo-client-secret-test-only',
                                    "'orders.read orders.write'");
$ENV{TEST_NGINX_READ_TOKEN} = token('limited-client', 'limited-secret-test-only',
                                    'orders.read');
$ENV{TEST_NGINX_AUD_TOKEN} = token('demo-client', 'demo-client-secret-test-only',
                                   'orders.read', 'https://api.example');
$ENV{TEST_NGINX_STALE_TOKEN} = token('demo-client', 'demo-client-secret-test-only',
                                     'orders.read');

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a real token passes; identity reaches the upstream
--- http_config
    api_auth_cache_zone zone=e2e:1m;
--- config
    api_auth_introspect          /_introspect;
    api_auth_client_id           api-gateway;
    api_auth_client_secret_file  ../html/secret;
    api_auth_cache               e2e;

    location /api {
        api_auth oauth;
        api_auth_require_scope orders.read;
        proxy_set_header X-Client $api_auth_client;
        proxy_set_header X-Scope $api_auth_scope;
        proxy_set_header X-Subject $api_auth_subject;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }

    location = /backend {
        echo "$http_x_client|$http_x_scope|$http_x_subject";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_AS_PORT/token/introspection;
    }
--- user_files
>>> secret
api-gateway-secret-test-only
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_FULL_TOKEN}"
--- request
GET /api
--- error_code: 200
--- response_body
demo-client|orders.read orders.write|demo-client
--- no_error_log eval
["[error]", "[alert]", "[emerg]",
 qr/api_auth[^\n]*\Q$ENV{TEST_NGINX_FULL_TOKEN}\E/]



=== TEST 2: a token without the required scope is 403
--- config
    api_auth_introspect          /_introspect;
    api_auth_client_id           api-gateway;
    api_auth_client_secret_file  ../html/secret;

    location /write {
        api_auth oauth;
        api_auth_require_scope orders.write;
        echo "written";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_AS_PORT/token/introspection;
    }
--- user_files
>>> secret
api-gateway-secret-test-only
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_READ_TOKEN}"
--- request
GET /write
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.write"



=== TEST 3: a garbage token is 401 invalid_token
--- config
    api_auth_introspect          /_introspect;
    api_auth_client_id           api-gateway;
    api_auth_client_secret_file  ../html/secret;

    location /api {
        api_auth oauth;
        echo "ok";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_AS_PORT/token/introspection;
    }
--- user_files
>>> secret
api-gateway-secret-test-only
--- more_headers
Authorization: Bearer garbage-not-issued-by-anyone
--- request
GET /api
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: token [0-9a-f]{8} is not active/
--- no_error_log eval
[qr/api_auth[^\n]*garbage-not-issued/, "[alert]"]



=== TEST 4: a wrong gateway secret makes the server refuse: 503, not 401
--- config
    api_auth_introspect          /_introspect;
    api_auth_client_id           api-gateway;
    api_auth_client_secret_file  ../html/secret;

    location /api {
        api_auth oauth;
        echo "ok";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_AS_PORT/token/introspection;
    }
--- user_files
>>> secret
not-the-secret
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_FULL_TOKEN}"
--- request
GET /api
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log
api_auth: introspection failed: status 401
--- no_error_log eval
[@::NoCritLog]



=== TEST 5: audience: the token's aud (RFC 8707 resource) must match
--- config
    api_auth_introspect          /_introspect;
    api_auth_client_id           api-gateway;
    api_auth_client_secret_file  ../html/secret;

    location /right {
        api_auth oauth;
        api_auth_require_audience https://other.example https://api.example;
        echo "aud=$api_auth_claim_aud";
    }

    location /wrong {
        api_auth oauth;
        api_auth_require_audience https://other.example;
        echo "ok";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_AS_PORT/token/introspection;
    }
--- user_files
>>> secret
api-gateway-secret-test-only
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_AUD_TOKEN}"
--- request
GET /right
--- error_code: 200
--- response_body
aud=https://api.example



=== TEST 6: audience: a token for another audience is 401
--- config
    api_auth_introspect          /_introspect;
    api_auth_client_id           api-gateway;
    api_auth_client_secret_file  ../html/secret;

    location /right {
        api_auth oauth;
        api_auth_require_audience https://other.example https://api.example;
        echo "aud=$api_auth_claim_aud";
    }

    location /wrong {
        api_auth oauth;
        api_auth_require_audience https://other.example;
        echo "ok";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_AS_PORT/token/introspection;
    }
--- user_files
>>> secret
api-gateway-secret-test-only
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_AUD_TOKEN}"
--- request
GET /wrong
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: token [0-9a-f]{8} has the wrong audience/



=== TEST 7: server down: a cached token is served stale, or 503 without stale_if_error
The first request caches the token for 2 s (not 1: entries expire on whole seconds) through the real server; then
the server is unreachable (the introspection location's $as_port, set by
the calling location, points at a closed port).
--- http_config
    api_auth_cache_zone zone=e2e_stale:1m;
--- config
    api_auth_client_id           api-gateway;
    api_auth_client_secret_file  ../html/secret;

    # one introspection URI (entries are shared per URI); $as_port, seen
    # by the subrequest, sends /stale's and /nostale's calls to a closed
    # port
    location /fill {
        set $as_port $TEST_NGINX_AS_PORT;
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache e2e_stale max_ttl=2s stale_if_error=60s;
        echo "$api_auth_cache_status";
    }

    location /stale {
        set $as_port 9;
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache e2e_stale max_ttl=2s stale_if_error=60s;
        echo "$api_auth_cache_status $api_auth_client";
    }

    location /nostale {
        set $as_port 9;
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache e2e_stale max_ttl=2s;
        echo "$api_auth_cache_status";
    }

    location = /sleep {
        echo_sleep 2.2;
        echo "slept";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$as_port/token/introspection;
    }
--- user_files
>>> secret
api-gateway-secret-test-only
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_STALE_TOKEN}"
--- request eval
["GET /fill", "GET /fill", "GET /sleep", "GET /stale", "GET /nostale"]
--- error_code eval
[200, 200, 200, 200, 503]
--- response_body_like eval
["^MISS\n\$", "^HIT\n\$", "slept", "^STALE demo-client\n\$", "503"]
--- no_error_log eval
[@::NoCritLog]



=== TEST 8: the server stopped for real: 503 with Retry-After
--- init
system("AS_PIDFILE=\$PWD/t/as/as-test.pid t/as/stop.sh >/dev/null 2>&1");
--- config
    api_auth_introspect          /_introspect;
    api_auth_client_id           api-gateway;
    api_auth_client_secret_file  ../html/secret;

    location /api {
        api_auth oauth;
        echo "ok";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_AS_PORT/token/introspection;
    }
--- user_files
>>> secret
api-gateway-secret-test-only
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_FULL_TOKEN}"
--- request
GET /api
--- error_code: 503
--- response_headers
Retry-After: 5
--- error_log
api_auth: introspection failed
--- no_error_log eval
["[alert]", qr/api_auth[^\n]*\Q$ENV{TEST_NGINX_FULL_TOKEN}\E/]
