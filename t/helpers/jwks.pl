# JWK Sets for the api_auth_jwks tests, made at test time from the
# TEST-ONLY public keys of t/data/jwt (RSA keys, e = 65537).
#
#   rsa_jwk("rsa", "rsa1")            one JWK (JSON text) with that kid
#   jwk_set(rsa_jwk(...), ...)        {"keys":[...]}
#   kid_jwt("rsa1", key => "rsa")     a jwt() with that kid in its header
#
# A block of t/103 or t/104 that runs a list of requests writes
#
#   --- jwks_steps eval
#   [STEP, ...]       each [REQUEST, STATUS, BODY] (BODY: the whole
#                     body as a string, a qr//, or absent: not checked)
#
# instead of the request, more_headers, error_code and response_body_like
# lists (a preprocessor makes them), and gets $::HttpConfig as its
# http_config unless it has one. A REQUEST is one of
#
#   bearer(TOKEN, HEADER...)  GET /t with "Authorization: Bearer TOKEN"
#   put_set(SET)              PUT /jwks_files/set.json with the text SET
#   del_set()                 DELETE /jwks_files/set.json
#   pause(N)                  GET /sleepN, a location of the file's own
#   fetches()                 GET /fetches, the mock's log of fetches

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

sub bearer {
    my ($token, @more) = @_;
    return { req => "GET /t",
             hdr => join("\n", "Authorization: Bearer $token", @more) };
}
sub put_set { return { req => "PUT /jwks_files/set.json\n$_[0]", hdr => "" } }
sub del_set { return { req => "DELETE /jwks_files/set.json", hdr => "" } }
sub pause { return { req => "GET /sleep$_[0]", hdr => "" } }
sub fetches { return { req => "GET /fetches", hdr => "" } }

# Test::Nginx files only (the standalone scripts require this file too)
add_block_preprocessor(sub {
    my $block = shift;
    my $steps = $block->jwks_steps;

    return unless defined $steps;

    my @bodies = grep { defined } map { $_->[2] } @$steps;

    die $block->name . ": a jwks_steps body for every step or none\n"
        if @bodies && @bodies != @$steps;

    $block->set_value(request => [map { $_->[0]{req} } @$steps]);
    $block->set_value(more_headers => [map { $_->[0]{hdr} } @$steps]);
    $block->set_value(error_code => [map { $_->[1] } @$steps]);
    $block->set_value(response_body_like =>
                      [map { ref $_ ? $_ : qr/\A\Q$_\E\z/ } @bodies])
        if @bodies;
    $block->set_value(http_config => $::HttpConfig)
        unless defined $block->http_config;
}) if defined &main::add_block_preprocessor;

1;
