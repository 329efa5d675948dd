/*
 * policy.cpp: RFC 6749 §3.3 scope checks, audience overlap, and the cache
 * lifetimes of SPEC.md "Introspection cache".
 */

#include <cstdint>
#include <limits>

#include "policy.hpp"
#include "unit.hpp"

using api_auth::audience_matches;
using api_auth::is_scope;
using api_auth::positive_ttl;
using api_auth::scope_implications;
using api_auth::scope_satisfies;
using api_auth::stale_deadline;

START_TEST(empty_required_scope_is_satisfied)
{
    ck_assert(scope_satisfies("", ""));
    ck_assert(scope_satisfies("a b", ""));
    ck_assert(scope_satisfies("a", "   "));
}
END_TEST


START_TEST(every_required_scope_must_be_granted)
{
    ck_assert(scope_satisfies("orders.read orders.write", "orders.write"));
    ck_assert(scope_satisfies("orders.read orders.write",
                              "orders.write orders.read"));
    ck_assert(!scope_satisfies("orders.read", "orders.read orders.write"));
    ck_assert(!scope_satisfies("", "orders.read"));
}
END_TEST


START_TEST(scope_match_is_exact_not_prefix)
{
    ck_assert(!scope_satisfies("orders.read", "orders"));
    ck_assert(!scope_satisfies("orders", "orders.read"));
    ck_assert(!scope_satisfies("Orders.Read", "orders.read"));
}
END_TEST


START_TEST(scope_lists_tolerate_runs_of_spaces)
{
    ck_assert(scope_satisfies("  a   b  ", "b  a"));
    ck_assert(!scope_satisfies("  a   b  ", "b  c"));
}
END_TEST


START_TEST(audience_matches_on_any_overlap)
{
    ck_assert(audience_matches("https://api.example", "https://api.example"));
    ck_assert(audience_matches("x y z", "q z"));
    ck_assert(!audience_matches("x y", "q r"));
    ck_assert(!audience_matches("api", "api.example"));
}
END_TEST


START_TEST(empty_audience_never_matches)
{
    ck_assert(!audience_matches("", "api"));
    ck_assert(!audience_matches("   ", "api"));
    ck_assert(!audience_matches("api", ""));
}
END_TEST


START_TEST(scope_grammar_is_rfc6749)
{
    /* RFC 6749 §3.3 scope = scope-token *( SP scope-token ) */
    ck_assert(is_scope("a"));
    ck_assert(is_scope("orders.read orders.write"));
    ck_assert(is_scope("!#$%&'()*+,-./0:;<=>?@A[]^_`{|}~"));

    ck_assert(!is_scope(""));
    ck_assert(!is_scope(" "));
    ck_assert(!is_scope(" a"));
    ck_assert(!is_scope("a "));
    ck_assert(!is_scope("a  b"));
}
END_TEST


START_TEST(scope_token_is_nqchar_only)
{
    /* NQCHAR = %x21 / %x23-5B / %x5D-7E */
    ck_assert(!is_scope("orders.read\tadmin"));
    ck_assert(!is_scope("a\nb"));
    ck_assert(!is_scope("a\rb"));
    ck_assert(!is_scope(std::string_view("a\0b", 3)));
    ck_assert(!is_scope("a\x7f"));
    ck_assert(!is_scope("a\"b"));
    ck_assert(!is_scope("a\\b"));
    ck_assert(!is_scope("caf\xc3\xa9"));
}
END_TEST


START_TEST(ttl_is_capped_by_max_ttl)
{
    ck_assert_int_eq(positive_ttl(1000, 5000, 300), 300);
    ck_assert_int_eq(positive_ttl(1000, 1100, 300), 100);
    ck_assert_int_eq(positive_ttl(1000, 1300, 300), 300);
}
END_TEST


START_TEST(ttl_without_exp_is_max_ttl)
{
    ck_assert_int_eq(positive_ttl(1000, 0, 300), 300);
}
END_TEST


START_TEST(ttl_of_expired_token_is_zero)
{
    ck_assert_int_eq(positive_ttl(1000, 1000, 300), 0);
    ck_assert_int_eq(positive_ttl(1000, 999, 300), 0);
    ck_assert_int_eq(positive_ttl(1000, -5, 300), 0);
}
END_TEST


START_TEST(ttl_is_never_negative_and_never_overflows)
{
    const int64_t  max = std::numeric_limits<int64_t>::max();

    ck_assert_int_eq(positive_ttl(1000, 2000, -1), 0);
    ck_assert_int_eq(positive_ttl(-max, max, 300), 300);
    ck_assert_int_eq(positive_ttl(1000, max, max), max - 1000);
}
END_TEST


START_TEST(stale_deadline_without_exp)
{
    ck_assert_int_eq(stale_deadline(1300, 60, 0), 1360);
    ck_assert_int_eq(stale_deadline(1300, 0, 0), 1300);
}
END_TEST


START_TEST(stale_deadline_never_passes_exp)
{
    ck_assert_int_eq(stale_deadline(1300, 600, 1500), 1500);
    ck_assert_int_eq(stale_deadline(1300, 60, 1500), 1360);
}
END_TEST


START_TEST(stale_deadline_saturates)
{
    const int64_t  max = std::numeric_limits<int64_t>::max();

    ck_assert_int_eq(stale_deadline(max - 10, 60, 0), max);
    ck_assert_int_eq(stale_deadline(1300, -60, 0), 1300);
}
END_TEST


START_TEST(implied_scope_satisfies_requirement)
{
    scope_implications  imp;

    /* SPEC: api_auth_scope_implies mcp.admin mcp.read mcp.write; */
    ck_assert_status(imp.add("mcp.admin", "mcp.read mcp.write"), status::ok);

    ck_assert(scope_satisfies("mcp.admin", "mcp.read", imp));
    ck_assert(scope_satisfies("mcp.admin", "mcp.write mcp.read", imp));
    ck_assert(scope_satisfies("x mcp.admin", "mcp.admin mcp.read", imp));
    ck_assert(!scope_satisfies("mcp.admin", "mcp.delete", imp));
    ck_assert(!scope_satisfies("mcp.admin", "mcp.read mcp.delete", imp));
}
END_TEST


START_TEST(implication_is_one_way)
{
    scope_implications  imp;

    ck_assert_status(imp.add("mcp.admin", "mcp.read"), status::ok);

    ck_assert(!scope_satisfies("mcp.read", "mcp.admin", imp));
    ck_assert(!scope_satisfies("", "mcp.read", imp));
    ck_assert(!scope_satisfies("mcp.adminx", "mcp.read", imp));
    ck_assert(!scope_satisfies("mcp", "mcp.read", imp));
}
END_TEST


START_TEST(implication_is_transitive)
{
    scope_implications  imp;

    /* written child first: the order of directives does not matter */
    ck_assert_status(imp.add("write", "read"), status::ok);
    ck_assert_status(imp.add("admin", "write"), status::ok);
    ck_assert_status(imp.add("read", "list"), status::ok);

    ck_assert(scope_satisfies("admin", "read", imp));
    ck_assert(scope_satisfies("admin", "list write", imp));
    ck_assert(scope_satisfies("write", "list", imp));
    ck_assert(!scope_satisfies("write", "admin", imp));
    ck_assert_string_eq(imp.implied("admin"), "write read list");
    ck_assert_string_eq(imp.implied("list"), "");
}
END_TEST


START_TEST(implication_cycles_terminate)
{
    scope_implications  imp;

    ck_assert_status(imp.add("a", "b"), status::ok);
    ck_assert_status(imp.add("b", "c"), status::ok);
    ck_assert_status(imp.add("c", "a"), status::ok);
    ck_assert_status(imp.add("d", "d"), status::ok);

    ck_assert(scope_satisfies("a", "c", imp));
    ck_assert(scope_satisfies("c", "b", imp));
    ck_assert(!scope_satisfies("a", "d", imp));
    ck_assert(scope_satisfies("d", "d", imp));

    /* a scope never lists itself, each other scope once */
    ck_assert_string_eq(imp.implied("a"), "b c");
    ck_assert_string_eq(imp.implied("c"), "a b");
    ck_assert_string_eq(imp.implied("d"), "");
}
END_TEST


START_TEST(repeated_scope_adds_to_its_list)
{
    scope_implications  imp;

    ck_assert_status(imp.add("admin", "read"), status::ok);
    ck_assert_status(imp.add("admin", "write read"), status::ok);

    ck_assert_uint_eq(imp.size(), 1);
    ck_assert_string_eq(imp.implied("admin"), "read write");
    ck_assert(scope_satisfies("admin", "read write", imp));
}
END_TEST


START_TEST(implication_arguments_are_rfc6749_scopes)
{
    scope_implications  imp;

    ck_assert_status(imp.add("", "read"), status::malformed);
    ck_assert_status(imp.add("a b", "read"), status::malformed);
    ck_assert_status(imp.add("admin", ""), status::malformed);
    ck_assert_status(imp.add("admin", "read  write"), status::malformed);
    ck_assert_status(imp.add("admin", "re\"ad"), status::malformed);
    ck_assert_status(imp.add("ad\tmin", "read"), status::malformed);

    /* a refused directive leaves the table as it was */
    ck_assert(imp.empty());
    ck_assert(!scope_satisfies("admin", "read", imp));
}
END_TEST


START_TEST(empty_table_is_plain_scope_check)
{
    scope_implications  imp;

    ck_assert(imp.empty());
    ck_assert(scope_satisfies("a b", "b a", imp));
    ck_assert(scope_satisfies("a", "", imp));
    ck_assert(!scope_satisfies("a", "b", imp));
    ck_assert_string_eq(imp.implied("a"), "");
}
END_TEST


START_TEST(implication_lookup_is_exact)
{
    scope_implications  imp;

    ck_assert_status(imp.add("b", "x"), status::ok);
    ck_assert_status(imp.add("a", "y"), status::ok);
    ck_assert_status(imp.add("c", "z"), status::ok);

    /* sorted table: every entry found, no prefix or case match */
    ck_assert_string_eq(imp.implied("a"), "y");
    ck_assert_string_eq(imp.implied("b"), "x");
    ck_assert_string_eq(imp.implied("c"), "z");
    ck_assert_string_eq(imp.implied("B"), "");
    ck_assert_string_eq(imp.implied("bb"), "");
    ck_assert_string_eq(imp.implied(""), "");
    ck_assert(scope_satisfies("  c   a ", "z y", imp));
}
END_TEST


Suite *
policy_suite(void)
{
    Suite  *s = suite_create("policy");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, empty_required_scope_is_satisfied);
    tcase_add_test(tc, every_required_scope_must_be_granted);
    tcase_add_test(tc, scope_match_is_exact_not_prefix);
    tcase_add_test(tc, scope_lists_tolerate_runs_of_spaces);
    tcase_add_test(tc, audience_matches_on_any_overlap);
    tcase_add_test(tc, empty_audience_never_matches);
    tcase_add_test(tc, scope_grammar_is_rfc6749);
    tcase_add_test(tc, scope_token_is_nqchar_only);
    tcase_add_test(tc, ttl_is_capped_by_max_ttl);
    tcase_add_test(tc, ttl_without_exp_is_max_ttl);
    tcase_add_test(tc, ttl_of_expired_token_is_zero);
    tcase_add_test(tc, ttl_is_never_negative_and_never_overflows);
    tcase_add_test(tc, stale_deadline_without_exp);
    tcase_add_test(tc, stale_deadline_never_passes_exp);
    tcase_add_test(tc, stale_deadline_saturates);
    tcase_add_test(tc, implied_scope_satisfies_requirement);
    tcase_add_test(tc, implication_is_one_way);
    tcase_add_test(tc, implication_is_transitive);
    tcase_add_test(tc, implication_cycles_terminate);
    tcase_add_test(tc, repeated_scope_adds_to_its_list);
    tcase_add_test(tc, implication_arguments_are_rfc6749_scopes);
    tcase_add_test(tc, empty_table_is_plain_scope_check);
    tcase_add_test(tc, implication_lookup_is_exact);

    suite_add_tcase(s, tc);

    return s;
}
