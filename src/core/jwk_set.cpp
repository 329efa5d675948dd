/*
 * api_auth core: JWK Sets (RFC 7517 §5) and the choice of a key for a
 * token.
 *
 * Only the set's own shape (a JSON object with a "keys" array, no
 * duplicate members) can make it malformed; each member is judged alone
 * (jwk_member.cpp).
 */

#include "json.hpp"
#include "jwk_internal.hpp"

namespace api_auth {

static status
parse_set(std::string_view json, jwk_set &out)
{
    size_t        i;
    json_t       *keys, *k, *kid;
    json_ptr      root;
    const char   *why;
    status        rc;

    rc = json_object_load(json, root);
    if (rc != status::ok) {
        return rc;
    }

    keys = json_object_get(root.get(), "keys");

    if (!json_is_array(keys)) {
        return status::malformed;
    }

    json_array_foreach(keys, i, k) {
        jwk_key  key;

        why = out.keys.size() < max_jwks_keys ? jwk_read(k, key)
                                              : "too many keys";

        if (why == nullptr) {
            out.keys.push_back(std::move(key));
            continue;
        }

        kid = json_object_get(k, "kid");
        out.skipped.push_back(jwk_skip{ i,
            json_is_string(kid) ? std::string(json_text(kid))
                                : std::string(),
            why });
    }

    return out.keys.empty() ? status::missing : status::ok;
}


status
parse_jwks(std::string_view json, jwk_set &out) noexcept
{
    status  rc;

    out.keys.clear();
    out.skipped.clear();

    if (json.size() > max_jwks_body) {
        return status::too_large;
    }

    try {
        rc = parse_set(json, out);

    } catch (...) {
        /* std::bad_alloc: nothing else is thrown on this path */
        rc = status::internal;
    }

    if (rc != status::ok && rc != status::missing) {
        out.keys.clear();
        out.skipped.clear();
    }

    return rc;
}


status
jwk_select(const jwk_set &set, const jwt &token, const jwk_key *&key)
    noexcept
{
    const jwk_key  *found = nullptr;
    size_t          fit = 0;
    bool            named = false;

    key = nullptr;

    for (const jwk_key &k : set.keys) {
        if (token.has_kid
            && !(k.has_kid && k.kid == token.kid_view()))
        {
            continue;
        }

        named = token.has_kid;

        if (jwk_fits(k, token.alg)) {
            found = &k;
            fit++;
        }
    }

    /*
     * A token's kid that no key carries may still name a key without
     * kid (a PEM file, a JWKS without kids): exactly one of those fits.
     */
    if (token.has_kid && !named) {
        for (const jwk_key &k : set.keys) {
            if (!k.has_kid && jwk_fits(k, token.alg)) {
                found = &k;
                fit++;
            }
        }
    }

    if (fit == 1) {
        key = found;
        return status::ok;
    }

    return (fit > 1 || named) ? status::inactive : status::missing;
}

}  // namespace api_auth
