/*
 * ngx_http_api_auth_module: the token cache's configuration:
 * api_auth_cache_zone and api_auth_cache, the namespaces of the zone, and
 * the merge of a location's cache settings (the records are
 * ngx_http_api_auth_cache.cpp).
 */

#include "ngx_http_api_auth.h"


static char *ngx_http_api_auth_cache_param(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_str_t *value) noexcept;
static char *ngx_http_api_auth_cache_share(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_str_t *value) noexcept;


char *
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


char *
ngx_http_api_auth_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t   *value;
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
        if (ngx_http_api_auth_cache_param(cf, alcf, &value[i])
            != NGX_CONF_OK)
        {
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


/* one parameter of "api_auth_cache ZONE": a time, or namespace=NAME */

static char *
ngx_http_api_auth_cache_param(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_str_t *value) noexcept
{
    time_t     *t;
    ngx_str_t   s;

    if (ngx_strncmp(value->data, "max_ttl=", 8) == 0) {
        t = &alcf->max_ttl;
        s.data = value->data + 8;

    } else if (ngx_strncmp(value->data, "negative_ttl=", 13) == 0) {
        t = &alcf->negative_ttl;
        s.data = value->data + 13;

    } else if (ngx_strncmp(value->data, "stale_if_error=", 15) == 0) {
        t = &alcf->stale_if_error;
        s.data = value->data + 15;

    } else if (ngx_strncmp(value->data, "namespace=", 10) == 0) {
        return ngx_http_api_auth_cache_share(cf, alcf, value);

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid parameter \"%V\"", value);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    s.len = value->data + value->len - s.data;

    if (*t != NGX_CONF_UNSET) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: duplicate parameter \"%V\"", value);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    *t = ngx_parse_time(&s, 1);

    if (*t == static_cast<time_t>(NGX_ERROR)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid time in \"%V\"", value);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    /* a bound keeps now + ttl far from time_t overflow */
    if (*t > NGX_HTTP_API_AUTH_MAX_TTL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: time in \"%V\" is more than 365d",
                           value);
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

char *
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


/* "api_auth_cache" sets the zone and its times together */

void
ngx_http_api_auth_cache_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
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
}
