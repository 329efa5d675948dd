/*
 * ngx_http_api_auth_module: the protected resource (RFC 9728, RFC 8707).
 *
 * api_auth_resource names a location's canonical resource identifier,
 * used verbatim: never rebuilt from Host or X-Forwarded-*.  Its metadata
 * URL (RFC 9728 §3.1, or metadata=URL) goes into every Bearer challenge
 * of the location (ngx_http_api_auth_answer.cpp).  URLs are checked by
 * the core (core/url.hpp) for nginx -t.  Each resource location's
 * document is rendered once, at merge time, into its server's list;
 * ngx_http_api_auth_metadata.cpp serves them.
 */

#include "ngx_http_api_auth.h"

#include <string>

#include "core/resource_metadata.hpp"
#include "core/url.hpp"


static std::string_view ngx_http_api_auth_prm_view(const ngx_str_t *s)
    noexcept;
static char *ngx_http_api_auth_prm_register(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
static ngx_int_t ngx_http_api_auth_prm_known(ngx_conf_t *cf,
    ngx_http_api_auth_srv_conf_t *ascf, ngx_http_api_auth_loc_conf_t *conf,
    const std::string &out) noexcept;


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
            || ngx_http_api_auth_pstrdup(cf, &alcf->metadata, derived)
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


/* api_auth_scopes_supported SCOPE... | off */

char *
ngx_http_api_auth_scopes_supported(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t  *value;

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        if (alcf->scopes_supported.data) {
            return const_cast<char *>("is duplicate");
        }

        ngx_str_set(&alcf->scopes_supported, "");
        return NGX_CONF_OK;
    }

    return ngx_http_api_auth_join(cf, cmd, conf);
}


/* api_auth_resource_name TEXT */

char *
ngx_http_api_auth_resource_name(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t  *value;

    if (alcf->resource_name.data) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (!api_auth::is_resource_name(ngx_http_api_auth_prm_view(&value[1]))) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid resource name \"%V\": empty, "
                           "not UTF-8 or with a control character",
                           &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    alcf->resource_name = value[1];

    return NGX_CONF_OK;
}


/* api_auth_resource_documentation URL */

char *
ngx_http_api_auth_resource_documentation(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t  *value;

    if (alcf->resource_doc.data) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_http_api_auth_prm_check(cf, "api_auth_resource_documentation",
                                    &value[1],
                                    api_auth::url_use::documentation)
        != NGX_OK)
    {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    alcf->resource_doc = value[1];

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
    ngx_conf_merge_str_value(conf->resource_name, prev->resource_name, "");
    ngx_conf_merge_str_value(conf->resource_doc, prev->resource_doc, "");

    /* unset stays NULL: the default is this level's required scopes */
    if (conf->scopes_supported.data == NULL) {
        conf->scopes_supported = prev->scopes_supported;
    }

    if ((conf->methods & NGX_HTTP_API_AUTH_OAUTH) && conf->resource.len
        && conf->auth_servers.len == 0)
    {
        return ngx_http_api_auth_conf_requires(cf,
                   "\"api_auth_resource\" of an \"oauth\" location",
                   "\"api_auth_authorization_servers\"");
    }

    if ((conf->methods & NGX_HTTP_API_AUTH_OAUTH) && conf->metadata.len) {
        return ngx_http_api_auth_prm_register(cf, conf);
    }

    return NGX_CONF_OK;
}


/*
 * Renders the document of a resource location (core:
 * resource_metadata.cpp) and adds it to its server's list; the locations
 * that inherit one resource register one document.  One resource, or one
 * metadata URL, with two different documents is an error: a client
 * could not tell which one holds.
 */

static char *
ngx_http_api_auth_prm_register(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    ngx_int_t                       rc;
    ngx_str_t                      *scopes;
    std::string                     out;
    api_auth::metadata_fields       in;
    ngx_http_api_auth_prm_doc_t    *doc;
    ngx_http_api_auth_srv_conf_t   *ascf;

    scopes = conf->scopes_supported.data ? &conf->scopes_supported
                                         : &conf->scope;

    in.resource = ngx_http_api_auth_prm_view(&conf->resource);
    in.authorization_servers = ngx_http_api_auth_prm_view(&conf->auth_servers);
    in.scopes_supported = ngx_http_api_auth_prm_view(scopes);
    in.resource_name = ngx_http_api_auth_prm_view(&conf->resource_name);
    in.resource_documentation = ngx_http_api_auth_prm_view(
                                    &conf->resource_doc);

    if (api_auth::render_metadata(in, out) != api_auth::status::ok) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: cannot render the metadata of "
                           "resource \"%V\"", &conf->resource);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    ascf = static_cast<ngx_http_api_auth_srv_conf_t *>(
               ngx_http_conf_get_module_srv_conf(cf,
                                                 ngx_http_api_auth_module));

    if (ascf->resources == NULL) {
        ascf->resources = ngx_array_create(cf->pool, 2,
                                       sizeof(ngx_http_api_auth_prm_doc_t));
        if (ascf->resources == NULL) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    rc = ngx_http_api_auth_prm_known(cf, ascf, conf, out);

    if (rc != NGX_DECLINED) {
        return rc == NGX_OK ? NGX_CONF_OK
                            : static_cast<char *>(NGX_CONF_ERROR);
    }

    doc = static_cast<ngx_http_api_auth_prm_doc_t *>(
              ngx_array_push(ascf->resources));
    if (doc == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    doc->resource = conf->resource;
    doc->metadata = conf->metadata;

    if (ngx_http_api_auth_pstrdup(cf, &doc->doc, out) != NGX_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}


/*
 * NGX_OK: the server has this document already (an inheriting location);
 * NGX_DECLINED: neither its resource nor its metadata URL; NGX_ERROR:
 * either one, with another document.
 */

static ngx_int_t
ngx_http_api_auth_prm_known(ngx_conf_t *cf, ngx_http_api_auth_srv_conf_t *ascf,
    ngx_http_api_auth_loc_conf_t *conf, const std::string &out) noexcept
{
    ngx_uint_t                     i;
    std::string_view               resource, metadata;
    ngx_http_api_auth_prm_doc_t   *doc;

    resource = ngx_http_api_auth_prm_view(&conf->resource);
    metadata = ngx_http_api_auth_prm_view(&conf->metadata);
    doc = static_cast<ngx_http_api_auth_prm_doc_t *>(ascf->resources->elts);

    for (i = 0; i < ascf->resources->nelts; i++) {
        if (ngx_http_api_auth_prm_view(&doc[i].resource) != resource
            && ngx_http_api_auth_prm_view(&doc[i].metadata) != metadata)
        {
            continue;
        }

        if (ngx_http_api_auth_prm_view(&doc[i].resource) == resource
            && ngx_http_api_auth_prm_view(&doc[i].metadata) == metadata
            && ngx_http_api_auth_prm_view(&doc[i].doc) == out)
        {
            return NGX_OK;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: resource \"%V\" (metadata \"%V\") "
                           "is declared with different metadata in "
                           "another location of this server: its "
                           "authorization servers, scopes supported (by "
                           "default the required scopes), name and "
                           "documentation must be the same",
                           &conf->resource, &conf->metadata);
        return NGX_ERROR;
    }

    return NGX_DECLINED;
}


/* nginx -t of a URL directive or parameter (core/url.hpp) */

ngx_int_t
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

