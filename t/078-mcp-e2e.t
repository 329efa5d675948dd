# End to end, the MCP authorization discovery (SPEC.md Part 2, issue 14)
# with a real client, a real authorization server and a real MCP server:
#
#   client   the official MCP TypeScript SDK (t/mcp/client.js): Client,
#            StreamableHTTPClientTransport, ClientCredentialsProvider
#   AS       oidc-provider (t/as) with RFC 8707 resource indicators: a
#            token requested with resource= has that aud (opaque tokens,
#            introspected by the module as client "api-gateway")
#   upstream the SDK's McpServer over Streamable HTTP (t/mcp/server.js)
#            behind proxy_pass; its tool "auth_seen" tells whether the
#            request had an Authorization header
#
# The SDK alone finds its way: POST /mcp -> 401 with resource_metadata ->
# the metadata document (MCP-Protocol-Version sent) -> resource equal to
# the URL called -> the issuer's metadata -> a token with resource= ->
# POST /mcp -> 200, and the upstream never sees Authorization.  Then: a
# token for another audience, an expired one (from a second AS started
# here with AS_TOKEN_TTL=4) and one never issued are 401 invalid_token
# with resource_metadata; a token without the scopes is 403 with them.
#
# Needs t/mcp/node_modules (make integration runs npm ci there) and
# t/as/node_modules.  Every process (both authorization servers too) is
# on 127.0.0.1, started here, stopped at the end, and bounded in time.

use Test::Nginx::Socket 'no_plan';

use Cwd qw(getcwd);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use Time::HiRes qw(sleep time);

our $root = getcwd();
-d "$root/t/mcp/node_modules/\@modelcontextprotocol/sdk"
    or die "t/mcp/node_modules is missing: make integration installs it "
         . "(npm ci in t/mcp)\n";

our $tmp = tempdir('api-auth-078-XXXXXX', TMPDIR => 1, CLEANUP => 1);
our $port = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || 1984;
our $rs = "http://127.0.0.1:$port/mcp";
our @pids;

# free_port, start_as, as_token: t/helpers/as_instances.pl
require "$root/t/helpers/as_instances.pl";

sub wait_port {
    my ($p, $what) = @_;
    my $deadline = time + 10;
    while (time < $deadline) {
        return if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$p",
                                        Proto => 'tcp');
        sleep 0.1;
    }
    die "$what did not listen on 127.0.0.1:$p within 10 s\n";
}

# the MCP server upstream (it exits by itself after 120 s at most)
$ENV{TEST_NGINX_MCP_PORT} = free_port();
my $pid = fork // die "fork: $!\n";
if ($pid == 0) {
    open STDOUT, '>', "$tmp/mcp-server.log" or die;
    open STDERR, '>&', \*STDOUT or die;
    chdir "$root/t/mcp" or die;
    exec 'node', 'server.js', $ENV{TEST_NGINX_MCP_PORT}, 120;
    die "exec node: $!\n";
}
push @pids, $pid;

# two authorization servers of our own: the shared one of make
# integration may be stopped by an earlier file (t/040, t/041); the
# second one's tokens live 4 s
END {
    local $?;    # the children's status is not the test's
    for my $p (@pids) {
        kill 'TERM', $p;
        waitpid $p, 0;
    }
}

our $as = start_as('as', 'AS_TOKEN_TTL=600');
$ENV{TEST_NGINX_AS2_PORT} = start_as('as2', 'AS_TOKEN_TTL=4');

wait_port($ENV{TEST_NGINX_MCP_PORT}, 'the MCP server');

$ENV{TEST_NGINX_MCP_OUT} = "$tmp/client.out";
$ENV{TEST_NGINX_OTHER_AUD_TOKEN} = as_token($as, 'demo-client',
    'demo-client-secret-test-only', 'orders.read orders.write',
    "http://127.0.0.1:$port/other");
$ENV{TEST_NGINX_NO_AUD_TOKEN} = as_token($as, 'demo-client',
    'demo-client-secret-test-only', 'orders.read orders.write');
$ENV{TEST_NGINX_POOR_TOKEN} = as_token($as, 'limited-client',
    'limited-secret-test-only', 'orders.read', $rs);
# used at once by TEST 1, expired for TEST 2
our $expired_at = time + 5;
$ENV{TEST_NGINX_SHORT_TOKEN} = as_token($ENV{TEST_NGINX_AS2_PORT}, 'demo-client',
    'demo-client-secret-test-only', 'orders.read orders.write', $rs);

# the SDK client, run from a block's init (nginx is up then); its output
# is served at /e2e
sub run_client {
    my @args = map { "'$_'" } @_;
    system("cd $root/t/mcp && timeout 30 node client.js @args "
           . ">'$ENV{TEST_NGINX_MCP_OUT}' 2>&1");
}

# one server: the MCP location, the metadata location, introspection at AS_PORT
sub conf {
    my ($as_port) = @_;
    return <<"_EOC_";
    api_auth_introspect             /_introspect;
    api_auth_client_id              api-gateway;
    api_auth_client_secret_file     ../html/secret;
    api_auth_authorization_servers  http://127.0.0.1:$as_port;

    location = /mcp {
        api_auth                oauth;
        api_auth_resource       http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/mcp;
        api_auth_require_scope  orders.read orders.write;
        proxy_pass              http://127.0.0.1:\$TEST_NGINX_MCP_PORT;
    }

    location ^~ /.well-known/oauth-protected-resource {
        api_auth_protected_resource_metadata;
    }

    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$as_port/token/introspection;
    }

    location = /e2e {
        default_type  text/plain;
        alias         \$TEST_NGINX_MCP_OUT;
    }
_EOC_
}

our $MD = "resource_metadata=\"http://127.0.0.1:$port/.well-known/oauth-protected-resource/mcp\"";
our $SC = 'scope="orders.read orders.write"';
our $CALL = '{"jsonrpc":"2.0","id":1,"method":"tools/call",'
          . '"params":{"name":"auth_seen","arguments":{}}}';
our $ACCEPT = "Accept: application/json, text/event-stream\n"
            . "Content-Type: application/json";

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('user_files', ">>> secret\napi-gateway-secret-test-only\n")
        unless defined $block->user_files;
});

repeat_each(1);
no_shuffle();
run_tests();

__DATA__
=== TEST 1: a token from the short-lived AS, at once: the MCP server answers, without Authorization
--- config eval
::conf($ENV{TEST_NGINX_AS2_PORT})
--- request eval
"POST /mcp\n$::CALL"
--- more_headers eval
"$::ACCEPT\nAuthorization: Bearer $ENV{TEST_NGINX_SHORT_TOKEN}"
--- error_code: 200
--- response_body_like: "text":"authorization=absent requests=1 with_authorization=0"



=== TEST 2: the same token once expired: 401 invalid_token with resource_metadata
--- config eval
::conf($ENV{TEST_NGINX_AS2_PORT})
--- init
sleep($::expired_at - time) if time < $::expired_at;
--- request eval
"POST /mcp\n$::CALL"
--- more_headers eval
"$::ACCEPT\nAuthorization: Bearer $ENV{TEST_NGINX_SHORT_TOKEN}"
--- error_code: 401
--- response_headers eval
"WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", $::SC, $::MD"




=== TEST 3: the SDK discovers the AS by itself, gets a token for the resource, and the upstream never sees it
--- config eval
::conf($::as)
--- init
::run_client($::rs, "http://127.0.0.1:$::as", 'demo-client', 'demo-client-secret-test-only',
             'orders.read orders.write');
--- request
GET /e2e
--- response_body
POST {rs}/mcp -> 401 www-authenticate: Bearer realm="api", scope="orders.read orders.write", resource_metadata="{rs}/.well-known/oauth-protected-resource/mcp"
GET {rs}/.well-known/oauth-protected-resource/mcp mcp-protocol-version=yes -> 200
  resource={rs}/mcp equals MCP_URL: true
  authorization_servers={as}
GET {as}/.well-known/oauth-authorization-server mcp-protocol-version=yes -> 404
GET {as}/.well-known/openid-configuration mcp-protocol-version=yes -> 200
  issuer={as} token_endpoint={as}/token
POST {as}/token authorization=Basic grant_type=client_credentials resource={rs}/mcp scope="orders.read orders.write" -> 200
POST {rs}/mcp authorization=Bearer -> 200
POST {rs}/mcp mcp-protocol-version=yes authorization=Bearer -> 202
token: received type=Bearer
POST {rs}/mcp mcp-protocol-version=yes authorization=Bearer -> 200
auth_seen: authorization=absent requests=4 with_authorization=0
standalone stream: GET {rs}/mcp mcp-protocol-version=yes authorization=Bearer -> 405
--- no_error_log
[error]



=== TEST 4: the upstream's report can fail: called directly, it sees the header
--- config eval
::conf($::as) . <<'_EOC_'
    location = /direct {
        proxy_set_header  Content-Type application/json;
        proxy_set_header  Accept "application/json, text/event-stream";
        proxy_set_header  Authorization "Bearer not-a-secret";
        proxy_pass        http://127.0.0.1:$TEST_NGINX_MCP_PORT/mcp;
    }
_EOC_
--- request
POST /direct
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"auth_seen","arguments":{}}}
--- error_code: 200
--- response_body_like: "text":"authorization=present requests=5 with_authorization=1"



=== TEST 5: a token for another audience, or with none: 401 invalid_token with resource_metadata
--- config eval
::conf($::as)
--- request eval
["POST /mcp\n{}", "POST /mcp\n{}"]
--- more_headers eval
["Authorization: Bearer $ENV{TEST_NGINX_OTHER_AUD_TOKEN}",
 "Authorization: Bearer $ENV{TEST_NGINX_NO_AUD_TOKEN}"]
--- error_code eval
[401, 401]
--- response_headers eval
["WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", $::SC, $::MD",
 "WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", $::SC, $::MD"]
--- error_log
has the wrong audience



=== TEST 6: a token never issued: 401 invalid_token with resource_metadata
--- config eval
::conf($::as)
--- request
POST /mcp
{}
--- more_headers
Authorization: Bearer never-issued-078-0123456789abcdef
--- error_code: 401
--- response_headers eval
"WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", $::SC, $::MD"



=== TEST 7: a token without the scopes: 403 insufficient_scope naming them, with resource_metadata
--- config eval
::conf($::as)
--- request
POST /mcp
{}
--- more_headers eval
"Authorization: Bearer $ENV{TEST_NGINX_POOR_TOKEN}"
--- error_code: 403
--- response_headers eval
"WWW-Authenticate: Bearer realm=\"api\", error=\"insufficient_scope\", $::SC, $::MD"
