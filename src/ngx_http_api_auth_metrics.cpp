/*
 * ngx_http_api_auth_module: metrics.  Counters in a shared-memory zone the
 * module adds itself: their layout, fixed at configuration, and the zone
 * (the request side that counts is ngx_http_api_auth_count.cpp, the
 * api_auth_metrics handler that prints them ngx_http_api_auth_scrape.cpp).
 *
 * The series are fixed at configuration time: one group per server and
 * location name (or api_auth_metrics_name), one set per cache zone, and
 * the module-wide ones.  Each worker slot has its own row of counters,
 * cache-line aligned, so that workers do not share lines; a request adds
 * to its row with ngx_atomic_fetch_add(), with no lock and no allocation.
 * A scrape sums the rows.  A reload keeps the counters while the layout
 * (slots, zones, groups and their names) is the same.
 *
 * Labels come only from the configuration and from fixed sets: never a
 * token, key, hash, client id, address or URI.
 */

#include "ngx_http_api_auth.h"

#include <string>


/* the zone's header; the rows follow it */
typedef struct {
    uint64_t                      layout;
    ngx_uint_t                    slots;
    ngx_uint_t                    row;
    u_char                        pad[NGX_CPU_CACHE_LINE - 2
                                      * sizeof(ngx_uint_t) - 8];
} ngx_http_api_auth_metrics_sh_t;

static_assert(sizeof(ngx_http_api_auth_metrics_sh_t) == NGX_CPU_CACHE_LINE,
              "the rows start on a cache line");
static_assert(std::is_standard_layout<ngx_http_api_auth_metrics_sh_t>::value
              && std::is_trivially_copyable<
                     ngx_http_api_auth_metrics_sh_t>::value, "");


static ngx_int_t ngx_http_api_auth_metrics_init_zone(
    ngx_shm_zone_t *shm_zone, void *data) noexcept;
static ngx_int_t ngx_http_api_auth_metrics_zones(ngx_conf_t *cf,
    ngx_http_api_auth_main_conf_t *amcf) noexcept;
static uint64_t ngx_http_api_auth_metrics_layout(
    ngx_http_api_auth_main_conf_t *amcf);




/*
 * At merge time: the group a location counts in.  A location where
 * api_auth is on counts under (server name, api_auth_metrics_name or the
 * location's name); an "if" or "limit_except" block counts with its
 * location; the server level itself (no location matched) is not counted
 * unless api_auth_metrics_name names it.
 */

ngx_int_t
ngx_http_api_auth_metrics_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept
{
    ngx_str_t                          *name;
    ngx_uint_t                          i;
    ngx_http_core_loc_conf_t           *clcf;
    ngx_http_core_srv_conf_t           *cscf;
    ngx_http_api_auth_main_conf_t      *amcf;
    ngx_http_api_auth_metrics_group_t  *g;

    ngx_conf_merge_str_value(conf->metrics_name, prev->metrics_name, "");

    conf->metrics_group = 0;

    if (conf->methods == 0) {
        return NGX_OK;
    }

    clcf = static_cast<ngx_http_core_loc_conf_t *>(
               ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    cscf = static_cast<ngx_http_core_srv_conf_t *>(
               ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module));
    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_conf_get_module_main_conf(cf,
                                                  ngx_http_api_auth_module));

    if (conf->metrics_name.len) {
        name = &conf->metrics_name;

    } else if (clcf->noname) {
        conf->metrics_group = prev->metrics_group;
        return NGX_OK;

    } else if (clcf->name.len) {
        name = &clcf->name;

    } else {
        return NGX_OK;
    }

    if (amcf->metric_groups.elts == NULL
        && ngx_array_init(&amcf->metric_groups, cf->pool, 4,
                          sizeof(ngx_http_api_auth_metrics_group_t))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    g = static_cast<ngx_http_api_auth_metrics_group_t *>(
            amcf->metric_groups.elts);

    for (i = 0; i < amcf->metric_groups.nelts; i++) {
        if (g[i].server.len == cscf->server_name.len
            && g[i].location.len == name->len
            && ngx_strncmp(g[i].server.data, cscf->server_name.data,
                           g[i].server.len) == 0
            && ngx_strncmp(g[i].location.data, name->data, name->len) == 0)
        {
            conf->metrics_group = i + 1;
            return NGX_OK;
        }
    }

    g = static_cast<ngx_http_api_auth_metrics_group_t *>(
            ngx_array_push(&amcf->metric_groups));
    if (g == NULL) {
        return NGX_ERROR;
    }

    g->server = cscf->server_name;
    g->location = *name;

    conf->metrics_group = amcf->metric_groups.nelts;

    return NGX_OK;
}


/*
 * At postconfiguration: the cache zones (in configuration order), the
 * layout, and the metrics zone sized for it.  A worker slot per
 * worker_processes where that is known by now (it is set before the http
 * block in practice); more workers share slots, which the atomic adds
 * keep exact.
 */

ngx_int_t
ngx_http_api_auth_init_metrics(ngx_conf_t *cf) noexcept
{
    size_t                          size;
    ngx_str_t                       name = ngx_string("api_auth.metrics");
    ngx_uint_t                      ncounters;
    ngx_core_conf_t                *ccf;
    ngx_http_api_auth_main_conf_t  *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_conf_get_module_main_conf(cf,
                                                  ngx_http_api_auth_module));

    if (ngx_http_api_auth_metrics_zones(cf, amcf) != NGX_OK) {
        return NGX_ERROR;
    }

    ccf = reinterpret_cast<ngx_core_conf_t *>(
              ngx_get_conf(cf->cycle->conf_ctx, ngx_core_module));

    amcf->metrics_slots = (ccf->worker_processes > 0)
                          ? ccf->worker_processes : 1;

    ncounters = NGX_HTTP_API_AUTH_M_GLOBAL
                + amcf->metric_zones.nelts * NGX_HTTP_API_AUTH_M_ZONE
                + amcf->metric_groups.nelts * NGX_HTTP_API_AUTH_M_GROUP;

    amcf->metrics_row = ngx_align(ncounters, NGX_HTTP_API_AUTH_M_LINE);

    try {
        amcf->metrics_layout = ngx_http_api_auth_metrics_layout(amcf);

    } catch (...) {
        return NGX_ERROR;
    }

    size = sizeof(ngx_http_api_auth_metrics_sh_t)
           + amcf->metrics_slots * amcf->metrics_row * sizeof(ngx_atomic_t);

    /* the slab pool's own pages, and ours */
    size = 8 * ngx_pagesize + ngx_align(size, ngx_pagesize);

    amcf->metrics = ngx_shared_memory_add(cf, &name, size,
                                          &ngx_http_api_auth_module);
    if (amcf->metrics == NULL) {
        return NGX_ERROR;
    }

    amcf->metrics->init = ngx_http_api_auth_metrics_init_zone;
    amcf->metrics->data = amcf;

    return NGX_OK;
}


/* the module's cache zones, in configuration order: amcf->metric_zones */

static ngx_int_t
ngx_http_api_auth_metrics_zones(ngx_conf_t *cf,
    ngx_http_api_auth_main_conf_t *amcf) noexcept
{
    ngx_uint_t                 i;
    ngx_list_part_t           *part;
    ngx_shm_zone_t            *shm_zone, **z;
    ngx_http_api_auth_zone_t  *zone;

    if (ngx_array_init(&amcf->metric_zones, cf->pool, 2,
                       sizeof(ngx_shm_zone_t *))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    part = &cf->cycle->shared_memory.part;
    shm_zone = static_cast<ngx_shm_zone_t *>(part->elts);

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            shm_zone = static_cast<ngx_shm_zone_t *>(part->elts);
            i = 0;
        }

        if (shm_zone[i].tag != &ngx_http_api_auth_module
            || shm_zone[i].init != ngx_http_api_auth_init_zone)
        {
            continue;
        }

        zone = static_cast<ngx_http_api_auth_zone_t *>(shm_zone[i].data);
        zone->metrics = amcf->metric_zones.nelts;

        z = static_cast<ngx_shm_zone_t **>(
                ngx_array_push(&amcf->metric_zones));
        if (z == NULL) {
            return NGX_ERROR;
        }

        *z = &shm_zone[i];
    }

    return NGX_OK;
}


/* a digest of everything that places a series in a row */

static uint64_t
ngx_http_api_auth_metrics_layout(ngx_http_api_auth_main_conf_t *amcf)
{
    uint64_t                            layout;
    ngx_uint_t                          i;
    std::string                         s;
    api_auth::digest                    d;
    ngx_shm_zone_t                    **z;
    ngx_http_api_auth_metrics_group_t  *g;

    s = "api_auth metrics 1 " + std::to_string(amcf->metrics_slots) + " "
        + std::to_string(amcf->metrics_row) + "\n";

    z = static_cast<ngx_shm_zone_t **>(amcf->metric_zones.elts);

    for (i = 0; i < amcf->metric_zones.nelts; i++) {
        s.append(reinterpret_cast<char *>(z[i]->shm.name.data),
                 z[i]->shm.name.len);
        s += '\0';
    }

    s += '\n';

    g = static_cast<ngx_http_api_auth_metrics_group_t *>(
            amcf->metric_groups.elts);

    for (i = 0; i < amcf->metric_groups.nelts; i++) {
        s.append(reinterpret_cast<char *>(g[i].server.data), g[i].server.len);
        s += '\0';
        s.append(reinterpret_cast<char *>(g[i].location.data),
                 g[i].location.len);
        s += '\0';
    }

    api_auth::sha256(s.data(), s.size(), d);
    ngx_memcpy(&layout, d.data(), sizeof(layout));

    return layout;
}


/*
 * The counters survive a reload when nginx reuses the zone (same size)
 * and the layout is the same; otherwise they start from zero.
 */

static ngx_int_t
ngx_http_api_auth_metrics_init_zone(ngx_shm_zone_t *shm_zone, void *data)
    noexcept
{
    size_t                           size;
    ngx_slab_pool_t                 *sp;
    ngx_http_api_auth_metrics_sh_t  *sh;
    ngx_http_api_auth_main_conf_t   *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(shm_zone->data);
    sp = reinterpret_cast<ngx_slab_pool_t *>(shm_zone->shm.addr);

    sh = NULL;

    if (data || shm_zone->shm.exists) {
        sh = static_cast<ngx_http_api_auth_metrics_sh_t *>(sp->data);

        if (sh != NULL && sh->layout != amcf->metrics_layout) {
            ngx_slab_free(sp, sh);
            sh = NULL;
        }
    }

    if (sh == NULL) {
        size = sizeof(ngx_http_api_auth_metrics_sh_t)
               + amcf->metrics_slots * amcf->metrics_row
                 * sizeof(ngx_atomic_t);

        /* a power of two of at least 128 bytes: aligned to a cache line */
        sh = static_cast<ngx_http_api_auth_metrics_sh_t *>(
                 ngx_slab_alloc(sp, size));
        if (sh == NULL) {
            return NGX_ERROR;
        }

        ngx_memzero(sh, size);

        sh->layout = amcf->metrics_layout;
        sh->slots = amcf->metrics_slots;
        sh->row = amcf->metrics_row;

        sp->data = sh;
    }

    amcf->metrics_rows = reinterpret_cast<ngx_atomic_t *>(sh + 1);

    return NGX_OK;
}
