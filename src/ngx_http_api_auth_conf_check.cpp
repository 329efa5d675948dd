/*
 * ngx_http_api_auth_module: configuration checks that several directives
 * share, each with the one message "nginx -t" prints for it (naming the
 * file and line of the directive being parsed or merged).
 */

#include "ngx_http_api_auth.h"


/*
 * The argument of a directive that names a location of this server (the
 * subrequest goes there): "/...".  example is such a URI, upstream what
 * that location proxies to.
 */

ngx_int_t
ngx_http_api_auth_conf_local_uri(ngx_conf_t *cf, const char *directive,
    ngx_str_t *uri, const char *example, const char *upstream) noexcept
{
    if (uri->len != 0 && uri->data[0] == '/') {
        return NGX_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "api_auth: \"%s\" takes a local URI such as \"%s\", "
                       "not \"%V\" (put %s in that location's proxy_pass)",
                       directive, example, uri, upstream);

    return NGX_ERROR;
}


/*
 * At merge time: what (quoted, as the user wrote it) needs needs (the
 * directive or directives, quoted) at the same or an enclosing level.
 * Returns NGX_CONF_ERROR for the merge to return.
 */

char *
ngx_http_api_auth_conf_requires(ngx_conf_t *cf, const char *what,
    const char *needs) noexcept
{
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "api_auth: %s requires %s at the same or an "
                       "enclosing level", what, needs);

    return static_cast<char *>(NGX_CONF_ERROR);
}
