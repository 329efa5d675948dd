/*
 * api_auth core: the claims of a JWT access token (RFC 7519 §4.1,
 * RFC 9068 §2.2), checked against the location's policy.
 *
 * Types are checked strictly: a registered claim of the wrong JSON type
 * refuses the token rather than being ignored, because two readers of the
 * same token must not disagree on what it grants (RFC 8725 §2.8).
 */

#include "json.hpp"
#include "jwt.hpp"
#include "policy.hpp"

namespace api_auth {


/* 9999-12-31T23:59:59Z: no date of a real token lies beyond it */
static constexpr int64_t  max_date = 253402300799;

/* a leeway beyond a day is a configuration mistake; keeps sums small */
static constexpr int64_t  max_leeway = 86400;

static constexpr std::string_view  default_client_claims[] = {
    "client_id", "azp"
};


/*
 * RFC 7519 §2 NumericDate: integers, or finite reals truncated; negative
 * dates and dates past max_date are refused, not clamped.  jansson
 * refuses integers beyond int64 and reals beyond a double at parse time.
 */
static bool
read_date(json_t *v, int64_t &out) noexcept
{
    double  d;

    if (json_is_integer(v)) {
        out = json_integer_value(v);
        return out >= 0 && out <= max_date;
    }

    if (!json_is_real(v)) {
        return false;
    }

    d = json_real_value(v);

    /* compare as double first: casting 1e300 to int64 is undefined */
    if (!(d >= 0.0 && d <= static_cast<double>(max_date))) {
        return false;
    }

    out = static_cast<int64_t>(d);

    return true;
}


/* exp, nbf, iat (RFC 7519 §4.1.4-6), each with the leeway */
static jwt_reason
check_dates(json_t *p, int64_t now, int64_t leeway, jwt &out) noexcept
{
    json_t  *v;

    v = json_object_get(p, "exp");

    /* RFC 9068 §2.2: exp is REQUIRED */
    if (v == nullptr || !read_date(v, out.exp)) {
        return jwt_reason::expired;
    }

    v = json_object_get(p, "nbf");

    if (v != nullptr && !read_date(v, out.nbf)) {
        return jwt_reason::not_yet_valid;
    }

    v = json_object_get(p, "iat");

    if (v != nullptr && !read_date(v, out.iat)) {
        return jwt_reason::issued_at;
    }

    /* the token is valid before exp, from nbf on; none is issued later */
    if (now >= out.exp + leeway) {
        return jwt_reason::expired;
    }

    if (out.nbf > now + leeway) {
        return jwt_reason::not_yet_valid;
    }

    if (out.iat > now + leeway) {
        return jwt_reason::issued_at;
    }

    return jwt_reason::none;
}


/*
 * The granted scope: "scope" (RFC 8693 §4.2, RFC 9068 §2.2.3), a space-
 * delimited string, or else "scp" (Okta, Entra), a string or an array of
 * scope-tokens joined with single spaces.  A value off the RFC 6749 §3.3
 * grammar grants nothing; a value of the wrong JSON type is refused.
 * Throws std::bad_alloc.
 */
static jwt_reason
read_scope(json_t *p, std::string &scope)
{
    size_t            i;
    json_t           *v, *e;
    std::string_view  t;

    scope.clear();
    v = json_object_get(p, "scope");

    if (v == nullptr) {
        v = json_object_get(p, "scp");

        if (v != nullptr && !is_string_list(v)) {
            return jwt_reason::claim_type;
        }

    } else if (!json_is_string(v)) {
        return jwt_reason::claim_type;
    }

    if (json_is_string(v)) {
        if (is_scope(json_text(v))) {
            scope.assign(json_text(v));
        }

        return jwt_reason::none;
    }

    json_array_foreach(v, i, e) {
        t = json_text(e);

        if (!is_scope(t) || t.find(' ') != std::string_view::npos) {
            scope.clear();
            return jwt_reason::none;
        }

        scope.append(scope.empty() ? "" : " ");
        scope.append(t.data(), t.size());
    }

    return jwt_reason::none;
}


/* iss (exact bytes, RFC 8725 §3.8) and aud (values compared whole) */
static jwt_reason
check_audience_issuer(json_t *p, const jwt_policy &policy, jwt &out)
    noexcept
{
    json_t  *v;
    bool     found = false;

    v = json_object_get(p, "iss");

    if (!json_is_string(v)) {
        return jwt_reason::issuer;
    }

    for (std::string_view i : policy.issuers) {
        if (!found && i == json_text(v)) {
            out.issuer = i;
            found = true;
        }
    }

    if (!found) {
        return jwt_reason::issuer;
    }

    v = json_object_get(p, "aud");

    if (v != nullptr && !is_string_list(v)) {
        return jwt_reason::claim_type;
    }

    if (!policy.audience_off
        && (v == nullptr || !json_holds(v, policy.audiences)))
    {
        return jwt_reason::audience;
    }

    return jwt_reason::none;
}


/* sub and the client claim: strings, copied; throws std::bad_alloc */
static jwt_reason
read_identity(json_t *p, const jwt_policy &policy, jwt &out)
{
    json_t       *v;
    string_list   names = policy.client_claims;

    v = json_object_get(p, "sub");

    if (v != nullptr) {
        if (!json_is_string(v)) {
            return jwt_reason::claim_type;
        }

        out.subject.assign(json_text(v));
    }

    if (names.size == 0) {
        names.items = default_client_claims;
        names.size = sizeof(default_client_claims)
                     / sizeof(default_client_claims[0]);
    }

    for (std::string_view name : names) {
        v = json_object_getn(p, name.data(), name.size());

        if (v != nullptr) {
            if (!json_is_string(v)) {
                return jwt_reason::claim_type;
            }

            out.client.assign(json_text(v));
            break;
        }
    }

    return jwt_reason::none;
}


static jwt_reason
check(std::string_view payload, const jwt_policy &policy, int64_t now,
      jwt &out)
{
    json_ptr    p;
    jwt_reason  r;
    int64_t     leeway;

    switch (json_object_load(payload, p)) {
    case status::ok:
        break;
    case status::internal:
        return jwt_reason::internal;
    default:
        return jwt_reason::payload;
    }

    leeway = policy.leeway < 0 ? 0
             : (policy.leeway > max_leeway ? max_leeway : policy.leeway);

    r = check_dates(p.get(), now, leeway, out);

    if (r == jwt_reason::none) {
        r = check_audience_issuer(p.get(), policy, out);
    }

    for (const required_claim &c : policy.required) {
        if (r == jwt_reason::none
            && !json_holds(json_object_getn(p.get(), c.name.data(),
                                             c.name.size()),
                            c.values))
        {
            r = jwt_reason::required_claim;
        }
    }

    if (r == jwt_reason::none) {
        r = read_identity(p.get(), policy, out);
    }

    if (r == jwt_reason::none) {
        r = read_scope(p.get(), out.scope);
    }

    return r;
}


jwt_reason
jwt_check_claims(std::string_view payload, const jwt_policy &policy,
                 int64_t now, jwt &out) noexcept
{
    try {
        return check(payload, policy, now, out);

    } catch (...) {
        /* std::bad_alloc: nothing else is thrown on this path */
        return jwt_reason::internal;
    }
}

}  // namespace api_auth
