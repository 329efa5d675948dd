/*
 * api_auth core: the access decision, one for every credential method.
 */

#include "claims.hpp"
#include "identity.hpp"

namespace api_auth {

verdict
authorize(const identity &id, const requirements &req, int64_t now) noexcept
{
    verdict           v;
    std::string_view  aud;

    v.outcome = result_invalid_token;

    if (id.expiry != 0 && now >= id.expiry) {
        v.why = denial::expired;
        return v;
    }

    /* RFC 7519 §4.1.3: one of the values must identify this resource */
    if (!req.audiences.empty()) {
        if (!claims_find(id.claims, "aud", aud)) {
            aud = std::string_view();
        }

        if (!audience_matches(aud, req.audiences)) {
            v.why = denial::audience;
            return v;
        }
    }

    for (const required_claim &c : req.claims) {
        if (!claims_hold(id.claims, c.name, c.values.items, c.values.size)) {
            v.why = denial::claim;
            v.claim = c.name;
            return v;
        }
    }

    if (!(req.implies ? scope_satisfies(id.scope, req.scope, *req.implies)
                      : scope_satisfies(id.scope, req.scope)))
    {
        v.outcome = result_insufficient_scope;
        v.why = denial::scope;
        return v;
    }

    v.outcome = result_allow;

    return v;
}


bool
identity_from_claims(std::string_view record, identity &out) noexcept
{
    std::string_view  v;
    bool              jwt;

    if (claims_find(record, "client_id", v)) {
        out.client = v;
    }

    jwt = claims_find(record, jwt_mark, v);

    if (jwt) {
        out.client = v;
    }

    if (claims_find(record, "sub", v)) {
        out.subject = v;
    }

    if (claims_find(record, "scope", v)) {
        out.scope = v;
    }

    out.claims = record;

    return jwt;
}

}  // namespace api_auth
