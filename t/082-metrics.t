# api_auth_metrics (SPEC.md Part 2, "Operations"): the Prometheus text
# format 0.0.4 with # HELP / # TYPE, counters that equal the traffic of
# the block exactly, summed over the rows of two workers; labels from the
# configuration only (server, location or api_auth_metrics_name, zone)
# and fixed sets - never a key, token, client id, address or URI; GET and
# HEAD only (405 otherwise); the cache and introspection families; dry-run
# rejections counted apart.  Reloads: t/083-metrics-reload.t.
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001   scope="orders.read orders.write"
#   noscope    test-key-noscope-0004    no scope
# test-key-unknown-9999 is in no file.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

master_on();
workers(2);
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the requests of the block, exactly, by method and result; HELP and TYPE; the content type
--- config
    location = /metrics {
        api_auth_metrics;
    }
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_require_scope orders.read;
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
[
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-unknown-9999",
    "Authorization: Bearer test-key-noscope-0004",
    "",
    "",
]
--- error_code eval
[200, 200, 200, 401, 403, 401, 200]
--- response_headers eval
["", "", "", "", "", "", "Content-Type: text/plain; version=0.0.4"]
--- response_body_like eval
[
    "ok", "ok", "ok", "401", "403", "401",
    qr/\A# HELP api_auth_requests_total [^\n]+
# TYPE api_auth_requests_total counter
(?:api_auth_requests_total\{[^\n]+\} \d+\n)*api_auth_requests_total\{server="localhost",location="\/t",method="none",result="missing"\} 1
.*api_auth_requests_total\{server="localhost",location="\/t",method="none",result="invalid_token"\} 1
.*api_auth_requests_total\{server="localhost",location="\/t",method="api_key",result="allow"\} 3
.*api_auth_requests_total\{server="localhost",location="\/t",method="api_key",result="insufficient_scope"\} 1
.*# TYPE api_auth_introspection_duration_seconds histogram
.*api_auth_build_info\{version="[0-9.]+"\} 1\n\z/s,
]



=== TEST 2: every count of the block is right, and no other series is non-zero
--- config
    location = /metrics {
        api_auth_metrics;
    }
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key optional;
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
[
    "Authorization: Bearer test-key-gpt-prod-0001",
    "",
    "",
    "Authorization: Bearer a b",
    "",
]
--- error_code eval
[200, 200, 200, 400, 200]
--- response_body_like eval
[
    "ok", "ok", "ok", "400",
    qr/\A(?:(?:#[^\n]*|\S+ 0|api_auth_requests_total\{server="localhost",location="\/t",method="api_key",result="allow"\} 1|api_auth_requests_total\{server="localhost",location="\/t",method="none",result="anonymous"\} 2|api_auth_requests_total\{server="localhost",location="\/t",method="none",result="invalid_request"\} 1|api_auth_introspection_duration_seconds_sum 0\.000|api_auth_build_info\{version="[0-9.]+"\} 1)\n)+\z/s,
]



=== TEST 3: only GET and HEAD: 405 for POST, HEAD has the headers and no body
--- config
    location = /metrics {
        api_auth_metrics;
    }
--- request eval
["POST /metrics\nx", "HEAD /metrics", "GET /metrics"]
--- error_code eval
[405, 200, 200]
--- response_headers eval
["", "Content-Type: text/plain; version=0.0.4", "Content-Type: text/plain; version=0.0.4"]
--- response_body_like eval
["405", "\\A\\z", "# TYPE api_auth_build_info gauge"]



=== TEST 4: api_auth_metrics_name groups locations; nested and "if" locations count with theirs; label values are escaped
--- config
    location /v1/ {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_metrics_name "public \"api\"";

        location /v1/orders {
            echo "ok";
        }

        echo "ok";
    }
    location /v2/ {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        api_auth_metrics_name "public \"api\"";
        if ($arg_x) {
            echo "if";
        }
        echo "ok";
    }
    location ~ ^/(a)\d+$ {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "ok";
    }
    location = /metrics {
        api_auth_metrics;
    }
--- request eval
["GET /v1/", "GET /v1/orders", "GET /v2/", "GET /v2/?x=1", "GET /a12", "GET /metrics"]
--- more_headers eval
[
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "",
]
--- response_body_like eval
[
    "ok", "ok", "ok", "if", "ok",
    qr/api_auth_requests_total\{server="localhost",location="public \\"api\\"",method="api_key",result="allow"\} 4\n.*api_auth_requests_total\{server="localhost",location="\^\/\(a\)\\\\d\+\$",method="api_key",result="allow"\} 1\n/s,
]



=== TEST 5: OAuth and the cache: lookups by status, entries, introspection calls by result, the duration histogram
--- http_config
    api_auth_cache_zone zone=tokens:1m;
--- config
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /_introspect_no {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as_no;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '{"active":true,"client_id":"client-082","sub":"u1"}';
    }
    location = /mock_as_no {
        default_type application/json;
        return 200 '{"active":false}';
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache tokens;
        echo "$api_auth_cache_status";
    }
    location = /u {
        api_auth oauth;
        api_auth_introspect /_introspect_no;
        api_auth_cache tokens;
        api_auth_metrics_name /t;
        echo "$api_auth_cache_status";
    }
    location = /metrics {
        api_auth_metrics;
    }
--- request eval
["GET /t", "GET /t", "GET /u", "GET /u", "GET /metrics"]
--- more_headers eval
[
    "Authorization: Bearer tok-082-5-active",
    "Authorization: Bearer tok-082-5-active",
    "Authorization: Bearer tok-082-5-inactive",
    "Authorization: Bearer tok-082-5-inactive",
    "",
]
--- error_code eval
[200, 200, 401, 401, 200]
--- response_body_like eval
[
    "MISS", "HIT", "401", "401",
    qr/api_auth_requests_total\{server="localhost",location="\/t",method="oauth",result="allow"\} 2
.*api_auth_requests_total\{server="localhost",location="\/t",method="oauth",result="invalid_token"\} 2
.*api_auth_cache_lookups_total\{zone="tokens",status="hit"\} 2
api_auth_cache_lookups_total\{zone="tokens",status="miss"\} 2
api_auth_cache_lookups_total\{zone="tokens",status="stale"\} 0
.*api_auth_cache_entries\{zone="tokens"\} 2
.*api_auth_cache_evictions_total\{zone="tokens"\} 0
.*api_auth_cache_store_failures_total\{zone="tokens"\} 0
.*api_auth_introspection_requests_total\{result="active"\} 1
api_auth_introspection_requests_total\{result="inactive"\} 1
api_auth_introspection_requests_total\{result="error"\} 0
.*api_auth_introspection_duration_seconds_bucket\{le="\+Inf"\} 2
api_auth_introspection_duration_seconds_sum \d+\.\d{3}
api_auth_introspection_duration_seconds_count 2
/s,
]



=== TEST 6: no secret in the output: no key, token, client id, address or URI
--- http_config
    api_auth_cache_zone zone=tokens:1m;
--- config
    location /api/ {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key oauth;
        api_auth_introspect /_introspect;
        api_auth_cache tokens;
        echo "ok";
    }
    location = /metrics {
        api_auth_metrics;
    }
--- mock_as: {"active":true,"client_id":"client-082-6","sub":"subject-082-6"}
--- request eval
["GET /api/x-uri-082?q=1", "GET /api/y-uri-082", "GET /api/z", "GET /metrics"]
--- more_headers eval
[
    "Authorization: Bearer test-key-gpt-prod-0001",
    "Authorization: Bearer tok-082-6-active",
    "Authorization: Bearer test-key-unknown-9999",
    "",
]
--- response_body_unlike eval
[
    "NONE", "NONE", "NONE",
    qr/test-key|tok-082|gpt-prod|client-082|subject-082|127\.0\.0\.1|uri-082|e9212a08/,
]
--- no_error_log
[alert]
[emerg]



=== TEST 7: dry-run rejections are counted apart, with their real result
--- config
    location = /metrics {
        api_auth_metrics;
    }
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
api_auth_dry_run on;
--- request eval
["GET /t", "GET /t", "GET /t", "GET /metrics"]
--- more_headers eval
[
    "Authorization: Bearer test-key-unknown-9999",
    "",
    "Authorization: Bearer test-key-gpt-prod-0001",
    "",
]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[
    "ok", "ok", "ok",
    qr/api_auth_requests_total\{server="localhost",location="\/t",method="none",result="missing"\} 1
.*api_auth_requests_total\{server="localhost",location="\/t",method="none",result="invalid_token"\} 1
.*api_auth_requests_total\{server="localhost",location="\/t",method="api_key",result="allow"\} 1
.*api_auth_dry_run_rejections_total\{server="localhost",location="\/t",result="missing"\} 1
.*api_auth_dry_run_rejections_total\{server="localhost",location="\/t",result="invalid_token"\} 1
/s,
]



=== TEST 8: "api_auth_metrics" takes no parameter and only in a location
--- http_config
    api_auth_metrics;
--- config
    location = /t {
        echo "ok";
    }
--- must_die
--- error_log
"api_auth_metrics" directive is not allowed here
