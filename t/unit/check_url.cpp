/*
 * url.cpp: the nginx -t rules for api_auth_resource,
 * api_auth_authorization_servers and api_auth_resource_documentation
 * (SPEC.md "MCP-ready resource server").
 */

#include <string>

#include "url_parts.hpp"
#include "unit.hpp"
#include "url.hpp"

using api_auth::check_url;
using api_auth::url_error;
using api_auth::url_use;

#define ck_assert_url(URL, USE, E)                                           \
    ck_assert_int_eq(static_cast<int>(check_url(URL, url_use::USE)),         \
                     static_cast<int>(url_error::E))


START_TEST(resource_is_absolute_https)
{
    ck_assert_url("https://api.example.com/mcp", resource, ok);
    ck_assert_url("https://api.example.com", resource, ok);
    ck_assert_url("https://api.example.com/", resource, ok);
    ck_assert_url("https://api.example.com:8443/v1/mcp/", resource, ok);
    ck_assert_url("https://10.0.0.7/mcp", resource, ok);
    ck_assert_url("https://[2001:db8::1]:8443/mcp", resource, ok);
    ck_assert_url("https://api.example.com/a%20b", resource, ok);

    ck_assert_url("", resource, not_absolute);
    ck_assert_url("/mcp", resource, not_absolute);
    ck_assert_url("api.example.com/mcp", resource, not_absolute);
    ck_assert_url("https:api.example.com", resource, not_absolute);
    ck_assert_url("://api.example.com", resource, not_absolute);
    ck_assert_url("ftp://api.example.com/mcp", resource, scheme);
    ck_assert_url("urn://x", resource, scheme);
}
END_TEST


START_TEST(http_only_for_loopback)
{
    ck_assert_url("http://127.0.0.1:8080/mcp", resource, ok);
    ck_assert_url("http://localhost:3000/mcp", resource, ok);
    ck_assert_url("http://[::1]:8080/mcp", resource, ok);
    ck_assert_url("http://localhost", resource, ok);

    ck_assert_url("http://api.example.com/mcp", resource, not_loopback);
    ck_assert_url("http://127.0.0.2/mcp", resource, not_loopback);
    ck_assert_url("http://localhost.example.com/mcp", resource,
                  not_loopback);
    ck_assert_url("http://[::2]/mcp", resource, not_loopback);
    ck_assert_url("http://api.example.com/mcp", issuer, not_loopback);
    ck_assert_url("http://api.example.com/docs", documentation,
                  not_loopback);
}
END_TEST


START_TEST(no_fragment_no_query_no_userinfo)
{
    ck_assert_url("https://api.example.com/mcp?x=1", resource, query);
    ck_assert_url("https://api.example.com/mcp?", resource, query);
    ck_assert_url("https://api.example.com/mcp#top", resource, fragment);
    ck_assert_url("https://api.example.com#top", resource, fragment);
    ck_assert_url("https://api.example.com?x", resource, query);
    ck_assert_url("https://user@api.example.com/mcp", resource, userinfo);
    ck_assert_url("https://u:p@api.example.com/mcp", resource, userinfo);
    ck_assert_url("https://@api.example.com/mcp", resource, userinfo);
}
END_TEST


START_TEST(host_and_port_are_checked)
{
    ck_assert_url("https:///mcp", resource, host);
    ck_assert_url("https://", resource, host);
    ck_assert_url("https://:443/mcp", resource, host);
    ck_assert_url("https://a:b:c/mcp", resource, host);
    ck_assert_url("https://[::1/mcp", resource, host);
    ck_assert_url("https://[]/mcp", resource, host);
    ck_assert_url("https://[127.0.0.1]/mcp", resource, host);
    ck_assert_url("https://a!b/mcp", resource, host);
    ck_assert_url("https://a%41/mcp", resource, host);

    ck_assert_url("https://api.example.com:/mcp", resource, port);
    ck_assert_url("https://api.example.com:0/mcp", resource, port);
    ck_assert_url("https://api.example.com:65536/mcp", resource, port);
    ck_assert_url("https://api.example.com:123456/mcp", resource, port);
    ck_assert_url("https://api.example.com:8x/mcp", resource, port);
    ck_assert_url("https://api.example.com:65535/mcp", resource, ok);
}
END_TEST


START_TEST(only_uri_characters)
{
    ck_assert_url("https://api.example.com/m cp", resource, character);
    ck_assert_url("https://api.example.com/m\"cp", resource, character);
    ck_assert_url("https://api.example.com/m\\cp", resource, character);
    ck_assert_url("https://api.example.com/mcp\r\n", resource, character);
    ck_assert_url("https://api.example.com/caf\xc3\xa9", resource,
                  character);
    ck_assert_url("https://api.example.com/%zz", resource, character);
    ck_assert_url("https://api.example.com/%4", resource, character);
    ck_assert_url("https://api.example.com/%", resource, character);
    ck_assert_url("https://api.example.com/a[1]", resource, character);
    ck_assert_url(std::string_view("https://a/\0", 11), resource, character);
}
END_TEST


START_TEST(resource_is_in_canonical_form)
{
    /* a client lowers these and drops default ports before comparing */
    ck_assert_url("HTTPS://api.example.com/mcp", resource, uppercase);
    ck_assert_url("https://API.example.com/mcp", resource, uppercase);
    ck_assert_url("https://[2001:DB8::1]/mcp", resource, uppercase);
    ck_assert_url("https://api.example.com/MCP", resource, ok);
    ck_assert_url("https://api.example.com:443/mcp", resource, default_port);
    ck_assert_url("http://localhost:80/mcp", resource, default_port);
    ck_assert_url("http://localhost:443/mcp", resource, ok);

    ck_assert_url("https://api.example.com/./mcp", resource, dot_segment);
    ck_assert_url("https://api.example.com/a/../mcp", resource,
                  dot_segment);
    ck_assert_url("https://api.example.com/mcp/..", resource, dot_segment);
    ck_assert_url("https://api.example.com/%2E%2e/mcp", resource,
                  dot_segment);
    ck_assert_url("https://api.example.com/.%2e", resource, dot_segment);
    ck_assert_url("https://api.example.com/...", resource, ok);
    ck_assert_url("https://api.example.com/.well-known/x", resource, ok);
    ck_assert_url("https://api.example.com//mcp", resource, ok);
}
END_TEST


START_TEST(issuer_rules_are_the_resource_rules)
{
    ck_assert_url("https://auth.example.com", issuer, ok);
    ck_assert_url("https://auth.example.com/tenant/1", issuer, ok);
    ck_assert_url("http://127.0.0.1:9781", issuer, ok);
    ck_assert_url("https://auth.example.com/?x", issuer, query);
    ck_assert_url("https://auth.example.com/#x", issuer, fragment);
    ck_assert_url("https://u@auth.example.com", issuer, userinfo);
    ck_assert_url("https://Auth.example.com", issuer, uppercase);
    ck_assert_url("auth.example.com", issuer, not_absolute);
}
END_TEST


START_TEST(documentation_may_have_query_and_fragment)
{
    ck_assert_url("https://docs.example.com/mcp?lang=en#auth",
                  documentation, ok);
    ck_assert_url("https://Docs.example.com:443/a/../b", documentation, ok);
    ck_assert_url("http://localhost:8000/docs", documentation, ok);

    ck_assert_url("https://u@docs.example.com/", documentation, userinfo);
    ck_assert_url("https://docs.example.com/a b", documentation, character);
    ck_assert_url("https://docs.example.com:99999/", documentation, port);
    ck_assert_url("mailto:help@example.com", documentation, not_absolute);
}
END_TEST


START_TEST(every_error_has_a_reason)
{
    int  e;

    for (e = static_cast<int>(url_error::ok);
         e <= static_cast<int>(url_error::fragment); e++)
    {
        std::string_view  why =
            api_auth::url_error_text(static_cast<url_error>(e));

        ck_assert(!why.empty());
        ck_assert(why != "is invalid");
    }

    ck_assert_string_eq(api_auth::url_error_text(url_error::not_loopback),
                        "is http: allowed only for 127.0.0.1, [::1] and "
                        "localhost");
}
END_TEST


START_TEST(url_path_is_between_host_and_query)
{
    ck_assert_string_eq(api_auth::url_path("https://a.example/mcp"), "/mcp");
    ck_assert_string_eq(api_auth::url_path("https://a.example:1/x/y/"),
                        "/x/y/");
    ck_assert_string_eq(api_auth::url_path("https://a.example"), "");
    ck_assert_string_eq(api_auth::url_path("https://a.example?q"), "");
    ck_assert_string_eq(api_auth::url_path("https://a.example/d?q#f"), "/d");
    ck_assert_string_eq(api_auth::url_path("https://[::1]:8/p"), "/p");
    ck_assert_string_eq(api_auth::url_path("not a url"), "");
}
END_TEST


START_TEST(parts_of_a_url)
{
    api_auth::url_parts  p;
    std::string_view     u = "https://a.example:8443/p/q?x=1#f";

    ck_assert(api_auth::url_split(u, p) == url_error::ok);
    ck_assert_string_eq(p.scheme, "https");
    ck_assert_string_eq(p.host, "a.example");
    ck_assert_string_eq(p.port, "8443");
    ck_assert_string_eq(p.path, "/p/q");
    ck_assert_uint_eq(p.rest, u.find('?'));

    ck_assert(api_auth::url_split("http://[::1]:80", p) == url_error::ok);
    ck_assert_string_eq(p.host, "[::1]");
    ck_assert_string_eq(p.port, "80");
    ck_assert_string_eq(p.path, "");

    ck_assert(api_auth::url_split("https://[::1]/#", p) == url_error::ok);
    ck_assert_string_eq(p.host, "[::1]");
    ck_assert_string_eq(p.port, "");

    ck_assert(api_auth::url_split("a.example/x", p)
              == url_error::not_absolute);
    ck_assert(api_auth::url_split("https://u@h/", p) == url_error::userinfo);
    ck_assert(api_auth::url_split("https://h:/", p) == url_error::port);
    ck_assert(api_auth::url_split("https://h/%zz", p)
              == url_error::character);
}
END_TEST


START_TEST(host_and_port_rules)
{
    for (const char *h : { "a.example", "127.0.0.1", "[::1]", "[fe80::1]",
                           "a-b_c~d" })
    {
        ck_assert_msg(api_auth::url_valid_host(h), "refused %s", h);
    }

    for (const char *h : { "", "[]", "[1.2.3.4]", "a b", "a%20b", "[::1" }) {
        ck_assert_msg(!api_auth::url_valid_host(h), "accepted %s", h);
    }

    ck_assert(api_auth::url_check_port("", true) == url_error::ok);
    ck_assert(api_auth::url_check_port("8443", true) == url_error::ok);
    ck_assert(api_auth::url_check_port("443", false) == url_error::ok);
    ck_assert(api_auth::url_check_port("443", true)
              == url_error::default_port);
    ck_assert(api_auth::url_check_port("80", false)
              == url_error::default_port);
    ck_assert(api_auth::url_check_port("65535", true) == url_error::ok);

    for (const char *bad : { "0", "65536", "123456", "8a", "-1", "00000" }) {
        ck_assert_msg(api_auth::url_check_port(bad, true) == url_error::port,
                      "port %s", bad);
    }
}
END_TEST

Suite *
url_suite(void)
{
    Suite  *s = suite_create("url");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, resource_is_absolute_https);
    tcase_add_test(tc, http_only_for_loopback);
    tcase_add_test(tc, no_fragment_no_query_no_userinfo);
    tcase_add_test(tc, host_and_port_are_checked);
    tcase_add_test(tc, only_uri_characters);
    tcase_add_test(tc, resource_is_in_canonical_form);
    tcase_add_test(tc, issuer_rules_are_the_resource_rules);
    tcase_add_test(tc, documentation_may_have_query_and_fragment);
    tcase_add_test(tc, every_error_has_a_reason);
    tcase_add_test(tc, url_path_is_between_host_and_query);
    tcase_add_test(tc, parts_of_a_url);
    tcase_add_test(tc, host_and_port_rules);

    suite_add_tcase(s, tc);

    return s;
}
