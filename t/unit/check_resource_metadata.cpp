/*
 * resource_metadata.cpp: the RFC 9728 §3.1 metadata URL, the request-path
 * match and the exact bytes of the document.
 */

#include <string>

#include "resource_metadata.hpp"
#include "unit.hpp"

using api_auth::metadata_path_matches;

static std::string
metadata_url(std::string_view resource)
{
    std::string  out = "unset";

    if (api_auth::metadata_url(resource, out) != api_auth::status::ok) {
        return "error";
    }

    return out;
}


START_TEST(metadata_url_inserts_well_known_after_host)
{
    /* RFC 9728 §3.1 */
    ck_assert_string_eq(metadata_url("https://api.example.com/mcp"),
                        "https://api.example.com/.well-known/"
                        "oauth-protected-resource/mcp");
    ck_assert_string_eq(metadata_url("https://api.example.com/v1/mcp/"),
                        "https://api.example.com/.well-known/"
                        "oauth-protected-resource/v1/mcp/");
    ck_assert_string_eq(metadata_url("https://api.example.com:8443/mcp"),
                        "https://api.example.com:8443/.well-known/"
                        "oauth-protected-resource/mcp");
    ck_assert_string_eq(metadata_url("http://[::1]:8080/mcp"),
                        "http://[::1]:8080/.well-known/"
                        "oauth-protected-resource/mcp");
}
END_TEST


START_TEST(metadata_url_of_root_resource_has_no_suffix)
{
    ck_assert_string_eq(metadata_url("https://api.example.com"),
                        "https://api.example.com/.well-known/"
                        "oauth-protected-resource");
    ck_assert_string_eq(metadata_url("https://api.example.com/"),
                        "https://api.example.com/.well-known/"
                        "oauth-protected-resource");
    ck_assert_string_eq(metadata_url("https://api.example.com:8443/"),
                        "https://api.example.com:8443/.well-known/"
                        "oauth-protected-resource");
}
END_TEST


START_TEST(metadata_url_of_invalid_resource_fails)
{
    ck_assert_string_eq(metadata_url("https://api.example.com/mcp?x"),
                        "error");
    ck_assert_string_eq(metadata_url("http://api.example.com/mcp"), "error");
    ck_assert_string_eq(metadata_url(""), "error");
}
END_TEST


START_TEST(request_path_match_tolerates_one_trailing_slash)
{
    constexpr std::string_view  u = "https://api.example.com/.well-known/"
                                    "oauth-protected-resource/mcp";
    constexpr std::string_view  p = "/.well-known/oauth-protected-resource"
                                    "/mcp";

    ck_assert(metadata_path_matches(p, u));
    ck_assert(metadata_path_matches("/.well-known/oauth-protected-resource"
                                    "/mcp/", u));

    ck_assert(!metadata_path_matches("/.well-known/oauth-protected-resource"
                                     "/mcp//", u));
    ck_assert(!metadata_path_matches("/.well-known/oauth-protected-resource"
                                     "/mc", u));
    ck_assert(!metadata_path_matches("/.well-known/oauth-protected-resource"
                                     "/mcpx", u));
    ck_assert(!metadata_path_matches("/.well-known/oauth-protected-resource"
                                     "/MCP", u));
    ck_assert(!metadata_path_matches("/.well-known/oauth-protected-resource",
                                     u));
    ck_assert(!metadata_path_matches("", u));
}
END_TEST


START_TEST(request_path_match_of_slash_terminated_resource_is_exact)
{
    constexpr std::string_view  u = "https://a.example/.well-known/"
                                    "oauth-protected-resource/mcp/";

    ck_assert(metadata_path_matches("/.well-known/oauth-protected-resource"
                                    "/mcp/", u));
    ck_assert(!metadata_path_matches("/.well-known/oauth-protected-resource"
                                     "/mcp", u));
    ck_assert(!metadata_path_matches("/.well-known/oauth-protected-resource"
                                     "/mcp//", u));

    /* a custom metadata= URL without a path is served at "/" */
    ck_assert(metadata_path_matches("/", "https://a.example"));
    ck_assert(!metadata_path_matches("//", "https://a.example"));
}
END_TEST


START_TEST(root_is_the_bare_prefix)
{
    ck_assert(api_auth::is_metadata_root(
        "/.well-known/oauth-protected-resource"));
    ck_assert(api_auth::is_metadata_root(
        "/.well-known/oauth-protected-resource/"));
    ck_assert(!api_auth::is_metadata_root(
        "/.well-known/oauth-protected-resource//"));
    ck_assert(!api_auth::is_metadata_root(
        "/.well-known/oauth-protected-resource/mcp"));
    ck_assert(!api_auth::is_metadata_root("/.well-known/"));
    ck_assert(!api_auth::is_metadata_root(""));
}
END_TEST


START_TEST(document_bytes_in_fixed_order)
{
    api_auth::metadata_fields  m;
    std::string                out;

    m.resource = "https://api.example.com/mcp";
    m.authorization_servers = "https://auth.example.com";
    m.scopes_supported = "mcp.read mcp.write";
    m.resource_name = "Example MCP";
    m.resource_documentation = "https://api.example.com/docs";

    ck_assert_status(api_auth::render_metadata(m, out), status::ok);
    ck_assert_string_eq(out,
        "{\"resource\":\"https://api.example.com/mcp\","
        "\"authorization_servers\":[\"https://auth.example.com\"],"
        "\"scopes_supported\":[\"mcp.read\",\"mcp.write\"],"
        "\"bearer_methods_supported\":[\"header\"],"
        "\"resource_name\":\"Example MCP\","
        "\"resource_documentation\":\"https://api.example.com/docs\"}");
}
END_TEST


START_TEST(document_leaves_out_empty_fields)
{
    api_auth::metadata_fields  m = {};
    std::string                out = "stale";

    m.resource = "https://api.example.com/mcp";
    m.authorization_servers = "  https://a.example   https://b.example ";
    m.scopes_supported = "   ";

    ck_assert_status(api_auth::render_metadata(m, out), status::ok);
    ck_assert_string_eq(out,
        "{\"resource\":\"https://api.example.com/mcp\","
        "\"authorization_servers\":[\"https://a.example\","
        "\"https://b.example\"],"
        "\"bearer_methods_supported\":[\"header\"]}");

    m.authorization_servers = "";
    ck_assert_status(api_auth::render_metadata(m, out), status::ok);
    ck_assert_string_eq(out,
        "{\"resource\":\"https://api.example.com/mcp\","
        "\"bearer_methods_supported\":[\"header\"]}");
}
END_TEST


START_TEST(document_escapes_json_strings)
{
    api_auth::metadata_fields  m = {};
    std::string                out;

    m.resource = "https://api.example.com/mcp";
    m.resource_name = "Caf\xc3\xa9 \"orders\" \\ API";

    ck_assert_status(api_auth::render_metadata(m, out), status::ok);
    ck_assert_string_eq(out,
        "{\"resource\":\"https://api.example.com/mcp\","
        "\"bearer_methods_supported\":[\"header\"],"
        "\"resource_name\":\"Caf\xc3\xa9 \\\"orders\\\" \\\\ API\"}");
}
END_TEST


START_TEST(document_refuses_invalid_utf8_and_no_resource)
{
    api_auth::metadata_fields  m = {};
    std::string                out;

    ck_assert_status(api_auth::render_metadata(m, out), status::malformed);

    m.resource = "https://api.example.com/mcp";
    m.resource_name = "bad \xc3";
    ck_assert_status(api_auth::render_metadata(m, out), status::malformed);
}
END_TEST


START_TEST(resource_name_is_utf8_text)
{
    ck_assert(api_auth::is_resource_name("Orders API"));
    ck_assert(api_auth::is_resource_name("Caf\xc3\xa9 \"v2\""));

    ck_assert(!api_auth::is_resource_name(""));
    ck_assert(!api_auth::is_resource_name("a\r\nb"));
    ck_assert(!api_auth::is_resource_name("a\tb"));
    ck_assert(!api_auth::is_resource_name("bad \xc3"));
    ck_assert(!api_auth::is_resource_name("\xed\xa0\x80"));   /* surrogate */
    ck_assert(!api_auth::is_resource_name("\xc0\xaf"));       /* overlong */
}
END_TEST


Suite *
resource_metadata_suite(void)
{
    Suite  *s = suite_create("resource_metadata");
    TCase  *tc = tcase_create("core");

    tcase_set_timeout(tc, unit_timeout);

    tcase_add_test(tc, metadata_url_inserts_well_known_after_host);
    tcase_add_test(tc, metadata_url_of_root_resource_has_no_suffix);
    tcase_add_test(tc, metadata_url_of_invalid_resource_fails);
    tcase_add_test(tc, request_path_match_tolerates_one_trailing_slash);
    tcase_add_test(tc,
                   request_path_match_of_slash_terminated_resource_is_exact);
    tcase_add_test(tc, root_is_the_bare_prefix);
    tcase_add_test(tc, document_bytes_in_fixed_order);
    tcase_add_test(tc, document_leaves_out_empty_fields);
    tcase_add_test(tc, document_escapes_json_strings);
    tcase_add_test(tc, document_refuses_invalid_utf8_and_no_resource);
    tcase_add_test(tc, resource_name_is_utf8_text);

    suite_add_tcase(s, tc);

    return s;
}
