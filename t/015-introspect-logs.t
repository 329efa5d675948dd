# The introspection subrequest in the access logs (security review,
# finding 9): with "log_subrequest on" and $request_body in the log
# format, the subrequest's own line never shows the token (its form body
# is scrubbed when the call ends, before that line is written), and the
# main request's $request_body is its own body, never the introspection
# form (the subrequest gets its own cache of variable values).
#
# The access log is written into the error log file, so that the blocks
# can look at its lines.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: log_subrequest on, $request_body logged: no token in either line, the main request logs its own body
--- http_config
    log_format rb 'RB $uri [$request_body]';
--- config
    log_subrequest on;
    access_log logs/error.log rb;

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        access_log off;
        default_type application/json;
        return 200 '{"active":true,"sub":"u15"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo_read_request_body;
        echo "ok $api_auth_subject";
    }
--- request
POST /t
main-body-015
--- more_headers
Authorization: Bearer tok-015-1-secret
--- error_code: 200
--- response_body
ok u15
--- wait: 0.1
--- error_log eval
[
    qr{^RB /t \[main-body-015(?:\\x0A)?\]$},
    qr{^RB /_introspect \[-\]$},
]
--- no_error_log eval
[
    qr/^(?!.*\[debug\]).*tok-015-1-secret/,
    qr/RB .*token=/,
    "[alert]",
    "unexpected exception",
]



=== TEST 2: the same when the main request's body is read before the check would be (a body that is not yet read stays unread and unlogged)
--- http_config
    log_format rb 'RB $uri [$request_body]';
--- config
    log_subrequest on;
    access_log logs/error.log rb;

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        access_log off;
        default_type application/json;
        return 200 '{"active":false}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- request
POST /t
main-body-015-2
--- more_headers
Authorization: Bearer tok-015-2-secret
--- error_code: 401
--- wait: 0.1
--- error_log eval
[
    qr{^RB /t \[-\]$},
    qr{^RB /_introspect \[-\]$},
]
--- no_error_log eval
[
    qr/^(?!.*\[debug\]).*tok-015-2-secret/,
    qr/RB .*token=/,
    "[alert]",
    "unexpected exception",
]
