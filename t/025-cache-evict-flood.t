# A flood of distinct invalid tokens does not empty the cache of valid
# ones (issue 11, finding 2). A miss makes room by evicting at most one
# least recently used entry of its own slab size class, or else one page
# of entries (a page then holds many entries of the class that needed
# it); the in-flight marker of a new token takes only entries of no more
# use, and without room for it the call goes on, uncoalesced.
#
# How: as in t/024-cache-evict.t, one client request runs a sequence of
# echo_location calls through /x?l=LOC&t=TOKEN. Each prints
# "STATUS-CACHESTATUS ". /ok answers active with a record of about 280
# bytes (a node in the 512-byte slab class), /bad answers inactive (a
# 128-byte node). A 1 MB zone holds 2,016 such valid entries (252 pages
# of 8). The recheck goes most recently used first, so that an entry
# stored again after a MISS evicts one already counted, not one still to
# count.

use Test::Nginx::Socket 'no_plan';
use FindBin;

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/as_calls.pl";

require "$FindBin::Bin/helpers/sequences.pl";

our $Harness = ::seq_harness(denied => 'echo -n "$upstream_status-$upstream_http_x_cache ";')
    . ::introspect("ok") . ::introspect("bad") . ::introspect("slow") . <<'_EOC_';
    location = /mock_bad {
        default_type application/json;
        return 200 '{"active":false}';
    }
    location = /mock_slow {
        default_type application/json;
        access_log logs/as.log as_calls;
        echo_read_request_body;
        echo_sleep 0.5;
        echo '{"active":true,"sub":"u1"}';
    }
_EOC_
$Harness .= "    location = /mock_ok {\n"
            . "        default_type application/json;\n"
            . "        return 200 '{\"active\":true,\"sub\":\"u1\",\"pad\":\""
            . ("x" x 250) . "\"}';\n"
            . "    }\n";
$Harness .= ::as_calls_location();

# a protected location /NAME asking /_introspect_NAME, cached in zone z
sub protected {
    my ($name, $cache) = @_;
    return ::protected_location($name, $name, cache => "z $cache",
                                headers => ['X-Cache'],
                                say => 'echo -n "200-$api_auth_cache_status ";');
}

# fill with valid tokens 1..$n; use them all once more in a scattered
# order (as real traffic would), so that the LRU order is no longer the
# order of the slab pages; flood with $m invalid tokens; recheck the
# valid ones in the reverse order of that use
sub flood {
    my ($t, $n, $m) = @_;
    my @use = map { ($_ * 1009) % $n + 1 } 0 .. $n - 1;
    return ::sequence("t",
        (map { "l=ok&t=tok-025-$t-ok-$_" } 1 .. $n),
        (map { "l=ok&t=tok-025-$t-ok-$_" } @use),
        (map { "l=bad&t=tok-025-$t-bad-$_" } 1 .. $m),
        (map { "l=ok&t=tok-025-$t-ok-$_" } reverse @use));
}

# $n MISSes, $n HITs, $m invalid MISSes, then $n valid answers with at
# most $k MISSes among them
sub survive {
    my ($n, $m, $k) = @_;
    return qr/\A(?:200-MISS ){$n}(?:200-HIT ){$n}(?:401-MISS ){$m}(?=(?:200-\S+ ){$n}\z)(?:200-HIT )*+(?:200-MISS (?:200-HIT )*+){0,$k}\z/;
}

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: 2,016 valid entries fill a 1 MB zone; 200 distinct invalid tokens (cached): at least 90 % of the valid stay HITs
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "") . ::protected("bad", "negative_ttl=1h")
. ::flood(1, 2016, 200)
--- response_body_like eval
::survive(2016, 200, 201)
--- no_error_log eval
[@::NoErrorLog, 'could not allocate']
--- timeout: 60



=== TEST 2: the same flood with negative_ttl=0 stores nothing and evicts nothing: all 2,016 stay HITs
--- http_config
    api_auth_cache_zone zone=z:1m;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("ok", "") . ::protected("bad", "negative_ttl=0")
. ::flood(2, 2016, 200)
--- response_body_like eval
::survive(2016, 200, 201)
--- no_error_log eval
[@::NoErrorLog, 'could not allocate']
--- timeout: 60



=== TEST 3: a zone full of unexpired answers has no room for a new token's in-flight marker: two concurrent requests both call, both pass, then it is a HIT
--- http_config
    api_auth_cache_zone zone=z:32k;
    log_format as_calls '$uri $request_body';
--- config eval
$::Harness . ::protected("bad", "negative_ttl=1h")
. ::protected("slow", "")
. ::sequence("t1", map { "l=bad&t=tok-025-3-bad-$_" } 1 .. 250)
. ::fan("fan", ("l=slow&t=tok-025-3-new") x 2)
. ::sequence("t2", "l=slow&t=tok-025-3-new")
--- request eval
["GET /t1", "GET /fan", "GET /t2", "GET /as_calls"]
--- response_body_like eval
[qr/\A(?:401-MISS ){250}\z/,
 qr/\A200-MISS 200-MISS \z/,
 qr/\A200-HIT \z/,
 ::as_calls((::as_call("/mock_slow", "tok-025-3-new")) x 2)]
--- no_error_log eval
[@::NoErrorLog, 'could not allocate']
--- timeout: 20
