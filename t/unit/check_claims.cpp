/*
 * claims.cpp: the flat claims record kept in shared memory, its bounds,
 * and a reader that survives corrupt input.
 */

#include <string>

#include "claims.hpp"
#include "unit.hpp"

using api_auth::claims_append;
using api_auth::claims_find;
using api_auth::max_claims_record;

START_TEST(append_then_find_round_trips)
{
    std::string       r;
    std::string_view  v;

    ck_assert(claims_append(r, "sub", "alice"));
    ck_assert(claims_append(r, "scope", "a b"));
    ck_assert(claims_find(r, "sub", v));
    ck_assert_string_eq(v, "alice");
    ck_assert(claims_find(r, "scope", v));
    ck_assert_string_eq(v, "a b");
}
END_TEST


START_TEST(record_layout_is_u8_name_u16le_value)
{
    std::string  r;
    std::string  value(300, 'v');

    ck_assert(claims_append(r, "ab", value));
    ck_assert_uint_eq(r.size(), 1 + 2 + 2 + 300);
    ck_assert_uint_eq(static_cast<uint8_t>(r[0]), 2);
    ck_assert_string_eq(r.substr(1, 2), "ab");
    ck_assert_uint_eq(static_cast<uint8_t>(r[3]), 300 & 0xff);
    ck_assert_uint_eq(static_cast<uint8_t>(r[4]), 300 >> 8);
}
END_TEST


START_TEST(missing_claim_is_not_found)
{
    std::string       r;
    std::string_view  v = "stale";

    ck_assert(!claims_find(r, "sub", v));
    ck_assert(v.empty());
    ck_assert(claims_append(r, "subject", "x"));
    ck_assert(!claims_find(r, "sub", v));
}
END_TEST


START_TEST(first_of_equal_names_wins)
{
    std::string       r;
    std::string_view  v;

    ck_assert(claims_append(r, "x", "1"));
    ck_assert(claims_append(r, "x", "2"));
    ck_assert(claims_find(r, "x", v));
    ck_assert_string_eq(v, "1");
}
END_TEST


START_TEST(empty_value_is_found)
{
    std::string       r;
    std::string_view  v = "stale";

    ck_assert(claims_append(r, "aud", ""));
    ck_assert(claims_find(r, "aud", v));
    ck_assert(v.empty());
}
END_TEST


START_TEST(name_must_be_1_to_255_bytes)
{
    std::string       r;
    std::string_view  v;

    ck_assert(!claims_append(r, "", "x"));
    ck_assert(!claims_append(r, std::string(256, 'n'), "x"));
    ck_assert(r.empty());
    ck_assert(claims_append(r, std::string(255, 'n'), "x"));
    ck_assert(claims_find(r, std::string(255, 'n'), v));
}
END_TEST


START_TEST(record_never_grows_past_its_bound)
{
    std::string       r;
    std::string_view  v;
    size_t            fill = max_claims_record - 3 - 1 - 10;

    ck_assert(!claims_append(r, "big", std::string(70000, 'x')));
    ck_assert(claims_append(r, "a", std::string(fill, 'x')));
    ck_assert_uint_eq(r.size(), max_claims_record - 10);

    /* 3 + 1 + 7 = 11 bytes do not fit in 10; 3 + 1 + 6 do */
    ck_assert(!claims_append(r, "b", "1234567"));
    ck_assert(claims_append(r, "c", "123456"));
    ck_assert_uint_eq(r.size(), max_claims_record);
    ck_assert(!claims_append(r, "d", ""));
    ck_assert(!claims_find(r, "b", v));
    ck_assert(claims_find(r, "c", v));
}
END_TEST


START_TEST(truncated_record_is_corrupt)
{
    std::string       r;
    std::string_view  v;

    ck_assert(claims_append(r, "sub", "alice"));
    ck_assert(claims_append(r, "zz", "bob"));

    for (size_t cut = 1; cut < r.size(); cut++) {
        /* every cut that splits the second entry hides it */
        ck_assert(!claims_find(std::string_view(r).substr(0, cut), "zz", v));
    }

    ck_assert(claims_find(r, "zz", v));
    ck_assert_string_eq(v, "bob");
}
END_TEST


START_TEST(garbage_record_is_rejected_without_overread)
{
    std::string_view  v;

    /* a zero-length name and a length that runs past the end */
    ck_assert(!claims_find(std::string("\0\0\0", 3), "x", v));
    ck_assert(!claims_find(std::string("\0\0\0", 3), "", v));
    ck_assert(!claims_find(std::string("\xff" "abc", 4), "abc", v));
    ck_assert(!claims_find(std::string("\x01x\xff\xff", 4), "x", v));
}
END_TEST


START_TEST(required_claim_string_is_compared_whole)
{
    std::string       r;
    std::string_view  want[] = { "a", "a b" };

    ck_assert(claims_append(r, "name", "a b"));
    ck_assert(api_auth::claims_hold(r, "name", want + 1, 1));
    ck_assert(!api_auth::claims_hold(r, "name", want, 1));
    ck_assert(!api_auth::claims_hold(r, "other", want, 2));
}
END_TEST


START_TEST(required_claim_list_holds_each_element)
{
    std::string       r;
    std::string_view  b[] = { "b" }, ab[] = { "a b" }, c[] = { "x", "c" };

    ck_assert(claims_append(r, "groups", "a b c", api_auth::claim_kind::list));
    ck_assert(api_auth::claims_hold(r, "groups", b, 1));
    ck_assert(api_auth::claims_hold(r, "groups", c, 2));
    ck_assert(!api_auth::claims_hold(r, "groups", ab, 1));
}
END_TEST


START_TEST(required_claim_never_matches_other_kinds)
{
    std::string       r;
    std::string_view  n[] = { "42" };

    ck_assert(claims_append(r, "n", "42", api_auth::claim_kind::other));
    ck_assert(!api_auth::claims_hold(r, "n", n, 1));
}
END_TEST


START_TEST(kind_is_kept_above_the_length)
{
    std::string           r;
    std::string_view      v;
    api_auth::claim_kind  k;

    ck_assert(claims_append(r, "l", "x y", api_auth::claim_kind::list));
    ck_assert_uint_eq(static_cast<uint8_t>(r[2]), 3);
    ck_assert_uint_eq(static_cast<uint8_t>(r[3]), 0x40);
    ck_assert(claims_find(r, "l", v, k));
    ck_assert_string_eq(v, "x y");
    ck_assert(k == api_auth::claim_kind::list);

    /* kind 3 does not exist: a corrupt record */
    r[3] = static_cast<char>(0xc0);
    ck_assert(!claims_find(r, "l", v));
}
END_TEST


Suite *
claims_suite(void)
{
    Suite  *s = suite_create("claims");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, append_then_find_round_trips);
    tcase_add_test(tc, record_layout_is_u8_name_u16le_value);
    tcase_add_test(tc, missing_claim_is_not_found);
    tcase_add_test(tc, first_of_equal_names_wins);
    tcase_add_test(tc, empty_value_is_found);
    tcase_add_test(tc, name_must_be_1_to_255_bytes);
    tcase_add_test(tc, record_never_grows_past_its_bound);
    tcase_add_test(tc, truncated_record_is_corrupt);
    tcase_add_test(tc, garbage_record_is_rejected_without_overread);

    tcase_add_test(tc, required_claim_string_is_compared_whole);
    tcase_add_test(tc, required_claim_list_holds_each_element);
    tcase_add_test(tc, required_claim_never_matches_other_kinds);
    tcase_add_test(tc, kind_is_kept_above_the_length);

    suite_add_tcase(s, tc);

    return s;
}
