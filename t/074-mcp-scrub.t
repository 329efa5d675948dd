# api_auth_scrub_headers NAME... | off (SPEC.md Part 2): client-sent
# headers named, or starting with a prefix*, are removed on every request
# of the location, allowed or not; names are case-insensitive and '-'
# equals '_' (underscores_in_headers on lets "X_Auth_User" through to the
# location).  "off" cancels an inherited list.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: names and prefixes, any case, '_' as '-', allowed or rejected
--- http_config
    underscores_in_headers on;
--- config
    location /backend {
        api_auth_scrub_headers off;
        echo "[$http_x_auth_user] [$http_x_user] [$http_x_keep] [$http_x_auth_role]";
    }
    api_auth_scrub_headers X-Auth-* x_user;
    location = /open {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /keys {
        api_auth api_key;
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_key_source header=X-Api-Key;
        error_page 401 = /backend;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /off {
        api_auth_scrub_headers off;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /open", "GET /keys", "GET /keys", "GET /off"]
--- more_headers eval
[
"X_Auth_User: admin\nx-user: root\nX-Keep: k\nX-AUTH-ROLE: boss",
"X-Api-Key: test-key-gpt-prod-0001\nX-Auth-User: admin\nX_USER: root\nX-Keep: k",
"X-Auth-User: admin\nX-User: root\nX-Keep: k",
"X-Auth-User: admin\nX-User: root\nX-Keep: k",
]
--- error_code eval
[200, 200, 200, 200]
--- response_body eval
[
"[] [] [k] []\n",
"[] [] [k] []\n",
"[] [] [k] []\n",
"[admin] [root] [k] []\n",
]



=== TEST 2: nginx -t: a bad name
--- config
    location / {
        api_auth_scrub_headers "X Auth";
    }
--- request
GET /
--- must_die
--- error_log
invalid header name "X Auth", expected NAME or PREFIX*
