# Faults (SPEC.md "Responses" and "Introspection cache"): what the module
# does when things break around it.  Protects:
#   - an authorization server that closes the connection in the middle of
#     its answer (a Content-Length it does not honour, or JSON cut short):
#     503 with Retry-After, an [error] line, no [alert];
#   - a zone far too small for the traffic: 3,000 distinct tokens through
#     the smallest zone, every answer 200, the oldest entries evicted;
#   - "nginx -s reload" three times while clients keep sending requests
#     (one per connection, API keys and cached tokens): not one failed
#     request, and the cached tokens are not introspected again;
#   - a worker killed with SIGKILL while introspections are in flight: the
#     master starts a new one, the zone (and its lock) stays usable, cached
#     tokens are HITs, new tokens are introspected and cached, and a token
#     whose call died with the worker is answered again.
# The refused connection, the timeout and 5xx answers are in
# t/012-introspect-errors.t; hostile bodies in t/052-bad-introspection.t.
#
# A standalone Test::More script (see t/helpers/standalone.pl): these
# faults happen between requests to one running master.  Everything runs
# on 127.0.0.1 and is bounded in time.

use strict;
use warnings;

use FindBin;
use IO::Socket::INET;
use POSIX qw(:sys_wait_h);
use Test::More;
use Time::HiRes qw(sleep time);

require "$FindBin::Bin/helpers/standalone.pl";

our ($nginx, @modules, $prefix, $port, $pid, $slow);

plan skip_all => 'TEST_NGINX_LOAD_MODULES (module and echo .so) not set'
    unless @modules;
plan skip_all => "cannot run $nginx" unless -x $nginx;

my $KEY = 'test-key-faults-0008';
my $KEY_LINE = 'faults sha256:' . do {
    require Digest::SHA;
    Digest::SHA::sha256_hex($KEY);
};

standalone_prefix('faults');

my $errlog = "$prefix/logs/error.log";
my $aslog = "$prefix/logs/as.log";
my @children;

# --- a broken authorization server: answers, then closes mid-body

my $broken = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                   Proto => 'tcp', Listen => 16,
                                   ReuseAddr => 1)
    or die "listen: $!";
my $broken_port = $broken->sockport;

spawn(sub {
    while (my $c = $broken->accept) {
        my $req = '';

        # the request line and headers, and the form body after them
        while ($req !~ /\r\n\r\n/ || length($req) < body_end($req)) {
            my $n = sysread $c, $req, 4096, length $req;
            last unless $n;
        }

        if ($req =~ m{^POST /short-length }) {
            syswrite $c, "HTTP/1.1 200 OK\r\n"
                . "Content-Type: application/json\r\n"
                . "Content-Length: 100\r\n\r\n"
                . '{"active":true}';

        } else {
            syswrite $c, "HTTP/1.1 200 OK\r\n"
                . "Content-Type: application/json\r\n"
                . "Connection: close\r\n\r\n"
                . '{"active":tr';
        }

        close $c;
    }
});

close $broken;

write_file("$prefix/conf/keys.txt", "$KEY_LINE\n");
write_file("$prefix/conf/nginx.conf", nginx_conf());

start_nginx();

END {
    local $?;               # waitpid below must not become the exit code
    stop_nginx() if $pid;
    kill 'KILL', @children if @children;
    waitpid $_, 0 for @children;
}

ok(wait_for(sub { defined get('/k', '') }), 'nginx answers')
    or BAIL_OUT("nginx did not start:\n" . slurp($errlog));

# --- the server closes in the middle of its answer

for my $case (['short-length',
               'a whole JSON object, but shorter than its Content-Length'],
              ['truncated', 'JSON cut short, then the connection closed'])
{
    my ($loc, $what) = @$case;
    my $logged = length slurp($errlog);
    my $r = request("/$loc", "Authorization: Bearer tok-060-$loc\r\n");

    is($r && $r->[0], 503, "$what: 503");
    is($r && $r->[1]{'retry-after'}, 5, "$what: Retry-After: 5");
    ok(!($r && exists $r->[1]{'www-authenticate'}),
       "$what: no challenge");

    my $log = substr(slurp($errlog), $logged);

    like($log, qr/\[error\].*api_auth: introspection failed/,
         "$what: logged as an introspection failure");
    unlike($log, qr/\[(?:alert|crit|emerg)\]/, "$what: no alert");
    unlike($log, qr/tok-060-$loc/, "$what: the token is not logged");
}

# --- churn: 3,000 distinct tokens through the smallest zone

my $churn_fail = 0;
my $logged = length slurp($errlog);
my $t0 = time;

for my $i (1 .. 3000) {
    my $r = request('/churn', "Authorization: Bearer tok-060-churn-$i\r\n");

    $churn_fail++ unless $r && $r->[0] == 200 && $r->[2] eq "ok MISS\n";
}

is($churn_fail, 0, '3,000 distinct tokens through a 32k zone: all 200 MISS');
note(sprintf '3,000 requests in %.1f s', time - $t0);

my $again = request('/churn', "Authorization: Bearer tok-060-churn-1\r\n");
is($again && $again->[2], "ok MISS\n",
   'the first token was evicted: asked again');

my $last = request('/churn', "Authorization: Bearer tok-060-churn-3000\r\n");
is($last && $last->[2], "ok HIT\n", 'the last token is still cached');

is(as_calls('tok-060-churn-1'), 2, 'the evicted token was introspected twice');
is(as_calls('tok-060-churn-3000'), 1, 'the cached one once');

my $churn_log = substr(slurp($errlog), $logged);
unlike($churn_log, qr/\[(?:alert|crit|emerg)\]|no memory|could not allocate/,
       'no allocation failure or alert while the zone churned');

# --- nginx -s reload, three times, under load

my @warm = map { "tok-060-warm-$_" } 1 .. 20;

my $warm_fail = 0;

for my $t (@warm) {
    my $r = request('/o', "Authorization: Bearer $t\r\n");
    $warm_fail++ unless $r && $r->[2] eq "ok MISS\n";
}

is($warm_fail, 0, '20 tokens cached before the reloads');
is(as_calls($warm[0]), 1, 'one call per token');

$logged = length slurp($errlog);

my $results = "$prefix/logs/load.txt";
my $until = time + 3 * $slow;
my @load;

for my $c (1 .. 3) {
    push @load, spawn(sub {
        my ($n, $bad) = (0, 0);
        my @why;

        while (time < $until) {
            my $t = $warm[($n + $c) % @warm];
            my ($uri, $h) = $n % 2
                ? ('/o', "Authorization: Bearer $t\r\n")
                : ('/k', "Authorization: Bearer $KEY\r\n");
            my $r = request($uri, $h);

            $n++;

            if (!$r || $r->[0] != 200) {
                $bad++;
                push @why, $r ? "$uri $r->[0]" : "$uri no answer";
            }
        }

        open my $fh, '>>', $results or die "$results: $!";
        print $fh "$n $bad @why\n";
        close $fh;
    });
}

my @reloaded;

for (1 .. 3) {
    sleep 0.7 * $slow;
    push @reloaded, reload_and_settle();
}

waitpid $_, 0 for @load;
@children = grep { my $p = $_; !grep { $_ == $p } @load } @children;

is_deeply(\@reloaded, [1, 1, 1], 'three reloads, each replaced the workers');

my ($sent, $failed, @why) = (0, 0);

for my $line (split /\n/, slurp($results)) {
    my ($n, $bad, $why) = split / /, $line, 3;
    $sent += $n;
    $failed += $bad;
    push @why, $why if length($why // '');
}

cmp_ok($sent, '>', 100, "the clients sent $sent requests during the reloads");
is($failed, 0, 'not one of them failed') or diag("@why");

is(as_calls($_), 1, "$_: not introspected again after the reloads")
    for @warm[0, 9, 19];

my $r = request('/o', "Authorization: Bearer $warm[5]\r\n");
is($r && $r->[2], "ok HIT\n", 'a token cached before the reloads is a HIT');

unlike(substr(slurp($errlog), $logged), qr/\[(?:alert|crit|emerg)\]/,
       'no alert during the reloads');

# --- SIGKILL a worker while introspections are in flight

my @w = workers();
is(scalar @w, 2, 'two workers');

$logged = length slurp($errlog);

my @inflight = map { "tok-060-inflight-$_" } 1 .. 8;
my @flight;

for my $t (@inflight) {
    push @flight, spawn(sub {
        request('/slow', "Authorization: Bearer $t\r\n");
    });
}

# the slow server holds each call for 1 s: kill while they wait
sleep 0.4 * $slow;
my $victim = $w[0];
kill 'KILL', $victim;

ok(wait_for(sub {
       my @now = workers();
       @now == 2 && !grep { $_ == $victim } @now;
   }), 'the master started a new worker') or diag(join ' ', workers());

waitpid $_, 0 for @flight;
@children = grep { my $p = $_; !grep { $_ == $p } @flight } @children;

# every token whose call was in flight is answered: the in-flight marker
# of the dead worker expires (10 s) or the call completed in the other
my @late;

for my $t (@inflight[0, 3, 7]) {
    my $status = 0;

    wait_for(sub {
        my $x = request('/slow', "Authorization: Bearer $t\r\n");
        $status = $x ? $x->[0] : 0;
        return $status == 200;
    });

    push @late, $status;
}

is_deeply(\@late, [200, 200, 200],
          'tokens whose call was in flight are answered after the kill');

$r = request('/o', "Authorization: Bearer $warm[3]\r\n");
is($r && $r->[2], "ok HIT\n", 'a token cached before the kill is a HIT');

$r = request('/o', "Authorization: Bearer tok-060-after-kill\r\n");
is($r && $r->[2], "ok MISS\n", 'a new token is introspected');
$r = request('/o', "Authorization: Bearer tok-060-after-kill\r\n");
is($r && $r->[2], "ok HIT\n", '... and cached: the zone is usable');

$r = request('/inactive', "Authorization: Bearer tok-060-inactive\r\n");
is($r && $r->[0], 401, 'an inactive token still gets 401');

$r = request('/k', "Authorization: Bearer $KEY\r\n");
is($r && $r->[0], 200, 'API keys still work');

my @alerts = grep { !/exited on signal 9/ }
             substr(slurp($errlog), $logged) =~ /^(.*\[(?:alert|crit|emerg)\].*)$/mg;
is_deeply(\@alerts, [], 'no alert but the killed worker\'s exit');

check_valgrind();

done_testing();


# the end of the form body of a buffered request (Content-Length)
sub body_end {
    my ($req) = @_;
    my $head = index $req, "\r\n\r\n";

    return 1 << 30 if $head < 0;

    my ($len) = $req =~ /^Content-Length:\s*(\d+)/mi;

    return $head + 4 + ($len // 0);
}


sub spawn {
    my ($code) = @_;
    my $child = fork;

    die "fork: $!" unless defined $child;

    if ($child == 0) {
        $pid = 0;           # not the master's owner: END must not stop it
        @children = ();
        $code->();
        POSIX::_exit(0);
    }

    push @children, $child;

    return $child;
}


# introspection calls the mock server logged for token T
sub as_calls {
    my ($t) = @_;

    return scalar grep { $_ eq "token=$t&token_type_hint=access_token" }
                  split /\n/, slurp($aslog);
}


sub nginx_conf {
    return standalone_conf(workers => 2, connections => 256,
                           http => <<"_EOC_", server => <<"_EOC_");
    log_format as_body '\$request_body';

    api_auth_cache_zone zone=main:1m;
    api_auth_cache_zone zone=tiny:32k;
_EOC_
        api_auth_keys keys.txt;
        api_auth_introspect /_introspect;

        # named: its entries survive the reloads below (t/027-cache-reload.t)
        api_auth_cache main namespace=t060;

        location = /k {
            api_auth api_key;
            echo "ok";
        }

        location = /o {
            api_auth oauth;
            echo "ok \$api_auth_cache_status";
        }

        location = /churn {
            api_auth oauth;
            api_auth_cache tiny;
            echo "ok \$api_auth_cache_status";
        }

        location = /slow {
            api_auth oauth;
            api_auth_introspect /_introspect_slow;
            echo "ok \$api_auth_cache_status";
        }

        location = /short-length {
            api_auth oauth;
            api_auth_introspect /_introspect_short;
            api_auth_cache off;
            echo "ok";
        }

        location = /truncated {
            api_auth oauth;
            api_auth_introspect /_introspect_truncated;
            api_auth_cache off;
            echo "ok";
        }

        location = /_introspect {
            internal;
            proxy_pass http://127.0.0.1:$port/mock_as;
        }

        location = /inactive {
            api_auth oauth;
            api_auth_introspect /_introspect_inactive;
            echo "ok";
        }

        location = /_introspect_inactive {
            internal;
            proxy_pass http://127.0.0.1:$port/mock_inactive;
        }

        location = /_introspect_slow {
            internal;
            proxy_pass http://127.0.0.1:$port/mock_slow;
        }

        location = /_introspect_short {
            internal;
            proxy_pass http://127.0.0.1:$broken_port/short-length;
        }

        location = /_introspect_truncated {
            internal;
            proxy_pass http://127.0.0.1:$broken_port/truncated;
        }

        location = /mock_as {
            access_log logs/as.log as_body;
            default_type application/json;
            echo_read_request_body;
            echo '{"active":true,"sub":"u1"}';
        }

        location = /mock_inactive {
            default_type application/json;
            echo '{"active":false}';
        }

        location = /mock_slow {
            access_log logs/as.log as_body;
            default_type application/json;
            echo_read_request_body;
            echo_sleep 1;
            echo '{"active":true,"sub":"u1"}';
        }
_EOC_
}
