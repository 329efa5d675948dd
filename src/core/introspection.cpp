/*
 * api_auth core: RFC 7662 token introspection, request and response.
 *
 * The response comes from the authorization server through a proxied
 * subrequest, so it is parsed as hostile input: bounded in size before
 * jansson sees it, duplicate keys rejected (an ambiguous
 * {"active":false,"active":true} must not pass), depth bounded by
 * jansson's own parser limit (JSON_PARSER_MAX_DEPTH), and every member
 * we act on type-checked.
 */

#include "claims.hpp"
#include "introspection.hpp"
#include "json.hpp"
#include "policy.hpp"
#include "text.hpp"

namespace api_auth {

namespace {

/* a NumericDate member: present or not, and its value in seconds */
struct numeric_date {
    bool     present;
    int64_t  value;
};

}  // namespace


/*
 * 9999-12-31T23:59:59Z.  Larger (or real-valued, up to 1e308) dates are
 * clamped to it: "far future" is all they can mean, and the adapter adds
 * and subtracts these values as time_t without overflow checks.
 */
static constexpr int64_t  max_date = 253402300799;


/* RFC 7519 §2 NumericDate: an integer or a real; reals are truncated */
static bool
read_date(json_t *root, const char *name, numeric_date &out) noexcept
{
    json_t  *v = json_object_get(root, name);
    double   d = json_number_value(v);      /* 0 if not a number */

    out.present = (v != nullptr);
    out.value = 0;

    if (v == nullptr || !json_is_number(v)) {
        return v == nullptr;
    }

    /* compare as double first: casting 1e300 to int64 is undefined */
    if (d >= static_cast<double>(max_date)) {
        out.value = max_date;

    } else if (d <= -static_cast<double>(max_date)) {
        out.value = -max_date;

    } else {
        out.value = json_is_integer(v) ? json_integer_value(v)
                                       : static_cast<int64_t>(d);
    }

    return true;
}


/*
 * RFC 7662 §2.2 token_type names a refresh token: the RFC 6749 parameter
 * name, its short form, or the RFC 8693 §3 token type URI.  A refresh
 * token is not an access token, however "active" it is; an authorization
 * server that falls back from token_type_hint=access_token to refresh
 * tokens says so only here, if at all.
 */
static bool
is_refresh_type(json_t *v) noexcept
{
    std::string_view  t(json_string_value(v), json_string_length(v));

    return iequal(t, "refresh_token") || iequal(t, "refresh")
           || iequal(t, "urn:ietf:params:oauth:token-type:refresh_token");
}


/* client_id, sub, scope, aud: checked, and first in the claims record */
static constexpr const char  *identity[] = {
    "client_id", "sub", "scope", "aud"
};

/* what append_claims() leaves out: those, and "active" */
static constexpr std::string_view  not_again[] = {
    "client_id", "sub", "scope", "aud", "active"
};


/*
 * The record text of an identity claim, type-checked by the caller;
 * false when the claim grants nothing and is left out.  Throws
 * std::bad_alloc.
 */
static bool
identity_text(const char *name, json_t *v, std::string &text)
{
    if (name == identity[3]) {
        audience_text(v, text);
        return true;
    }

    /*
     * RFC 6749 §3.3: a scope string off the grammar (a TAB or another
     * control byte, '"', '\', non-ASCII, empty tokens) grants no scope at
     * all; read as space-delimited text it would grant the wrong ones.
     */
    if (name == identity[2]
        && !is_scope(std::string_view(json_string_value(v),
                                      json_string_length(v))))
    {
        return false;
    }

    claim_kind  kind;   /* text: the caller checked for a string */

    return claim_text(v, text, kind);
}


/* the response after the size check; may throw std::bad_alloc */
static status
parse(std::string_view body, int64_t now, token_info &out)
{
    json_t       *active, *type, *v;
    numeric_date  exp, nbf;
    std::string   text;
    json_ptr      root;
    status        rc = json_object_load(body, root);

    if (rc != status::ok) {
        return rc;
    }

    /* RFC 7662 §2.2: a JSON object whose "active" is REQUIRED, boolean */
    active = json_object_get(root.get(), "active");

    if (!json_is_boolean(active)) {
        return status::malformed;
    }

    /* RFC 7662 §2.2: nothing else of an inactive response means anything */
    if (json_is_false(active)) {
        return status::inactive;
    }

    if (!read_date(root.get(), "exp", exp)
        || !read_date(root.get(), "nbf", nbf))
    {
        return status::malformed;
    }

    /* RFC 7662 §2.2 strings; RFC 7519 §4.1.3 aud: string or array of them */
    for (const char *n : identity) {
        v = json_object_get(root.get(), n);

        if (v != nullptr
            && !(n == identity[3] ? is_string_list(v) : json_is_string(v)))
        {
            return status::malformed;
        }
    }

    /* RFC 7662 §2.2 token_type: a string */
    type = json_object_get(root.get(), "token_type");

    if (type != nullptr && !json_is_string(type)) {
        return status::malformed;
    }

    /* RFC 7519 §4.1.4, §4.1.5: "on or after" exp, "before" nbf */
    if ((exp.present && exp.value <= now) || (nbf.present && nbf.value > now)) {
        return status::inactive;
    }

    /* active, but not as an access token */
    if (type != nullptr && is_refresh_type(type)) {
        return status::inactive;
    }

    /* identity claims first, so that they survive the size bound ... */
    for (const char *n : identity) {
        v = json_object_get(root.get(), n);

        if (v != nullptr && identity_text(n, v, text)) {
            (void) claims_append(out.claims, n, text,
                                 n == identity[3] ? claim_kind::list
                                                 : claim_kind::text);
        }
    }

    /* ... then every other claim, in the order the server sent them */
    append_claims(root.get(), out.claims,
                  string_list{ not_again, sizeof(not_again)
                                          / sizeof(not_again[0]) });

    /* exp 0 means "absent" to the caller; a present exp here is > now */
    out.exp = exp.present ? exp.value : 0;

    return status::ok;
}


status
parse_introspection(std::string_view body, int64_t now,
                    token_info &out) noexcept
{
    status  rc;

    out.exp = 0;
    out.claims.clear();

    if (body.size() > max_introspection_body) {
        return status::too_large;
    }

    try {
        rc = parse(body, now, out);

    } catch (...) {
        /* std::bad_alloc: nothing else is thrown on this path */
        out.claims.clear();
        rc = status::internal;
    }

    return rc;
}


bool
is_json_media_type(std::string_view content_type) noexcept
{
    static constexpr std::string_view  app = "application/";
    static constexpr std::string_view  json = "json";

    std::string_view  t = trim_ows(content_type.substr(0,
                                                   content_type.find(';')));
    std::string_view  sub;

    if (content_type.empty()) {
        return true;
    }

    if (t.size() <= app.size() || !iequal(t.substr(0, app.size()), app)) {
        return false;
    }

    sub = t.substr(app.size());

    return iequal(sub, json)
           || (sub.size() > json.size() + 1
               && sub[sub.size() - json.size() - 1] == '+'
               && iequal(sub.substr(sub.size() - json.size()), json));
}


}  // namespace api_auth
