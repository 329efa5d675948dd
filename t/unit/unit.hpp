/*
 * Shared helpers of the Check suites for src/core.
 */

#ifndef API_AUTH_UNIT_HPP
#define API_AUTH_UNIT_HPP

#include <check.h>

#include <string>
#include <string_view>

#include "status.hpp"

/* statuses compared as ints, so that a failure prints both values */
#define ck_assert_status(X, Y)                                               \
    ck_assert_int_eq(static_cast<int>(X), static_cast<int>(api_auth::Y))

/*
 * Strings of any kind (std::string, string_view, C string).  Check's
 * ck_assert_str_eq keeps only the char pointers, which would dangle when
 * they come from temporaries; copy both sides first.
 */
#define ck_assert_string_eq(X, Y)                                            \
    do {                                                                     \
        const std::string  ck_a_(X), ck_b_(Y);                               \
        ck_assert_msg(ck_a_ == ck_b_, "Assertion '%s == %s' failed: "        \
                      "\"%s\" != \"%s\"", #X, #Y, ck_a_.c_str(),               \
                      ck_b_.c_str());                                        \
    } while (0)

/* generous: the suites run under ASan and UBSan */
constexpr double  unit_timeout = 60.0;

Suite *digest_suite(void);
Suite *credentials_suite(void);
Suite *keyfile_suite(void);
Suite *policy_suite(void);
Suite *introspection_suite(void);
Suite *claims_suite(void);
Suite *challenge_suite(void);
Suite *url_suite(void);
Suite *resource_metadata_suite(void);
Suite *jwt_suite(void);
Suite *jwk_suite(void);
Suite *prometheus_suite(void);
Suite *identity_suite(void);
Suite *text_suite(void);
Suite *json_suite(void);
Suite *jwks_schedule_suite(void);

#endif
