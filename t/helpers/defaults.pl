# Defaults for the Test::Nginx blocks of t/NNN-*.t, applied with
# add_block_preprocessor (openresty's Test::Nginx and t/lib alike) to every
# block before it runs:
#
#   --- request          GET /t, where a block has no request, raw_request
#                        or pipelined_requests and is no must_die block.
#   --- no_error_log     @::NoErrorLog ([error] [alert] [crit] [emerg] and
#                        the module's "unexpected exception"), where a block
#                        declares no no_error_log and is no must_die block.
#                        A block that expects one of them declares its own
#                        (which replaces the default); one that adds to it
#                        writes  --- no_error_log eval  [@::NoErrorLog, ...]
#                        and one whose outcome is logged at [error] (an
#                        authorization-server fault, a "deny" rule) writes
#                        [@::NoCritLog]: the same without [error].
#   $TEST_NGINX_KEYS     the test key file, t/data/keys/keys.txt (the keys
#                        are listed in the header of t/001-api-key.t).
#
# Short forms a block asks for by a section of its own, expanded into its
# config (after what the config already has):
#
#   --- location_t
#   DIRECTIVES           location = /t { DIRECTIVES  echo "ok"; }
#
#   --- mock_as: JSON    the authorization server a block's
#                        "api_auth_introspect /_introspect" asks:
#                            location = /_introspect   internal, proxied to
#                            location = /mock_as       200 JSON (as
#                                                      application/json)
#
# Usage, after "use Test::Nginx::Socket" and before run_tests():
#   use FindBin;
#   require "$FindBin::Bin/helpers/defaults.pl";

use strict;
use warnings;

our @NoErrorLog = ('[error]', '[alert]', '[crit]', '[emerg]',
                   'unexpected exception');
our @NoCritLog = grep { $_ ne '[error]' } @NoErrorLog;

$ENV{TEST_NGINX_KEYS} //= ($ENV{TEST_NGINX_DATA_DIR} // 't/data')
                          . '/keys/keys.txt';

# location = /t with DIRECTIVES (one a line, indented here), answering "ok"
sub location_t {
    my $directives = shift;

    $directives =~ s/^\s*(?=\S)/        /mg;
    $directives =~ s/\n*\z/\n/;

    return "    location = /t {\n$directives        echo \"ok\";\n    }\n";
}

# the introspection endpoint /_introspect and its mock server's answer
sub mock_as {
    my $json = shift;

    return <<"_EOC_";
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '$json';
    }
_EOC_
}

add_block_preprocessor(sub {
    my $block = shift;
    my $config = $block->config // '';
    my $more = '';

    $config .= "\n" if length $config && $config !~ /\n\z/;

    $more .= location_t($block->location_t) if defined $block->location_t;
    $more .= mock_as($block->mock_as) if defined $block->mock_as;
    $block->set_value(config => $config . $more) if length $more;

    return if defined $block->must_die;

    $block->set_value(request => 'GET /t')
        unless defined $block->request || defined $block->raw_request
               || defined $block->pipelined_requests;

    $block->set_value(no_error_log => [@NoErrorLog])
        unless defined $block->no_error_log;
});

1;
