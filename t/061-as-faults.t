# Authorization-server faults (SPEC.md "Responses", last row, and
# "Introspection cache", stale_if_error): whatever goes wrong between
# nginx and the authorization server, the client gets 503 with
# Retry-After and no WWW-Authenticate (never a 401 that would make it drop
# a good token, never a 500 or a dropped connection), the error log names
# the cause at level error, nothing is logged at alert/crit/emerg, and the
# token never appears in the log. The faults: a refused connection, a
# server that hangs past proxy_read_timeout, every kind of non-200 status
# (5xx, its own 401, 404, a redirect), a connection closed mid-body (a
# Content-Length of 100 and fewer bytes; a chunked body without its last
# chunk; no Content-Length and the JSON cut after {"active":tr), a
# connection closed mid-header, a connection reset. With stale_if_error,
# a cached active token keeps working through the same faults (STALE), and
# a token without an entry still gets 503.
#
# How: nginx cannot cut its own answers short, so the file starts a tiny
# HTTP server of its own (a forked Perl process on a free loopback port,
# $TEST_NGINX_FAULT_PORT, killed at exit) that reads a request and
# answers according to the path: /cut-length, /cut-chunked, /cut-json,
# /cut-header, /reset. The stale blocks run sequences as t/021-cache-ttl.t
# does: /x?l=LOC&t=TOKEN proxies to /LOC with the token; one location fills
# the cache, another with the same zone meets the fault.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";
# the sequence harness of the stale blocks: t/helpers/sequences.pl
require "$FindBin::Bin/helpers/sequences.pl";

use IO::Socket::INET;
use Socket ();
use IO::Select;
use POSIX ();

our $FaultPid;
my $parent = $$;

# --- the faulty server

sub fault_reply {
    my ($path) = @_;
    my $head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

    # promises 100 bytes, sends 26 (a whole JSON object), closes
    return "${head}Content-Length: 100\r\nConnection: close\r\n\r\n"
           . '{"active":true,"sub":"u1"}'
        if $path eq '/cut-length';

    # chunked (proxy_http_version 1.1): one whole chunk with a whole JSON
    # object, then close without the last chunk
    return "${head}Transfer-Encoding: chunked\r\n\r\n"
           . "1a\r\n" . '{"active":true,"sub":"u1"}' . "\r\n"
        if $path eq '/cut-chunked';

    # no Content-Length: the body ends at close, mid-JSON
    return "${head}Connection: close\r\n\r\n" . '{"active":tr'
        if $path eq '/cut-json';

    # closes in the middle of the header
    return "HTTP/1.1 200 OK\r\nContent-Ty" if $path eq '/cut-header';

    return undef;    # /reset: a TCP reset instead of an answer
}

sub fault_serve {
    my ($listen) = @_;
    my $sel = IO::Select->new($listen);

    # bounded: a parent that died leaves no server behind
    while (getppid() == $parent) {
        next unless $sel->can_read(0.5);

        my $c = $listen->accept or next;
        my $csel = IO::Select->new($c);
        my $req = '';

        # the request head and its body (nginx sends the form as POST)
        while ($csel->can_read(5)) {
            my $n = sysread $c, $req, 4096, length $req;

            last unless $n;

            if ($req =~ /\r\n\r\n/) {
                my ($len) = $req =~ /^Content-Length:\s*(\d+)/mi;
                my $have = length($req) - index($req, "\r\n\r\n") - 4;

                last if $have >= ($len // 0);
            }
        }

        my ($path) = $req =~ m{^[A-Z]+ (\S+)};
        my $reply = fault_reply($path // '');

        if (defined $reply) {
            syswrite $c, $reply;
        } else {
            # SO_LINGER 0: close() sends a RST
            setsockopt($c, Socket::SOL_SOCKET(), Socket::SO_LINGER(),
                       pack('ii', 1, 0));
        }

        close $c;
    }
}

{
    my $listen = IO::Socket::INET->new(
        LocalAddr => '127.0.0.1',
        LocalPort => $ENV{TEST_NGINX_FAULT_PORT} || 0,
        Proto => 'tcp',
        Listen => 16,
        ReuseAddr => 1,
    ) or die "cannot listen for the faulty server: $!\n";

    $ENV{TEST_NGINX_FAULT_PORT} = $listen->sockport;

    $FaultPid = fork // die "fork: $!\n";

    if ($FaultPid == 0) {
        fault_serve($listen);
        POSIX::_exit(0);
    }

    close $listen;
}

END {
    if ($$ == $parent && $FaultPid) {
        local $?;
        kill 'KILL', $FaultPid;
        waitpid $FaultPid, 0;
    }
}

# --- configuration pieces

# a protected location /NAME that asks /_introspect_SERVER; with a cache,
# through the one URI /_introspect_via that all cached locations share
# (entries are shared per introspection URI), which passes the call on to
# /_introspect_$as_server, set here and seen by the subrequest
sub protected {
    my ($name, $server, $cache) = @_;
    my @via = $cache ? (cache => $cache, uri => '/_introspect_via',
                        more => ["set \$as_server $server;"]) : ();
    return ::protected_location($name, $server, @via,
                                echo => ' $api_auth_client $api_auth_subject');
}

# a mock authorization server answering STATUS at /mock_STATUS
sub mock_status {
    my ($status, $extra) = @_;
    $extra //= '';
    return <<_EOC_ . ::introspect($status, "http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/mock_$status") . ::protected("t", $status);
    location = /mock_$status {
        default_type application/json;
$extra        return $status '{"active":true,"sub":"u1"}';
    }
_EOC_
}

our $Faulty = "http://127.0.0.1:\$TEST_NGINX_FAULT_PORT";

# the sequence harness of the stale blocks
our $Harness = ::seq_harness(
    errors => '400 401 403 500 502 503 504',
    denied => 'echo "$upstream_status $upstream_http_x_result $upstream_http_x_cache retry=$upstream_http_retry_after challenge=$upstream_http_www_authenticate";')
    . ::introspect("ok") . <<'_EOC_';
    location = /_introspect_via {
        internal;
        try_files /nonexistent /_introspect_$as_server;
    }
    location = /mock_ok {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","sub":"u1","scope":"orders.read"}';
    }
_EOC_

# log lines that must never appear: alert and worse, the token (at any
# level above debug, where nginx itself prints request headers), and
# its SHA-256 past the 8-digit prefix the module may log
sub clean_log {
    my ($token) = @_;
    require Digest::SHA;
    my $hex = Digest::SHA::sha256_hex($token);
    return [
        "[alert]",
        "[crit]",
        "[emerg]",
        "unexpected exception",
        substr($hex, 0, 16),
        qr/\[(?:info|notice|warn|error|crit|alert|emerg)\].*\Q$token\E/,
    ];
}

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: connection refused: 503 with Retry-After, no challenge, the cause logged
--- config eval
::introspect("refused", "http://127.0.0.1:1/introspect") . ::protected("t", "refused")
--- more_headers
Authorization: Bearer tok-060-1-refused
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- response_body_like: 503 Service (?:Temporarily )?Unavailable
--- error_log eval
[
    qr/\[error\] .*connect\(\) failed \(111: Connection refused\) while connecting to upstream/,
    qr/\[error\] .*api_auth: introspection failed: status 502\b/,
]
--- no_error_log eval
::clean_log("tok-060-1-refused")



=== TEST 2: a server that hangs past proxy_read_timeout: 503 after the timeout, not after the hang
--- config eval
::introspect("hang", "http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/mock_hang",
             "        proxy_read_timeout 300ms;\n")
. ::protected("t", "hang") . <<'_EOC_';
    location = /mock_hang {
        default_type application/json;
        echo_sleep 2;
        echo '{"active":true}';
    }
_EOC_
--- more_headers
Authorization: Bearer tok-060-2-hang
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
[
    qr/\[error\] .*upstream timed out \(110: Connection timed out\) while reading response header from upstream/,
    qr/\[error\] .*api_auth: introspection failed: status 504\b/,
]
--- no_error_log eval
::clean_log("tok-060-2-hang")
--- timeout: 8



=== TEST 3: the server answers 500: 503
--- config eval
::mock_status(500)
--- more_headers
Authorization: Bearer tok-060-3-500
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
qr/\[error\] .*api_auth: introspection failed: status 500\b/
--- no_error_log eval
::clean_log("tok-060-3-500")



=== TEST 4: the server answers 502: 503
--- config eval
::mock_status(502)
--- more_headers
Authorization: Bearer tok-060-4-502
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
qr/\[error\] .*api_auth: introspection failed: status 502\b/
--- no_error_log eval
::clean_log("tok-060-4-502")



=== TEST 5: the server answers 503 with its own Retry-After: our 503 carries ours
--- config eval
::mock_status(503, "        add_header Retry-After 120 always;\n")
--- more_headers
Authorization: Bearer tok-060-5-503
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
qr/\[error\] .*api_auth: introspection failed: status 503\b/
--- no_error_log eval
::clean_log("tok-060-5-503")



=== TEST 6: the server answers 504: 503
--- config eval
::mock_status(504)
--- more_headers
Authorization: Bearer tok-060-6-504
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
qr/\[error\] .*api_auth: introspection failed: status 504\b/
--- no_error_log eval
::clean_log("tok-060-6-504")



=== TEST 7: the server answers 401 (our client authentication) with its challenge: 503, its challenge not passed on
--- config eval
::mock_status(401, "        add_header WWW-Authenticate 'Basic realm=\"as\"' always;\n")
--- more_headers
Authorization: Bearer tok-060-7-401
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
qr/\[error\] .*api_auth: introspection failed: status 401\b/
--- no_error_log eval
::clean_log("tok-060-7-401")



=== TEST 8: the server answers 404 (wrong introspection path): 503, not 401 or 404
--- config eval
::mock_status(404)
--- more_headers
Authorization: Bearer tok-060-8-404
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
qr/\[error\] .*api_auth: introspection failed: status 404\b/
--- no_error_log eval
::clean_log("tok-060-8-404")



=== TEST 9: the server answers 302: not followed, 503, no Location passed on
--- config eval
::mock_status(302) =~ s{return 302 '[^']*'}{return 302 http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/mock_ok}r
. <<'_EOC_';
    location = /mock_ok {
        default_type application/json;
        return 200 '{"active":true}';
    }
_EOC_
--- more_headers
Authorization: Bearer tok-060-9-302
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
!Location
--- error_log eval
qr/\[error\] .*api_auth: introspection failed: status 302\b/
--- no_error_log eval
::clean_log("tok-060-9-302")



=== TEST 10: Content-Length 100, a whole JSON object of 26 bytes, then close: 503, the object is not believed
--- config eval
::introspect("cut", "$::Faulty/cut-length") . ::protected("t", "cut")
--- more_headers
Authorization: Bearer tok-060-10-cutlength
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
[
    qr/\[error\] .*upstream prematurely closed connection/,
    qr/\[error\] .*api_auth: introspection failed: /,
]
--- no_error_log eval
::clean_log("tok-060-10-cutlength")



=== TEST 11: chunked (proxy_http_version 1.1), a whole JSON object in the first chunk, then close before the last chunk: 503
--- config eval
::introspect("cut", "$::Faulty/cut-chunked", "        proxy_http_version 1.1;\n")
. ::protected("t", "cut")
--- more_headers
Authorization: Bearer tok-060-11-cutchunked
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
[
    qr/\[error\] .*upstream prematurely closed connection/,
    qr/\[error\] .*api_auth: introspection failed: /,
]
--- no_error_log eval
::clean_log("tok-060-11-cutchunked")



=== TEST 12: no Content-Length, the body cut after {"active":tr by the close: 503
--- config eval
::introspect("cut", "$::Faulty/cut-json") . ::protected("t", "cut")
--- more_headers
Authorization: Bearer tok-060-12-cutjson
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
qr/\[error\] .*api_auth: introspection failed: response is not a JSON object with a boolean "active"/
--- no_error_log eval
::clean_log("tok-060-12-cutjson")



=== TEST 13: the connection closed in the middle of the header: 503
--- config eval
::introspect("cut", "$::Faulty/cut-header") . ::protected("t", "cut")
--- more_headers
Authorization: Bearer tok-060-13-cuthead
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
[
    qr/\[error\] .*upstream prematurely closed connection while reading response header from upstream/,
    qr/\[error\] .*api_auth: introspection failed: status 502\b/,
]
--- no_error_log eval
::clean_log("tok-060-13-cuthead")



=== TEST 14: the connection reset instead of an answer: 503
--- config eval
::introspect("reset", "$::Faulty/reset") . ::protected("t", "reset")
--- more_headers
Authorization: Bearer tok-060-14-reset
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
[
    qr/\[error\] .*(?:104: Connection reset by peer|upstream prematurely closed connection)/,
    qr/\[error\] .*api_auth: introspection failed: status 502\b/,
]
--- no_error_log eval
::clean_log("tok-060-14-reset")



=== TEST 15: "optional" does not turn a body cut mid-way into anonymous access
--- config eval
::introspect("cut", "$::Faulty/cut-json")
. ::protected("t", "cut") =~ s/api_auth oauth;/api_auth oauth optional;/r
--- more_headers
Authorization: Bearer tok-060-15-optional
--- error_code: 503
--- response_headers
Retry-After: 5
!WWW-Authenticate
--- error_log eval
qr/\[error\] .*api_auth: introspection failed: /
--- no_error_log eval
::clean_log("tok-060-15-optional")



=== TEST 16: stale_if_error through a refused connection: the cached token is served STALE, an uncached one gets 503
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::introspect("refused", "http://127.0.0.1:1/introspect")
. ::protected("ok", "ok", "z max_ttl=1s stale_if_error=30s")
. ::protected("refused", "refused", "z max_ttl=1s stale_if_error=30s")
. ::sequence("t", "l=ok&t=tok-060-16-a", "echo_sleep 1.1",
             ("l=refused&t=tok-060-16-a") x 2, "l=refused&t=tok-060-16-b")
--- response_body
200 allow MISS c1 u1
200 allow STALE c1 u1
200 allow STALE c1 u1
503 unavailable MISS retry=5 challenge=
--- error_log eval
[
    qr/\[error\] .*connect\(\) failed \(111: Connection refused\)/,
    qr/\[error\] .*api_auth: introspection failed: status 502\b/,
    qr/\[warn\] .*api_auth: serving stale introspection of token [0-9a-f]{8}\b/,
]
--- no_error_log eval
[ @{ ::clean_log("tok-060-16-a") }, @{ ::clean_log("tok-060-16-b") } ]
--- timeout: 6



=== TEST 17: stale_if_error through a timeout
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness
. ::introspect("hang", "http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/mock_hang",
               "        proxy_read_timeout 300ms;\n")
. ::protected("ok", "ok", "z max_ttl=1s stale_if_error=30s")
. ::protected("hang", "hang", "z max_ttl=1s stale_if_error=30s")
. <<'_EOC_'
    location = /mock_hang {
        default_type application/json;
        echo_sleep 2;
        echo '{"active":true}';
    }
_EOC_
. ::sequence("t", "l=ok&t=tok-060-17-a", "echo_sleep 1.1",
             "l=hang&t=tok-060-17-a", "l=hang&t=tok-060-17-b")
--- response_body
200 allow MISS c1 u1
200 allow STALE c1 u1
503 unavailable MISS retry=5 challenge=
--- error_log eval
[
    qr/\[error\] .*upstream timed out/,
    qr/\[error\] .*api_auth: introspection failed: status 504\b/,
    qr/\[warn\] .*api_auth: serving stale introspection of token [0-9a-f]{8}\b/,
]
--- no_error_log eval
[ @{ ::clean_log("tok-060-17-a") }, @{ ::clean_log("tok-060-17-b") } ]
--- timeout: 8



=== TEST 18: stale_if_error through a body cut mid-way (no Content-Length, truncated JSON)
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::introspect("cut", "$::Faulty/cut-json")
. ::protected("ok", "ok", "z max_ttl=1s stale_if_error=30s")
. ::protected("cut", "cut", "z max_ttl=1s stale_if_error=30s")
. ::sequence("t", "l=ok&t=tok-060-18-a", "echo_sleep 1.1",
             "l=cut&t=tok-060-18-a", "l=cut&t=tok-060-18-b")
--- response_body
200 allow MISS c1 u1
200 allow STALE c1 u1
503 unavailable MISS retry=5 challenge=
--- error_log eval
[
    qr/\[error\] .*api_auth: introspection failed: response is not a JSON object with a boolean "active"/,
    qr/\[warn\] .*api_auth: serving stale introspection of token [0-9a-f]{8}\b/,
]
--- no_error_log eval
[ @{ ::clean_log("tok-060-18-a") }, @{ ::clean_log("tok-060-18-b") } ]
--- timeout: 6



=== TEST 19: stale_if_error through Content-Length 100 and a short body: STALE, the short body is not stored
--- http_config
    api_auth_cache_zone zone=z:1m;
--- config eval
$::Harness . ::introspect("cut", "$::Faulty/cut-length")
. ::protected("ok", "ok", "z max_ttl=1s stale_if_error=30s")
. ::protected("cut", "cut", "z max_ttl=1s stale_if_error=30s")
. ::sequence("t", "l=ok&t=tok-060-19-a", "echo_sleep 1.1",
             ("l=cut&t=tok-060-19-a") x 2, "l=cut&t=tok-060-19-b")
--- response_body
200 allow MISS c1 u1
200 allow STALE c1 u1
200 allow STALE c1 u1
503 unavailable MISS retry=5 challenge=
--- error_log eval
[
    qr/\[error\] .*upstream prematurely closed connection/,
    qr/\[warn\] .*api_auth: serving stale introspection of token [0-9a-f]{8}\b/,
]
--- no_error_log eval
[ @{ ::clean_log("tok-060-19-a") }, @{ ::clean_log("tok-060-19-b") } ]
--- timeout: 6
