# The key file (SPEC.md "Key file") and the configuration errors of the
# api_key directives.  Protects what a valid file may look like (comments,
# trailing comments, tabs, CRLF, a UTF-8 BOM, quoted values, fractional and
# lowercase RFC 3339 dates, a 64-character name, several files in one
# configuration), and that every malformed file fails nginx at startup with
# "api_auth: key file "<path>", line N: <reason>" naming the right line,
# while the message never shows a hash or a pasted key.  Also the startup
# errors of api_auth, api_auth_keys, api_auth_require_scope and
# api_auth_cache_zone.
#
# Keys (fake test values):
#   test-key-gpt-prod-0001   sha256:e9212a08...33fcd
#   test-key-partner-x-0002  sha256:1bcc8385...a3f0e
#   test-key-dup-0007        sha256:e8963398...1de636

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: comments, blank lines, trailing comments and tabs are accepted
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "$api_auth_client|$api_auth_subject|$api_auth_scope";
    }
--- user_files
>>> keys.txt
# comment line

   # an indented comment
gpt-prod	sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd	scope="orders.read   orders.write"   # trailing comment
partner-x sha256:1bcc83855a28400d030e6d50146eb4f116466b06a940a2ab02accc3cd65a3f0e subject=acct-42
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
gpt-prod|gpt-prod|orders.read orders.write



=== TEST 2: the second entry of the same file, with subject= and no scope
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "$api_auth_client|$api_auth_subject|$api_auth_scope";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd scope="orders.read"
partner-x sha256:1bcc83855a28400d030e6d50146eb4f116466b06a940a2ab02accc3cd65a3f0e subject=acct-42
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 200
--- response_body
partner-x|acct-42|



=== TEST 3: CRLF line endings, a UTF-8 BOM and a quoted subject with a space
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/crlf-bom.txt;
        api_auth api_key;
        echo "$api_auth_client|$api_auth_subject|$api_auth_scope";
    }
--- more_headers
Authorization: Bearer test-key-partner-x-0002
--- error_code: 200
--- response_body
partner-x|Acct 42|



=== TEST 4: CRLF file: the scope of the first line has no trailing CR
--- config
    location = /t {
        api_auth_keys $TEST_NGINX_DATA_DIR/keys/crlf-bom.txt;
        api_auth api_key;
        api_auth_require_scope orders.write;
        echo "$api_auth_client|$api_auth_scope|";
    }
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
gpt-prod|orders.read orders.write|



=== TEST 5: a file without keys is valid; every key is then unknown
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
# all keys were revoked
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"



=== TEST 6: RFC 3339 with a fraction and lowercase "t" and "z", in the future
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd not_after=2099-12-31t23:59:59.999z
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
ok



=== TEST 7: a quoted not_after (leap second) in the past: the key is expired
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd not_after="2016-12-31T23:59:60Z"
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log
api_auth: API key "gpt-prod" expired



=== TEST 8: a 64-character name is the longest accepted
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "$api_auth_client";
    }
--- user_files
>>> keys.txt
Aa0._-kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code: 200
--- response_body
Aa0._-kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk



=== TEST 9: each location checks its own key file
--- config
    location = /a {
        api_auth_keys ../html/a.txt;
        api_auth api_key;
        echo "a";
    }

    location = /b {
        api_auth_keys ../html/b.txt;
        api_auth api_key;
        echo "b";
    }
--- user_files
>>> a.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
>>> b.txt
partner-x sha256:1bcc83855a28400d030e6d50146eb4f116466b06a940a2ab02accc3cd65a3f0e
--- request eval
[
    "GET /a",
    "GET /b",
]
--- more_headers
Authorization: Bearer test-key-gpt-prod-0001
--- error_code eval
[200, 401]
--- response_headers eval
[
    "!WWW-Authenticate",
    'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
]



=== TEST 10: "api_auth api_key" without api_auth_keys fails at startup
--- config
    location = /t {
        api_auth api_key;
        echo "ok";
    }
--- must_die
--- error_log
"api_auth api_key" requires "api_auth_keys"



=== TEST 11: a missing key file fails at startup, with nginx's errno text
--- config
    location = /t {
        api_auth_keys ../html/no-such-keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- must_die
--- error_log eval
qr{api_auth: cannot open "[^"]*/html/no-such-keys\.txt" \(2: No such file or directory\)}



=== TEST 12: a directory is not a key file
--- config
    location = /t {
        api_auth_keys ../html;
        api_auth api_key;
        echo "ok";
    }
--- must_die
--- error_log eval
qr{api_auth: "[^"]*/html" is not a regular file}



=== TEST 13: a hash of the wrong length names the line, never the hash
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
# line 1
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
partner-x sha256:1bcc83855a28400d030e6d50146eb4f116466b06a940a2ab02accc3cd65a3f0
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 3: invalid hash for "partner-x"}
--- no_error_log
1bcc83855a28



=== TEST 14: uppercase hex is not accepted
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:E9212A087CB7B51133CE8A4050189E66E3D4FC2AF21DD969F92AFAAD21633FCD
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: invalid hash for "gpt-prod"}
--- no_error_log
E9212A087CB7



=== TEST 15: a hash without the "sha256:" prefix is not accepted
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt

gpt-prod e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 2: invalid hash for "gpt-prod"}
--- no_error_log
e9212a087cb7



=== TEST 16: a plaintext key pasted in place of the hash is not echoed
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod test-key-gpt-prod-0001
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: invalid hash for "gpt-prod"}
--- no_error_log
test-key-gpt-prod-0001



=== TEST 17: a plaintext key pasted after the hash is not echoed either
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd test-key-gpt-prod-0001
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: invalid option in field 3: expected name=value}
--- no_error_log
test-key-gpt-prod-0001



=== TEST 18: a name used twice
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
# rotated
gpt-prod sha256:1bcc83855a28400d030e6d50146eb4f116466b06a940a2ab02accc3cd65a3f0e
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 3: duplicate name "gpt-prod"}



=== TEST 19: a hash used twice (one key under two names)
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
partner-x sha256:1bcc83855a28400d030e6d50146eb4f116466b06a940a2ab02accc3cd65a3f0e
gpt-copy sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 3: duplicate hash \(same key as "gpt-prod"\)}
--- no_error_log
e9212a087cb7



=== TEST 20: an unknown option
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd scopes="orders.read"
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: unknown option "scopes"}



=== TEST 21: an option given twice
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd scope="a" scope="b"
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: duplicate option "scope"}



=== TEST 22: month 13 is not a date
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd not_after=2027-13-01T00:00:00Z
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: invalid not_after "2027-13-01T00:00:00Z"}



=== TEST 23: February 30 is not a date
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
partner-x sha256:1bcc83855a28400d030e6d50146eb4f116466b06a940a2ab02accc3cd65a3f0e not_after=2027-02-30T00:00:00Z
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 2: invalid not_after "2027-02-30T00:00:00Z"}



=== TEST 24: not_after must be UTC ("Z"); a numeric offset is refused
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd not_after=2027-01-01T00:00:00+00:00
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: invalid not_after "2027-01-01T00:00:00\+00:00"}



=== TEST 25: a name with a character outside A-Za-z0-9._-
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt/prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: invalid name: byte "/" at position 4 \(names are made of A-Z a-z 0-9 \. _ -\) in }



=== TEST 26: a 65-character name is too long
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: name longer than 64 characters in }



=== TEST 27: a name without a hash
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
lonely
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 2: missing hash\b}



=== TEST 28: an unterminated quote
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd scope="orders.read
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: unterminated quote}



=== TEST 29: an unquoted value with a space splits into a field that is no option
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd subject=acct 42
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: invalid option in field 4: expected name=value}



=== TEST 30: an empty subject
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd subject=""
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 1: invalid subject ""}



=== TEST 31: the first error wins, even after valid lines
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod  sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd  scope="orders.read orders.write"
partner-x sha256:1bcc83855a28400d030e6d50146eb4f116466b06a940a2ab02accc3cd65a3f0e  subject=acct-42
dup       sha256:e8963398f15b4d622ebe151c67c3bec187c77bc381946e9d5432e957b21de636  color=blue
bad/name  sha256:e8963398f15b4d622ebe151c67c3bec187c77bc381946e9d5432e957b21de636
--- must_die
--- error_log eval
qr{api_auth: key file "[^"]*/html/keys\.txt", line 3: unknown option "color"}
--- no_error_log
line 4



=== TEST 32: api_auth_keys twice in one context
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log
"api_auth_keys" directive is duplicate



=== TEST 33: "api_auth optional" names no method
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth optional;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log
api_auth: invalid parameter "optional"



=== TEST 34: "optional" must come last
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth optional api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log
api_auth: invalid parameter "optional"



=== TEST 35: a method given twice
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log
api_auth: duplicate method "api_key"



=== TEST 36: "off" with another parameter
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth off api_key;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log
api_auth: "off" takes no other parameter



=== TEST 37: an unknown method
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth apikey;
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log
api_auth: invalid parameter "apikey"



=== TEST 38: a required scope that is not a scope-token (RFC 6749 3.3)
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        api_auth_require_scope orders.read 'orders"write';
        echo "ok";
    }
--- user_files
>>> keys.txt
gpt-prod sha256:e9212a087cb7b51133ce8a4050189e66e3d4fc2af21dd969f92afaad21633fcd
--- must_die
--- error_log
api_auth: invalid value "orders"write"



=== TEST 39: a cache zone too small to hold anything
--- http_config
    api_auth_cache_zone zone=x:1k;
--- config
    location = /t {
        echo "ok";
    }
--- must_die
--- error_log
api_auth: zone "zone=x:1k" is too small
