# `make key NAME=... [SCOPE="..."]` (SPEC.md "Key file"): prints a new
# random key of at least 256 bits once, and the line to add to the key
# file. Protects what an operator relies on: the line holds the SHA-256
# of exactly the printed key (never the key itself), nginx loads it, the
# key then authenticates with its name and scope, two keys are never the
# same, and bad input is refused without a key being made.
#
# A standalone Test::More script (see t/helpers/standalone.pl): it runs
# util/key.sh, the command behind `make key`, then its own nginx.

use strict;
use warnings;

use FindBin;
use Test::More;
use Digest::SHA qw(sha256_hex);

require "$FindBin::Bin/helpers/standalone.pl";

our ($nginx, @modules, $prefix, $port, $pid);

plan skip_all => 'TEST_NGINX_LOAD_MODULES (module and echo .so) not set'
    unless @modules;
plan skip_all => "cannot run $nginx" unless -x $nginx;

my $keysh = "$FindBin::Bin/../util/key.sh";

# runs util/key.sh; returns (key, line) from its output
sub make_key {
    my @args = @_;
    my $out = `bash '$keysh' @{[ map { "'$_'" } @args ]} 2>&1`;

    return ($? >> 8, $out) if $?;

    my ($key) = $out =~ /^API key .*\n  (\S+)\n/m;
    my ($line) = $out =~ /^Key file line:\n  (.+)\n/m;

    return ($key, $line, $out);
}

my ($key, $line, $out) = make_key('gpt-test', 'orders.read orders.write');

# 43 base64url characters: 32 random bytes, 256 bits
like($key, qr/^aak_[A-Za-z0-9_-]{43}$/,
     'the key: aak_ and 43 base64url characters (256 bits)');

is($line, 'gpt-test  sha256:' . sha256_hex($key)
          . '  scope="orders.read orders.write"',
   'the line: name, SHA-256 of exactly the printed key, scope');

is(scalar(() = $out =~ /\Q$key\E/g), 1, 'the key is printed once');

my ($key2, $line2) = make_key('other');

isnt($key2, $key, 'two keys are never the same');
is($line2, 'other  sha256:' . sha256_hex($key2), 'no scope: no scope=');

my ($rc, $err) = make_key('bad name');
is($rc, 2, 'a name outside A-Za-z0-9._- is refused');
unlike($err, qr/aak_/, '... and no key is made');

($rc, $err) = make_key('n', 'a"b');
is($rc, 2, 'a quote in the scope is refused');

# --- nginx loads the line, and the key works

standalone_prefix('make-key');
write_file("$prefix/conf/keys.txt", "$line\n$line2\n");
write_file("$prefix/conf/nginx.conf", key_file_conf('$api_auth_client $api_auth_scope'));

start_nginx();

END {
    stop_nginx() if $pid;
}

ok(wait_for(sub { defined get('/t', '') }), 'nginx loads the key file')
    or BAIL_OUT("nginx did not start:\n" . slurp("$prefix/logs/error.log"));

is_deeply(get('/t', $key), [200, undef, "ok gpt-test orders.read orders.write\n"],
          'the printed key authenticates, with its name and scope');
is(get('/t', $key2)->[2], "ok other \n", 'so does the second one');
is(get('/t', "${key}x")->[0], 401, 'a changed key does not');

stop_nginx();
check_valgrind();

done_testing();

