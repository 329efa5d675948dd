/*
 * RFC 4648 §4 base64 (credentials.hpp).  Two properties:
 *   - decode(input) never writes past base64_decoded_max, and when it
 *     accepts, encoding the result gives the input back (the decoder is
 *     strict, so there is one encoding per byte string);
 *   - encode(input) has base64_encoded_len bytes and decodes back to the
 *     input.
 */

#include <cstring>
#include <vector>

#include "credentials.hpp"
#include "fuzz.hpp"

using namespace api_auth;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view      in = fuzz_input(data, size);
    size_t                n, m;

    /* exact-size vectors: ASan sees one byte too many */
    std::vector<uint8_t>  dec(base64_decoded_max(size));
    std::vector<char>     enc(base64_encoded_len(size));

    /* decode arbitrary text; canonical when accepted */
    if (base64_decode(in, dec.data(), n) == status::ok) {
        std::vector<char>  again(base64_encoded_len(n));

        FUZZ_CHECK(size % 4 == 0 && n <= size / 4 * 3);
        FUZZ_CHECK(base64_encode(dec.data(), n, again.data()) == size);
        FUZZ_CHECK(size == 0
                   || std::memcmp(again.data(), data, size) == 0);

    } else {
        FUZZ_CHECK(n == 0);
    }

    /* round trip of arbitrary bytes */
    m = base64_encode(data, size, enc.data());
    FUZZ_CHECK(m == enc.size());

    std::vector<uint8_t>  back(base64_decoded_max(m));

    FUZZ_CHECK(base64_decode(std::string_view(enc.data(), m), back.data(), n)
               == status::ok);
    FUZZ_CHECK(n == size);
    FUZZ_CHECK(size == 0 || std::memcmp(back.data(), data, size) == 0);

    return 0;
}
