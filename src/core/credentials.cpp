/*
 * api_auth core: credential extraction (RFC 7235, RFC 6750, RFC 7617,
 * RFC 4648).  Nothing here allocates: results are views into the input
 * or bytes in caller-provided buffers.
 */

#include "credentials.hpp"

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


/* ASCII case-insensitive; lower must be lower case */
static bool
equals_ci(std::string_view s, std::string_view lower) noexcept
{
    if (s.size() != lower.size()) {
        return false;
    }

    for (size_t i = 0; i < s.size(); i++) {
        unsigned char  c = static_cast<unsigned char>(s[i]);

        if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != lower[i]) {
            return false;
        }
    }

    return true;
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

    if (equals_ci(name, "bearer")) {
        out.kind = scheme::bearer;

    } else if (equals_ci(name, "basic")) {
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

    if (equals_ci(name, "bearer") || equals_ci(name, "basic")) {
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


static constexpr char  base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * RFC 4648 §4 alphabet values, -1 elsewhere (which includes "=").
 * Built at compile time: no static initialiser runs (STYLE.md 3.1).
 */
struct base64_table {
    int8_t  value[256];

    constexpr base64_table() : value()
    {
        for (int8_t &v : value) {
            v = -1;
        }

        for (int i = 0; i < 64; i++) {
            value[static_cast<unsigned char>(base64_alphabet[i])] =
                static_cast<int8_t>(i);
        }
    }

    int operator()(char c) const noexcept
    {
        return value[static_cast<unsigned char>(c)];
    }
};

static constexpr base64_table  base64_value;


status
base64_decode(std::string_view in, uint8_t *out, size_t &out_len) noexcept
{
    int       d;
    size_t    n, pad;
    uint32_t  v;

    out_len = 0;
    n = in.size();
    pad = 0;
    v = 0;

    /* RFC 4648 §3.2: padding is required, so whole quanta only */
    if (n % 4 != 0) {
        return status::malformed;
    }

    if (n > 0 && in[n - 1] == '=') {
        pad = (in[n - 2] == '=') ? 2 : 1;
    }

    for (size_t i = 0; i < n; i += 4) {
        v = 0;

        /* before the padding only the alphabet: no "=", no whitespace */
        for (size_t j = i; j < i + 4; j++) {
            d = (j < n - pad) ? base64_value(in[j]) : 0;

            if (d < 0) {
                out_len = 0;
                return status::malformed;
            }

            v = v << 6 | static_cast<uint32_t>(d);
        }

        out[out_len++] = static_cast<uint8_t>(v >> 16);

        if (i + 4 < n || pad < 2) {
            out[out_len++] = static_cast<uint8_t>(v >> 8);
        }

        if (i + 4 < n || pad < 1) {
            out[out_len++] = static_cast<uint8_t>(v);
        }
    }

    /*
     * RFC 4648 §3.5: the pad bits of the last character must be zero.
     * Rejecting them keeps one encoding per byte string (canonical).
     */
    if ((pad == 2 && (v & 0xffff)) || (pad == 1 && (v & 0xff))) {
        out_len = 0;
        return status::malformed;
    }

    return status::ok;
}


size_t
base64_encode(const uint8_t *in, size_t n, char *out) noexcept
{
    size_t    o;
    uint32_t  v;

    o = 0;

    for (size_t i = 0; i < n; i += 3) {
        v = uint32_t{in[i]} << 16;
        v |= (i + 1 < n) ? uint32_t{in[i + 1]} << 8 : 0;
        v |= (i + 2 < n) ? uint32_t{in[i + 2]} : 0;

        out[o++] = base64_alphabet[v >> 18];
        out[o++] = base64_alphabet[(v >> 12) & 0x3f];
        out[o++] = (i + 1 < n) ? base64_alphabet[(v >> 6) & 0x3f] : '=';
        out[o++] = (i + 2 < n) ? base64_alphabet[v & 0x3f] : '=';
    }

    return o;
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


std::string_view
trim_ows(std::string_view value) noexcept
{
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
    }

    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
    }

    return value;
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
