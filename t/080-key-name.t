# $api_auth_key_name and $api_auth_key_tier (SPEC.md Part 2, "Operations"):
# they work in any phase, so limit_req_zone can key on them in PREACCESS,
# before the access check; the key is looked up once per request (on
# first read) and the check reuses that lookup; they hold the key's NAME
# and tier= when the credential is a known, unexpired key whatever the
# scope check says, else they are empty (and limit_req skips empty keys,
# so anonymous callers are not limited by a per-key zone).
#
# Keys of the key files below (fake test values):
#   gold-a   test-key-gold-0801  tier=gold scope=orders.read
#   free-a   test-key-free-0802  tier=free
#   free-b   test-key-free-0803  tier=free
#   old      test-key-old-0804   tier=free, expired 2020
# test-key-unknown-9999 is in no file.

use Test::Nginx::Socket 'no_plan';
use FindBin;
# the blocks' defaults (GET /t, no [error] [alert] [crit] [emerg]) and
# short forms: t/helpers/defaults.pl
require "$FindBin::Bin/helpers/defaults.pl";

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: NAME and tier of a known key, as Bearer, as Basic (KEY:) and in a custom header
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth_key_source bearer basic header=X-API-Key;
        api_auth api_key;
        echo "$api_auth_key_name|$api_auth_key_tier|$api_auth_client";
    }
--- user_files
>>> keys.txt
gold-a sha256:ffe61ed53e7d058c884466490d65fdaa1f49096fc9e0b6bed9e5b1fc8033c689 tier=gold scope=orders.read
free-a sha256:7271643899542c1693f885b6536390a537c607567e1cd8c7b4552d2a780996bf tier=free
free-b sha256:f1b4efa4b6ace3f379d7590c47134b1386cae487fb89813e644ad1369f7430cb
--- request eval
["GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-gold-0801",
    "Authorization: Basic dGVzdC1rZXktZnJlZS0wODAyOg==",
    "X-API-Key: test-key-free-0803",
]
--- error_code eval
[200, 200, 200]
--- response_body eval
["gold-a|gold|gold-a\n", "free-a|free|free-a\n", "free-b||free-b\n"]



=== TEST 2: empty for an unknown key, an expired key, no credential and a malformed one; the NAME whatever the scope check says
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        api_auth_require_scope orders.write;
        add_header X-Key "$api_auth_key_name|$api_auth_key_tier" always;
        echo "ok";
    }
--- user_files
>>> keys.txt
gold-a sha256:ffe61ed53e7d058c884466490d65fdaa1f49096fc9e0b6bed9e5b1fc8033c689 tier=gold scope=orders.read
old sha256:28985b1bc2866c71ec4ef9d5049079bb8d15b38cc009a03867c188838180dd65 tier=free not_after=2020-01-01T00:00:00Z
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-gold-0801",
    "Authorization: Bearer test-key-unknown-9999",
    "Authorization: Bearer test-key-old-0804",
    "",
    "Authorization: Bearer a b",
]
--- error_code eval
[403, 401, 401, 401, 400]
--- response_headers eval
["X-Key: gold-a|gold", "X-Key: |", "X-Key: |", "X-Key: |", "X-Key: |"]



=== TEST 3: limit_req_zone $api_auth_key_name rate=1r/m: the second request of a key is limited, another key and anonymous callers are not
--- http_config
    limit_req_zone $api_auth_key_name zone=per_key:1m rate=1r/m;
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key optional;
        limit_req zone=per_key;
        limit_req_status 429;
        limit_req_log_level warn;
        echo "$api_auth_result $api_auth_key_name";
    }
--- user_files
>>> keys.txt
gold-a sha256:ffe61ed53e7d058c884466490d65fdaa1f49096fc9e0b6bed9e5b1fc8033c689 tier=gold scope=orders.read
free-a sha256:7271643899542c1693f885b6536390a537c607567e1cd8c7b4552d2a780996bf tier=free
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-free-0802",
    "Authorization: Bearer test-key-free-0802",
    "Authorization: Bearer test-key-gold-0801",
    "",
    "",
    "Authorization: Basic dGVzdC1rZXktZnJlZS0wODAyOg==",
]
--- error_code eval
[200, 429, 200, 200, 200, 429]
--- response_body_like eval
["^allow free-a\n\$", "429", "^allow gold-a\n\$", "^anonymous \n\$",
 "^anonymous \n\$", "429"]
--- no_error_log eval
[@::NoErrorLog, 'read before the access phase']



=== TEST 4: tier= drives two zones through map: free keys get 1r/m each, gold keys are not limited by it
--- http_config
    map $api_auth_key_tier $free_key {
        volatile;
        free     $api_auth_key_name;
        default  "";
    }
    map $api_auth_key_tier $gold_key {
        volatile;
        gold     $api_auth_key_name;
        default  "";
    }
    limit_req_zone $free_key zone=free:1m rate=1r/m;
    limit_req_zone $gold_key zone=gold:1m rate=100r/s;
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        limit_req zone=free;
        limit_req zone=gold burst=10 nodelay;
        limit_req_status 429;
        limit_req_log_level warn;
        echo "$api_auth_key_name";
    }
--- user_files
>>> keys.txt
gold-a sha256:ffe61ed53e7d058c884466490d65fdaa1f49096fc9e0b6bed9e5b1fc8033c689 tier=gold scope=orders.read
free-a sha256:7271643899542c1693f885b6536390a537c607567e1cd8c7b4552d2a780996bf tier=free
free-b sha256:f1b4efa4b6ace3f379d7590c47134b1386cae487fb89813e644ad1369f7430cb tier=free
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-gold-0801",
    "Authorization: Bearer test-key-gold-0801",
    "Authorization: Bearer test-key-gold-0801",
    "Authorization: Bearer test-key-free-0802",
    "Authorization: Bearer test-key-free-0802",
    "Authorization: Bearer test-key-free-0803",
    "Authorization: Bearer test-key-free-0803",
]
--- error_code eval
[200, 200, 200, 200, 429, 200, 429]
--- no_error_log eval
[@::NoErrorLog, 'by zone "gold"']



=== TEST 5: one key lookup per request: read in PREACCESS, reused by the access check
--- http_config
    limit_req_zone $api_auth_key_name zone=per_key:1m rate=100r/s;
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        limit_req zone=per_key;
        add_header X-Key "$api_auth_key_name" always;
        echo "ok";
    }
--- user_files
>>> keys.txt
free-a sha256:7271643899542c1693f885b6536390a537c607567e1cd8c7b4552d2a780996bf tier=free
--- more_headers
Authorization: Bearer test-key-unknown-9999
--- error_code: 401
--- grep_error_log eval
qr/api_auth: unknown API key/
--- grep_error_log_out
api_auth: unknown API key



=== TEST 6: where api_auth is off, or only oauth, the variables stay empty (and warn nothing)
--- http_config
    limit_req_zone $api_auth_key_name zone=per_key:1m rate=1r/m;
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        limit_req zone=per_key;
        echo "[$api_auth_key_name|$api_auth_key_tier]";
    }
--- user_files
>>> keys.txt
free-a sha256:7271643899542c1693f885b6536390a537c607567e1cd8c7b4552d2a780996bf tier=free
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[
    "Authorization: Bearer test-key-free-0802",
    "Authorization: Bearer test-key-free-0802",
]
--- error_code eval
[200, 200]
--- response_body eval
["[|]\n", "[|]\n"]
--- no_error_log eval
[@::NoErrorLog, 'read before the access phase']



=== TEST 7: read in PREACCESS, the key variables do not warn that they are read too early (the first request of a worker would)
--- http_config
    limit_req_zone $api_auth_key_name zone=per_key:1m rate=100r/s;
    limit_req_zone $api_auth_key_tier zone=per_tier:1m rate=100r/s;
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key;
        limit_req zone=per_key;
        limit_req zone=per_tier;
        echo "$api_auth_key_name $api_auth_key_tier";
    }
--- user_files
>>> keys.txt
free-a sha256:7271643899542c1693f885b6536390a537c607567e1cd8c7b4552d2a780996bf tier=free
--- more_headers
Authorization: Bearer test-key-free-0802
--- error_code: 200
--- response_body
free-a free
--- no_error_log eval
[@::NoErrorLog, 'read before the access phase']



=== TEST 8: the README recipe for anonymous callers of an optional location: limited by address, key holders are not
--- http_config
    map $api_auth_key_name $anonymous_addr {
        volatile;
        ""       $binary_remote_addr;
        default  "";
    }
    limit_req_zone $anonymous_addr zone=anonymous:1m rate=1r/m;
--- config
    location = /t {
        api_auth_keys ../html/keys.txt;
        api_auth api_key optional;
        limit_req zone=anonymous;
        limit_req_status 429;
        limit_req_log_level warn;
        echo "$api_auth_result";
    }
--- user_files
>>> keys.txt
free-a sha256:7271643899542c1693f885b6536390a537c607567e1cd8c7b4552d2a780996bf tier=free
--- request eval
["GET /t", "GET /t", "GET /t", "GET /t"]
--- more_headers eval
[
    "",
    "",
    "Authorization: Bearer test-key-free-0802",
    "Authorization: Bearer test-key-free-0802",
]
--- error_code eval
[200, 429, 200, 200]
