# How long cache entries live (SPEC.md "Introspection cache", TTL rules):
# an active entry for max_ttl when the token has no exp, an inactive one
# for negative_ttl, both then asked again; stale_if_error=T serves an
# expired active entry (cache status STALE, a [warn] in the log) while
# the authorization server fails, for at most T past the entry's expiry
# and never past the token's own exp; never an inactive entry; and an
# "inactive" answer replaces a stale active entry at once (revocation
# wins). Times are whole seconds in nginx, so every wait is at least
# 1.1 s past the boundary it crosses.
#
# The blocks run sequences as t/020-cache.t does: /x?l=LOC&t=TOKEN
# proxies to /LOC with the token and prints "200 result cache-status" or
# "STATUS result cache-status" for a rejection. echo_sleep lets time pass
# inside the sequence. Block 1 computes the token's exp when the file is
# loaded, so it stays first.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/sequences.pl";

our $Harness = <<'_EOC_' . ::seq_harness();
    # one introspection URI for every location, so that they share
    # entries; $as_mock (set by the calling location, and seen by its
    # subrequest) picks the answer the authorization server gives
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_$as_mock;
    }
    location = /mock_ok {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","sub":"u1","scope":"orders.read"}';
    }
    location = /mock_inactive {
        default_type application/json;
        return 200 '{"active":false}';
    }
    location = /mock_down {
        return 500;
    }
    location = /mock_bad {
        default_type application/json;
        return 200 '{"active":"maybe"}';
    }
_EOC_

# a protected location /NAME whose authorization server answers as
# /mock_SERVER
sub protected {
    my ($name, $server) = @_;
    return ::protected_location($name, $server, uri => '/_introspect',
                                first => ["set \$as_mock $server;"],
                                echo => ' $api_auth_client $api_auth_subject');
}

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: stale_if_error never serves an entry past the token's own exp
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
my $exp = time() + 5;
$::Harness . ::protected("down", "down") . <<_EOC_
    api_auth_cache z max_ttl=1s stale_if_error=60s;
    location = /mock_exp {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","sub":"u1","exp":$exp}';
    }
_EOC_
. ::protected("exp", "exp")
. ::sequence("t", "l=exp&t=tok-021-1", "echo_sleep 1.1", "l=down&t=tok-021-1",
             ("echo_sleep 1.6") x 3, "l=down&t=tok-021-1")
--- response_body
200 allow MISS c1 u1
200 allow STALE c1 u1
503 unavailable MISS
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"
--- no_error_log
[alert]
[emerg]
unexpected exception
--- timeout: 10



=== TEST 2: max_ttl=2s: MISS, HIT, and after two seconds MISS again (2s, not 1s: entries expire on whole seconds, so a 1s entry may last only a few ms)
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::protected("ok", "ok")
. "    api_auth_cache z max_ttl=2s;\n"
. ::sequence("t", ("l=ok&t=tok-021-2") x 2, "echo_sleep 2.1",
             ("l=ok&t=tok-021-2") x 2)
--- response_body
200 allow MISS c1 u1
200 allow HIT c1 u1
200 allow MISS c1 u1
200 allow HIT c1 u1
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"
--- timeout: 5



=== TEST 3: a token without exp lives max_ttl (3s): still a HIT after 1.1s, a MISS after 3.2s
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::protected("ok", "ok")
. "    api_auth_cache z max_ttl=3s;\n"
. ::sequence("t", "l=ok&t=tok-021-3", "echo_sleep 1.1", "l=ok&t=tok-021-3",
             "echo_sleep 2.1", "l=ok&t=tok-021-3")
--- response_body
200 allow MISS c1 u1
200 allow HIT c1 u1
200 allow MISS c1 u1
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"
--- timeout: 10



=== TEST 4: negative_ttl=2s: an inactive token is asked again after two seconds (whole seconds: a HIT is certain only within 1 s of the store, also under valgrind)
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::protected("inactive", "inactive")
. "    api_auth_cache z negative_ttl=2s;\n"
. ::sequence("t", ("l=inactive&t=tok-021-4") x 2, "echo_sleep 2.1",
             "l=inactive&t=tok-021-4")
--- response_body
401 invalid_token MISS
401 invalid_token HIT
401 invalid_token MISS
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"
--- timeout: 5



=== TEST 5: stale_if_error: an expired active entry is served (STALE, with its claims) while the server fails, and refreshed when it is back
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::protected("ok", "ok") . ::protected("down", "down")
. "    api_auth_cache z max_ttl=2s stale_if_error=10s;\n"
. ::sequence("t", "l=ok&t=tok-021-5", "echo_sleep 2.1",
             ("l=down&t=tok-021-5") x 2, "l=ok&t=tok-021-5",
             "l=down&t=tok-021-5")
--- response_body
200 allow MISS c1 u1
200 allow STALE c1 u1
200 allow STALE c1 u1
200 allow MISS c1 u1
200 allow HIT c1 u1
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"
--- error_log eval
[
    qr/\[warn\] .*api_auth: serving stale introspection of token [0-9a-f]{8}\b/,
    "api_auth: introspection failed: status 500",
]
--- no_error_log eval
[
    "[alert]",
    "[emerg]",
    "unexpected exception",
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*tok-021-5/,
]
--- timeout: 6



=== TEST 6: stale_if_error covers every server error, here a malformed answer
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::protected("ok", "ok") . ::protected("bad", "bad")
. "    api_auth_cache z max_ttl=1s stale_if_error=10s;\n"
. ::sequence("t", "l=ok&t=tok-021-6", "echo_sleep 1.1", "l=bad&t=tok-021-6",
             "l=bad&t=tok-021-6b")
--- response_body
200 allow MISS c1 u1
200 allow STALE c1 u1
503 unavailable MISS
--- error_log
api_auth: introspection failed: response is not a JSON object with a boolean "active"
api_auth: serving stale introspection
--- no_error_log
[alert]
[emerg]
unexpected exception
--- timeout: 5



=== TEST 7: without stale_if_error (the default 0) an expired entry is not served: 503
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::protected("ok", "ok") . ::protected("down", "down")
. "    api_auth_cache z max_ttl=1s;\n"
. ::sequence("t", "l=ok&t=tok-021-7", "echo_sleep 1.1", "l=down&t=tok-021-7")
--- response_body
200 allow MISS c1 u1
503 unavailable MISS
--- no_error_log
serving stale
[alert]
[emerg]
unexpected exception
--- timeout: 5



=== TEST 8: stale_if_error=2s ends two seconds after the entry's expiry (whole seconds: stored in T, stale until T+3)
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::protected("ok", "ok") . ::protected("down", "down")
. "    api_auth_cache z max_ttl=1s stale_if_error=2s;\n"
. ::sequence("t", "l=ok&t=tok-021-8", "echo_sleep 1.1", "l=down&t=tok-021-8",
             "echo_sleep 2.1", "l=down&t=tok-021-8")
--- response_body
200 allow MISS c1 u1
200 allow STALE c1 u1
503 unavailable MISS
--- no_error_log
[alert]
[emerg]
unexpected exception
--- timeout: 10



=== TEST 9: an inactive entry is never served stale
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::protected("inactive", "inactive") . ::protected("down", "down")
. "    api_auth_cache z negative_ttl=1s stale_if_error=10s;\n"
. ::sequence("t", "l=inactive&t=tok-021-9", "echo_sleep 1.1",
             "l=down&t=tok-021-9")
--- response_body
401 invalid_token MISS
503 unavailable MISS
--- no_error_log
serving stale
[alert]
[emerg]
unexpected exception
--- timeout: 5



=== TEST 10: revocation wins: an "inactive" answer replaces an expired active entry, which is then no longer served stale
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::protected("ok", "ok") . ::protected("inactive", "inactive") . ::protected("down", "down")
. "    api_auth_cache z max_ttl=1s stale_if_error=10s;\n"
. ::sequence("t", "l=ok&t=tok-021-10", "echo_sleep 1.1",
             "l=inactive&t=tok-021-10", "l=down&t=tok-021-10",
             "l=ok&t=tok-021-10")
--- response_body
200 allow MISS c1 u1
401 invalid_token MISS
401 invalid_token HIT
401 invalid_token HIT
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"
--- timeout: 5
