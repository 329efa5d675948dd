# Counting introspection calls where they arrive: the mock authorization
# server's own access log, one line "URI BODY" per call it received.
#
#   http_config:  log_format as_calls '$uri $request_body';
#   mock:         access_log logs/as.log as_calls;  echo_read_request_body;
#   config:       as_calls_location() (GET /as_calls serves that log)
#
# A block then ends with a request to /as_calls, matched by
# as_calls(LINE...): exactly those lines, in any order.

use strict;
use warnings;

sub as_calls_location {
    return <<'_EOC_';
    location = /as_calls {
        default_type text/plain;
        alias logs/as.log;
    }
_EOC_
}

# the log line of one call to MOCK_URI for TOKEN
sub as_call {
    my ($uri, $token) = @_;
    return "$uri token=$token&token_type_hint=access_token";
}

# a regex for a log of exactly these lines, in any order
sub as_calls {
    my %n;
    $n{$_}++ for @_;
    my $re = '\A(?=(?:[^\n]*\n){' . scalar(@_) . '}\z)';
    for my $l (sort keys %n) {
        $re .= '(?=(?:[\s\S]*?^' . quotemeta($l) . '\n){' . $n{$l} . '})';
    }
    return qr/$re/m;
}

1;
