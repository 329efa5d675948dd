# With TEST_NGINX_COLLECT_LOGS=DIR (set by `make integration`), the
# module's lines of every block's error log and its whole access log are
# appended to DIR/error.log and DIR/access.log before its server root
# goes away, so that
# t/helpers/scan_logs.pl can look for secrets in the whole suite's logs.
# Used by the project's runner (t/lib) and the standalone scripts; under
# openresty's Test::Nginx only the standalone scripts' logs are kept.

package main;

use strict;
use warnings;

sub collect_logs {
    my ($logs, $label) = @_;
    my $dir = $ENV{TEST_NGINX_COLLECT_LOGS};

    return unless $dir && -d $dir;

    # of the error log only the module's lines (the debug log of a whole
    # suite runs to gigabytes)
    for my $name (qw(error.log access.log)) {
        open my $in, '<', "$logs/$name" or next;
        open my $out, '>>', "$dir/$name" or die "$dir/$name: $!";
        print $out "### $label\n";
        while (<$in>) {
            print $out $_ if $name eq 'access.log' || /api_auth/;
        }
        close $out;
        close $in;
    }
}

1;
