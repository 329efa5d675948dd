/*
 * ngx_http_api_auth_module: the $api_auth_* variables.
 *
 * Each getter reads the decision of its request (see
 * ngx_http_api_auth_find_ctx): values point into the key table or into
 * r->pool, never into another request.
 */

#include "ngx_http_api_auth.h"


static void ngx_http_api_auth_set_value(ngx_http_variable_value_t *v,
    ngx_str_t *s) noexcept;
static ngx_http_api_auth_ctx_t *ngx_http_api_auth_var_ctx(
    ngx_http_request_t *r) noexcept;
static ngx_int_t ngx_http_api_auth_result_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept;
static ngx_int_t ngx_http_api_auth_str_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept;
static ngx_int_t ngx_http_api_auth_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept;
static ngx_int_t ngx_http_api_auth_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept;
static ngx_int_t ngx_http_api_auth_key_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept;
static const api_auth::key_entry *ngx_http_api_auth_key_entry(
    ngx_http_api_auth_ctx_t *ctx) noexcept;


static ngx_str_t  ngx_http_api_auth_cache_statuses[] = {
    ngx_string(""),
    ngx_string("HIT"),
    ngx_string("MISS"),
    ngx_string("STALE"),
    ngx_string("BYPASS")
};

static ngx_str_t  ngx_http_api_auth_token_types[] = {
    ngx_string(""),
    ngx_string("jwt"),
    ngx_string("opaque")
};

/* $api_auth_status, as $limit_req_status */
static ngx_str_t  ngx_http_api_auth_statuses[] = {
    ngx_string("PASSED"),
    ngx_string("REJECTED"),
    ngx_string("REJECTED_DRY_RUN")
};

static ngx_str_t  ngx_http_api_auth_methods[] = {
    ngx_string(""),
    ngx_string("api_key"),
    ngx_string("oauth")
};


#define ngx_http_api_auth_result_var        0
#define ngx_http_api_auth_method_var        1
#define ngx_http_api_auth_cache_status_var  2
#define ngx_http_api_auth_token_type_var    3

#define ngx_http_api_auth_key_name_var      0
#define ngx_http_api_auth_key_tier_var      1

static ngx_http_variable_t  ngx_http_api_auth_vars[] = {

    { ngx_string("api_auth_result"), NULL,
      ngx_http_api_auth_result_variable, ngx_http_api_auth_result_var,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_auth_method"), NULL,
      ngx_http_api_auth_result_variable, ngx_http_api_auth_method_var,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_auth_cache_status"), NULL,
      ngx_http_api_auth_result_variable, ngx_http_api_auth_cache_status_var,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_auth_token_type"), NULL,
      ngx_http_api_auth_result_variable, ngx_http_api_auth_token_type_var,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_auth_status"), NULL,
      ngx_http_api_auth_status_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_auth_client"), NULL,
      ngx_http_api_auth_str_variable,
      offsetof(ngx_http_api_auth_ctx_t, client),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_auth_subject"), NULL,
      ngx_http_api_auth_str_variable,
      offsetof(ngx_http_api_auth_ctx_t, subject),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_auth_scope"), NULL,
      ngx_http_api_auth_str_variable,
      offsetof(ngx_http_api_auth_ctx_t, scope),
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    /* these two work in any phase: the key is looked up on first read */

    { ngx_string("api_auth_key_name"), NULL,
      ngx_http_api_auth_key_variable, ngx_http_api_auth_key_name_var,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_auth_key_tier"), NULL,
      ngx_http_api_auth_key_variable, ngx_http_api_auth_key_tier_var,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("api_auth_claim_"), NULL,
      ngx_http_api_auth_claim_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_PREFIX, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_api_auth_add_variables(ngx_conf_t *cf) noexcept
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_api_auth_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static void
ngx_http_api_auth_set_value(ngx_http_variable_value_t *v, ngx_str_t *s)
    noexcept
{
    v->len = s->len;
    v->data = s->data;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
}


/*
 * A subrequest that api_auth checked has its own decision; any other
 * shows its main request's.
 */

static ngx_http_api_auth_ctx_t *
ngx_http_api_auth_var_ctx(ngx_http_request_t *r) noexcept
{
    ngx_http_api_auth_ctx_t       *ctx;
    ngx_http_api_auth_loc_conf_t  *alcf;

    if (r != r->main) {
        ctx = ngx_http_api_auth_find_ctx(r);

        if (ctx != NULL && ctx->started) {
            return ctx;
        }
    }

    ctx = ngx_http_api_auth_find_ctx(r->main);

    /* a ctx that holds only an early key lookup has no decision yet */

    if (ctx != NULL && !ctx->started) {
        ctx = NULL;
    }

    if (ctx == NULL) {
        alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
                   ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));

        if (alcf->methods) {
            ngx_http_api_auth_check_early(r);
        }
    }

    return ctx;
}


static ngx_int_t
ngx_http_api_auth_result_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept
{
    ngx_str_t                 empty = ngx_null_string;
    ngx_http_api_auth_ctx_t  *ctx;

    ctx = ngx_http_api_auth_var_ctx(r);

    if (ctx == NULL) {
        ngx_http_api_auth_set_value(v, &empty);
        return NGX_OK;
    }

    switch (data) {

    case ngx_http_api_auth_result_var:
        ngx_http_api_auth_set_value(v,
                                    ngx_http_api_auth_result_name(
                                        ctx->result));
        break;

    case ngx_http_api_auth_method_var:
        ngx_http_api_auth_set_value(v,
                                    &ngx_http_api_auth_methods[ctx->method]);
        break;

    case ngx_http_api_auth_token_type_var:
        ngx_http_api_auth_set_value(v, &ngx_http_api_auth_token_types[
                                           ctx->token_type]);
        break;

    default: /* ngx_http_api_auth_cache_status_var */
        ngx_http_api_auth_set_value(v, &ngx_http_api_auth_cache_statuses[
                                           ctx->cache_status]);
    }

    return NGX_OK;
}


/* PASSED, REJECTED, REJECTED_DRY_RUN; empty until the check decides */

static ngx_int_t
ngx_http_api_auth_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept
{
    ngx_str_t                 empty = ngx_null_string;
    ngx_http_api_auth_ctx_t  *ctx;

    ctx = ngx_http_api_auth_var_ctx(r);

    if (ctx == NULL || !ctx->decided) {
        ngx_http_api_auth_set_value(v, &empty);

    } else if (ctx->result == api_auth::result_allow
               || ctx->result == api_auth::result_anonymous)
    {
        ngx_http_api_auth_set_value(v, &ngx_http_api_auth_statuses[0]);

    } else {
        ngx_http_api_auth_set_value(v,
                                &ngx_http_api_auth_statuses[ctx->dry_run ? 2
                                                                         : 1]);
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_auth_str_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept
{
    ngx_str_t                 empty = ngx_null_string;
    ngx_http_api_auth_ctx_t  *ctx;

    ctx = ngx_http_api_auth_var_ctx(r);

    /* a rejected credential names nobody, even if satisfy any lets it in */
    if (ctx == NULL || ctx->result != api_auth::result_allow) {
        ngx_http_api_auth_set_value(v, &empty);
        return NGX_OK;
    }

    ngx_http_api_auth_set_value(v, reinterpret_cast<ngx_str_t *>(
                                       reinterpret_cast<char *>(ctx) + data));

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_auth_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept
{
    ngx_str_t                *name = reinterpret_cast<ngx_str_t *>(data);
    ngx_str_t                 value;
    std::string_view          claim;
    ngx_http_api_auth_ctx_t  *ctx;

    ctx = ngx_http_api_auth_var_ctx(r);

    ngx_str_null(&value);

    if (ctx != NULL && ctx->result == api_auth::result_allow
        && ctx->claims.len
        && api_auth::claims_find(
               std::string_view(reinterpret_cast<char *>(ctx->claims.data),
                                ctx->claims.len),
               std::string_view(reinterpret_cast<char *>(name->data)
                                + sizeof("api_auth_claim_") - 1,
                                name->len - (sizeof("api_auth_claim_") - 1)),
               claim))
    {
        value.data = reinterpret_cast<u_char *>(
                         const_cast<char *>(claim.data()));
        value.len = claim.size();
    }

    ngx_http_api_auth_set_value(v, &value);

    return NGX_OK;
}


/*
 * $api_auth_key_name, $api_auth_key_tier: the key's NAME and tier when
 * the credential is a known, unexpired key, whatever the scope check
 * says (or will say), else empty.  Values point into the key table.
 */

static ngx_int_t
ngx_http_api_auth_key_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept
{
    ngx_str_t                   value;
    const std::string          *s;
    const api_auth::key_entry  *entry;

    entry = ngx_http_api_auth_key_identify(r);

    ngx_str_null(&value);

    if (entry != NULL) {
        s = (data == ngx_http_api_auth_key_name_var) ? &entry->name
                                                     : &entry->tier;
        value.data = reinterpret_cast<u_char *>(
                         const_cast<char *>(s->data()));
        value.len = s->size();
    }

    ngx_http_api_auth_set_value(v, &value);

    return NGX_OK;
}


/*
 * The key of a request, for $api_auth_key_name and $api_auth_key_tier in
 * any phase: looked up on first use (ngx_http_api_auth_key_lookup()), in
 * the ctx the access check will reuse.  NULL unless the credential is a
 * known key, unexpired now; the scope check does not matter.  A
 * subrequest in a location without api_key shows its main request's key.
 */

const api_auth::key_entry *
ngx_http_api_auth_key_identify(ngx_http_request_t *r) noexcept
{
    ngx_uint_t                     bearer;
    ngx_table_elt_t               *h;
    ngx_http_api_auth_ctx_t       *ctx;
    ngx_http_api_auth_loc_conf_t  *alcf;
    api_auth::authorization        auth;

    ctx = ngx_http_api_auth_find_ctx(r);

    if (ctx != NULL && (ctx->key_state || ctx->started)) {
        return ngx_http_api_auth_key_entry(ctx);
    }

    alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));

    if (!(alcf->methods & NGX_HTTP_API_AUTH_KEY)) {
        if (r != r->main) {
            ctx = ngx_http_api_auth_find_ctx(r->main);

            if (ctx != NULL) {
                return ngx_http_api_auth_key_entry(ctx);
            }
        }

        return NULL;
    }

    if (ctx == NULL || ctx->conf != alcf) {
        ctx = ngx_http_api_auth_create_ctx(r, alcf);
        if (ctx == NULL) {
            return NULL;
        }
    }

    h = r->headers_in.authorization;
    bearer = 0;
    auth.kind = api_auth::scheme::other;

    if (h != NULL) {
        if (ngx_http_api_auth_parse_authorization(alcf, h, &auth) != NGX_OK) {
            /* the access check rejects it before any key lookup */
            ctx->key_state = NGX_HTTP_API_AUTH_KEY_MALFORMED;
            return NULL;
        }

        bearer = (auth.kind == api_auth::scheme::bearer);
    }

    try {
        if (ngx_http_api_auth_key_lookup(r, alcf, ctx, &auth, bearer)
            != NGX_OK)
        {
            return NULL;
        }

    } catch (...) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "api_auth: unexpected exception in key lookup");
        ctx->key_state = NGX_HTTP_API_AUTH_KEY_MALFORMED;
        return NULL;
    }

    return ngx_http_api_auth_key_entry(ctx);
}


static const api_auth::key_entry *
ngx_http_api_auth_key_entry(ngx_http_api_auth_ctx_t *ctx) noexcept
{
    const api_auth::key_entry  *entry;

    if (ctx->key_state != NGX_HTTP_API_AUTH_KEY_FOUND) {
        return NULL;
    }

    entry = ctx->key_entry;

    if (entry->not_after && ngx_time() >= entry->not_after) {
        return NULL;
    }

    return entry;
}
