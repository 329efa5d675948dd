/*
 * ngx_http_api_auth_module: JWT key sets fetched from the authorization
 * server (api_auth_jwks URI [refresh=T] [min_refresh=T] [stale_if_error=T]).
 *
 * Each worker holds the last good set of each api_auth_jwks, parsed once
 * per fetch into ready EVP_PKEY objects (core parse_jwks), never per
 * request.  A set is fetched by a non-blocking GET subrequest through the
 * fetch layer, by the first request that needs it; the requests of the
 * worker that need it meanwhile wait for that fetch (the fetch layer's
 * waiters).  With api_auth_cache the set, its schedule and its fetch in
 * flight are the zone's, for all workers and across reloads
 * (ngx_http_api_auth_jwks_share.cpp): one request of the zone fetches,
 * and a worker builds its objects again only when the zone's set changed.  A fetch answer counts only if it is a complete 200 without
 * Content-Encoding, within subrequest_output_buffer_size, and a JWK Set
 * with a usable key; a bad answer never replaces a good set.
 *
 * Times (SPEC.md "JWT access tokens", core jwks_schedule): a set is
 * refreshed after refresh=; an unknown kid refetches it at most once per
 * min_refresh=; a failed fetch backs off (1s doubling, at most
 * min_refresh=) and the last good set serves until stale_if_error= past
 * its refresh time.  Without a usable set the answer is 503 with
 * Retry-After.
 *
 * The token cache key of a location with api_auth_jwks holds the set's
 * generation (a digest of its kids and thumbprints): a record verified
 * under another set, one that may lack its key, is never a hit.
 */

#include "ngx_http_api_auth_jwks.h"

#include <string>


#define NGX_HTTP_API_AUTH_JWKS_FETCH_BOUND  60  /* s: a fetch whose request
                                                   vanished unseen */


/* a set to verify with now; else the request fetches, waits or fails */

static ngx_uint_t
ngx_http_api_auth_jwks_usable(ngx_http_api_auth_jwks_t *jwks,
    ngx_http_api_auth_jwks_state_t *s, time_t now) noexcept
{
    return s->sched.usable(ngx_http_api_auth_jwks_times(jwks), now);
}


static ngx_uint_t
ngx_http_api_auth_jwks_in_flight(ngx_http_api_auth_jwks_state_t *s,
    time_t now) noexcept
{
    return s->sched.in_flight(now);
}


/* a refresh is due and may start now */

static ngx_uint_t
ngx_http_api_auth_jwks_due(ngx_http_api_auth_jwks_t *jwks,
    ngx_http_api_auth_jwks_state_t *s, time_t now) noexcept
{
    return s->sched.refresh_due(ngx_http_api_auth_jwks_times(jwks), now);
}


/*
 * The token's cache key gets the generation of the set it will be
 * verified with; without one (no usable set, or a refresh this request
 * will make), it is a miss and nothing is stored under it.
 */

void
ngx_http_api_auth_jwks_key(ngx_http_api_auth_loc_conf_t *alcf,
    ngx_http_api_auth_ctx_t *ctx) noexcept
{
    time_t                           now;
    ngx_http_api_auth_jwks_state_t  *s;

    ctx->jwks_keyed = 0;

    if (alcf->jwks == NULL) {
        return;
    }

    s = ngx_http_api_auth_jwks_state(alcf->jwks);
    now = ngx_time();

    /* with api_auth_cache: the set and schedule of the zone */
    ngx_http_api_auth_jwks_sync(ctx->request->connection->log, alcf, s);

    if (!ngx_http_api_auth_jwks_usable(alcf->jwks, s, now)
        || ngx_http_api_auth_jwks_due(alcf->jwks, s, now))
    {
        return;
    }

    /* the set as one more namespace (core digest.hpp): no hashing here */
    api_auth::cache_key(ctx->key, s->gen, ctx->key);

    ctx->jwks_keyed = 1;
}


static ngx_int_t
ngx_http_api_auth_jwks_unavailable(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const char *why) noexcept
{
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "api_auth: no usable JWT key set from \"%V\": %s",
                  &alcf->jwks->uri, why);

    ngx_http_api_auth_release_call(ctx, 0);

    return ngx_http_api_auth_outcome(ctx, api_auth::result_unavailable);
}


/* the request waits for the fetch in flight, without its token's call */

static ngx_int_t
ngx_http_api_auth_jwks_wait(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept
{
    ngx_http_api_auth_release_call(ctx, 0);
    ctx->jwks_retry = 1;

    return ngx_http_api_auth_wait(r, ctx);
}


static ngx_int_t
ngx_http_api_auth_jwks_fetch(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept
{
    time_t                           now;
    ngx_int_t                        rc;
    ngx_http_api_auth_fetch_t        f;
    ngx_http_api_auth_jwks_state_t  *s;

    s = ngx_http_api_auth_jwks_state(alcf->jwks);
    now = ngx_time();

    ngx_http_api_auth_release_call(ctx, 0);

    ngx_memzero(&f, sizeof(ngx_http_api_auth_fetch_t));
    f.uri = &alcf->jwks->uri;
    f.method = NGX_HTTP_GET;
    ngx_str_set(&f.method_name, "GET");
    ngx_str_set(&f.accept, "application/jwk-set+json, application/json");

    if (ngx_http_api_auth_fetch_state(r, ctx) == NULL) {
        return NGX_ERROR;
    }

    ctx->fetch->sr_status = 0;
    ctx->fetch->sr_body.len = 0;
    ctx->fetch->sr_encoded = 0;
    ctx->fetch->sr_too_big = 0;
    ctx->fetch->sr_size = 0;
    ctx->fetch->sr_complete = 0;

    /* with api_auth_cache: one fetch for the whole zone */
    if (ngx_http_api_auth_jwks_claim(r, alcf, s, now,
                                     NGX_HTTP_API_AUTH_JWKS_FETCH_BOUND)
        == NGX_BUSY)
    {
        return ngx_http_api_auth_jwks_wait(r, ctx);
    }

    ctx->jwks_fetch = 1;
    ctx->jwks_fetched = 1;
    ctx->jwks_retry = 1;

    s->fetcher = ctx;
    s->sched.start(now, NGX_HTTP_API_AUTH_JWKS_FETCH_BOUND);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "api_auth: fetching the JWT key set from \"%V\"",
                  &alcf->jwks->uri);

    rc = ngx_http_api_auth_fetch_start(r, ctx, &f);

    if (rc == NGX_ERROR) {
        s->fetcher = nullptr;
        s->sched.fetching = false;
        ngx_http_api_auth_jwks_release(s);
        ctx->jwks_fetch = 0;
    }

    return rc;
}


/*
 * NGX_OK with *set to verify with; NGX_AGAIN while the set is fetched;
 * NGX_OK with the outcome recorded (503) and *set NULL; NGX_ERROR.
 */

ngx_int_t
ngx_http_api_auth_jwks_get(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::jwk_set **set) noexcept
{
    time_t                           now;
    ngx_http_api_auth_jwks_t        *jwks;
    ngx_http_api_auth_jwks_state_t  *s;

    jwks = alcf->jwks;
    s = ngx_http_api_auth_jwks_state(jwks);
    now = ngx_time();
    *set = NULL;

    if (ngx_http_api_auth_jwks_usable(jwks, s, now)
        && (ctx->jwks_fetched || !ngx_http_api_auth_jwks_due(jwks, s, now)))
    {
        *set = &s->set;
        return NGX_OK;
    }

    if (ctx->jwks_fetched) {
        return ngx_http_api_auth_jwks_unavailable(r, alcf, ctx,
                                                  "the fetch failed");
    }

    if (ngx_http_api_auth_jwks_usable(jwks, s, now)
        || now >= s->sched.retry)
    {
        if (ngx_http_api_auth_jwks_in_flight(s, now)) {
            return ngx_http_api_auth_jwks_wait(r, ctx);
        }

        return ngx_http_api_auth_jwks_fetch(r, alcf, ctx);
    }

    if (ngx_http_api_auth_jwks_in_flight(s, now)) {
        return ngx_http_api_auth_jwks_wait(r, ctx);
    }

    return ngx_http_api_auth_jwks_unavailable(r, alcf, ctx,
                                              s->sched.loaded ? "stale past "
                                              "stale_if_error"
                                              : "not loaded yet");
}


/*
 * No key of the set has the token's kid: one refetch per min_refresh.
 * NGX_DECLINED: the token is refused (401); NGX_AGAIN; or NGX_OK with the
 * outcome recorded (503: the refetch failed).
 */

ngx_int_t
ngx_http_api_auth_jwks_unknown(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept
{
    time_t                           now;
    ngx_http_api_auth_jwks_state_t  *s;

    s = ngx_http_api_auth_jwks_state(alcf->jwks);
    now = ngx_time();

    if (!ctx->jwks_fetched) {
        if (ngx_http_api_auth_jwks_in_flight(s, now)) {
            return ngx_http_api_auth_jwks_wait(r, ctx);
        }

        if (s->sched.may_refetch(ngx_http_api_auth_jwks_times(alcf->jwks),
                                 now))
        {
            return ngx_http_api_auth_jwks_fetch(r, alcf, ctx);
        }
    }

    if (s->sched.failed) {
        return ngx_http_api_auth_jwks_unavailable(r, alcf, ctx,
                                                  "unknown key, and the "
                                                  "refetch failed");
    }

    return NGX_DECLINED;
}


/* what is wrong with a fetch answer before its body is parsed, or NULL */

static const char *
ngx_http_api_auth_jwks_bad(ngx_http_api_auth_ctx_t *ctx) noexcept
{
    if (ctx->fetch->sr_status != NGX_HTTP_OK) {
        return "status not 200";
    }

    if (!ctx->fetch->sr_complete) {
        return "response cut short";
    }

    if (ctx->fetch->sr_encoded) {
        return "response has Content-Encoding";
    }

    if (ctx->fetch->sr_too_big) {
        return "response too large (see subrequest_output_buffer_size)";
    }

    return NULL;
}


/*
 * This worker's set, built from a JWK Set document: a fetch answer (warn:
 * its skipped keys are logged), or the zone's copy of one.  NULL, or what
 * is wrong with it (the set is then unchanged).
 */

const char *
ngx_http_api_auth_jwks_build(ngx_log_t *log, std::string_view body,
    ngx_http_api_auth_jwks_state_t *s, ngx_uint_t warn) noexcept
{
    api_auth::status  st;

    try {
        api_auth::jwk_set  set;
        std::string        fp("api_auth jwks 1");

        st = api_auth::parse_jwks(body, set);

        for (const api_auth::jwk_skip &k : set.skipped) {
            if (!warn) {
                break;
            }

            ngx_log_error(NGX_LOG_WARN, log, 0,
                          "api_auth: JWT key set: key %uz skipped: %*s",
                          k.index, k.reason.size(), k.reason.data());
        }

        if (st == api_auth::status::missing) {
            return "no usable key";
        }

        if (st == api_auth::status::too_large) {
            return "response too large";
        }

        if (st != api_auth::status::ok) {
            return "not a JWK Set (a JSON object with a \"keys\" array)";
        }

        for (const api_auth::jwk_key &k : set.keys) {
            fp.append(1, '\0').append(k.kid).append(1, '\0')
              .append(k.thumbprint);
        }

        api_auth::sha256(reinterpret_cast<const u_char *>(fp.data()),
                         fp.size(), s->gen);
        s->set = std::move(set);

    } catch (...) {
        return "out of memory";
    }

    return NULL;
}


/* the fetch this request made ended: keep a good set, else back off */

void
ngx_http_api_auth_jwks_done(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept
{
    time_t                           now;
    const char                      *cause;
    ngx_http_api_auth_jwks_state_t  *s;

    s = ngx_http_api_auth_jwks_state(alcf->jwks);
    now = ngx_time();

    ctx->jwks_fetch = 0;

    if (s->fetcher == ctx) {
        s->fetcher = nullptr;
    }

    cause = ngx_http_api_auth_jwks_bad(ctx);

    if (cause == NULL) {
        cause = ngx_http_api_auth_jwks_build(r->connection->log,
                    std::string_view(reinterpret_cast<char *>(
                                         ctx->fetch->sr_body.data),
                                     ctx->fetch->sr_body.len), s, 1);
    }

    if (cause == NULL) {
        ngx_http_api_auth_metrics_jwks_fetch(r, 1);
        ngx_http_api_auth_jwks_record(r, alcf->jwks, s,
                                      &ctx->fetch->sr_body, now);

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: JWT key set from \"%V\": %uz keys",
                      &alcf->jwks->uri, s->set.keys.size());

    } else {
        ngx_http_api_auth_metrics_jwks_fetch(r, 0);
        ngx_http_api_auth_jwks_record(r, alcf->jwks, s, NULL, now);

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "api_auth: JWT key set fetch from \"%V\" failed: "
                      "%s (status %ui)", &alcf->jwks->uri, cause,
                      ctx->fetch->sr_status);
    }

    ngx_http_api_auth_wake_all_waiters();
}
