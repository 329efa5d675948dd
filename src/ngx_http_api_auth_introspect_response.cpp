/*
 * ngx_http_api_auth_module: the answer of an RFC 7662 introspection call
 * (ngx_http_api_auth_introspect.cpp makes it): checked, parsed, cached
 * and turned into the request's outcome; a failed call is an
 * authorization server error, served stale where stale_if_error allows.
 */

#include "ngx_http_api_auth.h"

#include "core/introspection.hpp"
#include "core/policy.hpp"


static const char *ngx_http_api_auth_bad_response(
    ngx_http_api_auth_ctx_t *ctx) noexcept;
static void ngx_http_api_auth_call_ended(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, ngx_uint_t result) noexcept;


/* the claims of a record or an answer, copied into r->pool for the ctx */

ngx_int_t
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


ngx_int_t
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

ngx_int_t
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
