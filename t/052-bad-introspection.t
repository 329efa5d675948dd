# Bad-input corpus, part 3: hostile introspection replies.  Every row of
# the table is the mock authorization server's whole answer (a location of
# the same nginx); the module must turn it into the SPEC.md "Responses"
# status: 200 for an active token, 401 invalid_token for an inactive one,
# and 503 with Retry-After (and an [error] line naming the cause) for
# anything that is not a 200 application/json object with a boolean
# "active" (RFC 7662 §2.2).  Never a 500, no [alert], [crit] or [emerg],
# and the token never in the log.
#
# The introspection location allows 64 KB answers
# (subrequest_output_buffer_size 64k), the module's own bound.  The blocks
# are generated from the table with Test::Base's spec_string, so that the
# file runs unchanged under openresty's Test::Nginx.

use Test::Nginx::Socket 'no_plan';

use FindBin;

require "$FindBin::Bin/helpers/corpus.pl";

my $deep = sub {
    my $n = shift;
    qq~echo -n '{"active":true,"x":'; echo_duplicate $n '['; ~
    . qq~echo_duplicate $n ']'; echo -n '}';~;
};
my $json = sub { "default_type application/json; return 200 '$_[0]';" };

# [ name, directives of the mock authorization server, status ]
my @replies = (
    # the control rows
    [ 'active',                        $json->('{"active":true}'),                  200 ],
    [ 'inactive',                      $json->('{"active":false}'),                 401 ],
    [ 'active with every claim',       $json->('{"active":true,"client_id":"c","sub":"s","scope":"a b","aud":["x"],"exp":4102444800,"nbf":1,"iat":1,"jti":"j","iss":"i","token_type":"Bearer","username":"u"}'), 200 ],
    [ 'leading and trailing whitespace', $json->(qq{\n\t {"active":true} \r\n}),   200 ],

    # "active"
    [ 'active as the string "true"',   $json->('{"active":"true"}'),                503 ],
    [ 'active as 1',                   $json->('{"active":1}'),                     503 ],
    [ 'active as 0',                   $json->('{"active":0}'),                     503 ],
    [ 'active as null',                $json->('{"active":null}'),                  503 ],
    [ 'active as an array',            $json->('{"active":[true]}'),                503 ],
    [ 'active as an object',           $json->('{"active":{}}'),                    503 ],
    [ 'active missing',                $json->('{"scope":"a"}'),                    503 ],
    [ 'empty object',                  $json->('{}'),                               503 ],
    [ 'Active in another case',        $json->('{"Active":true}'),                  503 ],
    [ 'active twice, false then true', $json->('{"active":false,"active":true}'),   503 ],
    [ 'active twice, true then true',  $json->('{"active":true,"active":true}'),    503 ],
    [ 'scope twice',                   $json->('{"active":true,"scope":"a","scope":"admin"}'), 503 ],

    # not an object
    [ 'an array',                      $json->('[{"active":true}]'),                503 ],
    [ 'true',                          $json->('true'),                             503 ],
    [ 'a string',                      $json->('"active"'),                         503 ],
    [ 'null',                          $json->('null'),                             503 ],
    [ 'a number',                      $json->('1'),                                503 ],
    [ 'an empty body',                 "default_type application/json; return 200 '';", 503 ],
    [ 'truncated',                     $json->('{"active":tr'),                     503 ],
    [ 'truncated after the object',   $json->('{"active":true,'),                  503 ],
    [ 'trailing garbage',              $json->('{"active":true}}'),                 503 ],
    [ 'two documents',                 $json->('{"active":true} {"active":false}'), 503 ],
    [ 'single quotes',                 "default_type application/json; return 200 \"{'active':true}\";", 503 ],
    [ 'a comment',                     $json->('{"active":true /* x */}'),          503 ],
    [ 'a UTF-8 byte order mark',       $json->("\xef\xbb\xbf" . '{"active":true}'), 503 ],
    [ 'invalid UTF-8 in a claim',      $json->(qq({"active":true,"sub":"a\xff\xfeb"})), 503 ],
    [ 'NUL escape in a claim',         $json->('{"active":true,"sub":"a\u0000b"}'), 503 ],
    [ 'raw control byte in a string',  $json->(qq({"active":true,"sub":"a\x01b"})), 503 ],
    [ 'nesting 1,000 deep',            $deep->(1000),                               503 ],
    [ 'nesting 30,000 deep',           $deep->(30000),                              503 ],

    # dates
    [ 'exp as a string',               $json->('{"active":true,"exp":"4102444800"}'), 503 ],
    [ 'exp as null',                   $json->('{"active":true,"exp":null}'),       503 ],
    [ 'exp as an array',               $json->('{"active":true,"exp":[4102444800]}'), 503 ],
    [ 'exp as a boolean',              $json->('{"active":true,"exp":true}'),       503 ],
    [ 'exp as a float, far ahead',     $json->('{"active":true,"exp":4102444800.5}'), 200 ],
    [ 'exp as 1e300',                  $json->('{"active":true,"exp":1e300}'),      200 ],
    [ 'exp as -1e300',                 $json->('{"active":true,"exp":-1e300}'),     401 ],
    [ 'exp negative',                  $json->('{"active":true,"exp":-1}'),         401 ],
    [ 'exp zero',                      $json->('{"active":true,"exp":0}'),          401 ],
    [ 'exp in 1970',                   $json->('{"active":true,"exp":1}'),          401 ],
    [ 'exp past int64',                $json->('{"active":true,"exp":99999999999999999999999}'), 503 ],
    [ 'exp int64 max',                 $json->('{"active":true,"exp":9223372036854775807}'), 200 ],
    [ 'exp int64 min',                 $json->('{"active":true,"exp":-9223372036854775808}'), 401 ],
    [ 'nbf far ahead',                 $json->('{"active":true,"nbf":4102444800}'), 401 ],
    [ 'nbf as a string',               $json->('{"active":true,"nbf":"1"}'),        503 ],
    [ 'inactive with a future exp',    $json->('{"active":false,"exp":4102444800}'), 401 ],

    # claim types
    [ 'scope as an array',             $json->('{"active":true,"scope":["a","b"]}'), 503 ],
    [ 'scope as a number',             $json->('{"active":true,"scope":1}'),        503 ],
    [ 'client_id as a number',         $json->('{"active":true,"client_id":7}'),    503 ],
    [ 'sub as an object',              $json->('{"active":true,"sub":{"id":1}}'),   503 ],
    [ 'aud as a number',               $json->('{"active":true,"aud":1}'),          503 ],
    [ 'aud as an array with a number', $json->('{"active":true,"aud":["a",1]}'),    503 ],
    [ 'a 50 KB claim',                 qq{default_type application/json; echo -n '{"active":true,"big":"'; echo_duplicate 51200 'x'; echo -n '"}';}, 200 ],
    [ 'one claim repeated 2,000 times',                  qq{default_type application/json; echo -n '{"active":true'; echo_duplicate 2000 ',"k":1'; echo -n '}';}, 503 ],
    [ '200 distinct claims',           qq~default_type application/json; echo -n '{"active":true'; ~ . join(' ', map { qq~echo -n ',"k$_":1';~ } 1 .. 200) . qq~ echo -n '}';~, 200 ],

    # sizes
    [ '64 KB + 1 byte',                qq{default_type application/json; echo -n '{"active":true,"p":"'; echo_duplicate 65515 'x'; echo -n '"}';}, 503 ],
    [ '1 MB',                          qq{default_type application/json; echo -n '{"active":true,"p":"'; echo_duplicate 1048576 'x'; echo -n '"}';}, 503 ],

    # HTTP of the reply
    [ 'Content-Encoding gzip',         qq{default_type application/json; add_header Content-Encoding gzip; return 200 '{"active":true}';}, 503 ],
    [ 'Content-Encoding identity (still an encoding header)', qq{default_type application/json; add_header Content-Encoding identity; return 200 '{"active":true}';}, 503 ],
    [ 'text/html error page',          qq{default_type text/html; return 200 '<html><body>maintenance</body></html>';}, 503 ],
    [ 'JSON sent as text/plain',       qq{default_type text/plain; return 200 '{"active":true}';}, 503 ],
    [ 'JSON sent as text/html',        qq{default_type text/html; return 200 '{"active":true}';}, 503 ],
    [ 'a JWT reply (RFC 9701)',        qq{default_type application/token-introspection+jwt; return 200 'eyJhbGciOiJub25lIn0.eyJhY3RpdmUiOnRydWV9.';}, 503 ],
    [ 'application/json with charset', qq{default_type "application/json; charset=utf-8"; return 200 '{"active":true}';}, 200 ],
    [ 'APPLICATION/JSON',              qq{default_type APPLICATION/JSON; return 200 '{"active":true}';}, 200 ],
    [ 'HTML sent as application/json', $json->('<html>maintenance</html>'),          503 ],
    [ '201 with an active body',       "default_type application/json; return 201 '{\"active\":true}';", 503 ],
    [ '204 No Content',                'return 204;',                               503 ],
    [ '301 redirect',                  'return 301 http://127.0.0.1:1/;',           503 ],
    [ '400',                           "default_type application/json; return 400 '{\"error\":\"invalid_request\"}';", 503 ],
    [ '401 (bad client credentials)',  "default_type application/json; return 401 '{\"error\":\"invalid_client\"}';", 503 ],
    [ '403',                           'return 403;',                               503 ],
    [ '404',                           'return 404;',                               503 ],
    [ '429 with Retry-After',          'add_header Retry-After 3600 always; return 429;', 503 ],
    [ '500 with an active body',       "default_type application/json; return 500 '{\"active\":true}';", 503 ],
    [ '502',                           'return 502;',                               503 ],
    [ '503',                           'return 503;',                               503 ],
);

my $spec = '';
my $n = 0;

for my $r (@replies) {
    my ($name, $mock, $status) = @$r;
    my $token = sprintf 'tok-052-%d-hostile', $n + 1;
    my $config = <<"_EOC_";
    location = /_introspect {
        internal;
        subrequest_output_buffer_size 64k;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/mock_as;
    }
    location = /mock_as {
        $mock
    }
    location = /t {
        api_auth oauth;
        api_auth_introspect /_introspect;
        echo "ok";
    }
_EOC_

    my $headers = $status == 200 ? "!WWW-Authenticate\n!Retry-After\n"
                : $status == 401 ? qq{WWW-Authenticate: Bearer realm="api", error="invalid_token"\n!Retry-After\n}
                : "Retry-After: 5\n!WWW-Authenticate\n";

    $n++;
    $spec .= "=== TEST $n: $name\n"
        . "--- config eval\n" . perl_string($config) . "\n"
        . "--- request\nGET /t\n"
        . "--- more_headers\nAuthorization: Bearer $token\n"
        . "--- error_code: $status\n"
        . "--- response_headers\n$headers"
        . ($status == 503 ? "--- error_log\napi_auth: introspection failed: \n" : '')
        . "--- no_error_log eval\n"
        . "['[alert]', '[crit]', '[emerg]', 'unexpected exception', "
        . "qr/\\[(?:info|notice|warn|error)\\].*$token/]\n"
        . "\n\n\n";
}

Test::Base::spec_string($spec);

no_shuffle();
run_tests();
