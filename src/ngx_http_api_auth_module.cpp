/*
 * ngx_http_api_auth_module: directives, configuration and module object.
 *
 * Everything here runs at configuration time, in the master, where
 * allocation may fail with std::bad_alloc: the key-table loader is guarded
 * and any failure fails "nginx -t" with a message naming file and reason.
 */

#include "ngx_http_api_auth.h"

#include <new>

#include "core/credentials.hpp"
#include "core/introspection.hpp"



static void *ngx_http_api_auth_create_main_conf(ngx_conf_t *cf) noexcept;
static void *ngx_http_api_auth_create_srv_conf(ngx_conf_t *cf) noexcept;
static void *ngx_http_api_auth_create_loc_conf(ngx_conf_t *cf) noexcept;
static char *ngx_http_api_auth_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child) noexcept;
static ngx_int_t ngx_http_api_auth_init(ngx_conf_t *cf) noexcept;
static char *ngx_http_api_auth(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
static char *ngx_http_api_auth_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
static char *ngx_http_api_auth_cache(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
static char *ngx_http_api_auth_cache_share(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_str_t *value) noexcept;
static char *ngx_http_api_auth_join(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
static char *ngx_http_api_auth_challenges(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
static char *ngx_http_api_auth_cache_namespace(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;


static ngx_command_t  ngx_http_api_auth_commands[] = {

    { ngx_string("api_auth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_api_auth,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_auth_realm"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_auth_realm,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_auth_loc_conf_t, realm),
      NULL },

    { ngx_string("api_auth_keys"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_auth_keys,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_auth_key_source"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_api_auth_key_source,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_auth_introspect"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_auth_introspect_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_auth_client_id"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_auth_loc_conf_t, client_id),
      NULL },

    { ngx_string("api_auth_client_secret_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_api_auth_secret_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_auth_cache_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_api_auth_cache_zone,
      0,
      0,
      NULL },

    { ngx_string("api_auth_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_api_auth_cache,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("api_auth_require_scope"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_api_auth_join,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_auth_loc_conf_t, scope),
      NULL },

    { ngx_string("api_auth_require_audience"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_api_auth_join,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_api_auth_loc_conf_t, audience),
      NULL },

      ngx_null_command
};


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
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
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
     * set by ngx_pcalloc():
     *
     *     conf->realm = { 0, NULL };
     *     conf->introspect = { 0, NULL };
     *     conf->client_id = { 0, NULL };
     *     conf->secret_file = { 0, NULL };
     *     conf->client_auth = { 0, NULL };
     *     conf->scope = { 0, NULL };
     *     conf->audience = { 0, NULL };
     *     conf->challenge_* = { 0, NULL };
     *     conf->cache_share = NULL;
     *     conf->cache_ns_request = 0;
     */

    conf->methods = NGX_CONF_UNSET_UINT;
    conf->optional = NGX_CONF_UNSET;
    conf->keys = static_cast<api_auth::key_table *>(NGX_CONF_UNSET_PTR);
    conf->sources = static_cast<ngx_array_t *>(NGX_CONF_UNSET_PTR);
    conf->cache = static_cast<ngx_shm_zone_t *>(NGX_CONF_UNSET_PTR);
    conf->max_ttl = NGX_CONF_UNSET;
    conf->negative_ttl = NGX_CONF_UNSET;
    conf->stale_if_error = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_api_auth_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child) noexcept
{
    ngx_http_api_auth_loc_conf_t *prev =
        static_cast<ngx_http_api_auth_loc_conf_t *>(parent);
    ngx_http_api_auth_loc_conf_t *conf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(child);

    ngx_uint_t                     here;
    ngx_http_api_auth_source_t    *src;
    ngx_http_api_auth_srv_conf_t  *ascf;

    here = (conf->methods != NGX_CONF_UNSET_UINT
            ? NGX_HTTP_API_AUTH_HERE_METHODS : 0)
           | (conf->scope.data ? NGX_HTTP_API_AUTH_HERE_SCOPE : 0)
           | (conf->audience.data ? NGX_HTTP_API_AUTH_HERE_AUDIENCE : 0);

    /* "api_auth" sets methods and "optional" together */
    if (conf->methods == NGX_CONF_UNSET_UINT) {
        conf->methods = prev->methods;
        conf->optional = prev->optional;
    }

    ngx_conf_merge_uint_value(conf->methods, prev->methods, 0);
    ngx_conf_merge_value(conf->optional, prev->optional, 0);
    ngx_conf_merge_str_value(conf->realm, prev->realm, "api");
    ngx_conf_merge_ptr_value(conf->keys, prev->keys, NULL);
    ngx_conf_merge_str_value(conf->introspect, prev->introspect, "");

    /* the encoded client credentials are inherited only with both parts */
    if (conf->client_id.data == NULL && conf->secret_file.data == NULL) {
        conf->client_auth = prev->client_auth;
    }

    ngx_conf_merge_str_value(conf->client_id, prev->client_id, "");
    ngx_conf_merge_str_value(conf->secret_file, prev->secret_file, "");
    ngx_conf_merge_str_value(conf->scope, prev->scope, "");
    ngx_conf_merge_str_value(conf->audience, prev->audience, "");

    if (conf->sources == NGX_CONF_UNSET_PTR) {
        if (prev->sources != NGX_CONF_UNSET_PTR) {
            conf->sources = prev->sources;

        } else {
            /* default: "bearer basic" */
            conf->sources = ngx_array_create(cf->pool, 2,
                                        sizeof(ngx_http_api_auth_source_t));
            if (conf->sources == NULL) {
                return static_cast<char *>(NGX_CONF_ERROR);
            }

            src = static_cast<ngx_http_api_auth_source_t *>(
                      ngx_array_push_n(conf->sources, 2));
            if (src == NULL) {
                return static_cast<char *>(NGX_CONF_ERROR);
            }

            ngx_memzero(src, 2 * sizeof(ngx_http_api_auth_source_t));
            src[0].type = NGX_HTTP_API_AUTH_SRC_BEARER;
            src[1].type = NGX_HTTP_API_AUTH_SRC_BASIC;
        }
    }

    /* "api_auth_cache" sets the zone and its times together */
    if (conf->cache == NGX_CONF_UNSET_PTR) {
        conf->cache = prev->cache;
        conf->cache_share = prev->cache_share;
        conf->max_ttl = prev->max_ttl;
        conf->negative_ttl = prev->negative_ttl;
        conf->stale_if_error = prev->stale_if_error;
    }

    ngx_conf_merge_ptr_value(conf->cache, prev->cache, NULL);
    ngx_conf_merge_sec_value(conf->max_ttl, prev->max_ttl, 300);
    ngx_conf_merge_sec_value(conf->negative_ttl, prev->negative_ttl, 10);
    ngx_conf_merge_sec_value(conf->stale_if_error, prev->stale_if_error, 0);

    if (conf->methods) {
        /* see ngx_http_api_auth_remote_user() */
        ascf = static_cast<ngx_http_api_auth_srv_conf_t *>(
                   ngx_http_conf_get_module_srv_conf(cf,
                                                 ngx_http_api_auth_module));
        ascf->any_location = 1;
    }

    if ((conf->methods & NGX_HTTP_API_AUTH_KEY) && conf->keys == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"api_auth api_key\" requires "
                           "\"api_auth_keys\" at the same or an enclosing "
                           "level");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if ((conf->methods & NGX_HTTP_API_AUTH_OAUTH)
        && conf->introspect.len == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"api_auth oauth\" requires "
                           "\"api_auth_introspect\" at the same or an "
                           "enclosing level");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (ngx_http_api_auth_client_auth(cf, conf) != NGX_CONF_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (ngx_http_api_auth_cache_namespace(cf, conf) != NGX_CONF_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    ngx_http_api_auth_lint(cf, conf, here);

    return ngx_http_api_auth_challenges(cf, conf);
}


/*
 * One zone may serve locations that ask different authorization servers,
 * or keep answers for different times.  Where an introspection location
 * leads is nginx's configuration (proxy_pass, a map on $host, ...), which
 * the module cannot read, so by default an entry is shared only by
 * locations of one server block, of one configuration load, with the same
 * api_auth_introspect URI, client id and cache times, and only for
 * requests to the same host (the request completes the namespace with
 * its host: a map on $host picks the server per host).  A reload starts
 * a new namespace: the old entries are never read again and age out.
 *
 * "namespace=NAME" states that every location naming it asks the same
 * authorization server: they share entries across server blocks and
 * across reloads; NAME may contain variables (e.g. tenant-$host).
 */

static char *
ngx_http_api_auth_cache_namespace(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    u_char                         *p, *last;
    size_t                          len;
    ngx_http_core_srv_conf_t       *cscf;
    ngx_http_api_auth_main_conf_t  *amcf;

    if (!(conf->methods & NGX_HTTP_API_AUTH_OAUTH) || conf->cache == NULL) {
        return NGX_CONF_OK;
    }

    cscf = static_cast<ngx_http_core_srv_conf_t *>(
               ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module));
    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_conf_get_module_main_conf(cf,
                                                  ngx_http_api_auth_module));

    len = sizeof("api_auth cache 2 shared") + sizeof(amcf->nonce) * 2
          + NGX_PTR_SIZE * 2 + conf->introspect.len + conf->client_id.len
          + 3 * NGX_TIME_T_LEN + 8;

    if (conf->cache_share) {
        len += conf->cache_share->value.len;
    }

    p = static_cast<u_char *>(ngx_pnalloc(cf->temp_pool, len));
    if (p == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    /* NUL-separated: no field can run into the next */

    if (conf->cache_share == NULL) {
        /* the nonce has a fixed length: it needs no separator */
        last = ngx_cpymem(p, amcf->nonce, sizeof(amcf->nonce));
        last = ngx_snprintf(last, len - sizeof(amcf->nonce),
                            "api_auth cache 2%Z%p%Z%V%Z%V%Z%T %T %T", cscf,
                            &conf->introspect, &conf->client_id,
                            conf->max_ttl, conf->negative_ttl,
                            conf->stale_if_error);

        conf->cache_ns_request = 1;

    } else {
        last = ngx_snprintf(p, len, "api_auth cache 2 shared%Z%V%Z%T %T %T"
                            "%Z", &conf->client_id, conf->max_ttl,
                            conf->negative_ttl, conf->stale_if_error);

        if (conf->cache_share->lengths == NULL) {
            last = ngx_cpymem(last, conf->cache_share->value.data,
                              conf->cache_share->value.len);
        }

        conf->cache_ns_request = (conf->cache_share->lengths != NULL);
    }

    api_auth::sha256(p, last - p, conf->cache_ns);

    return NGX_CONF_OK;
}


/* RFC 7235 quoted-string: escape '"' and '\' */

static u_char *
ngx_http_api_auth_quote(u_char *p, ngx_str_t *s) noexcept
{
    size_t  i;

    *p++ = '"';

    for (i = 0; i < s->len; i++) {
        if (s->data[i] == '"' || s->data[i] == '\\') {
            *p++ = '\\';
        }

        *p++ = s->data[i];
    }

    *p++ = '"';

    return p;
}


static char *
ngx_http_api_auth_challenges(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    u_char                      *p;
    size_t                       len;
    ngx_uint_t                   i, basic;
    ngx_http_api_auth_source_t  *src;

    basic = 0;

    if (conf->methods & NGX_HTTP_API_AUTH_KEY) {
        src = static_cast<ngx_http_api_auth_source_t *>(conf->sources->elts);

        for (i = 0; i < conf->sources->nelts; i++) {
            if (src[i].type == NGX_HTTP_API_AUTH_SRC_BASIC) {
                basic = 1;
            }
        }
    }

    /* worst case: every realm byte escaped, twice (Bearer and Basic) */
    len = sizeof("Bearer realm=\"\", Basic realm=\"\"") + 4 * conf->realm.len
          + sizeof(", error=\"insufficient_scope\", scope=\"\"")
          + 2 * conf->scope.len;

    p = static_cast<u_char *>(ngx_pnalloc(cf->pool, 4 * len));
    if (p == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    /* one header with both challenges (RFC 7235 §4.1), so that
       "satisfy any" can cancel it as a whole */

    conf->challenge_missing.data = p;
    p = ngx_cpymem(p, "Bearer realm=", sizeof("Bearer realm=") - 1);
    p = ngx_http_api_auth_quote(p, &conf->realm);
    if (basic) {
        p = ngx_cpymem(p, ", Basic realm=", sizeof(", Basic realm=") - 1);
        p = ngx_http_api_auth_quote(p, &conf->realm);
    }
    conf->challenge_missing.len = p - conf->challenge_missing.data;

    conf->challenge_request.data = p;
    p = ngx_cpymem(p, "Bearer realm=", sizeof("Bearer realm=") - 1);
    p = ngx_http_api_auth_quote(p, &conf->realm);
    p = ngx_cpymem(p, ", error=\"invalid_request\"",
                   sizeof(", error=\"invalid_request\"") - 1);
    conf->challenge_request.len = p - conf->challenge_request.data;

    conf->challenge_token.data = p;
    p = ngx_cpymem(p, "Bearer realm=", sizeof("Bearer realm=") - 1);
    p = ngx_http_api_auth_quote(p, &conf->realm);
    p = ngx_cpymem(p, ", error=\"invalid_token\"",
                   sizeof(", error=\"invalid_token\"") - 1);
    conf->challenge_token.len = p - conf->challenge_token.data;

    conf->challenge_scope.data = p;
    p = ngx_cpymem(p, "Bearer realm=", sizeof("Bearer realm=") - 1);
    p = ngx_http_api_auth_quote(p, &conf->realm);
    p = ngx_cpymem(p, ", error=\"insufficient_scope\", scope=",
                   sizeof(", error=\"insufficient_scope\", scope=") - 1);
    p = ngx_http_api_auth_quote(p, &conf->scope);
    conf->challenge_scope.len = p - conf->challenge_scope.data;

    return NGX_CONF_OK;
}


static char *
ngx_http_api_auth(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t   *value;
    ngx_uint_t   i, bit;

    if (alcf->methods != NGX_CONF_UNSET_UINT) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    alcf->methods = 0;
    alcf->optional = 0;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        if (cf->args->nelts != 2) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: \"off\" takes no other parameter");
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        return NGX_CONF_OK;
    }

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strcmp(value[i].data, "api_key") == 0) {
            bit = NGX_HTTP_API_AUTH_KEY;

        } else if (ngx_strcmp(value[i].data, "oauth") == 0) {
            bit = NGX_HTTP_API_AUTH_OAUTH;

        } else if (ngx_strcmp(value[i].data, "optional") == 0
                   && i == cf->args->nelts - 1 && i > 1)
        {
            alcf->optional = 1;
            continue;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid parameter \"%V\", expected "
                               "\"off\", or \"api_key\" and/or \"oauth\" "
                               "optionally followed by \"optional\"",
                               &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        if (alcf->methods & bit) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: duplicate method \"%V\"",
                               &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        alcf->methods |= bit;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_api_auth_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    u_char                    *p;
    ssize_t                    size;
    ngx_str_t                 *value, name, s;
    ngx_shm_zone_t            *shm_zone;
    ngx_http_api_auth_zone_t  *zone;

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_strncmp(value[1].data, "zone=", 5) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid parameter \"%V\", expected "
                           "\"zone=NAME:SIZE\"", &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    name.data = value[1].data + 5;

    p = reinterpret_cast<u_char *>(
            const_cast<char *>(ngx_strchr(name.data, ':')));

    if (p == NULL || p == name.data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid zone \"%V\", expected "
                           "\"zone=NAME:SIZE\"", &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    name.len = p - name.data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid zone size \"%V\"", &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (size < static_cast<ssize_t>(8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: zone \"%V\" is too small", &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    shm_zone = ngx_shared_memory_add(cf, &name, size,
                                     &ngx_http_api_auth_module);
    if (shm_zone == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: duplicate zone \"%V\"", &name);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    zone = static_cast<ngx_http_api_auth_zone_t *>(
               ngx_pcalloc(cf->pool, sizeof(ngx_http_api_auth_zone_t)));
    if (zone == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    shm_zone->init = ngx_http_api_auth_init_zone;
    shm_zone->data = zone;

    return NGX_CONF_OK;
}


static char *
ngx_http_api_auth_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    time_t      *t;
    ngx_str_t   *value, s;
    ngx_uint_t   i;

    if (alcf->cache != NGX_CONF_UNSET_PTR) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_strcmp(value[1].data, "off") == 0) {
        if (cf->args->nelts != 2) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: \"off\" takes no other parameter");
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        alcf->cache = NULL;
        return NGX_CONF_OK;
    }

    alcf->cache = ngx_shared_memory_add(cf, &value[1], 0,
                                        &ngx_http_api_auth_module);
    if (alcf->cache == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "max_ttl=", 8) == 0) {
            t = &alcf->max_ttl;
            s.data = value[i].data + 8;

        } else if (ngx_strncmp(value[i].data, "negative_ttl=", 13) == 0) {
            t = &alcf->negative_ttl;
            s.data = value[i].data + 13;

        } else if (ngx_strncmp(value[i].data, "stale_if_error=", 15) == 0) {
            t = &alcf->stale_if_error;
            s.data = value[i].data + 15;

        } else if (ngx_strncmp(value[i].data, "namespace=", 10) == 0) {
            if (ngx_http_api_auth_cache_share(cf, alcf, &value[i])
                != NGX_CONF_OK)
            {
                return static_cast<char *>(NGX_CONF_ERROR);
            }

            continue;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid parameter \"%V\"",
                               &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        s.len = value[i].data + value[i].len - s.data;

        if (*t != NGX_CONF_UNSET) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: duplicate parameter \"%V\"",
                               &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        *t = ngx_parse_time(&s, 1);

        if (*t == static_cast<time_t>(NGX_ERROR)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid time in \"%V\"", &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        /* a bound keeps now + ttl far from time_t overflow */
        if (*t > NGX_HTTP_API_AUTH_MAX_TTL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: time in \"%V\" is more than 365d",
                               &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    if (alcf->max_ttl == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"max_ttl\" must be at least 1s");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}


/* "namespace=NAME": a complex value, possibly with variables */

static char *
ngx_http_api_auth_cache_share(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_str_t *value) noexcept
{
    ngx_str_t                          name;
    ngx_http_compile_complex_value_t   ccv;

    if (alcf->cache_share != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: duplicate parameter \"%V\"", value);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    name.data = value->data + 10;
    name.len = value->len - 10;

    if (name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: empty \"namespace=\"");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    alcf->cache_share = static_cast<ngx_http_complex_value_t *>(
                            ngx_palloc(cf->pool,
                                       sizeof(ngx_http_complex_value_t)));
    if (alcf->cache_share == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &name;
    ccv.complex_value = alcf->cache_share;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}


/* space-joins the parameters into an ngx_str_t (scopes, audiences) */

static char *
ngx_http_api_auth_join(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    u_char      *p;
    size_t       len;
    ngx_str_t   *value, *field;
    ngx_uint_t   i, j;

    field = reinterpret_cast<ngx_str_t *>(static_cast<char *>(conf)
                                          + cmd->offset);

    if (field->data) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);
    len = 0;

    for (i = 1; i < cf->args->nelts; i++) {

        /* RFC 6749 §3.3 scope-token = 1*NQCHAR (no space, '"' or '\') */
        for (j = 0; j < value[i].len; j++) {
            if (value[i].data[j] <= 0x20 || value[i].data[j] >= 0x7f
                || value[i].data[j] == '"' || value[i].data[j] == '\\')
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "api_auth: invalid value \"%V\"",
                                   &value[i]);
                return static_cast<char *>(NGX_CONF_ERROR);
            }
        }

        if (value[i].len == 0) {
            return const_cast<char *>("has an empty value");
        }

        len += value[i].len + 1;
    }

    p = static_cast<u_char *>(ngx_pnalloc(cf->pool, len));
    if (p == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    field->data = p;

    for (i = 1; i < cf->args->nelts; i++) {
        if (i > 1) {
            *p++ = ' ';
        }

        p = ngx_cpymem(p, value[i].data, value[i].len);
    }

    field->len = p - field->data;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_api_auth_init(ngx_conf_t *cf) noexcept
{
    if (ngx_http_api_auth_init_phases(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_api_auth_init_filters(cf);
}
