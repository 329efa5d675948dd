# nginx -t refusals of the JWT directives (SPEC.md "JWT access tokens",
# "Config errors"): JWT keys without an issuer, a JWT-capable location
# without an audience decision, none and HS* in the allow-list, a leeway
# over 5m, an unreadable or unusable key file (named, with the reason),
# and api_auth oauth with neither introspection nor JWT keys.  A location
# with JWT keys only, and an inherited configuration, start.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: JWT keys without an issuer
--- config
    location = /t {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        api_auth_require_audience https://api.example.com;
    }
--- must_die
--- error_log
"api_auth_jwt_keys" requires "api_auth_jwt_issuer"



=== TEST 2: a JWT-capable location without an audience decision
--- config
    location = /t {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
        api_auth_jwt_issuer https://as.example.com/;
    }
--- must_die
--- error_log
a location that accepts JWT access tokens requires "api_auth_require_audience"



=== TEST 3: alg none in the allow-list
--- config
    api_auth_jwt_algorithms RS256 none;
--- must_die
--- error_log
"none" is not an allowed JWT algorithm



=== TEST 4: HS256 in the allow-list
--- config
    api_auth_jwt_algorithms HS256;
--- must_die
--- error_log
"HS256" is not an allowed JWT algorithm



=== TEST 5: a leeway over 5m
--- config
    api_auth_jwt_leeway 301s;
--- must_die
--- error_log
invalid "api_auth_jwt_leeway" "301s"



=== TEST 6: a missing key file is named
--- config
    api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/absent.pem;
--- must_die
--- error_log eval
qr/api_auth: cannot open ".*absent\.pem"/



=== TEST 7: a file that is neither a JWK Set nor a PEM key
--- user_files
>>> junk.json
{"not":"keys"}
--- config
    api_auth_jwt_keys ../html/junk.json;
--- must_die
--- error_log eval
qr/JWT key file ".*junk\.json": not a JWK Set/



=== TEST 8: a JWK Set without a usable key
--- user_files
>>> weak.json
{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}
--- config
    api_auth_jwt_keys ../html/weak.json;
--- must_die
--- error_log eval
qr/JWT key file ".*weak\.json": no usable key/



=== TEST 9: api_auth oauth with neither introspection nor JWT keys
--- config
    location = /t {
        api_auth oauth;
    }
--- must_die
--- error_log
"api_auth oauth" requires "api_auth_introspect" or "api_auth_jwt_keys"



=== TEST 10: unknown api_auth_jwt_type
--- config
    api_auth_jwt_type id+jwt;
--- must_die
--- error_log
invalid JWT type "id+jwt"



=== TEST 11: keys, issuer and audience inherited from the server level; a type and leeway of a location; JWT only starts
--- config
    api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.pub;
    api_auth_jwt_issuer https://as.example.com/;
    api_auth_require_audience https://api.example.com;
    location = /t {
        api_auth oauth;
        api_auth_jwt_type at+jwt;
        api_auth_jwt_leeway 5m;
        api_auth_jwt_algorithms RS256 ES256;
        api_auth_jwt_client_claim azp;
        echo ok;
    }
--- error_code: 401
