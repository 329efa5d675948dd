/*
 * introspection.cpp: RFC 7662 §2.2 responses, parsed as hostile input
 * (SPEC.md: bad input gets a status, never a crash), the claims record
 * built from them, and the RFC 7662 §2.1 request encoding.
 */

#include <string>

#include "claims.hpp"
#include "introspection.hpp"
#include "policy.hpp"
#include "unit.hpp"

using api_auth::token_info;

/* a fixed "now": 2023-11-14T22:13:20Z */
static constexpr int64_t  now = 1700000000;

static api_auth::status
parse(std::string_view body, token_info &out)
{
    return api_auth::parse_introspection(body, now, out);
}


static std::string
claim(const token_info &info, std::string_view name)
{
    std::string_view  v;

    if (!api_auth::claims_find(info.claims, name, v)) {
        return "<absent>";
    }

    return std::string(v);
}


/* the claim names of the record, in order, space-joined */
static std::string
claim_names(const std::string &record)
{
    std::string  names;

    for (size_t pos = 0; pos < record.size(); /* void */) {
        size_t  n = static_cast<uint8_t>(record[pos]);
        size_t  v = (static_cast<uint8_t>(record[pos + 1 + n])
                     | static_cast<uint8_t>(record[pos + 2 + n]) << 8)
                    & 0x3fff;   /* the low 14 bits: the kind is above */

        names += (names.empty() ? "" : " ") + record.substr(pos + 1, n);
        pos += 3 + n + v;
    }

    return names;
}


static std::string
urlencode(std::string_view in)
{
    std::string  out(api_auth::form_urlencoded_len(in), '?');
    char        *end = api_auth::form_urlencode(in, &out[0]);

    ck_assert_uint_eq(static_cast<size_t>(end - out.data()), out.size());

    return out;
}


START_TEST(active_true_is_ok)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true})", info), status::ok);
    ck_assert_int_eq(info.exp, 0);
    ck_assert(info.claims.empty());
}
END_TEST


START_TEST(active_false_is_inactive)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":false,"sub":"x"})", info),
                     status::inactive);
    ck_assert(info.claims.empty());
}
END_TEST


START_TEST(active_missing_is_malformed)
{
    token_info  info;

    /* RFC 7662 §2.2: "active" is REQUIRED; SPEC.md: 503, not 401 */
    ck_assert_status(parse(R"({"sub":"x"})", info), status::malformed);
    ck_assert_status(parse("{}", info), status::malformed);
}
END_TEST


START_TEST(active_string_is_malformed)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":"true"})", info), status::malformed);
}
END_TEST


START_TEST(active_number_or_null_is_malformed)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":1})", info), status::malformed);
    ck_assert_status(parse(R"({"active":0})", info), status::malformed);
    ck_assert_status(parse(R"({"active":null})", info), status::malformed);
    ck_assert_status(parse(R"({"active":[true]})", info), status::malformed);
}
END_TEST


START_TEST(duplicate_keys_rejected)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":false,"active":true})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"sub":"a","sub":"b"})", info),
                     status::malformed);
}
END_TEST


START_TEST(non_object_top_level_is_malformed)
{
    token_info  info;

    ck_assert_status(parse(R"([{"active":true}])", info), status::malformed);
    ck_assert_status(parse(R"("active")", info), status::malformed);
    ck_assert_status(parse("true", info), status::malformed);
    ck_assert_status(parse("1", info), status::malformed);
    ck_assert_status(parse("null", info), status::malformed);
}
END_TEST


START_TEST(empty_or_truncated_body_is_malformed)
{
    token_info  info;

    ck_assert_status(parse("", info), status::malformed);
    ck_assert_status(parse("   ", info), status::malformed);
    ck_assert_status(parse(R"({"active":true)", info), status::malformed);
}
END_TEST


START_TEST(trailing_garbage_is_malformed)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true} x)", info), status::malformed);
    ck_assert_status(parse(R"({"active":true}{"active":true})", info),
                     status::malformed);
    /* trailing whitespace is not garbage */
    ck_assert_status(parse("{\"active\":true}\r\n", info), status::ok);
}
END_TEST


START_TEST(nul_bytes_are_malformed)
{
    token_info         info;
    const std::string  in_string("{\"active\":true,\"sub\":\"a\0b\"}", 28);
    const std::string  outside("{\"active\":true}\0", 16);

    ck_assert_status(parse(in_string, info), status::malformed);
    ck_assert_status(parse(outside, info), status::malformed);
    ck_assert_status(parse(R"({"active":true,"sub":"a\u0000b"})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"a\u0000":1})", info),
                     status::malformed);
}
END_TEST


START_TEST(oversized_body_rejected)
{
    token_info   info;
    std::string  body = R"({"active":true,"x":")";

    body.append(1024 * 1024, 'a');
    body += "\"}";

    ck_assert_status(parse(body, info), status::too_large);
}
END_TEST


START_TEST(body_of_exactly_the_limit_is_parsed)
{
    token_info   info;
    std::string  body = R"({"active":true})";

    body.append(api_auth::max_introspection_body - body.size(), ' ');
    ck_assert_status(parse(body, info), status::ok);

    body += ' ';
    ck_assert_status(parse(body, info), status::too_large);
}
END_TEST


START_TEST(deep_nesting_is_malformed_not_a_crash)
{
    token_info   info;
    std::string  body = R"({"active":true,"x":)";

    /* 10,000 levels: past jansson's JSON_PARSER_MAX_DEPTH (2048) */
    body.append(10000, '[');
    body.append(10000, ']');
    body += '}';

    ck_assert_status(parse(body, info), status::malformed);

    /* objects too */
    body = R"({"active":true,"x":)";
    for (int i = 0; i < 10000; i++) {
        body += R"({"a":)";
    }
    body += '1';
    body.append(10000, '}');
    body += '}';

    ck_assert_status(parse(body, info), status::malformed);
}
END_TEST


START_TEST(nesting_just_under_the_parser_limit_is_parsed)
{
    token_info   info;
    std::string  body = R"({"active":true,"sub":"a","x":)";

    /* 2,000 levels in the claim, 2,001 with the top-level object */
    body.append(2000, '[');
    body.append(2000, ']');
    body += '}';

    ck_assert_status(parse(body, info), status::ok);

    /* the 4,000-byte compact JSON does not fit the record: skipped */
    ck_assert_string_eq(claim(info, "x"), "<absent>");
    ck_assert_string_eq(claim(info, "sub"), "a");
}
END_TEST


START_TEST(moderate_nesting_is_kept_as_compact_json)
{
    token_info   info;
    std::string  body = R"({"active":true,"x":)";

    body.append(100, '[');
    body += "1";
    body.append(100, ']');
    body += '}';

    ck_assert_status(parse(body, info), status::ok);
    ck_assert_string_eq(claim(info, "x"),
                        std::string(100, '[') + "1"
                        + std::string(100, ']'));
}
END_TEST


START_TEST(huge_integer_is_malformed)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"x":99999999999999999999})",
                           info), status::malformed);
    ck_assert_status(parse(R"({"active":true,"exp":-99999999999999999999})",
                           info), status::malformed);
}
END_TEST


START_TEST(exp_in_past_is_inactive)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"exp":1699999999})", info),
                     status::inactive);
    ck_assert(info.claims.empty());
}
END_TEST


START_TEST(exp_equal_to_now_is_inactive)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"exp":1700000000})", info),
                     status::inactive);
}
END_TEST


START_TEST(exp_in_future_is_returned)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"exp":1700000300})", info),
                     status::ok);
    ck_assert_int_eq(info.exp, 1700000300);
    ck_assert_string_eq(claim(info, "exp"), "1700000300");
}
END_TEST


START_TEST(exp_negative_or_zero_is_inactive)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"exp":-1})", info),
                     status::inactive);
    ck_assert_status(parse(R"({"active":true,"exp":0})", info),
                     status::inactive);
    ck_assert_status(parse(R"({"active":true,"exp":-1e300})", info),
                     status::inactive);
}
END_TEST


START_TEST(exp_real_is_truncated)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"exp":1700000300.9})", info),
                     status::ok);
    ck_assert_int_eq(info.exp, 1700000300);

    /* 1700000000.5 truncates to now: no longer valid */
    ck_assert_status(parse(R"({"active":true,"exp":1700000000.5})", info),
                     status::inactive);
}
END_TEST


START_TEST(exp_huge_is_clamped_to_far_future)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"exp":1e300})", info),
                     status::ok);
    ck_assert_int_eq(info.exp, 253402300799LL);

    ck_assert_status(parse(R"({"active":true,"exp":9223372036854775807})",
                           info), status::ok);
    ck_assert_int_eq(info.exp, 253402300799LL);
}
END_TEST


START_TEST(exp_of_wrong_type_is_malformed)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"exp":"1800000000"})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"exp":null})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"exp":true})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"exp":[1800000000]})", info),
                     status::malformed);
}
END_TEST


START_TEST(nbf_in_future_is_inactive)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"nbf":1700000001})", info),
                     status::inactive);
    ck_assert_status(parse(R"({"active":true,"nbf":1700000000})", info),
                     status::ok);
    ck_assert_status(parse(R"({"active":true,"nbf":"0"})", info),
                     status::malformed);
}
END_TEST


START_TEST(identity_claims_of_wrong_type_are_malformed)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"scope":["a","b"]})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"client_id":42})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"sub":null})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"aud":7})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"aud":["a",7]})", info),
                     status::malformed);
}
END_TEST


START_TEST(inactive_ignores_the_other_members)
{
    token_info  info;

    /* RFC 7662 §2.2: an inactive response need carry nothing else */
    ck_assert_status(parse(R"({"active":false,"exp":"soon"})", info),
                     status::inactive);
}
END_TEST


START_TEST(identity_claims_come_first)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"iss":"https://as",)"
                           R"("aud":"api","exp":1700000300,"scope":"a b",)"
                           R"("sub":"alice","client_id":"gpt","jti":"j1"})",
                           info), status::ok);
    ck_assert_string_eq(claim_names(info.claims),
                        "client_id sub scope aud iss exp jti");
    ck_assert_string_eq(claim(info, "client_id"), "gpt");
    ck_assert_string_eq(claim(info, "sub"), "alice");
    ck_assert_string_eq(claim(info, "scope"), "a b");
    ck_assert_string_eq(claim(info, "iss"), "https://as");
}
END_TEST


START_TEST(active_is_not_in_the_record)
{
    token_info  info;

    ck_assert_status(parse(R"({"sub":"a","active":true})", info),
                     status::ok);
    ck_assert_string_eq(claim(info, "active"), "<absent>");
    ck_assert_string_eq(claim_names(info.claims), "sub");
}
END_TEST


START_TEST(aud_array_is_space_joined)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"aud":["a","b","c"]})", info),
                     status::ok);
    ck_assert_string_eq(claim(info, "aud"), "a b c");

    ck_assert_status(parse(R"({"active":true,"aud":[]})", info), status::ok);
    ck_assert_string_eq(claim(info, "aud"), "");
}
END_TEST


/* the review's case: one string is one audience, whatever it holds */
START_TEST(aud_string_with_a_space_is_one_value)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"aud":)"
                           R"("https://other.example https://api.example"})",
                           info),
                     status::ok);
    ck_assert(!api_auth::audience_matches(claim(info, "aud"),
                                          "https://api.example"));
    ck_assert(!api_auth::audience_matches(claim(info, "aud"),
                                          "https://other.example"));
    ck_assert_string_eq(claim(info, "aud"), "");
}
END_TEST


/* array elements are compared whole: no element splits into two */
START_TEST(aud_elements_keep_their_boundaries)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"aud":["x y","a\tb",)"
                           R"("c\u007fd","","ok"]})", info),
                     status::ok);
    ck_assert_string_eq(claim(info, "aud"), "ok");

    for (const char *t : { "x", "y", "a", "b", "c", "d" }) {
        ck_assert_msg(!api_auth::audience_matches(claim(info, "aud"), t),
                      "aud matched \"%s\"", t);
    }

    ck_assert(api_auth::audience_matches(claim(info, "aud"), "ok"));

    ck_assert_status(parse(R"({"active":true,"aud":"a\nb"})", info),
                     status::ok);
    ck_assert(!api_auth::audience_matches(claim(info, "aud"), "b"));
}
END_TEST


/* the review's case: a tab is not a scope delimiter */
START_TEST(scope_with_a_control_byte_grants_nothing)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"client_id":"c",)"
                           R"("scope":"orders.read\tadmin"})", info),
                     status::ok);
    ck_assert(!api_auth::scope_satisfies(claim(info, "scope"), "admin"));
    ck_assert(!api_auth::scope_satisfies(claim(info, "scope"),
                                         "orders.read"));
    ck_assert_string_eq(claim(info, "scope"), "<absent>");
    ck_assert_string_eq(claim(info, "client_id"), "c");

    for (const char *s : { R"({"active":true,"scope":"a\nb"})",
                           R"({"active":true,"scope":"a\rb"})",
                           R"({"active":true,"scope":"a\u0001b"})",
                           R"({"active":true,"scope":"a\u007fb"})" })
    {
        ck_assert_status(parse(s, info), status::ok);
        ck_assert_string_eq(claim(info, "scope"), "<absent>");
    }
}
END_TEST


START_TEST(scope_off_the_rfc6749_grammar_grants_nothing)
{
    token_info  info;

    for (const char *s : { R"({"active":true,"scope":"a  b"})",
                           R"({"active":true,"scope":" a"})",
                           R"({"active":true,"scope":"a "})",
                           R"({"active":true,"scope":""})",
                           R"({"active":true,"scope":"a\"b"})",
                           R"({"active":true,"scope":"a\\b"})",
                           R"({"active":true,"scope":"caf\u00e9"})" })
    {
        ck_assert_status(parse(s, info), status::ok);
        ck_assert_string_eq(claim(info, "scope"), "<absent>");
    }

    ck_assert_status(parse(R"({"active":true,"scope":"a b ~!"})", info),
                     status::ok);
    ck_assert_string_eq(claim(info, "scope"), "a b ~!");
}
END_TEST


/*
 * RFC 7662 §2.2 token_type; oidc-provider answers for a refresh token
 * sent with token_type_hint=access_token (issue 11, finding 10).
 */
START_TEST(refresh_token_type_is_inactive)
{
    token_info  info;

    for (const char *s : {
             R"({"active":true,"token_type":"refresh_token"})",
             R"({"active":true,"token_type":"Refresh_Token"})",
             R"({"active":true,"token_type":"refresh"})",
             R"({"active":true,"token_type":"REFRESH"})",
             R"({"active":true,"sub":"u","scope":"a","token_type":)"
             R"("urn:ietf:params:oauth:token-type:refresh_token"})" })
    {
        ck_assert_status(parse(s, info), status::inactive);
        ck_assert(info.claims.empty());
    }
}
END_TEST


START_TEST(access_token_types_pass)
{
    token_info  info;

    for (const char *s : {
             R"({"active":true,"token_type":"Bearer"})",
             R"({"active":true,"token_type":"bearer"})",
             R"({"active":true,"token_type":"DPoP"})",
             R"({"active":true,"token_type":"N_A"})",
             R"({"active":true,"token_type":"refresh_tokens"})",
             R"({"active":true,"token_type":""})",
             R"({"active":true})" })
    {
        ck_assert_status(parse(s, info), status::ok);
    }

    ck_assert_status(parse(R"({"active":true,"token_type":"Bearer"})", info),
                     status::ok);
    ck_assert_string_eq(claim(info, "token_type"), "Bearer");
}
END_TEST


START_TEST(token_type_of_wrong_type_is_malformed)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"token_type":1})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"token_type":["Bearer"]})",
                           info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":true,"token_type":null})", info),
                     status::malformed);
    ck_assert_status(parse(R"({"active":false,"token_type":1})", info),
                     status::inactive);
}
END_TEST


START_TEST(control_bytes_in_claims_become_spaces)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"sub":"a\r\nX-Evil: 1",)"
                           R"("note":["x\ty","\u007f"]})", info),
                     status::ok);
    ck_assert_string_eq(claim(info, "sub"), "a  X-Evil: 1");
    ck_assert_string_eq(claim(info, "note"), "x y  ");
}
END_TEST


START_TEST(claim_values_as_text)
{
    token_info  info;

    ck_assert_status(parse(R"({"active":true,"int":-42,"real":1.5,)"
                           R"("tiny":1e-7,"t":true,"f":false,"n":null,)"
                           R"("obj":{"k": [1, "v"]},"mixed":["a", 1],)"
                           R"("strs":["x","y"],"s":"caf\u00e9"})", info),
                     status::ok);
    ck_assert_string_eq(claim(info, "int"), "-42");
    ck_assert_string_eq(claim(info, "real"), "1.5");
    ck_assert_string_eq(claim(info, "tiny"), "1e-07");
    ck_assert_string_eq(claim(info, "t"), "true");
    ck_assert_string_eq(claim(info, "f"), "false");
    ck_assert_string_eq(claim(info, "n"), "<absent>");
    ck_assert_string_eq(claim(info, "obj"), R"({"k":[1,"v"]})");
    ck_assert_string_eq(claim(info, "mixed"), R"(["a",1])");
    ck_assert_string_eq(claim(info, "strs"), "x y");
    ck_assert_string_eq(claim(info, "s"), "caf\xc3\xa9");
}
END_TEST


START_TEST(oversized_claim_is_skipped_others_kept)
{
    token_info   info;
    std::string  body = R"({"active":true,"sub":"alice","big":")";

    body.append(api_auth::max_claims_record, 'x');
    body += R"(","small":"s"})";

    ck_assert_status(parse(body, info), status::ok);
    ck_assert_string_eq(claim(info, "big"), "<absent>");
    ck_assert_string_eq(claim(info, "small"), "s");
    ck_assert_string_eq(claim(info, "sub"), "alice");
    ck_assert_uint_le(info.claims.size(), api_auth::max_claims_record);
}
END_TEST


START_TEST(json_media_types)
{
    using api_auth::is_json_media_type;

    ck_assert(is_json_media_type("application/json"));
    ck_assert(is_json_media_type("application/json; charset=utf-8"));
    ck_assert(is_json_media_type("Application/JSON;charset=UTF-8"));
    ck_assert(is_json_media_type(" application/json "));
    ck_assert(is_json_media_type("application/token-introspection+json"));
    ck_assert(is_json_media_type(""));

    ck_assert(!is_json_media_type("text/html"));
    ck_assert(!is_json_media_type("text/plain; charset=utf-8"));
    ck_assert(!is_json_media_type("text/json"));
    ck_assert(!is_json_media_type("application/jwt"));
    ck_assert(!is_json_media_type("application/token-introspection+jwt"));
    ck_assert(!is_json_media_type("application/+json"));
    ck_assert(!is_json_media_type("application/jsonx"));
    ck_assert(!is_json_media_type("application/"));
    ck_assert(!is_json_media_type(";"));
    ck_assert(!is_json_media_type("json"));
}
END_TEST


START_TEST(plus_slash_equals_are_percent_encoded)
{
    ck_assert_string_eq(urlencode("a+b/c="), "a%2Bb%2Fc%3D");
}
END_TEST


START_TEST(form_unreserved_kept_and_space_is_plus)
{
    ck_assert_string_eq(urlencode("AZaz09*-._"), "AZaz09*-._");
    ck_assert_string_eq(urlencode("a b"), "a+b");
    ck_assert_string_eq(urlencode("~!&%"), "%7E%21%26%25");
    ck_assert_string_eq(urlencode("\xc3\xa9\x01"), "%C3%A9%01");
    ck_assert_string_eq(urlencode(""), "");
}
END_TEST


Suite *
introspection_suite(void)
{
    Suite  *s = suite_create("introspection");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, active_true_is_ok);
    tcase_add_test(tc, active_false_is_inactive);
    tcase_add_test(tc, active_missing_is_malformed);
    tcase_add_test(tc, active_string_is_malformed);
    tcase_add_test(tc, active_number_or_null_is_malformed);
    tcase_add_test(tc, duplicate_keys_rejected);
    tcase_add_test(tc, non_object_top_level_is_malformed);
    tcase_add_test(tc, empty_or_truncated_body_is_malformed);
    tcase_add_test(tc, trailing_garbage_is_malformed);
    tcase_add_test(tc, nul_bytes_are_malformed);
    tcase_add_test(tc, oversized_body_rejected);
    tcase_add_test(tc, body_of_exactly_the_limit_is_parsed);
    tcase_add_test(tc, deep_nesting_is_malformed_not_a_crash);
    tcase_add_test(tc, nesting_just_under_the_parser_limit_is_parsed);
    tcase_add_test(tc, moderate_nesting_is_kept_as_compact_json);
    tcase_add_test(tc, huge_integer_is_malformed);
    tcase_add_test(tc, exp_in_past_is_inactive);
    tcase_add_test(tc, exp_equal_to_now_is_inactive);
    tcase_add_test(tc, exp_in_future_is_returned);
    tcase_add_test(tc, exp_negative_or_zero_is_inactive);
    tcase_add_test(tc, exp_real_is_truncated);
    tcase_add_test(tc, exp_huge_is_clamped_to_far_future);
    tcase_add_test(tc, exp_of_wrong_type_is_malformed);
    tcase_add_test(tc, nbf_in_future_is_inactive);
    tcase_add_test(tc, identity_claims_of_wrong_type_are_malformed);
    tcase_add_test(tc, inactive_ignores_the_other_members);
    tcase_add_test(tc, identity_claims_come_first);
    tcase_add_test(tc, active_is_not_in_the_record);
    tcase_add_test(tc, aud_array_is_space_joined);
    tcase_add_test(tc, aud_string_with_a_space_is_one_value);
    tcase_add_test(tc, aud_elements_keep_their_boundaries);
    tcase_add_test(tc, scope_with_a_control_byte_grants_nothing);
    tcase_add_test(tc, scope_off_the_rfc6749_grammar_grants_nothing);
    tcase_add_test(tc, refresh_token_type_is_inactive);
    tcase_add_test(tc, access_token_types_pass);
    tcase_add_test(tc, token_type_of_wrong_type_is_malformed);
    tcase_add_test(tc, control_bytes_in_claims_become_spaces);
    tcase_add_test(tc, claim_values_as_text);
    tcase_add_test(tc, oversized_claim_is_skipped_others_kept);
    tcase_add_test(tc, plus_slash_equals_are_percent_encoded);
    tcase_add_test(tc, form_unreserved_kept_and_space_is_plus);
    tcase_add_test(tc, json_media_types);

    suite_add_tcase(s, tc);

    return s;
}
