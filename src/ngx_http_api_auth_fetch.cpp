/*
 * ngx_http_api_auth_module: the module's own calls to the outside world.
 *
 * A fetch is a non-blocking in-memory subrequest to an internal location
 * (introspection, JWKS): its method, headers and body are the module's
 * own, none of the client's headers are passed on.  Its answer is copied
 * into the parent's ctx by the post-subrequest handler and checked by
 * size and completeness in two filters (ngx_http_api_auth_fetch_filter.cpp);
 * the parent reads it when the phase engine calls it again.  Requests that
 * wait for a call in flight are in ngx_http_api_auth_wait.cpp.
 */

#include "ngx_http_api_auth.h"

#include "core/introspection.hpp"


static ngx_int_t ngx_http_api_auth_fetch_headers(ngx_http_request_t *r,
    ngx_http_request_t *sr, ngx_http_api_auth_fetch_t *f) noexcept;
static ngx_int_t ngx_http_api_auth_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc) noexcept;
static void ngx_http_api_auth_scrub_body(ngx_http_api_auth_fetch_state_t *fs)
    noexcept;


/* the index of $request_body, see ngx_http_api_auth_fetch_finish() */
static ngx_int_t  ngx_http_api_auth_request_body_index = NGX_ERROR;


/*
 * postconfiguration: what a fetch needs of nginx (its filters come next,
 * ngx_http_api_auth_init_filters)
 */

ngx_int_t
ngx_http_api_auth_init_fetch(ngx_conf_t *cf) noexcept
{
    ngx_str_t  name = ngx_string("request_body");

    ngx_http_api_auth_request_body_index = ngx_http_get_variable_index(cf,
                                                                       &name);
    if (ngx_http_api_auth_request_body_index == NGX_ERROR) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The request's fetch state, allocated when its first fetch or wait
 * begins (the API-key and cache-hit paths never need one), or NULL.
 */

ngx_http_api_auth_fetch_state_t *
ngx_http_api_auth_fetch_state(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept
{
    if (ctx->fetch == NULL) {
        ctx->fetch = static_cast<ngx_http_api_auth_fetch_state_t *>(
                         ngx_pcalloc(r->pool,
                                     sizeof(ngx_http_api_auth_fetch_state_t)));
        if (ctx->fetch == NULL) {
            return NULL;
        }

        ctx->fetch->ctx = ctx;
    }

    return ctx->fetch;
}


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

    if (ngx_http_api_auth_fetch_state(r, ctx) == NULL) {
        return NGX_ERROR;
    }

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
    ctx->fetch->body = f->body;

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
    ctx->fetch->sr_status = (rc == NGX_OK || rc == NGX_DONE)
                     ? r->headers_out.status : 0;

    /*
     * The call is over: scrub the body sent (the introspection form holds
     * the token) now, before the subrequest's own access log line
     * (log_subrequest on), where $request_body is then empty
     */

    ngx_http_api_auth_scrub_body(ctx->fetch);

    r->request_body = NULL;

    if (r->out && r->out->buf) {
        ctx->fetch->sr_body.data = r->out->buf->pos;
        ctx->fetch->sr_body.len = r->out->buf->last - r->out->buf->pos;
    }

    ctx->fetch->sr_encoded = (r->headers_out.content_encoding
                       && r->headers_out.content_encoding->value.len);

    ctx->fetch->sr_not_json = !api_auth::is_json_media_type(
                            std::string_view(
                                reinterpret_cast<char *>(
                                    r->headers_out.content_type.data),
                                r->headers_out.content_type.len));

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "api_auth fetch done s:%ui rc:%i",
                   r->headers_out.status, rc);

    return rc;
}


/* the body sent (the introspection form holds the token), zeroed */

static void
ngx_http_api_auth_scrub_body(ngx_http_api_auth_fetch_state_t *fs) noexcept
{
    if (fs != NULL && fs->body != NULL) {
        ngx_explicit_memzero(fs->body->start, fs->body->end - fs->body->start);
        fs->body = NULL;
    }
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


/* the request is going away (its wait ended first): it sends nothing */

void
ngx_http_api_auth_fetch_cleanup(ngx_http_api_auth_ctx_t *ctx) noexcept
{
    ngx_http_api_auth_scrub_body(ctx->fetch);
}


/* one of the module's own subrequests (introspection, JWKS) */

ngx_uint_t
ngx_http_api_auth_own_subrequest(ngx_http_request_t *r) noexcept
{
    return r != r->main && r->post_subrequest
           && r->post_subrequest->handler == ngx_http_api_auth_done;
}

