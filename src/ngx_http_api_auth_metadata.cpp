/*
 * ngx_http_api_auth_module: the metadata location (RFC 9728 §3).
 *
 * api_auth_protected_resource_metadata makes a location (normally
 * /.well-known/oauth-protected-resource) serve the documents that the
 * resource locations of its server registered at merge time
 * (ngx_http_api_auth_prm.cpp), byte for byte: GET and HEAD, a CORS
 * preflight for OPTIONS, 405 with Allow otherwise, 404 for a path no
 * resource publishes.  Nothing but the path chooses the document.
 */

#include "ngx_http_api_auth.h"

#include <string_view>

#include "core/resource_metadata.hpp"
#include "core/url.hpp"


static ngx_int_t ngx_http_api_auth_prm_args(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept;
static ngx_int_t ngx_http_api_auth_prm_handler(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_prm_send(ngx_http_request_t *r,
    ngx_str_t *doc) noexcept;
static ngx_str_t *ngx_http_api_auth_prm_find(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept;
static ngx_int_t ngx_http_api_auth_prm_options(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_prm_header(ngx_http_request_t *r,
    ngx_str_t *name, const char *value, size_t len) noexcept;


#define ngx_http_api_auth_prm_methods  "GET, HEAD, OPTIONS"


/* api_auth_protected_resource_metadata [root=URL] [max_age=TIME] */

char *
ngx_http_api_auth_prm_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_http_core_loc_conf_t        *clcf;
    ngx_http_api_auth_main_conf_t   *amcf;
    ngx_http_api_auth_loc_conf_t   **slot;

    if (alcf->prm) {
        return const_cast<char *>("is duplicate");
    }

    if (ngx_http_api_auth_prm_args(cf, alcf) != NGX_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

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


/* root=URL, max_age=TIME (default 1h): the Cache-Control value */

static ngx_int_t
ngx_http_api_auth_prm_args(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept
{
    u_char      *p;
    time_t       max_age;
    ngx_str_t   *value, v;
    ngx_uint_t   i;

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
                return NGX_ERROR;
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
                return NGX_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid parameter \"%V\", expected "
                           "\"root=URL\" or \"max_age=TIME\"", &value[i]);
        return NGX_ERROR;
    }

    p = static_cast<u_char *>(ngx_pnalloc(cf->pool,
                                  sizeof("public, max-age=") - 1
                                  + NGX_TIME_T_LEN));
    if (p == NULL) {
        return NGX_ERROR;
    }

    alcf->prm_cache.data = p;
    alcf->prm_cache.len = ngx_sprintf(p, "public, max-age=%T", max_age) - p;

    return NGX_OK;
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
 * The metadata location's content handler.  The document is chosen by
 * the path as the client sent it (r->unparsed_uri before any '?'), and
 * nothing else of the request: no Host, no X-Forwarded-*.
 */

static ngx_int_t
ngx_http_api_auth_prm_handler(ngx_http_request_t *r) noexcept
{
    ngx_int_t                      rc;
    ngx_str_t                     *doc;
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

    doc = ngx_http_api_auth_prm_find(r, alcf);

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

    return ngx_http_api_auth_prm_send(r, doc);
}


/* the document's bytes, from configuration memory: no copy */

static ngx_int_t
ngx_http_api_auth_prm_send(ngx_http_request_t *r, ngx_str_t *doc) noexcept
{
    ngx_buf_t  *b;

    b = static_cast<ngx_buf_t *>(ngx_pcalloc(r->pool, sizeof(ngx_buf_t)));
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = doc->data;
    b->last = doc->data + doc->len;
    b->memory = 1;

    return ngx_http_api_auth_send_body(r, b);
}


/*
 * The document for the path as the client sent it (r->unparsed_uri before
 * any '?'): a path-suffixed metadata URL of this server, else root= for
 * the bare well-known path; NULL: none.
 */

static ngx_str_t *
ngx_http_api_auth_prm_find(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept
{
    u_char                       *q;
    ngx_str_t                    *doc;
    ngx_uint_t                    i;
    std::string_view              path, url;
    ngx_http_api_auth_prm_doc_t  *d;

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
            url = std::string_view(reinterpret_cast<char *>(
                                       d[i].metadata.data),
                                   d[i].metadata.len);

            if (api_auth::metadata_path_matches(path, url))
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

    return doc;
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
