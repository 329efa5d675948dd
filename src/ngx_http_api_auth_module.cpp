/*
 * ngx_http_api_auth_module: the module object, the configurations'
 * creation and merge, postconfiguration.  The command table is
 * ngx_http_api_auth_commands.cpp; each directive's handler, and the merge
 * of its values, is in its concern's file.
 *
 * Everything here runs at configuration time, in the master; a bad
 * configuration fails "nginx -t" with a message naming file, line and
 * reason.
 */

#include "ngx_http_api_auth.h"


static void *ngx_http_api_auth_create_main_conf(ngx_conf_t *cf) noexcept;
static void *ngx_http_api_auth_create_srv_conf(ngx_conf_t *cf) noexcept;
static void *ngx_http_api_auth_create_loc_conf(ngx_conf_t *cf) noexcept;
static char *ngx_http_api_auth_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child) noexcept;
static ngx_int_t ngx_http_api_auth_init(ngx_conf_t *cf) noexcept;


static ngx_http_module_t  ngx_http_api_auth_module_ctx = {
    ngx_http_api_auth_add_variables,       /* preconfiguration */
    ngx_http_api_auth_init,                /* postconfiguration */

    ngx_http_api_auth_create_main_conf,    /* create main configuration */
    NULL,                                  /* init main configuration */

    ngx_http_api_auth_create_srv_conf,     /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_api_auth_create_loc_conf,     /* create location configuration */
    ngx_http_api_auth_merge_loc_conf       /* merge location configuration */
};


extern "C" {

ngx_module_t  ngx_http_api_auth_module = {
    NGX_MODULE_V1,
    &ngx_http_api_auth_module_ctx,         /* module context */
    ngx_http_api_auth_commands,            /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_api_auth_init_process,        /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_api_auth_exit_process,        /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};

}


static void *
ngx_http_api_auth_create_main_conf(ngx_conf_t *cf) noexcept
{
    ngx_http_api_auth_main_conf_t  *amcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_pcalloc(cf->pool, sizeof(ngx_http_api_auth_main_conf_t)));
    if (amcf == NULL) {
        return NULL;
    }

    if (ngx_http_api_auth_init_secrets(amcf->nonce, sizeof(amcf->nonce))
        != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: RAND_bytes() failed");
        return NULL;
    }

    return amcf;
}


static void *
ngx_http_api_auth_create_srv_conf(ngx_conf_t *cf) noexcept
{
    /*
     * set by ngx_pcalloc():
     *
     *     ascf->any_location = 0;
     *     ascf->resources = NULL;
     */

    return ngx_pcalloc(cf->pool, sizeof(ngx_http_api_auth_srv_conf_t));
}


static void *
ngx_http_api_auth_create_loc_conf(ngx_conf_t *cf) noexcept
{
    ngx_http_api_auth_loc_conf_t  *conf;

    conf = static_cast<ngx_http_api_auth_loc_conf_t *>(
               ngx_pcalloc(cf->pool, sizeof(ngx_http_api_auth_loc_conf_t)));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc(): every field not set below is empty, NULL or 0
     * (strings, the prm_* and challenge_* values, cache_share, claims,
     * token_basic, jwt, metrics_name)
     */

    conf->methods = NGX_CONF_UNSET_UINT;
    conf->optional = NGX_CONF_UNSET;
    conf->keys = static_cast<api_auth::key_table *>(NGX_CONF_UNSET_PTR);
    conf->sources = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    conf->cache = static_cast<ngx_shm_zone_t *>(NGX_CONF_UNSET_PTR);
    conf->max_ttl = NGX_CONF_UNSET;
    conf->negative_ttl = NGX_CONF_UNSET;
    conf->stale_if_error = NGX_CONF_UNSET;
    conf->audience_off = NGX_CONF_UNSET;
    conf->hide = NGX_CONF_UNSET;
    conf->scrub = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    conf->preflight = NGX_CONF_UNSET_UINT;
    conf->implies = static_cast<api_auth::scope_implications *>(
                        NGX_CONF_UNSET_PTR);
    conf->dry_run = NGX_CONF_UNSET;
    conf->phase = NGX_CONF_UNSET_UINT;

    return conf;
}


/*
 * Each concern merges its own values first (nothing there logs), then the
 * checks run in a fixed order: their messages are what "nginx -t" shows.
 */

static char *
ngx_http_api_auth_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child) noexcept
{
    ngx_http_api_auth_loc_conf_t *prev =
        static_cast<ngx_http_api_auth_loc_conf_t *>(parent);
    ngx_http_api_auth_loc_conf_t *conf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(child);

    ngx_uint_t  here;

    here = ngx_http_api_auth_policy_merge(prev, conf);

    ngx_conf_merge_str_value(conf->realm, prev->realm, "api");

    if (ngx_http_api_auth_key_merge(cf, prev, conf) != NGX_CONF_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    ngx_http_api_auth_introspect_merge(prev, conf);
    ngx_http_api_auth_handler_merge(prev, conf);
    ngx_http_api_auth_cache_merge(prev, conf);

    /* unset stays unset: the default depends on this level's resource */
    if (conf->hide == NGX_CONF_UNSET) {
        conf->hide = prev->hide;
    }

    ngx_conf_merge_ptr_value(conf->scrub, prev->scrub, NULL);
    ngx_conf_merge_value(conf->dry_run, prev->dry_run, 0);

    ngx_http_api_auth_phase_merge(cf, prev, conf);

    if (ngx_http_api_auth_metrics_merge(cf, prev, conf) != NGX_OK
        || ngx_http_api_auth_check_api_key(cf, conf) != NGX_CONF_OK
        || ngx_http_api_auth_prm_merge(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_api_auth_client_auth(cf, conf) != NGX_CONF_OK
        || ngx_http_api_auth_cache_namespace(cf, conf) != NGX_CONF_OK
        || ngx_http_api_auth_jwt_merge(cf, prev, conf) != NGX_CONF_OK
        || ngx_http_api_auth_check_oauth(cf, conf) != NGX_CONF_OK)
    {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    ngx_http_api_auth_lint(cf, conf, here);

    if (conf->methods == 0) {
        /* an "api_auth off" location never answers a challenge */
        return NGX_CONF_OK;
    }

    return ngx_http_api_auth_challenges(cf, conf);
}


static ngx_int_t
ngx_http_api_auth_init(ngx_conf_t *cf) noexcept
{
    if (ngx_http_api_auth_init_phases(cf) != NGX_OK
        || ngx_http_api_auth_init_metrics(cf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_api_auth_prm_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_api_auth_init_fetch(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_api_auth_init_filters(cf);
}
