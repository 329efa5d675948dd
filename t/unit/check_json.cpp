/*
 * json.cpp: claim text of JSON values, and the claims record of a
 * verified JWT, built by the rules of an introspection answer's.
 */

#include <string>

#include "claims.hpp"
#include "encoding.hpp"
#include "json.hpp"
#include "jwt.hpp"
#include "unit.hpp"

using api_auth::claims_find;

static std::string
text_of(const char *json)
{
    json_error_t         err;
    std::string          t;
    api_auth::claim_kind k;
    api_auth::json_ptr   v(json_loads(json, JSON_DECODE_ANY, &err));

    ck_assert_ptr_nonnull(v.get());
    ck_assert(api_auth::claim_text(v.get(), t, k));

    return t;
}


START_TEST(claim_text_of_each_json_type)
{
    ck_assert_string_eq(text_of("\"a\\nb\""), "a b");
    ck_assert_string_eq(text_of("42"), "42");
    ck_assert_string_eq(text_of("1.5"), "1.5");
    ck_assert_string_eq(text_of("true"), "true");
    ck_assert_string_eq(text_of("[\"x\",\"y\"]"), "x y");
    ck_assert_string_eq(text_of("[\"x\",1]"), "[\"x\",1]");
    ck_assert_string_eq(text_of("{\"k\":1}"), "{\"k\":1}");
}
END_TEST


START_TEST(json_holds_a_string_or_an_array_element)
{
    json_error_t       err;
    std::string_view   want[] = { "b" };
    api_auth::json_ptr s(json_loads("\"b\"", JSON_DECODE_ANY, &err));
    api_auth::json_ptr a(json_loads("[1,\"b\"]", 0, &err));
    api_auth::json_ptr n(json_loads("[\"a b\"]", 0, &err));

    ck_assert(api_auth::json_holds(s.get(), api_auth::string_list{ want, 1 }));
    ck_assert(api_auth::json_holds(a.get(), api_auth::string_list{ want, 1 }));
    ck_assert(!api_auth::json_holds(n.get(),
                                    api_auth::string_list{ want, 1 }));
}
END_TEST


START_TEST(jwt_record_has_identity_first_then_every_claim)
{
    api_auth::jwt     tok;
    std::string       rec, input;
    std::string_view  v;
    const std::string payload = R"({"iss":"i","sub":"s","scope":"x",)"
                                R"("aud":["a","b c"],"n":1.5,)"
                                R"("o":{"k":true},"t":null})";
    char              enc[256];

    input = "eyJhbGciOiJFUzI1NiJ9.";
    input.append(enc, api_auth::base64url_encode(
                          reinterpret_cast<const uint8_t *>(payload.data()),
                          payload.size(), enc));

    tok.signing_input = input;
    tok.client = "c1";
    tok.subject = "s";
    tok.scope = "x";

    ck_assert(api_auth::jwt_record(tok, rec) == api_auth::status::ok);

    ck_assert(claims_find(rec, api_auth::jwt_mark, v));
    ck_assert_string_eq(v, "c1");
    ck_assert(claims_find(rec, "aud", v));
    ck_assert_string_eq(v, "a");
    ck_assert(claims_find(rec, "iss", v));
    ck_assert_string_eq(v, "i");
    ck_assert(claims_find(rec, "n", v));
    ck_assert_string_eq(v, "1.5");
    ck_assert(claims_find(rec, "o", v));
    ck_assert_string_eq(v, "{\"k\":true}");
    ck_assert(!claims_find(rec, "t", v));
}
END_TEST


START_TEST(object_load_rules)
{
    api_auth::json_ptr  j;

    ck_assert_status(api_auth::json_object_load("{\"a\":[1,2]}", j), status::ok);
    ck_assert(json_is_array(json_object_get(j.get(), "a")));

    for (const char *text : { "[]", "1", "null", "{\"a\":1,\"a\":1}",
                              "{} x", "{\"a\":", "", " " })
    {
        ck_assert_msg(api_auth::json_object_load(text, j)
                      == api_auth::status::malformed, "loaded %s", text);
        ck_assert_ptr_null(j.get());
    }

    /* a NUL, escaped (jansson without JSON_ALLOW_NUL) or after the end */
    ck_assert_status(api_auth::json_object_load(
                         std::string_view("{\"a\":\"\\u0000\"}"), j),
                     status::malformed);
    ck_assert_status(api_auth::json_object_load(
                         std::string_view("{}\0", 3), j), status::malformed);
}
END_TEST

Suite *
json_suite(void)
{
    Suite  *s = suite_create("json");
    TCase  *tc = tcase_create("json");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, claim_text_of_each_json_type);
    tcase_add_test(tc, json_holds_a_string_or_an_array_element);
    tcase_add_test(tc, jwt_record_has_identity_first_then_every_claim);
    tcase_add_test(tc, object_load_rules);

    suite_add_tcase(s, tc);

    return s;
}
