# A full zone (SPEC.md "Introspection cache": "Zone full: least recently
# used entries are evicted; a full zone never fails a request"): far more
# tokens than a small zone holds are all answered (no 5xx, no [alert]
# "could not allocate"), the oldest entries are evicted (asked again), the
# newest are still HITs, and an entry that keeps being used survives
# while newer ones come and go (LRU, not FIFO). The smallest zone allowed
# (32k) works with records at their size bound. A claim that would push
# the record past its bound is dropped, the identity claims are kept, on
# the MISS and on the HIT alike.
#
# How: as in t/020-cache.t, one client request runs a sequence of
# echo_location calls through /x?l=LOC&t=TOKEN, which proxies to /LOC with
# the token. The mock server pads every answer so that an entry takes
# 2 KB (half a page) or more.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/sequences.pl";

our $Harness = ::seq_harness();

# /_introspect_NAME answering active with a pad claim of $pad bytes
sub server {
    my ($name, $pad) = @_;
    my $x = "x" x $pad;
    return ::introspect($name) . <<_EOC_;
    location = /mock_$name {
        default_type application/json;
        return 200 '{"active":true,"sub":"u1","pad":"$x"}';
    }
_EOC_
}

# a protected location /NAME that asks /_introspect_NAME through zone z
sub protected {
    return ::protected_location($_[0], $_[0], cache => 'z');
}

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: 150 tokens of 1.3 KB claims through a 64k zone: all pass, the first is evicted, the last is a HIT
--- http_config
    api_auth_cache_zone zone=z:64k;
--- config eval
$::Harness . ::server("big", 1300) . ::protected("big")
. ::sequence("t", (map { "l=big&t=tok-024-1-$_" } 1 .. 150),
             "l=big&t=tok-024-1-1", "l=big&t=tok-024-1-150")
--- response_body eval
("200 allow MISS\n" x 151) . "200 allow HIT\n"
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out eval
"api_auth introspect \"/_introspect_big\"\n" x 151
--- error_log eval
qr/api_auth cache store entries:\d+ evicted:[1-9]/
--- no_error_log eval
[@::NoErrorLog, 'could not allocate']
--- timeout: 20



=== TEST 2: LRU, not FIFO: a token used between every new one stays a HIT while 60 others pass through
--- http_config
    api_auth_cache_zone zone=z:64k;
--- config eval
$::Harness . ::server("big", 1300) . ::protected("big")
. ::sequence("t", "l=big&t=tok-024-2-hot",
             (map { ("l=big&t=tok-024-2-$_", "l=big&t=tok-024-2-hot") } 1 .. 60),
             "l=big&t=tok-024-2-1")
--- response_body eval
"200 allow MISS\n" . ("200 allow MISS\n200 allow HIT\n" x 60) . "200 allow MISS\n"
--- grep_error_log eval
qr/api_auth introspect "[^"]*"/
--- grep_error_log_out eval
"api_auth introspect \"/_introspect_big\"\n" x 62
--- error_log eval
qr/api_auth cache store entries:\d+ evicted:[1-9]/
--- no_error_log eval
[@::NoErrorLog, 'could not allocate']
--- timeout: 20



=== TEST 3: the smallest zone (32k) with records at their size bound (a page per entry): 40 tokens all pass
--- http_config
    api_auth_cache_zone zone=z:32k;
--- config eval
$::Harness . ::server("huge", 2000) . ::protected("huge")
. ::sequence("t", (map { "l=huge&t=tok-024-3-$_" } 1 .. 40), "l=huge&t=tok-024-3-40")
--- response_body eval
("200 allow MISS\n" x 40) . "200 allow HIT\n"
--- no_error_log eval
[@::NoErrorLog, 'could not allocate']
--- timeout: 20



=== TEST 4: a claim too big for the record is dropped; identity and later small claims stay, on the MISS and the HIT
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
my $big = "y" x 3000;
$::Harness . ::introspect("fat") . <<_EOC_
    location = /mock_fat {
        default_type application/json;
        return 200 '{"big":"$big","active":true,"client_id":"c1","sub":"u1","scope":"orders.read","small":"ok"}';
    }
_EOC_
. ::protected_location("fat", "fat", cache => "z",
                       more => ["api_auth_require_scope orders.read;"],
                       headers => [],
                       echo => ' $api_auth_client $api_auth_subject $api_auth_scope [$api_auth_claim_big] $api_auth_claim_small')
. ::sequence("t", "l=fat&t=tok-024-4", "l=fat&t=tok-024-4")
--- response_body
200 allow MISS c1 u1 orders.read [] ok
200 allow HIT c1 u1 orders.read [] ok
