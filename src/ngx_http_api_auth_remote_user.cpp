/*
 * ngx_http_api_auth_module: $remote_user where api_auth is on.  A key
 * sent as Basic ("curl -u KEY:") is no user name: nginx's own getter of
 * $remote_user is wrapped at postconfiguration
 * (ngx_http_api_auth_init_phases()), so that the variable stays empty for
 * Basic credentials however the request ends; the REWRITE handler of
 * ngx_http_api_auth_phases.cpp empties r->headers_in.user as well.
 */

#include "ngx_http_api_auth.h"


static ngx_int_t ngx_http_api_auth_remote_user(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept;


/* nginx's own $remote_user getter, called where nothing is to be hidden */
static ngx_http_get_variable_pt  ngx_http_api_auth_remote_user_next;


/*
 * $remote_user: the core variables are in variables_keys until
 * ngx_http_variables_init_vars() (after every postconfiguration) copies
 * the getters of indexed variables, such as the ones of the "combined"
 * log format
 */

ngx_int_t
ngx_http_api_auth_guard_remote_user(ngx_conf_t *cf,
    ngx_http_core_main_conf_t *cmcf) noexcept
{
    ngx_str_t             name = ngx_string("remote_user");
    ngx_uint_t            i;
    ngx_hash_key_t       *key;
    ngx_http_variable_t  *v;

    key = static_cast<ngx_hash_key_t *>(cmcf->variables_keys->keys.elts);

    for (i = 0; i < cmcf->variables_keys->keys.nelts; i++) {
        v = static_cast<ngx_http_variable_t *>(key[i].value);

        if (v->name.len == name.len
            && ngx_strncmp(v->name.data, name.data, name.len) == 0)
        {
            ngx_http_api_auth_remote_user_next = v->get_handler;
            v->get_handler = ngx_http_api_auth_remote_user;
            return NGX_OK;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "api_auth: no $remote_user variable to guard");

    return NGX_ERROR;
}


/* the Authorization header holds Basic credentials */

ngx_uint_t
ngx_http_api_auth_basic_sent(ngx_http_request_t *r) noexcept
{
    ngx_table_elt_t  *h;

    h = r->headers_in.authorization;

    return h != NULL && h->value.len >= sizeof("Basic ") - 1
           && ngx_strncasecmp(h->value.data, (u_char *) "Basic ",
                              sizeof("Basic ") - 1) == 0;
}


/*
 * $remote_user is empty for Basic credentials in a location where
 * api_auth is on, and in a request that ended before it reached any
 * location (r->loc_conf is still its server's own) of a server where
 * api_auth is on somewhere.
 */

static ngx_int_t
ngx_http_api_auth_remote_user(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept
{
    ngx_http_core_srv_conf_t      *cscf;
    ngx_http_api_auth_srv_conf_t  *ascf;
    ngx_http_api_auth_loc_conf_t  *alcf;

    if (ngx_http_api_auth_basic_sent(r)) {
        alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
                   ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));
        ascf = static_cast<ngx_http_api_auth_srv_conf_t *>(
                   ngx_http_get_module_srv_conf(r, ngx_http_api_auth_module));
        cscf = static_cast<ngx_http_core_srv_conf_t *>(
                   ngx_http_get_module_srv_conf(r, ngx_http_core_module));

        if (alcf->methods
            || (ascf->any_location && r->loc_conf == cscf->ctx->loc_conf))
        {
            v->not_found = 1;
            return NGX_OK;
        }
    }

    return ngx_http_api_auth_remote_user_next(r, v, data);
}
