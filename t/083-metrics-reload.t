# api_auth_metrics across "nginx -s reload" and under load from many
# unknown keys (SPEC.md Part 2, "Operations"): with two workers the
# counters are the exact sum of the block's traffic; 500 requests with 500
# different unknown keys add to one counter and add no series; a reload
# with the same series keeps every counter (the workers of the new
# configuration go on counting in the same rows), and a reload that
# changes the set of series (a new location) starts again from zero.  The
# scraped text goes to the suite's collected logs, where
# t/helpers/scan_logs.pl looks for keys, tokens and their digests.
#
# A standalone Test::More script (the reload has to happen between
# requests to one running master); see t/006-reload.t.
#
# Keys (fake test values):
#   key-a  test-key-reload-a-0005
#   unknown keys test-key-unknown-083-N, in no file

use strict;
use warnings;

use FindBin;
use Test::More;

require "$FindBin::Bin/helpers/standalone.pl";

our ($nginx, @modules, $prefix, $port, $pid);

plan skip_all => 'TEST_NGINX_LOAD_MODULES (module and echo .so) not set'
    unless @modules;
plan skip_all => "cannot run $nginx" unless -x $nginx;

my $key_a = 'test-key-reload-a-0005';
my $line_a = 'key-a sha256:cf496c065ff697b6010a8105b28e31e55300a99591c9a01e40240e13fa20c96a scope="orders.read"';

standalone_prefix('metrics');

my $errlog = "$prefix/logs/error.log";

write_file("$prefix/conf/keys.txt", "$line_a\n");
write_file("$prefix/conf/nginx.conf", conf(''));

start_nginx();

END {
    stop_nginx() if $pid;
}

ok(wait_for(sub { defined request('/metrics', '') }), 'nginx answers')
    or BAIL_OUT("nginx did not start:\n" . slurp($errlog));

my $allow = 'api_auth_requests_total{server="localhost",location="/t",'
            . 'method="api_key",result="allow"}';
my $unknown = 'api_auth_requests_total{server="localhost",location="/t",'
              . 'method="none",result="invalid_token"}';

my $before = scrape();

is($before->{$allow}, 0, 'no request counted yet');

# --- traffic, over both workers

my ($ok, $rejected) = (0, 0);

for my $i (1 .. 10) {
    $ok++ if (get('/t', $key_a) || [0])->[0] == 200;
}

for my $i (1 .. 500) {
    $rejected++
        if (get('/t', "test-key-unknown-083-$i") || [0])->[0] == 401;
}

is($ok, 10, '10 requests with a known key passed');
is($rejected, 500, '500 requests with 500 unknown keys were rejected');

my $after = scrape();

my %workers = map { $_ => 1 }
              slurp($errlog) =~ /\[info\] (\d+)#\d+: .*unknown API key/g;

cmp_ok(scalar(keys %workers), '>=', 2, 'both workers took requests');
is($after->{$allow}, 10, 'allow counted exactly, summed over the workers');
is($after->{$unknown}, 500, 'invalid_token counted exactly');
is_deeply([sort keys %$after], [sort keys %$before],
          '500 unknown keys added no series');
unlike(slurp("$prefix/logs/metrics.txt"), qr/test-key|cf496c06/,
       'no key or key hash in the output');

# --- a reload with the same series keeps the counters

ok(reload_and_settle(), 'the reload replaced the workers');

my $reloaded = scrape();

is($reloaded->{$allow}, 10, 'allow kept across the reload');
is($reloaded->{$unknown}, 500, 'invalid_token kept across the reload');

is((get('/t', $key_a) || [0])->[0], 200, 'a request after the reload');
is(scrape()->{$allow}, 11, 'the new workers count on');

# --- a reload that adds a location: a new layout, from zero

write_file("$prefix/conf/nginx.conf", conf(<<'LOC'));
        location = /u {
            api_auth_keys keys.txt;
            api_auth api_key;
            echo "ok u";
        }
LOC

ok(reload_and_settle(), 'the reload with a new location replaced the workers');

my $fresh = scrape();

is($fresh->{$allow}, 0, 'a new set of series starts from zero');
ok(exists $fresh->{'api_auth_requests_total{server="localhost",location="/u",'
                   . 'method="api_key",result="allow"}'},
   'the new location has its series');

unlike(slurp($errlog), qr/\[(?:alert|emerg|crit)\]/, 'no alert in the log');

check_valgrind();

stop_nginx();

done_testing();


# the scraped samples, name{labels} => value; the text is kept for the
# secrets scan of the suite's collected logs
sub scrape {
    my $r = request('/metrics', '') or return {};
    my %s;

    write_file("$prefix/logs/metrics.txt", $r->[2]);

    if (my $dir = $ENV{TEST_NGINX_COLLECT_LOGS}) {
        if (-d $dir && open my $out, '>>', "$dir/metrics.txt") {
            print $out "### $0\n$r->[2]";
            close $out;
        }
    }

    for (split /\n/, $r->[2]) {
        $s{$1} = $2 if /^([^#\s]\S*) (\S+)$/;
    }

    return \%s;
}


sub conf {
    my ($more) = @_;

    return standalone_conf(workers => 2, listen => 'reuseport',
                           server => <<"EOF");
        server_name localhost;

        location = /t {
            api_auth_keys keys.txt;
            api_auth api_key;
            echo "ok";
        }
$more
        location = /metrics {
            api_auth_metrics;
        }
EOF
}
