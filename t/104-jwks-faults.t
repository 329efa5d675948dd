# api_auth_jwks faults (SPEC.md "JWT access tokens", "Keys", "Responses"):
# a key set fetch answer counts only if it is a complete 200 JSON object
# with a "keys" array holding a usable key, without Content-Encoding and
# within subrequest_output_buffer_size (and 1 MB).  On first use, a
# refused connection, a hanging server (bounded by proxy_read_timeout), a
# 5xx, an HTML page, a gzip body, a body of over 1 MB and {"keys":[]} each
# answer 503 with Retry-After, never 500, and name the cause in the log;
# the same faults during a refresh leave the last good set serving,
# cached and new tokens alike, until stale_if_error= past its refresh
# time, and then 503.
#
# The mock: /jwks_src serves html/jwks_files/set.json while it exists,
# else the block's fault (/fault, an internal redirect); a block deletes the file (dav) to make
# the authorization server fail after a good fetch.

use Test::Nginx::Socket 'no_plan';
use FindBin;

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/jwt.pl";
require "$FindBin::Bin/helpers/jwks.pl";

our $Rsa1 = ::rsa_jwk('rsa', 'rsa1');
our $Set1 = ::jwk_set($Rsa1);
our $Tok1 = ::kid_jwt('rsa1');
our $TokB = ::kid_jwt('rsa1', claims => { client_id => 'c2' });

# over 1 MB, a valid set apart from its size
our $Big = '{"keys":[' . $Rsa1 . '],"pad":"' . ('x' x (1024 * 1024 + 10)) . '"}';

our %Fault = (
    hang   => 'echo_sleep 3; echo "{}";',
    status => 'return 500;',
    html   => 'default_type text/html; return 200 "<html><body>Sign in</body></html>";',
    gzip   => qq{default_type application/json; add_header Content-Encoding gzip; return 200 '$Set1';},
    big    => 'default_type application/json; alias html/big.json;',
    empty  => qq{default_type application/json; return 200 '{"keys":[]}';},
    closed => 'return 444;',
);

# the server's locations: /t with api_auth_jwks PARAMS, the mock with FAULT
sub loc {
    my ($fault, $params, $jwks_pass) = @_;
    my $f = $Fault{$fault} // die "no fault $fault";

    $jwks_pass //= 'http://127.0.0.1:$TEST_NGINX_SERVER_PORT/jwks_src';

    return <<"_EOC_";
    api_auth_jwt_issuer https://as.example.com/;
    api_auth_require_audience https://api.example.com;
    location = /_jwks {
        internal;
        proxy_read_timeout 1s;
        subrequest_output_buffer_size 2m;
        proxy_pass $jwks_pass;
    }
    location = /jwks_src {
        root html;
        access_log logs/jwks.log jwks_mock;
        default_type application/json;
        try_files /jwks_files/set.json /fault;
    }
    location = /fault {
        access_log logs/jwks.log jwks_fault;
        $f
    }
    location = /fetches {
        default_type text/plain;
        alias logs/jwks.log;
    }
    location /jwks_files/ {
        root html;
        dav_methods DELETE;
    }
    location = /sleep1 { echo_sleep 1.1; echo ok; }
    location = /sleep4 { echo_sleep 4.1; echo ok; }
    location = /t {
        api_auth oauth;
        api_auth_cache z;
        api_auth_jwks /_jwks $params;
        echo "\$api_auth_result|\$api_auth_cache_status|\$api_auth_token_type|\$api_auth_client";
    }
_EOC_
}

# the http_config of every block with jwks_steps (t/helpers/jwks.pl)
our $HttpConfig = <<'_EOC_';
    api_auth_cache_zone zone=z:1m;
    log_format jwks_mock "ok";
    log_format jwks_fault "fault";
_EOC_

# the steps of a block (--- jwks_steps, t/helpers/jwks.pl):
# [REQUEST, STATUS, BODY]

# a fault on first use: 503 with Retry-After
our @First = ([bearer($Tok1), 503]);

# a fault during a refresh (refresh=1s, stale_if_error=4s): the last good
# set serves a cached and a new token, then 503 once it is too stale
our $Denied = qr/503 Service/;
our @Refresh = ([bearer($Tok1), 200, qr/\Aallow\|MISS\|jwt\|c1\n\z/],
                [del_set(), 204, qr/\A\z/], [pause(1), 200, qr/\Aok\n\z/],
                [bearer($Tok1), 200, qr/\Aallow\|HIT\|jwt\|c1\n\z/],
                [bearer($TokB), 200, qr/\Aallow\|MISS\|jwt\|c2\n\z/],
                [pause(4), 200, qr/\Aok\n\z/], [bearer($Tok1), 503, $Denied],
                [fetches(), 200, qr/\Aok\n(?:fault\n){2,3}\z/]);
# a hanging fault is logged when its sleep ends, after the fetch gave up
our @RefreshHang = (@Refresh[0 .. 6],
                    [fetches(), 200, qr/\Aok\n(?:fault\n){1,3}\z/]);
our $RefreshParams = 'refresh=1s min_refresh=1s stale_if_error=4s';

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: first use, connection refused: 503 with Retry-After
--- config eval
::loc('status', '', 'http://127.0.0.1:1/jwks')
--- jwks_steps eval
[@::First]
--- response_headers eval
["Retry-After: 5"]
--- error_log eval
[qr/JWT key set fetch from "\/_jwks" failed: status not 200 \(status 502\)/, qr/no usable JWT key set from "\/_jwks": the fetch failed/]
--- no_error_log eval
[@::NoCritLog]



=== TEST 2: first use, a hanging server (proxy_read_timeout 1s): 503 with Retry-After
--- config eval
::loc('hang', '')
--- jwks_steps eval
[@::First]
--- response_headers eval
["Retry-After: 5"]
--- error_log eval
[qr/upstream timed out/, qr/JWT key set fetch from "\/_jwks" failed: status not 200 \(status 504\)/]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 5



=== TEST 3: first use, a 500: 503 with Retry-After
--- config eval
::loc('status', '')
--- jwks_steps eval
[@::First]
--- response_headers eval
["Retry-After: 5"]
--- error_log eval
qr/JWT key set fetch from "\/_jwks" failed: status not 200 \(status 500\)/
--- no_error_log eval
[@::NoCritLog]



=== TEST 4: first use, an HTML page with 200: 503 with Retry-After
--- config eval
::loc('html', '')
--- jwks_steps eval
[@::First]
--- response_headers eval
["Retry-After: 5"]
--- error_log eval
qr/JWT key set fetch from "\/_jwks" failed: not a JWK Set/
--- no_error_log eval
[@::NoCritLog]



=== TEST 5: first use, a good set with Content-Encoding gzip: 503 with Retry-After
--- config eval
::loc('gzip', '')
--- jwks_steps eval
[@::First]
--- response_headers eval
["Retry-After: 5"]
--- error_log eval
qr/JWT key set fetch from "\/_jwks" failed: response has Content-Encoding/
--- no_error_log eval
[@::NoCritLog]



=== TEST 6: first use, a set of over 1 MB (within a 2m subrequest_output_buffer_size): 503 with Retry-After
--- config eval
::loc('big', '')
--- user_files eval
[["big.json" => $::Big]]
--- jwks_steps eval
[@::First]
--- response_headers eval
["Retry-After: 5"]
--- error_log eval
qr/JWT key set fetch from "\/_jwks" failed: response too large/
--- no_error_log eval
[@::NoCritLog]



=== TEST 7: first use, {"keys":[]}: 503 with Retry-After
--- config eval
::loc('empty', '')
--- jwks_steps eval
[@::First]
--- response_headers eval
["Retry-After: 5"]
--- error_log eval
qr/JWT key set fetch from "\/_jwks" failed: no usable key/
--- no_error_log eval
[@::NoCritLog]



=== TEST 8: during a refresh, the connection closed without an answer: the last good set serves until stale_if_error=
--- config eval
::loc('closed', $::RefreshParams)
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::Refresh]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 6



=== TEST 9: during a refresh, a hanging server: the last good set serves until stale_if_error=
--- config eval
::loc('hang', $::RefreshParams)
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::RefreshHang]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 6



=== TEST 10: during a refresh, a 500: the last good set serves until stale_if_error=
--- config eval
::loc('status', $::RefreshParams)
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::Refresh]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 6



=== TEST 11: during a refresh, an HTML page: the last good set serves until stale_if_error=
--- config eval
::loc('html', $::RefreshParams)
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::Refresh]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 6



=== TEST 12: during a refresh, gzip: the last good set serves until stale_if_error=
--- config eval
::loc('gzip', $::RefreshParams)
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::Refresh]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 6



=== TEST 13: during a refresh, over 1 MB: the last good set serves until stale_if_error=
--- config eval
::loc('big', $::RefreshParams)
--- user_files eval
[["jwks_files/set.json" => $::Set1], ["big.json" => $::Big]]
--- jwks_steps eval
[@::Refresh]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 6



=== TEST 14: during a refresh, {"keys":[]}: a bad answer never replaces the good set, which serves until stale_if_error=
--- config eval
::loc('empty', $::RefreshParams)
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::Refresh]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 6
