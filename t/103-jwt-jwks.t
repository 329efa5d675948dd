# JWT key sets fetched by api_auth_jwks (SPEC.md "JWT access tokens",
# "Keys"): a token verified with the fetched set passes; the fetch is a
# GET with the module's Accept and none of the client's headers; a key
# added to the set is used after refresh=; a key removed from it stops
# its cached tokens after refresh=; an unknown kid refetches once, and a
# flood of distinct unknown kids fetches at most once per min_refresh=;
# a token refused by the cheap checks fetches nothing; and every nginx -t
# refusal of the directive, named with its file and line.
#
# Times are whole seconds (ngx_time): a window of min_refresh=3s is
# asserted only within 2 s of its start, and passed with a pause of 3.1 s.
#
# The mock JWKS is a file under html/ served by /jwks_files/, replaced
# between requests by PUT (dav) so that a block can rotate keys; its
# access log, served by /fetches, shows every fetch made so far.

use Test::Nginx::Socket 'no_plan';
use FindBin;

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

require "$FindBin::Bin/helpers/jwt.pl";
require "$FindBin::Bin/helpers/jwks.pl";

our $Rsa1 = ::rsa_jwk('rsa', 'rsa1');
our $Rsa2 = ::rsa_jwk('other-rsa', 'rsa2');
our $Set1 = ::jwk_set($Rsa1);
our $Set12 = ::jwk_set($Rsa1, $Rsa2);
our $Tok1 = ::kid_jwt('rsa1');
our $Tok2 = ::kid_jwt('rsa2', key => 'other-rsa');

# the http_config of every block with jwks_steps (t/helpers/jwks.pl)
our $HttpConfig = <<'_EOC_';
    api_auth_cache_zone zone=z:1m;
    map $http_authorization $jwks_auth { "" none; default present; }
    map $http_x_client $jwks_x { "" none; default present; }
    map $request_method $jwks_get { GET 1; default 0; }
    log_format jwks_mock "$request_method accept=$http_accept auth=$jwks_auth x=$jwks_x";
_EOC_

# the location /t with api_auth_jwks PARAMS, and the cache unless "nocache"
sub loc {
    my ($params, $nocache) = @_;
    my $cache = $nocache ? '' : 'api_auth_cache z;';

    return <<"_EOC_";
    api_auth_jwt_issuer https://as.example.com/;
    api_auth_require_audience https://api.example.com;
    subrequest_output_buffer_size 64k;
    location = /_jwks {
        internal;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/jwks_files/set.json;
    }
    location /jwks_files/ {
        root html;
        dav_methods PUT;
        default_type application/json;
        access_log logs/jwks.log jwks_mock if=\$jwks_get;
    }
    location = /fetches {
        default_type text/plain;
        alias logs/jwks.log;
    }
    location = /sleep3 { echo_sleep 3.1; echo ok; }
    location = /t {
        api_auth oauth;
        $cache
        api_auth_jwks /_jwks $params;
        echo "\$api_auth_result|\$api_auth_cache_status|\$api_auth_token_type|\$api_auth_client";
    }
_EOC_
}

# the fetches of the mock's log (as the response body of fetches()): N
our $Fetch = "GET accept=application/jwk-set+json, application/json auth=none x=none\n";
sub nfetch { return $Fetch x $_[0] }

# the steps of a block (--- jwks_steps, t/helpers/jwks.pl):
# [REQUEST, STATUS, BODY]

# nginx's own error page of a refusal
our $Denied = qr/401 Authorization Required/;

our $Allow = "allow|MISS|jwt|c1\n";
our $Hit = "allow|HIT|jwt|c1\n";

# the client's headers never reach the JWKS location
our @T1 = ([bearer($Tok1, "X-Client: secret"), 200, $Allow],
           [bearer($Tok1, "X-Client: secret"), 200, $Hit],
           [fetches(), 200, nfetch(1)]);

# refresh=3s min_refresh=3s: a key added
our @T2 = ([bearer($Tok1), 200, $Allow], [put_set($Set12), 204, ""],
           [bearer($Tok2), 401, $Denied], [fetches(), 200, nfetch(1)],
           [pause(3), 200, "ok\n"], [bearer($Tok2), 200, $Allow],
           [bearer($Tok1), 200, $Allow], [fetches(), 200, nfetch(2)]);

# refresh=3s min_refresh=3s: a key removed
our @T3 = ([bearer($Tok2), 200, $Allow], [bearer($Tok2), 200, $Hit],
           [put_set($Set1), 204, ""], [bearer($Tok2), 200, $Hit],
           [pause(3), 200, "ok\n"], [bearer($Tok2), 401, $Denied],
           [bearer($Tok1), 200, $Allow], [bearer($Tok2), 401, $Denied],
           [fetches(), 200, nfetch(2)]);

# min_refresh=3s: unknown kids
our @T4 = ([bearer($Tok1), 200, $Allow], [put_set($Set12), 204, ""],
           [pause(3), 200, "ok\n"], [bearer($Tok2), 200, $Allow],
           [fetches(), 200, nfetch(2)], [bearer(kid_jwt('nope')), 401, $Denied],
           [bearer($Tok2), 200, $Hit], [fetches(), 200, nfetch(2)]);

# min_refresh=3s: a flood of unknown kids
our @T5 = ([bearer($Tok1), 200, $Allow], [pause(3), 200, "ok\n"],
           (map { [bearer(kid_jwt("x$_")), 401, $Denied] } 1 .. 20),
           [fetches(), 200, nfetch(2)], [pause(3), 200, "ok\n"],
           (map { [bearer(kid_jwt("y$_")), 401, $Denied] } 1 .. 5),
           [fetches(), 200, nfetch(3)]);

# no cache: a token the cheap checks refuse, then two tokens, one fetch
our @T6 = ([bearer(unsigned_jwt("none")), 401, $Denied], [fetches(), 200, ""],
           [bearer($Tok1), 200, "allow|BYPASS|jwt|c1\n"],
           [bearer($Tok1), 200, "allow|BYPASS|jwt|c1\n"],
           [bearer(kid_jwt('rsa1', claims => { client_id => "c2" })), 200,
            "allow|BYPASS|jwt|c2\n"],
           [fetches(), 200, nfetch(1)]);

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a token verified with the fetched set: one GET with the module's Accept and none of the client's headers, then a HIT
--- config eval
::loc('')
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::T1]



=== TEST 2: a key added to the set: refused before refresh= (no refetch within min_refresh=), used after it; a token cached under the old set is verified again
--- config eval
::loc('refresh=3s min_refresh=3s')
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::T2]
--- timeout: 6



=== TEST 3: a key removed from the set: its cached token still HITs before refresh=, and is refused after it
--- config eval
::loc('refresh=3s min_refresh=3s')
--- user_files eval
[["jwks_files/set.json" => $::Set12]]
--- jwks_steps eval
[@::T3]
--- timeout: 6



=== TEST 4: an unknown kid refetches the set once; another unknown kid within min_refresh= is refused without a fetch
--- config eval
::loc('min_refresh=3s')
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::T4]
--- timeout: 6



=== TEST 5: a flood of distinct unknown kids: at most one fetch per min_refresh=
--- config eval
::loc('min_refresh=3s')
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::T5]
--- timeout: 6



=== TEST 6: without api_auth_cache the worker keeps the set: one fetch for several tokens; a token refused by the cheap checks fetches nothing
--- config eval
::loc('', 1)
--- user_files eval
[["jwks_files/set.json" => $::Set1]]
--- jwks_steps eval
[@::T6]



=== TEST 7: nginx -t: a time that is not one
--- config
    api_auth_jwks /_jwks refresh=soon;
--- must_die
--- error_log eval
qr/invalid "api_auth_jwks" time "refresh=soon" .* in \S+nginx\.conf:\d+/



=== TEST 8: nginx -t: min_refresh=0 (an unknown kid would refetch on every request)
--- config
    api_auth_jwks /_jwks min_refresh=0;
--- must_die
--- error_log eval
qr/invalid "api_auth_jwks" time "min_refresh=0" .* in \S+nginx\.conf:\d+/



=== TEST 9: nginx -t: min_refresh= longer than refresh= (also against the default refresh=10m)
--- config
    location = /a { api_auth_jwks /_jwks refresh=1m min_refresh=2m; }
--- must_die
--- error_log eval
qr/"api_auth_jwks" min_refresh= \(120 s\) is longer than refresh= \(60 s\) in \S+nginx\.conf:\d+/



=== TEST 10: nginx -t: min_refresh= longer than the default refresh=10m
--- config
    api_auth_jwks /_jwks min_refresh=11m;
--- must_die
--- error_log eval
qr/min_refresh= \(660 s\) is longer than refresh= \(600 s\)/



=== TEST 11: nginx -t: an unknown parameter
--- config
    api_auth_jwks /_jwks refresh=1m every=5s;
--- must_die
--- error_log eval
qr/invalid "api_auth_jwks" parameter "every=5s" .* in \S+nginx\.conf:\d+/



=== TEST 12: nginx -t: the authorization server's URL instead of a local location
--- config
    api_auth_jwks https://as.example.com/jwks;
--- must_die
--- error_log eval
qr/"api_auth_jwks" takes a local URI such as "\/_jwks", not "https:\/\/as\.example\.com\/jwks" .* in \S+nginx\.conf:\d+/



=== TEST 13: nginx -t: api_auth_jwks without api_auth_jwt_issuer
--- config
    location = /t {
        api_auth oauth;
        api_auth_jwks /_jwks;
        api_auth_require_audience https://api.example.com;
    }
--- must_die
--- error_log
"api_auth_jwks" requires "api_auth_jwt_issuer"



=== TEST 14: nginx -t: api_auth_jwks twice at one level
--- config
    api_auth_jwks /_jwks;
    api_auth_jwks /_jwks2;
--- must_die
--- error_log eval
qr/"api_auth_jwks" directive is duplicate in \S+nginx\.conf:\d+/



=== TEST 15: nginx -t: api_auth_jwks and api_auth_jwt_keys for one location
--- config
    api_auth_jwt_issuer https://as.example.com/;
    api_auth_jwks /_jwks;
    location = /t {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        api_auth_require_audience https://api.example.com;
    }
--- must_die
--- error_log
"api_auth_jwt_keys" and "api_auth_jwks" cannot both apply to one location



=== TEST 16: nginx -t: a location that takes the JWT path through api_auth_jwks needs an audience decision
--- config
    location = /t {
        api_auth oauth;
        api_auth_jwt_issuer https://as.example.com/;
        api_auth_jwks /_jwks;
    }
--- must_die
--- error_log
a location that accepts JWT access tokens requires "api_auth_require_audience"
