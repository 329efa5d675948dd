/*
 * ngx_http_api_auth_module: the api_auth_metrics content handler, like
 * stub_status: the counters of ngx_http_api_auth_metrics.cpp, summed over
 * the workers' rows, in the Prometheus text format 0.0.4 (core:
 * prometheus.cpp).  Every series of the configuration is printed, zeros
 * included; label values come from the configuration and fixed sets.
 * Runs at scrape time only, so it may allocate (guarded).
 */

#include "ngx_http_api_auth.h"

#include <string>
#include <vector>

#include "core/jwt.hpp"
#include "core/prometheus.hpp"


static ngx_int_t ngx_http_api_auth_metrics_handler(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_metrics_send(ngx_http_request_t *r);
static void ngx_http_api_auth_metrics_print(
    ngx_http_api_auth_main_conf_t *amcf, const std::vector<uint64_t> &c,
    std::string &out);
static void ngx_http_api_auth_metrics_print_groups(
    ngx_http_api_auth_main_conf_t *amcf, const std::vector<uint64_t> &c,
    std::string &out);
static void ngx_http_api_auth_metrics_print_zones(
    ngx_http_api_auth_main_conf_t *amcf, const std::vector<uint64_t> &c,
    std::string &out);
static void ngx_http_api_auth_metrics_print_calls(
    const std::vector<uint64_t> &c, std::string &out);
static std::string_view ngx_http_api_auth_sv(ngx_str_t *s) noexcept;


static constexpr std::string_view  ngx_http_api_auth_m_methods[] = {
    "none", "api_key", "oauth"
};

static constexpr std::string_view  ngx_http_api_auth_m_results[] = {
    "allow", "anonymous", "missing", "invalid_request", "invalid_token",
    "insufficient_scope", "unavailable"
};

static constexpr std::string_view  ngx_http_api_auth_m_lookups[] = {
    "hit", "miss", "stale"
};

static constexpr std::string_view  ngx_http_api_auth_m_introspect[] = {
    "active", "inactive", "error"
};



/* api_auth_metrics: the location's content handler, like stub_status */

char *
ngx_http_api_auth_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = static_cast<ngx_http_core_loc_conf_t *>(
               ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));

    if (clcf->handler == ngx_http_api_auth_metrics_handler) {
        return const_cast<char *>("is duplicate");
    }

    clcf->handler = ngx_http_api_auth_metrics_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_api_auth_metrics_handler(ngx_http_request_t *r) noexcept
{
    ngx_int_t  rc;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    try {
        return ngx_http_api_auth_metrics_send(r);

    } catch (...) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "api_auth: unexpected exception in metrics");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}


static ngx_int_t
ngx_http_api_auth_metrics_send(ngx_http_request_t *r)
{
    ngx_buf_t                      *b;
    std::string                     text;
    std::vector<uint64_t>           c;
    ngx_http_api_auth_main_conf_t  *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_get_module_main_conf(r, ngx_http_api_auth_module));

    c.assign(amcf->metrics_row, 0);

    if (ngx_http_api_auth_metrics_sum(amcf, c.data()) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_api_auth_metrics_print(amcf, c, text);

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = text.size();
    ngx_str_set(&r->headers_out.content_type, "text/plain; version=0.0.4");
    r->headers_out.content_type_len = sizeof("text/plain") - 1;
    r->headers_out.content_type_lowcase = NULL;

    if (r->method == NGX_HTTP_HEAD) {
        return ngx_http_send_header(r);
    }

    b = ngx_create_temp_buf(r->pool, text.size());
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->last, text.data(), text.size());

    return ngx_http_api_auth_send_body(r, b);
}


static std::string_view
ngx_http_api_auth_sv(ngx_str_t *s) noexcept
{
    return std::string_view(reinterpret_cast<char *>(s->data), s->len);
}


/* the families, each with a HELP and TYPE line, in a fixed order */

static void
ngx_http_api_auth_metrics_print(ngx_http_api_auth_main_conf_t *amcf,
    const std::vector<uint64_t> &c, std::string &out)
{
    ngx_http_api_auth_metrics_print_groups(amcf, c, out);
    ngx_http_api_auth_metrics_print_zones(amcf, c, out);
    ngx_http_api_auth_metrics_print_calls(c, out);
}


/* per location group: requests, and the rejections dry run let pass */

static void
ngx_http_api_auth_metrics_print_groups(ngx_http_api_auth_main_conf_t *amcf,
    const std::vector<uint64_t> &c, std::string &out)
{
    size_t                              base;
    ngx_uint_t                          i, m, k;
    api_auth::prom_label                l[4];
    ngx_http_api_auth_metrics_group_t  *g;

    g = static_cast<ngx_http_api_auth_metrics_group_t *>(
            amcf->metric_groups.elts);

    api_auth::prom_family(out, "api_auth_requests_total",
                          "Requests decided by api_auth, by server, "
                          "location group, method and result.", "counter");

    for (i = 0; i < amcf->metric_groups.nelts; i++) {
        base = NGX_HTTP_API_AUTH_M_GLOBAL
               + amcf->metric_zones.nelts * NGX_HTTP_API_AUTH_M_ZONE
               + i * NGX_HTTP_API_AUTH_M_GROUP;

        l[0] = { "server", ngx_http_api_auth_sv(&g[i].server) };
        l[1] = { "location", ngx_http_api_auth_sv(&g[i].location) };

        for (m = 0; m < NGX_HTTP_API_AUTH_M_METHODS; m++) {
            for (k = 0; k < NGX_HTTP_API_AUTH_M_RESULTS; k++) {
                l[2] = { "method", ngx_http_api_auth_m_methods[m] };
                l[3] = { "result", ngx_http_api_auth_m_results[k] };
                api_auth::prom_sample(out, "api_auth_requests_total", l, 4,
                    c[base + m * NGX_HTTP_API_AUTH_M_RESULTS + k]);
            }
        }
    }

    api_auth::prom_family(out, "api_auth_dry_run_rejections_total",
                          "Requests that api_auth_dry_run let pass instead "
                          "of rejecting them, by result.", "counter");

    for (i = 0; i < amcf->metric_groups.nelts; i++) {
        base = NGX_HTTP_API_AUTH_M_GLOBAL
               + amcf->metric_zones.nelts * NGX_HTTP_API_AUTH_M_ZONE
               + i * NGX_HTTP_API_AUTH_M_GROUP
               + NGX_HTTP_API_AUTH_M_METHODS * NGX_HTTP_API_AUTH_M_RESULTS;

        l[0] = { "server", ngx_http_api_auth_sv(&g[i].server) };
        l[1] = { "location", ngx_http_api_auth_sv(&g[i].location) };

        /* allow and anonymous are never rejections */
        for (k = 2; k < NGX_HTTP_API_AUTH_M_RESULTS; k++) {
            l[2] = { "result", ngx_http_api_auth_m_results[k] };
            api_auth::prom_sample(out, "api_auth_dry_run_rejections_total",
                                  l, 3, c[base + k]);
        }
    }
}


/* per cache zone: lookups, entries, evictions, store failures */

static void
ngx_http_api_auth_metrics_print_zones(ngx_http_api_auth_main_conf_t *amcf,
    const std::vector<uint64_t> &c, std::string &out)
{
    uint64_t                   n;
    ngx_uint_t                 i, k;
    ngx_shm_zone_t           **z;
    api_auth::prom_label       l[2];
    ngx_http_api_auth_zone_t  *zone;

    z = static_cast<ngx_shm_zone_t **>(amcf->metric_zones.elts);

    api_auth::prom_family(out, "api_auth_cache_lookups_total",
                          "Introspection cache lookups, by zone and "
                          "status.", "counter");

    for (i = 0; i < amcf->metric_zones.nelts; i++) {
        l[0] = { "zone", ngx_http_api_auth_sv(&z[i]->shm.name) };

        for (k = 0; k < 3; k++) {
            l[1] = { "status", ngx_http_api_auth_m_lookups[k] };
            api_auth::prom_sample(out, "api_auth_cache_lookups_total", l, 2,
                c[NGX_HTTP_API_AUTH_M_GLOBAL + i * NGX_HTTP_API_AUTH_M_ZONE
                  + k]);
        }
    }

    api_auth::prom_family(out, "api_auth_cache_entries",
                          "Entries in the introspection cache zone.",
                          "gauge");

    for (i = 0; i < amcf->metric_zones.nelts; i++) {
        zone = static_cast<ngx_http_api_auth_zone_t *>(z[i]->data);
        l[0] = { "zone", ngx_http_api_auth_sv(&z[i]->shm.name) };
        n = (zone->sh != NULL) ? zone->sh->entries : 0;
        api_auth::prom_sample(out, "api_auth_cache_entries", l, 1, n);
    }

    api_auth::prom_family(out, "api_auth_cache_evictions_total",
                          "Live entries evicted from the introspection "
                          "cache zone to make room.", "counter");

    for (i = 0; i < amcf->metric_zones.nelts; i++) {
        zone = static_cast<ngx_http_api_auth_zone_t *>(z[i]->data);
        l[0] = { "zone", ngx_http_api_auth_sv(&z[i]->shm.name) };
        n = (zone->sh != NULL) ? zone->sh->evicted : 0;
        api_auth::prom_sample(out, "api_auth_cache_evictions_total", l, 1, n);
    }

    api_auth::prom_family(out, "api_auth_cache_store_failures_total",
                          "Introspection answers the cache zone had no room "
                          "for (the request went on uncached).", "counter");

    for (i = 0; i < amcf->metric_zones.nelts; i++) {
        l[0] = { "zone", ngx_http_api_auth_sv(&z[i]->shm.name) };
        api_auth::prom_sample(out, "api_auth_cache_store_failures_total", l,
            1, c[NGX_HTTP_API_AUTH_M_GLOBAL + i * NGX_HTTP_API_AUTH_M_ZONE
                 + NGX_HTTP_API_AUTH_M_STORE_FAIL]);
    }
}


/* the module's calls: introspection, key set fetches, JWT checks */

static void
ngx_http_api_auth_metrics_print_calls(const std::vector<uint64_t> &c,
    std::string &out)
{
    uint64_t              n;
    ngx_uint_t            k;
    std::string           le;
    api_auth::prom_label  l[2];

    api_auth::prom_family(out, "api_auth_introspection_requests_total",
                          "Token introspection calls, by outcome.",
                          "counter");

    for (k = 0; k < 3; k++) {
        l[0] = { "result", ngx_http_api_auth_m_introspect[k] };
        api_auth::prom_sample(out, "api_auth_introspection_requests_total",
                              l, 1, c[NGX_HTTP_API_AUTH_M_INTROSPECT + k]);
    }

    api_auth::prom_family(out, "api_auth_introspection_duration_seconds",
                          "Duration of token introspection calls.",
                          "histogram");

    for (n = 0, k = 0; k < NGX_HTTP_API_AUTH_M_NBUCKETS; k++) {
        n += c[NGX_HTTP_API_AUTH_M_BUCKETS + k];
        le = (k < NGX_HTTP_API_AUTH_M_NBUCKETS - 1)
             ? api_auth::prom_seconds(ngx_http_api_auth_bounds[k]) : "+Inf";
        l[0] = { "le", le };
        api_auth::prom_sample(out,
                              "api_auth_introspection_duration_seconds_bucket",
                              l, 1, n);
    }

    api_auth::prom_sample(out, "api_auth_introspection_duration_seconds_sum",
                          nullptr, 0,
                          api_auth::prom_seconds(c[NGX_HTTP_API_AUTH_M_SUM]));
    api_auth::prom_sample(out,
                          "api_auth_introspection_duration_seconds_count",
                          nullptr, 0, n);

    api_auth::prom_family(out, "api_auth_jwks_fetches_total",
                          "JWT key set fetches (api_auth_jwks), by outcome.",
                          "counter");

    for (k = 0; k < 2; k++) {
        l[0] = { "result", k == 0 ? "ok" : "error" };
        api_auth::prom_sample(out, "api_auth_jwks_fetches_total", l, 1,
                              c[NGX_HTTP_API_AUTH_M_JWKS + k]);
    }

    api_auth::prom_family(out, "api_auth_jwt_verifications_total",
                          "JWT signature checks (cache hits need none), by "
                          "algorithm and outcome.", "counter");

    static_assert(api_auth::jws_alg_count == NGX_HTTP_API_AUTH_M_ALGS, "");

    for (k = 0; k < 2 * NGX_HTTP_API_AUTH_M_ALGS; k++) {
        l[0] = { "alg", api_auth::jws_alg_name(static_cast<api_auth::jws_alg>(
                            k % NGX_HTTP_API_AUTH_M_ALGS)) };
        l[1] = { "result", k < NGX_HTTP_API_AUTH_M_ALGS ? "valid" : "invalid" };
        api_auth::prom_sample(out, "api_auth_jwt_verifications_total", l, 2,
                              c[NGX_HTTP_API_AUTH_M_JWT + k]);
    }

    api_auth::prom_family(out, "api_auth_build_info",
                          "The api_auth module's version.", "gauge");

    l[0] = { "version", NGX_HTTP_API_AUTH_VERSION };
    api_auth::prom_sample(out, "api_auth_build_info", l, 1, uint64_t{1});
}
