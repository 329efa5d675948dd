# A cache zone that has no room for an answer (issue 15): every in-flight
# marker of a burst of distinct tokens fills the smallest zone, so the
# answers that come back find nothing they may evict (an in-flight node is
# never evicted) and go on uncached.  Each such answer is counted in
# api_auth_cache_store_failures_total; the [alert] is written at most once
# every 10 s; every request is still answered as its token deserves.
#
# A standalone Test::More script (see t/helpers/standalone.pl): the burst
# needs a few hundred connections open at once.

use strict;
use warnings;

use FindBin;
use IO::Socket::INET;
use IO::Select;
use Test::More;
use Time::HiRes qw(time);

require "$FindBin::Bin/helpers/standalone.pl";

our ($nginx, @modules, $prefix, $port, $pid, $slow);

plan skip_all => 'TEST_NGINX_LOAD_MODULES (module and echo .so) not set'
    unless @modules;
plan skip_all => "cannot run $nginx" unless -x $nginx;

standalone_prefix('store-fail');

my $errlog = "$prefix/logs/error.log";
my $burst = 300;

# an active answer about 1.5 KB long: no slot of the markers' size fits it
my $pad = 'p' x 1500;

write_file("$prefix/conf/nginx.conf", standalone_conf(
    main => "worker_rlimit_nofile 4096;\n", connections => 2048,
    http => "    api_auth_cache_zone zone=small:32k;\n", listen => 'backlog=1024',
    server => <<"_EOC_"));
        location = /_introspect {
            internal;
            proxy_pass http://127.0.0.1:$port/mock_as;
        }
        location = /mock_as {
            default_type application/json;
            echo_sleep 1.5;
            echo '{"active":true,"scope":"read","sub":"u","pad":"$pad"}';
        }
        location = /t {
            api_auth oauth;
            api_auth_introspect /_introspect;
            api_auth_require_audience off;
            api_auth_cache small max_ttl=60;
            echo "ok \$api_auth_subject \$api_auth_cache_status";
        }
        location = /metrics {
            api_auth_metrics;
        }
_EOC_

start_nginx();

END {
    stop_nginx() if $pid;
}

ok(wait_for(sub { defined request('/metrics', '') }), 'nginx answers')
    or BAIL_OUT("nginx did not start:\n" . slurp($errlog));

# the burst: all requests sent before any answer comes back
my (@socks, %buf);

for my $i (1 .. $burst) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 5)
        or last;
    print $s "GET /t HTTP/1.0\r\nHost: localhost\r\n"
             . "Authorization: Bearer tok-085-$i-abcdefgh\r\n\r\n";
    push @socks, $s;
    $buf{$s} = '';
}

is(scalar @socks, $burst, "$burst connections open at once");

my $sel = IO::Select->new(@socks);
my $deadline = time + 30 * $slow;

while ($sel->count && time < $deadline) {
    for my $s ($sel->can_read(1)) {
        my $n = sysread($s, my $chunk, 65536);
        if ($n) {
            $buf{$s} .= $chunk;
        } else {
            $sel->remove($s);
            close $s;
        }
    }
}

is($sel->count, 0, 'every request answered in time');

my %status;
my $ok_body = 0;

for my $s (@socks) {
    my ($code) = $buf{$s} =~ m{^HTTP/1\.[01] (\d{3})};
    $status{$code // 'none'}++;
    $ok_body++ if $buf{$s} =~ /\r\n\r\nok u (?:MISS|HIT)\n\z/;
}

is_deeply(\%status, { 200 => $burst }, 'all 200 (none 500)')
    or diag explain \%status;
is($ok_body, $burst, 'each with its identity');

my $m = request('/metrics', '');
my ($fails) = ($m->[2] // '')
    =~ /^api_auth_cache_store_failures_total\{zone="small"\} (\d+)$/m;

ok(defined $fails && $fails > 0,
   'api_auth_cache_store_failures_total counts the answers that found no room')
    or diag($m->[2]);
ok($fails <= $burst, "at most one per request ($fails of $burst)") if defined $fails;

# every answer was stored (and is still there, or was evicted since to
# make room) or was counted as a failure: nothing expires within max_ttl
my ($entries) = ($m->[2] // '')
    =~ /^api_auth_cache_entries\{zone="small"\} (\d+)$/m;
my ($evicted) = ($m->[2] // '')
    =~ /^api_auth_cache_evictions_total\{zone="small"\} (\d+)$/m;

is(($fails // 0) + ($entries // 0) + ($evicted // 0), $burst,
   'store failures + entries + evictions = the distinct tokens of the burst')
    or diag($m->[2]);

my $log = slurp($errlog);
my @alerts = $log =~ /\[alert\][^\n]*could not allocate node/g;

is(scalar @alerts, 1, 'the [alert] written once for the whole burst');
unlike($log, qr/tok-085/, 'the error log never shows a token');
unlike($log, qr/\[crit\]|\[emerg\]|unexpected exception|exited on signal/,
       'no crit, no crash');

stop_nginx();
check_valgrind();

done_testing();
