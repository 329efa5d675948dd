# Bad-input corpus, part 2: hostile key files.  Every row of the table is
# a key file that nginx must refuse at start-up (Test::Nginx's must_die),
# with one clean message that names the file, the line and the reason
# ("api_auth: key file "PATH", line N: REASON in nginx.conf:LINE"), and
# without showing a hash or a key: the messages are matched whole, up to
# the " in .../nginx.conf:N" nginx appends.
#
# The blocks are generated from the table with Test::Base's spec_string,
# so that the file runs unchanged under openresty's Test::Nginx.
#
# Hashes (fake test values):
#   H1 = SHA-256 of test-key-gpt-prod-0001
#   H2 = SHA-256 of test-key-partner-x-0002

use Test::Nginx::Socket 'no_plan';

use FindBin;

require "$FindBin::Bin/helpers/corpus.pl";

my $H1 = 'e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd';
my $H2 = '1bcc83855a28400d030e6d50146eb4f116466b06a940a2ab02accc3cd65a3f0e';
my $OK = "gpt-prod sha256:$H1";
my $NAMES = '\(names are made of A-Z a-z 0-9 \. _ -\)';
my $HASH = 'expected sha256: and 64 lowercase hex digits';

# [ name, file content, line, reason (a regex) ]
my @files = (
    # the hash
    [ 'upper-case hash',        "a sha256:\U$H1\E\n",                  1, qq{invalid hash for "a": $HASH} ],
    [ '63 hex digits',          "a sha256:" . substr($H1, 1) . "\n",  1, qq{invalid hash for "a": $HASH} ],
    [ '65 hex digits',          "a sha256:${H1}0\n",                   1, qq{invalid hash for "a": $HASH} ],
    [ '128 hex digits',         "a sha256:$H1$H2\n",                   1, qq{invalid hash for "a": $HASH} ],
    [ 'sha512: prefix',         "a sha512:$H1\n",                      1, qq{invalid hash for "a": $HASH} ],
    [ 'SHA256: upper-case prefix', "a SHA256:$H1\n",                   1, qq{invalid hash for "a": $HASH} ],
    [ 'no prefix',              "a $H1\n",                             1, qq{invalid hash for "a": $HASH} ],
    [ 'prefix only',            "a sha256:\n",                         1, qq{invalid hash for "a": $HASH} ],
    [ 'a non-hex digit',        "a sha256:" . substr($H1, 0, 63) . "g\n", 1, qq{invalid hash for "a": $HASH} ],
    [ 'base64 instead of hex',  "a sha256:6SEqCHy3tREzxKBQGJ6eZuPU/Cry3dlp+fmq+tIWM/0=\n", 1, qq{invalid hash for "a": $HASH} ],
    [ 'a plaintext key as the hash', "a test-key-gpt-prod-0001\n",    1, qq{invalid hash for "a": $HASH} ],
    [ 'quoted hash',            "a \"sha256:$H1\"\n",                  1, qq{invalid hash for "a": $HASH} ],
    [ 'NUL inside the hash',    "a sha256:" . substr($H1, 0, 32) . "\x00" . substr($H1, 33) . "\n", 1, qq{invalid hash for "a": $HASH} ],

    # the name
    [ 'a lone name',            "gpt-prod\n",                          1, 'missing hash after the name' ],
    [ 'a lone hash',            "sha256:$H1\n",                        1, 'missing hash after the name' ],
    [ 'a lone pasted key',      "aak_Jq3x0bC9v-MZ1pW_7yQe2r5tUo8iLkHgFdSaPzXc\n", 1, 'missing hash after the name' ],
    [ 'a name and a comment',   "gpt-prod # sha256:$H1\n",             1, 'missing hash after the name' ],
    [ 'slash in the name',      "a/b sha256:$H1\n",                    1, qq{invalid name: byte "/" at position 2 $NAMES} ],
    [ 'colon in the name',      "a:b sha256:$H1\n",                    1, qq{invalid name: byte ":" at position 2 $NAMES} ],
    [ 'equals in the name',     "a=b sha256:$H1\n",                    1, qq{invalid name: byte "=" at position 2 $NAMES} ],
    [ 'UTF-8 in the name',      "caf\xc3\xa9 sha256:$H1\n",            1, qq{invalid name: byte "\\\\xc3" at position 4 $NAMES} ],
    [ 'control byte in the name', "a\x01b sha256:$H1\n",               1, qq{invalid name: byte "\\\\x01" at position 2 $NAMES} ],
    [ 'NUL in the name',        "a\x00b sha256:$H1\n",                 1, qq{invalid name: byte "\\\\x00" at position 2 $NAMES} ],
    [ 'DEL in the name',        "a\x7fb sha256:$H1\n",                 1, qq{invalid name: byte "\\\\x7f" at position 2 $NAMES} ],
    [ 'quoted name',            "\"a b\" sha256:$H1\n",                1, qq{invalid name: byte "\\\\"" at position 1 $NAMES} ],
    [ 'a base64 key pasted as the name', "Jq3x0bC9v+MZ1pW/7yQe2r5tUo8i= sha256:$H1\n", 1, qq{invalid name: byte "\\+" at position 10 $NAMES} ],
    [ '65-character name',      ('n' x 65) . " sha256:$H1\n",          1, 'name longer than 64 characters' ],
    [ '4 KB name',              ('n' x 4096) . " sha256:$H1\n",        1, 'name longer than 64 characters' ],
    [ 'duplicate name',         "a sha256:$H1\na sha256:$H2\n",        2, 'duplicate name "a"' ],
    [ 'duplicate hash',         "a sha256:$H1\nb sha256:$H1\n",        2, 'duplicate hash \(same key as "a"\)' ],

    # options
    [ 'unknown option',         "$OK owner=x\n",                       1, 'unknown option "owner"' ],
    [ 'upper-case option',      "$OK SCOPE=x\n",                       1, 'unknown option "SCOPE"' ],
    [ 'option without a value sign', "$OK scope\n",                    1, 'invalid option in field 3: expected name=value' ],
    [ 'option without a name',  "$OK =x\n",                            1, 'invalid option in field 3: expected name=value' ],
    [ 'a pasted key as an option', "$OK aak_Jq3x0bC9v+MZ1pW/7yQe2r5tUo8i=\n", 1, 'invalid option in field 3: expected name=value' ],
    [ '40-character option name', "$OK " . ('o' x 40) . "=x\n",        1, 'invalid option in field 3: expected name=value' ],
    [ 'duplicate scope',        "$OK scope=a scope=b\n",               1, 'duplicate option "scope"' ],
    [ 'duplicate subject',      "$OK subject=a subject=b\n",           1, 'duplicate option "subject"' ],
    [ 'duplicate not_after',    "$OK not_after=2099-01-01T00:00:00Z not_after=2099-01-01T00:00:00Z\n", 1, 'duplicate option "not_after"' ],
    [ 'unterminated quote',     "$OK scope=\"a b\n",                   1, 'unterminated quote' ],
    [ 'quote inside a value',   "$OK scope=a\"b\"c\n",                 1, 'invalid scope "a\\\\"b\\\\"c"' ],
    [ 'backslash in a scope',   "$OK scope=a\\b\n",                  1, 'invalid scope "a\\\\\\\\b"' ],
    [ 'control byte in a scope', "$OK scope=\"a\x01b\"\n",             1, 'invalid scope "a\\\\x01b"' ],
    [ 'UTF-8 in a subject',     "$OK subject=j\xc3\xb6rg\n",           1, 'invalid subject "j\\\\xc3\\\\xb6rg"' ],
    [ 'empty subject',          "$OK subject=\n",                      1, 'invalid subject ""' ],
    [ 'empty quoted subject',   "$OK subject=\"\"\n",                  1, 'invalid subject ""' ],

    # dates (RFC 3339, UTC)
    [ 'month 13',               "$OK not_after=2030-13-01T00:00:00Z\n", 1, 'invalid not_after "2030-13-01T00:00:00Z": bad date' ],
    [ 'February 30',            "$OK not_after=2030-02-30T00:00:00Z\n", 1, 'invalid not_after "2030-02-30T00:00:00Z": bad date' ],
    [ 'February 29, not a leap year', "$OK not_after=2031-02-29T00:00:00Z\n", 1, 'invalid not_after "2031-02-29T00:00:00Z": bad date' ],
    [ 'hour 25',                "$OK not_after=2030-01-01T25:00:00Z\n", 1, 'invalid not_after "2030-01-01T25:00:00Z": bad date' ],
    [ 'minute 60',              "$OK not_after=2030-01-01T00:60:00Z\n", 1, 'invalid not_after "2030-01-01T00:60:00Z": bad date' ],
    [ 'a date without a time',  "$OK not_after=2030-01-01\n",          1, 'invalid not_after "2030-01-01": bad date' ],
    [ 'no time zone',           "$OK not_after=2030-01-01T00:00:00\n", 1, 'invalid not_after "2030-01-01T00:00:00": bad date' ],
    [ 'a word',                 "$OK not_after=tomorrow\n",            1, 'invalid not_after "tomorrow": bad date' ],
    [ 'a Unix time',            "$OK not_after=1893456000\n",          1, 'invalid not_after "1893456000": bad date' ],
    [ 'an empty date',          "$OK not_after=\n",                    1, 'invalid not_after "": bad date' ],
    [ 'a five-digit year',      "$OK not_after=10000-01-01T00:00:00Z\n", 1, 'invalid not_after "10000-01-01T00:00:00Z": bad date' ],
    [ 'before 1970',            "$OK not_after=1969-12-31T23:59:59Z\n", 1, 'invalid not_after "1969-12-31T23:59:59Z": bad date' ],
    [ 'signs in the fields',    "$OK not_after=+030-01-01T00:00:00Z\n", 1, 'invalid not_after "\+030-01-01T00:00:00Z": bad date' ],

    # where the error is
    [ 'the fifth line, after comments and blank lines',
      "# keys\n\n   # indented\n$OK\nb sha256:$H2 owner=x\n",        5, 'unknown option "owner"' ],
    [ 'CRLF lines',             "# keys\r\n$OK\r\nb sha256:bad\r\n",   3, qq{invalid hash for "b": $HASH} ],
    [ 'bare CR inside a line',  "$OK\nb\rc sha256:$H2\n",              2, qq{invalid name: byte "\\\\x0d" at position 2 $NAMES} ],
    [ 'the last line without a newline', "$OK\nb sha256:$H2 x",        2, 'invalid option in field 3: expected name=value' ],
    [ 'after a UTF-8 byte order mark', "\xef\xbb\xbf$OK\nb\n",         2, 'missing hash after the name' ],
    [ 'a second byte order mark', "\xef\xbb\xbf$OK\n\xef\xbb\xbfb sha256:$H2\n", 2, qq{invalid name: byte "\\\\xef" at position 1 $NAMES} ],
    [ 'line 1000 of a long file',
      join('', map { sprintf("k%d sha256:%064x\n", $_, $_) } 1 .. 999) . "k1000 sha256:x\n",
      1000, qq{invalid hash for "k1000": $HASH} ],
    [ 'binary garbage',         "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  1, 'missing hash after the name' ],
);

my $spec = '';
my $n = 0;

for my $f (@files) {
    my ($name, $content, $line, $reason) = @$f;

    $n++;
    $spec .= "=== TEST $n: $name\n"
        . "--- config\n"
        . "    location = /t {\n"
        . "        api_auth_keys ../html/keys.txt;\n"
        . "        api_auth api_key;\n"
        . "        echo ok;\n"
        . "    }\n"
        . "--- user_files eval\n"
        . "[[ 'keys.txt' => " . perl_string($content) . " ]]\n"
        . "--- request\nGET /t\n"
        . "--- must_die\n"
        . "--- error_log eval\n"
        . "qr{\\[emerg\\] .*api_auth: key file \"[^\"]*/html/keys\\.txt\", "
        . "line $line: $reason in \\S+nginx\\.conf:\\d+\$}m\n"
        . "\n\n\n";
}

Test::Base::spec_string($spec);

no_shuffle();
run_tests();
