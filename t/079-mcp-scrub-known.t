# api_auth_scrub_headers on headers nginx itself indexes in r->headers_in
# (User-Agent, Cookie, X-Forwarded-For, ...): a scrubbed header is gone
# for every reader, not only from the header list a proxied request is
# built from - $http_NAME, $cookie_NAME and $proxy_add_x_forwarded_for
# must not show the client's value either (a spoofed X-Forwarded-For the
# operator scrubs never reaches the upstream through
# $proxy_add_x_forwarded_for).  Also for a second header of the same name
# (nginx >= 1.23 chains them with "next"; 1.22 keeps an array).

use Test::Nginx::Socket 'no_plan';

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: scrubbed known headers are empty in their variables
--- config
    location = /t {
        api_auth_scrub_headers User-Agent Cookie X-Forwarded-For;
        echo "[$http_user_agent][$http_cookie][$cookie_sid][$http_x_forwarded_for][$http_x_keep]";
    }
--- request
GET /t
--- more_headers
User-Agent: spoofed-agent
Cookie: sid=s1
Cookie: other=o2
X-Forwarded-For: 6.6.6.6
X-Forwarded-For: 7.7.7.7
X-Keep: k
--- error_code: 200
--- response_body
[][][][][k]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 2: $proxy_add_x_forwarded_for holds only the client address after the scrub
--- config
    location = /backend {
        api_auth_scrub_headers off;
        echo "[$http_x_forwarded_for][$http_cookie]";
    }
    location = /t {
        api_auth api_key;
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth_scrub_headers X-Forwarded-* Cookie;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header Cookie $http_cookie;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
X-Forwarded-For: 6.6.6.6
Cookie: sid=s1
--- error_code: 200
--- response_body
[127.0.0.1][]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 3: the headers that stay keep their variables (only the scrubbed one of a pair goes)
--- http_config
    underscores_in_headers on;
--- config
    location = /t {
        api_auth_scrub_headers X-Forwarded-For;
        echo "[$http_user_agent][$http_cookie]";
    }
--- request
GET /t
--- more_headers
User-Agent: real-agent
Cookie: sid=s1
X-Forwarded-For: 6.6.6.6
--- error_code: 200
--- response_body
[real-agent][sid=s1]
--- no_error_log
[error]
[alert]
[crit]
