# The audience defaults to the resource (SPEC.md Part 2, RFC 8707): where
# api_auth_resource is set and api_auth_require_audience is not, the
# token's aud (a string or an array) must contain the resource URL
# exactly, or the answer is 401 invalid_token with resource_metadata.
# "api_auth_require_audience off" is the explicit opt-out (inherited like
# any value); an explicit list replaces the default; without a resource
# nothing changes.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

our $AS = <<'_EOC_';
    location = /_as_exact {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_exact;
    }
    location = /_as_array {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_array;
    }
    location = /_as_other {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_other;
    }
    location = /_as_slash {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_slash;
    }
    location = /_as_none {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_none;
    }
    location = /mock_exact {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","aud":"https://api.example.com/mcp"}';
    }
    location = /mock_array {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","aud":["https://other.example.com","https://api.example.com/mcp"]}';
    }
    location = /mock_other {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","aud":"https://other.example.com/mcp"}';
    }
    location = /mock_slash {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1","aud":"https://api.example.com/mcp/"}';
    }
    location = /mock_none {
        default_type application/json;
        return 200 '{"active":true,"client_id":"c1"}';
    }
_EOC_

# a resource location introspecting at /_as_NAME
sub loc {
    my ($name, $extra) = @_;
    $extra //= '';
    return <<"_EOC_";
    location = /mcp-$name {
        api_auth oauth;
        api_auth_introspect /_as_$name;
        api_auth_resource https://api.example.com/mcp;
        api_auth_authorization_servers https://auth.example.com;
$extra        echo "\$api_auth_result";
    }
_EOC_
}

our $MD = 'resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp"';

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: aud equal to the resource, or an array holding it, passes
--- config eval
$::AS . ::loc('exact') . ::loc('array')
--- request eval
["POST /mcp-exact", "POST /mcp-array"]
--- more_headers eval
["Authorization: Bearer tok-071-1-exact", "Authorization: Bearer tok-071-1-array"]
--- error_code eval
[200, 200]
--- response_body eval
["allow\n", "allow\n"]



=== TEST 2: another audience, a trailing '/', no aud at all: 401 invalid_token
--- config eval
$::AS . ::loc('other') . ::loc('slash') . ::loc('none')
--- request eval
["POST /mcp-other", "POST /mcp-slash", "POST /mcp-none"]
--- more_headers eval
["Authorization: Bearer tok-071-2-other", "Authorization: Bearer tok-071-2-slash", "Authorization: Bearer tok-071-2-none"]
--- error_code eval
[401, 401, 401]
--- response_headers eval
[
"WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", $::MD",
"WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", $::MD",
"WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", $::MD",
]
--- error_log
has the wrong audience



=== TEST 3: api_auth_require_audience off: no audience check
--- config eval
$::AS . ::loc('other', "        api_auth_require_audience off;\n")
      . ::loc('none', "        api_auth_require_audience off;\n")
--- request eval
["POST /mcp-other", "POST /mcp-none"]
--- more_headers eval
["Authorization: Bearer tok-071-3-other", "Authorization: Bearer tok-071-3-none"]
--- error_code eval
[200, 200]



=== TEST 4: off is inherited; a location's own list replaces it and the default
--- config eval
"    api_auth_require_audience off;\n"
. $::AS . ::loc('other')
. ::loc('exact', "        api_auth_require_audience https://other.example.com/mcp;\n")
--- request eval
["POST /mcp-other", "POST /mcp-exact"]
--- more_headers eval
["Authorization: Bearer tok-071-4-other", "Authorization: Bearer tok-071-4-exact"]
--- error_code eval
[200, 401]



=== TEST 5: an explicit list is used instead of the resource
--- config eval
$::AS . ::loc('other', "        api_auth_require_audience https://other.example.com/mcp;\n")
--- request
POST /mcp-other
--- more_headers
Authorization: Bearer tok-071-5-other
--- error_code: 200



=== TEST 6: without api_auth_resource there is no audience check
--- config eval
$::AS . <<'_EOC_'
    location = /plain {
        api_auth oauth;
        api_auth_introspect /_as_other;
        echo "$api_auth_result";
    }
_EOC_
--- request
POST /plain
--- more_headers
Authorization: Bearer tok-071-6-other
--- error_code: 200



=== TEST 7: an inherited resource is the default audience of the location
--- config eval
"    api_auth_resource https://api.example.com/mcp;\n"
. "    api_auth_authorization_servers https://auth.example.com;\n"
. $::AS . <<'_EOC_'
    location = /a {
        api_auth oauth;
        api_auth_introspect /_as_other;
        echo "$api_auth_result";
    }
    location = /b {
        api_auth oauth;
        api_auth_introspect /_as_exact;
        echo "$api_auth_result";
    }
_EOC_
--- request eval
["POST /a", "POST /b"]
--- more_headers eval
["Authorization: Bearer tok-071-7-other", "Authorization: Bearer tok-071-7-exact"]
--- error_code eval
[401, 200]



=== TEST 8: nginx -t: "off" with other values
--- config
    location = /t {
        api_auth_require_audience off https://api.example.com/mcp;
        echo "ok";
    }
--- must_die
--- error_log
"off" takes no other parameter
