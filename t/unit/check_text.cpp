/*
 * text.cpp and encoding.cpp: the shared trims, case folding, hex table
 * and the one base64 decoder behind both alphabets.
 */

#include <cstring>
#include <string>

#include "encoding.hpp"
#include "text.hpp"
#include "unit.hpp"

START_TEST(trim_ows_removes_sp_and_htab_only)
{
    ck_assert_string_eq(api_auth::trim_ows(" \t a b \t "), "a b");
    ck_assert_string_eq(api_auth::trim_ows("\r\na\n"), "\r\na\n");
    ck_assert(api_auth::trim_ows("  ").empty());
}
END_TEST


START_TEST(iequal_folds_ascii_only)
{
    ck_assert(api_auth::iequal("Bearer", "bearer"));
    ck_assert(api_auth::iequal("APPLICATION/JSON", "application/json"));
    ck_assert(!api_auth::iequal("bearer", "beare"));
    ck_assert(!api_auth::iequal("b\xc3\xa9", "b\xc3\x89"));
    /* '[' is 'Z' + 1: no folding outside A-Z */
    ck_assert(!api_auth::iequal("[", "{"));
}
END_TEST


START_TEST(hex_table_has_both_cases)
{
    ck_assert_int_eq(api_auth::hex_lower(0xab), 'b');
    ck_assert_int_eq(api_auth::hex_upper(0x0a), 'A');
    ck_assert_int_eq(api_auth::hex_value('f'), 15);
    ck_assert_int_eq(api_auth::hex_value('F'), 15);
    ck_assert_int_eq(api_auth::hex_value('g'), -1);
}
END_TEST


START_TEST(hex_decode_lower_refuses_upper_case)
{
    uint8_t  b[2];

    ck_assert(api_auth::hex_decode_lower("0aff", b, 2));
    ck_assert_uint_eq(b[0], 0x0a);
    ck_assert_uint_eq(b[1], 0xff);
    ck_assert(!api_auth::hex_decode_lower("0aFF", b, 2));
    ck_assert(!api_auth::hex_decode_lower("0af", b, 2));
}
END_TEST


START_TEST(padded_and_unpadded_alphabets_agree)
{
    uint8_t      in[5] = { 0xfb, 0xff, 0x01, 0x02, 0x03 };
    char         a[16], u[16];
    uint8_t      out[16];
    size_t       n, la, lu;

    for (size_t len = 0; len <= 5; len++) {
        la = api_auth::base64_encode(in, len, a);
        lu = api_auth::base64url_encode(in, len, u);

        ck_assert_uint_eq(la, api_auth::base64_encoded_len(len));
        ck_assert_uint_eq(lu, api_auth::base64url_encoded_len(len));

        ck_assert(api_auth::base64_decode(std::string_view(a, la), out, n)
                  == api_auth::status::ok);
        ck_assert_uint_eq(n, len);
        ck_assert(std::memcmp(out, in, len) == 0);

        ck_assert(api_auth::base64url_decode(std::string_view(u, lu), out, n)
                  == api_auth::status::ok);
        ck_assert_uint_eq(n, len);
        ck_assert(std::memcmp(out, in, len) == 0);
    }

    /* "+/" only in base64, "-_" only in base64url */
    ck_assert(api_auth::base64_decode("-_8=", out, n)
              == api_auth::status::malformed);
    ck_assert(api_auth::base64url_decode("+/8", out, n)
              == api_auth::status::malformed);
    /* padding inside, or three "=" */
    ck_assert(api_auth::base64_decode("YQ==YQ==", out, n)
              == api_auth::status::malformed);
    ck_assert(api_auth::base64_decode("Y===", out, n)
              == api_auth::status::malformed);
}
END_TEST


START_TEST(form_encoding_uses_upper_case_hex)
{
    char  out[32];
    char *end;

    end = api_auth::form_urlencode("a+b /=", out);
    ck_assert_string_eq(std::string(out, end), "a%2Bb+%2F%3D");
    ck_assert_uint_eq(api_auth::form_urlencoded_len("a+b /="),
                      static_cast<size_t>(end - out));
}
END_TEST


Suite *
text_suite(void)
{
    Suite  *s = suite_create("text");
    TCase  *tc = tcase_create("text");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, trim_ows_removes_sp_and_htab_only);
    tcase_add_test(tc, iequal_folds_ascii_only);
    tcase_add_test(tc, hex_table_has_both_cases);
    tcase_add_test(tc, hex_decode_lower_refuses_upper_case);
    tcase_add_test(tc, padded_and_unpadded_alphabets_agree);
    tcase_add_test(tc, form_encoding_uses_upper_case_hex);

    suite_add_tcase(s, tc);

    return s;
}
