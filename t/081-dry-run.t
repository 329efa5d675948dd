# api_auth_dry_run and $api_auth_status (SPEC.md Part 2, "Operations"),
# modelled on limit_req_dry_run and $limit_req_status: in dry run the
# whole check runs and $api_auth_result is real, but no request is
# rejected - no 401/403/400, no challenge, no 503 and no Retry-After when
# the authorization server fails - and each would-be rejection is logged
# at info.  $api_auth_status is PASSED (allow, anonymous), REJECTED,
# REJECTED_DRY_RUN, or empty where api_auth is off.
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001   scope="orders.read orders.write"
#   old-key    test-key-expired-0003    expired 2020
#   noscope    test-key-noscope-0004    no scope
# test-key-unknown-9999 is in no file.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: dry run with API keys: every outcome passes, $api_auth_result is real, no challenge
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_require_scope orders.read;
        api_auth_dry_run on;
        echo "$api_auth_result|$api_auth_status|$api_auth_client";
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-unknown-9999",
    "Authorization: Bearer test-key-expired-0003",
    "Authorization: Bearer test-key-noscope-0004",
    "",
    "Authorization: Bearer a b",
]
--- error_code eval
[200, 200, 200, 200, 200, 200]
--- response_body eval
[
    "allow|PASSED|gpt-prod\n",
    "invalid_token|REJECTED_DRY_RUN|\n",
    "invalid_token|REJECTED_DRY_RUN|\n",
    "insufficient_scope|REJECTED_DRY_RUN|\n",
    "missing|REJECTED_DRY_RUN|\n",
    "invalid_request|REJECTED_DRY_RUN|\n",
]
--- response_headers eval
[
    "!WWW-Authenticate",
    "!WWW-Authenticate",
    "!WWW-Authenticate",
    "!WWW-Authenticate",
    "!WWW-Authenticate",
    "!WWW-Authenticate",
]
--- grep_error_log eval
qr/\[info\] .*?api_auth: dry run, the request would have been rejected: \w+, status \d+/
--- grep_error_log_out eval
qr/^(?:\[info\] .*?rejected: (?:invalid_token, status 401|insufficient_scope, status 403|missing, status 401|invalid_request, status 400)\n)?$/s



=== TEST 2: dry run: a would-be 403 is logged at info with its result and status
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_require_scope admin;
        api_auth_dry_run on;
        echo "$api_auth_status";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
REJECTED_DRY_RUN
--- error_log eval
qr/\[info\] .*api_auth: dry run, the request would have been rejected: insufficient_scope, status 403/



=== TEST 3: without dry run the same rejection is REJECTED, with its status and challenge
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
add_header X-Status "$api_auth_status|$api_auth_result" always;
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-unknown-9999",
    "Authorization: Bearer test-key-gpt-prod-0001",
]
--- error_code eval
[401, 200]
--- response_headers eval
[
    "X-Status: REJECTED|invalid_token",
    "X-Status: PASSED|allow",
]
--- no_error_log eval
[@::NoErrorLog, 'dry run']



=== TEST 4: anonymous is PASSED; where api_auth is off the status is empty
--- config
    location = /opt {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key optional;
        echo "[$api_auth_status|$api_auth_result]";
    }
    location = /off {
        echo "[$api_auth_status|$api_auth_result]";
    }
--- request eval
["GET /opt", "GET /off"]
--- response_body eval
["[PASSED|anonymous]\n", "[|]\n"]



=== TEST 5: dry run with OAuth: an inactive token passes as REJECTED_DRY_RUN
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_dry_run on;
        echo "$api_auth_result|$api_auth_status|$api_auth_method";
    }
--- mock_as: {"active":false}
--- more_headers
Authorization: Bearer tok-081-4-inactive
--- error_code: 200
--- response_body
invalid_token|REJECTED_DRY_RUN|oauth
--- response_headers
!WWW-Authenticate
--- error_log
api_auth: dry run, the request would have been rejected: invalid_token, status 401



=== TEST 6: dry run with the authorization server failing: no 503, no Retry-After
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        return 502;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_dry_run on;
        echo "$api_auth_result|$api_auth_status";
    }
--- more_headers
Authorization: Bearer tok-081-5-as-down
--- error_code: 200
--- response_body
unavailable|REJECTED_DRY_RUN
--- response_headers
!Retry-After
!WWW-Authenticate
--- error_log
api_auth: dry run, the request would have been rejected: unavailable, status 503
--- no_error_log
[alert]
[emerg]



=== TEST 7: the same failure without dry run is a 503 with Retry-After, REJECTED
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        return 502;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        add_header X-Status "$api_auth_status|$api_auth_result" always;
        echo "ok";
    }
--- more_headers
Authorization: Bearer tok-081-6-as-down
--- error_code: 503
--- response_headers
Retry-After: 5
X-Status: REJECTED|unavailable
--- no_error_log
dry run
[alert]
[emerg]



=== TEST 8: inherited from http, turned off in one location
--- http_config
    api_auth_dry_run on;
--- config
    location = /dry {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "$api_auth_status";
    }
    location = /real {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_dry_run off;
        echo "$api_auth_status";
    }
--- request eval
["GET /dry", "GET /real"]
--- error_code eval
[200, 401]
--- response_body_like eval
["^REJECTED_DRY_RUN\n\$", "401"]



=== TEST 9: "api_auth_dry_run" takes on or off
--- config
    location = /t {
        api_auth_dry_run maybe;
    }
--- must_die
--- error_log
invalid value "maybe" in "api_auth_dry_run" directive, it must be "on" or "off"
