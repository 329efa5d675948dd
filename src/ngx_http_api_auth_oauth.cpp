/*
 * ngx_http_api_auth_module: OAuth bearer tokens (RFC 7662 introspection).
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
static ngx_int_t ngx_http_api_auth_introspect(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
static ngx_int_t ngx_http_api_auth_introspected(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
static ngx_int_t ngx_http_api_auth_as_error(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const char *cause);
static ngx_int_t ngx_http_api_auth_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc) noexcept;
static ngx_int_t ngx_http_api_auth_set_headers(ngx_http_request_t *r,
    ngx_http_request_t *sr, ngx_http_api_auth_loc_conf_t *alcf, size_t len)
    noexcept;
static ngx_int_t ngx_http_api_auth_wait(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
static void ngx_http_api_auth_wake_handler(ngx_event_t *ev) noexcept;
static void ngx_http_api_auth_wake_waiters(ngx_http_api_auth_ctx_t *ctx)
    noexcept;
static ngx_int_t ngx_http_api_auth_keep_claims(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, const u_char *data, size_t len) noexcept;
static ngx_http_api_auth_ctx_t *ngx_http_api_auth_sr_ctx(
    ngx_http_request_t *r) noexcept;
static ngx_int_t ngx_http_api_auth_header_filter(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in) noexcept;


/* the index of $request_body, see ngx_http_api_auth_oauth_resume() */
static ngx_int_t  ngx_http_api_auth_request_body_index = NGX_ERROR;

/* requests of this worker waiting for an introspection call in flight */
static ngx_queue_t  ngx_http_api_auth_waiters;

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


ngx_int_t
ngx_http_api_auth_oauth(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    ngx_str_t         part;
    api_auth::digest  ns;

    ctx->method = NGX_HTTP_API_AUTH_OAUTH;

    api_auth::sha256(ctx->token.data, ctx->token.len, ctx->digest);

    if (alcf->cache_ns_request) {
        /* see ngx_http_api_auth_cache_namespace() */

        if (alcf->cache_share == NULL) {
            part = r->headers_in.server;

        } else if (ngx_http_complex_value(r, alcf->cache_share, &part)
                   != NGX_OK)
        {
            return NGX_ERROR;
        }

        api_auth::namespace_digest(alcf->cache_ns,
                                   std::string_view(
                                       reinterpret_cast<char *>(part.data),
                                       part.len),
                                   ns);
        api_auth::cache_key(ctx->digest, ns, ctx->key);

    } else {
        api_auth::cache_key(ctx->digest, alcf->cache_ns, ctx->key);
    }

    if (alcf->cache == NULL) {
        ctx->cache_status = ngx_http_api_auth_cache_bypass;
        return ngx_http_api_auth_introspect(r, alcf, ctx);
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

    if (ctx->introspecting) {
        if (!ctx->done) {
            return NGX_AGAIN;
        }

        ctx->introspecting = 0;

        /*
         * A subrequest shares its parent's cache of variable values: the
         * subrequest's $request_body (its token form, scrubbed since) must
         * not stand for the parent's own body (security review, finding 9)
         */

        if (ngx_http_api_auth_request_body_index != NGX_ERROR) {
            r->variables[ngx_http_api_auth_request_body_index].valid = 0;
            r->variables[ngx_http_api_auth_request_body_index].not_found = 0;
        }

        return ngx_http_api_auth_introspected(r, alcf, ctx);
    }

    /* woken up after waiting for another request's call */

    return ngx_http_api_auth_lookup(r, alcf, ctx);
}


static ngx_int_t
ngx_http_api_auth_lookup(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    ngx_http_api_auth_record_t  rec;

    switch (ngx_http_api_auth_cache_acquire(alcf->cache, ctx->key,
                                            ngx_time(), ctx->wait_start,
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

        return ngx_http_api_auth_introspect(r, alcf, ctx);
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
 * The decision for a token from its claims record in ctx->claims: the
 * record says what the authorization server said; scope and audience are
 * checked here, per location.
 */

ngx_int_t
ngx_http_api_auth_decide_claims(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t active)
{
    std::string_view  record, v;
    char              prefix[api_auth::digest_prefix_len];

    ngx_http_api_auth_log_id(r->connection->log, ctx->digest, prefix);

    if (!active) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: token %*s is not active",
                      sizeof(prefix), prefix);
        return ngx_http_api_auth_reject(r, alcf, ctx,
                                        ngx_http_api_auth_invalid_token);
    }

    record = std::string_view(reinterpret_cast<char *>(ctx->claims.data),
                              ctx->claims.len);

    if (api_auth::claims_find(record, "client_id", v)) {
        ctx->client.data = reinterpret_cast<u_char *>(
                               const_cast<char *>(v.data()));
        ctx->client.len = v.size();
    }

    if (api_auth::claims_find(record, "sub", v)) {
        ctx->subject.data = reinterpret_cast<u_char *>(
                                const_cast<char *>(v.data()));
        ctx->subject.len = v.size();
    }

    if (api_auth::claims_find(record, "scope", v)) {
        ctx->scope.data = reinterpret_cast<u_char *>(
                              const_cast<char *>(v.data()));
        ctx->scope.len = v.size();
    }

    if (alcf->audience.len) {
        if (!api_auth::claims_find(record, "aud", v)) {
            v = std::string_view();
        }

        if (!api_auth::audience_matches(
                v, std::string_view(
                       reinterpret_cast<char *>(alcf->audience.data),
                       alcf->audience.len)))
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "api_auth: token %*s has the wrong audience",
                          sizeof(prefix), prefix);
            return ngx_http_api_auth_reject(r, alcf, ctx,
                                            ngx_http_api_auth_invalid_token);
        }
    }

    if (!api_auth::scope_satisfies(
            std::string_view(reinterpret_cast<char *>(ctx->scope.data),
                             ctx->scope.len),
            std::string_view(reinterpret_cast<char *>(alcf->scope.data),
                             alcf->scope.len)))
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: token %*s lacks scope \"%V\"",
                      sizeof(prefix), prefix, &alcf->scope);
        return ngx_http_api_auth_reject(r, alcf, ctx,
                                        ngx_http_api_auth_insufficient_scope);
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api_auth token %*s allowed", sizeof(prefix), prefix);

    ctx->result = ngx_http_api_auth_allow;
    ctx->decided = 1;
    ctx->rc = NGX_OK;

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_auth_introspect(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    u_char                      *p;
    size_t                       len;
    ngx_buf_t                   *b;
    ngx_chain_t                 *cl;
    ngx_http_request_t          *sr;
    ngx_http_post_subrequest_t  *ps;
    std::string_view             token;

    token = std::string_view(reinterpret_cast<char *>(ctx->token.data),
                             ctx->token.len);

    ps = static_cast<ngx_http_post_subrequest_t *>(
             ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t)));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    ps->handler = ngx_http_api_auth_done;
    ps->data = ctx;

    if (ngx_http_subrequest(r, &alcf->introspect, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_WAITED
                            |NGX_HTTP_SUBREQUEST_IN_MEMORY)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* RFC 7662 §2.1: token=...&token_type_hint=access_token */

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

    ctx->body = b;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = b;
    cl->next = NULL;

    sr->request_body = static_cast<ngx_http_request_body_t *>(
                           ngx_pcalloc(r->pool,
                                       sizeof(ngx_http_request_body_t)));
    if (sr->request_body == NULL) {
        return NGX_ERROR;
    }

    sr->request_body->bufs = cl;
    sr->request_body->buf = b;

    sr->method = NGX_HTTP_POST;
    ngx_str_set(&sr->method_name, "POST");

    if (ngx_http_api_auth_set_headers(r, sr, alcf, len) != NGX_OK) {
        return NGX_ERROR;
    }

    ctx->introspecting = 1;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api_auth introspect \"%V\"", &alcf->introspect);

    return NGX_AGAIN;
}


/*
 * The subrequest starts with a copy of the client's headers_in: replace
 * it with exactly the headers an introspection request needs.
 */

static ngx_int_t
ngx_http_api_auth_set_headers(ngx_http_request_t *r, ngx_http_request_t *sr,
    ngx_http_api_auth_loc_conf_t *alcf, size_t len) noexcept
{
    u_char           *p;
    ngx_uint_t        i, n;
    ngx_str_t         empty = ngx_null_string;
    ngx_table_elt_t  *h, *hs[4];

    static ngx_str_t  names[] = {
        ngx_string("Content-Type"),
        ngx_string("Content-Length"),
        ngx_string("Accept"),
        ngx_string("Authorization")
    };

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 4,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->headers_in.server = r->headers_in.server;
    sr->headers_in.content_length_n = len;
    sr->headers_in.keep_alive_n = -1;

    n = alcf->client_auth.len ? 4 : 3;

    for (i = 0; i < n; i++) {
        h = ngx_http_api_auth_push_header(r->pool, &sr->headers_in.headers,
                                          &names[i], &empty, 1);
        if (h == NULL) {
            return NGX_ERROR;
        }

        hs[i] = h;
    }

    ngx_str_set(&hs[0]->value, "application/x-www-form-urlencoded");
    sr->headers_in.content_type = hs[0];

    p = static_cast<u_char *>(ngx_pnalloc(r->pool, NGX_SIZE_T_LEN));
    if (p == NULL) {
        return NGX_ERROR;
    }

    hs[1]->value.data = p;
    hs[1]->value.len = ngx_sprintf(p, "%uz", len) - p;
    sr->headers_in.content_length = hs[1];

    ngx_str_set(&hs[2]->value, "application/json");

    if (n == 4) {
        /* RFC 6749 §2.3.1 client_secret_basic, encoded at load time */
        hs[3]->value = alcf->client_auth;
        sr->headers_in.authorization = hs[3];
    }

    return NGX_OK;
}


/* runs in the subrequest: copy what it got, decide later in the parent */

static ngx_int_t
ngx_http_api_auth_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
    noexcept
{
    ngx_http_api_auth_ctx_t *ctx = static_cast<ngx_http_api_auth_ctx_t *>(
                                       data);

    ctx->done = 1;
    ctx->sr_status = (rc == NGX_OK || rc == NGX_DONE)
                     ? r->headers_out.status : 0;

    /*
     * The call is over: scrub the token form now, before the subrequest's
     * own access log line (log_subrequest on), where $request_body is
     * then empty
     */

    if (ctx->body) {
        ngx_explicit_memzero(ctx->body->start,
                             ctx->body->end - ctx->body->start);
        ctx->body = NULL;
    }

    r->request_body = NULL;

    if (r->out && r->out->buf) {
        ctx->sr_body.data = r->out->buf->pos;
        ctx->sr_body.len = r->out->buf->last - r->out->buf->pos;
    }

    ctx->sr_encoded = (r->headers_out.content_encoding
                       && r->headers_out.content_encoding->value.len);

    ctx->sr_not_json = !api_auth::is_json_media_type(
                            std::string_view(
                                reinterpret_cast<char *>(
                                    r->headers_out.content_type.data),
                                r->headers_out.content_type.len));

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api_auth introspection done s:%ui rc:%i",
                   r->headers_out.status, rc);

    return rc;
}


static ngx_int_t
ngx_http_api_auth_introspected(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    time_t               now, ttl, expires;
    ngx_int_t            rc;
    api_auth::status     st;
    api_auth::token_info info;

    /* the token form was scrubbed when the call ended (done) */

    if (ctx->sr_status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "api_auth: introspection failed: status %ui",
                      ctx->sr_status);
        return ngx_http_api_auth_as_error(r, alcf, ctx, NULL);
    }

    if (!ctx->sr_complete) {
        return ngx_http_api_auth_as_error(r, alcf, ctx,
                                          "response cut short");
    }

    if (ctx->sr_encoded) {
        return ngx_http_api_auth_as_error(r, alcf, ctx,
                                          "response has Content-Encoding");
    }

    if (ctx->sr_not_json) {
        return ngx_http_api_auth_as_error(r, alcf, ctx,
                                          "response is not application/json");
    }

    if (ctx->sr_too_big) {
        return ngx_http_api_auth_as_error(r, alcf, ctx,
                                          "response too large (see "
                                          "subrequest_output_buffer_size)");
    }

    now = ngx_time();

    st = api_auth::parse_introspection(
             std::string_view(reinterpret_cast<char *>(ctx->sr_body.data),
                              ctx->sr_body.len),
             now, info);

    switch (st) {

    case api_auth::status::ok:
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

    if (ctx->owner) {
        /* stored, or not cacheable: either way no longer in flight */
        ngx_http_api_auth_cache_release(ctx->owner, ctx->key,
                                        ctx->owner_id, 0);
        ngx_http_api_auth_wake_waiters(ctx);
        ctx->owner = NULL;
    }

    return ngx_http_api_auth_decide_claims(r, alcf, ctx,
                                           st == api_auth::status::ok);
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

    ngx_http_api_auth_log_id(r->connection->log, ctx->digest, prefix);

    if (cause) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "api_auth: introspection failed: %s", cause);
    }

    if (ctx->owner) {
        ngx_http_api_auth_cache_release(ctx->owner, ctx->key,
                                        ctx->owner_id, 1);
        ngx_http_api_auth_wake_waiters(ctx);
        ctx->owner = NULL;
    }

    if (ctx->has_stale) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "api_auth: serving stale introspection of token %*s",
                      sizeof(prefix), prefix);

        ctx->cache_status = ngx_http_api_auth_cache_stale;

        return ngx_http_api_auth_decide_claims(r, alcf, ctx, 1);
    }

    return ngx_http_api_auth_reject(r, alcf, ctx,
                                    ngx_http_api_auth_unavailable);
}


/*
 * Waits for the call in flight: woken by its owner in this worker, or by
 * a timer that polls the zone for an owner in another worker (5 ms,
 * doubling to 40 ms).  The in-flight marker expires after
 * NGX_HTTP_API_AUTH_PENDING seconds, which bounds the wait.
 */

static ngx_int_t
ngx_http_api_auth_wait(ngx_http_request_t *r, ngx_http_api_auth_ctx_t *ctx)
    noexcept
{
    if (ngx_http_api_auth_waiters.prev == NULL) {
        ngx_queue_init(&ngx_http_api_auth_waiters);
    }

    ctx->wait_delay = ctx->wait_delay ? ngx_min(ctx->wait_delay * 2, 40) : 5;

    if (ctx->wait_start == 0) {
        ctx->wait_start = ngx_current_msec ? ngx_current_msec : 1;
    }

    ctx->wait_ev.handler = ngx_http_api_auth_wake_handler;
    ctx->wait_ev.data = r;
    ctx->wait_ev.log = r->connection->log;

    ngx_add_timer(&ctx->wait_ev, ctx->wait_delay);

    ngx_queue_insert_tail(&ngx_http_api_auth_waiters, &ctx->wait_link);
    ctx->waiting = 1;

    return NGX_AGAIN;
}


static void
ngx_http_api_auth_wake_handler(ngx_event_t *ev) noexcept
{
    ngx_connection_t         *c;
    ngx_http_request_t       *r;
    ngx_http_api_auth_ctx_t  *ctx;

    r = static_cast<ngx_http_request_t *>(ev->data);
    c = r->connection;

    ctx = static_cast<ngx_http_api_auth_ctx_t *>(
              ngx_http_get_module_ctx(r, ngx_http_api_auth_module));

    if (ctx->waiting) {
        ngx_queue_remove(&ctx->wait_link);
        ctx->waiting = 0;
    }

    ngx_http_set_log_request(c->log, r);

    r->write_event_handler(r);

    ngx_http_run_posted_requests(c);
}


static void
ngx_http_api_auth_wake_waiters(ngx_http_api_auth_ctx_t *ctx) noexcept
{
    ngx_queue_t              *q, *next;
    ngx_http_api_auth_ctx_t  *w;

    if (ngx_http_api_auth_waiters.prev == NULL) {
        return;
    }

    for (q = ngx_queue_head(&ngx_http_api_auth_waiters);
         q != ngx_queue_sentinel(&ngx_http_api_auth_waiters);
         q = next)
    {
        next = ngx_queue_next(q);
        w = ngx_queue_data(q, ngx_http_api_auth_ctx_t, wait_link);

        if (!api_auth::digest_equal(w->key, ctx->key)) {
            continue;
        }

        ngx_queue_remove(q);
        w->waiting = 0;

        if (w->wait_ev.timer_set) {
            ngx_del_timer(&w->wait_ev);
        }

        ngx_post_event(&w->wait_ev, &ngx_posted_events);
    }
}


/* the request is going away: leave nothing behind that points to it */

void
ngx_http_api_auth_cleanup(void *data) noexcept
{
    ngx_http_api_auth_ctx_t *ctx = static_cast<ngx_http_api_auth_ctx_t *>(
                                       data);

    if (ctx->waiting) {
        ngx_queue_remove(&ctx->wait_link);
        ctx->waiting = 0;
    }

    if (ctx->wait_ev.timer_set) {
        ngx_del_timer(&ctx->wait_ev);
    }

    if (ctx->wait_ev.posted) {
        ngx_delete_posted_event(&ctx->wait_ev);
    }

    if (ctx->owner) {
        /* the request went away with its call: others may retry */
        ngx_http_api_auth_cache_release(ctx->owner, ctx->key,
                                        ctx->owner_id, 0);
        ngx_http_api_auth_wake_waiters(ctx);
        ctx->owner = NULL;
    }

    if (ctx->body) {
        ngx_explicit_memzero(ctx->body->start,
                             ctx->body->end - ctx->body->start);
    }
}


/*
 * An introspection response larger than the in-memory buffer of the
 * subrequest (subrequest_output_buffer_size, at most 64k here) would make
 * nginx's postpone filter fail, and with it the client's connection.  These
 * filters, first in the chain, drop such a body instead, so that the
 * parent answers 503 like for any other bad response.
 */

ngx_int_t
ngx_http_api_auth_init_filters(ngx_conf_t *cf) noexcept
{
    ngx_str_t  name = ngx_string("request_body");

    ngx_http_api_auth_request_body_index = ngx_http_get_variable_index(cf,
                                                                       &name);
    if (ngx_http_api_auth_request_body_index == NGX_ERROR) {
        return NGX_ERROR;
    }

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_api_auth_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_api_auth_body_filter;

    return NGX_OK;
}


/* one of the module's own introspection subrequests */

ngx_uint_t
ngx_http_api_auth_own_subrequest(ngx_http_request_t *r) noexcept
{
    return r != r->main && r->post_subrequest
           && r->post_subrequest->handler == ngx_http_api_auth_done;
}


static ngx_http_api_auth_ctx_t *
ngx_http_api_auth_sr_ctx(ngx_http_request_t *r) noexcept
{
    if (r == r->main || r->post_subrequest == NULL
        || r->post_subrequest->handler != ngx_http_api_auth_done)
    {
        return NULL;
    }

    return static_cast<ngx_http_api_auth_ctx_t *>(r->post_subrequest->data);
}


static size_t
ngx_http_api_auth_body_limit(ngx_http_request_t *r) noexcept
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = static_cast<ngx_http_core_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_core_module));

    return ngx_min(clcf->subrequest_output_buffer_size,
                   api_auth::max_introspection_body);
}


static ngx_int_t
ngx_http_api_auth_header_filter(ngx_http_request_t *r) noexcept
{
    ngx_http_api_auth_ctx_t  *ctx;

    ctx = ngx_http_api_auth_sr_ctx(r);

    if (ctx != NULL && r->headers_out.content_length_n > 0
        && static_cast<size_t>(r->headers_out.content_length_n)
           > ngx_http_api_auth_body_limit(r))
    {
        ctx->sr_too_big = 1;
        r->headers_out.content_length_n = -1;
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_api_auth_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
    noexcept
{
    ngx_chain_t              *cl;
    ngx_http_api_auth_ctx_t  *ctx;

    ctx = ngx_http_api_auth_sr_ctx(r);

    if (ctx == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    /*
     * An upstream that fails after the header (a Content-Length it does
     * not honour, a chunked body without its last chunk) ends the
     * subrequest with rc 0 and status 200, but never sends the last
     * buffer: the answer is complete only when that buffer passed.
     */
    for (cl = in; cl; cl = cl->next) {
        if (cl->buf->last_in_chain || cl->buf->last_buf) {
            ctx->sr_complete = 1;
        }
    }

    if (!ctx->sr_too_big) {
        for (cl = in; cl; cl = cl->next) {
            ctx->sr_size += ngx_buf_size(cl->buf);
        }

        if (ctx->sr_size <= ngx_http_api_auth_body_limit(r)) {
            return ngx_http_next_body_filter(r, in);
        }

        ctx->sr_too_big = 1;
    }

    for (cl = in; cl; cl = cl->next) {
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }

    return NGX_OK;
}
