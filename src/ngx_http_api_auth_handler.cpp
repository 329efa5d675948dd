/*
 * ngx_http_api_auth_module: the access handler and the request ctx.
 *
 * The API-key path and a cache hit decide at once, without a subrequest
 * and without heap allocation: views into the request's headers go to the
 * core, and the variables point into the key table or into r->pool.
 */

#include "ngx_http_api_auth.h"

#include "core/credentials.hpp"


static ngx_int_t ngx_http_api_auth_handle(ngx_http_request_t *r);
static ngx_int_t ngx_http_api_auth_resolve(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
static ngx_uint_t ngx_http_api_auth_preflight(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept;
static void ngx_http_api_auth_no_basic_user(ngx_http_request_t *r,
    ngx_table_elt_t *h) noexcept;


ngx_int_t
ngx_http_api_auth_handler(ngx_http_request_t *r) noexcept
{
    ngx_int_t                      rc;
    ngx_http_api_auth_ctx_t       *ctx;
    ngx_http_api_auth_loc_conf_t  *alcf;

    try {
        alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
                   ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));

        /* allowed or not, and where api_auth is off too */
        if (ngx_http_api_auth_scrub(r, alcf) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        rc = ngx_http_api_auth_handle(r);

        ctx = static_cast<ngx_http_api_auth_ctx_t *>(
                  ngx_http_get_module_ctx(r, ngx_http_api_auth_module));

        /* the credential goes once the decision is made, whatever it is */
        if (ctx != NULL && ctx->decided && !ctx->hidden && r == r->main
            && alcf->methods && ngx_http_api_auth_hide_on(alcf))
        {
            if (ngx_http_api_auth_hide(r, alcf, ctx) != NGX_OK) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }

    } catch (...) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "api_auth: unexpected exception, request denied");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* counted once, when decided (the call that decides may be a later one) */

    ctx = static_cast<ngx_http_api_auth_ctx_t *>(
              ngx_http_get_module_ctx(r, ngx_http_api_auth_module));

    if (ctx != NULL && ctx->decided && !ctx->counted) {
        ctx->counted = 1;
        ngx_http_api_auth_count_request(r, ctx);
    }

    return rc;
}


static ngx_int_t
ngx_http_api_auth_handle(ngx_http_request_t *r)
{
    ngx_int_t                      rc;
    ngx_http_api_auth_ctx_t       *ctx;
    ngx_http_api_auth_loc_conf_t  *alcf;

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

    if (ctx != NULL && ctx->conf == alcf && ctx->started) {
        if (ctx->decided) {
            return ctx->rc;
        }

        rc = ngx_http_api_auth_oauth_resume(r, alcf, ctx);

        /* NGX_OK: the resolver recorded its outcome, answered here */
        return rc == NGX_OK ? ngx_http_api_auth_answer(r, alcf, ctx) : rc;
    }

    if (ctx == NULL) {
        /*
         * An internal redirect (try_files, error_page) zeroed r->ctx
         * after the credential was hidden: the decision holds, it cannot
         * be made again without the header.
         */
        ctx = ngx_http_api_auth_find_ctx(r);

        if (ctx != NULL && ctx->decided && ctx->hidden) {
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "api_auth kept decision %i", ctx->rc);

            ctx->conf = alcf;
            ngx_http_set_ctx(r, ctx, ngx_http_api_auth_module);

            return ctx->rc;
        }
    }

    if (ngx_http_api_auth_preflight(r, alcf)) {
        return NGX_DECLINED;
    }

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api_auth handler");

    /* a ctx of this location that is not started holds a key lookup */

    if (ctx == NULL || ctx->conf != alcf) {
        ctx = ngx_http_api_auth_create_ctx(r, alcf);
        if (ctx == NULL) {
            return NGX_ERROR;
        }
    }

    ctx->started = 1;

    rc = ngx_http_api_auth_resolve(r, alcf, ctx);

    return rc == NGX_OK ? ngx_http_api_auth_answer(r, alcf, ctx) : rc;
}


/*
 * The resolvers in turn, on the request's credential: the API key, then
 * a bearer token.  Each returns NGX_DECLINED (not its credential),
 * NGX_AGAIN (pending), NGX_ERROR, or NGX_OK with its outcome recorded in
 * ctx->result, which the caller answers.
 */

static ngx_int_t
ngx_http_api_auth_resolve(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    ngx_int_t                 rc;
    ngx_uint_t                bearer, basic;
    ngx_table_elt_t          *h;
    api_auth::authorization   auth;

    h = r->headers_in.authorization;
    bearer = 0;
    basic = 0;
    auth.kind = api_auth::scheme::other;

    ngx_http_api_auth_no_basic_user(r, h);

    if (h != NULL) {
        if (ngx_http_api_auth_parse_authorization(alcf, h, &auth) != NGX_OK) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "api_auth: malformed Authorization header");
            return ngx_http_api_auth_outcome(ctx,
                                         api_auth::result_invalid_request);
        }

        bearer = (auth.kind == api_auth::scheme::bearer);

        /* api_auth_token_source bearer basic: "Basic VALUE" is a token */
        basic = (auth.kind == api_auth::scheme::basic
                 && alcf->token_basic == 2
                 && (alcf->methods & NGX_HTTP_API_AUTH_OAUTH));
    }

    if (alcf->methods & NGX_HTTP_API_AUTH_KEY) {
        rc = ngx_http_api_auth_key_resolve(r, alcf, ctx, &auth, bearer);

        /* not a key: a Basic value that is a token source goes on too */
        if (rc == NGX_OK && basic
            && ctx->key_source == NGX_HTTP_API_AUTH_SRC_BASIC
            && (ctx->key_state == NGX_HTTP_API_AUTH_KEY_UNKNOWN
                || ctx->key_state == NGX_HTTP_API_AUTH_KEY_MALFORMED))
        {
            ctx->result = api_auth::result_none;
            rc = NGX_DECLINED;
        }

        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    if ((alcf->methods & NGX_HTTP_API_AUTH_OAUTH) && (bearer || basic)) {
        ctx->token.data = reinterpret_cast<u_char *>(
                              const_cast<char *>(auth.value.data()));
        ctx->token.len = auth.value.size();

        return ngx_http_api_auth_oauth(r, alcf, ctx);
    }

    if (alcf->optional) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api_auth anonymous");

        return ngx_http_api_auth_outcome(ctx, api_auth::result_anonymous);
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "api_auth: no credentials were provided");

    return ngx_http_api_auth_outcome(ctx, api_auth::result_missing);
}


/* api_auth_preflight pass: a browser's CORS preflight carries no credential */

static ngx_uint_t
ngx_http_api_auth_preflight(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept
{
    static ngx_str_t  origin = ngx_string("Origin");
    static ngx_str_t  request_method =
                          ngx_string("Access-Control-Request-Method");

    if (alcf->preflight && r->method == NGX_HTTP_OPTIONS
        && ngx_http_api_auth_find_header(r, &origin)
        && ngx_http_api_auth_find_header(r, &request_method))
    {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api_auth preflight passed");
        return 1;
    }

    return 0;
}


/*
 * Basic credentials here are an API key, or a token, or a key sent to an
 * OAuth location, never a user name: an empty user with non-NULL data
 * makes ngx_http_auth_basic_user() decline, so $remote_user (in the
 * default "combined" log format) never shows "KEY" of "curl -u KEY:",
 * whatever the location accepts.
 */

static void
ngx_http_api_auth_no_basic_user(ngx_http_request_t *r, ngx_table_elt_t *h)
    noexcept
{
    if (h != NULL && h->value.len >= sizeof("Basic ") - 1
        && ngx_strncasecmp(h->value.data, (u_char *) "Basic ",
                           sizeof("Basic ") - 1) == 0)
    {
        ngx_str_set(&r->headers_in.user, "");
        ngx_str_set(&r->headers_in.passwd, "");
    }
}


/*
 * api_auth_token_source bearer [basic]: with basic, the value of an
 * "Authorization: Basic VALUE" header is also a bearer token (SPEC.md
 * Part 2), taken as it is, after the API-key lookup where api_key is on.
 */

char *
ngx_http_api_auth_token_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t  *value;

    if (alcf->token_basic) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_strcmp(value[1].data, "bearer") != 0
        || (cf->args->nelts == 3 && ngx_strcmp(value[2].data, "basic") != 0))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid \"api_auth_token_source\", "
                           "expected \"bearer\" or \"bearer basic\"");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    alcf->token_basic = cf->args->nelts;   /* 2: bearer, 3: bearer basic */
    alcf->token_basic--;

    return NGX_CONF_OK;
}


/*
 * A new ctx for the check in location alcf, attached to r; also made
 * before the check by the variables that look the key up early.
 */

ngx_http_api_auth_ctx_t *
ngx_http_api_auth_create_ctx(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept
{
    ngx_pool_cleanup_t       *cln;
    ngx_http_api_auth_ctx_t  *ctx;

    ctx = static_cast<ngx_http_api_auth_ctx_t *>(
              ngx_pcalloc(r->pool, sizeof(ngx_http_api_auth_ctx_t)));
    if (ctx == NULL) {
        return NULL;
    }

    ctx->request = r;
    ctx->conf = alcf;

    /*
     * the cleanup also finds the ctx again once an internal redirect
     * (try_files, error_page, a named location) has zeroed r->ctx
     */
    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_api_auth_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_http_api_auth_module);

    return ctx;
}


/*
 * The decision of request r: its ctx, or after an internal redirect
 * zeroed r->ctx (try_files, error_page, named locations), the ctx its
 * pool cleanup still holds.  Only r's own pool is read, and a ctx names
 * its request: subrequests share the main request's pool.  Used by the
 * variable getters, which must not attach the ctx to r again: a later
 * phase handler would then take it for a decision of the new location.
 */

ngx_http_api_auth_ctx_t *
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


/* the request is going away: leave nothing behind that points to it */

void
ngx_http_api_auth_cleanup(void *data) noexcept
{
    ngx_http_api_auth_ctx_t *ctx = static_cast<ngx_http_api_auth_ctx_t *>(
                                       data);

    /* its own key set fetch, then its wait, then the body it sent */
    if (ctx->jwks_fetch) {
        ngx_http_api_auth_jwks_abort(ctx);
    }

    ngx_http_api_auth_wait_cleanup(ctx);

    ngx_http_api_auth_fetch_cleanup(ctx);

    /* the request went away with its call: others may retry */
    ngx_http_api_auth_release_call(ctx, 0);
}


/* api_auth_preflight and api_auth_token_source from the enclosing level */

void
ngx_http_api_auth_handler_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    ngx_conf_merge_uint_value(conf->preflight, prev->preflight, 0);

    if (conf->token_basic == 0) {
        conf->token_basic = prev->token_basic;
    }
}
