# Configuration of OAuth and the introspection cache (SPEC.md
# "Directives"): mistakes fail at startup with a message naming the
# directive, file or value, never at request time. "api_auth oauth" needs
# api_auth_introspect, which takes a local URI; api_auth_client_id and
# api_auth_client_secret_file go together; the secret file must exist and
# hold a secret; api_auth_cache_zone is http-level, at least 32k, unique,
# and given as zone=NAME:SIZE; api_auth_cache names a declared zone (else
# nginx's own "zero size shared memory zone"), with valid, non-duplicate
# times and max_ttl of at least 1s. A complete valid configuration
# (inherited from the http and server levels, secret file from
# t/data/oauth) starts and serves.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: "api_auth oauth" without api_auth_introspect
--- config
    location = /t {
        api_auth oauth;
        echo "ok";
    }
--- must_die
--- error_log
"api_auth oauth" requires "api_auth_introspect"



=== TEST 2: "api_auth api_key oauth" needs api_auth_introspect as well
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key oauth;
--- must_die
--- error_log
"api_auth oauth" requires "api_auth_introspect"



=== TEST 3: api_auth_introspect is a local URI, not the authorization server's URL
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect https://as.example.com/introspect;
        echo "ok";
    }
--- must_die
--- error_log
"api_auth_introspect" takes a local URI such as "/_introspect", not "https://as.example.com/introspect"



=== TEST 4: api_auth_introspect given twice
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_a;
        api_auth_introspect /_b;
        echo "ok";
    }
--- must_die
--- error_log
"api_auth_introspect" directive is duplicate



=== TEST 5: api_auth_client_id without api_auth_client_secret_file
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_client_id c1;
        echo "ok";
    }
--- must_die
--- error_log
"api_auth_client_id" and "api_auth_client_secret_file" must be set together



=== TEST 6: api_auth_client_secret_file without api_auth_client_id
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_client_secret_file $TEST_NGINX_DATA_DIR/oauth/secret.txt;
        echo "ok";
    }
--- must_die
--- error_log
"api_auth_client_id" and "api_auth_client_secret_file" must be set together



=== TEST 7: a missing secret file, with nginx's errno text
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_client_id c1;
        api_auth_client_secret_file ../html/no-such-secret.txt;
        echo "ok";
    }
--- must_die
--- error_log eval
qr{api_auth: cannot open "[^"]*/html/no-such-secret\.txt" \(2: No such file or directory\)}



=== TEST 8: a secret file holding only a newline is empty
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_client_id c1;
        api_auth_client_secret_file ../html/blank.txt;
        echo "ok";
    }
--- user_files
>>> blank.txt

--- must_die
--- error_log eval
qr{api_auth: client secret file "[^"]*/html/blank\.txt" is empty}



=== TEST 9: a directory is not a secret file
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_client_id c1;
        api_auth_client_secret_file ../html;
        echo "ok";
    }
--- must_die
--- error_log eval
qr{api_auth: "[^"]*/html" is not a regular file}



=== TEST 10: a zone smaller than 32k (8 pages)
--- http_config
    api_auth_cache_zone zone=tiny:1k;
--- config
    location = /t {
        echo "ok";
    }
--- must_die
--- error_log
api_auth: zone "zone=tiny:1k" is too small



=== TEST 11: the same zone declared twice
--- http_config
    api_auth_cache_zone zone=z:1m;
    api_auth_cache_zone zone=z:1m;
--- config
    location = /t {
        echo "ok";
    }
--- must_die
--- error_log
api_auth: duplicate zone "z"



=== TEST 12: a zone name reused with another size
--- http_config
    api_auth_cache_zone zone=z:1m;
    api_auth_cache_zone zone=z:2m;
--- config
    location = /t {
        echo "ok";
    }
--- must_die
--- error_log
shared memory zone "z" conflicts with already declared size



=== TEST 13: api_auth_cache_zone without "zone="
--- http_config
    api_auth_cache_zone z:1m;
--- config
    location = /t {
        echo "ok";
    }
--- must_die
--- error_log
api_auth: invalid parameter "z:1m", expected "zone=NAME:SIZE"



=== TEST 14: api_auth_cache_zone without a size
--- http_config
    api_auth_cache_zone zone=z;
--- config
    location = /t {
        echo "ok";
    }
--- must_die
--- error_log
api_auth: invalid zone "zone=z", expected "zone=NAME:SIZE"



=== TEST 15: api_auth_cache_zone with a size that is not a size
--- http_config
    api_auth_cache_zone zone=z:lots;
--- config
    location = /t {
        echo "ok";
    }
--- must_die
--- error_log
api_auth: invalid zone size "zone=z:lots"



=== TEST 16: api_auth_cache_zone is not allowed in a server
--- config
    api_auth_cache_zone zone=z:1m;
    location = /t {
        echo "ok";
    }
--- must_die
--- error_log
"api_auth_cache_zone" directive is not allowed here



=== TEST 17: api_auth_cache naming a zone that is never declared
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache nosuchzone;
        echo "ok";
    }
--- must_die
--- error_log
zero size shared memory zone "nosuchzone"



=== TEST 18: a max_ttl that is not a time
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache z max_ttl=forever;
        echo "ok";
    }
--- must_die
--- error_log
api_auth: invalid time in "max_ttl=forever"



=== TEST 19: max_ttl=0 would cache nothing: at least 1s
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache z max_ttl=0;
        echo "ok";
    }
--- must_die
--- error_log
api_auth: "max_ttl" must be at least 1s



=== TEST 20: a negative_ttl that is not a time
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache z negative_ttl=-5s;
        echo "ok";
    }
--- must_die
--- error_log
api_auth: invalid time in "negative_ttl=-5s"



=== TEST 21: a time past 365d (now + ttl would come near time_t overflow)
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache z max_ttl=300s stale_if_error=9223372036854775s;
        echo "ok";
    }
--- must_die
--- error_log
api_auth: time in "stale_if_error=9223372036854775s" is more than 365d



=== TEST 22: 365d is accepted for every time
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache z max_ttl=365d negative_ttl=365d stale_if_error=365d;
        echo "ok";
    }
--- error_code: 401
--- no_error_log
[emerg]
[alert]



=== TEST 23: an unknown api_auth_cache parameter
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache z stale_while_revalidate=5s;
        echo "ok";
    }
--- must_die
--- error_log
api_auth: invalid parameter "stale_while_revalidate=5s"



=== TEST 24: an api_auth_cache parameter given twice
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache z max_ttl=10s max_ttl=20s;
        echo "ok";
    }
--- must_die
--- error_log
api_auth: duplicate parameter "max_ttl=20s"



=== TEST 25: "api_auth_cache off" takes no parameters
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache off max_ttl=10s;
        echo "ok";
    }
--- must_die
--- error_log
api_auth: "off" takes no other parameter



=== TEST 26: api_auth_cache given twice in one location
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_cache z;
        api_auth_cache off;
        echo "ok";
    }
--- must_die
--- error_log
"api_auth_cache" directive is duplicate



=== TEST 27: a scope that is not an RFC 6749 scope-token
--- config
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        api_auth_require_scope orders.read "bad\"scope";
        echo "ok";
    }
--- must_die
--- error_log
api_auth: invalid value "bad"scope"



=== TEST 28: "api_auth oauth" with an unknown method next to it
--- config
    location = /t {
        api_auth oauth jwt;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- must_die
--- error_log
api_auth: invalid parameter "jwt"



=== TEST 29: a complete configuration inherited from http and server levels starts and serves
--- http_config
    api_auth_cache_zone zone=z:1m;
    api_auth_cache z max_ttl=60s negative_ttl=5s stale_if_error=30s;
--- config
    api_auth_introspect /_introspect;
    api_auth_client_id gateway;
    api_auth_client_secret_file $TEST_NGINX_DATA_DIR/oauth/secret.txt;
    api_auth_realm orders;
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        echo '{"active":true,"sub":"u1","scope":"orders.read","aud":"orders","az":"$http_authorization"}';
    }
    location = /t {
        api_auth oauth;
        api_auth_require_scope orders.read;
        api_auth_require_audience orders;
        echo "$api_auth_result $api_auth_cache_status $api_auth_subject $api_auth_claim_az";
    }
--- more_headers
Authorization: Bearer tok-030-27
--- error_code: 200
--- response_body eval
use MIME::Base64;
"allow MISS u1 Basic " . encode_base64("gateway:oauth-fixture-secret", "") . "\n"



=== TEST 30: an inherited realm shows in a rejection of the fully inherited configuration
--- http_config
    api_auth_cache_zone zone=z:1m;
    api_auth_cache z;
--- config
    api_auth_introspect /_introspect;
    api_auth_realm orders;
    location = /t {
        api_auth oauth;
        api_auth_require_scope orders.write;
        echo "ok";
    }
--- mock_as: {"active":true,"sub":"u1","scope":"orders.read"}
--- more_headers
Authorization: Bearer tok-030-28
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="orders", error="insufficient_scope", scope="orders.write"
