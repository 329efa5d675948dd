# api_auth_key_source: where an API key is read from (SPEC.md
# "api_auth_key_source").  Protects the three GPT Actions styles (Bearer,
# Basic with the key verbatim or as base64 user:KEY / KEY:, and a custom
# header), that the first source present in the request decides (the
# order of the directive is the precedence), that a source not listed is
# not read, that the Basic challenge is offered only when basic is a
# source, that a duplicated custom header is a 400, and the directive's
# configuration errors.  header=Authorization (GPT's "Custom" type with
# the header name Authorization): a value without a Bearer or Basic
# scheme is the key, with the syntax of any key header (a space makes it
# a 400); Bearer and Basic values keep their sources; locations that do
# not list it keep RFC 6750's rule (no scheme of ours: no credential).
#
# Keys in t/data/keys/keys.txt (fake test values):
#   gpt-prod   test-key-gpt-prod-0001   scope="orders.read orders.write"
#   partner-x  test-key-partner-x-0002  scope="orders.read"
# test-key-unknown-9999 is in no file.
#
#   base64("user:test-key-gpt-prod-0001")  dXNlcjp0ZXN0LWtleS1ncHQtcHJvZC0wMDAx
#   base64("test-key-gpt-prod-0001:")      dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=
#   base64("user:test-key-unknown-9999")   dXNlcjp0ZXN0LWtleS11bmtub3duLTk5OTk=
#   base64("no-colon-here")                bm8tY29sb24taGVyZQ==
#   base64(":")                            Og==

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: default sources: Basic with the key itself as the value (GPT "Basic")
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
Authorization: Basic test-key-gpt-prod-0001
--- error_code: 200
--- response_body
gpt-prod



=== TEST 2: default sources: Basic base64("user:KEY")
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
Authorization: Basic dXNlcjp0ZXN0LWtleS1ncHQtcHJvZC0wMDAx
--- error_code: 200
--- response_body
gpt-prod



=== TEST 3: default sources: Basic base64("KEY:"), as curl -u KEY: sends
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
Authorization: basic dGVzdC1rZXktZ3B0LXByb2QtMDAwMTo=
--- error_code: 200
--- response_body
gpt-prod



=== TEST 4: Basic base64("user:UNKNOWN"): 401 invalid_token, key not logged
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Basic dXNlcjp0ZXN0LWtleS11bmtub3duLTk5OTk=
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: unknown API key (?!a4b46afe)[0-9a-f]{8}\b/
--- no_error_log eval
[
    @::NoErrorLog,
    qr/test-key-unknown-9999/,
    qr/api_auth.*dXNlcjp0ZXN0LWtleS11bmtub3duLTk5OTk/,
]



=== TEST 5: Basic value that is neither a key nor base64: 400 invalid_request
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Basic test-key-unknown-9999
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"
--- error_log
api_auth: malformed Basic credentials



=== TEST 6: Basic base64 without a colon: 400 invalid_request
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Basic bm8tY29sb24taGVyZQ==
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 7: Basic base64(":"), both parts empty: 400 invalid_request
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth api_key;
--- more_headers
Authorization: Basic Og==
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 8: "bearer" only: Basic credentials are not read, no Basic challenge
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source bearer;
api_auth api_key;
--- more_headers
Authorization: Basic test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"



=== TEST 9: "bearer" only: a Bearer key passes
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source bearer;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok



=== TEST 10: "basic" only: a Bearer key is not read; the challenge offers Basic
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source basic;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"



=== TEST 11: header=X-API-Key: the whole header value is the key (GPT "Custom")
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_key_source header=X-API-Key;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
X-API-Key: test-key-gpt-prod-0001
--- error_code: 200
--- response_body
gpt-prod



=== TEST 12: header names are case-insensitive
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_key_source header=X-Api-Key;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
x-api-KEY: test-key-partner-x-0002
--- error_code: 200
--- response_body
partner-x



=== TEST 13: header=X-API-Key only: no header is 401 with the plain Bearer challenge
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=X-API-Key;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"



=== TEST 14: an unknown key in the custom header: 401 invalid_token
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=X-API-Key;
api_auth api_key;
--- more_headers
X-API-Key: test-key-unknown-9999
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log eval
qr/api_auth: unknown API key (?!a4b46afe)[0-9a-f]{8}\b/
--- no_error_log eval
[
    @::NoErrorLog,
    qr/^(?!.*\[debug\]).*test-key-unknown-9999/,
    qr/api_auth.*test-key-unknown-9999/,
]



=== TEST 15: the custom header sent twice: 400 invalid_request
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=X-API-Key;
api_auth api_key;
--- more_headers
X-API-Key: test-key-gpt-prod-0001
X-API-Key: test-key-gpt-prod-0001
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"
--- error_log
api_auth: duplicate or malformed "x-api-key" header



=== TEST 16: a space inside the custom header value: 400 invalid_request
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=X-API-Key;
api_auth api_key;
--- more_headers
X-API-Key: test-key-gpt-prod-0001 test-key-partner-x-0002
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 17: precedence: the first source present decides (header before bearer)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=X-API-Key bearer;
api_auth api_key;
--- more_headers
X-API-Key: test-key-unknown-9999
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"



=== TEST 18: precedence: the same request with bearer listed first passes
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_key_source bearer header=X-API-Key;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
X-API-Key: test-key-unknown-9999
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
gpt-prod



=== TEST 19: precedence: an absent first source falls through to the next one
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_key_source header=X-API-Key bearer;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 200
--- response_body
partner-x



=== TEST 20: two custom headers, each a source; the first listed decides
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_key_source header=X-Key-B header=X-Key-A;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
X-Key-A: test-key-gpt-prod-0001
X-Key-B: test-key-partner-x-0002
--- error_code: 200
--- response_body
partner-x



=== TEST 21: api_auth_key_source is inherited from the server level
--- config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth_key_source header=X-API-Key;

    location = /t {
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
X-API-Key: test-key-gpt-prod-0001
--- error_code: 200
--- response_body
gpt-prod



=== TEST 22: unknown key source: configuration error
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source bearer foo;
api_auth api_key;
--- must_die
--- error_log
invalid key source "foo"



=== TEST 23: "header=" without a name: configuration error
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=;
api_auth api_key;
--- must_die
--- error_log
invalid key source "header="



=== TEST 24: a header name with a character outside [A-Za-z0-9_-]: configuration error
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=X-API:Key;
api_auth api_key;
--- must_die
--- error_log
invalid header name in "header=X-API:Key"



=== TEST 25: header=Authorization is accepted (any case): a value with no scheme is the key
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_KEYS;
        api_auth_key_source header=authorization;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- more_headers
Authorization: test-key-gpt-prod-0001
--- error_code: 200
--- response_body
gpt-prod
--- no_error_log eval
[
    @::NoErrorLog,
    qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/,
    qr/api_auth.*test-key-gpt-prod-0001/,
]



=== TEST 26: a source listed twice: configuration error
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=X-API-Key bearer header=x-api-key;
api_auth api_key;
--- must_die
--- error_log
duplicate key source "header=x-api-key"



=== TEST 27: header=Authorization twice, in other case: configuration error
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=Authorization bearer header=AUTHORIZATION;
api_auth api_key;
--- must_die
--- error_log
duplicate key source "header=authorization"



=== TEST 28: header=Authorization: a value with a space ("Digest abc") is no key: 400 invalid_request, as in any key header
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source bearer basic header=Authorization;
api_auth api_key;
--- more_headers
Authorization: Digest test-key-gpt-prod-0001
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"
--- error_log
api_auth: malformed Authorization header
--- no_error_log eval
[@::NoErrorLog, qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/]



=== TEST 29: header=Authorization only: Bearer is a scheme the location does not read: 401, no credential
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source header=Authorization;
api_auth api_key;
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"
--- error_log
api_auth: no credentials were provided
--- no_error_log eval
[@::NoErrorLog, qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/]



=== TEST 30: header=Authorization: a malformed Bearer value stays malformed (not a raw key)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source bearer header=Authorization;
api_auth api_key;
--- more_headers
Authorization: Bearer
--- error_code: 400
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_request"



=== TEST 31: without header=Authorization, a value with no scheme is still no credential (RFC 6750)
--- location_t
api_auth_keys $TEST_NGINX_KEYS;
api_auth_key_source bearer basic header=X-API-Key;
api_auth api_key;
--- more_headers
Authorization: test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", Basic realm="api"
--- error_log
api_auth: no credentials were provided
--- no_error_log eval
[@::NoErrorLog, qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/]



=== TEST 32: header=Authorization inherited into an oauth-only location: key sources are not read there
--- config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth_key_source header=Authorization;

    location = /_introspect {
        internal;
        return 500;
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
--- more_headers
Authorization: test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"
--- error_log
api_auth: no credentials were provided
--- no_error_log eval
[@::NoErrorLog, qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/]



=== TEST 33: header=Authorization with api_key oauth: a raw key is a key
--- config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth_key_source header=Authorization;

    location = /_introspect {
        internal;
        return 500;
    }
    location = /t {
        api_auth api_key oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_method $api_auth_client";
    }
--- more_headers
Authorization: test-key-gpt-prod-0001
--- error_code: 200
--- response_body
api_key gpt-prod
--- no_error_log eval
[
    @::NoErrorLog,
    qr/^(?!.*\[debug\]).*test-key-gpt-prod-0001/,
    'api_auth introspect "',
]



=== TEST 34: header=Authorization with api_key oauth: a Bearer token still goes to introspection
--- config
    api_auth_keys $TEST_NGINX_KEYS;
    api_auth_key_source header=Authorization;

    location = /t {
        api_auth api_key oauth;
        api_auth_introspect /_introspect;
        echo "$api_auth_method $api_auth_client";
    }
--- mock_as: {"active":true,"client_id":"c1"}
--- more_headers
Authorization: Bearer tok-002-34-oauth
--- error_code: 200
--- response_body
oauth c1
--- no_error_log eval
[@::NoErrorLog, qr/^(?!.*\[debug\]).*tok-002-34-oauth/]
