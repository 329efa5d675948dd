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
static char *ngx_http_api_auth_prm_register(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
static ngx_int_t ngx_http_api_auth_prm_handler(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_prm_options(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_prm_header(ngx_http_request_t *r,
    ngx_str_t *name, const char *value, size_t len) noexcept;


#define ngx_http_api_auth_prm_methods  "GET, HEAD, OPTIONS"


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


/* api_auth_protected_resource_metadata [root=URL] [max_age=TIME] */

char *
ngx_http_api_auth_prm_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    u_char                          *p;
    time_t                           max_age;
    ngx_str_t                       *value, v;
    ngx_uint_t                       i;
    ngx_http_core_loc_conf_t        *clcf;
    ngx_http_api_auth_main_conf_t   *amcf;
    ngx_http_api_auth_loc_conf_t   **slot;

    if (alcf->prm) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);
    max_age = 3600;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "root=", 5) == 0) {
            v.data = value[i].data + 5;
            v.len = value[i].len - 5;

            if (ngx_http_api_auth_prm_check(cf, "root=", &v,
                                            api_auth::url_use::resource)
                != NGX_OK)
            {
                return static_cast<char *>(NGX_CONF_ERROR);
            }

            alcf->prm_root = v;
            continue;
        }

        if (ngx_strncmp(value[i].data, "max_age=", 8) == 0) {
            v.data = value[i].data + 8;
            v.len = value[i].len - 8;

            max_age = ngx_parse_time(&v, 1);
            if (max_age == static_cast<time_t>(NGX_ERROR)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "api_auth: invalid max_age \"%V\"", &v);
                return static_cast<char *>(NGX_CONF_ERROR);
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid parameter \"%V\", expected "
                           "\"root=URL\" or \"max_age=TIME\"", &value[i]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    p = static_cast<u_char *>(ngx_pnalloc(cf->pool,
                                  sizeof("public, max-age=") - 1
                                  + NGX_TIME_T_LEN));
    if (p == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    alcf->prm_cache.data = p;
    alcf->prm_cache.len = ngx_sprintf(p, "public, max-age=%T", max_age) - p;

    alcf->prm = 1;
    alcf->prm_server = static_cast<ngx_http_api_auth_srv_conf_t *>(
                           ngx_http_conf_get_module_srv_conf(cf,
                                                 ngx_http_api_auth_module));

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_conf_get_module_main_conf(cf,
                                                  ngx_http_api_auth_module));

    if (amcf->prm == NULL) {
        amcf->prm = ngx_array_create(cf->pool, 2, sizeof(void *));
        if (amcf->prm == NULL) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    slot = static_cast<ngx_http_api_auth_loc_conf_t **>(
               ngx_array_push(amcf->prm));
    if (slot == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    *slot = alcf;

    clcf = static_cast<ngx_http_core_loc_conf_t *>(
               ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));
    clcf->handler = ngx_http_api_auth_prm_handler;

    return NGX_CONF_OK;
}


/*
 * Postconfiguration, once every location is merged and every document
 * registered: root= must name a resource published in its server.
 */

ngx_int_t
ngx_http_api_auth_prm_init(ngx_conf_t *cf) noexcept
{
    ngx_uint_t                      i, j;
    ngx_http_api_auth_prm_doc_t    *doc;
    ngx_http_api_auth_main_conf_t  *amcf;
    ngx_http_api_auth_loc_conf_t  **loc, *alcf;

    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_conf_get_module_main_conf(cf,
                                                  ngx_http_api_auth_module));

    if (amcf->prm == NULL) {
        return NGX_OK;
    }

    loc = static_cast<ngx_http_api_auth_loc_conf_t **>(amcf->prm->elts);

    for (i = 0; i < amcf->prm->nelts; i++) {
        alcf = loc[i];

        if (alcf->prm_root.len == 0) {
            continue;
        }

        if (alcf->prm_server->resources) {
            doc = static_cast<ngx_http_api_auth_prm_doc_t *>(
                      alcf->prm_server->resources->elts);

            for (j = 0; j < alcf->prm_server->resources->nelts; j++) {
                if (doc[j].resource.len == alcf->prm_root.len
                    && ngx_strncmp(doc[j].resource.data, alcf->prm_root.data,
                                   alcf->prm_root.len) == 0)
                {
                    alcf->prm_root_doc = &doc[j];
                    break;
                }
            }
        }

        if (alcf->prm_root_doc == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: \"api_auth_protected_resource_"
                               "metadata root=%V\" names no "
                               "\"api_auth_resource\" of an \"oauth\" "
                               "location in its server", &alcf->prm_root);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
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
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"api_auth_resource\" of an \"oauth\" "
                           "location requires "
                           "\"api_auth_authorization_servers\" at the same "
                           "or an enclosing level");
        return static_cast<char *>(NGX_CONF_ERROR);
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
    ngx_str_t                      *scopes;
    ngx_uint_t                      i;
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

    doc = static_cast<ngx_http_api_auth_prm_doc_t *>(ascf->resources->elts);

    for (i = 0; i < ascf->resources->nelts; i++) {
        if (ngx_http_api_auth_prm_view(&doc[i].resource) != in.resource
            && ngx_http_api_auth_prm_view(&doc[i].metadata)
               != ngx_http_api_auth_prm_view(&conf->metadata))
        {
            continue;
        }

        if (ngx_http_api_auth_prm_view(&doc[i].resource) == in.resource
            && ngx_http_api_auth_prm_view(&doc[i].metadata)
               == ngx_http_api_auth_prm_view(&conf->metadata)
            && ngx_http_api_auth_prm_view(&doc[i].doc) == out)
        {
            return NGX_CONF_OK;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: resource \"%V\" (metadata \"%V\") "
                           "is declared with different metadata in "
                           "another location of this server: its "
                           "authorization servers, scopes supported (by "
                           "default the required scopes), name and "
                           "documentation must be the same",
                           &conf->resource, &conf->metadata);
        return static_cast<char *>(NGX_CONF_ERROR);
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
 * The metadata location's content handler.  The document is chosen by
 * the path as the client sent it (r->unparsed_uri before any '?'), and
 * nothing else of the request: no Host, no X-Forwarded-*.
 */

static ngx_int_t
ngx_http_api_auth_prm_handler(ngx_http_request_t *r) noexcept
{
    u_char                        *q;
    ngx_int_t                      rc;
    ngx_buf_t                     *b;
    ngx_str_t                     *doc;
    ngx_uint_t                     i;
    ngx_chain_t                    out;
    std::string_view               path;
    ngx_http_api_auth_prm_doc_t   *d;
    ngx_http_api_auth_loc_conf_t  *alcf;

    static ngx_str_t  cache_control = ngx_string("Cache-Control");

    if (r->method == NGX_HTTP_OPTIONS) {
        return ngx_http_api_auth_prm_options(r);
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        static ngx_str_t  allow = ngx_string("Allow");

        if (ngx_http_api_auth_prm_header(r, &allow,
                                         ngx_http_api_auth_prm_methods,
                                         sizeof(ngx_http_api_auth_prm_methods)
                                         - 1)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_HTTP_NOT_ALLOWED;
    }

    alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));

    q = static_cast<u_char *>(ngx_strlchr(r->unparsed_uri.data,
                                          r->unparsed_uri.data
                                          + r->unparsed_uri.len, '?'));
    path = std::string_view(reinterpret_cast<char *>(r->unparsed_uri.data),
                            (q ? q : r->unparsed_uri.data
                                     + r->unparsed_uri.len)
                            - r->unparsed_uri.data);

    doc = NULL;

    if (alcf->prm_server->resources) {
        d = static_cast<ngx_http_api_auth_prm_doc_t *>(
                alcf->prm_server->resources->elts);

        for (i = 0; i < alcf->prm_server->resources->nelts; i++) {
            if (api_auth::metadata_path_matches(
                    path, ngx_http_api_auth_prm_view(&d[i].metadata)))
            {
                doc = &d[i].doc;
                break;
            }
        }
    }

    if (doc == NULL && alcf->prm_root_doc
        && api_auth::is_metadata_root(path))
    {
        doc = &alcf->prm_root_doc->doc;
    }

    if (doc == NULL) {
        return NGX_HTTP_NOT_FOUND;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = doc->len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    if (ngx_http_api_auth_prm_header(r, &cache_control,
                                     reinterpret_cast<char *>(
                                         alcf->prm_cache.data),
                                     alcf->prm_cache.len)
        != NGX_OK
        || ngx_http_api_auth_prm_header(r, NULL, NULL, 0) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->method == NGX_HTTP_HEAD) {
        r->header_only = 1;
        return ngx_http_send_header(r);
    }

    b = static_cast<ngx_buf_t *>(ngx_pcalloc(r->pool, sizeof(ngx_buf_t)));
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = doc->data;
    b->last = doc->data + doc->len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, &out);
}


/* a CORS preflight of a browser client: 204, any origin */

static ngx_int_t
ngx_http_api_auth_prm_options(ngx_http_request_t *r) noexcept
{
    ngx_int_t  rc;

    static ngx_str_t  methods = ngx_string("Access-Control-Allow-Methods");
    static ngx_str_t  headers = ngx_string("Access-Control-Allow-Headers");
    static ngx_str_t  max_age = ngx_string("Access-Control-Max-Age");

#define ngx_http_api_auth_prm_allowed                                        \
    "authorization, content-type, mcp-protocol-version"

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_api_auth_prm_header(r, NULL, NULL, 0) != NGX_OK
        || ngx_http_api_auth_prm_header(r, &methods,
                                        ngx_http_api_auth_prm_methods,
                                        sizeof(ngx_http_api_auth_prm_methods)
                                        - 1) != NGX_OK
        || ngx_http_api_auth_prm_header(r, &headers,
                                        ngx_http_api_auth_prm_allowed,
                                        sizeof(ngx_http_api_auth_prm_allowed)
                                        - 1) != NGX_OK
        || ngx_http_api_auth_prm_header(r, &max_age, "86400",
                                        sizeof("86400") - 1) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_NO_CONTENT;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    return ngx_http_send_header(r);
}


/* adds a response header; name NULL: Access-Control-Allow-Origin: * */

static ngx_int_t
ngx_http_api_auth_prm_header(ngx_http_request_t *r, ngx_str_t *name,
    const char *value, size_t len) noexcept
{
    ngx_str_t  v;

    static ngx_str_t  origin = ngx_string("Access-Control-Allow-Origin");

    if (name == NULL) {
        name = &origin;
        value = "*";
        len = 1;
    }

    v.data = reinterpret_cast<u_char *>(const_cast<char *>(value));
    v.len = len;

    if (ngx_http_api_auth_push_header(r->pool, &r->headers_out.headers, name,
                                      &v, 0)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
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

