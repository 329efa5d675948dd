/*
 * ngx_http_api_auth_module: the policy directives: which methods a
 * location accepts (api_auth), and what an identity must hold to pass
 * (api_auth_require_scope, api_auth_require_audience,
 * api_auth_require_claim, api_auth_scope_implies).  The decision on them
 * is the core's (authorize(), core: identity.cpp and policy.cpp).
 */

#include "ngx_http_api_auth.h"

#include <new>


static ngx_int_t ngx_http_api_auth_audience_off(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept;
static void ngx_http_api_auth_destroy_implies(void *data) noexcept;


/*
 * api_auth off | api_key [oauth] [optional] | oauth [optional]
 */

char *
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


/*
 * space-joins the parameters into an ngx_str_t (scopes, audiences);
 * "api_auth_require_audience off" stores "" and sets audience_off
 */

char *
ngx_http_api_auth_join(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    u_char      *p;
    size_t       len;
    ngx_int_t    rc;
    ngx_str_t   *value, *field;
    ngx_uint_t   i, j;

    field = reinterpret_cast<ngx_str_t *>(static_cast<char *>(conf)
                                          + cmd->offset);

    if (field->data) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);
    len = 0;

    if (cmd->offset == offsetof(ngx_http_api_auth_loc_conf_t, audience)) {
        rc = ngx_http_api_auth_audience_off(cf,
                 static_cast<ngx_http_api_auth_loc_conf_t *>(conf));

        if (rc == NGX_OK) {
            return NGX_CONF_OK;
        }

        if (rc == NGX_ERROR) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

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


/*
 * "api_auth_require_audience off", alone: NGX_OK, the audience is "" and
 * audience_off set; NGX_DECLINED: a list of audiences; NGX_ERROR: "off"
 * among others
 */

static ngx_int_t
ngx_http_api_auth_audience_off(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept
{
    ngx_str_t   *value;
    ngx_uint_t   i;

    value = static_cast<ngx_str_t *>(cf->args->elts);

    for (i = 1; i < cf->args->nelts; i++) {
        if (ngx_strcmp(value[i].data, "off") == 0) {
            if (cf->args->nelts != 2) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "api_auth: \"off\" takes no other "
                                   "parameter");
                return NGX_ERROR;
            }

            ngx_str_set(&alcf->audience, "");
            alcf->audience_off = 1;
            return NGX_OK;
        }
    }

    alcf->audience_off = 0;

    return NGX_DECLINED;
}


/*
 * api_auth_scope_implies SCOPE IMPLIED...: a level's lines build one
 * table (core: policy.hpp), which replaces an enclosing level's.
 */

char *
ngx_http_api_auth_scope_implies(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t           *value;
    ngx_uint_t           i;
    api_auth::status     rc;
    ngx_pool_cleanup_t  *cln;

    if (alcf->implies == NGX_CONF_UNSET_PTR) {
        cln = ngx_pool_cleanup_add(cf->pool,
                                   sizeof(api_auth::scope_implications));
        if (cln == NULL) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        /* noexcept constructor */
        alcf->implies = new (cln->data) api_auth::scope_implications();
        cln->handler = ngx_http_api_auth_destroy_implies;
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    for (i = 2; i < cf->args->nelts; i++) {
        rc = alcf->implies->add(
                 std::string_view(reinterpret_cast<char *>(value[1].data),
                                  value[1].len),
                 std::string_view(reinterpret_cast<char *>(value[i].data),
                                  value[i].len));

        if (rc == api_auth::status::malformed) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid scope \"%V\" or \"%V\"",
                               &value[1], &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        if (rc != api_auth::status::ok) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    return NGX_CONF_OK;
}


static void
ngx_http_api_auth_destroy_implies(void *data) noexcept
{
    static_cast<api_auth::scope_implications *>(data)
        ->~scope_implications();
}


/*
 * api_auth_require_claim NAME VALUE...: repeatable, all must hold (AND).
 * The views point into the configuration's pool, as the arguments do.
 */

char *
ngx_http_api_auth_require_claim(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t                 *value;
    ngx_uint_t                 i, n;
    std::string_view          *values;
    api_auth::required_claim  *c;

    value = static_cast<ngx_str_t *>(cf->args->elts);
    n = cf->args->nelts;

    /* a JSON member name as the record keeps it: 1-255 visible bytes */
    for (i = 0; i < value[1].len; i++) {
        if (value[1].data[i] <= 0x20 || value[1].data[i] == 0x7f) {
            break;
        }
    }

    if (value[1].len == 0 || value[1].len > 255 || i != value[1].len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid claim name \"%V\" (1 to 255 "
                           "bytes, no space or control byte)", &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    for (i = 2; i < n; i++) {
        if (value[i].len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: empty value for claim \"%V\"",
                               &value[1]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    if (alcf->claims == NULL) {
        alcf->claims = ngx_array_create(cf->pool, 2,
                                        sizeof(api_auth::required_claim));
        if (alcf->claims == NULL) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    values = static_cast<std::string_view *>(
                 ngx_palloc(cf->pool, (n - 2) * sizeof(std::string_view)));
    c = static_cast<api_auth::required_claim *>(ngx_array_push(alcf->claims));
    if (values == NULL || c == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    for (i = 2; i < n; i++) {
        new (&values[i - 2]) std::string_view(
                                 reinterpret_cast<char *>(value[i].data),
                                 value[i].len);
    }

    new (c) api_auth::required_claim();
    c->name = std::string_view(reinterpret_cast<char *>(value[1].data),
                               value[1].len);
    c->values.items = values;
    c->values.size = n - 2;

    return NGX_CONF_OK;
}


/*
 * The policy from the enclosing level.  Returns which of its directives
 * this level writes itself (NGX_HTTP_API_AUTH_HERE_*, for the lint).
 */

ngx_uint_t
ngx_http_api_auth_policy_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    ngx_uint_t  here;

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

    if (conf->prm) {
        /* the metadata is public, even under an inherited "api_auth" */
        conf->methods = 0;
    }

    ngx_conf_merge_str_value(conf->scope, prev->scope, "");

    /* "off" is kept unset-or-not through the levels: the default audience
     * is the resource of the level that uses it */
    if (conf->audience.data == NULL) {
        conf->audience_off = prev->audience_off;
    }

    ngx_conf_merge_str_value(conf->audience, prev->audience, "");
    ngx_conf_merge_ptr_value(conf->implies, prev->implies, NULL);

    /* api_auth_require_claim: a level's own list replaces the inherited */
    if (conf->claims == NULL) {
        conf->claims = prev->claims;
    }

    return here;
}


/* "api_auth api_key" needs a key file */

char *
ngx_http_api_auth_check_api_key(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    if ((conf->methods & NGX_HTTP_API_AUTH_KEY) && conf->keys == NULL) {
        return ngx_http_api_auth_conf_requires(cf, "\"api_auth api_key\"",
                                               "\"api_auth_keys\"");
    }

    return NGX_CONF_OK;
}


/* "api_auth oauth" needs an introspection endpoint or JWT keys */

char *
ngx_http_api_auth_check_oauth(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    if ((conf->methods & NGX_HTTP_API_AUTH_OAUTH)
        && conf->introspect.len == 0 && !ngx_http_api_auth_jwt_enabled(conf))
    {
        return ngx_http_api_auth_conf_requires(cf, "\"api_auth oauth\"",
                                               "\"api_auth_introspect\" or "
                                               "\"api_auth_jwt_keys\"");
    }

    return NGX_CONF_OK;
}
