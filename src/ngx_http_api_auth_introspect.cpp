/*
 * ngx_http_api_auth_module: OAuth bearer tokens (RFC 7662 introspection):
 * the cache lookup and the call (the directives are in
 * ngx_http_api_auth_introspect_conf.cpp, the answer's outcome in
 * ngx_http_api_auth_introspect_response.cpp).
 *
 * A token is looked up in the shared cache by its SHA-256.  On a miss the
 * request introspects it with a non-blocking in-memory subrequest to the
 * api_auth_introspect location, whose method, headers and body are built
 * here: none of the client's headers reach the authorization server.
 * Concurrent requests for one token wait for the call in flight, in this
 * worker (woken when it ends) or in another (polled, bounded), so that a
 * token is introspected once per host.
 */

#include "ngx_http_api_auth.h"

#include "core/introspection.hpp"
#include "core/policy.hpp"


static ngx_int_t ngx_http_api_auth_lookup(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
static ngx_int_t ngx_http_api_auth_introspect_start(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);


ngx_int_t
ngx_http_api_auth_oauth(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    ngx_str_t  part;

    ctx->method = NGX_HTTP_API_AUTH_OAUTH;

    if (alcf->cache_ns_request) {
        /*
         * see ngx_http_api_auth_cache_namespace(): one hash gives the key;
         * the log id is then keyed by it too
         */

        if (alcf->cache_share == NULL) {
            part = r->headers_in.server;

        } else if (ngx_http_complex_value(r, alcf->cache_share, &part)
                   != NGX_OK)
        {
            return NGX_ERROR;
        }

        api_auth::namespaced_key(alcf->cache_ns,
                                 std::string_view(
                                     reinterpret_cast<char *>(part.data),
                                     part.len),
                                 std::string_view(
                                     reinterpret_cast<char *>(
                                         ctx->token.data),
                                     ctx->token.len),
                                 ctx->key);
        ctx->digest = ctx->key;

    } else {
        api_auth::sha256(ctx->token.data, ctx->token.len, ctx->digest);
        api_auth::cache_key(ctx->digest, alcf->cache_ns, ctx->key);
    }

    /* api_auth_jwks: the key holds the key set's generation */
    ngx_http_api_auth_jwks_key(alcf, ctx);

    if (alcf->cache == NULL) {
        ctx->cache_status = ngx_http_api_auth_cache_bypass;
        return ngx_http_api_auth_introspect_start(r, alcf, ctx);
    }

    return ngx_http_api_auth_lookup(r, alcf, ctx);
}


ngx_int_t
ngx_http_api_auth_oauth_resume(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    if (ctx->waiting) {
        return NGX_AGAIN;
    }

    if (ctx->fetching) {
        if (!ctx->done) {
            return NGX_AGAIN;
        }

        ngx_http_api_auth_fetch_finish(r, ctx);

        if (!ctx->jwks_fetch) {
            return ngx_http_api_auth_introspected(r, alcf, ctx);
        }

        ngx_http_api_auth_jwks_done(r, alcf, ctx);
    }

    if (ctx->jwks_retry) {
        /* the JWT key set was fetched or waited for: start over */
        ctx->jwks_retry = 0;

        return ngx_http_api_auth_oauth(r, alcf, ctx);
    }

    /* woken up after waiting for another request's call */

    return ngx_http_api_auth_lookup(r, alcf, ctx);
}


static ngx_int_t
ngx_http_api_auth_lookup(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    ngx_msec_t                  since;
    ngx_http_api_auth_record_t  rec;

    /* since when this request waits for another's call; 0: it did not */
    since = ctx->fetch ? ctx->fetch->wait_start : 0;

    switch (ngx_http_api_auth_cache_acquire(alcf->cache, ctx->key,
                                            ngx_time(), since,
                                            &rec, &ctx->owner_id))
    {
    case ngx_http_api_auth_lookup_hit:
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api_auth cache hit");

        ctx->cache_status = ngx_http_api_auth_cache_hit;

        if (ngx_http_api_auth_keep_claims(r, ctx, rec.data, rec.len)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        return ngx_http_api_auth_decide_claims(r, alcf, ctx, rec.active);

    case ngx_http_api_auth_lookup_wait:
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api_auth cache wait");

        return ngx_http_api_auth_wait(r, ctx);

    case ngx_http_api_auth_lookup_failed:
        ctx->cache_status = ngx_http_api_auth_cache_miss;

        if (rec.stale_usable && alcf->stale_if_error) {
            if (ngx_http_api_auth_keep_claims(r, ctx, rec.data, rec.len)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            ctx->has_stale = 1;
        }

        return ngx_http_api_auth_as_error(r, alcf, ctx,
                                          "the concurrent call for this "
                                          "token failed");

    default: /* ngx_http_api_auth_lookup_own */
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api_auth cache miss");

        ctx->cache_status = ngx_http_api_auth_cache_miss;
        ctx->owner = alcf->cache;

        if (rec.stale_usable && alcf->stale_if_error) {
            if (ngx_http_api_auth_keep_claims(r, ctx, rec.data, rec.len)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            ctx->has_stale = 1;
        }

        return ngx_http_api_auth_introspect_start(r, alcf, ctx);
    }
}


/*
 * RFC 7662 §2.1: POST token=...&token_type_hint=access_token, with the
 * client's credentials (client_secret_basic) when configured.
 */

static ngx_int_t
ngx_http_api_auth_introspect_start(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    u_char                     *p;
    size_t                      len;
    ngx_int_t                   rc;
    ngx_buf_t                  *b;
    std::string_view            token;
    ngx_http_api_auth_fetch_t   f;

    /* a JWT of a configured issuer is decided locally (SPEC.md) */
    rc = ngx_http_api_auth_jwt(r, alcf, ctx);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (alcf->introspect.len == 0) {
        /* JWT keys only: any other token is invalid_token */
        ngx_http_api_auth_release_call(ctx, 0);

        return ngx_http_api_auth_outcome(ctx, api_auth::result_invalid_token);
    }

    ctx->token_type = NGX_HTTP_API_AUTH_TOKEN_OPAQUE;

    token = std::string_view(reinterpret_cast<char *>(ctx->token.data),
                             ctx->token.len);

    len = sizeof("token=") - 1 + api_auth::form_urlencoded_len(token)
          + sizeof("&token_type_hint=access_token") - 1;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(b->last, "token=", sizeof("token=") - 1);
    p = reinterpret_cast<u_char *>(
            api_auth::form_urlencode(token, reinterpret_cast<char *>(p)));
    b->last = ngx_cpymem(p, "&token_type_hint=access_token",
                         sizeof("&token_type_hint=access_token") - 1);
    b->last_buf = 1;

    f.uri = &alcf->introspect;
    f.method = NGX_HTTP_POST;
    ngx_str_set(&f.method_name, "POST");
    ngx_str_set(&f.content_type, "application/x-www-form-urlencoded");
    ngx_str_set(&f.accept, "application/json");
    f.authorization = alcf->client_auth;
    f.body = b;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api_auth introspect \"%V\"", &alcf->introspect);

    if (ngx_http_api_auth_fetch_state(r, ctx) == NULL) {
        return NGX_ERROR;
    }

    ctx->fetch->fetch_start = ngx_current_msec;
    ctx->timing = 1;

    return ngx_http_api_auth_fetch_start(r, ctx, &f);
}
