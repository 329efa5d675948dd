/*
 * identity.cpp: the one access decision (expiry, audience, required
 * claims, scope, in that order) and the identity read from a claims
 * record.
 */

#include <string>

#include "claims.hpp"
#include "identity.hpp"
#include "unit.hpp"

using api_auth::authorize;
using api_auth::claims_append;
using api_auth::denial;
using api_auth::identity;
using api_auth::required_claim;
using api_auth::requirements;
using api_auth::verdict;

#define ck_assert_result(V, R, W)                                            \
    do {                                                                     \
        const verdict  ck_v_ = (V);                                          \
        ck_assert_int_eq(ck_v_.outcome, api_auth::R);                        \
        ck_assert_int_eq(static_cast<int>(ck_v_.why),                        \
                         static_cast<int>(denial::W));                       \
    } while (0)


static identity
key(std::string_view scope, int64_t expiry)
{
    identity  id;

    id.method = api_auth::method_api_key;
    id.client = "ci";
    id.scope = scope;
    id.expiry = expiry;

    return id;
}


START_TEST(nothing_required_allows)
{
    requirements  req;

    ck_assert_result(authorize(key("", 0), req, 1000), result_allow, none);
}
END_TEST


START_TEST(expiry_is_the_first_second_refused)
{
    requirements  req;

    ck_assert_result(authorize(key("", 1000), req, 999), result_allow, none);
    ck_assert_result(authorize(key("", 1000), req, 1000),
                     result_invalid_token, expired);
    ck_assert_result(authorize(key("", 1000), req, 5000),
                     result_invalid_token, expired);
}
END_TEST


START_TEST(missing_scope_is_insufficient_scope)
{
    requirements  req;

    req.scope = "orders.read orders.write";

    ck_assert_result(authorize(key("orders.read", 0), req, 1),
                     result_insufficient_scope, scope);
    ck_assert_result(authorize(key("orders.write orders.read", 0), req, 1),
                     result_allow, none);
}
END_TEST


START_TEST(implied_scope_is_granted)
{
    requirements                   req;
    api_auth::scope_implications   imp;

    ck_assert(imp.add("admin", "orders.read") == api_auth::status::ok);
    req.scope = "orders.read";

    ck_assert_result(authorize(key("admin", 0), req, 1),
                     result_insufficient_scope, scope);

    req.implies = &imp;
    ck_assert_result(authorize(key("admin", 0), req, 1), result_allow, none);
}
END_TEST


START_TEST(audience_is_checked_only_when_accepted_are_given)
{
    std::string   rec;
    identity      id;
    requirements  req;

    ck_assert(claims_append(rec, "aud", "https://a https://b"));
    id.method = api_auth::method_oauth;
    id.claims = rec;

    ck_assert_result(authorize(id, req, 1), result_allow, none);

    req.audiences = "https://b";
    ck_assert_result(authorize(id, req, 1), result_allow, none);

    req.audiences = "https://c";
    ck_assert_result(authorize(id, req, 1), result_invalid_token, audience);

    /* no aud claim at all */
    id.claims = std::string_view();
    req.audiences = "https://a";
    ck_assert_result(authorize(id, req, 1), result_invalid_token, audience);
}
END_TEST


START_TEST(wrong_audience_beats_missing_scope)
{
    std::string   rec;
    identity      id;
    requirements  req;

    ck_assert(claims_append(rec, "aud", "x"));
    id.claims = rec;
    req.audiences = "y";
    req.scope = "s";

    ck_assert_result(authorize(id, req, 1), result_invalid_token, audience);
}
END_TEST


START_TEST(every_required_claim_must_hold)
{
    std::string       rec;
    identity          id;
    requirements      req;
    verdict           v;
    std::string_view  tenants[] = { "t1", "t2" };
    std::string_view  roles[] = { "admin" };
    required_claim    c[2];

    ck_assert(claims_append(rec, "tenant", "t2"));
    ck_assert(claims_append(rec, "role", "user"));
    id.claims = rec;

    c[0].name = "tenant";
    c[0].values.items = tenants;
    c[0].values.size = 2;
    c[1].name = "role";
    c[1].values.items = roles;
    c[1].values.size = 1;

    req.claims.items = c;
    req.claims.size = 1;
    ck_assert_result(authorize(id, req, 1), result_allow, none);

    req.claims.size = 2;
    v = authorize(id, req, 1);
    ck_assert_result(v, result_invalid_token, claim);
    ck_assert_string_eq(v.claim, "role");

    /* an absent claim holds nothing */
    c[1].name = "group";
    ck_assert_result(authorize(id, req, 1), result_invalid_token, claim);
}
END_TEST


START_TEST(identity_is_read_from_the_record)
{
    std::string  rec;
    identity     id;

    ck_assert(claims_append(rec, "client_id", "app"));
    ck_assert(claims_append(rec, "sub", "alice"));
    ck_assert(claims_append(rec, "scope", "a b"));

    ck_assert(!api_auth::identity_from_claims(rec, id));
    ck_assert_string_eq(id.client, "app");
    ck_assert_string_eq(id.subject, "alice");
    ck_assert_string_eq(id.scope, "a b");
    ck_assert_uint_eq(id.claims.size(), rec.size());
}
END_TEST


START_TEST(jwt_mark_names_the_client)
{
    std::string  rec;
    identity     id;

    ck_assert(claims_append(rec, api_auth::jwt_mark, "azp-client"));
    ck_assert(claims_append(rec, "client_id", "other"));

    ck_assert(api_auth::identity_from_claims(rec, id));
    ck_assert_string_eq(id.client, "azp-client");
}
END_TEST


Suite *
identity_suite(void)
{
    Suite  *s = suite_create("identity");
    TCase  *tc = tcase_create("authorize");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, nothing_required_allows);
    tcase_add_test(tc, expiry_is_the_first_second_refused);
    tcase_add_test(tc, missing_scope_is_insufficient_scope);
    tcase_add_test(tc, implied_scope_is_granted);
    tcase_add_test(tc, audience_is_checked_only_when_accepted_are_given);
    tcase_add_test(tc, wrong_audience_beats_missing_scope);
    tcase_add_test(tc, every_required_claim_must_hold);
    tcase_add_test(tc, identity_is_read_from_the_record);
    tcase_add_test(tc, jwt_mark_names_the_client);

    suite_add_tcase(s, tc);

    return s;
}
