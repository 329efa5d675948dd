# Hostile JWT corpus (issue 16 item 6, SPEC.md "JWT access tokens"): every
# row of the tables below is a bearer token built at test time, sent to a
# location with static keys (/t: rsa.jwks.json kid rsa1, ec.pub, ed.pub)
# or to one whose key set also holds hostile keys (/h: hostile.jwks.json:
# a 1024-bit RSA key, a use=enc key, an off-curve and an all-zero EC
# point, an oct key, and another RSA key bound to alg RS256 by its JWK).
# Each answer must be the SPEC status: 200 with the identity for the
# few rows that are valid, 401 with exactly
#   WWW-Authenticate: Bearer realm="api", error="invalid_token"
# for every malformed, unverifiable or claim-failing token (neither
# location has introspection, so a token not taken by the JWT path is
# invalid_token too), 403 insufficient_scope for a valid token without
# the scope; never a 500, and no [alert], [crit] or [emerg] line, no
# exception and no token in a log line of the module.
#
# Keys: t/data/jwt, TEST-ONLY keys of this suite.  The blocks are
# generated with Test::Base's spec_string (as t/050 does), one block per
# table, one request per row, so that nginx starts once per table.
#
# Last block: the kjdev/nginx-auth-jwt 0.14.1 bypass class: after an
# alg:none token on a worker, a forged RS256 token on the same worker and
# the same keep-alive connection is still rejected and a valid one is
# still accepted.

use Test::Nginx::Socket 'no_plan';
use FindBin;
use MIME::Base64 qw(encode_base64url decode_base64url);

require "$FindBin::Bin/helpers/jwt.pl";
require "$FindBin::Bin/helpers/corpus.pl";

my $Dir = "$FindBin::Bin/data/jwt";
my $now = time();

# ---------------------------------------------------------------- tokens

# the claims as raw JSON fragments, in a fixed order; undef leaves one out
my @ClaimOrder = qw(iss aud exp nbf iat sub client_id scope);

sub claims {
    my (%o) = @_;
    my %c = (iss => '"https://as.example.com/"',
             aud => '"https://api.example.com"',
             exp => $now + 3600, iat => $now, sub => '"u1"',
             client_id => '"c1"', scope => '"orders.read"');
    my %in_order = map { $_ => 1 } @ClaimOrder;
    my @extra = grep { !$in_order{$_} } sort keys %o;

    %c = (%c, %o);
    return '{' . join(',', map { qq{"$_":$c{$_}} }
                           grep { defined $c{$_} } @ClaimOrder, @extra) . '}';
}

sub hdr {
    my (%o) = @_;
    my %h = (alg => '"RS256"', typ => '"at+jwt"', %o);

    return '{' . join(',', map { qq{"$_":$h{$_}} }
                           grep { defined $h{$_} } sort keys %h) . '}';
}

sub b64 { encode_base64url($_[0]) }

# header and payload JSON texts, signed as $alg with t/data/jwt/$key.key
sub tok {
    my ($h, $p, $alg, $key) = @_;
    my $in = b64($h) . '.' . b64($p);

    return "$in." . b64(::sign($alg // 'RS256', $key // 'rsa', $in));
}

# the signing input of a token and its raw signature bytes
sub parts {
    my ($t) = @_;
    my ($h, $p, $s) = split /\./, $t;

    return ("$h.$p", decode_base64url($s));
}

sub resign {
    my ($t, $f) = @_;
    my ($in, $sig) = parts($t);

    return "$in." . b64($f->($sig, $in));
}

sub flip {
    my ($s, $i, $bit) = @_;

    substr($s, $i, 1) = chr(ord(substr($s, $i, 1)) ^ ($bit // 1));
    return $s;
}

sub openssl_sig {
    my ($in, @opts) = @_;

    return ::run_openssl($in, qw(openssl dgst -sha256 -binary), @opts,
                         '-out', '/dev/stdout');
}

sub slurp {
    my ($f) = @_;
    open my $fh, '<', $f or die "$f: $!";
    binmode $fh;
    local $/;
    return <$fh>;
}

sub hmac {
    my ($h, $p, $key, $bits) = @_;
    require Digest::SHA;
    my $in = b64($h) . '.' . b64($p);
    my $f = \&{"Digest::SHA::hmac_sha" . ($bits // 256)};

    return "$in." . b64($f->($in, $key));
}

my $H   = hdr();
my $P   = claims();
my $rs  = tok($H, $P);
my $es  = tok(hdr(alg => '"ES256"'), $P, 'ES256', 'ec');
my $ed  = tok(hdr(alg => '"EdDSA"'), $P, 'EdDSA', 'ed');
my $ps  = tok(hdr(alg => '"PS256"'), $P, 'PS256', 'rsa');

my $pem = slurp("$Dir/rsa.pub");
my $der = `openssl pkey -pubin -in $Dir/rsa.pub -outform DER`;
die "DER" unless length $der > 200;
my $jwk = do {
    my $j = slurp("$Dir/rsa.jwks.json");
    $j =~ /(\{"kty"[^}]*\})/ or die "no JWK in rsa.jwks.json";
    $1;
};
my ($n_b64) = $jwk =~ /"n": "([^"]+)"/;

# the order of P-256
my $N = pack 'H*',
    'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551';

my $x5c = do {
    my $c = `openssl req -new -x509 -days 1 -subj /CN=evil -key $Dir/other-rsa.key -outform DER 2>/dev/null`;
    die "x5c" unless length $c > 200;
    MIME::Base64::encode_base64($c, '');
};
my ($other_n) = do {
    my $t = `openssl rsa -pubin -noout -modulus -in $Dir/other-rsa.pub`;
    $t =~ /Modulus=([0-9A-F]+)/ or die "modulus";
    (b64(pack 'H*', $1));
};

# Outcomes: ok (200 with the identity), tok (401 invalid_token),
# scope (403 insufficient_scope).

my @tables;

push @tables, [ 'alg none in every casing, and an unsigned token', '/t', [
    (map { [ "alg \"$_\", empty signature",
             b64(hdr(alg => qq{"$_"})) . '.' . b64($P) . '.', 'tok' ],
           [ "alg \"$_\", a signature",
             b64(hdr(alg => qq{"$_"})) . '.' . b64($P) . '.' . b64('x'), 'tok' ] }
     qw(none None NONE nOnE NoNe nONE)),
    [ 'alg none, the RS256 signature of the same input',
      tok(hdr(alg => '"none"'), $P), 'tok' ],
    [ 'alg none without typ', b64('{"alg":"none"}') . '.' . b64($P) . '.', 'tok' ],
    [ 'alg "none " (trailing space)',
      b64(hdr(alg => '"none "')) . '.' . b64($P) . '.', 'tok' ],
    [ 'alg "" (empty)', b64(hdr(alg => '""')) . '.' . b64($P) . '.', 'tok' ],
    [ 'alg "none\u0000RS256"', tok(hdr(alg => '"none\u0000RS256"'), $P), 'tok' ],
    [ 'no alg member', tok(hdr(alg => undef), $P), 'tok' ],
    [ 'control: the valid RS256 token', $rs, 'ok' ],
] ];

push @tables, [ 'HS* keyed with the RSA public key (key confusion)', '/t', [
    [ 'HS256 keyed with the PEM text', hmac(hdr(alg => '"HS256"'), $P, $pem), 'tok' ],
    [ 'HS256 keyed with the PEM text, kid rsa1',
      hmac(hdr(alg => '"HS256"', kid => '"rsa1"'), $P, $pem), 'tok' ],
    [ 'HS256 keyed with the PEM text without its last newline',
      hmac(hdr(alg => '"HS256"'), $P, $pem =~ s/\n\z//r), 'tok' ],
    [ 'HS256 keyed with the DER SubjectPublicKeyInfo',
      hmac(hdr(alg => '"HS256"'), $P, $der), 'tok' ],
    [ 'HS256 keyed with the JWK text', hmac(hdr(alg => '"HS256"'), $P, $jwk), 'tok' ],
    [ 'HS256 keyed with the modulus n',
      hmac(hdr(alg => '"HS256"'), $P, decode_base64url($n_b64)), 'tok' ],
    [ 'HS384 keyed with the PEM text',
      hmac(hdr(alg => '"HS384"'), $P, $pem, 384), 'tok' ],
    [ 'HS512 keyed with the PEM text',
      hmac(hdr(alg => '"HS512"'), $P, $pem, 512), 'tok' ],
    [ 'hs256 (lower case) keyed with the PEM text',
      hmac(hdr(alg => '"hs256"'), $P, $pem), 'tok' ],
] ];

push @tables, [ 'alg and key type mismatches, alg of the wrong JSON type', '/t', [
    [ 'header RS256, signed with the EC key', tok($H, $P, 'ES256', 'ec'), 'tok' ],
    [ 'header ES256, signed with the RSA key',
      tok(hdr(alg => '"ES256"'), $P, 'RS256', 'rsa'), 'tok' ],
    [ 'header PS256, a PKCS#1 v1.5 signature',
      tok(hdr(alg => '"PS256"'), $P, 'RS256', 'rsa'), 'tok' ],
    [ 'header RS256, a PSS signature', tok($H, $P, 'PS256', 'rsa'), 'tok' ],
    [ 'header EdDSA, an ES256 signature',
      tok(hdr(alg => '"EdDSA"'), $P, 'ES256', 'ec'), 'tok' ],
    [ 'header ES256, an Ed25519 signature',
      tok(hdr(alg => '"ES256"'), $P, 'EdDSA', 'ed'), 'tok' ],
    [ 'header ES256 with kid rsa1, signed with the EC key',
      tok(hdr(alg => '"ES256"', kid => '"rsa1"'), $P, 'ES256', 'ec'), 'tok' ],
    [ 'header RS384, an RS256 signature',
      tok(hdr(alg => '"RS384"'), $P, 'RS256', 'rsa'), 'tok' ],
    [ 'header ES384, an ES256 signature',
      tok(hdr(alg => '"ES384"'), $P, 'ES256', 'ec'), 'tok' ],
    [ 'alg rs256 (lower case)', tok(hdr(alg => '"rs256"'), $P), 'tok' ],
    [ 'alg a number', tok(hdr(alg => '256'), $P), 'tok' ],
    [ 'alg null', tok(hdr(alg => 'null'), $P), 'tok' ],
    [ 'alg an array', tok(hdr(alg => '["RS256"]'), $P), 'tok' ],
    [ 'alg an object', tok(hdr(alg => '{"RS256":1}'), $P), 'tok' ],
    [ 'alg RSA-OAEP (a JWE alg)', tok(hdr(alg => '"RSA-OAEP"'), $P), 'tok' ],
    [ 'controls: valid ES256, EdDSA and PS256', $es, 'ok' ],
    [ 'control: valid EdDSA', $ed, 'ok' ],
    [ 'control: valid PS256', $ps, 'ok' ],
] ];

push @tables, [ 'ES256 signature forms (CVE-2022-21449), RSA and PS256 and Ed25519 damage', '/t', [
    [ 'ES256 DER-encoded signature',
      b64(hdr(alg => '"ES256"')) . '.' . b64($P) . '.'
      . b64(openssl_sig(b64(hdr(alg => '"ES256"')) . '.' . b64($P),
                        '-sign', "$Dir/ec.key")), 'tok' ],
    [ 'ES256 all-zero 64-byte signature', resign($es, sub { "\0" x 64 }), 'tok' ],
    [ 'ES256 r = s = 0, kid-less', resign($es, sub { "\0" x 64 }), 'tok' ],
    [ 'ES256 r = s = n (the group order)', resign($es, sub { $N . $N }), 'tok' ],
    [ 'ES256 r = 0, s valid', resign($es, sub { ("\0" x 32) . substr($_[0], 32) }), 'tok' ],
    [ 'ES256 s = n, r valid', resign($es, sub { substr($_[0], 0, 32) . $N }), 'tok' ],
    [ 'ES256 63 bytes', resign($es, sub { substr($_[0], 0, 63) }), 'tok' ],
    [ 'ES256 65 bytes', resign($es, sub { "\0" . $_[0] }), 'tok' ],
    [ 'ES256 one byte', resign($es, sub { "\0" }), 'tok' ],
    [ 'ES256 empty signature', resign($es, sub { '' }) , 'tok' ],
    [ 'ES256 bit flip', resign($es, sub { flip($_[0], 10) }), 'tok' ],
    [ 'ES256 r and s swapped',
      resign($es, sub { substr($_[0], 32) . substr($_[0], 0, 32) }), 'tok' ],
    [ 'RS256 one byte short', resign($rs, sub { substr($_[0], 1) }), 'tok' ],
    [ 'RS256 last byte dropped', resign($rs, sub { substr($_[0], 0, -1) }), 'tok' ],
    [ 'RS256 a zero byte in front', resign($rs, sub { "\0" . $_[0] }), 'tok' ],
    [ 'RS256 all-zero signature', resign($rs, sub { "\0" x 256 }), 'tok' ],
    [ 'RS256 signature = 1', resign($rs, sub { ("\0" x 255) . "\1" }), 'tok' ],
    [ 'RS256 last bit flipped', resign($rs, sub { flip($_[0], 255) }), 'tok' ],
    [ 'PS256 salt length 0',
      resign($ps, sub { openssl_sig($_[1], qw(-sigopt rsa_padding_mode:pss
                                                -sigopt rsa_pss_saltlen:0 -sign),
                                    "$Dir/rsa.key") }), 'tok' ],
    [ 'PS256 salt length 20',
      resign($ps, sub { openssl_sig($_[1], qw(-sigopt rsa_padding_mode:pss
                                                -sigopt rsa_pss_saltlen:20 -sign),
                                    "$Dir/rsa.key") }), 'tok' ],
    [ 'PS256 maximum salt length',
      resign($ps, sub { openssl_sig($_[1], qw(-sigopt rsa_padding_mode:pss
                                                -sigopt rsa_pss_saltlen:max -sign),
                                    "$Dir/rsa.key") }), 'tok' ],
    [ 'PS256 MGF1 with SHA-1',
      resign($ps, sub { openssl_sig($_[1], qw(-sigopt rsa_padding_mode:pss
                                                -sigopt rsa_pss_saltlen:32
                                                -sigopt rsa_mgf1_md:sha1 -sign),
                                    "$Dir/rsa.key") }), 'tok' ],
    [ 'Ed25519 first bit flipped', resign($ed, sub { flip($_[0], 0) }), 'tok' ],
    [ 'Ed25519 last byte flipped', resign($ed, sub { flip($_[0], 63, 0x80) }), 'tok' ],
    [ 'Ed25519 63 bytes', resign($ed, sub { substr($_[0], 0, 63) }), 'tok' ],
    [ 'Ed25519 65 bytes', resign($ed, sub { $_[0] . "\0" }), 'tok' ],
    [ 'Ed25519 all zero', resign($ed, sub { "\0" x 64 }), 'tok' ],
    [ 'Ed25519 S + L (non-canonical S)',
      resign($ed, sub {
          my ($r, $s) = (substr($_[0], 0, 32), substr($_[0], 32));
          my @l = unpack 'C*', pack 'H*',
              'edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010';
          my @s = unpack 'C*', $s;
          my $c = 0;
          for my $i (0 .. 31) { my $v = $s[$i] + $l[$i] + $c; $s[$i] = $v & 0xff; $c = $v >> 8 }
          $r . pack 'C*', @s }), 'tok' ],
] ];

push @tables, [ 'foreign keys, hostile kids, embedded keys', '/t', [
    [ 'another RSA key under kid rsa1',
      tok(hdr(kid => '"rsa1"'), $P, 'RS256', 'other-rsa'), 'tok' ],
    [ 'another RSA key, no kid', tok($H, $P, 'RS256', 'other-rsa'), 'tok' ],
    [ 'control: kid rsa1, the right key', tok(hdr(kid => '"rsa1"'), $P), 'ok' ],
    [ 'kid a number', tok(hdr(kid => '1'), $P), 'tok' ],
    [ 'kid null', tok(hdr(kid => 'null'), $P), 'tok' ],
    [ 'kid an array', tok(hdr(kid => '["rsa1"]'), $P), 'tok' ],
    [ 'kid true', tok(hdr(kid => 'true'), $P), 'tok' ],
    [ 'kid empty', tok(hdr(kid => '""'), $P), 'tok' ],
    [ 'kid of 10 KB', tok(hdr(kid => '"' . ('k' x 10240) . '"'), $P), 'tok' ],
    [ 'kid path traversal', tok(hdr(kid => '"../../../../etc/passwd"'), $P), 'tok' ],
    [ 'kid /dev/null', tok(hdr(kid => '"/dev/null"'), $P), 'tok' ],
    [ 'kid with CR LF', tok(hdr(kid => '"rsa1\r\nX-Injected: 1"'), $P), 'tok' ],
    [ 'kid with NUL', tok(hdr(kid => '"rsa1\u0000"'), $P), 'tok' ],
    [ 'kid SQL', tok(hdr(kid => q{"' OR 1=1 --"}), $P), 'tok' ],
    [ 'kid rsa1 with a trailing space', tok(hdr(kid => '"rsa1 "'), $P), 'tok' ],
    [ 'embedded jwk of the signing key',
      tok(hdr(jwk => qq{{"kty":"RSA","n":"$other_n","e":"AQAB"}}), $P,
          'RS256', 'other-rsa'), 'tok' ],
    [ 'jku to the attacker',
      tok(hdr(jku => '"https://evil.example.com/jwks"', kid => '"evil"'), $P,
          'RS256', 'other-rsa'), 'tok' ],
    [ 'x5u to the attacker',
      tok(hdr(x5u => '"https://evil.example.com/cert"'), $P, 'RS256',
          'other-rsa'), 'tok' ],
    [ 'x5c with the attacker certificate',
      tok(hdr(x5c => qq{["$x5c"]}), $P, 'RS256', 'other-rsa'), 'tok' ],
] ];

push @tables, [ 'weak, off-curve, symmetric, encryption and alg-bound keys in the set', '/h', [
    [ 'a 1024-bit RSA key (kid weak)',
      tok(hdr(kid => '"weak"'), $P, 'RS256', 'weak-rsa'), 'tok' ],
    [ 'a 1024-bit RSA key, no kid', tok($H, $P, 'RS256', 'weak-rsa'), 'tok' ],
    [ 'a use=enc key (kid enc)',
      tok(hdr(kid => '"enc"'), $P, 'RS256', 'enc-rsa'), 'tok' ],
    [ 'an off-curve EC point (kid offcurve)',
      tok(hdr(alg => '"ES256"', kid => '"offcurve"'), $P, 'ES256', 'ec'), 'tok' ],
    [ 'an all-zero EC point, an all-zero signature (kid zero)',
      resign(tok(hdr(alg => '"ES256"', kid => '"zero"'), $P, 'ES256', 'ec'),
             sub { "\0" x 64 }), 'tok' ],
    [ 'HS256 with the oct key secret (kid hmac)',
      hmac(hdr(alg => '"HS256"', kid => '"hmac"'), $P, 'hostile-shared-secret'), 'tok' ],
    [ 'PS256 by a key whose JWK says alg RS256',
      tok(hdr(alg => '"PS256"', kid => '"rs-only"'), $P, 'PS256', 'other-rsa'), 'tok' ],
    [ 'control: RS256 by that key',
      tok(hdr(kid => '"rs-only"'), $P, 'RS256', 'other-rsa'), 'ok' ],
    [ 'control: kid rsa1', tok(hdr(kid => '"rsa1"'), $P), 'ok' ],
] ];

push @tables, [ 'crit, b64, cty, zip and every typ', '/t', [
    [ 'crit ["exp"]', tok(hdr(crit => '["exp"]'), $P), 'tok' ],
    [ 'crit ["b64"] with b64 false', tok(hdr(crit => '["b64"]', b64 => 'false'), $P), 'tok' ],
    [ 'crit []', tok(hdr(crit => '[]'), $P), 'tok' ],
    [ 'crit with an unknown name', tok(hdr(crit => '["x-unknown"]', 'x-unknown' => '1'), $P), 'tok' ],
    [ 'b64 true', tok(hdr(b64 => 'true'), $P), 'tok' ],
    [ 'cty JWT (a nested token)', tok(hdr(cty => '"JWT"'), $P), 'tok' ],
    [ 'zip DEF', tok(hdr(zip => '"DEF"'), $P), 'tok' ],
    (map { [ "typ $_", tok(hdr(typ => qq{"$_"}), $P), 'ok' ] }
     'at+jwt', 'AT+JWT', 'At+Jwt', 'application/at+jwt', 'Application/AT+JWT',
     'JWT', 'jwt', 'application/jwt', 'APPLICATION/JWT'),
    [ 'no typ', tok(hdr(typ => undef), $P), 'ok' ],
    (map { [ "typ $_", tok(hdr(typ => qq{"$_"}), $P), 'tok' ] }
     '', 'id+jwt', 'JOSE', 'JOSE+JSON', 'JWS', 'secevent+jwt', 'logout+jwt',
     'dpop+jwt', 'at+jwt ', ' at+jwt', 'at+jwt; charset=utf-8',
     'application/at+jwt+x', 'text/jwt', 'at-jwt', 'application/'),
    [ 'typ a number', tok(hdr(typ => '1'), $P), 'tok' ],
    [ 'typ an array', tok(hdr(typ => '["at+jwt"]'), $P), 'tok' ],
    [ 'typ null', tok(hdr(typ => 'null'), $P), 'tok' ],
] ];

# first of the blocks: its within-the-leeway rows were signed when this
# file loaded, and a slow runner (openresty's restarts nginx per block,
# valgrind) would otherwise reach them 30 s later, past the leeway
unshift @tables, [ 'iss, aud, exp, nbf, iat edge values', '/t', [
    [ 'no iss', tok($H, claims(iss => undef)), 'tok' ],
    [ 'iss without the trailing slash', tok($H, claims(iss => '"https://as.example.com"')), 'tok' ],
    [ 'iss in upper case', tok($H, claims(iss => '"HTTPS://AS.EXAMPLE.COM/"')), 'tok' ],
    [ 'iss a number', tok($H, claims(iss => '1')), 'tok' ],
    [ 'iss an array', tok($H, claims(iss => '["https://as.example.com/"]')), 'tok' ],
    [ 'iss null', tok($H, claims(iss => 'null')), 'tok' ],
    [ 'iss with a NUL after it', tok($H, claims(iss => '"https://as.example.com/\u0000"')), 'tok' ],
    [ 'iss with JSON-escaped slashes (the same string)',
      tok($H, claims(iss => '"https:\/\/as.example.com\/"')), 'ok' ],
    [ 'aud an array holding the audience',
      tok($H, claims(aud => '["https://x.example.com","https://api.example.com"]')), 'ok' ],
    [ 'no aud', tok($H, claims(aud => undef)), 'tok' ],
    [ 'aud with a trailing slash', tok($H, claims(aud => '"https://api.example.com/"')), 'tok' ],
    [ 'aud an array without the audience', tok($H, claims(aud => '["https://x.example.com"]')), 'tok' ],
    [ 'aud an empty array', tok($H, claims(aud => '[]')), 'tok' ],
    [ 'aud a number', tok($H, claims(aud => '1')), 'tok' ],
    [ 'aud null', tok($H, claims(aud => 'null')), 'tok' ],
    [ 'aud an array of arrays', tok($H, claims(aud => '[["https://api.example.com"]]')), 'tok' ],
    [ 'no exp', tok($H, claims(exp => undef)), 'tok' ],
    [ 'exp a string', tok($H, claims(exp => '"' . ($now + 3600) . '"')), 'tok' ],
    [ 'exp a float in the future', tok($H, claims(exp => ($now + 3600) . '.5')), 'ok' ],
    [ 'exp a float in the past', tok($H, claims(exp => ($now - 3600) . '.5')), 'tok' ],
    [ 'exp in exponent form, in the future',
      tok($H, claims(exp => sprintf('%.6e', $now + 3600))), 'ok' ],
    [ 'exp negative', tok($H, claims(exp => '-1')), 'tok' ],
    [ 'exp 0', tok($H, claims(exp => '0')), 'tok' ],
    [ 'exp past the year 9999', tok($H, claims(exp => '253402300800')), 'tok' ],
    [ 'exp 2^63 - 1', tok($H, claims(exp => '9223372036854775807')), 'tok' ],
    [ 'exp beyond int64', tok($H, claims(exp => '99999999999999999999999')), 'tok' ],
    [ 'exp 1e300', tok($H, claims(exp => '1e300')), 'tok' ],
    [ 'exp 1e400 (beyond a double)', tok($H, claims(exp => '1e400')), 'tok' ],
    [ 'exp -0.0', tok($H, claims(exp => '-0.0')), 'tok' ],
    [ 'exp true', tok($H, claims(exp => 'true')), 'tok' ],
    [ 'exp null', tok($H, claims(exp => 'null')), 'tok' ],
    [ 'exp 10 s ago (within the leeway)', tok($H, claims(exp => $now - 10)), 'ok' ],
    [ 'exp 2 minutes ago (past the leeway)', tok($H, claims(exp => $now - 120)), 'tok' ],
    [ 'nbf 10 s ahead (within the leeway)', tok($H, claims(nbf => $now + 10)), 'ok' ],
    [ 'nbf 10 minutes ahead', tok($H, claims(nbf => $now + 600)), 'tok' ],
    [ 'nbf a string', tok($H, claims(nbf => qq{"$now"})), 'tok' ],
    [ 'nbf negative', tok($H, claims(nbf => '-1')), 'tok' ],
    [ 'nbf huge', tok($H, claims(nbf => '1e300')), 'tok' ],
    [ 'iat 10 minutes ahead', tok($H, claims(iat => $now + 600)), 'tok' ],
    [ 'iat a string', tok($H, claims(iat => qq{"$now"})), 'tok' ],
    [ 'iat negative', tok($H, claims(iat => '-5')), 'tok' ],
    [ 'iat a float', tok($H, claims(iat => "$now.25")), 'ok' ],
    [ 'no scope: 403', tok($H, claims(scope => undef)), 'scope' ],
] ];

my $pl = b64($P);
my $hd = b64($H);

push @tables, [ 'duplicate members, JSON and base64 damage, non-JWS shapes', '/t', [
    [ 'duplicate iss in the payload',
      tok($H, claims() =~ s/^\{/{"iss":"https:\/\/evil.example.com\/",/r), 'tok' ],
    [ 'duplicate exp, the second in the past',
      tok($H, claims() =~ s/\}\z/,"exp":1}/r), 'tok' ],
    [ 'duplicate alg in the header (RS256 then none)',
      tok('{"alg":"RS256","typ":"at+jwt","alg":"none"}', $P), 'tok' ],
    [ 'duplicate kid in the header',
      tok('{"alg":"RS256","kid":"rsa1","kid":"evil"}', $P), 'tok' ],
    [ 'duplicate member in a nested object',
      tok($H, claims(cnf => '{"jkt":"a","jkt":"b"}')), 'tok' ],
    [ 'padding on the header (not token68)', "$hd=." . join('.', (split /\./, $rs)[1, 2]), 'req' ],
    [ 'padding on the signature', "$rs==", 'tok' ],
    [ 'standard alphabet in the signature',
      do { die "no - or _ in the signature" unless (split /\./, $rs)[2] =~ /[-_]/;
           $rs =~ tr/-_/+\//r }, 'tok' ],
    [ 'non-canonical trailing bits in the signature',
      do { my $t = $rs; my $c = chop $t;
           my $i = index('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', $c);
           $t . substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
                       $i | 1, 1) }, 'tok' ],
    [ 'a tilde in the payload', "$hd.~$pl." . (split /\./, $rs)[2], 'tok' ],
    [ 'header not JSON', tok('alg=RS256', $P), 'tok' ],
    [ 'header a JSON array', tok('["RS256"]', $P), 'tok' ],
    [ 'header a JSON string', tok('"RS256"', $P), 'tok' ],
    [ 'header with trailing garbage', tok($H . 'x', $P), 'tok' ],
    [ 'header with two objects', tok($H . $H, $P), 'tok' ],
    [ 'header with a UTF-8 BOM', tok("\xef\xbb\xbf$H", $P), 'tok' ],
    [ 'payload not JSON', tok($H, 'hello'), 'tok' ],
    [ 'payload a JSON array', tok($H, '[1,2]'), 'tok' ],
    [ 'payload truncated', tok($H, substr($P, 0, -1)), 'tok' ],
    [ 'payload 5,000 nested arrays', tok($H, claims(deep => ('[' x 5000) . (']' x 5000))), 'tok' ],
    [ 'payload with invalid UTF-8', tok($H, claims(sub => "\"\xff\xfe\"")), 'tok' ],
    [ 'payload with a lone surrogate escape', tok($H, claims(sub => '"\ud800"')), 'tok' ],
    [ 'empty header segment', '.' . join('.', (split /\./, $rs)[1, 2]), 'tok' ],
    [ 'empty payload segment', "$hd.." . (split /\./, $rs)[2], 'tok' ],
    [ 'empty signature (alg RS256)', "$hd.$pl.", 'tok' ],
    [ 'two segments', "$hd.$pl", 'tok' ],
    [ 'four segments', "$rs.x", 'tok' ],
    [ 'two dots', '..', 'tok' ],
    [ '8,000 dots', '.' x 8000, 'tok' ],
    [ '8,000 dots after a valid token', $rs . ('.' x 8000), 'tok' ],
    [ 'JWE compact form (RSA-OAEP, A256GCM)',
      join('.', b64('{"alg":"RSA-OAEP","enc":"A256GCM","typ":"at+jwt"}'),
           b64('k' x 256), b64('i' x 12), b64($P), b64('t' x 16)), 'tok' ],
    [ 'JWE compact form, alg dir, empty key',
      join('.', b64('{"alg":"dir","enc":"A128CBC-HS256"}'), '', b64('i' x 16),
           b64($P), b64('t' x 16)), 'tok' ],
    [ 'JWE header in three segments', tok('{"alg":"RSA-OAEP","enc":"A256GCM"}', $P), 'tok' ],
    [ 'JWS JSON serialization, base64url-encoded',
      b64(qq{{"payload":"$pl","signatures":[]}}), 'tok' ],
] ];

# ---------------------------------------------------------------- blocks

my $config = <<'_EOC_';
    large_client_header_buffers 4 64k;

    location = /t {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/rsa.jwks.json;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/ec.pub;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/ed.pub;
        api_auth_jwt_issuer https://as.example.com/;
        api_auth_require_audience https://api.example.com;
        api_auth_require_scope orders.read;
        echo "$api_auth_result|$api_auth_token_type|$api_auth_client|$api_auth_subject";
    }
    location = /h {
        api_auth oauth;
        api_auth_jwt_keys $TEST_NGINX_DATA_DIR/jwt/hostile.jwks.json;
        api_auth_jwt_issuer https://as.example.com/;
        api_auth_require_audience https://api.example.com;
        api_auth_require_scope orders.read;
        echo "$api_auth_result|$api_auth_token_type|$api_auth_client|$api_auth_subject";
    }
_EOC_

my %status = (ok => 200, tok => 401, scope => 403, req => 400);
my %header = (
    ok    => '!WWW-Authenticate',
    tok   => 'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
    req   => 'WWW-Authenticate: Bearer realm="api", error="invalid_request"',
    scope => 'WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders.read"',
);
my %body = (
    ok    => '\A' . quotemeta("allow|jwt|c1|u1\n") . '\z',
    tok   => '401 Authorization Required',
    req   => '400 Bad Request',
    scope => '403 Forbidden',
);

my $list = sub { '[' . join(",\n ", @_) . "]\n" };

my $spec = '';
my $n = 0;
my $cases = 0;

for my $t (@tables) {
    my ($title, $loc, $rows) = @$t;

    $n++;
    $cases += @$rows;
    $spec .= "=== TEST $n: $title (" . scalar(@$rows) . " tokens)\n"
        . "--- config\n$config"
        . "--- request eval\n" . $list->(map { ::perl_string("GET $loc") } @$rows)
        . "--- more_headers eval\n"
        . $list->(map { ::perl_string("X-Case: $_->[0]\nAuthorization: Bearer $_->[1]") }
                  @$rows)
        . "--- error_code eval\n" . $list->(map { $status{$_->[2]} } @$rows)
        . "--- response_headers eval\n"
        . $list->(map { ::perl_string($header{$_->[2]}) } @$rows)
        . "--- response_body_like eval\n"
        . $list->(map { 'qr{' . $body{$_->[2]} . '}' } @$rows)
        . "--- no_error_log eval\n"
        . q{["[alert]", "[crit]", "[emerg]", "unexpected exception", qr/api_auth.*eyJ/]}
        . "\n\n\n\n";
}

$ENV{JWT_HOSTILE_CASES} = $cases;

my $none = b64(hdr(alg => '"none"')) . '.' . b64($P) . '.';
my $forged = ::tampered_jwt();

# the four tokens go through one kept-alive upstream connection to the
# only worker (Test::Nginx runs one): /t adds the connection's request
# count, so the answers must show 1, 2, 3, 4 in order
my $seq = $config =~ s/(echo "\$api_auth_result[^\n]*\n)/$1        add_header X-Conn-Requests \$connection_requests always;\n/r;
my $i = 0;
$seq .= join '', map {
    $i++;
    "    location = /p$i {\n"
    . "        proxy_http_version 1.1;\n"
    . "        proxy_set_header Connection \"\";\n"
    . "        proxy_set_header Authorization \"Bearer $_\";\n"
    . "        proxy_pass http://backend/t;\n"
    . "    }\n"
} $none, $forged, $rs, $none;

$n++;
$spec .= "=== TEST $n: alg none, then a forged and a valid RS256 token on the same worker and connection\n"
    . "--- http_config\n"
    . "    upstream backend {\n"
    . "        server 127.0.0.1:\$TEST_NGINX_SERVER_PORT;\n"
    . "        keepalive 4;\n"
    . "    }\n"
    . "--- config\n$seq"
    . "--- request eval\n"
    . $list->(map { ::perl_string("GET /p$_") } 1 .. 4)
    . "--- error_code eval\n[401, 401, 200, 401]\n"
    . "--- response_headers eval\n"
    . $list->(map { ::perl_string("X-Conn-Requests: $_") } 1 .. 4)
    . "--- response_body_like eval\n"
    . $list->(map { 'qr{' . $body{$_} . '}' } qw(tok tok ok tok))
    . "--- no_error_log eval\n"
    . q{["[alert]", "[crit]", "[emerg]", "unexpected exception", qr/api_auth.*eyJ/]}
    . "\n\n\n\n";

Test::Base::spec_string($spec);

no_shuffle();
repeat_each(1);
run_tests();
