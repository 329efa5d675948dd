# JWK Sets for the api_auth_jwks tests, made at test time from the
# TEST-ONLY public keys of t/data/jwt (RSA keys, e = 65537).
#
#   rsa_jwk("rsa", "rsa1")            one JWK (JSON text) with that kid
#   jwk_set(rsa_jwk(...), ...)        {"keys":[...]}
#   kid_jwt("rsa1", key => "rsa")     a jwt() with that kid in its header

use strict;
use warnings;

use MIME::Base64 qw(encode_base64url);

our $JwtDir;

sub rsa_jwk {
    my ($name, $kid) = @_;
    my $pub = "$JwtDir/$name.pub";

    open my $p, '-|', qw(openssl rsa -pubin -noout -modulus -in), $pub
        or die "openssl: $!";
    my $out = <$p>;
    close $p or die "openssl failed for $pub";

    $out =~ /Modulus=([0-9A-Fa-f]+)/ or die "no modulus in $pub";
    my $n = encode_base64url(pack('H*', $1));

    return qq({"kty":"RSA","kid":"$kid","use":"sig","n":"$n","e":"AQAB"});
}

sub jwk_set {
    return '{"keys":[' . join(',', @_) . ']}';
}

sub kid_jwt {
    my ($kid, %o) = @_;

    return ::jwt(%o, header => { kid => $kid, %{ $o{header} || {} } });
}

1;
