# api_auth_jwks in one worker (SPEC.md "JWT access tokens", "Keys"):
# requests that need the key set while its fetch is in flight wait for
# that fetch instead of fetching again, with or without api_auth_cache;
# when the fetch fails, every waiter gets its answer (503 with
# Retry-After) instead of hanging, and none fetches again at once.
#
# How (as t/023-coalesce.t): one client request to /fan starts N
# subrequests at once with echo_location_async; each goes through
# /x?t=TOKEN, which proxies to /t with "Authorization: Bearer TOKEN", so
# that N main requests of this nginx are in flight together while the
# mock JWKS (0.5 s) answers the first fetch. The fetches are counted in
# the mock's own access log, read by a second request.

use Test::Nginx::Socket 'no_plan';
use FindBin;

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/jwt.pl";
require "$FindBin::Bin/helpers/jwks.pl";

our $Set1 = ::jwk_set(::rsa_jwk('rsa', 'rsa1'));
our @Toks = map { ::kid_jwt('rsa1', claims => { client_id => "c$_" }) } 1 .. 10;

our $HttpConfig = <<'_EOC_';
    api_auth_cache_zone zone=z:1m;
    log_format jwks_mock "$request_method";
_EOC_

# /t with api_auth_jwks (and the cache unless "nocache"); the mock
# answers STATUS after 0.5 s
sub loc {
    my ($status, $nocache) = @_;
    my $cache = $nocache ? '' : 'api_auth_cache z;';

    return <<"_EOC_";
    api_auth_jwt_issuer https://as.example.com/;
    api_auth_require_audience https://api.example.com;
    location = /_jwks {
        internal;
        subrequest_output_buffer_size 64k;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/jwks_slow;
    }
    location = /jwks_slow {
        default_type application/json;
        access_log logs/jwks.log jwks_mock;
        echo_sleep 0.5;
        echo_status $status;
        echo '$Set1';
    }
    location = /fetches {
        default_type text/plain;
        alias logs/jwks.log;
    }
    location = /t {
        api_auth oauth;
        $cache
        api_auth_jwks /_jwks;
        add_header X-Retry \$sent_http_retry_after always;
        echo "\$api_auth_result \$api_auth_client";
    }
    location = /x {
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/t;
        proxy_set_header Authorization "Bearer \$arg_t";
        proxy_intercept_errors on;
        error_page 401 403 500 503 = \@denied;
    }
    location \@denied {
        echo "\$upstream_status retry=\$upstream_http_retry_after";
    }
    location = /fan {
_EOC_
}

sub fan {
    return join("", map { "        echo_location_async /x \"t=$_\";\n" } @Toks)
           . "    }\n";
}

our $AllAllowed = join "", map { "allow c$_\n" } 1 .. 10;
our $AllDown = "503 retry=5\n" x 10;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: 10 concurrent first requests with distinct tokens, with api_auth_cache: one fetch, all allowed
--- http_config eval
$::HttpConfig
--- config eval
::loc(200) . ::fan()
--- request eval
["GET /fan", "GET /fetches"]
--- response_body eval
[$::AllAllowed, "GET\n"]
--- timeout: 5



=== TEST 2: the same without api_auth_cache: the worker's set, one fetch, all allowed
--- http_config eval
$::HttpConfig
--- config eval
::loc(200, 1) . ::fan()
--- request eval
["GET /fan", "GET /fetches"]
--- response_body eval
[$::AllAllowed, "GET\n"]
--- timeout: 5



=== TEST 3: the fetch they wait for fails: every waiter answers 503 with Retry-After, and none fetches again at once
--- http_config eval
$::HttpConfig
--- config eval
::loc(500) . ::fan()
--- request eval
["GET /fan", "GET /fetches"]
--- response_body eval
[$::AllDown, "GET\n"]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 5
