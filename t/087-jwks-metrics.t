# api_auth_jwks_fetches_total{result} (SPEC.md Part 2, "Operations"): one
# count per key set fetch that ended, ok (a usable set) or error (here a
# 500 from the key set location); a token verified with the set already
# there fetches nothing.

use Test::Nginx::Socket 'no_plan';
use FindBin;

require "$FindBin::Bin/helpers/jwt.pl";
require "$FindBin::Bin/helpers/jwks.pl";

our $Set = ::jwk_set(::rsa_jwk('rsa', 'rsa1'));
our $Tok = ::kid_jwt('rsa1');

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a good fetch counts ok, a failed one error, a verification with the set in place nothing
--- config
    api_auth_jwt_issuer https://as.example.com/;
    api_auth_require_audience https://api.example.com;
    location = /_jwks_good {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/jwks_files/set.json;
    }
    location = /_jwks_bad {
        internal;
        return 500;
    }
    location /jwks_files/ {
        root html;
        default_type application/json;
    }
    location = /t {
        api_auth oauth;
        api_auth_jwks /_jwks_good;
        echo "$api_auth_result";
    }
    location = /u {
        api_auth oauth;
        api_auth_jwks /_jwks_bad;
        echo "$api_auth_result";
    }
    location = /metrics {
        api_auth_metrics;
    }
--- user_files eval
[["jwks_files/set.json" => $::Set]]
--- request eval
["GET /t", "GET /t", "GET /u", "GET /metrics"]
--- more_headers eval
["Authorization: Bearer $::Tok", "Authorization: Bearer $::Tok",
 "Authorization: Bearer $::Tok", ""]
--- error_code eval
[200, 200, 503, 200]
--- response_body_like eval
["^allow\n\\z", "^allow\n\\z", "503",
 qr/^api_auth_jwks_fetches_total\{result="ok"\} 1\napi_auth_jwks_fetches_total\{result="error"\} 1$/m]
--- no_error_log
[alert]
[crit]
[emerg]
unexpected exception
