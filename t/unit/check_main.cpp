/*
 * Runs every Check suite of src/core in one runner.  Check's default
 * fork mode is kept: a crash or abort in a test is a failed test, not a
 * dead runner.
 */

#include <cstdlib>

#include "unit.hpp"

int
main()
{
    SRunner  *sr;
    int       failed;

    sr = srunner_create(digest_suite());
    srunner_add_suite(sr, credentials_suite());
    srunner_add_suite(sr, keyfile_suite());
    srunner_add_suite(sr, policy_suite());
    srunner_add_suite(sr, introspection_suite());
    srunner_add_suite(sr, claims_suite());
    srunner_add_suite(sr, challenge_suite());
    srunner_add_suite(sr, url_suite());
    srunner_add_suite(sr, resource_metadata_suite());
    srunner_add_suite(sr, jwt_suite());
    srunner_add_suite(sr, jwk_suite());
    srunner_add_suite(sr, prometheus_suite());
    srunner_add_suite(sr, identity_suite());
    srunner_add_suite(sr, text_suite());
    srunner_add_suite(sr, json_suite());
    srunner_add_suite(sr, jwks_schedule_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
