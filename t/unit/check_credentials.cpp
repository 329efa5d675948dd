/*
 * credentials.cpp: the Authorization header (RFC 7235 §2.1, RFC 6750
 * §2.1), token68, strict base64 (RFC 4648 §4), Basic user-pass
 * (RFC 7617 §2) and custom key headers.
 */

#include <cstdlib>
#include <cstring>
#include <string>

#include "credentials.hpp"
#include "unit.hpp"

using api_auth::authorization;
using api_auth::scheme;

static api_auth::status
parse(std::string_view h, authorization &a)
{
    return api_auth::parse_authorization(h, a);
}


static api_auth::status
decode(std::string_view in, std::string &out)
{
    uint8_t           buf[64];
    size_t            len = 12345;
    api_auth::status  rc;

    ck_assert_uint_le(api_auth::base64_decoded_max(in.size()), sizeof(buf));

    rc = api_auth::base64_decode(in, buf, len);
    out.assign(reinterpret_cast<char *>(buf), len);

    return rc;
}


START_TEST(bearer_scheme_is_case_insensitive)
{
    authorization  a;

    for (const char *h : { "Bearer abc", "bearer abc", "BEARER abc",
                           "bEaReR abc" })
    {
        ck_assert_status(parse(h, a), status::ok);
        ck_assert(a.kind == scheme::bearer);
        ck_assert_string_eq(a.value, "abc");
    }
}
END_TEST


START_TEST(basic_scheme_is_case_insensitive)
{
    authorization  a;

    ck_assert_status(parse("bAsIc dXNlcjprZXk=", a), status::ok);
    ck_assert(a.kind == scheme::basic);
    ck_assert_string_eq(a.value, "dXNlcjprZXk=");
}
END_TEST


START_TEST(several_spaces_after_scheme_are_allowed)
{
    authorization  a;

    /* RFC 7235 §2.1: 1*SP */
    ck_assert_status(parse("Bearer   abc", a), status::ok);
    ck_assert(a.kind == scheme::bearer);
    ck_assert_string_eq(a.value, "abc");
}
END_TEST


START_TEST(tab_after_scheme_is_malformed)
{
    authorization  a;

    ck_assert_status(parse("Bearer\tabc", a), status::malformed);
    ck_assert_status(parse("Bearer \tabc", a), status::malformed);
}
END_TEST


/* RFC 7230 §3.2.4: OWS around the value is not part of it */
START_TEST(ows_around_the_value_is_ignored)
{
    authorization  a;

    ck_assert_status(parse("\tBearer abc", a), status::ok);
    ck_assert(a.kind == scheme::bearer && a.value == "abc");
    ck_assert_status(parse(" \t Bearer abc \t", a), status::ok);
    ck_assert(a.kind == scheme::bearer && a.value == "abc");
    ck_assert_status(parse("\t \t", a), status::malformed);
    ck_assert(api_auth::trim_ows("\t k-1 \t") == "k-1");
    ck_assert(api_auth::trim_ows(" \t ").empty());
    ck_assert(api_auth::trim_ows("a\tb") == "a\tb");
}
END_TEST


START_TEST(control_and_non_ascii_bytes_are_malformed)
{
    authorization  a;

    ck_assert_status(parse("Bearer ab\x01" "c", a), status::malformed);
    ck_assert_status(parse("Bearer abc\x7f", a), status::malformed);
    ck_assert_status(parse("Bearer abc\x80", a), status::malformed);
    ck_assert_status(parse("Bearer \xc3\xa9t\xc3\xa9", a),
                     status::malformed);
    ck_assert_status(parse(std::string_view("Bearer a\0b", 10), a),
                     status::malformed);
    ck_assert_status(parse("Bearer abc\r\nX-Evil: 1", a), status::malformed);
    /* also in a scheme this module does not read */
    ck_assert_status(parse("Digest a\x01", a), status::malformed);
    ck_assert_status(parse("Digest a\tb", a), status::malformed);
    ck_assert_status(parse("Digest a\x7f" "b", a), status::malformed);
}
END_TEST


START_TEST(empty_header_is_malformed)
{
    authorization  a;

    ck_assert_status(parse("", a), status::malformed);
}
END_TEST


START_TEST(bearer_without_token_is_malformed)
{
    authorization  a;

    ck_assert_status(parse("Bearer", a), status::malformed);
    ck_assert_status(parse("Bearer ", a), status::malformed);
    ck_assert_status(parse("Bearer ===", a), status::malformed);
}
END_TEST


START_TEST(basic_without_credentials_is_malformed)
{
    authorization  a;

    ck_assert_status(parse("Basic", a), status::malformed);
    ck_assert_status(parse("basic  ", a), status::malformed);
}
END_TEST


START_TEST(bearer_with_inner_space_is_not_token68)
{
    authorization  a;

    ck_assert_status(parse("Bearer a b", a), status::malformed);
    ck_assert_status(parse("Bearer realm=\"x\"", a), status::malformed);
    ck_assert_status(parse("Basic a,b", a), status::malformed);
}
END_TEST


START_TEST(bearer_token68_keeps_trailing_padding)
{
    authorization  a;

    ck_assert_status(parse("Bearer a-b.c_d~e+f/g==", a), status::ok);
    ck_assert_string_eq(a.value, "a-b.c_d~e+f/g==");
}
END_TEST


START_TEST(padding_inside_token_is_malformed)
{
    authorization  a;

    ck_assert_status(parse("Bearer a=b", a), status::malformed);
}
END_TEST


START_TEST(unknown_scheme_is_other)
{
    authorization  a;

    ck_assert_status(parse("Digest username=\"x\", realm=\"r\"", a),
                     status::ok);
    ck_assert(a.kind == scheme::other);
    ck_assert_string_eq(a.value, "username=\"x\", realm=\"r\"");

    ck_assert_status(parse("Negotiate", a), status::ok);
    ck_assert(a.kind == scheme::other);
    ck_assert(a.value.empty());

    /* a scheme that merely starts like ours */
    ck_assert_status(parse("Bearerx abc", a), status::ok);
    ck_assert(a.kind == scheme::other);
}
END_TEST


START_TEST(scheme_must_be_a_token)
{
    authorization  a;

    ck_assert_status(parse("(Bearer abc", a), status::malformed);
    ck_assert_status(parse("Bea(rer abc", a), status::malformed);
    ck_assert_status(parse("Bearer=abc", a), status::malformed);
}
END_TEST


START_TEST(token68_grammar)
{
    ck_assert(api_auth::is_token68("abc"));
    ck_assert(api_auth::is_token68("a="));
    ck_assert(api_auth::is_token68("AZaz09-._~+/"));
    ck_assert(!api_auth::is_token68(""));
    ck_assert(!api_auth::is_token68("="));
    ck_assert(!api_auth::is_token68("a=b"));
    ck_assert(!api_auth::is_token68("a b"));
    ck_assert(!api_auth::is_token68("a,b"));
    ck_assert(!api_auth::is_token68("a\"b"));
}
END_TEST


START_TEST(base64_decodes_rfc4648_vectors)
{
    std::string  out;

    /* RFC 4648 §10 */
    ck_assert_status(decode("", out), status::ok);
    ck_assert(out.empty());
    ck_assert_status(decode("Zg==", out), status::ok);
    ck_assert_string_eq(out, "f");
    ck_assert_status(decode("Zm8=", out), status::ok);
    ck_assert_string_eq(out, "fo");
    ck_assert_status(decode("Zm9v", out), status::ok);
    ck_assert_string_eq(out, "foo");
    ck_assert_status(decode("Zm9vYg==", out), status::ok);
    ck_assert_string_eq(out, "foob");
    ck_assert_status(decode("Zm9vYmE=", out), status::ok);
    ck_assert_string_eq(out, "fooba");
    ck_assert_status(decode("Zm9vYmFy", out), status::ok);
    ck_assert_string_eq(out, "foobar");
}
END_TEST


START_TEST(base64_unpadded_is_malformed)
{
    std::string  out;

    ck_assert_status(decode("Zg", out), status::malformed);
    ck_assert_status(decode("Zm8", out), status::malformed);
    ck_assert_status(decode("Zm9vYg", out), status::malformed);
}
END_TEST


START_TEST(base64_padding_only_at_the_end)
{
    std::string  out;

    ck_assert_status(decode("Zg==Zg==", out), status::malformed);
    ck_assert_status(decode("Z=8=", out), status::malformed);
    ck_assert_status(decode("Z===", out), status::malformed);
    ck_assert_status(decode("====", out), status::malformed);
}
END_TEST


START_TEST(base64_whitespace_and_url_alphabet_are_malformed)
{
    std::string  out;

    ck_assert_status(decode("Zm9v YmFy", out), status::malformed);
    ck_assert_status(decode("Zm9v\nYmFy", out), status::malformed);
    ck_assert_status(decode("Zm9-", out), status::malformed);
    ck_assert_status(decode("Zm9_", out), status::malformed);
}
END_TEST


START_TEST(base64_non_canonical_trailing_bits_are_malformed)
{
    std::string  out;

    /* "Zh==" and "Zm9=" carry non-zero pad bits (RFC 4648 §3.5) */
    ck_assert_status(decode("Zh==", out), status::malformed);
    ck_assert_status(decode("Zm9=", out), status::malformed);
}
END_TEST


START_TEST(base64_encode_round_trips)
{
    uint8_t      in[40], back[64];
    char         enc[64];
    size_t       n, len;

    srandom(7);

    for (size_t size = 0; size <= sizeof(in); size++) {
        for (size_t i = 0; i < size; i++) {
            in[i] = static_cast<uint8_t>(random());
        }

        n = api_auth::base64_encode(in, size, enc);
        ck_assert_uint_eq(n, api_auth::base64_encoded_len(size));

        ck_assert_status(api_auth::base64_decode(std::string_view(enc, n),
                                                 back, len),
                         status::ok);
        ck_assert_uint_eq(len, size);
        ck_assert(size == 0 || std::memcmp(in, back, size) == 0);
    }
}
END_TEST


START_TEST(base64_encode_vector)
{
    char  out[8];

    ck_assert_uint_eq(api_auth::base64_encode(
                          reinterpret_cast<const uint8_t *>("fooba"), 5, out),
                      8);
    ck_assert_string_eq(std::string(out, 8), "Zm9vYmE=");
}
END_TEST


START_TEST(basic_user_colon_key)
{
    std::string_view  key;

    ck_assert_status(api_auth::basic_key("gpt:s3cr3t", key), status::ok);
    ck_assert_string_eq(key, "s3cr3t");
}
END_TEST


START_TEST(basic_key_colon_empty_password)
{
    std::string_view  key;

    ck_assert_status(api_auth::basic_key("s3cr3t:", key), status::ok);
    ck_assert_string_eq(key, "s3cr3t");
}
END_TEST


START_TEST(basic_empty_user_colon_key)
{
    std::string_view  key;

    ck_assert_status(api_auth::basic_key(":s3cr3t", key), status::ok);
    ck_assert_string_eq(key, "s3cr3t");
}
END_TEST


START_TEST(basic_password_may_contain_colons)
{
    std::string_view  key;

    /* RFC 7617 §2: only the user-id is colon-free */
    ck_assert_status(api_auth::basic_key("user:a:b", key), status::ok);
    ck_assert_string_eq(key, "a:b");
}
END_TEST


START_TEST(basic_without_colon_or_with_both_empty_is_malformed)
{
    std::string_view  key;

    ck_assert_status(api_auth::basic_key("s3cr3t", key), status::malformed);
    ck_assert_status(api_auth::basic_key(":", key), status::malformed);
    ck_assert_status(api_auth::basic_key("", key), status::malformed);
}
END_TEST


START_TEST(header_key_must_be_visible_ascii)
{
    ck_assert_status(api_auth::check_header_key("k-1_2.3~!"), status::ok);
    ck_assert_status(api_auth::check_header_key(""), status::malformed);
    ck_assert_status(api_auth::check_header_key("a b"), status::malformed);
    ck_assert_status(api_auth::check_header_key("a\tb"), status::malformed);
    ck_assert_status(api_auth::check_header_key("\xc3\xa9"),
                     status::malformed);
    ck_assert_status(api_auth::check_header_key("a\x7f"), status::malformed);
}
END_TEST


/* parse_authorization_key: api_auth_key_source header=Authorization */

static api_auth::status
parse_key(std::string_view h, authorization &a)
{
    return api_auth::parse_authorization_key(h, a);
}


START_TEST(raw_key_is_the_whole_value)
{
    authorization  a;

    ck_assert_status(parse_key("test-key-abc", a), status::ok);
    ck_assert(a.kind == scheme::key);
    ck_assert_string_eq(a.value, "test-key-abc");

    ck_assert_status(parse_key(" \tk/+=.~_!#$%&*^`|'-9== \t", a),
                     status::ok);
    ck_assert(a.kind == scheme::key);
    ck_assert_string_eq(a.value, "k/+=.~_!#$%&*^`|'-9==");
}
END_TEST


START_TEST(raw_key_mode_keeps_bearer_and_basic)
{
    authorization  a;

    ck_assert_status(parse_key("Bearer abc", a), status::ok);
    ck_assert(a.kind == scheme::bearer);
    ck_assert_string_eq(a.value, "abc");

    ck_assert_status(parse_key("bAsIc  abc=", a), status::ok);
    ck_assert(a.kind == scheme::basic);
    ck_assert_string_eq(a.value, "abc=");

    /* the same errors as parse_authorization */
    ck_assert_status(parse_key("Bearer", a), status::malformed);
    ck_assert_status(parse_key("basic ", a), status::malformed);
    ck_assert_status(parse_key("Bearer a b", a), status::malformed);
    ck_assert_status(parse_key("Bearer a,b", a), status::malformed);
}
END_TEST


START_TEST(raw_key_may_start_like_a_scheme)
{
    authorization  a;

    ck_assert_status(parse_key("Bearerx", a), status::ok);
    ck_assert(a.kind == scheme::key);
    ck_assert_string_eq(a.value, "Bearerx");

    ck_assert_status(parse_key("basic:abc", a), status::ok);
    ck_assert(a.kind == scheme::key);
    ck_assert_string_eq(a.value, "basic:abc");
}
END_TEST


START_TEST(raw_key_with_a_space_is_malformed)
{
    authorization  a;

    /* another scheme is not "no credential" here: no key has a space */
    ck_assert_status(parse_key("Digest abc", a), status::malformed);
    ck_assert(a.kind == scheme::other);
    ck_assert(a.value.empty());

    ck_assert_status(parse_key("Negotiate abc", a), status::malformed);
    ck_assert_status(parse_key("key1 key2", a), status::malformed);
    ck_assert_status(parse_key("Bearer\tabc", a), status::malformed);
}
END_TEST


START_TEST(raw_key_bad_bytes_are_malformed)
{
    authorization  a;

    ck_assert_status(parse_key("", a), status::malformed);
    ck_assert_status(parse_key(" \t ", a), status::malformed);
    ck_assert_status(parse_key("ke\x01y", a), status::malformed);
    ck_assert_status(parse_key("k\x7f", a), status::malformed);
    ck_assert_status(parse_key("k\xc3\xa9y", a), status::malformed);
    ck_assert_status(parse_key(std::string_view("k\0y", 3), a),
                     status::malformed);
}
END_TEST


Suite *
credentials_suite(void)
{
    Suite  *s = suite_create("credentials");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, bearer_scheme_is_case_insensitive);
    tcase_add_test(tc, basic_scheme_is_case_insensitive);
    tcase_add_test(tc, several_spaces_after_scheme_are_allowed);
    tcase_add_test(tc, tab_after_scheme_is_malformed);
    tcase_add_test(tc, ows_around_the_value_is_ignored);
    tcase_add_test(tc, control_and_non_ascii_bytes_are_malformed);
    tcase_add_test(tc, empty_header_is_malformed);
    tcase_add_test(tc, bearer_without_token_is_malformed);
    tcase_add_test(tc, basic_without_credentials_is_malformed);
    tcase_add_test(tc, bearer_with_inner_space_is_not_token68);
    tcase_add_test(tc, bearer_token68_keeps_trailing_padding);
    tcase_add_test(tc, padding_inside_token_is_malformed);
    tcase_add_test(tc, unknown_scheme_is_other);
    tcase_add_test(tc, scheme_must_be_a_token);
    tcase_add_test(tc, token68_grammar);
    tcase_add_test(tc, base64_decodes_rfc4648_vectors);
    tcase_add_test(tc, base64_unpadded_is_malformed);
    tcase_add_test(tc, base64_padding_only_at_the_end);
    tcase_add_test(tc, base64_whitespace_and_url_alphabet_are_malformed);
    tcase_add_test(tc, base64_non_canonical_trailing_bits_are_malformed);
    tcase_add_test(tc, base64_encode_round_trips);
    tcase_add_test(tc, base64_encode_vector);
    tcase_add_test(tc, basic_user_colon_key);
    tcase_add_test(tc, basic_key_colon_empty_password);
    tcase_add_test(tc, basic_empty_user_colon_key);
    tcase_add_test(tc, basic_password_may_contain_colons);
    tcase_add_test(tc, basic_without_colon_or_with_both_empty_is_malformed);
    tcase_add_test(tc, header_key_must_be_visible_ascii);
    tcase_add_test(tc, raw_key_is_the_whole_value);
    tcase_add_test(tc, raw_key_mode_keeps_bearer_and_basic);
    tcase_add_test(tc, raw_key_may_start_like_a_scheme);
    tcase_add_test(tc, raw_key_with_a_space_is_malformed);
    tcase_add_test(tc, raw_key_bad_bytes_are_malformed);

    suite_add_tcase(s, tc);

    return s;
}
