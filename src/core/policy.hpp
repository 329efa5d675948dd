/*
 * api_auth core: authorization policy and cache arithmetic.
 *
 * Scope lists are RFC 6749 §3.3 space-delimited strings; audiences are
 * kept the same way.  Lists from an authorization server reach these
 * functions only in a form where splitting on spaces is exact: a granted
 * scope string passed is_scope(), and an audience list holds only values
 * without spaces or control bytes (introspection.cpp, claims.hpp).
 */

#ifndef API_AUTH_CORE_POLICY_HPP
#define API_AUTH_CORE_POLICY_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "status.hpp"

namespace api_auth {

/* a view of an array the caller owns (C++17 has no std::span) */
template <typename T>
struct list_view {
    const T  *items = nullptr;
    size_t    size = 0;

    const T *begin() const noexcept { return items; }
    const T *end() const noexcept { return items + size; }
};

using string_list = list_view<std::string_view>;

/* api_auth_require_claim NAME VALUE...: a string equal to one value, or
   an array of which one element is a string equal to one value */
struct required_claim {
    std::string_view  name;
    string_list       values;
};

/*
 * RFC 6749 §3.3: scope = scope-token *( SP scope-token ),
 * scope-token = 1*NQCHAR, NQCHAR = %x21 / %x23-5B / %x5D-7E.  Exactly one
 * space between tokens, none around them; "" is not a scope.
 */
[[nodiscard]] bool is_scope(std::string_view s) noexcept;

/* every space-delimited token of required is in granted (exact match) */
[[nodiscard]] bool scope_satisfies(std::string_view granted,
                                   std::string_view required) noexcept;

/*
 * api_auth_scope_implies SCOPE IMPLIED...: scope hierarchies, built at
 * configuration time.  Implication is transitive ("admin write; write
 * read" lets admin satisfy read) because that is what a hierarchy means
 * to the person writing it, and a one-level table would make the order
 * of directives matter.  Cycles are allowed and harmless (each scope is
 * visited once); a scope never implies itself.  Repeating a SCOPE adds
 * to its list.  Implication is not reflected in challenges: a 403 names
 * the required scopes as configured.
 */
class scope_implications {
public:
    /*
     * scope: one scope token; implied: is_scope() (single spaces).
     *   ok         added, closures recomputed;
     *   malformed  either argument fails the grammar; the table is
     *              unchanged;
     *   internal   allocation failure; the table is unchanged.
     */
    [[nodiscard]] status add(std::string_view scope,
                             std::string_view implied) noexcept;

    /* what scope implies, transitively, space-delimited; "" for none */
    [[nodiscard]] std::string_view implied(std::string_view scope)
        const noexcept;

    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

    /* the number of scopes that imply something */
    [[nodiscard]] size_t size() const noexcept { return entries_.size(); }

private:
    struct entry {
        std::string  scope;
        std::string  direct;     /* as configured, space-delimited */
        std::string  closure;    /* transitive, without scope itself */
    };

    std::vector<entry>  entries_;    /* sorted by scope */
};

/*
 * scope_satisfies() where each granted token also grants what it implies.
 * No allocation: one binary search per granted token that is not itself
 * required.
 */
[[nodiscard]] bool scope_satisfies(std::string_view granted,
                                   std::string_view required,
                                   const scope_implications &implies)
    noexcept;

/* some token of aud equals some token of accepted; empty aud never matches */
[[nodiscard]] bool audience_matches(std::string_view aud,
                                    std::string_view accepted) noexcept;

/*
 * Seconds an active token may stay cached: min(exp - now, max_ttl), or
 * max_ttl when exp is 0 (absent).  Never negative.
 */
[[nodiscard]] int64_t positive_ttl(int64_t now, int64_t exp,
                                   int64_t max_ttl) noexcept;

/*
 * Last second at which an active entry that expired from the cache at
 * `expires` may still be served while the authorization server fails:
 * expires + stale_if_error, but never past the token's own exp (0 = none).
 */
[[nodiscard]] int64_t stale_deadline(int64_t expires, int64_t stale_if_error,
                                     int64_t exp) noexcept;

}  // namespace api_auth

#endif
