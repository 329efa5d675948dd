/*
 * api_auth core: result codes shared by every core function, and the one
 * outcome vocabulary of a request's check.
 *
 * The core never throws on the request path; it returns a status and
 * writes results through out-parameters (STYLE.md R9).  A request ends
 * in one result, whose name is $api_auth_result; the adapter maps each
 * result to one HTTP answer of SPEC.md's response table.
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
    expired,                /* token past exp: 401 */
    too_large,              /* input over a fixed bound */
    internal                /* allocation failure, broken invariant */
};

/*
 * The outcome of a request's check, the values of $api_auth_result in
 * this order.  Unscoped and numbered from 0 on purpose: the adapter's
 * string table and its metrics rows are indexed by it.
 */
enum result : unsigned {
    result_none = 0,            /* not decided (yet) */
    result_allow,
    result_anonymous,           /* no credential, api_auth_optional */
    result_missing,             /* no credential: 401, no error code */
    result_invalid_request,     /* 400 */
    result_invalid_token,       /* 401 */
    result_insufficient_scope,  /* 403 */
    result_unavailable          /* 503 with Retry-After */
};

}  // namespace api_auth

#endif
