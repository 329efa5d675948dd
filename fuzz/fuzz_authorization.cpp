/*
 * Authorization header values (credentials.hpp): parse_authorization,
 * parse_authorization_key, is_token68, base64_decode and basic_key on
 * what a Bearer or Basic header carries, and check_header_key on the same
 * bytes.
 */

#include <string>
#include <vector>

#include "credentials.hpp"
#include "fuzz.hpp"

using namespace api_auth;

/* token68 written out once more, from the RFC 7235 §2.1 grammar */
static bool
ref_token68(std::string_view s)
{
    static constexpr std::string_view  extra = "-._~+/";

    size_t  i = 0;

    while (i < s.size()
           && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
               || (s[i] >= '0' && s[i] <= '9')
               || extra.find(s[i]) != std::string_view::npos))
    {
        i++;
    }

    if (i == 0) {
        return false;
    }

    while (i < s.size() && s[i] == '=') {
        i++;
    }

    return i == s.size();
}


/* the Basic path: decode, then the key out of user:pass */
static void
basic(std::string_view value)
{
    std::vector<uint8_t>  buf(base64_decoded_max(value.size()));
    std::string_view      key;
    size_t                n;

    if (base64_decode(value, buf.data(), n) != status::ok) {
        FUZZ_CHECK(n == 0);
        return;
    }

    FUZZ_CHECK(n <= value.size() / 4 * 3);

    std::string_view  up(reinterpret_cast<const char *>(buf.data()), n);

    if (basic_key(up, key) == status::ok) {
        FUZZ_CHECK(!key.empty() && fuzz_inside(key, up));
        FUZZ_CHECK(key.find(':') == std::string_view::npos
                   || up.find(':') < static_cast<size_t>(key.data()
                                                          - up.data()));

    } else {
        FUZZ_CHECK(key.empty());
    }
}


/*
 * header=Authorization: Bearer and Basic exactly as parse_authorization
 * reads them, anything else the whole trimmed value as a key that passes
 * check_header_key, or malformed
 */
static void
raw_key(std::string_view in)
{
    authorization     a, b;
    status            rc;
    std::string_view  v = trim_ows(in), word = v.substr(0, v.find(' '));
    std::string       lower(word);

    for (char &c : lower) {
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
    }

    rc = parse_authorization_key(in, a);

    if (lower == "bearer" || lower == "basic") {
        FUZZ_CHECK(rc == parse_authorization(in, b));
        FUZZ_CHECK(a.kind == b.kind && a.value == b.value);
        return;
    }

    if (rc != status::ok) {
        FUZZ_CHECK(check_header_key(v) != status::ok);
        FUZZ_CHECK(a.kind == scheme::other && a.value.empty());
        return;
    }

    FUZZ_CHECK(a.kind == scheme::key && a.value == v);
    FUZZ_CHECK(a.value.data() == v.data());
    FUZZ_CHECK(check_header_key(a.value) == status::ok);
}


extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view  in = fuzz_input(data, size);
    authorization     a;
    bool              visible = !in.empty();

    for (unsigned char c : in) {
        visible = visible && c >= 0x21 && c <= 0x7e;
    }

    FUZZ_CHECK(is_token68(in) == ref_token68(in));
    FUZZ_CHECK((check_header_key(in) == status::ok) == visible);

    /* the key straight from the input too, as a Basic value would be */
    basic(in);
    raw_key(in);

    if (parse_authorization(in, a) != status::ok) {
        FUZZ_CHECK(a.kind == scheme::other && a.value.empty());
        return 0;
    }

    FUZZ_CHECK(fuzz_inside(a.value, in));

    /*
     * accepted headers never carry control or non-ASCII bytes, apart from
     * the OWS (SP, HTAB) around the value, which is not part of it
     */
    for (unsigned char c : trim_ows(in)) {
        FUZZ_CHECK(c >= 0x20 && c < 0x7f);
    }

    FUZZ_CHECK(trim_ows(trim_ows(in)) == trim_ows(in));

    if (a.kind != scheme::other) {
        FUZZ_CHECK(is_token68(a.value));
        basic(a.value);
    }

    return 0;
}
