/*
 * api_auth core: who is calling, and the one access decision.
 *
 * Every credential method (an API key of the file, an introspected token,
 * a verified JWT) ends in one identity record; authorize() decides on it
 * against a location's requirements, the same way for every method.  The
 * adapter only fills the record, maps the result to an answer and logs
 * the reason.
 */

#ifndef API_AUTH_CORE_IDENTITY_HPP
#define API_AUTH_CORE_IDENTITY_HPP

#include <cstdint>
#include <string_view>

#include "policy.hpp"
#include "status.hpp"

namespace api_auth {

/* the methods of "api_auth", the same bits as the adapter's */
constexpr unsigned  method_api_key = 0x01;
constexpr unsigned  method_oauth = 0x02;

/*
 * Views that must outlive the call: into the key table, or into a claims
 * record (claims.hpp) the adapter keeps in r->pool.
 */
struct identity {
    unsigned          method = 0;   /* method_api_key or method_oauth */
    std::string_view  client;       /* key name, client_id, client claim */
    std::string_view  subject;
    std::string_view  scope;        /* granted, RFC 6749 §3.3 */
    std::string_view  claims;       /* a token's claims record; "" for a
                                       key */
    int64_t           expiry = 0;   /* a key's not_after; 0: none.  A
                                       token's exp was checked where it
                                       was read (parser, cache TTL) */
};

/* what a location requires of every identity */
struct requirements {
    std::string_view            scope;       /* required, space-delimited */
    const scope_implications   *implies = nullptr;
    std::string_view            audiences;   /* accepted, space-delimited;
                                                "": aud is not checked */
    list_view<required_claim>   claims;      /* all of them (AND) */
};

/* why authorize() refused, for the adapter's log line only */
enum class denial : uint8_t {
    none,
    expired,        /* now >= expiry */
    audience,       /* no accepted audience in "aud" */
    claim,          /* a required claim is absent or holds no value */
    scope           /* a required scope is not granted */
};

struct verdict {
    result            outcome = result_none;
    denial            why = denial::none;
    std::string_view  claim;        /* the claim, for denial::claim */
};

/*
 * The access decision at time now (Unix seconds), in this order: expiry
 * and audience and required claims (401 invalid_token), then scope
 * (403 insufficient_scope); otherwise result_allow.  Pure: reads only
 * its arguments, allocates nothing.
 */
[[nodiscard]] verdict authorize(const identity &id, const requirements &req,
                                int64_t now) noexcept;

/*
 * The identity of a token from its claims record: client (client_id, or
 * the client a verified JWT's mark holds), subject (sub), scope.  Returns
 * true when the record is a verified JWT's (claims.hpp jwt_mark).
 */
bool identity_from_claims(std::string_view record, identity &out) noexcept;

}  // namespace api_auth

#endif
