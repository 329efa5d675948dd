# Secrets never leave the request (SPEC.md "Introspection cache", STYLE.md
# R13).  Protects: after traffic with API keys (Bearer, Basic in its three
# forms, a custom header; known, unknown, expired) and OAuth tokens
# (active, inactive, authorization server down, malformed headers), no
# plaintext key or token, nor a key's base64 form or full hash, appears in
# the error log at level info, in the access log with nginx's default
# "combined" format, or anywhere in the shared-memory zone of the running
# worker.  As a positive control, the zone does hold the SHA-256 of the
# active token: the dump really is the cache.
#
# A standalone Test::More script (see t/helpers/standalone.pl): Test::Nginx
# logs at level debug, where nginx itself prints request headers.

use strict;
use warnings;

use FindBin;
use MIME::Base64 qw(encode_base64);
use Digest::SHA qw(sha256 sha256_hex);
use Test::More;

require "$FindBin::Bin/helpers/standalone.pl";

our ($nginx, @modules, $prefix, $port, $pid);

plan skip_all => 'TEST_NGINX_LOAD_MODULES (module and echo .so) not set'
    unless @modules;
plan skip_all => "cannot run $nginx" unless -x $nginx;
plan skip_all => 'needs root to read /proc/PID/mem' unless $> == 0;

# fake test secrets, each unique enough to be searched for
my %key = (
    good    => 'secret-key-good-7c1e2a',
    expired => 'secret-key-expired-4b9d0f',
    unknown => 'secret-key-unknown-93aa61',
);

my %token = (
    active   => 'secret-token-active-5d2c88',
    inactive => 'secret-token-inactive-0e7b13',
    down     => 'secret-token-down-a4f6c2',
    odd      => 'secret/token+odd=',
);

standalone_prefix('secrets');

write_file("$prefix/conf/keys.txt", join '',
    "good sha256:" . sha256_hex($key{good}) . " scope=\"read\"\n",
    "expired sha256:" . sha256_hex($key{expired})
        . " not_after=2020-01-01T00:00:00Z\n");

write_file("$prefix/conf/nginx.conf", nginx_conf());

start_nginx();

END {
    stop_nginx() if $pid;
}

ok(wait_for(sub { defined request('/open', '') }), 'nginx answers')
    or BAIL_OUT("nginx did not start:\n" . slurp("$prefix/logs/error.log"));

my @traffic = (
    ['/key', "Authorization: Bearer $key{good}", 200],
    ['/key', "Authorization: bearer $key{good}", 200],
    ['/key', "Authorization: Basic $key{good}", 200],
    ['/key', 'Authorization: Basic ' . b64("user:$key{good}"), 200],
    ['/key', 'Authorization: Basic ' . b64("$key{good}:"), 200],
    ['/key', "X-API-Key: $key{good}", 200],
    ['/key', "Authorization: Bearer $key{expired}", 401],
    ['/key', "Authorization: Bearer $key{unknown}", 401],
    ['/key', 'Authorization: Basic ' . b64("user:$key{unknown}"), 401],
    ['/key', "X-API-Key: $key{unknown}", 401],
    ['/key', "Authorization: Bearer $key{good} extra", 400],
    ['/key', "X-API-Key: $key{good}\r\nX-API-Key: $key{good}", 400],
    ['/oauth', "Authorization: Bearer $token{active}", 200],
    ['/oauth', "Authorization: Bearer $token{active}", 200],
    ['/oauth', "Authorization: Bearer $token{odd}", 200],
    ['/inactive', "Authorization: Bearer $token{inactive}", 401],
    ['/inactive', "Authorization: Bearer $token{inactive}", 401],
    ['/down', "Authorization: Bearer $token{down}", 503],
    ['/oauth', "Authorization: Bearer $token{active}\tx", 400],
);

for my $t (@traffic) {
    my ($uri, $header, $status) = @$t;
    my $r = request($uri, "$header\r\n");

    is($r && $r->[0], $status, "$uri answers $status")
        or diag($r ? $r->[2] : 'no answer');
}

my @workers = workers();
is(scalar @workers, 1, 'one worker to inspect');

my $zone = shm_dump($workers[0]);

ok(length $zone >= 1024 * 1024, 'the 1 MB zone was read from the worker')
    or diag(length $zone);

# (entries are keyed by the token's digest mixed with the location's
# cache namespace, so the control looks for the entry's claims instead)
ok(index($zone, 'sub-090-control') >= 0,
   'control: the zone holds the entry of the active token');

stop_nginx();
check_valgrind();

my %where = (
    'error log' => slurp("$prefix/logs/error.log"),
    'access log' => slurp("$prefix/logs/access.log"),
    'shared memory zone' => $zone,
);

ok(length $where{'access log'} > 0, 'the access log was written');

my @secrets = (values %key, values %token,
               b64("user:$key{good}"), b64("$key{good}:"),
               sha256_hex($key{good}), sha256_hex($key{expired}),
               'secret-key', 'secret-token', 'secret%2Ftoken');

for my $place (sort keys %where) {
    my @found = grep { index($where{$place}, $_) >= 0 } @secrets;

    is_deeply(\@found, [], "no secret in the $place");
}

like($where{'error log'}, qr/api_auth: unknown API key [0-9a-f]{8}\b/,
     'unknown keys are logged by digest prefix only');

done_testing();


sub b64 {
    return encode_base64($_[0], '');
}


# the worker's shared anonymous mappings (nginx zones), read as root
sub shm_dump {
    my ($wpid) = @_;
    my $data = q{};
    no warnings qw(portable);

    open my $maps, '<', "/proc/$wpid/maps" or return '';
    open my $mem, '<:raw', "/proc/$wpid/mem" or return '';

    while (my $line = <$maps>) {
        next unless $line =~ m{^([0-9a-f]+)-([0-9a-f]+) rw-s \S+ \S+ \d+\s+/dev/zero};

        my ($from, $to) = (hex $1, hex $2);
        my $chunk;

        sysseek $mem, $from, 0 or next;
        sysread $mem, $chunk, $to - $from;
        $data .= $chunk // '';
    }

    return $data;
}


sub nginx_conf {
    return standalone_conf(access_log => 'logs/access.log',
                           http => "    api_auth_cache_zone zone=secrets:1m;\n",
                           server => <<"EOF");
        api_auth_keys keys.txt;
        api_auth_key_source bearer basic header=X-API-Key;
        api_auth_cache secrets;

        location = /open {
            echo "open";
        }

        location = /key {
            api_auth api_key;
            echo "key \$api_auth_client";
        }

        location = /oauth {
            api_auth oauth;
            api_auth_introspect /_active;
            echo "token \$api_auth_client";
        }

        location = /inactive {
            api_auth oauth;
            api_auth_introspect /_inactive;
            echo "token";
        }

        location = /down {
            api_auth oauth;
            api_auth_introspect /_down;
            echo "token";
        }

        location = /_active {
            internal;
            proxy_pass http://127.0.0.1:$port/as_active;
        }

        location = /_inactive {
            internal;
            proxy_pass http://127.0.0.1:$port/as_inactive;
        }

        location = /_down {
            internal;
            proxy_pass http://127.0.0.1:9/;
        }

        location = /as_active {
            default_type application/json;
            return 200 '{"active":true,"client_id":"c1","sub":"sub-090-control","scope":"read"}';
        }

        location = /as_inactive {
            default_type application/json;
            return 200 '{"active":false}';
        }
EOF
}
