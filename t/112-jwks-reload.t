# The api_auth_jwks key set kept in the cache zone survives "nginx -s
# reload" (SPEC.md "JWT access tokens", "Keys": "kept across reloads"):
# with two workers and api_auth_cache, tokens spread over both workers
# cause one fetch; after a reload the new workers verify old and new
# tokens with the stored set and fetch nothing while it is fresh; a
# reload that changes refresh= applies the new time to the stored set.
# Each worker builds the set from the zone once (an info line), never per
# request, and a refresh that brings the same document builds nothing.
#
# A standalone Test::More script (see t/006-reload.t): the reload has to
# happen between requests to one running master. The server listens with
# "reuseport", so that the kernel spreads the connections over both
# workers; each answer carries the worker's $pid. The mock JWKS is a file
# (html/set.json); its access log counts the fetches.

use strict;
use warnings;

use FindBin;
use Test::More;

require "$FindBin::Bin/helpers/standalone.pl";
require "$FindBin::Bin/helpers/jwt.pl";
require "$FindBin::Bin/helpers/jwks.pl";

our ($nginx, @modules, $prefix, $port, $pid);

plan skip_all => 'TEST_NGINX_LOAD_MODULES (module and echo .so) not set'
    unless @modules;
plan skip_all => "cannot run $nginx" unless -x $nginx;

standalone_prefix('jwks-reload');

my $errlog = "$prefix/logs/error.log";

sub conf {
    my ($params) = @_;

    return standalone_conf(workers => 2, listen => 'reuseport',
                           http => <<'_EOH_', server => <<"_EOS_");
    api_auth_cache_zone zone=z:1m;
    log_format jwks_mock '$request_method $status';
_EOH_
        api_auth_jwt_issuer https://as.example.com/;
        api_auth_require_audience https://api.example.com;

        location = /_jwks {
            internal;
            proxy_pass http://127.0.0.1:$port/set.json;
        }
        location = /set.json {
            root html;
            default_type application/json;
            access_log logs/jwks.log jwks_mock;
        }
        location = /t {
            api_auth oauth;
            api_auth_cache z;
            api_auth_jwks /_jwks $params;
            echo "\$api_auth_result \$api_auth_client pid=\$pid";
        }
_EOS_
}

# the pids of the workers that allowed every token, or undef
sub ask_all {
    my (@toks) = @_;
    my %pids;

    for my $i (0 .. $#toks) {
        my $r = request('/t', "Authorization: Bearer $toks[$i][1]\r\n")
            or return;
        my $want = "allow $toks[$i][0] pid=";

        return unless $r->[0] == 200 && index($r->[2], $want) == 0;

        $pids{$1} = 1 if $r->[2] =~ /pid=(\d+)/;
    }

    return \%pids;
}

# (whole seconds: standalone.pl's time() is Time::HiRes's)
sub toks {
    my ($p, $n) = @_;
    my $now = CORE::time();

    return map { ["$p$_", ::kid_jwt('rsa1', claims => { client_id => "$p$_",
                                                        iat => $now,
                                                        exp => $now + 3600 })] }
           1 .. $n;
}

# the error log lines since MARK (a length) that match RE
sub count_since {
    my ($mark, $re) = @_;
    my $log = substr(slurp($errlog), $mark);
    my @m = $log =~ /$re/g;
    return scalar @m;
}

my $taken = qr/JWT key set from "\/_jwks" taken from the zone: 1 keys/;

sub fetch_log {
    my $log = -e "$prefix/logs/jwks.log" ? slurp("$prefix/logs/jwks.log") : '';
    return $log;
}

write_file("$prefix/html/set.json", ::jwk_set(::rsa_jwk('rsa', 'rsa1')));
write_file("$prefix/conf/nginx.conf", conf(''));

start_nginx();

END {
    stop_nginx() if $pid;
}

ok(wait_for(sub { defined request('/t', '') }), 'nginx answers')
    or BAIL_OUT("nginx did not start:\n" . slurp($errlog));

my @a = toks('a', 20);
my $before = ask_all(@a);

ok($before, '20 distinct tokens allowed');
is(scalar keys %{ $before || {} }, 2, 'by both workers');
is(fetch_log(), "GET 200\n", 'one fetch of the set for both workers');
is(count_since(0, $taken), 1, 'the other worker built the set from the '
                              . 'zone, once');

my $mark = length(slurp($errlog));

# --- the same configuration again

ok(reload_and_settle(), 'the reload replaced the workers');

my @b = toks('b', 20);
my $after = ask_all(@a[0 .. 4], @b);

ok($after, 'after the reload, old and new tokens allowed');
is(scalar keys %{ $after || {} }, 2, 'by both new workers');
ok(!grep({ $before->{$_} } keys %{ $after || {} }), 'the new workers answered');
is(fetch_log(), "GET 200\n", 'the new workers fetched nothing: the set in the '
                           . 'zone served them');
is(count_since($mark, $taken), 2, 'each new worker built the set once, for '
                                  . '25 requests');

$mark = length(slurp($errlog));

# --- refresh=1s: the stored set is older than that, the next request
#     refreshes it once for both workers

write_file("$prefix/conf/nginx.conf", conf('refresh=1s min_refresh=1s'));
sleep 1.1;
ok(reload_and_settle(), 'the reload with refresh=1s replaced the workers');

my $refreshed = ask_all(toks('c', 20));

ok($refreshed, 'tokens allowed after the refresh');
is(scalar keys %{ $refreshed || {} }, 2, 'by both new workers');
like(fetch_log(), qr/\AGET 200\nGET 200\n(?:GET 200\n)?\z/,
     'the stored set, past the new refresh=, was fetched again by one '
     . 'worker (once more only if the 1s passed again)');
is(count_since($mark, $taken), 2, 'each new worker built the set once: the '
                                  . 'refresh brought the same document, '
                                  . 'which nobody builds again');

my $log = slurp($errlog);

unlike($log, qr/\[alert\]|\[emerg\]|unexpected exception|exited on signal/,
       'no alert, no crash');
unlike($log, qr/no room for the JWT key set/, 'the set had room in the zone');

stop_nginx();
check_valgrind();

done_testing();
