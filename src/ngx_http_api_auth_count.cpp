/*
 * ngx_http_api_auth_module: counting, on the request path.  A request,
 * an introspection call, a key set fetch, a JWT signature check or a
 * store failure adds to the worker slot's row of the metrics zone
 * (ngx_http_api_auth_metrics.cpp) with ngx_atomic_fetch_add(): no lock,
 * no allocation.  A scrape sums the rows.
 */

#include "ngx_http_api_auth.h"


static ngx_atomic_t *ngx_http_api_auth_metrics_row(
    ngx_http_api_auth_main_conf_t *amcf) noexcept;


/* upper bounds of the introspection duration buckets, milliseconds */
const ngx_msec_t  ngx_http_api_auth_bounds[] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
};

static_assert(sizeof(ngx_http_api_auth_bounds)
              / sizeof(ngx_http_api_auth_bounds[0])
              == NGX_HTTP_API_AUTH_M_NBUCKETS - 1, "");


static ngx_atomic_t *
ngx_http_api_auth_metrics_row(ngx_http_api_auth_main_conf_t *amcf) noexcept
{
    if (amcf->metrics_rows == NULL) {
        return NULL;
    }

    return amcf->metrics_rows
           + (ngx_worker % amcf->metrics_slots) * amcf->metrics_row;
}


/* a decided request, once: its group's result, and its cache lookup */

void
ngx_http_api_auth_count_request(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept
{
    ngx_uint_t                      base, i;
    ngx_atomic_t                   *row;
    ngx_http_api_auth_zone_t       *zone;
    ngx_http_api_auth_loc_conf_t   *alcf;
    ngx_http_api_auth_main_conf_t  *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_get_module_main_conf(r, ngx_http_api_auth_module));

    row = ngx_http_api_auth_metrics_row(amcf);

    if (row == NULL || ctx->result == ngx_http_api_auth_none) {
        return;
    }

    alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(ctx->conf);
    i = ctx->result - 1;

    if (alcf->metrics_group) {
        base = NGX_HTTP_API_AUTH_M_GLOBAL
               + amcf->metric_zones.nelts * NGX_HTTP_API_AUTH_M_ZONE
               + (alcf->metrics_group - 1) * NGX_HTTP_API_AUTH_M_GROUP;

        (void) ngx_atomic_fetch_add(
                   &row[base + ctx->method * NGX_HTTP_API_AUTH_M_RESULTS + i],
                   1);

        if (ctx->dry_run) {
            (void) ngx_atomic_fetch_add(
                       &row[base + NGX_HTTP_API_AUTH_M_METHODS
                                   * NGX_HTTP_API_AUTH_M_RESULTS + i], 1);
        }
    }

    if (alcf->cache && ctx->cache_status != ngx_http_api_auth_cache_none
        && ctx->cache_status != ngx_http_api_auth_cache_bypass)
    {
        zone = static_cast<ngx_http_api_auth_zone_t *>(alcf->cache->data);

        (void) ngx_atomic_fetch_add(
                   &row[NGX_HTTP_API_AUTH_M_GLOBAL
                        + zone->metrics * NGX_HTTP_API_AUTH_M_ZONE
                        + ctx->cache_status - ngx_http_api_auth_cache_hit],
                   1);
    }
}


/* an introspection call that ended: 0 active, 1 inactive, 2 error */

void
ngx_http_api_auth_count_introspection(ngx_http_request_t *r,
    ngx_uint_t result, ngx_msec_t ms) noexcept
{
    ngx_uint_t                      b;
    ngx_atomic_t                   *row;
    ngx_http_api_auth_main_conf_t  *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_get_module_main_conf(r, ngx_http_api_auth_module));

    row = ngx_http_api_auth_metrics_row(amcf);

    if (row == NULL) {
        return;
    }

    for (b = 0; b < NGX_HTTP_API_AUTH_M_NBUCKETS - 1; b++) {
        if (ms <= ngx_http_api_auth_bounds[b]) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&row[NGX_HTTP_API_AUTH_M_INTROSPECT + result],
                                1);
    (void) ngx_atomic_fetch_add(&row[NGX_HTTP_API_AUTH_M_BUCKETS + b], 1);
    (void) ngx_atomic_fetch_add(&row[NGX_HTTP_API_AUTH_M_SUM], ms);
}


/* a key set fetch that ended (api_auth_jwks): ok 1, or an error */

void
ngx_http_api_auth_metrics_jwks_fetch(ngx_http_request_t *r, ngx_uint_t ok)
    noexcept
{
    ngx_atomic_t                   *row;
    ngx_http_api_auth_main_conf_t  *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_get_module_main_conf(r, ngx_http_api_auth_module));

    row = ngx_http_api_auth_metrics_row(amcf);

    if (row != NULL) {
        (void) ngx_atomic_fetch_add(&row[NGX_HTTP_API_AUTH_M_JWKS + !ok], 1);
    }
}


/* a JWT signature checked with alg (api_auth::jws_alg): valid or not */

void
ngx_http_api_auth_count_jwt_verify(ngx_http_request_t *r, ngx_uint_t alg,
    ngx_uint_t valid) noexcept
{
    ngx_atomic_t                   *row;
    ngx_http_api_auth_main_conf_t  *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_get_module_main_conf(r, ngx_http_api_auth_module));

    row = ngx_http_api_auth_metrics_row(amcf);

    if (row != NULL && alg < NGX_HTTP_API_AUTH_M_ALGS) {
        (void) ngx_atomic_fetch_add(
                   &row[NGX_HTTP_API_AUTH_M_JWT
                        + (valid ? 0 : NGX_HTTP_API_AUTH_M_ALGS) + alg], 1);
    }
}


/* a record the cache zone had no room for (logged at most every 10s) */

void
ngx_http_api_auth_count_store_failure(ngx_http_api_auth_zone_t *zone)
    noexcept
{
    ngx_atomic_t                   *row;
    ngx_http_api_auth_main_conf_t  *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_cycle_get_module_main_conf(
                   const_cast<ngx_cycle_t *>(ngx_cycle),
                   ngx_http_api_auth_module));

    if (amcf == NULL || (row = ngx_http_api_auth_metrics_row(amcf)) == NULL
        || zone->metrics >= amcf->metric_zones.nelts)
    {
        return;
    }

    (void) ngx_atomic_fetch_add(&row[NGX_HTTP_API_AUTH_M_GLOBAL
                                     + zone->metrics * NGX_HTTP_API_AUTH_M_ZONE
                                     + NGX_HTTP_API_AUTH_M_STORE_FAIL], 1);
}


/*
 * The counters summed over the rows, into out[amcf->metrics_row] (for a
 * scrape: the rows are read without a lock, each counter atomically).
 * NGX_DECLINED: the zone is not there.
 */

ngx_int_t
ngx_http_api_auth_metrics_sum(ngx_http_api_auth_main_conf_t *amcf,
    uint64_t *out) noexcept
{
    ngx_uint_t     s, i;
    ngx_atomic_t  *rows;

    rows = amcf->metrics_rows;

    if (rows == NULL) {
        return NGX_DECLINED;
    }

    for (i = 0; i < amcf->metrics_row; i++) {
        out[i] = 0;
    }

    for (s = 0; s < amcf->metrics_slots; s++) {
        for (i = 0; i < amcf->metrics_row; i++) {
            out[i] += rows[s * amcf->metrics_row + i];
        }
    }

    return NGX_OK;
}
