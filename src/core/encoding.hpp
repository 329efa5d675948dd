/*
 * api_auth core: byte encodings, one place for each: base64 (RFC 4648
 * §4, padded, strict), base64url (§5, unpadded, strict), hex, and
 * application/x-www-form-urlencoded.  Nothing here allocates; output goes
 * to caller-provided buffers sized by the *_len / *_max functions.
 */

#ifndef API_AUTH_CORE_ENCODING_HPP
#define API_AUTH_CORE_ENCODING_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "status.hpp"

namespace api_auth {

/* the one hex table: lower case, then upper case */
inline constexpr char  hex_digits[] = "0123456789abcdef0123456789ABCDEF";

constexpr char
hex_lower(unsigned v) noexcept
{
    return hex_digits[v & 0x0f];
}

constexpr char
hex_upper(unsigned v) noexcept
{
    return hex_digits[16 + (v & 0x0f)];
}

/* the value of a hex digit of either case, -1 for any other byte */
[[nodiscard]] int hex_value(char c) noexcept;

/* writes 2 * n lowercase hex characters, no NUL */
void hex_encode(const uint8_t *in, size_t n, char *out) noexcept;

/* exactly 2 * n lowercase hex digits; false on anything else */
[[nodiscard]] bool hex_decode_lower(std::string_view hex, uint8_t *out,
                                    size_t n) noexcept;

/* RFC 4648 §4, padded; strict: length % 4 == 0, padding only at the end,
   no whitespace, non-zero trailing bits rejected. */
constexpr size_t
base64_decoded_max(size_t n) noexcept
{
    return n / 4 * 3 + 3;
}

/* out needs base64_decoded_max(in.size()) bytes */
[[nodiscard]] status base64_decode(std::string_view in, uint8_t *out,
                                   size_t &out_len) noexcept;

constexpr size_t
base64_encoded_len(size_t n) noexcept
{
    return (n + 2) / 3 * 4;
}

/* writes base64_encoded_len(n) bytes (padded), no NUL; returns that */
size_t base64_encode(const uint8_t *in, size_t n, char *out) noexcept;

/* RFC 4648 §5 without padding: out needs base64url_decoded_max(n) bytes */
constexpr size_t
base64url_decoded_max(size_t n) noexcept
{
    return n / 4 * 3 + 2;
}

/*
 * Strict: only A-Z a-z 0-9 - _, no "=", length % 4 != 1, and the unused
 * low bits of the last character zero, so each byte string has exactly
 * one encoding.  Fails (malformed, out_len 0) on anything else.
 */
[[nodiscard]] status base64url_decode(std::string_view in, uint8_t *out,
                                      size_t &out_len) noexcept;

constexpr size_t
base64url_encoded_len(size_t n) noexcept
{
    return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

/* writes base64url_encoded_len(n) bytes, no padding, no NUL */
size_t base64url_encode(const uint8_t *in, size_t n, char *out) noexcept;

/*
 * application/x-www-form-urlencoded (WHATWG URL §5.2): unreserved ALPHA,
 * DIGIT, "*-._" kept, space as "+", everything else %XX (uppercase).
 */
[[nodiscard]] size_t form_urlencoded_len(std::string_view in) noexcept;

/* writes form_urlencoded_len(in) bytes to out, no NUL; returns the end */
char *form_urlencode(std::string_view in, char *out) noexcept;

}  // namespace api_auth

#endif
