/*
 * Configuration URLs (url.hpp) and what is derived from a resource
 * (resource_metadata.hpp, challenge.hpp).  The whole input is the URL.
 * Properties: the resource and issuer rules agree, documentation is
 * never stricter; url_path() points inside the input; an accepted
 * resource gives a metadata URL that is itself accepted, keeps the
 * resource's scheme and host, is matched by its own path, and appears
 * unescaped in the challenges; the document parses back to the same
 * "resource".
 */

#include <jansson.h>

#include <string>

#include "challenge.hpp"
#include "fuzz.hpp"
#include "resource_metadata.hpp"
#include "url.hpp"

using namespace api_auth;

static void
derived(std::string_view url)
{
    std::string       m, doc;
    std::string_view  path = url_path(url);
    challenge_input   in;
    challenges        c;
    metadata_fields   f = {};

    FUZZ_CHECK(metadata_url(url, m) == status::ok);
    FUZZ_CHECK(check_url(m, url_use::resource) == url_error::ok);

    /* RFC 9728 §3.1: scheme://host[:port] + prefix + path ("/" dropped) */
    std::string_view  origin = url.substr(0, url.size() - path.size());
    std::string       want(origin);

    want += well_known_prefix;
    if (path != "/") {
        want += path;
    }

    FUZZ_CHECK(m == want);
    FUZZ_CHECK(metadata_path_matches(url_path(m), m));
    FUZZ_CHECK(is_metadata_root(url_path(m)) == (path.empty() || path == "/"));

    in.realm = "api";
    in.methods = method_oauth;
    in.basic_source = false;
    in.scope = "s";
    in.resource = true;
    in.metadata_url = m;

    FUZZ_CHECK(build_challenges(in, c) == status::ok);
    FUZZ_CHECK(c.missing == "Bearer realm=\"api\", scope=\"s\", "
                            "resource_metadata=\"" + m + "\"");

    f.resource = url;
    f.authorization_servers = url;
    FUZZ_CHECK(render_metadata(f, doc) == status::ok);

    json_error_t  err;
    json_t       *j = json_loadb(doc.data(), doc.size(), 0, &err);

    FUZZ_CHECK(j != nullptr);

    json_t       *r = json_object_get(j, "resource");

    FUZZ_CHECK(json_is_string(r)
               && std::string_view(json_string_value(r),
                                   json_string_length(r)) == url);
    json_decref(j);
}


extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string_view  url = fuzz_input(data, size);
    url_error         res = check_url(url, url_use::resource);
    url_error         doc = check_url(url, url_use::documentation);
    std::string       m = "unset";

    FUZZ_CHECK(check_url(url, url_use::issuer) == res);
    FUZZ_CHECK(res != url_error::ok || doc == url_error::ok);
    FUZZ_CHECK(url_error_text(res)[0] != '\0');
    FUZZ_CHECK(fuzz_inside(url_path(url), url));

    if (res == url_error::ok) {
        derived(url);

    } else {
        FUZZ_CHECK(metadata_url(url, m) == status::malformed);
    }

    /* any bytes: no crash, and a view-only answer */
    (void) metadata_path_matches(url, "https://a.example/x");
    (void) is_metadata_root(url);
    (void) is_resource_name(url);

    return 0;
}
