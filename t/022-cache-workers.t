# The cache is one zone for all workers (SPEC.md "Introspection cache"):
# with two worker processes, an entry stored by one worker is a HIT, with
# its claims, in the other; a negative entry likewise; and concurrent
# requests for one new token spread over both workers still cause ONE
# introspection call ("across all workers of the host"): the waiters in
# the other worker poll the zone's in-flight marker.
#
# How: the server also listens on a second port with "reuseport", where
# the kernel spreads connections over both workers' sockets. /x?l=LOC&
# t=TOKEN proxies to /LOC on that port with the token, so consecutive or
# concurrent requests of one sequence land on both workers. Each 200 line
# carries the worker's $pid, and the bodies require at least two
# different pids (the chance that 20 connections all land on one worker
# is 2^-19). The calls are counted where they arrive, in the mock AS's
# own access log (t/helpers/as_calls.pl), read by a last request.

use Test::Nginx::Socket 'no_plan';
use FindBin;

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/as_calls.pl";

require "$FindBin::Bin/helpers/sequences.pl";

our $Harness = "    listen 127.0.0.1:\$TEST_NGINX_RAND_PORT_1 reuseport;\n"
    . ::introspect("ok") . ::introspect("slow") . ::introspect("slow_inactive")
    . ::logged_mock("ok", '{"active":true,"sub":"u1","scope":"orders.read","tenant":"t-42"}')
    . ::logged_mock("slow", '{"active":true,"sub":"u1","scope":"orders.read","tenant":"t-42"}',
                    sleep => 0.5)
    . ::logged_mock("slow_inactive", '{"active":false}', sleep => 0.5)
    . ::seq_harness(port => '$TEST_NGINX_RAND_PORT_1')
    . ::as_calls_location();

# a protected location /NAME that asks /_introspect_SERVER through zone z
sub protected {
    my ($name, $server) = @_;
    return ::protected_location($name, $server, cache => 'z',
        echo => ' $api_auth_subject $api_auth_claim_tenant pid=$pid');
}

# $n lines matching $first (once, anywhere) or $rest, from two workers
sub two_workers {
    my ($n, $once, $rest) = @_;
    return qr/\A(?=[\s\S]*pid=(\d+)\n[\s\S]*pid=(?!\1\n)\d+\n)(?=(?:[^\n]*\n){$n}\z)(?:\Q$rest\E\d+\n)*\Q$once\E\d+\n(?:\Q$rest\E\d+\n)*\z/;
}

master_on();
workers(2);
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: 20 requests in turn, spread over both workers: one introspection call, then HITs with the claims everywhere
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "ok")
. ::sequence("t", ("l=ok&t=tok-022-1") x 20)
--- request eval
["GET /t", "GET /as_calls"]
--- response_body_like eval
[::two_workers(20, "200 allow MISS u1 t-42 pid=", "200 allow HIT u1 t-42 pid="),
 ::as_calls(::as_call("/mock_ok", "tok-022-1"))]
--- timeout: 10



=== TEST 2: 16 concurrent requests with one new token over both workers: one call
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "slow")
. ::fan("fan", ("l=ok&t=tok-022-2") x 16)
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[::two_workers(16, "200 allow MISS u1 t-42 pid=", "200 allow HIT u1 t-42 pid="),
 ::as_calls(::as_call("/mock_slow", "tok-022-2"))]
--- timeout: 5



=== TEST 3: 16 concurrent requests with one new inactive token over both workers: one call, all 401
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("inactive", "slow_inactive")
. ::fan("fan", ("l=inactive&t=tok-022-3") x 16)
--- request eval
["GET /fan", "GET /as_calls"]
--- response_body_like eval
[qr/\A(?=(?:[^\n]*\n){16}\z)(?:401 invalid_token HIT\n)*401 invalid_token MISS\n(?:401 invalid_token HIT\n)*\z/,
 ::as_calls(::as_call("/mock_slow_inactive", "tok-022-3"))]
--- timeout: 5



=== TEST 4: after a concurrent burst, a sequence of 10 more requests over both workers is all HITs
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "slow")
. ::fan("fan", ("l=ok&t=tok-022-4") x 6)
. ::sequence("t", ("l=ok&t=tok-022-4") x 10)
. <<'_EOC_';
    location = /both {
        echo_location /fan;
        echo_location /t;
    }
_EOC_
--- request eval
["GET /both", "GET /as_calls"]
--- response_body_like eval
[::two_workers(16, "200 allow MISS u1 t-42 pid=", "200 allow HIT u1 t-42 pid="),
 ::as_calls(::as_call("/mock_slow", "tok-022-4"))]
--- timeout: 5
