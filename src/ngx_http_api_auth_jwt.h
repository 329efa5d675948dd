/*
 * ngx_http_api_auth_module: the JWT configuration of a level, shared by
 * the directives (ngx_http_api_auth_jwt_conf.cpp) and the request path
 * (ngx_http_api_auth_jwt.cpp).
 */

#ifndef _NGX_HTTP_API_AUTH_JWT_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_JWT_H_INCLUDED_

#include "ngx_http_api_auth.h"

#include "core/jwk.hpp"
#include "core/jwt.hpp"
#include "core/policy.hpp"


/*
 * One level's directives.  Unset fields are merged from the enclosing
 * level; each JWT-capable location gets its own copy, because its policy
 * views its own api_auth_require_audience.
 */
struct ngx_http_api_auth_jwt_conf_s {
    api_auth::jwk_set      *keys;          /* NULL: unset; owned by a
                                              pool cleanup */
    ngx_array_t            *issuers;       /* std::string_view, or NULL */
    ngx_array_t            *client_claims; /* std::string_view, or NULL */
    ngx_uint_t              algorithms;    /* 0: unset */
    ngx_uint_t              types;         /* 0: unset */
    time_t                  leeway;        /* NGX_CONF_UNSET: unset */

    api_auth::jwt_policy    policy;        /* built at merge time */
    api_auth::digest        fingerprint;   /* of keys and policy */
};

static_assert(std::is_trivially_destructible<
                  ngx_http_api_auth_jwt_conf_t>::value,
              "lives in cf->pool and is never destructed");


static inline std::string_view
ngx_http_api_auth_sv(const ngx_str_t &s) noexcept
{
    return std::string_view(reinterpret_cast<const char *>(s.data), s.len);
}


#endif /* _NGX_HTTP_API_AUTH_JWT_H_INCLUDED_ */
