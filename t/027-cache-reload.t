# A reload that repoints the introspection location (security review,
# finding 1, third variant): the answers of the old authorization server
# are never HITs afterwards. By default each configuration load has its
# own namespace in the zone; a location that names its share
# (api_auth_cache ... namespace=NAME) keeps its entries across reloads,
# because the name states that the server behind it stays the same.
#
# A standalone Test::More script (see t/006-reload.t): the reload has to
# happen between requests to one running master.

use strict;
use warnings;

use FindBin;
use Test::More;

require "$FindBin::Bin/helpers/standalone.pl";

our ($nginx, @modules, $prefix, $port, $pid);

plan skip_all => 'TEST_NGINX_LOAD_MODULES (module and echo .so) not set'
    unless @modules;
plan skip_all => "cannot run $nginx" unless -x $nginx;

standalone_prefix('cache-reload');

my $errlog = "$prefix/logs/error.log";

# /api asks MOCK through /_introspect; /shared does the same with a name
sub conf {
    my ($mock) = @_;

    return standalone_conf(http => "    api_auth_cache_zone zone=z:1m;\n",
                           server => <<"_EOC_");
        location = /_introspect {
            internal;
            proxy_pass http://127.0.0.1:$port$mock;
        }
        location = /mock_a {
            default_type application/json;
            return 200 '{"active":true,"sub":"from-a"}';
        }
        location = /mock_b {
            default_type application/json;
            return 200 '{"active":false}';
        }
        location = /api {
            api_auth oauth;
            api_auth_introspect /_introspect;
            api_auth_cache z;
            add_header X-Cache \$api_auth_cache_status always;
            echo "ok \$api_auth_subject";
        }
        location = /shared {
            api_auth oauth;
            api_auth_introspect /_introspect;
            api_auth_cache z namespace=one-as;
            add_header X-Cache \$api_auth_cache_status always;
            echo "ok \$api_auth_subject";
        }
_EOC_
}

# [status, X-Cache]
sub ask {
    my ($uri, $token) = @_;
    my $r = request($uri, "Authorization: Bearer $token\r\n") or return [0];

    return [$r->[0], $r->[1]{'x-cache'}];
}

write_file("$prefix/conf/nginx.conf", conf('/mock_a'));

start_nginx();

END {
    stop_nginx() if $pid;
}

ok(wait_for(sub { defined request('/api', '') }), 'nginx answers')
    or BAIL_OUT("nginx did not start:\n" . slurp($errlog));

is_deeply(ask('/api', 'tok-027-a'), [200, 'MISS'], 'server A: active, MISS');
is_deeply(ask('/api', 'tok-027-a'), [200, 'HIT'], 'then a HIT');
is_deeply(ask('/shared', 'tok-027-s'), [200, 'MISS'], 'named: MISS');
is_deeply(ask('/shared', 'tok-027-s'), [200, 'HIT'], 'named: then a HIT');

# --- /_introspect now leads to server B, which knows none of them

write_file("$prefix/conf/nginx.conf", conf('/mock_b'));
ok(reload_and_settle(), 'the reload that repoints /_introspect replaced '
                        . 'the workers');

is_deeply(ask('/api', 'tok-027-a'), [401, 'MISS'],
          "server A's answer is not a HIT after the repointing reload");
is_deeply(ask('/api', 'tok-027-a'), [401, 'HIT'],
          "server B's answer is cached in its place");

# the name is the operator's statement that the server is the same
is_deeply(ask('/shared', 'tok-027-s'), [200, 'HIT'],
          'a named namespace keeps its entries across reloads');

my $log = slurp($errlog);

unlike($log, qr/tok-027/, 'the error log never shows a token');
unlike($log, qr/\[alert\]|unexpected exception|exited on signal/,
       'no alert, no crash');

stop_nginx();
check_valgrind();

done_testing();
