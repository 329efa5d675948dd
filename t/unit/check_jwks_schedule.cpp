/*
 * jwks_schedule.cpp: when a fetched key set is used, refreshed and
 * fetched again (refresh=10m min_refresh=30s stale_if_error=24h unless a
 * test says otherwise).
 */

#include "jwks_schedule.hpp"
#include "unit.hpp"

static const api_auth::jwks_times  times = { 600, 30, 86400 };


START_TEST(never_loaded_is_unusable_and_due)
{
    api_auth::jwks_schedule  s;

    ck_assert(!s.usable(times, 1000));
    ck_assert(s.refresh_due(times, 1000));
    ck_assert(s.may_refetch(times, 1000));
}
END_TEST


START_TEST(a_fetch_in_flight_is_waited_for_until_its_bound)
{
    api_auth::jwks_schedule  s;

    s.start(1000, 60);
    ck_assert(s.in_flight(1059));
    ck_assert(!s.refresh_due(times, 1059));
    ck_assert(!s.may_refetch(times, 1059));
    ck_assert(!s.in_flight(1060));
}
END_TEST


START_TEST(refresh_after_refresh_time_only)
{
    api_auth::jwks_schedule  s;

    s.start(1000, 60);
    s.record_success(1000);
    ck_assert(s.usable(times, 1000));
    ck_assert(!s.refresh_due(times, 1599));
    ck_assert(s.refresh_due(times, 1600));
}
END_TEST


START_TEST(unknown_kid_refetches_once_per_min_refresh)
{
    api_auth::jwks_schedule  s;

    s.start(1000, 60);
    s.record_success(1001);
    ck_assert(!s.may_refetch(times, 1029));
    ck_assert(s.may_refetch(times, 1030));
    s.start(1030, 60);
    s.record_success(1030);
    ck_assert(!s.may_refetch(times, 1059));
    ck_assert(s.may_refetch(times, 1060));
}
END_TEST


START_TEST(failures_back_off_doubling_up_to_min_refresh)
{
    api_auth::jwks_schedule  s;
    int64_t                  now = 1000;
    const int64_t            want[] = { 1, 2, 4, 8, 16, 30, 30 };

    for (int64_t w : want) {
        s.start(now, 60);
        s.record_failure(times, now);
        ck_assert(s.failed);
        ck_assert_int_eq(s.retry - now, w);
        ck_assert(!s.refresh_due(times, now + w - 1));
        ck_assert(s.refresh_due(times, now + w));
        now += w;
    }

    s.start(now, 60);
    s.record_success(now);
    ck_assert(!s.failed);
    ck_assert_int_eq(s.failures, 0);
}
END_TEST


START_TEST(last_good_set_serves_until_stale_if_error_past_refresh)
{
    const api_auth::jwks_times  t = { 60, 10, 120 };
    api_auth::jwks_schedule     s;

    s.start(1000, 60);
    s.record_success(1000);
    s.start(1060, 60);
    s.record_failure(t, 1060);
    ck_assert(s.usable(t, 1179));
    ck_assert(!s.usable(t, 1180));
}
END_TEST


START_TEST(stale_if_error_zero_ends_at_refresh_time)
{
    const api_auth::jwks_times  t = { 60, 10, 0 };
    api_auth::jwks_schedule     s;

    s.start(1000, 60);
    s.record_success(1000);
    ck_assert(s.usable(t, 1059));
    ck_assert(!s.usable(t, 1060));
}
END_TEST


Suite *
jwks_schedule_suite()
{
    Suite  *s = suite_create("jwks_schedule");
    TCase  *tc = tcase_create("schedule");

    tcase_add_test(tc, never_loaded_is_unusable_and_due);
    tcase_add_test(tc, a_fetch_in_flight_is_waited_for_until_its_bound);
    tcase_add_test(tc, refresh_after_refresh_time_only);
    tcase_add_test(tc, unknown_kid_refetches_once_per_min_refresh);
    tcase_add_test(tc, failures_back_off_doubling_up_to_min_refresh);
    tcase_add_test(tc, last_good_set_serves_until_stale_if_error_past_refresh);
    tcase_add_test(tc, stale_if_error_zero_ends_at_refresh_time);
    suite_add_tcase(s, tc);

    return s;
}
