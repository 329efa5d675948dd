/*
 * ngx_http_api_auth_module: this worker's fetched JWT key sets, shared by
 * the directive and the worker's lifecycle (ngx_http_api_auth_jwks_conf.cpp)
 * and the request path (ngx_http_api_auth_jwks.cpp).
 */

#ifndef _NGX_HTTP_API_AUTH_JWKS_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_JWKS_H_INCLUDED_

#include "ngx_http_api_auth.h"

#include "core/jwk.hpp"
#include "core/jwks_schedule.hpp"


/* this worker's key set of one api_auth_jwks */
struct ngx_http_api_auth_jwks_state_t {
    api_auth::jwk_set          set;
    api_auth::digest           gen{};       /* of set's kids, thumbprints */
    api_auth::jwks_schedule    sched;
    ngx_http_api_auth_ctx_t   *fetcher = nullptr;  /* fetching, or NULL */
};

/* this worker's state: every key set of the configuration */
typedef struct {
    ngx_array_t               *sets;        /* ngx_http_api_auth_jwks_t * */
} ngx_http_api_auth_jwks_worker_t;

extern ngx_http_api_auth_jwks_worker_t  ngx_http_api_auth_jwks_worker;


static inline ngx_http_api_auth_jwks_state_t *
ngx_http_api_auth_jwks_state(ngx_http_api_auth_jwks_t *jwks) noexcept
{
    return static_cast<ngx_http_api_auth_jwks_state_t *>(jwks->state);
}


static inline api_auth::jwks_times
ngx_http_api_auth_jwks_times(ngx_http_api_auth_jwks_t *jwks) noexcept
{
    return api_auth::jwks_times{ jwks->refresh, jwks->min_refresh,
                                 jwks->stale_if_error };
}


#endif /* _NGX_HTTP_API_AUTH_JWKS_H_INCLUDED_ */
