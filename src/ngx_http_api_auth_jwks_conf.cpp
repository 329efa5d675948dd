/*
 * ngx_http_api_auth_module: api_auth_jwks URI [refresh=T] [min_refresh=T]
 * [stale_if_error=T], and the lifecycle of this worker's key sets: the
 * sets of the configuration are the worker's from init_process, their
 * EVP_PKEY objects freed at exit_process (the request path is
 * ngx_http_api_auth_jwks.cpp, the sets in a cache zone
 * ngx_http_api_auth_jwks_share.cpp).
 */

#include "ngx_http_api_auth_jwks.h"

#include <new>


ngx_http_api_auth_jwks_worker_t  ngx_http_api_auth_jwks_worker;


static void
ngx_http_api_auth_jwks_destroy(void *data) noexcept
{
    static_cast<ngx_http_api_auth_jwks_state_t *>(data)
        ->~ngx_http_api_auth_jwks_state_t();
}


/* refresh=, min_refresh=, stale_if_error= of value[2..] */

static char *
ngx_http_api_auth_jwks_params(ngx_conf_t *cf, ngx_http_api_auth_jwks_t *jwks)
    noexcept
{
    time_t     *t;
    ngx_str_t  *value, v;
    ngx_uint_t  i;

    value = static_cast<ngx_str_t *>(cf->args->elts);

    for (i = 2; i < cf->args->nelts; i++) {
        v = value[i];

        if (ngx_strncmp(v.data, "refresh=", 8) == 0) {
            t = &jwks->refresh;
            v.data += 8;
            v.len -= 8;

        } else if (ngx_strncmp(v.data, "min_refresh=", 12) == 0) {
            t = &jwks->min_refresh;
            v.data += 12;
            v.len -= 12;

        } else if (ngx_strncmp(v.data, "stale_if_error=", 15) == 0) {
            t = &jwks->stale_if_error;
            v.data += 15;
            v.len -= 15;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid \"api_auth_jwks\" "
                               "parameter \"%V\" (refresh=, min_refresh=, "
                               "stale_if_error=)", &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        *t = ngx_parse_time(&v, 1);

        if (*t == static_cast<time_t>(NGX_ERROR)
            || (*t == 0 && t != &jwks->stale_if_error))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid \"api_auth_jwks\" time "
                               "\"%V\" (refresh= and min_refresh= at least "
                               "1s)", &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    if (jwks->min_refresh > jwks->refresh) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"api_auth_jwks\" min_refresh= (%T s) "
                           "is longer than refresh= (%T s)",
                           jwks->min_refresh, jwks->refresh);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}


/* api_auth_jwks URI [refresh=T] [min_refresh=T] [stale_if_error=T] */

char *
ngx_http_api_auth_jwks_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t                       *value;
    ngx_pool_cleanup_t              *cln;
    ngx_http_api_auth_jwks_t        *jwks, **slot;
    ngx_http_api_auth_main_conf_t   *amcf;

    if (alcf->jwks) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_http_api_auth_conf_local_uri(cf, "api_auth_jwks", &value[1],
                                         "/_jwks", "the authorization "
                                         "server's jwks_uri")
        != NGX_OK)
    {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    jwks = static_cast<ngx_http_api_auth_jwks_t *>(
               ngx_pcalloc(cf->pool, sizeof(ngx_http_api_auth_jwks_t)));
    if (jwks == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    jwks->uri = value[1];
    jwks->refresh = 600;
    jwks->min_refresh = 30;
    jwks->stale_if_error = 86400;

    if (ngx_http_api_auth_jwks_params(cf, jwks) != NGX_CONF_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    cln = ngx_pool_cleanup_add(cf->pool,
                               sizeof(ngx_http_api_auth_jwks_state_t));
    if (cln == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    jwks->state = new (cln->data) ngx_http_api_auth_jwks_state_t();
    cln->handler = ngx_http_api_auth_jwks_destroy;

    /* the server block names the set's slot in a zone (jwks_share.cpp) */
    ngx_http_api_auth_jwks_state(jwks)->server =
        static_cast<ngx_http_core_srv_conf_t *>(
            ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module));

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_conf_get_module_main_conf(cf,
                                                  ngx_http_api_auth_module));

    if (amcf->jwks == NULL) {
        amcf->jwks = ngx_array_create(cf->pool, 2,
                                      sizeof(ngx_http_api_auth_jwks_t *));
        if (amcf->jwks == NULL) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    slot = static_cast<ngx_http_api_auth_jwks_t **>(
               ngx_array_push(amcf->jwks));
    if (slot == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    *slot = jwks;
    alcf->jwks = jwks;

    return NGX_CONF_OK;
}


/* the request that fetched is going away before its fetch ended */

void
ngx_http_api_auth_jwks_abort(ngx_http_api_auth_ctx_t *ctx) noexcept
{
    ngx_uint_t                       i;
    ngx_http_api_auth_jwks_t       **sets;
    ngx_http_api_auth_jwks_state_t  *s;

    ctx->jwks_fetch = 0;

    if (ngx_http_api_auth_jwks_worker.sets == NULL) {
        return;
    }

    sets = static_cast<ngx_http_api_auth_jwks_t **>(
               ngx_http_api_auth_jwks_worker.sets->elts);

    for (i = 0; i < ngx_http_api_auth_jwks_worker.sets->nelts; i++) {
        s = ngx_http_api_auth_jwks_state(sets[i]);

        if (s->fetcher == ctx) {
            s->fetcher = nullptr;
            s->sched.fetching = false;
            ngx_http_api_auth_jwks_release(s);
            ngx_http_api_auth_wake_all_waiters();
        }
    }
}


ngx_int_t
ngx_http_api_auth_jwks_init_process(ngx_cycle_t *cycle) noexcept
{
    ngx_http_api_auth_main_conf_t  *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_cycle_get_module_main_conf(cycle,
                                                   ngx_http_api_auth_module));

    ngx_http_api_auth_jwks_worker.sets = amcf ? amcf->jwks : NULL;

    return NGX_OK;
}


/* the worker's EVP_PKEY objects go before the worker does */

void
ngx_http_api_auth_jwks_exit_process(ngx_cycle_t *cycle) noexcept
{
    ngx_uint_t                  i;
    ngx_http_api_auth_jwks_t  **sets;

    if (ngx_http_api_auth_jwks_worker.sets == NULL) {
        return;
    }

    sets = static_cast<ngx_http_api_auth_jwks_t **>(
               ngx_http_api_auth_jwks_worker.sets->elts);

    for (i = 0; i < ngx_http_api_auth_jwks_worker.sets->nelts; i++) {
        /* a fetch of the zone still marked ours: the others need not wait */
        ngx_http_api_auth_jwks_release(ngx_http_api_auth_jwks_state(sets[i]));
        ngx_http_api_auth_jwks_state(sets[i])->set.keys.clear();
        ngx_http_api_auth_jwks_state(sets[i])->fetcher = nullptr;
    }

    ngx_http_api_auth_jwks_worker.sets = NULL;
}
