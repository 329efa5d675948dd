# Request coalescing in one worker (SPEC.md "Introspection cache", last
# rule): concurrent requests with the same uncached token cause ONE
# introspection call; the others wait for it and get its answer from the
# zone (cache status HIT), allowed or rejected alike, with its claims.
# Different tokens are never merged. When the call in flight fails,
# every waiter still gets an answer (503) instead of hanging. Without a
# cache zone there is nothing to coalesce on: every request calls.
# t/022-cache-workers.t does the same across two workers.
#
# How: one client request to /fan starts N subrequests at once with
# echo_location_async; each goes through /x?l=LOC&t=TOKEN, which proxies
# to /LOC with "Authorization: Bearer TOKEN". Those proxied requests are
# new main requests of this nginx, all in flight together, while the mock
# server (/mock_slow, 0.5 s) answers the first call. Which of them makes
# the call is not fixed, so bodies are matched with "exactly one MISS".
# The calls are also counted where they arrive: the mock AS's own access
# log (one line per call, with its body), read by a second request.

use Test::Nginx::Socket 'no_plan';
use FindBin;

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/as_calls.pl";

require "$FindBin::Bin/helpers/sequences.pl";

our $Harness = ::introspect("slow") . ::introspect("slow_inactive")
    . ::introspect("slow_down")
    . ::logged_mock("slow", '{"active":true,"sub":"u1","body":"$request_body"}',
                    sleep => 0.5)
    . ::logged_mock("slow_inactive", '{"active":false}', sleep => 0.5)
    . ::logged_mock("slow_down", 'down', sleep => 0.3, status => 500)
    . ::seq_harness() . ::as_calls_location();

# a protected location /NAME that asks /_introspect_SERVER, with CACHE
sub protected {
    my ($name, $server, $cache) = @_;
    return ::protected_location($name, $server, cache => $cache,
                                echo => ' $api_auth_claim_body');
}

# exactly this body
sub exactly {
    my $s = join "", @_;
    return qr/\A\Q$s\E\z/;
}

sub call {
    my ($mock, $token) = @_;
    return ::as_call("/mock_$mock", $token);
}

# $n pairs of lines "$pre STATUS $x", "$pre STATUS $y", in this order,
# with exactly one MISS for each of $x and $y and HIT for the others
sub alternating {
    my ($n, $pre, $x, $y) = @_;
    my $once = join "", map {
        "(?=[\\s\\S]*MISS \Q$_\E\n)(?![\\s\\S]*MISS \Q$_\E\n[\\s\\S]*MISS \Q$_\E\n)"
    } $x, $y;
    return qr/\A$once(?:\Q$pre\E (?:MISS|HIT) \Q$x\E\n\Q$pre\E (?:MISS|HIT) \Q$y\E\n){$n}\z/;
}

# a body of $n lines, exactly one of them $miss and the others $hit
sub one_miss {
    my ($n, $miss, $hit) = @_;
    return qr/\A(?=(?:[^\n]*\n){$n}\z)(?:\Q$hit\E\n)*\Q$miss\E\n(?:\Q$hit\E\n)*\z/;
}

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: 8 concurrent requests with one new token: one introspection call, all allowed with its claims
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "slow", "z") . ::fan("fan", ("l=ok&t=tok-023-1") x 8)
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[::one_miss(8, "200 allow MISS token=tok-023-1&token_type_hint=access_token",
              "200 allow HIT token=tok-023-1&token_type_hint=access_token"),
 ::as_calls(::call("slow", "tok-023-1"))]
--- timeout: 5



=== TEST 2: 8 concurrent requests with one new inactive token: one call, all rejected
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("inactive", "slow_inactive", "z")
. ::fan("fan", ("l=inactive&t=tok-023-2") x 8)
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[::one_miss(8, "401 invalid_token MISS", "401 invalid_token HIT"),
 ::as_calls(::call("slow_inactive", "tok-023-2"))]
--- timeout: 5



=== TEST 3: different tokens are never merged: 4 concurrent tokens, 4 calls, 4 MISSes
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "slow", "z")
. ::fan("fan", map { "l=ok&t=tok-023-3$_" } qw(a b c d))
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[::exactly("200 allow MISS token=tok-023-3a&token_type_hint=access_token\n200 allow MISS token=tok-023-3b&token_type_hint=access_token\n200 allow MISS token=tok-023-3c&token_type_hint=access_token\n200 allow MISS token=tok-023-3d&token_type_hint=access_token\n"),
 ::as_calls((map { ::call("slow", "tok-023-3$_") } qw(a b c d)))]
--- timeout: 5



=== TEST 4: two tokens, four requests each, interleaved: two calls
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "slow", "z")
. ::fan("fan", ("l=ok&t=tok-023-4a", "l=ok&t=tok-023-4b") x 4)
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[::alternating(4, "200 allow", "token=tok-023-4a&token_type_hint=access_token",
                 "token=tok-023-4b&token_type_hint=access_token"),
 ::as_calls(::call("slow", "tok-023-4a"), ::call("slow", "tok-023-4b"))]
--- timeout: 5



=== TEST 5: the call in flight fails: every waiter still gets its 503, none hangs
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("down", "slow_down", "z")
. ::fan("fan", ("l=down&t=tok-023-5") x 4)
--- request
GET /fan
--- response_body
503 unavailable MISS
503 unavailable MISS
503 unavailable MISS
503 unavailable MISS
--- error_log
api_auth: introspection failed: status 500
--- no_error_log
[alert]
[emerg]
unexpected exception
--- timeout: 5



=== TEST 6: without a cache zone nothing is coalesced: 4 concurrent requests, 4 calls, BYPASS
--- http_config
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "slow", "off")
. ::fan("fan", ("l=ok&t=tok-023-6") x 4)
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[::exactly("200 allow BYPASS token=tok-023-6&token_type_hint=access_token\n200 allow BYPASS token=tok-023-6&token_type_hint=access_token\n200 allow BYPASS token=tok-023-6&token_type_hint=access_token\n200 allow BYPASS token=tok-023-6&token_type_hint=access_token\n"),
 ::as_calls((::call("slow", "tok-023-6")) x 4)]
--- timeout: 5



=== TEST 7: waiters are answered as soon as the call ends, not after the 10 s in-flight bound
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "slow", "z") . ::fan("fan", ("l=ok&t=tok-023-7") x 8)
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[::one_miss(8, "200 allow MISS token=tok-023-7&token_type_hint=access_token",
              "200 allow HIT token=tok-023-7&token_type_hint=access_token"),
 ::as_calls(::call("slow", "tok-023-7"))]
--- timeout: 1.5



=== TEST 8: the waiters of a call that fails share its outcome: 8 concurrent requests, one failing call, all 503 at once
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("down", "slow_down", "z")
. ::fan("fan", ("l=down&t=tok-023-8") x 8)
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[qr/\A(?:503 unavailable (?:MISS|HIT)\n){8}\z/,
 ::as_calls(::call("slow_down", "tok-023-8"))]
--- no_error_log
[alert]
[emerg]
unexpected exception
--- timeout: 1.5



=== TEST 9: a call that outlives its in-flight marker (10 s) does not end the newer call's marker: its failure is not passed to the newer call's waiters
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . <<'_EOC_'
    # one introspection URI (one cache namespace); $as_mock, set by the
    # calling location, picks the answer
    location = /_introspect_switch {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_$as_mock;
    }
_EOC_
. ::logged_mock("hang_fail", 'down', sleep => 11, status => 500)
. ::logged_mock("slow_ok", '{"active":true,"sub":"u1"}', sleep => 1.5)
. ::protected_location("first", "switch", cache => "z",
                       first => ['set $as_mock hang_fail;'])
. ::protected_location("second", "switch", cache => "z",
                       first => ['set $as_mock slow_ok;'])
. <<'_EOC_'
    # t = 0: the first call; 10.5 s: its marker has expired, the second
    # call starts; 10.7 s: a waiter for the second call; 11 s: the first
    # call fails; 12 s: the second call answers
_EOC_
. ::sequence("at_10_5", "echo_sleep 10.5", "l=second&t=tok-023-9")
. ::sequence("at_10_7", "echo_sleep 10.7", "l=second&t=tok-023-9")
. ::fan("fan", "l=first&t=tok-023-9", "/at_10_5", "/at_10_7")
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[::exactly("503 unavailable MISS\n200 allow MISS\n200 allow HIT\n"),
 ::as_calls(::call("hang_fail", "tok-023-9"), ::call("slow_ok", "tok-023-9"))]
--- no_error_log
[alert]
[emerg]
unexpected exception
--- timeout: 16
