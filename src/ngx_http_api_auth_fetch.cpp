/*
 * ngx_http_api_auth_module: the module's own calls to the outside world.
 *
 * A fetch is a non-blocking in-memory subrequest to an internal location
 * (introspection now, JWKS next): its method, headers and body are the
 * module's own, none of the client's headers are passed on.  Its answer
 * is copied into the parent's ctx by the post-subrequest handler and
 * checked by size and completeness in two filters; the parent reads it
 * when the phase engine calls it again.  Requests of a worker that wait
 * for a call in flight elsewhere are kept here, woken when it ends.
 */

#include "ngx_http_api_auth.h"

#include "core/introspection.hpp"
#include "core/jwk.hpp"


static ngx_int_t ngx_http_api_auth_fetch_headers(ngx_http_request_t *r,
    ngx_http_request_t *sr, ngx_http_api_auth_fetch_t *f) noexcept;
static ngx_int_t ngx_http_api_auth_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc) noexcept;
static void ngx_http_api_auth_wake_handler(ngx_event_t *ev) noexcept;
static ngx_http_api_auth_ctx_t *ngx_http_api_auth_sr_ctx(
    ngx_http_request_t *r) noexcept;
static size_t ngx_http_api_auth_body_limit(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
static ngx_int_t ngx_http_api_auth_header_filter(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in) noexcept;


/* the index of $request_body, see ngx_http_api_auth_fetch_finish() */
static ngx_int_t  ngx_http_api_auth_request_body_index = NGX_ERROR;

/* requests of this worker waiting for a call in flight */
static ngx_queue_t  ngx_http_api_auth_waiters;

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


/*
 * Starts the subrequest: NGX_AGAIN, the parent is called again when it
 * ends (ctx->done), or NGX_ERROR.
 */

ngx_int_t
ngx_http_api_auth_fetch_start(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, ngx_http_api_auth_fetch_t *f) noexcept
{
    ngx_chain_t                 *cl;
    ngx_http_request_t          *sr;
    ngx_http_post_subrequest_t  *ps;

    ps = static_cast<ngx_http_post_subrequest_t *>(
             ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t)));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    ps->handler = ngx_http_api_auth_done;
    ps->data = ctx;

    if (ngx_http_subrequest(r, f->uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_WAITED
                            |NGX_HTTP_SUBREQUEST_IN_MEMORY)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ctx->done = 0;
    ctx->body = f->body;

    if (f->body) {
        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = f->body;
        cl->next = NULL;

        sr->request_body = static_cast<ngx_http_request_body_t *>(
                               ngx_pcalloc(r->pool,
                                           sizeof(ngx_http_request_body_t)));
        if (sr->request_body == NULL) {
            return NGX_ERROR;
        }

        sr->request_body->bufs = cl;
        sr->request_body->buf = f->body;
    }

    sr->method = f->method;
    sr->method_name = f->method_name;

    if (ngx_http_api_auth_fetch_headers(r, sr, f) != NGX_OK) {
        return NGX_ERROR;
    }

    ctx->fetching = 1;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api_auth fetch \"%V\"", f->uri);

    return NGX_AGAIN;
}


/*
 * The subrequest starts with a copy of the client's headers_in: replace
 * it with exactly the headers the call needs.
 */

static ngx_int_t
ngx_http_api_auth_fetch_headers(ngx_http_request_t *r, ngx_http_request_t *sr,
    ngx_http_api_auth_fetch_t *f) noexcept
{
    u_char           *p;
    off_t             len;
    ngx_str_t         value;
    ngx_table_elt_t  *h;

    static ngx_str_t  content_type = ngx_string("Content-Type");
    static ngx_str_t  content_length = ngx_string("Content-Length");
    static ngx_str_t  accept = ngx_string("Accept");
    static ngx_str_t  authorization = ngx_string("Authorization");

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 4,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->headers_in.server = r->headers_in.server;
    sr->headers_in.content_length_n = -1;
    sr->headers_in.keep_alive_n = -1;

    if (f->body) {
        h = ngx_http_api_auth_push_header(r->pool, &sr->headers_in.headers,
                                          &content_type, &f->content_type,
                                          1);
        if (h == NULL) {
            return NGX_ERROR;
        }

        sr->headers_in.content_type = h;

        len = ngx_buf_size(f->body);

        p = static_cast<u_char *>(ngx_pnalloc(r->pool, NGX_OFF_T_LEN));
        if (p == NULL) {
            return NGX_ERROR;
        }

        value.data = p;
        value.len = ngx_sprintf(p, "%O", len) - p;

        h = ngx_http_api_auth_push_header(r->pool, &sr->headers_in.headers,
                                          &content_length, &value, 1);
        if (h == NULL) {
            return NGX_ERROR;
        }

        sr->headers_in.content_length = h;
        sr->headers_in.content_length_n = len;
    }

    if (ngx_http_api_auth_push_header(r->pool, &sr->headers_in.headers,
                                      &accept, &f->accept, 1)
        == NULL)
    {
        return NGX_ERROR;
    }

    if (f->authorization.len) {
        h = ngx_http_api_auth_push_header(r->pool, &sr->headers_in.headers,
                                          &authorization, &f->authorization,
                                          1);
        if (h == NULL) {
            return NGX_ERROR;
        }

        sr->headers_in.authorization = h;
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
     * The call is over: scrub the body sent (the introspection form holds
     * the token) now, before the subrequest's own access log line
     * (log_subrequest on), where $request_body is then empty
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
                   "api_auth fetch done s:%ui rc:%i",
                   r->headers_out.status, rc);

    return rc;
}


/*
 * The parent, called again once the subrequest ended: a subrequest
 * shares its parent's cache of variable values, so the subrequest's
 * $request_body (its scrubbed form) must not stand for the parent's own
 * body (security review, finding 9).
 */

void
ngx_http_api_auth_fetch_finish(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept
{
    ctx->fetching = 0;

    if (ngx_http_api_auth_request_body_index != NGX_ERROR) {
        r->variables[ngx_http_api_auth_request_body_index].valid = 0;
        r->variables[ngx_http_api_auth_request_body_index].not_found = 0;
    }
}


/*
 * Waits for the call in flight: woken by its owner in this worker, or by
 * a timer that polls the zone for an owner in another worker (5 ms,
 * doubling to 40 ms).  The in-flight marker expires after
 * NGX_HTTP_API_AUTH_PENDING seconds, which bounds the wait.
 */

ngx_int_t
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


void
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


/* a key set fetch ended: every waiter of this worker looks again */

void
ngx_http_api_auth_wake_all_waiters(void) noexcept
{
    ngx_queue_t              *q;
    ngx_http_api_auth_ctx_t  *w;

    if (ngx_http_api_auth_waiters.prev == NULL) {
        return;
    }

    while (!ngx_queue_empty(&ngx_http_api_auth_waiters)) {
        q = ngx_queue_head(&ngx_http_api_auth_waiters);
        w = ngx_queue_data(q, ngx_http_api_auth_ctx_t, wait_link);

        ngx_queue_remove(q);
        w->waiting = 0;

        if (w->wait_ev.timer_set) {
            ngx_del_timer(&w->wait_ev);
        }

        ngx_post_event(&w->wait_ev, &ngx_posted_events);
    }
}


/* the request is going away: it waits for nothing and sends nothing */

void
ngx_http_api_auth_fetch_cleanup(ngx_http_api_auth_ctx_t *ctx) noexcept
{
    if (ctx->jwks_fetch) {
        ngx_http_api_auth_jwks_abort(ctx);
    }

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

    if (ctx->body) {
        ngx_explicit_memzero(ctx->body->start,
                             ctx->body->end - ctx->body->start);
        ctx->body = NULL;
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


/* one of the module's own subrequests (introspection, JWKS) */

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
ngx_http_api_auth_body_limit(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept
{
    size_t                     most;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = static_cast<ngx_http_core_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_core_module));

    most = ctx->jwks_fetch ? api_auth::max_jwks_body
                           : api_auth::max_introspection_body;

    return ngx_min(clcf->subrequest_output_buffer_size, most);
}


static ngx_int_t
ngx_http_api_auth_header_filter(ngx_http_request_t *r) noexcept
{
    ngx_http_api_auth_ctx_t  *ctx;

    ctx = ngx_http_api_auth_sr_ctx(r);

    if (ctx != NULL && r->headers_out.content_length_n > 0
        && static_cast<size_t>(r->headers_out.content_length_n)
           > ngx_http_api_auth_body_limit(r, ctx))
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

        if (ctx->sr_size <= ngx_http_api_auth_body_limit(r, ctx)) {
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
