/*
 * api_auth core: result codes shared by every core function.
 *
 * The core never throws on the request path; it returns a status and
 * writes results through out-parameters (STYLE.md R9).  The adapter maps
 * each status to one HTTP answer of SPEC.md's response table.
 */

#ifndef API_AUTH_CORE_STATUS_HPP
#define API_AUTH_CORE_STATUS_HPP

static_assert(__cplusplus >= 201703L, "C++17 required");

namespace api_auth {

enum class status {
    ok,                     /* accepted / parsed */
    missing,                /* no credential of a configured kind */
    malformed,              /* syntax error: 400 invalid_request */
    inactive,               /* unknown key, inactive token: 401 */
    expired,                /* key past not_after, token past exp: 401 */
    insufficient_scope,     /* 403 */
    too_large,              /* input over a fixed bound */
    internal                /* allocation failure, broken invariant */
};

}  // namespace api_auth

#endif
