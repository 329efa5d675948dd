# Shared by the generated bad-input corpus (t/050, t/051, t/052): those
# files build their Test::Nginx blocks from Perl tables and hand them to
# Test::Base's spec_string, so the blocks carry raw bytes as Perl string
# literals in "eval" sections.

use strict;
use warnings;

# a double-quoted Perl literal that evaluates to exactly the bytes of $s
sub perl_string {
    my ($s) = @_;

    $s =~ s/([\\"\$\@])/\\$1/g;
    $s =~ s/([^\x20-\x7e])/sprintf('\\x{%02x}', ord $1)/ge;

    return qq{"$s"};
}

1;
