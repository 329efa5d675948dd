/*
 * ngx_http_api_auth_module: the access handler, API keys, the RFC 6750
 * answers and the $api_auth_* variables.
 *
 * The API-key path and a cache hit decide at once, without a subrequest
 * and without heap allocation: views into the request's headers go to the
 * core, and the variables point into the key table or into r->pool.
 */

#include "ngx_http_api_auth.h"

#include "core/credentials.hpp"
#include "core/policy.hpp"


static ngx_int_t ngx_http_api_auth_handle(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_auth_find_header(ngx_http_request_t *r,
    ngx_str_t *name, ngx_str_t *value) noexcept;
static ngx_int_t ngx_http_api_auth_key(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t type, std::string_view value);
static ngx_http_api_auth_ctx_t *ngx_http_api_auth_var_ctx(
    ngx_http_request_t *r) noexcept;
static ngx_http_api_auth_ctx_t *ngx_http_api_auth_find_ctx(
    ngx_http_request_t *r) noexcept;
static ngx_int_t ngx_http_api_auth_result_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept;
static ngx_int_t ngx_http_api_auth_str_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept;
static ngx_int_t ngx_http_api_auth_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data) noexcept;


static ngx_str_t  ngx_http_api_auth_results[] = {
    ngx_string(""),
    ngx_string("allow"),
    ngx_string("anonymous"),
    ngx_string("missing"),
    ngx_string("invalid_request"),
    ngx_string("invalid_token"),
    ngx_string("insufficient_scope"),
    ngx_string("unavailable")
};

static ngx_str_t  ngx_http_api_auth_cache_statuses[] = {
    ngx_string(""),
    ngx_string("HIT"),
    ngx_string("MISS"),
    ngx_string("STALE"),
    ngx_string("BYPASS")
};

static ngx_str_t  ngx_http_api_auth_methods[] = {
    ngx_string(""),
    ngx_string("api_key"),
    ngx_string("oauth")
};


#define ngx_http_api_auth_result_var        0
#define ngx_http_api_auth_method_var        1
#define ngx_http_api_auth_cache_status_var  2

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

    { ngx_string("api_auth_claim_"), NULL,
      ngx_http_api_auth_claim_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_PREFIX, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_api_auth_handler(ngx_http_request_t *r) noexcept
{
    try {
        return ngx_http_api_auth_handle(r);

    } catch (...) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "api_auth: unexpected exception, request denied");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}


static ngx_int_t
ngx_http_api_auth_handle(ngx_http_request_t *r)
{
    ngx_str_t                      value;
    ngx_int_t                      rc;
    ngx_uint_t                     i, found, bearer;
    ngx_table_elt_t               *h;
    ngx_pool_cleanup_t            *cln;
    ngx_http_api_auth_ctx_t       *ctx;
    ngx_http_api_auth_source_t    *src;
    ngx_http_api_auth_loc_conf_t  *alcf;
    api_auth::authorization        auth;

    alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));

    if (alcf->methods == 0) {
        return NGX_DECLINED;
    }

    ctx = static_cast<ngx_http_api_auth_ctx_t *>(
              ngx_http_get_module_ctx(r, ngx_http_api_auth_module));

    /*
     * Re-entry: the phase engine calls again until the decision is made.
     * A subrequest that "rewrite ... last" took into another location is
     * decided again there (the main request is checked once, in ACCESS).
     */

    if (ctx != NULL && ctx->conf == alcf) {
        if (ctx->decided) {
            return ctx->rc;
        }

        return ngx_http_api_auth_oauth_resume(r, alcf, ctx);
    }

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api_auth handler");

    ctx = static_cast<ngx_http_api_auth_ctx_t *>(
              ngx_pcalloc(r->pool, sizeof(ngx_http_api_auth_ctx_t)));
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    ctx->request = r;
    ctx->conf = alcf;

    /*
     * the cleanup also finds the ctx again once an internal redirect
     * (try_files, error_page, a named location) has zeroed r->ctx
     */
    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    cln->handler = ngx_http_api_auth_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_http_api_auth_module);

    h = r->headers_in.authorization;
    bearer = 0;
    auth.kind = api_auth::scheme::other;

    if (h != NULL && h->value.len >= sizeof("Basic ") - 1
        && ngx_strncasecmp(h->value.data, (u_char *) "Basic ",
                           sizeof("Basic ") - 1) == 0)
    {
        /*
         * Basic credentials here are an API key, or a key sent to an
         * OAuth location, never a user name: an empty user with non-NULL
         * data makes ngx_http_auth_basic_user() decline, so $remote_user
         * (in the default "combined" log format) never shows "KEY" of
         * "curl -u KEY:", whatever the location accepts
         */
        ngx_str_set(&r->headers_in.user, "");
        ngx_str_set(&r->headers_in.passwd, "");
    }

    if (h != NULL) {
        if (api_auth::parse_authorization(
                std::string_view(reinterpret_cast<char *>(h->value.data),
                                 h->value.len),
                auth)
            != api_auth::status::ok)
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "api_auth: malformed Authorization header");
            return ngx_http_api_auth_reject(r, alcf, ctx,
                                      ngx_http_api_auth_invalid_request);
        }

        bearer = (auth.kind == api_auth::scheme::bearer);
    }

    if (alcf->methods & NGX_HTTP_API_AUTH_KEY) {

        src = static_cast<ngx_http_api_auth_source_t *>(alcf->sources->elts);
        found = 0;

        for (i = 0; i < alcf->sources->nelts && !found; i++) {

            switch (src[i].type) {

            case NGX_HTTP_API_AUTH_SRC_BEARER:
                found = bearer;
                break;

            case NGX_HTTP_API_AUTH_SRC_BASIC:
                found = (h != NULL && auth.kind == api_auth::scheme::basic);
                break;

            default: /* NGX_HTTP_API_AUTH_SRC_HEADER */
                rc = ngx_http_api_auth_find_header(r, &src[i].header, &value);

                if (rc == NGX_ERROR) {
                    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                                  "api_auth: duplicate or malformed "
                                  "\"%V\" header", &src[i].header);
                    return ngx_http_api_auth_reject(r, alcf, ctx,
                                      ngx_http_api_auth_invalid_request);
                }

                if (rc == NGX_OK) {
                    auth.value = std::string_view(
                                     reinterpret_cast<char *>(value.data),
                                     value.len);
                    found = 1;
                }
            }

            if (!found) {
                continue;
            }

            rc = ngx_http_api_auth_key(r, alcf, ctx, src[i].type, auth.value);

            if (rc != NGX_DECLINED) {
                return rc;
            }

            /* not a known key: a bearer credential may still be a token */

            if (src[i].type == NGX_HTTP_API_AUTH_SRC_BEARER
                && (alcf->methods & NGX_HTTP_API_AUTH_OAUTH))
            {
                break;
            }

            return ngx_http_api_auth_reject(r, alcf, ctx,
                                            ngx_http_api_auth_invalid_token);
        }
    }

    if ((alcf->methods & NGX_HTTP_API_AUTH_OAUTH) && bearer) {
        ctx->token.data = reinterpret_cast<u_char *>(
                              const_cast<char *>(auth.value.data()));
        ctx->token.len = auth.value.size();

        return ngx_http_api_auth_oauth(r, alcf, ctx);
    }

    if (alcf->optional) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api_auth anonymous");

        ctx->result = ngx_http_api_auth_anonymous;
        ctx->decided = 1;
        ctx->rc = NGX_DECLINED;

        return NGX_DECLINED;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "api_auth: no credentials were provided");

    return ngx_http_api_auth_reject(r, alcf, ctx, ngx_http_api_auth_missing);
}


/*
 * The value of a custom key header.  NGX_DECLINED if absent, NGX_ERROR if
 * sent twice or not a valid key, so that a client cannot smuggle a second
 * value past a proxy that reads the first.
 */

static ngx_int_t
ngx_http_api_auth_find_header(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value) noexcept
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;
    std::string_view  key;

    value->len = 0;
    value->data = NULL;

    part = &r->headers_in.headers.part;
    h = static_cast<ngx_table_elt_t *>(part->elts);

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = static_cast<ngx_table_elt_t *>(part->elts);
            i = 0;
        }

        if (h[i].key.len != name->len
            || ngx_strncmp(h[i].lowcase_key, name->data, name->len) != 0)
        {
            continue;
        }

        if (value->data != NULL) {
            return NGX_ERROR;
        }

        *value = h[i].value;
    }

    if (value->data == NULL) {
        return NGX_DECLINED;
    }

    key = api_auth::trim_ows(
              std::string_view(reinterpret_cast<char *>(value->data),
                               value->len));

    if (api_auth::check_header_key(key) != api_auth::status::ok) {
        return NGX_ERROR;
    }

    value->data = reinterpret_cast<u_char *>(const_cast<char *>(key.data()));
    value->len = key.size();

    return NGX_OK;
}


/*
 * Checks an API key.  NGX_DECLINED: not a known key; otherwise the access
 * decision.  Basic credentials are tried as the key itself first (GPT
 * Actions send the pasted value verbatim), then as base64 "user:KEY" or
 * "KEY:" (RFC 7617).
 */

static ngx_int_t
ngx_http_api_auth_key(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t type, std::string_view value)
{
    u_char                     *buf;
    size_t                      len;
    time_t                      now;
    api_auth::digest            d;
    std::string_view            key;
    const api_auth::key_entry  *entry;
    char                        prefix[api_auth::digest_prefix_len];

    api_auth::sha256(value.data(), value.size(), d);
    entry = alcf->keys->find(d);

    if (entry == NULL && type == NGX_HTTP_API_AUTH_SRC_BASIC) {

        buf = static_cast<u_char *>(
                  ngx_pnalloc(r->pool,
                              api_auth::base64_decoded_max(value.size())));
        if (buf == NULL) {
            return NGX_ERROR;
        }

        if (api_auth::base64_decode(value, buf, len) != api_auth::status::ok
            || api_auth::basic_key(
                   std::string_view(reinterpret_cast<char *>(buf), len), key)
               != api_auth::status::ok)
        {
            ngx_explicit_memzero(buf, api_auth::base64_decoded_max(
                                          value.size()));
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "api_auth: malformed Basic credentials");
            return ngx_http_api_auth_reject(r, alcf, ctx,
                                      ngx_http_api_auth_invalid_request);
        }

        api_auth::sha256(key.data(), key.size(), d);
        ngx_explicit_memzero(buf, len);

        entry = alcf->keys->find(d);
    }

    if (entry == NULL) {
        ngx_http_api_auth_log_id(r->connection->log, d, prefix);
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: unknown API key %*s",
                      sizeof(prefix), prefix);
        return NGX_DECLINED;
    }

    ctx->method = NGX_HTTP_API_AUTH_KEY;
    ctx->client.data = reinterpret_cast<u_char *>(
                           const_cast<char *>(entry->name.data()));
    ctx->client.len = entry->name.size();
    ctx->subject.data = reinterpret_cast<u_char *>(
                            const_cast<char *>(entry->subject.data()));
    ctx->subject.len = entry->subject.size();
    ctx->scope.data = reinterpret_cast<u_char *>(
                          const_cast<char *>(entry->scope.data()));
    ctx->scope.len = entry->scope.size();

    now = ngx_time();

    if (entry->not_after && now >= entry->not_after) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: API key \"%*s\" expired",
                      entry->name.size(), entry->name.data());
        return ngx_http_api_auth_reject(r, alcf, ctx,
                                        ngx_http_api_auth_invalid_token);
    }

    if (!api_auth::scope_satisfies(
            entry->scope,
            std::string_view(reinterpret_cast<char *>(alcf->scope.data),
                             alcf->scope.len)))
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: API key \"%*s\" lacks scope \"%V\"",
                      entry->name.size(), entry->name.data(), &alcf->scope);
        return ngx_http_api_auth_reject(r, alcf, ctx,
                                        ngx_http_api_auth_insufficient_scope);
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api_auth key \"%s\" allowed", entry->name.c_str());

    ctx->result = ngx_http_api_auth_allow;
    ctx->decided = 1;
    ctx->rc = NGX_OK;

    return NGX_OK;
}


/*
 * Records the decision and returns the status for the access phase; the
 * phase engine finalizes the request, so "satisfy any" keeps working.
 */

ngx_int_t
ngx_http_api_auth_reject(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_http_api_auth_result_e result)
{
    ngx_int_t   rc;
    ngx_str_t  *challenge, retry;

    static ngx_str_t  retry_after = ngx_string("Retry-After");

    switch (result) {

    case ngx_http_api_auth_invalid_request:
        rc = NGX_HTTP_BAD_REQUEST;
        challenge = &alcf->challenge_request;
        break;

    case ngx_http_api_auth_invalid_token:
        rc = NGX_HTTP_UNAUTHORIZED;
        challenge = &alcf->challenge_token;
        break;

    case ngx_http_api_auth_insufficient_scope:
        rc = NGX_HTTP_FORBIDDEN;
        challenge = &alcf->challenge_scope;
        break;

    case ngx_http_api_auth_unavailable:
        rc = NGX_HTTP_SERVICE_UNAVAILABLE;
        challenge = NULL;
        break;

    default: /* ngx_http_api_auth_missing */
        rc = NGX_HTTP_UNAUTHORIZED;
        challenge = &alcf->challenge_missing;
    }

    ctx->result = result;
    ctx->decided = 1;
    ctx->rc = rc;

    if (challenge) {
        if (ngx_http_api_auth_push_challenge(r, challenge) != NGX_OK) {
            return NGX_ERROR;
        }

        return rc;
    }

    ngx_str_set(&retry, NGX_HTTP_API_AUTH_RETRY);

    if (ngx_http_api_auth_push_header(r->pool, &r->headers_out.headers,
                                      &retry_after, &retry, 0)
        == NULL)
    {
        return NGX_ERROR;
    }

    return rc;
}


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
 * The decision of this request: its ctx, or after an internal redirect
 * zeroed r->ctx, the latest ctx its pool cleanup still holds (so that
 * $api_auth_* survive try_files, error_page and named locations).  A
 * subrequest that api_auth checked has its own decision; any other shows
 * its main request's.  Only this request's pool is read: values never
 * cross requests.
 */

static ngx_http_api_auth_ctx_t *
ngx_http_api_auth_var_ctx(ngx_http_request_t *r) noexcept
{
    ngx_http_api_auth_ctx_t       *ctx;
    ngx_http_api_auth_loc_conf_t  *alcf;

    if (r != r->main) {
        ctx = ngx_http_api_auth_find_ctx(r);

        if (ctx != NULL) {
            return ctx;
        }
    }

    ctx = ngx_http_api_auth_find_ctx(r->main);

    if (ctx == NULL) {
        alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
                   ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));

        if (alcf->methods) {
            ngx_http_api_auth_check_early(r);
        }
    }

    return ctx;
}


static ngx_http_api_auth_ctx_t *
ngx_http_api_auth_find_ctx(ngx_http_request_t *r) noexcept
{
    ngx_pool_cleanup_t       *cln;
    ngx_http_api_auth_ctx_t  *ctx;

    ctx = static_cast<ngx_http_api_auth_ctx_t *>(
              ngx_http_get_module_ctx(r, ngx_http_api_auth_module));

    if (ctx != NULL) {
        return ctx;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_api_auth_cleanup) {
            ctx = static_cast<ngx_http_api_auth_ctx_t *>(cln->data);

            if (ctx->request == r) {
                return ctx;
            }
        }
    }

    return NULL;
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
                                    &ngx_http_api_auth_results[ctx->result]);
        break;

    case ngx_http_api_auth_method_var:
        ngx_http_api_auth_set_value(v,
                                    &ngx_http_api_auth_methods[ctx->method]);
        break;

    default: /* ngx_http_api_auth_cache_status_var */
        ngx_http_api_auth_set_value(v, &ngx_http_api_auth_cache_statuses[
                                           ctx->cache_status]);
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
    if (ctx == NULL || ctx->result != ngx_http_api_auth_allow) {
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

    if (ctx != NULL && ctx->result == ngx_http_api_auth_allow
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
