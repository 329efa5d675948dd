# Bad-input corpus, part 1: hostile and malformed credentials.  Every row
# of the table below is sent, as raw bytes, to an API-key location (/k,
# sources bearer and basic), an OAuth location (/o, whose authorization
# server answers {"active":false} to every token) and a custom-header
# location (/h, api_auth_key_source header=X-API-Key); the Authorization
# rows also go to a raw-key location (/a, api_auth_key_source bearer basic
# header=Authorization), where they end as at /k except that a value with
# no Bearer or Basic scheme is a key (a space in it makes it a 400, as in
# any key header: the /a column of %raw_scheme).  Each answer must be
# the status and challenge of SPEC.md "Responses" (or nginx's own plain
# 400 when nginx rejects the request line or header before the access
# phase), never a 500, and the log must hold no [alert], [crit] or
# [emerg] line and no exception.
#
# Expected outcomes:
#   ok     200 (a known key)
#   none   401, no credential: the location's plain challenge
#   req    400 invalid_request
#   tok    401 invalid_token
#   plain  400 from nginx itself, without a challenge
#
# The blocks are generated from the table with Test::Base's spec_string,
# so that the file runs unchanged under openresty's Test::Nginx.

use Test::Nginx::Socket 'no_plan';

use FindBin;

require "$FindBin::Bin/helpers/corpus.pl";

my $KEY = 'test-key-gpt-prod-0001';
my $b64 = sub {
    require MIME::Base64;
    MIME::Base64::encode_base64($_[0], '');
};

# [ name, header line(s) without the final CRLF, /k, /o ]
my @auth = (
    # empty and scheme-only values
    [ 'empty value',                  "Authorization:",                   'req',  'req' ],
    [ 'spaces only',                  "Authorization:     ",              'req',  'req' ],
    [ 'Bearer alone',                 "Authorization: Bearer",            'req',  'req' ],
    [ 'Bearer and a space',           "Authorization: Bearer ",           'req',  'req' ],
    [ 'Basic alone',                  "Authorization: Basic",             'req',  'req' ],
    [ 'bearer alone, lower case',     "Authorization: bearer",            'req',  'req' ],
    [ 'BASIC alone, upper case',      "Authorization: BASIC",             'req',  'req' ],

    # scheme names are case-insensitive; 1*SP between scheme and token
    [ 'Bearer, known key',            "Authorization: Bearer $KEY",       'ok',   'tok' ],
    [ 'bearer, lower case',           "Authorization: bearer $KEY",       'ok',   'tok' ],
    [ 'BEARER, upper case',           "Authorization: BEARER $KEY",       'ok',   'tok' ],
    [ 'BeArEr, mixed case',           "Authorization: BeArEr $KEY",       'ok',   'tok' ],
    [ 'two spaces after the scheme',  "Authorization: Bearer  $KEY",      'ok',   'tok' ],
    [ 'ten spaces after the scheme',  "Authorization: Bearer" . (' ' x 10) . $KEY, 'ok', 'tok' ],
    [ 'header name in lower case',    "authorization: Bearer $KEY",       'ok',   'tok' ],
    [ 'header name in upper case',    "AUTHORIZATION: Bearer $KEY",       'ok',   'tok' ],
    [ 'trailing spaces (nginx trims)', "Authorization: Bearer $KEY   ",   'ok',   'tok' ],
    [ 'no space after the colon',     "Authorization:Bearer $KEY",        'ok',   'tok' ],

    # whitespace and syntax that is not token68
    [ 'tab after the scheme',         "Authorization: Bearer\t$KEY",      'req',  'req' ],
    [ 'tab inside the token',         "Authorization: Bearer test\tkey",  'req',  'req' ],
    [ 'tab before the scheme',        "Authorization:\tBearer $KEY",      'ok',   'tok' ],
    [ 'tab after the token',          "Authorization: Bearer $KEY\t",     'ok',   'tok' ],
    [ 'two tokens',                   "Authorization: Bearer $KEY extra", 'req',  'req' ],
    [ 'space inside the token',       "Authorization: Bearer test key",   'req',  'req' ],
    [ 'comma after the token',        "Authorization: Bearer $KEY,",      'req',  'req' ],
    [ 'quoted token',                 "Authorization: Bearer \"$KEY\"",   'req',  'req' ],
    [ 'auth-param instead of token',  "Authorization: Bearer token=\"$KEY\"", 'req', 'req' ],
    [ 'padding only',                 "Authorization: Bearer ===",        'req',  'req' ],
    [ 'padding first',                "Authorization: Bearer =abc",       'req',  'req' ],
    [ 'padding in the middle',        "Authorization: Bearer ab=c",       'req',  'req' ],
    [ 'token68 with padding',         "Authorization: Bearer abc==",      'tok',  'tok' ],
    [ 'token68 with + / ~ . _ -',     "Authorization: Bearer a+b/c~d.e_f-g", 'tok', 'tok' ],
    [ 'semicolon in the token',       "Authorization: Bearer ab;c",       'req',  'req' ],
    [ 'percent-encoded token',        "Authorization: Bearer ab%20c",     'req',  'req' ],
    [ 'backslash in the token',       "Authorization: Bearer ab\\c",      'req',  'req' ],
    [ 'colon in the token',           "Authorization: Bearer ab:c",       'req',  'req' ],
    [ 'at sign in the token',         "Authorization: Bearer ab\@c",      'req',  'req' ],
    [ 'angle brackets',               "Authorization: Bearer <script>",   'req',  'req' ],

    # control and non-ASCII bytes
    [ 'SOH in the token',             "Authorization: Bearer ab\x01c",    'req',  'req' ],
    [ 'ESC in the token',             "Authorization: Bearer ab\x1bc",    'req',  'req' ],
    [ 'DEL in the token',             "Authorization: Bearer ab\x7fc",    'req',  'req' ],
    [ 'vertical tab in the token',    "Authorization: Bearer ab\x0bc",    'req',  'req' ],
    [ 'form feed in the token',       "Authorization: Bearer ab\x0cc",    'req',  'req' ],
    [ 'bare CR in the token',         "Authorization: Bearer ab\rc",      'plain', 'plain' ],
    [ 'NUL in the token',             "Authorization: Bearer ab\x00c",    'plain', 'plain' ],
    [ 'NUL in the scheme',            "Authorization: Bea\x00rer abc",    'plain', 'plain' ],
    [ 'UTF-8 in the token',           "Authorization: Bearer t\xc3\xa9st", 'req', 'req' ],
    [ 'Latin-1 in the token',         "Authorization: Bearer t\xe9st",    'req',  'req' ],
    [ 'bytes 0xff 0xfe',              "Authorization: Bearer \xff\xfe",   'req',  'req' ],
    [ 'UTF-8 in the scheme',          "Authorization: B\xc3\xa9arer abc", 'req',  'req' ],
    [ 'control byte in another scheme', "Authorization: Foo a\x01b",      'req',  'req' ],

    # other schemes are no credential for this module (RFC 6750 3.1)
    [ 'Negotiate',                    "Authorization: Negotiate YIIB",    'none', 'none' ],
    [ 'Digest with auth-params',      "Authorization: Digest username=\"u\", realm=\"r\"", 'none', 'none' ],
    [ 'Token scheme',                 "Authorization: Token $KEY",        'none', 'none' ],
    [ 'Bearerx scheme',               "Authorization: Bearerx $KEY",      'none', 'none' ],
    [ 'scheme only, unknown',         "Authorization: Foo",               'none', 'none' ],
    [ 'a bare key, no scheme',        "Authorization: $KEY",              'none', 'none' ],
    [ 'DPoP scheme',                  "Authorization: DPoP $KEY",         'none', 'none' ],

    # repeated headers: nginx rejects a second Authorization
    [ 'two Authorization headers',    "Authorization: Bearer $KEY\r\nAuthorization: Bearer $KEY", 'plain', 'plain' ],
    [ 'two, different case',          "Authorization: Bearer $KEY\r\nauthorization: Bearer x", 'plain', 'plain' ],
    [ 'two, the first empty',         "Authorization:\r\nAuthorization: Bearer $KEY", 'plain', 'plain' ],
    [ 'obs-fold continuation line',   "Authorization: Bearer\r\n $KEY",   'plain', 'plain' ],
    [ 'space before the colon',       "Authorization : Bearer $KEY",      'plain', 'plain' ],

    # Basic: RFC 4648 base64, padded, strict
    [ 'Basic user:KEY',               "Authorization: Basic " . $b64->("u:$KEY"),  'ok', 'none' ],
    [ 'Basic KEY: (curl -u KEY:)',    "Authorization: Basic " . $b64->("$KEY:"),   'ok', 'none' ],
    [ 'basic, lower case',            "Authorization: basic " . $b64->("u:$KEY"),  'ok', 'none' ],
    [ 'Basic unknown key',            "Authorization: Basic " . $b64->("u:nope"),  'tok', 'none' ],
    [ 'Basic colon in the key part',  "Authorization: Basic " . $b64->("u:a:b"),   'tok', 'none' ],
    [ 'Basic no colon',               "Authorization: Basic " . $b64->($KEY),      'req', 'none' ],
    [ 'Basic only a colon',           "Authorization: Basic " . $b64->(":"),       'req', 'none' ],
    [ 'Basic user: (empty key)',      "Authorization: Basic " . $b64->("u:"),      'tok', 'none' ],
    [ 'Basic missing padding',        "Authorization: Basic dGVzdA",      'req',  'none' ],
    [ 'Basic short padding',          "Authorization: Basic dGVzdA=",     'req',  'none' ],
    [ 'Basic extra padding',          "Authorization: Basic dGVzdA===",   'req',  'none' ],
    [ 'Basic four padding',           "Authorization: Basic dGVz====",    'req',  'none' ],
    [ 'Basic padding first',          "Authorization: Basic =dGVzdA=",    'req',  'req' ],
    [ 'Basic non-zero trailing bits', "Authorization: Basic dGVzdB==",    'req',  'none' ],
    [ 'Basic URL-safe alphabet',      "Authorization: Basic dT-_YWJj",    'req',  'none' ],
    [ 'Basic one character',          "Authorization: Basic d",           'req',  'none' ],
    [ 'Basic not token68',            "Authorization: Basic dGV*dA==",    'req',  'req' ],
    [ 'Basic two fields',             "Authorization: Basic dGVz dA==",   'req',  'req' ],
    [ 'Basic NUL in user-pass',       "Authorization: Basic " . $b64->("u\x00:$KEY"), 'ok', 'none' ],
    [ 'Basic NUL in the key',         "Authorization: Basic " . $b64->("u:$KEY\x00"), 'tok', 'none' ],
    [ 'Basic binary user-pass',       "Authorization: Basic " . $b64->("\xff\xfe:\x01\x02"), 'tok', 'none' ],

    # sizes (this server allows 80 KB header lines)
    [ '1 KB unknown token',           "Authorization: Bearer " . ('a' x 1024),  'tok', 'tok' ],
    [ '8 KB unknown token',           "Authorization: Bearer " . ('a' x 8192),  'tok', 'tok' ],
    [ '64 KB unknown token',          "Authorization: Bearer " . ('b' x 65536), 'tok', 'tok' ],
    [ '64 KB Basic value',            "Authorization: Basic " . $b64->("u:" . ('c' x 49000)), 'tok', 'none' ],
    [ '8 KB of spaces then a key',    "Authorization: Bearer" . (' ' x 8192) . $KEY, 'ok', 'tok' ],
    [ '8 KB token with bad byte at the end', "Authorization: Bearer " . ('a' x 8192) . "\x01", 'req', 'req' ],
    [ '100 KB value (over the buffer)', "Authorization: Bearer " . ('d' x 102400), 'plain', 'plain' ],
);

# /a where it differs from /k: the rows that are another scheme at /k
my %raw_scheme = (
    'Negotiate'                => 'req',
    'Digest with auth-params'  => 'req',
    'Token scheme'             => 'req',
    'Bearerx scheme'           => 'req',
    'scheme only, unknown'     => 'tok',
    'a bare key, no scheme'    => 'ok',
    'DPoP scheme'              => 'req',
);

# more raw keys for /a: [ name, header line(s), /a ]
my @raw = (
    [ 'raw key, tabs around',         "Authorization:\t$KEY\t",           'ok' ],
    [ 'raw key, spaces around',       "Authorization:   $KEY   ",         'ok' ],
    [ 'raw key, lower-case name',     "authorization: $KEY",              'ok' ],
    [ 'raw unknown key',              "Authorization: nope",              'tok' ],
    [ 'raw key with a colon',         "Authorization: u:$KEY",            'tok' ],
    [ 'raw key in quotes',            "Authorization: \"$KEY\"",          'tok' ],
    [ 'raw key, then a second word',  "Authorization: $KEY extra",        'req' ],
    [ 'raw key with a tab inside',    "Authorization: test\tkey",         'req' ],
    [ 'raw key, UTF-8',               "Authorization: t\xc3\xa9st",        'req' ],
    [ 'raw key, DEL',                 "Authorization: ab\x7fc",           'req' ],
    [ 'raw key, NUL',                 "Authorization: ab\x00c",           'plain' ],
    [ 'raw 8 KB unknown key',         "Authorization: " . ('k' x 8192),   'tok' ],
    [ 'raw key and X-API-Key both',   "Authorization: nope\r\nX-API-Key: $KEY", 'tok' ],
);

# the custom header source: [ name, header line(s), /h ]
my @custom = (
    [ 'X-API-Key, known key',         "X-API-Key: $KEY",                  'ok' ],
    [ 'X-API-Key, lower-case name',   "x-api-key: $KEY",                  'ok' ],
    [ 'X-API-Key, unknown key',       "X-API-Key: nope",                  'tok' ],
    [ 'X-API-Key, empty',             "X-API-Key:",                       'req' ],
    [ 'X-API-Key, spaces only',       "X-API-Key:    ",                   'req' ],
    [ 'X-API-Key, Bearer prefix',     "X-API-Key: Bearer $KEY",           'req' ],
    [ 'X-API-Key, tab inside',        "X-API-Key: ab\tc",                 'req' ],
    [ 'X-API-Key, tab before the key', "X-API-Key:\t$KEY\t",             'ok' ],
    [ 'X-API-Key, control byte',      "X-API-Key: ab\x01c",               'req' ],
    [ 'X-API-Key, UTF-8',             "X-API-Key: t\xc3\xa9st",           'req' ],
    [ 'X-API-Key, NUL',               "X-API-Key: ab\x00c",               'plain' ],
    [ 'X-API-Key, twice',             "X-API-Key: $KEY\r\nX-API-Key: $KEY", 'req' ],
    [ 'X-API-Key, 8 KB',              "X-API-Key: " . ('k' x 8192),       'tok' ],
    [ 'X-API-Key absent, Authorization set', "Authorization: Bearer $KEY", 'none' ],
    [ 'X_API_Key (underscores are not the header)', "X_API_Key: $KEY",     'none' ],
);

my %challenge = (
    k => 'Bearer realm="api", Basic realm="api"',
    a => 'Bearer realm="api", Basic realm="api"',
    o => 'Bearer realm="api"',
    h => 'Bearer realm="api"',
);

my %status = (ok => 200, none => 401, req => 400, tok => 401, plain => 400);

sub expect_headers {
    my ($loc, $outcome) = @_;
    my $c = $challenge{$loc};
    (my $bearer = $c) =~ s/, Basic .*//;

    return "!WWW-Authenticate" if $outcome eq 'ok' || $outcome eq 'plain';
    return "WWW-Authenticate: $c" if $outcome eq 'none';
    return qq{WWW-Authenticate: $bearer, error="invalid_request"}
        if $outcome eq 'req';
    return qq{WWW-Authenticate: $bearer, error="invalid_token"};
}

my $config = <<'_EOC_';
    large_client_header_buffers 4 80k;

    location = /k {
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth api_key;
        echo "ok";
    }
    location = /h {
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth api_key;
        api_auth_key_source header=X-API-Key;
        echo "ok";
    }
    location = /a {
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/keys.txt;
        api_auth api_key;
        api_auth_key_source bearer basic header=Authorization;
        echo "ok";
    }
    location = /o {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
    location = /_introspect {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        default_type application/json;
        return 200 '{"active":false}';
    }
_EOC_

my $spec = '';
my $n = 0;

my $block = sub {
    my ($name, $loc, $header, $outcome) = @_;
    my $raw = "GET /$loc HTTP/1.1\r\nHost: localhost\r\n"
              . "Connection: close\r\n$header\r\n\r\n";
    $n++;
    $spec .= "=== TEST $n: /$loc: $name\n"
        . "--- config\n$config"
        . "--- raw_request eval\n" . perl_string($raw) . "\n"
        . "--- error_code: $status{$outcome}\n"
        . "--- response_headers\n" . expect_headers($loc, $outcome) . "\n"
        . "--- no_error_log\n[alert]\n[crit]\n[emerg]\nunexpected exception\n"
        . "\n\n\n";
};

for my $c (@auth) {
    $block->($c->[0], 'k', $c->[1], $c->[2]);
    $block->($c->[0], 'o', $c->[1], $c->[3]);
}

for my $c (@auth) {
    $block->($c->[0], 'a', $c->[1], $raw_scheme{$c->[0]} // $c->[2]);
}

for my $c (@raw) {
    $block->($c->[0], 'a', $c->[1], $c->[2]);
}

for my $c (@custom) {
    $block->($c->[0], 'h', $c->[1], $c->[2]);
}

Test::Base::spec_string($spec);

no_shuffle();
run_tests();
