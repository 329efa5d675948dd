# End to end, JWT access tokens (SPEC.md Part 2 "JWT access tokens") from
# a real authorization server: oidc-provider (t/as) issues an RFC 9068 JWT
# for each resource of its JWT_RESOURCES (RS256, PS256, ES256, EdDSA; an
# Okta-like one with an `scp` array, `cid` and no `typ`; an Auth0-like one
# with `typ: JWT` and `azp`; one that lives AS_JWT_SHORT_TTL seconds), and
# opaque tokens for every other request.  The module takes its keys from
# the server's /jwks through api_auth_jwks.  Protects: each algorithm
# verified with the fetched keys, the identity and scope reaching the
# upstream, $api_auth_token_type; a token for another resource, a missing
# scope, the vendor shapes per api_auth_jwt_type, an expired token; one
# location with both the JWT path and introspection; the cached key set
# serving after the server has exited; a cached JWT verified once; and
# a key rotation (a new kid fetched, a cached token of the removed key
# refused); and an MCP resource (api_auth_resource) as the JWT's audience.
#
# Three servers of our own (t/helpers/as_instances.pl), not the shared
# one of make integration: "as" for most blocks; "down", which TEST 11
# makes exit between two requests, and "rot", whose signing keys TEST 13
# rotates (both with the test hooks of t/as/server.js, AS_TEST_HOOKS=1).

use Test::Nginx::Socket 'no_plan';
use FindBin;
use Time::HiRes qw(sleep time);

# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";
require "$FindBin::Bin/helpers/as_instances.pl";

# the MCP endpoint of TEST 14: one more JWT resource of "as"
our $mcp = 'http://127.0.0.1:'
    . ($ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || 1984) . '/mcp';
our $as = ::start_as('as', 'AS_JWT_SHORT_TTL=5', "AS_JWT_RESOURCES=$mcp=ES256");
our $down = ::start_as('down', 'AS_TEST_HOOKS=1');
our $rot = ::start_as('rot', 'AS_TEST_HOOKS=1');

# the server on PORT signs with its other generation of keys from now on
sub rotate {
    system("curl -fsS --max-time 5 -X POST http://127.0.0.1:$_[0]/test-only/rotate") == 0
        or die "the authorization server on $_[0] did not rotate its keys\n";
}

our @Full = ('demo-client', 'demo-client-secret-test-only',
             'orders.read orders.write');
our @Read = ('limited-client', 'limited-secret-test-only', 'orders.read');

# a JWT for resource https://NAME.jwt.test (or NAME, a URI) from the
# server on PORT
sub jwt {
    my ($port, $name, @who) = @_;
    my $t = ::as_token($port, @who,
                       $name =~ m{://} ? $name : "https://$name.jwt.test");
    $t =~ /^[\w-]+\.[\w-]+\.[\w-]+$/
        or die "the token for $name is no JWS compact form\n";
    return $t;
}

# the "exp" of a JWT's payload
sub exp_of {
    my ($payload) = (split /\./, shift)[1];
    $payload =~ tr/-_/+\//;
    my ($exp) = MIME::Base64::decode_base64($payload) =~ /"exp":(\d+)/
        or die "no exp in the token\n";
    return $exp;
}
use MIME::Base64 ();

our %Tok = map { $_ => ::jwt($as, $_, @Full) }
           qw(rs256 ps256 es256 eddsa okta auth0);
$Tok{read_rs256} = ::jwt($as, 'rs256', @Read);
$Tok{read_okta} = ::jwt($as, 'okta', @Read);
$Tok{mcp} = ::jwt($as, $mcp, @Full);
$Tok{opaque} = ::as_token($as, @Full[0, 1], 'orders.read', 'https://api.example');
$Tok{down} = ::jwt($down, 'rs256', @Full);
$Tok{down2} = ::jwt($down, 'rs256', @Full);    # first seen after the exit
$Tok{other_iss} = ::jwt($down, 'es256', @Full);
# one token of each generation of keys; "rot" is left at the first
$Tok{rot_old} = ::jwt($rot, 'rs256', @Full);
::rotate($rot);
$Tok{rot_new} = ::jwt($rot, 'rs256', @Full);
::rotate($rot);
# last, since it lives 5 s: used at once by TEST 1, expired in TEST 9
$Tok{short} = ::jwt($as, 'short', @Full);
our $short_exp = ::exp_of($Tok{short});

die "an opaque token looks like a JWT\n" if $Tok{opaque} =~ /\./;

# the key set of the server on PORT, the upstream /backend showing what
# the module passes on, and LOCATIONS
sub conf {
    my ($port, $jwks_params, @locations) = @_;
    $jwks_params //= '';
    return <<"_EOC_" . join('', @locations);
    api_auth_jwt_issuer  http://127.0.0.1:$port;
    api_auth_jwks        /_jwks $jwks_params;

    location = /_jwks {
        internal;
        proxy_pass http://127.0.0.1:$port/jwks;
    }

    location = /backend {
        echo "\$http_x_type|\$http_x_client|\$http_x_subject|\$http_x_scope";
    }
_EOC_
}

# location = /PATH: a token for resource https://AUD.jwt.test (or AUD
# itself, when it holds "://") with scope SCOPE (and DIRECTIVES), proxied
# to /backend with the identity
sub loc {
    my ($path, $aud, $scope, $directives) = @_;
    $directives //= '';
    $aud = "https://$aud.jwt.test" unless $aud =~ m{://};
    return <<"_EOC_";
    location = /$path {
        api_auth oauth;
        api_auth_require_audience $aud;
        api_auth_require_scope $scope;
        $directives
        proxy_set_header X-Type \$api_auth_token_type;
        proxy_set_header X-Client \$api_auth_client;
        proxy_set_header X-Subject \$api_auth_subject;
        proxy_set_header X-Scope \$api_auth_scope;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/backend;
    }
_EOC_
}

sub bearer { return "Authorization: Bearer $Tok{$_[0]}" }

# the module's metrics at /metrics
our $Metrics = "    location = /metrics { api_auth_metrics; }\n";

# POST /as_HOOK: the test hook HOOK of the server on PORT; GET /sleep: a
# pause of PAUSE seconds; and $Metrics
sub hooks {
    my ($port, $hook, $pause) = @_;
    return <<"_EOC_" . $Metrics;
    location = /as_$hook {
        proxy_pass http://127.0.0.1:$port/test-only/$hook;
    }

    location = /sleep {
        echo_sleep $pause;
        echo slept;
    }
_EOC_
}

our $Id = "jwt|demo-client|demo-client|orders.read orders.write\n";
our $Invalid = 'WWW-Authenticate: Bearer realm="api", error="invalid_token"';
# no token in any log line of the module
our @NoTokenLog = map { qr/api_auth[^\n]*\Q$_\E/ } values %Tok;

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: a short-lived JWT, at once: 200
--- config eval
::conf($::as, '', ::loc('short', 'short', 'orders.read', 'api_auth_jwt_leeway 0s;'))
--- request
GET /short
--- more_headers eval
::bearer('short')
--- error_code: 200
--- response_body eval
$::Id



=== TEST 2: a JWT per algorithm (RS256, PS256, ES256, EdDSA), keys from /jwks: 200 with the identity, token type jwt
One fetch of the key set; each token's signature verified with its algorithm.
--- config eval
::conf($::as, '', map { ::loc($_, $_, 'orders.read') } qw(rs256 ps256 es256 eddsa))
. $::Metrics
--- request eval
["GET /rs256", "GET /ps256", "GET /es256", "GET /eddsa", "GET /metrics"]
--- more_headers eval
[(map { ::bearer($_) } qw(rs256 ps256 es256 eddsa)), ""]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
[("^\Q$::Id\E\$") x 4,
 qr/(?=.*^api_auth_jwks_fetches_total\{result="ok"\}[ ]1$)
    (?=.*^api_auth_jwks_fetches_total\{result="error"\}[ ]0$)
    (?=.*^api_auth_jwt_verifications_total\{alg="RS256",result="valid"\}[ ]1$)
    (?=.*^api_auth_jwt_verifications_total\{alg="PS256",result="valid"\}[ ]1$)
    (?=.*^api_auth_jwt_verifications_total\{alg="ES256",result="valid"\}[ ]1$)
    (?=.*^api_auth_jwt_verifications_total\{alg="EdDSA",result="valid"\}[ ]1$)/msx]
--- no_error_log eval
[@::NoErrorLog, @::NoTokenLog]



=== TEST 3: a JWT for another resource, either way round: 401 invalid_token, for its audience
--- config eval
::conf($::as, '', map { ::loc($_, $_, 'orders.read') } qw(rs256 ps256))
--- request eval
["GET /ps256", "GET /rs256"]
--- more_headers eval
[::bearer('rs256'), ::bearer('ps256')]
--- error_code eval
[401, 401]
--- response_headers eval
[$::Invalid, $::Invalid]
--- error_log eval
qr/api_auth: JWT [0-9a-f]+ refused: audience not allowed/
--- no_error_log eval
[@::NoErrorLog, @::NoTokenLog]



=== TEST 4: an opaque token where only JWTs go (no introspection): 401 invalid_token
--- config eval
::conf($::as, '', ::loc('rs256', 'rs256', 'orders.read'))
--- request
GET /rs256
--- more_headers eval
::bearer('opaque')
--- error_code: 401
--- response_headers eval
$::Invalid
--- no_error_log eval
[@::NoErrorLog, @::NoTokenLog]



=== TEST 5: a JWT without the required scope: 403 insufficient_scope; with it: 200
--- config eval
::conf($::as, '', ::loc('write', 'rs256', 'orders.write'))
--- request eval
["GET /write", "GET /write"]
--- more_headers eval
[::bearer('read_rs256'), ::bearer('rs256')]
--- error_code eval
[403, 200]
--- response_headers eval
['WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.write"', '']
--- response_body_like eval
["", "^\Q$::Id\E\$"]



=== TEST 6: Okta-like (scp array, cid, no typ): scopes from scp, client from cid
--- config eval
::conf($::as, '',
    ::loc('okta', 'okta', 'orders.read', 'api_auth_jwt_client_claim cid;'),
    ::loc('okta_write', 'okta', 'orders.write', 'api_auth_jwt_client_claim cid;'))
--- request eval
["GET /okta", "GET /okta_write", "GET /okta_write"]
--- more_headers eval
[::bearer('okta'), ::bearer('okta'), ::bearer('read_okta')]
--- error_code eval
[200, 200, 403]
--- response_body_like eval
["^\Q$::Id\E\$", "^\Q$::Id\E\$", ""]
--- response_headers eval
['', '', 'WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.write"']



=== TEST 7: the Okta-like (no typ) and Auth0-like (typ JWT) tokens where only at+jwt is accepted: 401 invalid_token
--- config eval
::conf($::as, '', ::loc('okta_at', 'okta', 'orders.read', 'api_auth_jwt_type at+jwt;'),
                  ::loc('auth0_at', 'auth0', 'orders.read', 'api_auth_jwt_type at+jwt;'))
--- request eval
["GET /okta_at", "GET /auth0_at"]
--- more_headers eval
[::bearer('okta'), ::bearer('auth0')]
--- error_code eval
[401, 401]
--- response_headers eval
[$::Invalid, $::Invalid]
--- error_log eval
qr/api_auth: JWT [0-9a-f]+ refused: type not allowed/
--- no_error_log eval
[@::NoErrorLog, @::NoTokenLog]



=== TEST 8: Auth0-like (typ JWT, azp): accepted by default and by "jwt", client from azp; an at+jwt token refused by "jwt"
--- config eval
::conf($::as, '',
    ::loc('auth0', 'auth0', 'orders.read'),
    ::loc('auth0_jwt', 'auth0', 'orders.read', 'api_auth_jwt_type jwt;'),
    ::loc('rs256_jwt', 'rs256', 'orders.read', 'api_auth_jwt_type jwt;'))
--- request eval
["GET /auth0", "GET /auth0_jwt", "GET /rs256_jwt"]
--- more_headers eval
[::bearer('auth0'), ::bearer('auth0'), ::bearer('rs256')]
--- error_code eval
[200, 200, 401]
--- response_body_like eval
["^\Q$::Id\E\$", "^\Q$::Id\E\$", ""]
--- response_headers eval
['', '', $::Invalid]



=== TEST 9: the short-lived JWT of TEST 1, expired: 401 invalid_token
--- init
my $wait = $::short_exp + 1.2 - time;
sleep($wait) if $wait > 0;
--- config eval
::conf($::as, '', ::loc('short', 'short', 'orders.read', 'api_auth_jwt_leeway 0s;'))
--- request
GET /short
--- more_headers eval
::bearer('short')
--- error_code: 401
--- response_headers eval
$::Invalid
--- error_log eval
qr/api_auth: JWT [0-9a-f]+ refused: expired/



=== TEST 10: one location, JWT path and introspection: the JWT is verified locally, the opaque token introspected
A JWT of another issuer ("down") is no JWT for this location: it is
introspected, and the server does not know it (401). Every call to
/_introspect is logged: two, for the opaque token and that one.
--- http_config
    log_format introspections "introspection";
--- config eval
::conf($::as, '',
    ::loc('both', 'https://es256.jwt.test https://api.example', 'orders.read',
          'api_auth_introspect /_introspect;
        api_auth_client_id api-gateway;
        api_auth_client_secret_file ../html/secret;')) . <<"_EOC_"
    location = /_introspect {
        internal;
        log_subrequest on;
        access_log logs/introspect.log introspections;
        proxy_pass http://127.0.0.1:$::as/token/introspection;
    }

    location = /introspections {
        default_type text/plain;
        alias logs/introspect.log;
    }
_EOC_
--- user_files
>>> secret
api-gateway-secret-test-only
--- request eval
["GET /both", "GET /both", "GET /both", "GET /introspections"]
--- more_headers eval
[::bearer('es256'), ::bearer('opaque'), ::bearer('other_iss'), ""]
--- error_code eval
[200, 200, 401, 200]
--- response_headers eval
["", "", $::Invalid, ""]
--- response_body_like eval
["^\Q$::Id\E\$", "^opaque\\|demo-client\\|demo-client\\|orders.read\n\$", "401",
 "^introspection\nintrospection\n\$"]
--- no_error_log eval
[@::NoErrorLog, @::NoTokenLog]



=== TEST 11: the server exits while its keys are cached: its tokens still pass after the refresh fails
"down" answers POST /test-only/exit and exits; the refresh (refresh=1s)
after the pause fails, and the set fetched by the first request serves
(stale_if_error, 24h by default), also for a token not seen before.
--- config eval
::conf($::down, 'refresh=1s min_refresh=1s', ::loc('rs256', 'rs256', 'orders.read'))
. ::hooks($::down, 'exit', 2.1)
--- request eval
["GET /rs256", "POST /as_exit", "GET /sleep", "GET /rs256", "POST /as_exit",
 "GET /rs256", "GET /metrics"]
--- more_headers eval
[::bearer('down'), "", "", ::bearer('down'), "", ::bearer('down2'), ""]
--- error_code eval
[200, 204, 200, 200, 502, 200, 200]
--- response_body_like eval
["^\Q$::Id\E\$", "", "slept", "^\Q$::Id\E\$", "", "^\Q$::Id\E\$",
 qr/(?=.*^api_auth_jwks_fetches_total\{result="ok"\}[ ]1$)
    (?=.*^api_auth_jwks_fetches_total\{result="error"\}[ ][1-9]\d*$)/msx]
--- no_error_log eval
[@::NoCritLog, @::NoTokenLog]



=== TEST 12: with api_auth_cache, a JWT from the server is verified once: MISS, then HIT with the same identity
--- http_config
    api_auth_cache_zone zone=e2e_jwt:1m;
--- config eval
::conf($::as, '',
    ::loc('okta', 'okta', 'orders.read', 'api_auth_jwt_client_claim cid;
        api_auth_cache e2e_jwt;
        add_header X-Cache $api_auth_cache_status always;'))
. $::Metrics
--- request eval
["GET /okta", "GET /okta", "GET /metrics"]
--- more_headers eval
[::bearer('okta'), ::bearer('okta'), ""]
--- error_code eval
[200, 200, 200]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT", ""]
--- response_body_like eval
["^\Q$::Id\E\$", "^\Q$::Id\E\$",
 qr/^api_auth_jwt_verifications_total\{alg="RS256",result="valid"\} 1$/m]
--- no_error_log eval
[@::NoErrorLog, @::NoTokenLog]



=== TEST 13: the server rotates its keys: a token of the new key makes the module refetch; a cached token of the removed key is refused
"rot" signs with its second generation of keys after POST /as_rotate and
publishes only those: the new token's kid is unknown, so the set is
fetched again (min_refresh=3s after the first fetch: a pause of 3.1 s);
the old token, a HIT before, no longer has its key in the set (its cache
entry was for the old set) and the set is not fetched again within
min_refresh (asserted within 2 s: ngx_time is whole seconds).
--- timeout: 5
--- http_config
    api_auth_cache_zone zone=e2e_rot:1m;
--- config eval
::conf($::rot, 'min_refresh=3s',
    ::loc('rs256', 'rs256', 'orders.read', 'api_auth_cache e2e_rot;
        add_header X-Cache $api_auth_cache_status always;'))
. ::hooks($::rot, 'rotate', 3.1)
--- request eval
["GET /rs256", "GET /rs256", "POST /as_rotate", "GET /sleep", "GET /rs256",
 "GET /rs256", "GET /metrics"]
--- more_headers eval
[::bearer('rot_old'), ::bearer('rot_old'), "", "", ::bearer('rot_new'),
 ::bearer('rot_old'), ""]
--- error_code eval
[200, 200, 204, 200, 200, 401, 200]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT", "", "", "X-Cache: MISS",
 "X-Cache: MISS\n$::Invalid", ""]
--- response_body_like eval
["^\Q$::Id\E\$", "^\Q$::Id\E\$", "", "slept", "^\Q$::Id\E\$", "",
 qr/(?=.*^api_auth_jwks_fetches_total\{result="ok"\}[ ]2$)
    (?=.*^api_auth_jwks_fetches_total\{result="error"\}[ ]0$)/msx]
--- no_error_log eval
[@::NoErrorLog, @::NoTokenLog]



=== TEST 14: MCP: api_auth_resource sets the JWT's audience: a token for the resource URL passes, one for another resource is 401 with resource_metadata
--- config eval
::conf($::as, '') . <<"_EOC_"
    api_auth_authorization_servers http://127.0.0.1:$::as;

    location = /mcp {
        api_auth oauth;
        api_auth_resource $::mcp;
        api_auth_require_scope orders.read;
        echo "\$api_auth_token_type|\$api_auth_client|\$api_auth_claim_aud";
    }
_EOC_
--- request eval
["GET /mcp", "GET /mcp"]
--- more_headers eval
[::bearer('mcp'), ::bearer('es256')]
--- error_code eval
[200, 401]
--- response_body_like eval
["^jwt\\|demo-client\\|\Q$::mcp\E\n\$", "401"]
--- response_headers eval
["", "WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", scope=\"orders.read\", resource_metadata=\"http://127.0.0.1:$ENV{TEST_NGINX_SERVER_PORT}/.well-known/oauth-protected-resource/mcp\""]
--- no_error_log eval
[@::NoErrorLog, @::NoTokenLog]
