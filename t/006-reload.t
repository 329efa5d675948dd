# "nginx -s reload" and the key file (SPEC.md "api_auth_keys": read when
# the configuration is loaded; a reload picks up changes).  Protects key
# rotation without a restart: a key added to the file works after a HUP, a
# key removed stops working, and a reload with a broken key file is refused
# with the file, line and reason in the error log while the running
# configuration (with its keys) keeps serving; a later good reload
# recovers.  The error log, at level info, never shows a key.
#
# A standalone Test::More script, not Test::Nginx: the reload has to happen
# between requests to one running master, which Test::Nginx blocks cannot
# express portably.  It starts its own nginx (TEST_NGINX_BINARY, the
# modules of TEST_NGINX_LOAD_MODULES, the echo module among them) in a
# temporary prefix on a free port, and stops it (QUIT, then KILL) at exit.
#
# Keys (fake test values):
#   key-a  test-key-reload-a-0005
#   key-b  test-key-reload-b-0006

use strict;
use warnings;

use FindBin;
use Test::More;

require "$FindBin::Bin/helpers/standalone.pl";

our ($nginx, @modules, $prefix, $port, $pid);

plan skip_all => 'TEST_NGINX_LOAD_MODULES (module and echo .so) not set'
    unless @modules;
plan skip_all => "cannot run $nginx" unless -x $nginx;

my %key = (
    a => 'test-key-reload-a-0005',
    b => 'test-key-reload-b-0006',
);

my %line = (
    a => 'key-a sha256:cf496c065ff697b6010a8105b28e31e55300a99591c9a01e40240e13fa20c96a scope="orders.read"',
    b => 'key-b sha256:84ab0f6be075c2a27aba451c15338aaeb88331a1f0c4b1d63346691dedb3371b',
);

standalone_prefix('reload');

my $errlog = "$prefix/logs/error.log";
my $keys = "$prefix/conf/keys.txt";

write_file($keys, "# only key-a\n$line{a}\n");
write_file("$prefix/conf/nginx.conf", key_file_conf('$api_auth_client'));

start_nginx();

END {
    stop_nginx() if $pid;
}

ok(wait_for(sub { defined get('/t', '') }), 'nginx answers')
    or BAIL_OUT("nginx did not start:\n" . slurp($errlog));

# --- before any reload

is_deeply(get('/t', $key{a}), [200, undef, "ok key-a\n"], 'key A works');
is_deeply(get('/t', $key{b}),
          [401, 'Bearer realm="api", error="invalid_token"', undef],
          'key B is unknown');

# --- add key B

write_file($keys, "$line{a}\n$line{b}\n");

# the file is read when the configuration is loaded, not per request
is(get('/t', $key{b})->[0], 401, 'key B, in the file but not reloaded yet: 401');

unlink $keys;
is_deeply(get('/t', $key{a}), [200, undef, "ok key-a\n"],
          'key A works with the file gone: no file I/O per request');
write_file($keys, "$line{a}\n$line{b}\n");

ok(reload_and_settle(), "the reload that adds key B replaced the workers");

ok(wait_for(sub { (get('/t', $key{b}) // [0])->[0] == 200 }),
   'key B works after the reload that added it');
is_deeply(get('/t', $key{b}), [200, undef, "ok key-b\n"],
          'key B is named key-b');
is_deeply(get('/t', $key{a}), [200, undef, "ok key-a\n"],
          'key A still works');

# --- rotate: remove key A

write_file($keys, "# key-a revoked\n$line{b}\n");
ok(reload_and_settle(), "the reload that removes key A replaced the workers");

ok(wait_for(sub { (get('/t', $key{a}) // [0])->[0] == 401 }),
   'key A is refused after the reload that removed it');
is_deeply(get('/t', $key{a}),
          [401, 'Bearer realm="api", error="invalid_token"', undef],
          'key A: 401 invalid_token');
is_deeply(get('/t', $key{b}), [200, undef, "ok key-b\n"], 'key B works');

# --- a broken key file: the reload is refused, the old keys keep serving

my $logged = length slurp($errlog);

write_file($keys, "$line{a}\n$line{a}\n");
reload();

my $errpat = qr{\[emerg\].*api_auth: key file "[^"]*/conf/keys\.txt", line 2: duplicate name "key-a"};

ok(wait_for(sub { substr(slurp($errlog), $logged) =~ $errpat }),
   'the refused reload logs file, line and reason')
    or diag(substr(slurp($errlog), $logged));

is_deeply(get('/t', $key{b}), [200, undef, "ok key-b\n"],
          'key B still works (old configuration kept)');
is_deeply(get('/t', $key{a}),
          [401, 'Bearer realm="api", error="invalid_token"', undef],
          'key A is still refused (the broken file was not half-loaded)');
is(kill(0, $pid), 1, 'the master survived the refused reload');

# --- fixing the file and reloading again recovers

write_file($keys, "$line{a}\n$line{b}\n");
ok(reload_and_settle(), "the good reload replaced the workers");

ok(wait_for(sub { (get('/t', $key{a}) // [0])->[0] == 200 }),
   'key A works again after a good reload');
is_deeply(get('/t', $key{b}), [200, undef, "ok key-b\n"], 'key B works');
is_deeply(get('/t', ''), [401, 'Bearer realm="api", Basic realm="api"', undef],
          'no credential: 401');

# --- the log

my $log = slurp($errlog);

unlike($log, qr/test-key-reload/, 'the error log never shows a key');
unlike($log, qr/cf496c065ff6|84ab0f6be075/, 'nor a hash');
unlike($log, qr/\[alert\]|unexpected exception|exited on signal/,
       'no alert, no crash');

stop_nginx();
check_valgrind();

ok(!-e "$prefix/logs/nginx.pid", 'nginx stopped');

done_testing();

