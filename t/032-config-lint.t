# Configurations that used to pass "nginx -t" silently although they do
# not do what they say (security review, finding 8): a realm that would
# inject a header is an error; the rest are warnings that name the
# location (or, for what only a request can show, warnings logged once
# per worker at the first such request).
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a CR LF in api_auth_realm is refused: it would add a header to every challenge
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_realm "api\r\nSet-Cookie: session=evil";
--- must_die
--- error_log
api_auth: control character in "api_auth_realm"



=== TEST 2: any other control byte too (TAB included: it is legal in a quoted-string, but never meant in a realm)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_realm "a\tb";
--- must_die
--- error_log
api_auth: control character in "api_auth_realm"



=== TEST 3: "optional" with a required scope: a warning that anonymous requests pass where a key without the scope gets 403
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key optional;
        api_auth_require_scope admin;
        echo "ok $api_auth_result";
    }
--- response_body
ok anonymous
--- error_log
api_auth: location "/t" is "optional" and requires scope "admin"



=== TEST 4: api_auth_require_scope or _audience where api_auth is off: a warning, once, where it is written
--- config
    location = /t {
        api_auth_require_scope admin;
        echo "ok";
    }
    location = /u {
        api_auth_require_audience https://api.example;
        echo "ok";
    }
--- response_body
ok
--- error_log
api_auth: "api_auth_require_scope" in location "/t" has no effect without "api_auth"
api_auth: "api_auth_require_audience" in location "/u" has no effect without "api_auth"



=== TEST 5: a scope required at the server level for locations that turn api_auth on is no mistake: no warning
--- config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth_require_scope orders.read;

    location = /t {
        api_auth api_key;
        echo "ok $api_auth_client";
    }
    location = /public {
        echo "public";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- response_body
ok gpt-prod
--- no_error_log
has no effect
[warn]
[error]



=== TEST 6: an introspection URI with arguments: a warning (they select no location's arguments)
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect?tenant=a;
        echo "ok";
    }
--- error_code: 401
--- error_log
api_auth: "api_auth_introspect" "/_introspect?tenant=a" has arguments
--- no_error_log
[alert]



=== TEST 7: auth_basic in an api_auth location: a warning (both read the Authorization header)
--- user_files
>>> htpasswd
alice:{PLAIN}secret
--- config
    location = /t {
        auth_basic "x";
        auth_basic_user_file ../html/htpasswd;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "ok";
    }
    location = /u {
        auth_basic off;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "ok";
    }
--- error_code: 401
--- error_log
api_auth: "auth_basic" and "api_auth" in location "/t" both read the Authorization header
--- no_error_log
in location "/u" both read
[alert]



=== TEST 8: an introspection location that is not internal: a warning at its first use
--- config
    location = /_introspect {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '{"active":true,"sub":"u8"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok $api_auth_subject";
    }
--- more_headers
Authorization: Bearer tok-032-8
--- response_body
ok u8
--- error_log
api_auth: the introspection location "/_introspect" is not "internal": clients can call it directly



=== TEST 9: limit_req_zone keyed by an $api_auth_* variable limits nothing (empty in PREACCESS): a warning at the first request
--- http_config
    limit_req_zone $api_auth_client zone=per_client:1m rate=1r/m;
--- config
    location = /t {
        limit_req zone=per_client;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "ok $api_auth_client";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok gpt-prod
--- error_log
api_auth: an $api_auth_* variable was read before the access phase, where it is still empty
