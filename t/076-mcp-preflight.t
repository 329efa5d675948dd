# api_auth_preflight auth | pass (SPEC.md Part 2): with "pass", an OPTIONS
# request with Origin and Access-Control-Request-Method (a browser's
# CORS preflight, which never carries credentials) is not authenticated;
# any other OPTIONS request still is, and "auth" (the default) checks
# every request.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: pass lets real preflights through, nothing else
--- config
    location = /mcp {
        api_auth api_key;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_preflight pass;
        echo "[$api_auth_result] $request_method";
    }
--- request eval
["OPTIONS /mcp", "OPTIONS /mcp", "OPTIONS /mcp", "POST /mcp"]
--- more_headers eval
[
"Origin: https://inspector.example.com\nAccess-Control-Request-Method: POST",
"Origin: https://inspector.example.com",
"Access-Control-Request-Method: POST",
"Origin: https://inspector.example.com\nAccess-Control-Request-Method: POST",
]
--- error_code eval
[200, 401, 401, 401]
--- response_body_like eval
[qr/^\[\] OPTIONS$/, qr/401/, qr/401/, qr/401/]



=== TEST 2: auth (the default) checks preflights too
--- config
    location = /mcp {
        api_auth api_key;
        api_auth_keys $TEST_NGINX_KEYS;
        echo "ok";
    }
--- request
OPTIONS /mcp
--- more_headers
Origin: https://inspector.example.com
Access-Control-Request-Method: POST
--- error_code: 401



=== TEST 3: nginx -t: another value
--- config
    location = /mcp {
        api_auth_preflight skip;
    }
--- request
GET /mcp
--- must_die
--- error_log
invalid value "skip"
