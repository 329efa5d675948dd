# api_auth_phase (SPEC.md Part 2, "Operations"): with "preaccess" the
# whole check runs in the PREACCESS phase, before limit_req and
# limit_conn, so that "limit_req_zone $api_auth_client" limits per OAuth
# client.  limit_req really runs after the check: the second request of a
# client is limited (429), which it could not be if the handler ended the
# phase with NGX_OK (the phase engine would skip limit_req and answer
# 200), and the same configuration in the access phase limits nothing and
# warns.  A rejection is answered from PREACCESS with its challenge;
# "deny" still applies in ACCESS after an allow; subrequests are checked
# in REWRITE as before; "satisfy any" gets an nginx -t warning.
#
# The authorization server is a location of the same nginx (/mock_as); it
# reads the introspection body to tell the tokens apart:
#   tok-084-a -> client_id client-a, tok-084-b -> client_id client-b,
#   anything else inactive.
# Keys in t/data/keys/keys.txt: gpt-prod test-key-gpt-prod-0001.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;

    $block->set_value('http_config', <<'CONF' . ($block->http_config // ''));
    map $request_body $mock_answer {
        "~tok-084-a"  '{"active":true,"client_id":"client-a","sub":"u-a"}';
        "~tok-084-b"  '{"active":true,"client_id":"client-b","sub":"u-b"}';
        default       '{"active":false}';
    }
CONF
});

run_tests();

__DATA__

=== TEST 1: api_auth_phase preaccess + limit_req_zone $api_auth_client: one client is limited, another is not
--- http_config
    limit_req_zone $api_auth_client zone=per_client:1m rate=1r/m;
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        echo_read_request_body;
        echo $mock_answer;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_phase preaccess;
        limit_req zone=per_client;
        limit_req_status 429;
        limit_req_log_level warn;
        echo "$api_auth_result $api_auth_client";
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer tok-084-a",
    "Authorization: Bearer tok-084-a",
    "Authorization: Bearer tok-084-b",
    "Authorization: Bearer tok-084-b",
    "Authorization: Bearer tok-084-x-inactive",
]
--- error_code eval
[200, 429, 200, 429, 401]
--- response_body_like eval
["^allow client-a\n\$", "429", "^allow client-b\n\$", "429", "401"]
--- no_error_log eval
[@::NoErrorLog, 'read before the access phase']



=== TEST 2: the same in the access phase limits nothing (the key is still empty in PREACCESS) and warns
--- http_config
    limit_req_zone $api_auth_client zone=per_client:1m rate=1r/m;
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        echo_read_request_body;
        echo $mock_answer;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        limit_req zone=per_client;
        limit_req_status 429;
        echo "$api_auth_result $api_auth_client";
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer tok-084-a",
    "Authorization: Bearer tok-084-a",
]
--- error_code eval
[200, 200]



=== TEST 3: ... where the module warns that the variable was read too early
--- http_config
    limit_req_zone $api_auth_client zone=per_client:1m rate=1r/m;
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        limit_req zone=per_client;
        echo "$api_auth_client";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- error_log
read before the access phase



=== TEST 4: a rejection is answered from PREACCESS, with its challenge, before limit_req counts it
--- http_config
    limit_req_zone $binary_remote_addr zone=per_addr:1m rate=1r/m;
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_phase preaccess;
        limit_req zone=per_addr;
        limit_req_status 429;
        limit_req_log_level warn;
        echo "$api_auth_client";
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-unknown-9999",
    "",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-gpt-prod-0001",
]
--- error_code eval
[401, 401, 200, 429]
--- response_headers eval
[
    'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
    'WWW-Authenticate: Bearer realm="api", Basic realm="api"',
    "!WWW-Authenticate",
    "!WWW-Authenticate",
]



=== TEST 5: nginx's access handlers still apply after an allow in PREACCESS
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_phase preaccess;
deny all;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 403
--- response_headers
!WWW-Authenticate
--- no_error_log
[alert]
[emerg]



=== TEST 6: subrequests are checked in REWRITE, once, with the main request's credential
--- config
    location = /main {
        echo_location /sub;
    }
    location = /sub {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_phase preaccess;
        echo "sub $api_auth_result $api_auth_client";
    }
--- request
GET /main
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
sub allow gpt-prod
--- grep_error_log eval
qr/api_auth handler/
--- grep_error_log_out
api_auth handler



=== TEST 7: "satisfy any" with api_auth_phase preaccess: a warning at nginx -t, and api_auth decides alone
--- config
    location = /t {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_phase preaccess;
        echo "ok";
    }
--- error_code: 401
--- error_log eval
qr/\[warn\] .*api_auth: "satisfy any" does not apply to api_auth in location "\/t": with "api_auth_phase preaccess"/
--- no_error_log
[alert]
[emerg]



=== TEST 8: dry run in PREACCESS: the request passes, limit_req still runs
--- http_config
    limit_req_zone $api_auth_client zone=per_client:1m rate=1r/m;
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_phase preaccess;
        api_auth_dry_run on;
        limit_req zone=per_client;
        limit_req_status 429;
        limit_req_log_level warn;
        echo "$api_auth_status";
    }
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-unknown-9999",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-gpt-prod-0001",
]
--- error_code eval
[200, 200, 429]
--- response_body_like eval
["^REJECTED_DRY_RUN\n\$", "^PASSED\n\$", "429"]



=== TEST 9: "api_auth_phase" takes access or preaccess
--- config
    location = /t {
        api_auth_phase content;
    }
--- must_die
--- error_log
invalid value "content"
