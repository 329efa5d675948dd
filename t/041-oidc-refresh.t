# Refresh tokens sent as access tokens, end to end against the real
# authorization server (t/as, oidc-provider; issue 11, finding 10).
# oidc-provider's introspection falls back from token_type_hint=
# access_token to refresh tokens and answers for one with "active":true,
# sub, client_id, exp, iat, iss and scope but no token_type (its access
# tokens say "Bearer").  Protects: an access token of the same grant
# passes; the refresh token is 401 invalid_token where the server keeps
# refresh tokens from the resource server (t/as's allowedPolicy for
# api-gateway, the remedy); and, as the documented limit, where the server
# does answer for it without a token_type (a client introspecting its own
# token), nothing in the answer says "refresh" and the module lets it in.
# t/013 holds the module's own check (token_type "refresh_token": 401).

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

my $as = $ENV{TEST_NGINX_AS_PORT}
    or die "TEST_NGINX_AS_PORT is not set: run this file with make integration\n";

# t/040 stops the server in its last block: start it again when it is
# gone (same pid file and log as make integration), and stop it at the end
my $env = "AS_PORT=$as AS_PIDFILE=\$PWD/t/as/as-test.pid"
          . " AS_LOG=\$PWD/t/as/as-test.log";
my $started;

if (system("curl -fs -o /dev/null --max-time 1"
           . " http://127.0.0.1:$as/.well-known/openid-configuration") != 0)
{
    system("$env t/as/start.sh >/dev/null") == 0
        or die "cannot start the authorization server\n";
    $started = 1;
}

END { system("$env t/as/stop.sh >/dev/null 2>&1") if $started; }

my ($access, $refresh) = split /\n/,
    `AS_PORT=$as t/as/user-tokens.sh user-client user-client-secret-test-only 'offline_access orders.read'`;

die "no user tokens from the authorization server\n"
    unless defined $refresh && $refresh ne '';

# a working refresh token: oidc-provider's own refresh_token grant takes it
my $renewed = `curl -sS --max-time 5 -u user-client:user-client-secret-test-only -d grant_type=refresh_token --data-urlencode 'refresh_token=$refresh' http://127.0.0.1:$as/token`;

die "the refresh token is refused by the refresh_token grant: $renewed\n"
    unless $renewed =~ /"access_token":"[^"]+"/;

$ENV{TEST_NGINX_USER_ACCESS} = $access;
$ENV{TEST_NGINX_USER_REFRESH} = $refresh;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the grant's access token passes, token_type Bearer
--- config
    api_auth_introspect          /_introspect;
    api_auth_client_id           api-gateway;
    api_auth_client_secret_file  ../html/secret;

    location /api {
        api_auth oauth;
        api_auth_require_scope orders.read;
        echo "$api_auth_client|$api_auth_subject|$api_auth_scope|$api_auth_claim_token_type";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_AS_PORT/token/introspection;
    }
--- user_files
>>> secret
api-gateway-secret-test-only
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_USER_ACCESS}"
--- request
GET /api
--- error_code: 200
--- response_body
user-client|test-user|offline_access orders.read|Bearer
--- no_error_log eval
["[error]", "[alert]", "[emerg]",
 qr/api_auth[^\n]*\Q$ENV{TEST_NGINX_USER_ACCESS}\E/]



=== TEST 2: its refresh token is 401 invalid_token: the server does not tell the resource server about it
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
"Authorization: Bearer $ENV{TEST_NGINX_USER_REFRESH}"
--- request
GET /api
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: token [0-9a-f]{8} is not active/
--- no_error_log eval
["[error]", "[alert]", "[emerg]",
 qr/api_auth[^\n]*\Q$ENV{TEST_NGINX_USER_REFRESH}\E/]



=== TEST 3: limit: a server that answers for the refresh token without token_type gets it through
--- config
    api_auth_introspect          /_introspect;
    api_auth_client_id           user-client;
    api_auth_client_secret_file  ../html/secret;

    location /api {
        api_auth oauth;
        echo "$api_auth_client|$api_auth_subject|$api_auth_scope|[$api_auth_claim_token_type]";
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_AS_PORT/token/introspection;
    }
--- user_files
>>> secret
user-client-secret-test-only
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_USER_REFRESH}"
--- request
GET /api
--- error_code: 200
--- response_body
user-client|test-user|offline_access orders.read|[]
--- no_error_log eval
["[error]", "[alert]", "[emerg]",
 qr/api_auth[^\n]*\Q$ENV{TEST_NGINX_USER_REFRESH}\E/]
