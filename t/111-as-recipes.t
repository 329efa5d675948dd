# The README's recipes per authorization server ("Authorization servers"),
# each with tokens shaped the way that server documents them, so that a
# recipe that does not accept its own server's tokens (or accepts another
# kind of token of the same server) fails here:
#
#   Auth0      issuer with a trailing slash, aud an array (API + userinfo),
#              client in azp, typ at+jwt or JWT, RBAC permissions claim
#   Entra ID   v2.0 and v1.0 issuers and audiences side by side, scp a
#              space-delimited string, client in azp or appid, app-only
#              roles, a Microsoft Graph token refused
#   Cognito    no aud, no typ, token_use access (ID tokens refused),
#              client_id, URL-shaped scopes
#   Okta       client in cid, scp an array, aud api://default
#   Keycloak   typ JWT, aud ["orders-api","account"], azp; a token with
#              only "account" refused
#
# Keys from api_auth_jwt_keys (the recipes fetch them with api_auth_jwks,
# whose fetching t/103 tests); TEST-ONLY keys of t/data/jwt.

use Test::Nginx::Socket 'no_plan';
use FindBin;

require "$FindBin::Bin/helpers/defaults.pl";
require "$FindBin::Bin/helpers/jwt.pl";

our $Echo = 'echo "$api_auth_result|$api_auth_token_type|$api_auth_client'
          . '|$api_auth_subject|$api_auth_scope";';

sub loc {
    my ($name, $conf) = @_;

    return <<"_EOC_";
    location = /$name {
        api_auth oauth;
        api_auth_jwt_keys \$TEST_NGINX_DATA_DIR/jwt/rsa.pub;
$conf
        $::Echo
    }
_EOC_
}

our $Auth0 = loc('auth0', <<'_EOC_');
        api_auth_jwt_issuer https://tenant.auth0.com/;
        api_auth_require_audience https://api.example.com;
_EOC_

our $Auth0Rbac = loc('auth0-rbac', <<'_EOC_');
        api_auth_jwt_issuer https://tenant.auth0.com/;
        api_auth_require_audience https://api.example.com;
        api_auth_require_claim permissions read:orders;
_EOC_

our $Entra = loc('entra', <<'_EOC_');
        api_auth_jwt_issuer https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0
                            https://sts.windows.net/11111111-2222-3333-4444-555555555555/;
        api_auth_require_audience 6e74172b-be56-4843-9ff4-e66a39bb12e3 api://orders;
        api_auth_jwt_client_claim azp appid;
        api_auth_require_scope Orders.Read;
_EOC_

our $EntraApp = loc('entra-app', <<'_EOC_');
        api_auth_jwt_issuer https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0;
        api_auth_require_audience 6e74172b-be56-4843-9ff4-e66a39bb12e3;
        api_auth_jwt_client_claim azp appid;
        api_auth_require_claim roles Orders.Read.All;
_EOC_

our $Cognito = loc('cognito', <<'_EOC_');
        api_auth_jwt_issuer https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123;
        api_auth_require_audience off;
        api_auth_require_claim token_use access;
        api_auth_require_claim client_id 3n4b5urk1ft4fl3mg5e62d9ado;
        api_auth_require_scope https://api.example.com/orders.read;
_EOC_

our $Okta = loc('okta', <<'_EOC_');
        api_auth_jwt_issuer https://org.okta.com/oauth2/default;
        api_auth_require_audience api://default;
        api_auth_jwt_client_claim cid;
        api_auth_require_scope orders.read;
_EOC_

our $Keycloak = loc('keycloak', <<'_EOC_');
        api_auth_jwt_issuer https://kc.example.com/realms/shop;
        api_auth_require_audience orders-api;
        api_auth_require_scope orders.read;
_EOC_

our $All = join '', $Auth0, $Auth0Rbac, $Entra, $EntraApp, $Cognito, $Okta,
                    $Keycloak;

our $Invalid = q{WWW-Authenticate: Bearer realm="api", error="invalid_token"};

# token shapes: only what the server puts in (client_id, scope and tenant
# of jwt()'s defaults are left out unless the server sends them)
sub tok {
    my ($header, %claims) = @_;

    return "Authorization: Bearer "
           . ::jwt(header => $header,
                   claims => { client_id => undef, scope => undef,
                               tenant => undef, %claims });
}

our $A0 = 'https://tenant.auth0.com/';
our $MS = 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0';
our $MS1 = 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/';
our $API = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
our $CG = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: Auth0: both token profiles (typ at+jwt, typ JWT), aud an array, client from azp, a client-credentials sub
--- config eval
$::All
--- request eval
["GET /auth0", "GET /auth0", "GET /auth0"]
--- more_headers eval
[
 ::tok({ typ => 'at+jwt' }, iss => $::A0, sub => 'auth0|u42', azp => 'spa1',
       aud => ['https://api.example.com', 'https://tenant.auth0.com/userinfo'],
       scope => 'openid orders.read'),
 ::tok({ typ => 'JWT' }, iss => $::A0, sub => 'auth0|u42', azp => 'spa1',
       aud => 'https://api.example.com', scope => 'orders.read'),
 ::tok({ typ => 'JWT' }, iss => $::A0, sub => 'm2m7@clients', azp => 'm2m7',
       aud => 'https://api.example.com', gty => 'client-credentials'),
]
--- error_code eval
[200, 200, 200]
--- response_body eval
[
 "allow|jwt|spa1|auth0|u42|openid orders.read\n",
 "allow|jwt|spa1|auth0|u42|orders.read\n",
 "allow|jwt|m2m7|m2m7\@clients|\n",
]



=== TEST 2: Auth0: the issuer without its trailing slash, and another API's token, are refused
--- config eval
$::All
--- request eval
["GET /auth0", "GET /auth0"]
--- more_headers eval
[
 ::tok({ typ => 'JWT' }, iss => 'https://tenant.auth0.com', sub => 'u', azp => 'a',
       aud => 'https://api.example.com'),
 ::tok({ typ => 'JWT' }, iss => $::A0, sub => 'u', azp => 'a',
       aud => 'https://billing.example.com'),
]
--- error_code eval
[401, 401]
--- response_headers eval
[$::Invalid, $::Invalid]



=== TEST 3: Auth0 RBAC: the permissions array must hold the required one
--- config eval
$::All
--- request eval
["GET /auth0-rbac", "GET /auth0-rbac", "GET /auth0-rbac"]
--- more_headers eval
[
 ::tok({ typ => 'JWT' }, iss => $::A0, sub => 'u', azp => 'a', aud => 'https://api.example.com',
       permissions => ['write:orders', 'read:orders']),
 ::tok({ typ => 'JWT' }, iss => $::A0, sub => 'u', azp => 'a', aud => 'https://api.example.com',
       permissions => ['write:orders']),
 ::tok({ typ => 'JWT' }, iss => $::A0, sub => 'u', azp => 'a', aud => 'https://api.example.com'),
]
--- error_code eval
[200, 401, 401]
--- response_body_like eval
[qr/\A\Qallow|jwt|a|u|\E\n\z/, qr/401/, qr/401/]



=== TEST 4: Entra ID: a v2.0 token (scp a space-delimited string, azp) and a v1.0 token (appid, the App ID URI) on one location
--- config eval
$::All
--- request eval
["GET /entra", "GET /entra"]
--- more_headers eval
[
 ::tok({ typ => 'JWT' }, iss => $::MS, aud => $::API, sub => 'AAAAsubv2', azp => 'client-v2',
       scp => 'Orders.Read Orders.Write', ver => '2.0', tid => '11111111-2222-3333-4444-555555555555'),
 ::tok({ typ => 'JWT' }, iss => $::MS1, aud => 'api://orders', sub => 'AAAAsubv1', appid => 'client-v1',
       scp => 'Orders.Read', ver => '1.0'),
]
--- error_code eval
[200, 200]
--- response_body eval
[
 "allow|jwt|client-v2|AAAAsubv2|Orders.Read Orders.Write\n",
 "allow|jwt|client-v1|AAAAsubv1|Orders.Read\n",
]



=== TEST 5: Entra ID: a Microsoft Graph token is refused; a token without the delegated scope is 403
--- config eval
$::All
--- request eval
["GET /entra", "GET /entra"]
--- more_headers eval
[
 ::tok({ typ => 'JWT' }, iss => $::MS, aud => '00000003-0000-0000-c000-000000000000',
       sub => 's', azp => 'c', scp => 'Orders.Read User.Read'),
 ::tok({ typ => 'JWT' }, iss => $::MS, aud => $::API, sub => 's', azp => 'c',
       scp => 'User.Read'),
]
--- error_code eval
[401, 403]
--- response_headers eval
[
 $::Invalid,
 q{WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="Orders.Read"},
]



=== TEST 6: Entra ID app-only (client credentials): roles, not scp
--- config eval
$::All
--- request eval
["GET /entra-app", "GET /entra-app", "GET /entra"]
--- more_headers eval
[
 ::tok({ typ => 'JWT' }, iss => $::MS, aud => $::API, sub => 'sp-oid', azp => 'daemon',
       roles => ['Orders.Read.All']),
 ::tok({ typ => 'JWT' }, iss => $::MS, aud => $::API, sub => 'sp-oid', azp => 'daemon',
       roles => ['Orders.Write.All']),
 ::tok({ typ => 'JWT' }, iss => $::MS, aud => $::API, sub => 'sp-oid', azp => 'daemon',
       roles => ['Orders.Read.All']),
]
--- error_code eval
[200, 401, 403]
--- response_body_like eval
[qr/\A\Qallow|jwt|daemon|sp-oid|\E\n\z/, qr/401/, qr/403/]



=== TEST 7: Cognito: an access token (no aud, no typ, token_use access) passes with its client_id and URL-shaped scope
--- config eval
$::All
--- request eval
["GET /cognito"]
--- more_headers eval
[
 ::tok({ typ => undef }, iss => $::CG, aud => undef, sub => 'f0e1d2c3', token_use => 'access',
       client_id => '3n4b5urk1ft4fl3mg5e62d9ado',
       scope => 'https://api.example.com/orders.read', username => 'f0e1d2c3'),
]
--- error_code: 200
--- response_body
allow|jwt|3n4b5urk1ft4fl3mg5e62d9ado|f0e1d2c3|https://api.example.com/orders.read



=== TEST 8: Cognito: the pool's ID token, another app client's token and a token without token_use are refused
--- config eval
$::All
--- request eval
["GET /cognito", "GET /cognito", "GET /cognito"]
--- more_headers eval
[
 ::tok({ typ => undef }, iss => $::CG, aud => '3n4b5urk1ft4fl3mg5e62d9ado', sub => 'f0e1d2c3',
       token_use => 'id', email => 'a@example.com'),
 ::tok({ typ => undef }, iss => $::CG, aud => undef, sub => 'f0e1d2c3', token_use => 'access',
       client_id => 'otherclient000000000000000', scope => 'https://api.example.com/orders.read'),
 ::tok({ typ => undef }, iss => $::CG, aud => undef, sub => 'f0e1d2c3',
       client_id => '3n4b5urk1ft4fl3mg5e62d9ado', scope => 'https://api.example.com/orders.read'),
]
--- error_code eval
[401, 401, 401]
--- response_headers eval
[$::Invalid, $::Invalid, $::Invalid]



=== TEST 9: Okta: client from cid, scp an array, aud api://default; another audience refused
--- config eval
$::All
--- request eval
["GET /okta", "GET /okta"]
--- more_headers eval
[
 ::tok({ typ => undef }, iss => 'https://org.okta.com/oauth2/default', aud => 'api://default',
       sub => 'user@example.com', cid => '0oa1b2c3d4', uid => '00u1', scp => ['openid', 'orders.read'],
       ver => 1, jti => 'AT.x'),
 ::tok({ typ => undef }, iss => 'https://org.okta.com/oauth2/default', aud => 'api://other',
       sub => 'user@example.com', cid => '0oa1b2c3d4', scp => ['orders.read']),
]
--- error_code eval
[200, 401]
--- response_body_like eval
[qr/\Aallow\|jwt\|0oa1b2c3d4\|user\@example\.com\|openid orders\.read\n\z/, qr/401/]



=== TEST 10: Keycloak: typ JWT, aud with the audience mapper's value, azp; a token for "account" only is refused
--- config eval
$::All
--- request eval
["GET /keycloak", "GET /keycloak"]
--- more_headers eval
[
 ::tok({ typ => 'JWT' }, iss => 'https://kc.example.com/realms/shop', aud => ['orders-api', 'account'],
       sub => '5f1c-uuid', azp => 'web-app', typ => 'Bearer', scope => 'openid profile orders.read'),
 ::tok({ typ => 'JWT' }, iss => 'https://kc.example.com/realms/shop', aud => 'account',
       sub => '5f1c-uuid', azp => 'web-app', typ => 'Bearer', scope => 'openid orders.read'),
]
--- error_code eval
[200, 401]
--- response_body_like eval
[qr/\A\Qallow|jwt|web-app|5f1c-uuid|openid profile orders.read\E\n\z/, qr/401/]
