/*
 * ngx_http_api_auth_module: the metrics layout and the files that
 * fill and serve it (metrics, count, scrape).
 */

#ifndef _NGX_HTTP_API_AUTH_METRICS_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_METRICS_H_INCLUDED_

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#error "include ngx_http_api_auth.h"
#endif


/* the metrics layout: the counters of a row (ngx_http_api_auth_metrics) */

#define NGX_HTTP_API_AUTH_M_METHODS   3     /* none, api_key, oauth */
#define NGX_HTTP_API_AUTH_M_RESULTS   7     /* allow ... unavailable */

static_assert(NGX_HTTP_API_AUTH_M_RESULTS == api_auth::result_unavailable,
              "a metrics row counts every result but none");

/* module-wide counters, first in a row */
#define NGX_HTTP_API_AUTH_M_INTROSPECT  0   /* active, inactive, error */
#define NGX_HTTP_API_AUTH_M_BUCKETS     3   /* the histogram's buckets */
#define NGX_HTTP_API_AUTH_M_NBUCKETS    12  /* 11 bounds and +Inf */
#define NGX_HTTP_API_AUTH_M_SUM         15  /* milliseconds */
#define NGX_HTTP_API_AUTH_M_JWKS        16  /* key set fetches: ok, error */
#define NGX_HTTP_API_AUTH_M_JWT         18  /* signature checks: per alg, */
#define NGX_HTTP_API_AUTH_M_ALGS        11  /* valid then invalid */
#define NGX_HTTP_API_AUTH_M_GLOBAL                                           \
    (NGX_HTTP_API_AUTH_M_JWT + 2 * NGX_HTTP_API_AUTH_M_ALGS)

/* per cache zone: hit, miss, stale, store failures */
#define NGX_HTTP_API_AUTH_M_ZONE        4
#define NGX_HTTP_API_AUTH_M_STORE_FAIL  3

/* per group: requests by method and result, then dry-run rejections */
#define NGX_HTTP_API_AUTH_M_GROUP                                            \
    (NGX_HTTP_API_AUTH_M_METHODS * NGX_HTTP_API_AUTH_M_RESULTS               \
     + NGX_HTTP_API_AUTH_M_RESULTS)

/* counters per cache line */
#define NGX_HTTP_API_AUTH_M_LINE                                             \
    (NGX_CPU_CACHE_LINE / sizeof(ngx_atomic_t))


typedef struct {
    ngx_str_t                     server;
    ngx_str_t                     location;
} ngx_http_api_auth_metrics_group_t;


/* ngx_http_api_auth_metrics.cpp */
ngx_int_t ngx_http_api_auth_metrics_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;
ngx_int_t ngx_http_api_auth_init_metrics(ngx_conf_t *cf) noexcept;

/* ngx_http_api_auth_count.cpp */
void ngx_http_api_auth_count_request(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
void ngx_http_api_auth_count_introspection(ngx_http_request_t *r,
    ngx_uint_t result, ngx_msec_t ms) noexcept;
void ngx_http_api_auth_metrics_jwks_fetch(ngx_http_request_t *r,
    ngx_uint_t ok) noexcept;
void ngx_http_api_auth_count_jwt_verify(ngx_http_request_t *r,
    ngx_uint_t alg, ngx_uint_t valid) noexcept;
void ngx_http_api_auth_count_store_failure(ngx_http_api_auth_zone_t *zone)
    noexcept;
extern const ngx_msec_t  ngx_http_api_auth_bounds[];
ngx_int_t ngx_http_api_auth_metrics_sum(ngx_http_api_auth_main_conf_t *amcf,
    uint64_t *out) noexcept;

/* ngx_http_api_auth_scrape.cpp */
char *ngx_http_api_auth_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;


#endif /* _NGX_HTTP_API_AUTH_METRICS_H_INCLUDED_ */
