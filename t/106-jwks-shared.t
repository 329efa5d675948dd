# The api_auth_jwks key set is shared by all workers through the cache
# zone (SPEC.md "JWT access tokens", "Keys"): with two worker processes
# and api_auth_cache, tokens spread over both workers cause ONE fetch of
# the set, in turn or all at once (the other worker waits for the fetch
# in flight); a key rotation on the authorization server reaches both
# workers with one refresh; a failed refresh leaves the set serving in
# both workers; two server blocks keep a set each, unless their locations
# name one namespace=. (Across "nginx -s reload": t/112-jwks-reload.t.)
#
# How (as t/022-cache-workers.t): the server also listens on a second
# port with "reuseport", where the kernel spreads connections over both
# workers' sockets; /x?t=TOKEN proxies to /t on that port with the token,
# so the requests of one sequence land on both workers. Each line carries
# the worker's $pid, and the bodies require two different pids (the
# chance that 10 connections all land on one worker is 2^-9). The mock
# JWKS is a file under html/ (replaced by PUT or removed by DELETE, dav);
# its access log, served by /fetches, shows every fetch made so far, with
# its status. Times are whole seconds (ngx_time): the 1 s back-off after
# the failed refresh of TEST 4 may end during its last sequence, so a
# second failed fetch is allowed there; a good fetch per worker is not.

use Test::Nginx::Socket 'no_plan';
use FindBin;

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/jwt.pl";
require "$FindBin::Bin/helpers/jwks.pl";

our $Set1 = ::jwk_set(::rsa_jwk('rsa', 'rsa1'));
our $Set2 = ::jwk_set(::rsa_jwk('other-rsa', 'rsa2'));

# distinct tokens: client_id PREFIX1 .. PREFIXn, signed with rsa1 or rsa2
sub toks1 { my $p = shift; map { ::kid_jwt('rsa1', claims => { client_id => "$p$_" }) } @_ }
sub toks2 { my $p = shift; map { ::kid_jwt('rsa2', key => 'other-rsa', claims => { client_id => "$p$_" }) } @_ }

# TEST 3's rsa1 tokens, asked for before and after the rotation
our @C = toks1("c", 1 .. 10);

# a valid set of about 20 KB (an extra member), and one of about 40 KB
sub padded { return '{"keys":[' . ::rsa_jwk('rsa', 'rsa1') . '],"pad":"' . ('x' x $_[0]) . '"}' }
our $Big = padded(20000);
our $Huge = padded(40000);

# a second server, as the first named localhost, with a key set of its
# own through the same zone (/y?t=TOKEN asks its /t)
our $Server2 = <<'_EOC_';
    server {
        listen 127.0.0.1:$TEST_NGINX_RAND_PORT_2;
        server_name localhost;
        api_auth_jwt_issuer https://as.example.com/;
        api_auth_require_audience https://api.example.com;
        location = /_jwks {
            internal;
            proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/jwks_files/set2.json;
        }
        location = /t {
            api_auth oauth;
            api_auth_cache z;
            api_auth_jwks /_jwks;
            add_header X-Pid $pid always;
            echo "$api_auth_result $api_auth_client pid=$pid";
        }
    }
_EOC_

# the same second server asking the same set as the first, both with
# api_auth_cache z namespace=one-as (the operator's word that they ask one
# authorization server)
(our $Server2Shared = $Server2) =~ s{set2\.json}{set.json};
$Server2Shared =~ s{api_auth_cache z;}{api_auth_cache z namespace=one-as;};

our $Y = <<'_EOC_';
    location = /y {
        proxy_pass http://127.0.0.1:$TEST_NGINX_RAND_PORT_2/t;
        proxy_set_header Authorization "Bearer $arg_t";
        proxy_intercept_errors on;
        error_page 401 403 500 503 = @denied;
    }
_EOC_

our $HttpConfig = <<'_EOC_';
    api_auth_cache_zone zone=z:1m;
    map $request_method $jwks_get { GET 1; default 0; }
    log_format jwks_mock "$request_method $status";
_EOC_

# /t with api_auth_jwks PARAMS through zone z; the JWKS location proxies
# to MOCK (the file, or the same set after 0.5 s)
sub loc {
    my ($params, $mock) = @_;
    $mock //= 'jwks_files/set.json';

    return <<"_EOC_";
    listen 127.0.0.1:\$TEST_NGINX_RAND_PORT_1 reuseport;
    api_auth_jwt_issuer https://as.example.com/;
    api_auth_require_audience https://api.example.com;
    subrequest_output_buffer_size 64k;
    location = /_jwks {
        internal;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/$mock;
    }
    location /jwks_files/ {
        root html;
        dav_methods PUT DELETE;
        default_type application/json;
        access_log logs/jwks.log jwks_mock if=\$jwks_get;
    }
    location = /jwks_slow {
        default_type application/json;
        access_log logs/jwks.log jwks_mock;
        echo_sleep 0.5;
        echo '$Set1';
    }
    location = /fetches {
        default_type text/plain;
        alias logs/jwks.log;
    }
    location = /sleep2 { echo_sleep 2.1; echo ok; }
    location = /t {
        api_auth oauth;
        api_auth_cache z;
        api_auth_jwks /_jwks $params;
        add_header X-Pid \$pid always;
        echo "\$api_auth_result \$api_auth_client pid=\$pid";
    }
    location = /x {
        proxy_pass http://127.0.0.1:\$TEST_NGINX_RAND_PORT_1/t;
        proxy_set_header Authorization "Bearer \$arg_t";
        proxy_intercept_errors on;
        error_page 401 403 500 503 = \@denied;
    }
    location \@denied {
        echo "\$upstream_status pid=\$upstream_http_x_pid";
    }
_EOC_
}

# /NAME running one echo_location (or _async) /x per token
sub sequence {
    my ($name, $directive, @toks) = @_;
    return "    location = /$name {\n"
           . join("", map { "        $directive /x \"t=$_\";\n" } @toks)
           . "    }\n";
}

# /NAME running echo_location URI?t=TOKEN for each [URI, TOKEN], then the
# fetches so far: one request, whose error log a block can check
sub steps {
    my ($name, @steps) = @_;
    return "    location = /$name {\n"
           . join("", map { "        echo_location $_->[0] \"t=$_->[1]\";\n" } @steps)
           . "        echo_location /fetches;\n    }\n";
}

# exactly these LINES, each with a pid, from two different workers
sub two_workers {
    my $re = join '', map { quotemeta($_) . ' pid=\d+\n' } @_;
    return qr/\A(?=[\s\S]*pid=(\d+)\n[\s\S]*pid=(?!\1\n)\d+\n)$re\z/;
}

sub allowed { my $p = shift; map { "allow $p$_" } @_ }

master_on();
workers(2);
worker_connections(1024);   # TEST 2: 100 subrequests, upstreams, clients
repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: 20 requests in turn with distinct tokens, spread over both workers: one fetch of the set, every token verified
--- http_config eval
$::HttpConfig
--- config eval
::loc('') . ::sequence("seq", "echo_location", ::toks1("a", 1 .. 20))
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- request eval
["GET /seq", "GET /fetches"]
--- response_body_like eval
[::two_workers(::allowed("a", 1 .. 20)), qr/\AGET 200\n\z/]
--- timeout: 10



=== TEST 2: 100 concurrent first requests with distinct tokens over both workers while the fetch takes 0.5 s: one fetch, the other worker waits for it
--- http_config eval
$::HttpConfig
--- config eval
::loc('', 'jwks_slow') . ::sequence("fan", "echo_location_async", ::toks1("b", 1 .. 100))
--- request eval
["GET /fan", "GET /fetches"]
--- response_body_like eval
[::two_workers(::allowed("b", 1 .. 100)), qr/\AGET 200\n\z/]
--- timeout: 10



=== TEST 3: a key rotation (rsa1 replaced by rsa2) reaches both workers with one refresh: rsa2 tokens pass, and the rsa1 tokens both workers cached under the old set are refused everywhere; two fetches in all
--- http_config eval
$::HttpConfig
--- config eval
::loc('refresh=2s min_refresh=2s')
. ::sequence("one", "echo_location", @::C)
. ::sequence("two", "echo_location", ::toks2("d", 1 .. 10))
. ::sequence("old", "echo_location", @::C)
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- request eval
["GET /one", "PUT /jwks_files/set.json\n$::Set2", "GET /sleep2", "GET /two",
 "GET /old", "GET /fetches"]
--- error_code eval
[200, 204, 200, 200, 200, 200]
--- response_body_like eval
[::two_workers(::allowed("c", 1 .. 10)), qr/\A\z/, qr/\Aok\n\z/,
 ::two_workers(::allowed("d", 1 .. 10)), ::two_workers(("401") x 10),
 qr/\AGET 200\nGET 200\n\z/]
--- timeout: 10



=== TEST 4: a failed refresh (the set is gone from the server) leaves the set serving new tokens in both workers; the failure is one fetch of the zone
--- http_config eval
$::HttpConfig
--- config eval
::loc('refresh=2s min_refresh=1s')
. ::sequence("one", "echo_location", ::toks1("f", 1 .. 10))
. ::sequence("two", "echo_location", ::toks1("g", 1 .. 10))
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- request eval
["GET /one", "DELETE /jwks_files/set.json", "GET /sleep2", "GET /two",
 "GET /fetches"]
--- error_code eval
[200, 204, 200, 200, 200]
--- response_body_like eval
[::two_workers(::allowed("f", 1 .. 10)), qr/\A\z/, qr/\Aok\n\z/,
 ::two_workers(::allowed("g", 1 .. 10)),
 qr/\AGET 200\nGET 404\n(?:GET 404\n)?\z/]
--- no_error_log eval
[@::NoCritLog]
--- timeout: 10



=== TEST 5: two servers (both named localhost) with a key set each in one zone: each verifies with its own set, one fetch each
--- http_config eval
$::HttpConfig . $::Server2
--- config eval
my @a = ::toks1("h", 1 .. 4);
my @b = ::toks2("i", 1 .. 4);
::loc('') . $::Y
. ::steps("mix", map { (["/x", $a[$_]], ["/y", $b[$_]], ["/x", $b[$_]], ["/y", $a[$_]]) } 0 .. 3)
--- user_files eval
[["jwks_files/set.json" => $::Set1], ["jwks_files/set2.json" => $::Set2]]
--- request
GET /mix
--- response_body_like eval
my $l = CORE::join "", map { "allow h$_ pid=\\d+\nallow i$_ pid=\\d+\n401 pid=\\d+\n401 pid=\\d+\n" } 1 .. 4;
qr/\A(?:$l)GET 200\nGET 200\n\z/
--- timeout: 10



=== TEST 6: a set of 20 KB (ten times a token record) is kept in the zone like any other: one fetch for both workers
--- http_config eval
$::HttpConfig
--- config eval
::loc('') . ::sequence("seq", "echo_location", ::toks1("j", 1 .. 10))
--- user_files eval
[["jwks_files/set.json" => $::Big]]
--- request eval
["GET /seq", "GET /fetches"]
--- response_body_like eval
[::two_workers(::allowed("j", 1 .. 10)), qr/\AGET 200\n\z/]
--- timeout: 10



=== TEST 7: a zone without room for the set (32 KB, a set of 40 KB): one warning, and each worker keeps its own set, as without api_auth_cache; never a 500
--- http_config eval
(my $h = $::HttpConfig) =~ s/z:1m/z:32k/;
$h
--- config eval
::loc('') . ::steps("seq", map { ["/x", $_] } ::toks1("k", 1 .. 10))
--- user_files eval
[["jwks_files/set.json" => $::Huge]]
--- request
GET /seq
--- response_body_like eval
my $l = CORE::join "", map { "allow k$_ pid=\\d+\n" } 1 .. 10;
qr/\A${l}GET 200\n(?:GET 200\n)?\z/
--- error_log
no room for the JWT key set from "/_jwks" in api_auth_cache_zone "z" (no free pages): this worker keeps its own set
--- timeout: 10



=== TEST 8: two servers whose locations name one namespace= share one set: one fetch for both servers and both workers
--- http_config eval
$::HttpConfig . $::Server2Shared
--- config eval
my @a = ::toks1("m", 1 .. 6);
(my $loc = ::loc('')) =~ s{api_auth_cache z;}{api_auth_cache z namespace=one-as;};
$loc . $::Y . ::steps("mix", map { (["/x", $a[$_]], ["/y", $a[$_]]) } 0 .. 5)
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- request
GET /mix
--- response_body_like eval
my $l = CORE::join "", map { "allow m$_ pid=\\d+\nallow m$_ pid=\\d+\n" } 1 .. 6;
qr/\A${l}GET 200\n\z/
--- timeout: 10
