# JWS compact tokens for the JWT tests, signed at test time with openssl
# and the TEST-ONLY keys of t/data/jwt (never used anywhere else).
#
#   jwt(alg => "RS256", key => "rsa", header => {...}, claims => {...})
#   a header or claim set to undef is left out; defaults: typ at+jwt,
#   iss https://as.example.com/, aud https://api.example.com, exp in an
#   hour, sub u1, client_id c1, scope "orders.read orders.write", tenant.

use strict;
use warnings;

use File::Temp qw(tempfile);
use MIME::Base64 qw(encode_base64url);
use FindBin;

our $JwtDir = "$FindBin::Bin/data/jwt";

my %KeyOf = (RS256 => 'rsa', PS256 => 'rsa', ES256 => 'ec',
             EdDSA => 'ed', Ed25519 => 'ed');

sub json_text {
    my $v = shift;

    return 'null' unless defined $v;
    return '[' . join(',', map { json_text($_) } @$v) . ']' if ref $v;
    return $v if $v =~ /\A-?[0-9]+\z/;

    (my $s = $v) =~ s/(["\\])/\\$1/g;
    return "\"$s\"";
}

sub json_object {
    my ($defaults, $over) = @_;
    my %o = (%$defaults, %{ $over || {} });
    my @keys = sort grep { defined $o{$_} } keys %o;

    return '{' . join(',', map { json_text($_) . ':' . json_text($o{$_}) }
                               @keys) . '}';
}

sub run_openssl {
    my ($input, @cmd) = @_;
    my ($fh, $file) = tempfile(UNLINK => 1);

    binmode $fh;
    print $fh $input;
    close $fh;

    open my $p, '-|', @cmd, $file or die "openssl: $!";
    binmode $p;
    local $/;
    my $out = <$p>;
    close $p or die "openssl failed: @cmd";

    return $out;
}

# DER ECDSA-Sig-Value to the JWS form: r || s, each 32 bytes (P-256)
sub der_to_raw {
    my $der = shift;
    my ($r, $s) = unpack 'x2 x C/a x C/a', $der;

    return join '', map { my $x = s/\A\x00+//r; ("\x00" x (32 - length $x)) . $x }
                    ($r, $s);
}

sub sign {
    my ($alg, $key, $input) = @_;
    my $k = "$JwtDir/$key.key";

    return run_openssl($input, qw(openssl dgst -sha256 -binary -sign), $k,
                       '-out', '/dev/stdout')
        if $alg eq 'RS256';

    return run_openssl($input, qw(openssl dgst -sha256 -binary -sigopt
                                  rsa_padding_mode:pss -sigopt
                                  rsa_pss_saltlen:32 -sign), $k,
                       '-out', '/dev/stdout')
        if $alg eq 'PS256';

    return der_to_raw(run_openssl($input, qw(openssl dgst -sha256 -binary
                                             -sign), $k, '-out',
                                  '/dev/stdout'))
        if $alg eq 'ES256';

    return run_openssl($input, qw(openssl pkeyutl -sign -rawin -inkey), $k,
                       '-in');
}

sub jwt {
    my (%o) = @_;
    my $alg = $o{alg} // 'RS256';
    my $key = $o{key} // $KeyOf{$alg};
    my $now = time();

    my $h = json_object({ alg => $alg, typ => 'at+jwt' }, $o{header});
    my $p = json_object({ iss => 'https://as.example.com/',
                          aud => 'https://api.example.com',
                          exp => $now + 3600, iat => $now, sub => 'u1',
                          client_id => 'c1',
                          scope => 'orders.read orders.write',
                          tenant => 'acme' }, $o{claims});
    my $input = encode_base64url($h) . '.' . encode_base64url($p);

    return "$input." . encode_base64url(sign($alg, $key, $input));
}

# alg none: an empty signature, or (RFC 8725 §2.1) any signature at all
sub unsigned_jwt {
    my $alg = shift;
    my $t = jwt();
    my ($h, $p) = split /\./, $t;

    $h = encode_base64url(json_object({ alg => $alg, typ => 'at+jwt' }));
    return "$h.$p." . encode_base64url('x');
}

# HS256 keyed with the RSA public key's PEM text (the key-confusion attack)
sub hs256_jwt {
    require Digest::SHA;

    my $pem = do { local (@ARGV, $/) = "$JwtDir/rsa.pub"; <> };
    my $t = jwt();
    my (undef, $p) = split /\./, $t;
    my $h = encode_base64url(json_object({ alg => 'HS256', typ => 'at+jwt' }));

    return "$h.$p."
           . encode_base64url(Digest::SHA::hmac_sha256("$h.$p", $pem));
}

# a valid token whose payload is replaced after signing (scope widened)
sub tampered_jwt {
    my ($h, undef, $s) = split /\./, jwt(claims => { scope => 'x' });
    my (undef, $p) = split /\./, jwt(claims => { scope => 'orders.read' });

    return "$h.$p.$s";
}

1;
