# A reload onto another build of the module (load_module changed to
# another .so) whose cache zone layout differs
# (NGX_HTTP_API_AUTH_SHM_VERSION 99: build/shm99, made by
# util/shm-variant.sh for make integration): the old zone's entries are
# never read with the other layout.  nginx gives the new build a zone of
# its own (it reuses a zone only for the same module object, whose tag is
# the same), so the reload succeeds, the first request is a MISS and the
# entries of the old build are gone; a reload with the same build keeps
# them (namespace=, so that they may be HITs across reloads at all).
#
# The [emerg] of ngx_http_api_auth_check_layout() (a kept zone of another
# version) cannot be reached this way on Linux: a kept zone always comes
# from the same module object, so from the same version.
#
# A standalone Test::More script (see t/006-reload.t): the reloads happen
# between requests to one running master.

use strict;
use warnings;

use FindBin;
use Test::More;

require "$FindBin::Bin/helpers/standalone.pl";

our ($nginx, @modules, $prefix, $port, $pid);

my $other = $ENV{TEST_NGINX_SHM99_MODULE} || '';

plan skip_all => 'TEST_NGINX_LOAD_MODULES (module and echo .so) not set'
    unless @modules;
plan skip_all => "cannot run $nginx" unless -x $nginx;

# make integration always builds it; a missing one is a failure, not a skip
ok(-f $other, 'the other build of the module is there (make integration)')
    or BAIL_OUT("TEST_NGINX_SHM99_MODULE: '$other' not found");

standalone_prefix('zone-version');

my $errlog = "$prefix/logs/error.log";

# the api_auth module .so given, then the other modules (echo)
sub conf {
    my ($so) = @_;

    return standalone_conf(modules => [$so, @modules[1 .. $#modules]],
                           workers => 2,
                           http => "    api_auth_cache_zone zone=z028:1m;\n",
                           server => <<"_EOC_");
        location = /_introspect {
            internal;
            proxy_pass http://127.0.0.1:$port/mock;
        }
        location = /mock {
            default_type application/json;
            return 200 '{"active":true,"sub":"u028"}';
        }
        location = /api {
            api_auth oauth;
            api_auth_introspect /_introspect;
            api_auth_cache z028 namespace=one-as;
            add_header X-Cache \$api_auth_cache_status always;
            echo "ok \$api_auth_subject";
        }
_EOC_
}

# [status, X-Cache, body]
sub ask {
    my ($token) = @_;
    my $r = request('/api', "Authorization: Bearer $token\r\n") or return [0];

    return [$r->[0], $r->[1]{'x-cache'}, $r->[2]];
}

write_file("$prefix/conf/nginx.conf", conf($modules[0]));

start_nginx();

END {
    stop_nginx() if $pid;
}

ok(wait_for(sub { defined request('/api', '') }), 'nginx answers')
    or BAIL_OUT("nginx did not start:\n" . slurp($errlog));

is_deeply(ask('tok-028-a'), [200, 'MISS', "ok u028\n"], 'build 1: MISS');
is_deeply(ask('tok-028-a'), [200, 'HIT', "ok u028\n"], 'build 1: HIT');

# --- the same build again: the zone and its entries are kept

ok(reload_and_settle(), 'reload with the same build');
is_deeply(ask('tok-028-a'), [200, 'HIT', "ok u028\n"],
          'the same build keeps the entries across the reload');

# --- the other build: a zone of its own, the old entries never read

write_file("$prefix/conf/nginx.conf", conf($other));
ok(reload_and_settle(), 'the reload onto the other build replaced the '
                        . 'workers');
is_deeply(ask('tok-028-a'), [200, 'MISS', "ok u028\n"],
          'the other build does not read the old entries: MISS');
is_deeply(ask('tok-028-a'), [200, 'HIT', "ok u028\n"],
          'and caches in its own zone');

# --- and back: again a zone of its own

write_file("$prefix/conf/nginx.conf", conf($modules[0]));
ok(reload_and_settle(), 'the reload back onto build 1');
is_deeply(ask('tok-028-a'), [200, 'MISS', "ok u028\n"],
          'back on build 1: MISS, nothing read from the other layout');

my $log = slurp($errlog);

unlike($log, qr/\[emerg\]/, 'no reload was refused');
unlike($log, qr/tok-028/, 'the error log never shows a token');
unlike($log, qr/\[alert\]|unexpected exception|exited on signal/,
       'no alert, no crash');

stop_nginx();
check_valgrind();

done_testing();
