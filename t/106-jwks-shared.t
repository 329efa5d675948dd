# The api_auth_jwks key set is shared by all workers through the cache
# zone (SPEC.md "JWT access tokens", "Keys"): with two worker processes
# and api_auth_cache, tokens spread over both workers cause ONE fetch of
# the set, in turn or all at once (the other worker waits for the fetch
# in flight); a key rotation on the authorization server reaches both
# workers with one refresh; a failed refresh leaves the set serving in
# both workers. (Across "nginx -s reload": t/110-jwks-reload.t.)
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

# exactly these LINES, each with a pid, from two different workers
sub two_workers {
    my $re = join '', map { quotemeta($_) . ' pid=\d+\n' } @_;
    return qr/\A(?=[\s\S]*pid=(\d+)\n[\s\S]*pid=(?!\1\n)\d+\n)$re\z/;
}

sub allowed { my $p = shift; map { "allow $p$_" } @_ }

master_on();
workers(2);
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



=== TEST 2: 16 concurrent first requests with distinct tokens over both workers while the fetch takes 0.5 s: one fetch, the other worker waits for it
--- http_config eval
$::HttpConfig
--- config eval
::loc('', 'jwks_slow') . ::sequence("fan", "echo_location_async", ::toks1("b", 1 .. 16))
--- request eval
["GET /fan", "GET /fetches"]
--- response_body_like eval
[::two_workers(::allowed("b", 1 .. 16)), qr/\AGET 200\n\z/]
--- timeout: 5



=== TEST 3: a key rotation (rsa1 replaced by rsa2) reaches both workers with one refresh: rsa2 tokens pass and rsa1 tokens are refused everywhere, two fetches in all
--- http_config eval
$::HttpConfig
--- config eval
::loc('refresh=2s min_refresh=2s')
. ::sequence("one", "echo_location", ::toks1("c", 1 .. 10))
. ::sequence("two", "echo_location", ::toks2("d", 1 .. 10))
. ::sequence("old", "echo_location", ::toks1("e", 1 .. 10))
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
