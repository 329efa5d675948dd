/*
 * ngx_http_api_auth_module: the API-key directives: api_auth_keys loads
 * the key file (core: keyfile.cpp), api_auth_key_source names where a
 * key may be sent.  The resolver is in ngx_http_api_auth_keys.cpp.
 */

#include "ngx_http_api_auth.h"


static void ngx_http_api_auth_destroy_keys(void *data) noexcept;
static ngx_uint_t ngx_http_api_auth_key_header(ngx_conf_t *cf,
    ngx_str_t *arg, ngx_str_t *name) noexcept;


static void
ngx_http_api_auth_destroy_keys(void *data) noexcept
{
    static_cast<api_auth::key_table *>(data)->~key_table();
}


char *
ngx_http_api_auth_keys(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t                 *value, text;
    ngx_pool_cleanup_t        *cln;
    api_auth::key_table       *keys;
    api_auth::key_load_error   err;

    if (alcf->keys != NGX_CONF_UNSET_PTR) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_conf_full_name(cf->cycle, &value[1], 1) != NGX_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (ngx_http_api_auth_read_file(cf, &value[1], &text) != NGX_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    cln = ngx_pool_cleanup_add(cf->pool, sizeof(api_auth::key_table));
    if (cln == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    keys = new (cln->data) api_auth::key_table();
    cln->handler = ngx_http_api_auth_destroy_keys;

    try {
        if (!keys->load(std::string_view(reinterpret_cast<char *>(text.data),
                                         text.len),
                        err))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: key file \"%V\", line %uz: %*s",
                               &value[1], err.line, err.reason.size(),
                               err.reason.data());
            return static_cast<char *>(NGX_CONF_ERROR);
        }

    } catch (...) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: key file \"%V\": out of memory",
                           &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (keys->size() == 0) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "api_auth: key file \"%V\" has no keys",
                           &value[1]);
    }

    alcf->keys = keys;

    return NGX_CONF_OK;
}


char *
ngx_http_api_auth_key_source(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t                   *value, name;
    ngx_uint_t                   i, j, type;
    ngx_http_api_auth_source_t  *src, *s;

    if (alcf->sources != NGX_CONF_UNSET_PTR) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    alcf->sources = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                     sizeof(ngx_http_api_auth_source_t));
    if (alcf->sources == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    for (i = 1; i < cf->args->nelts; i++) {

        ngx_str_null(&name);

        if (ngx_strcmp(value[i].data, "bearer") == 0) {
            type = NGX_HTTP_API_AUTH_SRC_BEARER;

        } else if (ngx_strcmp(value[i].data, "basic") == 0) {
            type = NGX_HTTP_API_AUTH_SRC_BASIC;

        } else if (ngx_strncmp(value[i].data, "header=", 7) == 0
                   && value[i].len > 7)
        {
            name.data = value[i].data + 7;
            name.len = value[i].len - 7;

            type = ngx_http_api_auth_key_header(cf, &value[i], &name);
            if (type == NGX_CONF_UNSET_UINT) {
                return static_cast<char *>(NGX_CONF_ERROR);
            }

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid key source \"%V\", "
                               "expected \"bearer\", \"basic\" or "
                               "\"header=NAME\"", &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        s = static_cast<ngx_http_api_auth_source_t *>(alcf->sources->elts);

        for (j = 0; j < alcf->sources->nelts; j++) {
            if (s[j].type == type
                && (type != NGX_HTTP_API_AUTH_SRC_HEADER
                    || (s[j].header.len == name.len
                        && ngx_strncmp(s[j].header.data, name.data,
                                       name.len) == 0)))
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "api_auth: duplicate key source \"%V\"",
                                   &value[i]);
                return static_cast<char *>(NGX_CONF_ERROR);
            }
        }

        src = static_cast<ngx_http_api_auth_source_t *>(
                  ngx_array_push(alcf->sources));
        if (src == NULL) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        src->type = type;
        src->header = name;
    }

    return NGX_CONF_OK;
}


/*
 * header=NAME of api_auth_key_source: NAME checked and lowercased in
 * place; SRC_HEADER, SRC_AUTHZ, or NGX_CONF_UNSET_UINT after an error.
 */

static ngx_uint_t
ngx_http_api_auth_key_header(ngx_conf_t *cf, ngx_str_t *arg,
    ngx_str_t *name) noexcept
{
    u_char      c;
    ngx_uint_t  j, type;

    type = NGX_HTTP_API_AUTH_SRC_HEADER;

    for (j = 0; j < name->len; j++) {
        c = ngx_tolower(name->data[j]);

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '-' || c == '_'))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid header name in \"%V\"",
                               arg);
            return NGX_CONF_UNSET_UINT;
        }
    }

    /*
     * GPT's "Custom" auth type with the header name Authorization sends
     * the key with no scheme; Bearer and Basic values stay with those
     * sources (ngx_http_api_auth_parse_authorization())
     */
    if (name->len == sizeof("authorization") - 1
        && ngx_strncasecmp(name->data, (u_char *) "authorization",
                           name->len) == 0)
    {
        type = NGX_HTTP_API_AUTH_SRC_AUTHZ;
    }

    if (ngx_strlchr(name->data, name->data + name->len, '_')) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "api_auth: header \"%V\" has an underscore: "
                           "nginx ignores such headers unless "
                           "\"underscores_in_headers on\"", name);
    }

    ngx_strlow(name->data, name->data, name->len);

    return type;
}


/* the key file and the key sources from the enclosing level */

char *
ngx_http_api_auth_key_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept
{
    ngx_http_api_auth_source_t  *src;

    ngx_conf_merge_ptr_value(conf->keys, prev->keys, NULL);

    if (conf->sources != NGX_CONF_UNSET_PTR) {
        return NGX_CONF_OK;
    }

    if (prev->sources != NGX_CONF_UNSET_PTR) {
        conf->sources = prev->sources;
        return NGX_CONF_OK;
    }

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

    return NGX_CONF_OK;
}
