/*
 * challenge.cpp: RFC 7235 quoting and the WWW-Authenticate values of a
 * location.  The Part 1 strings are the ones t/001, t/002, t/010 and
 * t/031 expect from the adapter today, byte for byte.
 */

#include <string>

#include "challenge.hpp"
#include "unit.hpp"

using api_auth::build_challenges;
using api_auth::challenge_input;
using api_auth::challenges;
using api_auth::method_api_key;
using api_auth::method_oauth;

constexpr std::string_view  mcp_metadata =
    "https://api.example.com/.well-known/oauth-protected-resource/mcp";

static challenge_input
input(unsigned methods, bool basic, std::string_view scope = "",
      std::string_view realm = "api")
{
    challenge_input  in;

    in.realm = realm;
    in.methods = methods;
    in.basic_source = basic;
    in.scope = scope;
    in.resource = false;
    in.metadata_url = {};

    return in;
}


static challenge_input
resource_input(unsigned methods, bool basic, std::string_view scope)
{
    challenge_input  in = input(methods, basic, scope);

    in.resource = true;
    in.metadata_url = mcp_metadata;

    return in;
}


static std::string
quoted(std::string_view s)
{
    std::string  out(api_auth::quoted_max(s.size()), '\0');

    out.resize(api_auth::quote(s, &out[0]));

    return out;
}


START_TEST(quote_escapes_dquote_and_backslash)
{
    ck_assert_string_eq(quoted(""), "\"\"");
    ck_assert_string_eq(quoted("api"), "\"api\"");
    ck_assert_string_eq(quoted("orders api"), "\"orders api\"");
    ck_assert_string_eq(quoted("my \"api\" \\ v2"),
                        "\"my \\\"api\\\" \\\\ v2\"");
    ck_assert_string_eq(quoted("\"\\"), "\"\\\"\\\\\"");
}
END_TEST


START_TEST(quote_fits_quoted_max)
{
    std::string  all(100, '"'), out(api_auth::quoted_max(100) + 1, '!');

    /* every byte escaped: exactly quoted_max, nothing written past it */
    ck_assert_uint_eq(api_auth::quote(all, &out[0]), 202);
    ck_assert_uint_eq(out.size(), 203);
    ck_assert_int_eq(out[202], '!');
}
END_TEST


START_TEST(control_bytes_are_not_quotable)
{
    ck_assert(api_auth::is_quotable("orders \"v2\" \\ caf\xc3\xa9"));
    ck_assert(!api_auth::is_quotable("api\r\nSet-Cookie: x"));
    ck_assert(!api_auth::is_quotable("a\tb"));
    ck_assert(!api_auth::is_quotable("a\x7f"));
    ck_assert(!api_auth::is_quotable(std::string_view("a\0b", 3)));
}
END_TEST


START_TEST(api_key_with_basic_source_offers_both)
{
    challenges  c;

    /* t/001 and t/002: default sources "bearer basic" */
    ck_assert_status(build_challenges(input(method_api_key, true), c),
                     status::ok);
    ck_assert_string_eq(c.missing, "Bearer realm=\"api\", Basic realm=\"api\"");
    ck_assert_string_eq(c.invalid_request,
                        "Bearer realm=\"api\", error=\"invalid_request\"");
    ck_assert_string_eq(c.invalid_token,
                        "Bearer realm=\"api\", error=\"invalid_token\"");

    /* t/031 TEST 4: api_key oauth */
    ck_assert_status(build_challenges(input(method_api_key | method_oauth,
                                            true), c), status::ok);
    ck_assert_string_eq(c.missing, "Bearer realm=\"api\", Basic realm=\"api\"");
}
END_TEST


START_TEST(no_basic_challenge_without_basic_source)
{
    challenges  c;

    /* t/002 TESTs 8 and 13: "bearer" or header=X-API-Key only */
    ck_assert_status(build_challenges(input(method_api_key, false), c),
                     status::ok);
    ck_assert_string_eq(c.missing, "Bearer realm=\"api\"");

    /* t/010 TEST 2: oauth never offers Basic, whatever the key sources */
    ck_assert_status(build_challenges(input(method_oauth, true), c),
                     status::ok);
    ck_assert_string_eq(c.missing, "Bearer realm=\"api\"");
}
END_TEST


START_TEST(errors_never_carry_basic)
{
    challenges  c;

    ck_assert_status(build_challenges(input(method_api_key, true,
                                            "orders.write"), c), status::ok);
    ck_assert_string_eq(c.invalid_request,
                        "Bearer realm=\"api\", error=\"invalid_request\"");
    ck_assert_string_eq(c.invalid_token,
                        "Bearer realm=\"api\", error=\"invalid_token\"");
    ck_assert_string_eq(c.insufficient_scope,
                        "Bearer realm=\"api\", error=\"insufficient_scope\", "
                        "scope=\"orders.write\"");
}
END_TEST


START_TEST(insufficient_scope_names_every_required_scope)
{
    challenges  c;

    /* t/001: api_auth_require_scope orders.read orders.write */
    ck_assert_status(build_challenges(input(method_api_key, true,
                                            "orders.read orders.write"), c),
                     status::ok);
    ck_assert_string_eq(c.insufficient_scope,
                        "Bearer realm=\"api\", error=\"insufficient_scope\", "
                        "scope=\"orders.read orders.write\"");

    /* Part 1: the scope is on 403 only */
    ck_assert_string_eq(c.missing, "Bearer realm=\"api\", Basic realm=\"api\"");
    ck_assert_string_eq(c.invalid_token,
                        "Bearer realm=\"api\", error=\"invalid_token\"");
}
END_TEST


START_TEST(realm_is_quoted_in_every_challenge)
{
    challenges  c;

    /* t/001 TEST 22 */
    ck_assert_status(build_challenges(input(method_api_key, true,
                                            "orders.write", "orders api"),
                                      c), status::ok);
    ck_assert_string_eq(c.missing,
                        "Bearer realm=\"orders api\", "
                        "Basic realm=\"orders api\"");
    ck_assert_string_eq(c.insufficient_scope,
                        "Bearer realm=\"orders api\", "
                        "error=\"insufficient_scope\", scope=\"orders.write\"");

    /* t/001: api_auth_realm 'my "api" \ v2' */
    ck_assert_status(build_challenges(input(method_api_key, true, "",
                                            "my \"api\" \\ v2"), c),
                     status::ok);
    ck_assert_string_eq(c.invalid_token,
                        "Bearer realm=\"my \\\"api\\\" \\\\ v2\", "
                        "error=\"invalid_token\"");

    /* t/010 TEST 18 */
    ck_assert_status(build_challenges(input(method_oauth, false, "",
                                            "orders \"v2\""), c), status::ok);
    ck_assert_string_eq(c.invalid_token,
                        "Bearer realm=\"orders \\\"v2\\\"\", "
                        "error=\"invalid_token\"");
}
END_TEST


START_TEST(no_empty_scope_attribute)
{
    challenges  c;

    /* unreachable (no required scope, no 403), but never scope="" */
    ck_assert_status(build_challenges(input(method_oauth, false), c),
                     status::ok);
    ck_assert_string_eq(c.insufficient_scope,
                        "Bearer realm=\"api\", error=\"insufficient_scope\"");
}
END_TEST


START_TEST(resource_challenges_in_spec_order)
{
    challenges  c;

    ck_assert_status(build_challenges(resource_input(method_oauth, false,
                                                     "mcp.read mcp.write"),
                                      c), status::ok);
    ck_assert_string_eq(c.missing,
                        "Bearer realm=\"api\", scope=\"mcp.read mcp.write\", "
                        "resource_metadata=\"https://api.example.com/"
                        ".well-known/oauth-protected-resource/mcp\"");
    ck_assert_string_eq(c.invalid_request,
                        "Bearer realm=\"api\", error=\"invalid_request\", "
                        "scope=\"mcp.read mcp.write\", "
                        "resource_metadata=\"https://api.example.com/"
                        ".well-known/oauth-protected-resource/mcp\"");
    ck_assert_string_eq(c.invalid_token,
                        "Bearer realm=\"api\", error=\"invalid_token\", "
                        "scope=\"mcp.read mcp.write\", "
                        "resource_metadata=\"https://api.example.com/"
                        ".well-known/oauth-protected-resource/mcp\"");
    ck_assert_string_eq(c.insufficient_scope,
                        "Bearer realm=\"api\", error=\"insufficient_scope\", "
                        "scope=\"mcp.read mcp.write\", "
                        "resource_metadata=\"https://api.example.com/"
                        ".well-known/oauth-protected-resource/mcp\"");
}
END_TEST


START_TEST(resource_without_required_scope_has_no_scope)
{
    challenges  c;

    ck_assert_status(build_challenges(resource_input(method_oauth, false, ""),
                                      c), status::ok);
    ck_assert_string_eq(c.missing,
                        "Bearer realm=\"api\", resource_metadata="
                        "\"https://api.example.com/.well-known/"
                        "oauth-protected-resource/mcp\"");
    ck_assert_string_eq(c.invalid_token,
                        "Bearer realm=\"api\", error=\"invalid_token\", "
                        "resource_metadata=\"https://api.example.com/"
                        ".well-known/oauth-protected-resource/mcp\"");
}
END_TEST


START_TEST(resource_basic_challenge_follows_bearer)
{
    challenges  c;

    ck_assert_status(build_challenges(resource_input(method_api_key
                                                     | method_oauth, true,
                                                     "mcp.read"), c),
                     status::ok);
    ck_assert_string_eq(c.missing,
                        "Bearer realm=\"api\", scope=\"mcp.read\", "
                        "resource_metadata=\"https://api.example.com/"
                        ".well-known/oauth-protected-resource/mcp\", "
                        "Basic realm=\"api\"");
}
END_TEST


START_TEST(api_key_only_resource_keeps_part1)
{
    challenges  c;

    ck_assert_status(build_challenges(resource_input(method_api_key, true,
                                                     "mcp.read"), c),
                     status::ok);
    ck_assert_string_eq(c.missing, "Bearer realm=\"api\", Basic realm=\"api\"");
    ck_assert_string_eq(c.invalid_token,
                        "Bearer realm=\"api\", error=\"invalid_token\"");
    ck_assert_string_eq(c.insufficient_scope,
                        "Bearer realm=\"api\", error=\"insufficient_scope\", "
                        "scope=\"mcp.read\"");
}
END_TEST


START_TEST(resource_with_metadata_off_has_scope_only)
{
    challenges       c;
    challenge_input  in = resource_input(method_oauth, false, "mcp.read");

    in.metadata_url = {};

    ck_assert_status(build_challenges(in, c), status::ok);
    ck_assert_string_eq(c.missing, "Bearer realm=\"api\", scope=\"mcp.read\"");
    ck_assert_string_eq(c.insufficient_scope,
                        "Bearer realm=\"api\", error=\"insufficient_scope\", "
                        "scope=\"mcp.read\"");
}
END_TEST


START_TEST(control_bytes_are_refused)
{
    challenges       c;
    challenge_input  in = input(method_oauth, false, "", "api\r\nX: y");

    ck_assert_status(build_challenges(in, c), status::malformed);

    in = resource_input(method_oauth, false, "a");
    in.metadata_url = "https://x/\n";
    ck_assert_status(build_challenges(in, c), status::malformed);
}
END_TEST


START_TEST(output_is_replaced_not_appended)
{
    challenges  c;

    c.missing = "stale";
    c.insufficient_scope = "stale";

    ck_assert_status(build_challenges(input(method_oauth, false, "a"), c),
                     status::ok);
    ck_assert_string_eq(c.missing, "Bearer realm=\"api\"");
    ck_assert_string_eq(c.insufficient_scope,
                        "Bearer realm=\"api\", error=\"insufficient_scope\", "
                        "scope=\"a\"");
}
END_TEST


Suite *
challenge_suite(void)
{
    Suite  *s = suite_create("challenge");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, quote_escapes_dquote_and_backslash);
    tcase_add_test(tc, quote_fits_quoted_max);
    tcase_add_test(tc, control_bytes_are_not_quotable);
    tcase_add_test(tc, api_key_with_basic_source_offers_both);
    tcase_add_test(tc, no_basic_challenge_without_basic_source);
    tcase_add_test(tc, errors_never_carry_basic);
    tcase_add_test(tc, insufficient_scope_names_every_required_scope);
    tcase_add_test(tc, realm_is_quoted_in_every_challenge);
    tcase_add_test(tc, no_empty_scope_attribute);
    tcase_add_test(tc, resource_challenges_in_spec_order);
    tcase_add_test(tc, resource_without_required_scope_has_no_scope);
    tcase_add_test(tc, resource_basic_challenge_follows_bearer);
    tcase_add_test(tc, api_key_only_resource_keeps_part1);
    tcase_add_test(tc, resource_with_metadata_off_has_scope_only);
    tcase_add_test(tc, control_bytes_are_refused);
    tcase_add_test(tc, output_is_replaced_not_appended);

    suite_add_tcase(s, tc);

    return s;
}
