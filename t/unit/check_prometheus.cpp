/*
 * prometheus.cpp: lines of the Prometheus text format 0.0.4, and the
 * escaping of label values and HELP text.
 */

#include <string>

#include "prometheus.hpp"
#include "unit.hpp"

using api_auth::prom_label;


START_TEST(family_has_help_then_type)
{
    std::string  out;

    api_auth::prom_family(out, "api_auth_requests_total",
                          "Requests checked.", "counter");
    ck_assert_string_eq(out, "# HELP api_auth_requests_total Requests "
                             "checked.\n# TYPE api_auth_requests_total "
                             "counter\n");
}
END_TEST


START_TEST(sample_without_labels_has_no_braces)
{
    std::string  out;

    api_auth::prom_sample(out, "x_total", nullptr, 0, uint64_t{0});
    api_auth::prom_sample(out, "x_total", nullptr, 0,
                          uint64_t{18446744073709551615u});
    ck_assert_string_eq(out, "x_total 0\nx_total 18446744073709551615\n");
}
END_TEST


START_TEST(labels_are_comma_separated_in_order)
{
    std::string  out;
    prom_label   l[] = { { "server", "api.example" }, { "location", "/v1" },
                         { "result", "allow" } };

    api_auth::prom_sample(out, "r_total", l, 3, uint64_t{7});
    ck_assert_string_eq(out, "r_total{server=\"api.example\","
                             "location=\"/v1\",result=\"allow\"} 7\n");
}
END_TEST


START_TEST(label_value_escapes_backslash_quote_newline)
{
    std::string  out;
    prom_label   l[] = { { "location", "~ ^/a\\d+\"x\"\ny" } };

    api_auth::prom_sample(out, "r", l, 1, "1");
    ck_assert_string_eq(out, "r{location=\"~ ^/a\\\\d+\\\"x\\\"\\ny\"} 1\n");
}
END_TEST


START_TEST(empty_label_value_is_kept)
{
    std::string  out;
    prom_label   l[] = { { "server", "" } };

    api_auth::prom_sample(out, "r", l, 1, "1");
    ck_assert_string_eq(out, "r{server=\"\"} 1\n");
}
END_TEST


START_TEST(help_escapes_backslash_and_newline_not_quote)
{
    std::string  out;

    api_auth::prom_escape_help(out, "a\\b\n\"c\"");
    ck_assert_string_eq(out, "a\\\\b\\n\"c\"");
}
END_TEST


START_TEST(seconds_from_milliseconds)
{
    ck_assert_string_eq(api_auth::prom_seconds(0), "0.000");
    ck_assert_string_eq(api_auth::prom_seconds(5), "0.005");
    ck_assert_string_eq(api_auth::prom_seconds(1250), "1.250");
    ck_assert_string_eq(api_auth::prom_seconds(123456), "123.456");
}
END_TEST


Suite *
prometheus_suite(void)
{
    Suite  *s = suite_create("prometheus");
    TCase  *tc = tcase_create("text format 0.0.4");

    tcase_add_test(tc, family_has_help_then_type);
    tcase_add_test(tc, sample_without_labels_has_no_braces);
    tcase_add_test(tc, labels_are_comma_separated_in_order);
    tcase_add_test(tc, label_value_escapes_backslash_quote_newline);
    tcase_add_test(tc, empty_label_value_is_kept);
    tcase_add_test(tc, help_escapes_backslash_and_newline_not_quote);
    tcase_add_test(tc, seconds_from_milliseconds);

    suite_add_tcase(s, tc);

    return s;
}
