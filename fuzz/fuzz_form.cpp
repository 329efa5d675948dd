/*
 * application/x-www-form-urlencoded (introspection.hpp), the encoding of
 * the token in the introspection request body.  Properties: the output
 * has form_urlencoded_len bytes, holds only unreserved bytes, "+" and
 * %XX (uppercase), and a plain decoder gives the input back.
 */

#include <string>
#include <vector>

#include "fuzz.hpp"
#include "introspection.hpp"

using namespace api_auth;

static bool
unreserved(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9')
           || c == '*' || c == '-' || c == '.' || c == '_';
}


static int
upper_hex(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    return (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}


extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view   in = fuzz_input(data, size);
    size_t             len = form_urlencoded_len(in);
    std::vector<char>  out(len);
    std::string        back;

    FUZZ_CHECK(len >= size && len <= 3 * size);
    FUZZ_CHECK(form_urlencode(in, out.data()) == out.data() + len);

    for (size_t i = 0; i < len; i++) {
        if (unreserved(out[i])) {
            back += out[i];

        } else if (out[i] == '+') {
            back += ' ';

        } else {
            FUZZ_CHECK(out[i] == '%' && len - i >= 3);

            int  hi = upper_hex(out[i + 1]);
            int  lo = upper_hex(out[i + 2]);

            FUZZ_CHECK(hi >= 0 && lo >= 0);

            /* what was escaped had to be */
            char  c = static_cast<char>(hi << 4 | lo);

            FUZZ_CHECK(!unreserved(c) && c != ' ');
            back += c;
            i += 2;
        }
    }

    FUZZ_CHECK(back == in);

    return 0;
}
