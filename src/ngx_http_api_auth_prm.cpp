/*
 * ngx_http_api_auth_module: the protected resource (RFC 9728, RFC 8707).
 *
 * api_auth_resource names a location's canonical resource identifier,
 * used verbatim: never rebuilt from Host or X-Forwarded-*.  Its metadata
 * URL (RFC 9728 §3.1, or metadata=URL) goes into every Bearer challenge
 * of the location (ngx_http_api_auth_answer.cpp).  URLs are checked by
 * the core (core/url.hpp) for nginx -t.
 */

#include "ngx_http_api_auth.h"

#include <string>

#include "core/resource_metadata.hpp"
#include "core/url.hpp"


static std::string_view ngx_http_api_auth_prm_view(const ngx_str_t *s)
    noexcept;
static ngx_int_t ngx_http_api_auth_prm_check(ngx_conf_t *cf,
    const char *what, ngx_str_t *url, api_auth::url_use use) noexcept;
static ngx_int_t ngx_http_api_auth_prm_keep(ngx_conf_t *cf, ngx_str_t *dst,
    const std::string &src) noexcept;


static std::string_view
ngx_http_api_auth_prm_view(const ngx_str_t *s) noexcept
{
    return std::string_view(reinterpret_cast<const char *>(s->data), s->len);
}


/* api_auth_resource URL [metadata=URL | metadata=off] */

char *
ngx_http_api_auth_resource(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t    *value, url;
    std::string   derived;

    if (alcf->resource.data) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_http_api_auth_prm_check(cf, "api_auth_resource", &value[1],
                                    api_auth::url_use::resource)
        != NGX_OK)
    {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (cf->args->nelts == 3) {
        if (value[2].len < sizeof("metadata=") - 1
            || ngx_strncmp(value[2].data, "metadata=",
                           sizeof("metadata=") - 1) != 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid parameter \"%V\", "
                               "expected \"metadata=URL\" or "
                               "\"metadata=off\"", &value[2]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        url.data = value[2].data + sizeof("metadata=") - 1;
        url.len = value[2].len - (sizeof("metadata=") - 1);

        if (url.len == 3 && ngx_strncmp(url.data, "off", 3) == 0) {
            ngx_str_set(&alcf->metadata, "");

        } else {
            if (ngx_http_api_auth_prm_check(cf, "metadata=", &url,
                                            api_auth::url_use::resource)
                != NGX_OK)
            {
                return static_cast<char *>(NGX_CONF_ERROR);
            }

            alcf->metadata = url;
        }

    } else {
        if (api_auth::metadata_url(ngx_http_api_auth_prm_view(&value[1]),
                                   derived)
            != api_auth::status::ok
            || ngx_http_api_auth_prm_keep(cf, &alcf->metadata, derived)
               != NGX_OK)
        {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    alcf->resource = value[1];

    return NGX_CONF_OK;
}


/* api_auth_authorization_servers ISSUER... */

char *
ngx_http_api_auth_authorization_servers(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    u_char      *p;
    size_t       len;
    ngx_str_t   *value;
    ngx_uint_t   i;

    if (alcf->auth_servers.data) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);
    len = 0;

    for (i = 1; i < cf->args->nelts; i++) {
        if (ngx_http_api_auth_prm_check(cf, "api_auth_authorization_servers",
                                        &value[i], api_auth::url_use::issuer)
            != NGX_OK)
        {
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        len += value[i].len + 1;
    }

    p = static_cast<u_char *>(ngx_pnalloc(cf->pool, len));
    if (p == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    alcf->auth_servers.data = p;

    for (i = 1; i < cf->args->nelts; i++) {
        if (i > 1) {
            *p++ = ' ';
        }

        p = ngx_cpymem(p, value[i].data, value[i].len);
    }

    alcf->auth_servers.len = p - alcf->auth_servers.data;

    return NGX_CONF_OK;
}


/*
 * Runs in merge_loc_conf, after the methods are merged: "api_auth_resource"
 * sets the resource and its metadata URL together.
 */

char *
ngx_http_api_auth_prm_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept
{
    if (conf->resource.data == NULL) {
        conf->resource = prev->resource;
        conf->metadata = prev->metadata;
    }

    ngx_conf_merge_str_value(conf->auth_servers, prev->auth_servers, "");

    if ((conf->methods & NGX_HTTP_API_AUTH_OAUTH) && conf->resource.len
        && conf->auth_servers.len == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"api_auth_resource\" of an \"oauth\" "
                           "location requires "
                           "\"api_auth_authorization_servers\" at the same "
                           "or an enclosing level");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_api_auth_prm_check(ngx_conf_t *cf, const char *what, ngx_str_t *url,
    api_auth::url_use use) noexcept
{
    api_auth::url_error  e;

    e = api_auth::check_url(ngx_http_api_auth_prm_view(url), use);

    if (e == api_auth::url_error::ok) {
        return NGX_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "api_auth: \"%s\" URL \"%V\" %s", what, url,
                       api_auth::url_error_text(e));

    return NGX_ERROR;
}


static ngx_int_t
ngx_http_api_auth_prm_keep(ngx_conf_t *cf, ngx_str_t *dst,
    const std::string &src) noexcept
{
    dst->data = static_cast<u_char *>(ngx_pnalloc(cf->pool, src.size()));
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, src.data(), src.size());
    dst->len = src.size();

    return NGX_OK;
}
