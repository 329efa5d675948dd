# The introspection cache (SPEC.md "Introspection cache"): an active token
# is introspected once and then served from the shared zone for
# min(exp - now, max_ttl), with the same identity, scope and claims on a
# HIT as on the MISS; each token is its own entry (keyed by its SHA-256);
# an inactive token is cached for negative_ttl (0 disables that);
# authorization-server errors are never cached; scope and audience are
# checked per location on a cached entry; an entry is shared only by
# locations that ask the same authorization server (server name,
# api_auth_introspect, client id) with the same cache times; "api_auth_cache off" bypasses
# the zone; the directive is inherited; and no variable of one request
# shows in the next.
#
# How the blocks work (t/helpers/sequences.pl): one client request to /t
# runs a sequence of requests with echo_location. Each goes through
# /x?l=LOC&t=TOKEN, which proxies to /LOC with "Authorization: Bearer
# TOKEN" (a new main request, so the access phase runs) and prints one
# line per answer: the protected location's own line on 200, or "STATUS
# $api_auth_result $api_auth_cache_status" (from X-Result/X-Cache) on
# 401/403/503. All log lines of a sequence belong to one client request,
# so grep_error_log counts the introspection calls of the whole sequence.
# Tokens are unique per block, so the file also runs with
# TEST_NGINX_USE_HUP=1 (the zone then survives from block to block);
# blocks 16 and 17 share one token to show exactly that: after a reload
# the entry of a named namespace (api_auth_cache z namespace=...) is
# still a HIT ("A reload keeps the zone's entries"), after a restart (the
# default) it is a MISS. Without a name, each load has its own namespace
# (t/026-cache-namespace.t, t/027-cache-reload.t).

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/sequences.pl";

our $Harness = ::introspect("ok") . ::introspect("inactive")
    . ::introspect("down") . <<'_EOC_'
    location = /mock_ok {
        echo_read_request_body;
        default_type application/json;
        echo '{"active":true,"client_id":"c1","sub":"u1","scope":"orders.read orders.write","aud":"orders","n":42,"body":"$request_body"}';
    }
    location = /mock_inactive {
        default_type application/json;
        return 200 '{"active":false}';
    }
    location = /mock_down {
        return 500;
    }
    location = /n {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/$arg_l;
        proxy_set_header Authorization "";
        proxy_intercept_errors on;
        error_page 400 401 403 500 503 = @denied;
    }
_EOC_
    . ::seq_harness();

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: an active token is cached until its exp, not for max_ttl: after exp the server is asked again
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
my $exp = time() + 3;
$::Harness
. <<_EOC_
    location = /_introspect_exp {
        internal;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/mock_exp;
    }
    location = /mock_exp {
        default_type application/json;
        return 200 '{"active":true,"sub":"u1","exp":$exp}';
    }
_EOC_
. ::protected_location("exp", "exp", cache => "z max_ttl=300s",
                       echo => ' $api_auth_subject')
. ::sequence("t", ("l=exp&t=tok-020-1") x 2, "echo_sleep 2", "echo_sleep 1.6",
             ("l=exp&t=tok-020-1") x 2)
--- response_body
200 allow MISS u1
200 allow HIT u1
401 invalid_token MISS
401 invalid_token HIT
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_exp"
api_auth introspect "/_introspect_exp"
--- timeout: 10



=== TEST 2: MISS, then HITs with the same identity, scope and claims, and no more introspection
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("ok", "ok", cache => "z",
                       echo => ' $api_auth_method $api_auth_client $api_auth_subject [$api_auth_scope] $api_auth_claim_aud $api_auth_claim_n')
. ::sequence("t", ("l=ok&t=tok-020-2") x 3)
--- response_body
200 allow MISS oauth c1 u1 [orders.read orders.write] orders 42
200 allow HIT oauth c1 u1 [orders.read orders.write] orders 42
200 allow HIT oauth c1 u1 [orders.read orders.write] orders 42
--- grep_error_log eval
qr/api_auth (?:introspect "[^"]*"|cache hit)/
--- grep_error_log_out
api_auth introspect "/_introspect_ok"
api_auth cache hit
api_auth cache hit
--- no_error_log eval
[
    @::NoErrorLog,
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*tok-020-2/,
]



=== TEST 3: two tokens are two entries, each with its own claims
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("ok", "ok", cache => "z",
                       echo => ' $api_auth_claim_body')
. ::sequence("t", "l=ok&t=tok-020-3a", "l=ok&t=tok-020-3b",
             "l=ok&t=tok-020-3a", "l=ok&t=tok-020-3b")
--- response_body
200 allow MISS token=tok-020-3a&token_type_hint=access_token
200 allow MISS token=tok-020-3b&token_type_hint=access_token
200 allow HIT token=tok-020-3a&token_type_hint=access_token
200 allow HIT token=tok-020-3b&token_type_hint=access_token
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_ok"
api_auth introspect "/_introspect_ok"



=== TEST 4: an inactive token is cached too (negative_ttl, default 10s): 401 MISS, then 401 HIT
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("inactive", "inactive", cache => "z")
. ::sequence("t", ("l=inactive&t=tok-020-4") x 3)
--- response_body
401 invalid_token MISS
401 invalid_token HIT
401 invalid_token HIT
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_inactive"
--- no_error_log eval
[
    @::NoErrorLog,
    qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*tok-020-4/,
]



=== TEST 5: negative_ttl=0 disables negative caching: every request asks the server
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("inactive", "inactive", cache => "z negative_ttl=0")
. ::sequence("t", ("l=inactive&t=tok-020-5") x 3)
--- response_body
401 invalid_token MISS
401 invalid_token MISS
401 invalid_token MISS
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_inactive"
api_auth introspect "/_introspect_inactive"
api_auth introspect "/_introspect_inactive"



=== TEST 6: authorization-server errors are not cached: each request tries again, while a good answer is cached
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("down", "down", cache => "z")
. ::protected_location("ok", "ok", cache => "z")
. ::sequence("t", ("l=down&t=tok-020-6") x 2, ("l=ok&t=tok-020-6") x 2)
--- response_body
503 unavailable MISS
503 unavailable MISS
200 allow MISS
200 allow HIT
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_down"
api_auth introspect "/_introspect_down"
api_auth introspect "/_introspect_ok"
--- error_log
api_auth: introspection failed: status 500
--- no_error_log
[alert]
[emerg]
unexpected exception



=== TEST 7: scope is checked per location on a cached entry: HIT, then 403 where more scope is required
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("ok", "ok", cache => "z",
                       more => ['api_auth_require_scope orders.read;'])
. ::protected_location("admin", "ok", cache => "z",
                       more => ['api_auth_require_scope orders.read admin;'])
. ::sequence("t", "l=ok&t=tok-020-7", "l=admin&t=tok-020-7",
             "l=ok&t=tok-020-7")
--- response_body
200 allow MISS
403 insufficient_scope HIT
200 allow HIT
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_ok"



=== TEST 8: audience is checked per location on a cached entry
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("ok", "ok", cache => "z",
                       more => ['api_auth_require_audience orders;'])
. ::protected_location("billing", "ok", cache => "z",
                       more => ['api_auth_require_audience billing;'])
. ::sequence("t", "l=billing&t=tok-020-8", "l=ok&t=tok-020-8",
             "l=billing&t=tok-020-8")
--- response_body
401 invalid_token MISS
200 allow HIT
401 invalid_token HIT
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_ok"



=== TEST 9: the entry belongs to the token and its authorization server: locations asking the same server share it, one asking another server does not
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("ok", "ok", cache => "z", echo => ' $api_auth_subject')
. ::protected_location("ok2", "ok", cache => "z", headers => [],
                       echo => ' $api_auth_subject')
. ::protected_location("inactive", "inactive", cache => "z",
                       echo => ' $api_auth_subject')
. ::sequence("t", "l=ok&t=tok-020-9", "l=ok2&t=tok-020-9",
             ("l=inactive&t=tok-020-9") x 2, "l=ok&t=tok-020-9")
--- response_body
200 allow MISS u1
200 allow HIT u1
401 invalid_token MISS
401 invalid_token HIT
200 allow HIT u1
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_ok"
api_auth introspect "/_introspect_inactive"



=== TEST 10: "api_auth_cache off" in one location: BYPASS there, while its neighbour caches
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. "    api_auth_cache z;\n"
. ::protected_location("ok", "ok")
. ::protected_location("nocache", "ok", cache => "off")
. ::sequence("t", ("l=nocache&t=tok-020-10") x 2, ("l=ok&t=tok-020-10") x 2,
             "l=nocache&t=tok-020-10")
--- response_body
200 allow BYPASS
200 allow BYPASS
200 allow MISS
200 allow HIT
200 allow BYPASS
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_ok"
api_auth introspect "/_introspect_ok"
api_auth introspect "/_introspect_ok"
api_auth introspect "/_introspect_ok"



=== TEST 11: api_auth_cache at the http level (with its times) is inherited by every location
--- http_config
    api_auth_cache_zone zone=z:1m;
    api_auth_cache z negative_ttl=0;
--- config eval
$::Harness
. ::protected_location("ok", "ok")
. ::protected_location("inactive", "inactive")
. ::sequence("t", ("l=ok&t=tok-020-11") x 2, ("l=inactive&t=tok-020-11b") x 2)
--- response_body
200 allow MISS
200 allow HIT
401 invalid_token MISS
401 invalid_token MISS
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_ok"
api_auth introspect "/_introspect_inactive"
api_auth introspect "/_introspect_inactive"



=== TEST 12: nothing of one request shows in the next: a cached token's identity does not leak into an anonymous request
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("opt", "ok", cache => "z", auth => "oauth optional",
                       say => 'echo "200 $api_auth_result [$api_auth_cache_status] [$api_auth_method] [$api_auth_client] [$api_auth_subject] [$api_auth_scope] [$api_auth_claim_n]";')
. ::sequence("t", "l=opt&t=tok-020-12", "/n l=opt", "l=opt&t=tok-020-12",
             "/n l=opt")
--- response_body
200 allow [MISS] [oauth] [c1] [u1] [orders.read orders.write] [42]
200 anonymous [] [] [] [] [] []
200 allow [HIT] [oauth] [c1] [u1] [orders.read orders.write] [42]
200 anonymous [] [] [] [] [] []



=== TEST 13: a negative entry of one authorization server does not answer for another
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("inactive", "inactive", cache => "z")
. ::protected_location("ok", "ok", cache => "z")
. ::sequence("t", "l=inactive&t=tok-020-13", "l=ok&t=tok-020-13",
             "l=inactive&t=tok-020-13")
--- response_body
401 invalid_token MISS
200 allow MISS
401 invalid_token HIT
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_inactive"
api_auth introspect "/_introspect_ok"



=== TEST 14: one zone, two servers with the same introspection URI behind which stand different authorization servers: each has its own entries
--- http_config
    api_auth_cache_zone zone=z:1m;
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        server_name tenant-b.example;

        api_auth_cache z;

        location = /_introspect {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_inactive;
        }
        location = /api {
            api_auth oauth;
            api_auth_introspect /_introspect;
            add_header X-Result $api_auth_result always;
            add_header X-Cache $api_auth_cache_status always;
            echo "200 $api_auth_result $api_auth_cache_status";
        }
    }
--- config eval
$::Harness
. <<'_EOC_'
    api_auth_cache z;

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_ok;
    }
_EOC_
. ::protected_location("api", "", uri => "/_introspect",
                       echo => ' $api_auth_subject')
. <<'_EOC_'
    location = /b {
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_1/api;
        proxy_set_header Host tenant-b.example;
        proxy_set_header Authorization "Bearer $arg_t";
        proxy_intercept_errors on;
        error_page 400 401 403 500 503 = @denied;
    }
_EOC_
. ::sequence("t", "l=api&t=tok-020-14", "/b t=tok-020-14",
             "l=api&t=tok-020-14", "/b t=tok-020-14")
--- response_body
200 allow MISS u1
401 invalid_token MISS
200 allow HIT u1
401 invalid_token HIT
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect"
api_auth introspect "/_introspect"



=== TEST 15: locations with different cache times keep their own entries, so each gets the max_ttl it asked for
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("long", "ok", cache => "z max_ttl=300s", headers => [])
. ::protected_location("short", "ok", cache => "z max_ttl=3s", headers => [])
. ::sequence("t", "l=long&t=tok-020-15", ("l=short&t=tok-020-15") x 2,
             "l=long&t=tok-020-15")
--- response_body
200 allow MISS
200 allow MISS
200 allow HIT
200 allow HIT
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out
api_auth introspect "/_introspect_ok"
api_auth introspect "/_introspect_ok"



=== TEST 16: (with TEST 17) an entry cached in this block...
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("ok", "ok", cache => "z namespace=t020")
. ::sequence("t", ("l=ok&t=tok-020-14") x 2)
--- response_body
200 allow MISS
200 allow HIT



=== TEST 17: ...is still a HIT after a reload of a named namespace (TEST_NGINX_USE_HUP=1 keeps the zone), a MISS after a restart
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::protected_location("ok2", "ok", cache => "z namespace=t020")
. ::sequence("t", "l=ok2&t=tok-020-14")
--- response_body eval
$ENV{TEST_NGINX_USE_HUP} ? "200 allow HIT\n" : "200 allow MISS\n"
