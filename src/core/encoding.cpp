/*
 * api_auth core: base64, base64url, hex and form encoding.
 *
 * Both base64 alphabets share one decoder: a padded base64 value is
 * checked for its padding (whole quanta, "=" only at the end), which is
 * then dropped, and the rest decoded as the unpadded form is.
 */

#include "encoding.hpp"

namespace api_auth {

namespace {

/*
 * The value of each byte in a base64 alphabet, 64 for every other byte
 * (which includes "=").  Built at compile time: no static initialiser
 * runs (STYLE.md 3.1).
 */
struct b64_table {
    const char  *alphabet;
    uint8_t      v[256];

    constexpr explicit b64_table(const char *a) noexcept : alphabet(a), v()
    {
        for (unsigned i = 0; i < 256; i++) {
            v[i] = 64;
        }

        for (unsigned i = 0; i < 64; i++) {
            v[static_cast<unsigned char>(a[i])] = static_cast<uint8_t>(i);
        }
    }
};

}  // namespace


static constexpr b64_table  b64(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
static constexpr b64_table  b64url(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");


int
hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }

    return -1;
}


void
hex_encode(const uint8_t *in, size_t n, char *out) noexcept
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_lower(in[i] >> 4);
        out[2 * i + 1] = hex_lower(in[i]);
    }
}


bool
hex_decode_lower(std::string_view hex, uint8_t *out, size_t n) noexcept
{
    /* n <= SIZE_MAX / 2 in any real use; guard the product anyway */
    if (n > hex.size() / 2 || hex.size() != 2 * n) {
        return false;
    }

    for (size_t i = 0; i < n; i++) {
        char  a = hex[2 * i], b = hex[2 * i + 1];
        int   hi = hex_value(a), lo = hex_value(b);

        if (hi < 0 || lo < 0 || (a >= 'A' && a <= 'F')
            || (b >= 'A' && b <= 'F'))
        {
            return false;
        }

        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }

    return true;
}


/* RFC 4648 without padding: one leftover character is no byte */
static status
decode(const b64_table &t, std::string_view in, uint8_t *out,
       size_t &out_len) noexcept
{
    uint32_t  acc = 0;
    unsigned  bits = 0;
    size_t    n = 0;

    out_len = 0;

    if (in.size() % 4 == 1) {
        return status::malformed;
    }

    for (unsigned char c : in) {
        uint8_t  v = t.v[c];

        if (v == 64) {
            return status::malformed;
        }

        acc = (acc << 6 | v) & 0xffffff;
        bits += 6;

        if (bits >= 8) {
            bits -= 8;
            out[n++] = static_cast<uint8_t>(acc >> bits);
        }
    }

    /* RFC 4648 §3.5: the pad bits must be zero (one encoding per value) */
    if ((acc & ((1u << bits) - 1)) != 0) {
        return status::malformed;
    }

    out_len = n;

    return status::ok;
}


/* writes the unpadded encoding; returns its length */
static size_t
encode(const b64_table &t, const uint8_t *in, size_t n, char *out) noexcept
{
    size_t    i, o = 0;
    uint32_t  w;

    for (i = 0; i + 3 <= n; i += 3) {
        w = static_cast<uint32_t>(in[i]) << 16 | in[i + 1] << 8 | in[i + 2];
        out[o++] = t.alphabet[w >> 18];
        out[o++] = t.alphabet[w >> 12 & 63];
        out[o++] = t.alphabet[w >> 6 & 63];
        out[o++] = t.alphabet[w & 63];
    }

    if (n - i == 1) {
        w = static_cast<uint32_t>(in[i]) << 16;
        out[o++] = t.alphabet[w >> 18];
        out[o++] = t.alphabet[w >> 12 & 63];

    } else if (n - i == 2) {
        w = static_cast<uint32_t>(in[i]) << 16 | in[i + 1] << 8;
        out[o++] = t.alphabet[w >> 18];
        out[o++] = t.alphabet[w >> 12 & 63];
        out[o++] = t.alphabet[w >> 6 & 63];
    }

    return o;
}


status
base64_decode(std::string_view in, uint8_t *out, size_t &out_len) noexcept
{
    size_t  n, pad;

    out_len = 0;
    n = in.size();
    pad = 0;

    /* RFC 4648 §3.2: padding is required, so whole quanta only */
    if (n % 4 != 0) {
        return status::malformed;
    }

    if (n > 0 && in[n - 1] == '=') {
        pad = (in[n - 2] == '=') ? 2 : 1;
    }

    /* a "=" left before the padding is not of the alphabet */
    return decode(b64, in.substr(0, n - pad), out, out_len);
}


size_t
base64_encode(const uint8_t *in, size_t n, char *out) noexcept
{
    size_t  o = encode(b64, in, n, out);

    while (o % 4 != 0) {
        out[o++] = '=';
    }

    return o;
}


status
base64url_decode(std::string_view in, uint8_t *out, size_t &out_len)
    noexcept
{
    return decode(b64url, in, out, out_len);
}


size_t
base64url_encode(const uint8_t *in, size_t n, char *out) noexcept
{
    return encode(b64url, in, n, out);
}


/* WHATWG URL §5.2 application/x-www-form-urlencoded byte serializer */
static bool
form_unreserved(unsigned char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9')
           || c == '*' || c == '-' || c == '.' || c == '_';
}


size_t
form_urlencoded_len(std::string_view in) noexcept
{
    size_t  n = 0;

    for (unsigned char c : in) {
        n += (form_unreserved(c) || c == ' ') ? 1 : 3;
    }

    return n;
}


char *
form_urlencode(std::string_view in, char *out) noexcept
{
    for (unsigned char c : in) {
        if (form_unreserved(c)) {
            *out++ = static_cast<char>(c);

        } else if (c == ' ') {
            *out++ = '+';

        } else {
            /* RFC 6750 b64token "+", "/" and "=" land here: %2B %2F %3D */
            *out++ = '%';
            *out++ = hex_upper(c >> 4);
            *out++ = hex_upper(c);
        }
    }

    return out;
}

}  // namespace api_auth
