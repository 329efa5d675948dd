/*
 * api_auth core: RFC 9728 protected-resource metadata, configuration time.
 */

#include <jansson.h>

#include <memory>

#include "resource_metadata.hpp"

namespace api_auth {

namespace {

struct json_deleter {
    void operator()(json_t *j) const noexcept { json_decref(j); }
};

using json_ptr = std::unique_ptr<json_t, json_deleter>;

bool
add_list(json_t *obj, const char *key, std::string_view list) noexcept
{
    json_ptr  arr(json_array());
    size_t    i, start;

    if (arr == nullptr) {
        return false;
    }

    for (i = 0; i < list.size(); i = start) {
        for (; i < list.size() && list[i] == ' '; i++) { /* skip */ }

        for (start = i; start < list.size() && list[start] != ' '; start++) {
            /* token */
        }

        if (start > i
            && json_array_append_new(arr.get(),
                                     json_stringn(list.data() + i, start - i))
               != 0)
        {
            return false;
        }
    }

    return json_array_size(arr.get()) == 0
           || json_object_set_new(obj, key, arr.release()) == 0;
}


bool
add_string(json_t *obj, const char *key, std::string_view s) noexcept
{
    return s.empty()
           || json_object_set_new(obj, key, json_stringn(s.data(), s.size()))
              == 0;
}

}  // namespace

bool
is_resource_name(std::string_view name) noexcept
{
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }

    /* jansson checks UTF-8 (false too when out of memory) */
    json_ptr  s(json_stringn(name.data(), name.size()));

    return !name.empty() && s != nullptr;
}


status
metadata_url(std::string_view resource, std::string &out) noexcept
{
    std::string_view  path;

    if (check_url(resource, url_use::resource) != url_error::ok) {
        return status::malformed;
    }

    path = url_path(resource);

    try {
        out.assign(resource.substr(0, resource.size() - path.size()));
        out += well_known_prefix;

        /* RFC 9728 §3.1: a terminating '/' after the host is removed */
        if (path != "/") {
            out += path;
        }

    } catch (...) {
        return status::internal;
    }

    return status::ok;
}


bool
metadata_path_matches(std::string_view request_path,
                      std::string_view metadata_url) noexcept
{
    std::string_view  path = url_path(metadata_url);

    if (path.empty()) {
        path = "/";
    }

    if (request_path == path) {
        return true;
    }

    return path.back() != '/' && request_path.size() == path.size() + 1
           && request_path.back() == '/'
           && request_path.substr(0, path.size()) == path;
}


bool
is_metadata_root(std::string_view request_path) noexcept
{
    if (!request_path.empty() && request_path.back() == '/') {
        request_path.remove_suffix(1);
    }

    return request_path == well_known_prefix;
}


status
render_metadata(const metadata_fields &in, std::string &out) noexcept
{
    json_ptr  doc(json_object());
    json_ptr  bearer(json_array());
    size_t    n;

    const size_t  flags = JSON_COMPACT | JSON_PRESERVE_ORDER;

    if (in.resource.empty()) {
        return status::malformed;
    }

    if (doc == nullptr || bearer == nullptr
        || json_array_append_new(bearer.get(), json_string("header")) != 0)
    {
        return status::internal;
    }

    /* jansson refuses invalid UTF-8 and failed allocations alike */
    if (!add_string(doc.get(), "resource", in.resource)
        || !add_list(doc.get(), "authorization_servers",
                     in.authorization_servers)
        || !add_list(doc.get(), "scopes_supported", in.scopes_supported)
        || json_object_set_new(doc.get(), "bearer_methods_supported",
                               bearer.release()) != 0
        || !add_string(doc.get(), "resource_name", in.resource_name)
        || !add_string(doc.get(), "resource_documentation",
                       in.resource_documentation))
    {
        return status::malformed;
    }

    n = json_dumpb(doc.get(), nullptr, 0, flags);
    if (n == 0) {
        return status::internal;
    }

    try {
        out.resize(n);

    } catch (...) {
        return status::internal;
    }

    if (json_dumpb(doc.get(), &out[0], n, flags) != n) {
        return status::internal;
    }

    return status::ok;
}

}  // namespace api_auth
