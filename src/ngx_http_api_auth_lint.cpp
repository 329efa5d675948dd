/*
 * ngx_http_api_auth_module: configurations that nginx -t accepts but that
 * do not do what they say (security review, finding 8).  Each is a
 * warning naming the location; mistakes that would inject into a header
 * are errors, checked where the value is read.
 */

#include "ngx_http_api_auth.h"


/*
 * Optional: nginx built without auth_basic has no such module, and a
 * dynamic module must still load there.
 */
extern "C" ngx_module_t  ngx_http_auth_basic_module __attribute__((weak));


static ngx_uint_t ngx_http_api_auth_auth_basic_on(ngx_conf_t *cf) noexcept;


/*
 * Runs at the end of merge_loc_conf.  "here" says which directives were
 * written at this level, so that a warning is given once, where the
 * operator wrote the line, not again in every location that inherits it.
 */

void
ngx_http_api_auth_lint(ngx_conf_t *cf, ngx_http_api_auth_loc_conf_t *conf,
    ngx_uint_t here) noexcept
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = static_cast<ngx_http_core_loc_conf_t *>(
               ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));

    /* only real locations: the server's own conf is merged too */
    if (clcf->name.len == 0 || here == 0) {
        return;
    }

    if (conf->methods == 0
        && (here & (NGX_HTTP_API_AUTH_HERE_SCOPE
                    |NGX_HTTP_API_AUTH_HERE_AUDIENCE)))
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "api_auth: \"api_auth_require_%s\" in location "
                           "\"%V\" has no effect without \"api_auth\"",
                           (here & NGX_HTTP_API_AUTH_HERE_SCOPE)
                           ? "scope" : "audience", &clcf->name);
    }

    if (conf->methods && conf->optional && conf->scope.len
        && (here & (NGX_HTTP_API_AUTH_HERE_SCOPE
                    |NGX_HTTP_API_AUTH_HERE_METHODS)))
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "api_auth: location \"%V\" is \"optional\" and "
                           "requires scope \"%V\": a request without any "
                           "credential passes, while a credential without "
                           "the scope gets 403", &clcf->name, &conf->scope);
    }

    if (conf->methods && (here & NGX_HTTP_API_AUTH_HERE_METHODS)
        && ngx_http_api_auth_auth_basic_on(cf))
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "api_auth: \"auth_basic\" and \"api_auth\" in "
                           "location \"%V\" both read the Authorization "
                           "header; api_auth hides Basic user names from "
                           "$remote_user", &clcf->name);
    }
}


/*
 * auth_basic's realm is written by ngx_http_set_complex_value_slot at the
 * offset its command table gives: read it there, never through the
 * module's private conf type.  auth_basic is a static module, merged
 * before any dynamic one.
 */

static ngx_uint_t
ngx_http_api_auth_auth_basic_on(ngx_conf_t *cf) noexcept
{
    void                      *lcf;
    ngx_command_t             *cmd;
    ngx_http_complex_value_t  *realm;

    if (&ngx_http_auth_basic_module == NULL
        || ngx_http_auth_basic_module.ctx_index == NGX_MODULE_UNSET_INDEX)
    {
        return 0;
    }

    for (cmd = ngx_http_auth_basic_module.commands; cmd->name.len; cmd++) {

        if (cmd->name.len != sizeof("auth_basic") - 1
            || ngx_strncmp(cmd->name.data, "auth_basic", cmd->name.len) != 0)
        {
            continue;
        }

        if (cmd->set != ngx_http_set_complex_value_slot) {
            return 0;
        }

        lcf = ngx_http_conf_get_module_loc_conf(cf,
                                                ngx_http_auth_basic_module);

        realm = *reinterpret_cast<ngx_http_complex_value_t **>(
                     static_cast<char *>(lcf) + cmd->offset);

        if (realm == NULL
            || realm == static_cast<ngx_http_complex_value_t *>(
                            NGX_CONF_UNSET_PTR))
        {
            return 0;
        }

        /* "auth_basic off" is a complex value "off" with no variables */
        return !(realm->lengths == NULL && realm->value.len == 3
                 && ngx_strncmp(realm->value.data, "off", 3) == 0);
    }

    return 0;
}


/*
 * A value that reaches a response header must not carry control bytes:
 * "api_auth_realm" with "\r\n" would add a header to every challenge.
 */

char *
ngx_http_api_auth_realm(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    char        *rv;
    ngx_str_t   *value;
    ngx_uint_t   i;

    rv = ngx_conf_set_str_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    for (i = 0; i < value[1].len; i++) {
        if (value[1].data[i] < 0x20 || value[1].data[i] == 0x7f) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: control character in "
                               "\"api_auth_realm\"");
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    return NGX_CONF_OK;
}
