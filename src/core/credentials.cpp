/*
 * api_auth core: credential extraction (RFC 7235, RFC 6750, RFC 7617,
 * RFC 4648).  Nothing here allocates: results are views into the input
 * or bytes in caller-provided buffers.
 */

#include "credentials.hpp"
#include "text.hpp"

namespace api_auth {

/*
 * Character classes of the hot path, one table lookup per byte (the
 * header is scanned on every request).  Built at compile time: no static
 * initialiser runs (STYLE.md 3.1).
 */
enum : uint8_t {
    cc_visible = 0x01,      /* SP and VCHAR: 0x20-0x7e */
    cc_tchar = 0x02,        /* RFC 7230 §3.2.6 tchar */
    cc_token68 = 0x04       /* RFC 7235 §2.1 token68, "=" aside */
};

struct char_classes {
    uint8_t  cls[256];

    constexpr char_classes() : cls()
    {
        constexpr char  tchar_specials[] = "!#$%&'*+-.^_`|~";
        constexpr char  token68_specials[] = "-._~+/";

        for (int c = 0x20; c < 0x7f; c++) {
            bool  alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                          || (c >= '0' && c <= '9');

            cls[c] = cc_visible;

            if (alnum) {
                cls[c] |= cc_tchar | cc_token68;
            }
        }

        for (const char *p = tchar_specials; *p; p++) {
            cls[static_cast<unsigned char>(*p)] |= cc_tchar;
        }

        for (const char *p = token68_specials; *p; p++) {
            cls[static_cast<unsigned char>(*p)] |= cc_token68;
        }
    }
};

static constexpr char_classes  char_class;


static bool
is_class(unsigned char c, uint8_t cls) noexcept
{
    return (char_class.cls[c] & cls) != 0;
}


status
parse_authorization(std::string_view header, authorization &out) noexcept
{
    size_t            i;
    std::string_view  name, rest;

    out.kind = scheme::other;
    out.value = std::string_view();

    header = trim_ows(header);

    if (header.empty()) {
        return status::malformed;
    }

    /*
     * RFC 7230 §3.2 field-content is VCHAR / SP / HTAB / obs-text, but
     * RFC 7235 §2.1 separates scheme and credentials with 1*SP only, and
     * no scheme we read uses HTAB or obs-text: reject them inside the
     * value so that nothing odd ever reaches a log line or a digest.
     */
    for (unsigned char c : header) {
        if (!is_class(c, cc_visible)) {
            return status::malformed;
        }
    }

    for (i = 0; i < header.size() && header[i] != ' '; i++) {
        if (!is_class(static_cast<unsigned char>(header[i]), cc_tchar)) {
            return status::malformed;
        }
    }

    name = header.substr(0, i);

    if (name.empty()) {
        return status::malformed;
    }

    /* RFC 7235 §2.1: 1*SP, so "Bearer  abc" is still valid */
    while (i < header.size() && header[i] == ' ') {
        i++;
    }

    rest = header.substr(i);

    if (iequal(name, "bearer")) {
        out.kind = scheme::bearer;

    } else if (iequal(name, "basic")) {
        out.kind = scheme::basic;

    } else {
        /* RFC 6750 §3.1: not ours, the caller treats it as no credential */
        out.value = rest;
        return status::ok;
    }

    /* RFC 6750 §2.1 b64token and RFC 7617 §2 both are token68 */
    if (!is_token68(rest)) {
        out.kind = scheme::other;
        return status::malformed;
    }

    out.value = rest;

    return status::ok;
}


status
parse_authorization_key(std::string_view header, authorization &out)
    noexcept
{
    std::string_view  name;

    header = trim_ows(header);
    name = header.substr(0, header.find(' '));

    if (iequal(name, "bearer") || iequal(name, "basic")) {
        return parse_authorization(header, out);
    }

    out.kind = scheme::key;
    out.value = header;

    if (check_header_key(header) != status::ok) {
        out.kind = scheme::other;
        out.value = std::string_view();
        return status::malformed;
    }

    return status::ok;
}


bool
is_token68(std::string_view s) noexcept
{
    size_t  i = 0;

    while (i < s.size()
           && is_class(static_cast<unsigned char>(s[i]), cc_token68))
    {
        i++;
    }

    /* at least one non-"=" character, then only trailing "=" */
    return i > 0 && s.find_first_not_of('=', i) == std::string_view::npos;
}


status
basic_key(std::string_view user_pass, std::string_view &key) noexcept
{
    size_t            colon;
    std::string_view  user, pass;

    key = std::string_view();

    /* RFC 7617 §2: the user-id cannot contain a colon, the password can */
    colon = user_pass.find(':');

    if (colon == std::string_view::npos) {
        return status::malformed;
    }

    user = user_pass.substr(0, colon);
    pass = user_pass.substr(colon + 1);

    if (!pass.empty()) {
        key = pass;

    } else if (!user.empty()) {
        /* "KEY:", what curl -u KEY: sends */
        key = user;

    } else {
        return status::malformed;
    }

    return status::ok;
}


status
check_header_key(std::string_view value) noexcept
{
    if (value.empty()) {
        return status::malformed;
    }

    for (unsigned char c : value) {
        if (c < 0x21 || c > 0x7e) {
            return status::malformed;
        }
    }

    return status::ok;
}

}  // namespace api_auth
