/*
 * ngx_http_api_auth_module: OAuth bearer tokens (RFC 7662 introspection):
 * the cache lookup, the call and the outcome of its answer (the
 * directives are in ngx_http_api_auth_introspect_conf.cpp).
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
static ngx_int_t ngx_http_api_auth_introspected(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
static const char *ngx_http_api_auth_bad_response(
    ngx_http_api_auth_ctx_t *ctx) noexcept;
static void ngx_http_api_auth_call_ended(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, ngx_uint_t result) noexcept;
static ngx_int_t ngx_http_api_auth_as_error(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const char *cause);
static ngx_int_t ngx_http_api_auth_keep_claims(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, const u_char *data, size_t len) noexcept;


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


static ngx_int_t
ngx_http_api_auth_keep_claims(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, const u_char *data, size_t len) noexcept
{
    ctx->claims.len = 0;

    if (len == 0) {
        return NGX_OK;
    }

    ctx->claims.data = static_cast<u_char *>(ngx_pnalloc(r->pool, len));
    if (ctx->claims.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(ctx->claims.data, data, len);
    ctx->claims.len = len;

    return NGX_OK;
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


/*
 * What is wrong with the answer before its body is read: NULL if nothing,
 * "" for a status other than 200 (logged here), or the cause.
 */

static const char *
ngx_http_api_auth_bad_response(ngx_http_api_auth_ctx_t *ctx) noexcept
{
    if (ctx->fetch->sr_status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_ERR, ctx->request->connection->log, 0,
                      "api_auth: introspection failed: status %ui",
                      ctx->fetch->sr_status);
        return "";
    }

    if (!ctx->fetch->sr_complete) {
        return "response cut short";
    }

    if (ctx->fetch->sr_encoded) {
        return "response has Content-Encoding";
    }

    if (ctx->fetch->sr_not_json) {
        return "response is not application/json";
    }

    if (ctx->fetch->sr_too_big) {
        return "response too large (see subrequest_output_buffer_size)";
    }

    return NULL;
}


static ngx_int_t
ngx_http_api_auth_introspected(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    time_t               now, ttl, expires;
    ngx_int_t            rc;
    const char          *cause;
    api_auth::status     st;
    api_auth::token_info info;

    /* the token form was scrubbed when the call ended (done) */

    cause = ngx_http_api_auth_bad_response(ctx);

    if (cause != NULL) {
        return ngx_http_api_auth_as_error(r, alcf, ctx,
                                          *cause ? cause : NULL);
    }

    now = ngx_time();

    st = api_auth::parse_introspection(
             std::string_view(
                 reinterpret_cast<char *>(ctx->fetch->sr_body.data),
                 ctx->fetch->sr_body.len),
             now, info);

    switch (st) {

    case api_auth::status::ok:
        ngx_http_api_auth_call_ended(r, ctx, 0);

        ttl = api_auth::positive_ttl(now, info.exp, alcf->max_ttl);
        expires = now + ttl;

        if (ctx->owner && ttl > 0) {
            ngx_http_api_auth_cache_store(ctx->owner, ctx->key, 1, expires,
                api_auth::stale_deadline(expires, alcf->stale_if_error,
                                         info.exp),
                reinterpret_cast<const u_char *>(info.claims.data()),
                info.claims.size());
        }

        rc = ngx_http_api_auth_keep_claims(r, ctx,
                 reinterpret_cast<const u_char *>(info.claims.data()),
                 info.claims.size());
        if (rc != NGX_OK) {
            return NGX_ERROR;
        }

        break;

    case api_auth::status::inactive:
        ngx_http_api_auth_call_ended(r, ctx, 1);

        /* even with negative_ttl=0: replace any stale active record */
        if (ctx->owner) {
            ngx_http_api_auth_cache_store(ctx->owner, ctx->key, 0,
                                          now + alcf->negative_ttl, 0,
                                          NULL, 0);
        }

        break;

    case api_auth::status::too_large:
        return ngx_http_api_auth_as_error(r, alcf, ctx, "response too large");

    case api_auth::status::internal:
        return ngx_http_api_auth_as_error(r, alcf, ctx, "out of memory");

    default:
        return ngx_http_api_auth_as_error(r, alcf, ctx,
                                          "response is not a JSON object "
                                          "with a boolean \"active\"");
    }

    /* stored, or not cacheable: either way no longer in flight */
    ngx_http_api_auth_release_call(ctx, 0);

    return ngx_http_api_auth_decide_claims(r, alcf, ctx,
                                           st == api_auth::status::ok);
}


/* our call ended: 0 active, 1 inactive, 2 error (metrics) */

static void
ngx_http_api_auth_call_ended(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, ngx_uint_t result) noexcept
{
    if (ctx->timing) {
        ctx->timing = 0;
        ngx_http_api_auth_count_introspection(r, result,
                                              ngx_current_msec
                                              - ctx->fetch->fetch_start);
    }
}


/*
 * The authorization server failed: nothing is cached (SPEC.md), waiters
 * are woken to try for themselves, and a stale entry is served if
 * stale_if_error allows it.
 */

static ngx_int_t
ngx_http_api_auth_as_error(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const char *cause)
{
    char  prefix[api_auth::digest_prefix_len];

    ngx_http_api_auth_call_ended(r, ctx, 2);

    if (cause) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "api_auth: introspection failed: %s", cause);
    }

    ngx_http_api_auth_release_call(ctx, 1);

    if (ctx->has_stale) {
        ngx_http_api_auth_log_id(r->connection->log, NGX_LOG_WARN,
                                 ctx->digest, prefix);
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "api_auth: serving stale introspection of token %*s",
                      sizeof(prefix), prefix);

        ctx->cache_status = ngx_http_api_auth_cache_stale;

        return ngx_http_api_auth_decide_claims(r, alcf, ctx, 1);
    }

    return ngx_http_api_auth_outcome(ctx, api_auth::result_unavailable);
}


/*
 * The call this request owned is over (ctx->owner): its in-flight marker
 * goes (failed: other requests see the failure) and this worker's
 * waiters are woken to look again.
 */

void
ngx_http_api_auth_release_call(ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t failed) noexcept
{
    if (ctx->owner == NULL) {
        return;
    }

    ngx_http_api_auth_cache_release(ctx->owner, ctx->key, ctx->owner_id,
                                    failed);
    ngx_http_api_auth_wake_waiters(ctx);
    ctx->owner = NULL;
}
