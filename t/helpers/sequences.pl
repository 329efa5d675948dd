# The sequence harness of the cache and fault files (t/020-025, t/061):
# one client request to /t (or /fan) runs a sequence of requests, each
# through /x?l=LOC&t=TOKEN, which proxies to /LOC with "Authorization:
# Bearer TOKEN" (a new main request, so the access phase runs). A
# protected location prints its own line on 200; any rejection goes to
# @denied, which prints "STATUS $api_auth_result $api_auth_cache_status"
# (from the X-Result and X-Cache headers). All log lines of a sequence
# belong to one client request, so grep_error_log counts the
# introspection calls of the whole sequence.
#
#   seq_harness(%o)                 location /x and @denied
#   introspect(NAME[, URL, EXTRA])  location /_introspect_NAME -> URL
#   protected_location(NAME, SERVER, %o)
#                                   location /NAME asking /_introspect_SERVER
#   sequence(NAME, STEP...)         location /NAME: one STEP after the other
#   fan(NAME, STEP...)              location /NAME: all STEPs at once
#   logged_mock(NAME, BODY, %o)     location /mock_NAME, its calls logged
#
# Usage, after defaults.pl:
#   require "$FindBin::Bin/helpers/sequences.pl";

use strict;
use warnings;

# location /x, proxying to /$arg_l with the token $arg_t, and @denied.
#   port    => the server's port ($TEST_NGINX_SERVER_PORT)
#   errors  => the statuses sent to @denied ("400 401 403 500 503")
#   denied  => @denied's echo directive (the "STATUS result cache" line)
sub seq_harness {
    my (%o) = @_;
    my $port = $o{port} // '$TEST_NGINX_SERVER_PORT';
    my $errors = $o{errors} // '400 401 403 500 503';
    my $denied = $o{denied}
        // 'echo "$upstream_status $upstream_http_x_result $upstream_http_x_cache";';

    return <<"_EOC_";
    location = /x {
        proxy_pass http://127.0.0.1:$port/\$arg_l;
        proxy_set_header Authorization "Bearer \$arg_t";
        proxy_intercept_errors on;
        error_page $errors = \@denied;
    }
    location \@denied {
        $denied
    }
_EOC_
}

# /_introspect_NAME (internal) proxying to URL, by default this server's
# /mock_NAME; EXTRA: more directives (whole lines, indented)
sub introspect {
    my ($name, $url, $extra) = @_;
    $url //= "http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/mock_$name";
    $extra //= '';
    return <<_EOC_;
    location = /_introspect_$name {
        internal;
$extra        proxy_pass $url;
    }
_EOC_
}

# a location /NAME with "api_auth oauth" asking /_introspect_SERVER, that
# answers 200 with "200 $api_auth_result $api_auth_cache_status" and more:
#   cache   => ARGS              "api_auth_cache ARGS;"
#   first   => [DIRECTIVE, ...]  before api_auth
#   more    => [DIRECTIVE, ...]  after api_auth_cache
#   uri     => URI               api_auth_introspect URI instead
#   auth    => "oauth optional"  the api_auth mode ("oauth")
#   headers => [NAME, ...]       which of X-Result and X-Cache to add
#                                (both); @denied prints them
#   echo    => " TEXT"           appended to the 200 line
#   say     => DIRECTIVE         the whole echo directive instead
sub protected_location {
    my ($name, $server, %o) = @_;
    my %h = ('X-Result' => '$api_auth_result',
             'X-Cache' => '$api_auth_cache_status');
    my @lines = (@{ $o{first} // [] },
                 'api_auth ' . ($o{auth} // 'oauth') . ';',
                 'api_auth_introspect ' . ($o{uri} // "/_introspect_$server")
                 . ';');

    push @lines, "api_auth_cache $o{cache};" if defined $o{cache};
    push @lines, @{ $o{more} // [] };
    push @lines, map { "add_header $_ $h{$_} always;" }
                     @{ $o{headers} // ['X-Result', 'X-Cache'] };
    push @lines, $o{say}
                 // 'echo "200 $api_auth_result $api_auth_cache_status'
                    . ($o{echo} // '') . '";';

    return "    location = /$name {\n"
           . join('', map { "        $_\n" } @lines) . "    }\n";
}

# a mock authorization server /mock_NAME that logs each call it gets
# (t/helpers/as_calls.pl) and answers BODY as JSON, after SLEEP seconds,
# with STATUS (200)
sub logged_mock {
    my ($name, $body, %o) = @_;
    my $sleep = defined $o{sleep} ? "        echo_sleep $o{sleep};\n" : '';
    my $status = defined $o{status} ? "        echo_status $o{status};\n" : '';
    return <<_EOC_;
    location = /mock_$name {
        default_type application/json;
        access_log logs/as.log as_calls;
        echo_read_request_body;
$sleep$status        echo '$body';
    }
_EOC_
}

# one directive of a sequence: "l=LOC&t=TOKEN" through /x, "/URI ARGS"
# or "/URI" through that location, or a directive of its own
# ("echo_sleep 1.1")
sub seq_step {
    my ($echo, $step) = @_;

    return "        $step;\n" if $step =~ /^echo_/;
    return "        $echo $step;\n" if $step =~ m{^/\S+\z};
    return "        $echo $1 \"$2\";\n" if $step =~ m{^(/\S+) (.*)\z};
    return "        $echo /x \"$step\";\n";
}

# location /NAME running its steps one after the other (echo_location)
sub sequence {
    my ($name, @steps) = @_;
    return "    location = /$name {\n"
           . join('', map { seq_step('echo_location', $_) } @steps)
           . "    }\n";
}

# location /NAME starting all its steps at once (echo_location_async)
sub fan {
    my ($name, @steps) = @_;
    return "    location = /$name {\n"
           . join('', map { seq_step('echo_location_async', $_) } @steps)
           . "    }\n";
}

1;
