# $remote_user never shows an API key (security review, finding 3): a key
# sent as Basic ("curl -u KEY:") would be the user name of nginx's
# default "combined" access log. Where api_auth is on, $remote_user stays
# empty for Basic credentials however the request ends: limit_req's 503
# and client_max_body_size's 413 (both before the ACCESS phase), a
# rewrite-phase "return", an error_page into a location without api_auth,
# and nginx's own 400 for a second Authorization header (before any
# location). A location of the same server without api_auth keeps
# $remote_user for real Basic users.
#
# Each block shows $remote_user in a response header (add_header ...
# always, evaluated like the access log's field, after the request's
# end); the suite-wide scan (t/helpers/scan_logs.pl) also looks at the
# $remote_user field of every access-log line.
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001
# Basic base64("test-key-gpt-prod-0001:") = dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=
# Basic base64("alice:secret") = YWxpY2U6c2VjcmV0

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: limit_req's 503 (PREACCESS, before the check): no key in $remote_user
--- http_config
    limit_req_zone $binary_remote_addr zone=one:1m rate=1r/m;
--- config
    location = /t {
        limit_req zone=one;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        add_header X-User "[$remote_user]" always;
        echo "ok $api_auth_client";
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers
Authorization: Basic dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=
--- error_code eval
[200, 503]
--- response_headers eval
["X-User: []", "X-User: []"]
--- no_error_log
[alert]
unexpected exception



=== TEST 2: limit_req's 503 handed by error_page to a named location without api_auth: still no key
--- http_config
    limit_req_zone $binary_remote_addr zone=one:1m rate=1r/m;
--- config
    location = /t {
        limit_req zone=one;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        error_page 503 = @busy;
        echo "ok $api_auth_client";
    }
    location @busy {
        add_header X-User "[$remote_user]" always;
        return 429;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers
Authorization: Basic dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=
--- error_code eval
[200, 429]
--- response_headers eval
["", "X-User: []"]
--- no_error_log
[alert]
unexpected exception



=== TEST 3: client_max_body_size's 413 (found with the location, before any phase handler)
--- config
    location = /t {
        client_max_body_size 10;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        add_header X-User "[$remote_user]" always;
        echo "ok";
    }
--- request
POST /t
0123456789abcdefghij
--- more_headers
Authorization: Basic dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=
--- error_code: 413
--- response_headers
X-User: []
--- no_error_log
[alert]
unexpected exception



=== TEST 4: a rewrite-phase return in an api_auth location
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        add_header X-User "[$remote_user]" always;
        return 403;
    }
--- more_headers
Authorization: Basic dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=
--- error_code: 403
--- response_headers
X-User: []
--- no_error_log
[alert]
unexpected exception



=== TEST 5: nginx's own 400 for a second Authorization header, before any location: no key either
--- config
    add_header X-User "[$remote_user]" always;

--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- raw_request eval
"GET /t HTTP/1.1\r
Host: localhost\r
Authorization: Basic dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=\r
Authorization: Basic dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=\r
Connection: close\r
\r
"
--- error_code: 400
--- response_headers
X-User: []
--- no_error_log
[alert]
unexpected exception



=== TEST 6: a location of the same server without api_auth keeps $remote_user for a real Basic user
--- config
    location = /plain {
        add_header X-User "[$remote_user]" always;
        echo "plain";
    }
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- request
GET /plain
--- more_headers
Authorization: Basic YWxpY2U6c2VjcmV0
--- error_code: 200
--- response_headers
X-User: [alice]
--- no_error_log
[alert]
unexpected exception
