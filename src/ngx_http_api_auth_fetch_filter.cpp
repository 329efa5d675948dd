/*
 * ngx_http_api_auth_module: the size and completion filters of the
 * module's own subrequests (ngx_http_api_auth_fetch.cpp).
 */

#include "ngx_http_api_auth.h"

#include "core/introspection.hpp"
#include "core/jwk.hpp"


static ngx_http_api_auth_ctx_t *ngx_http_api_auth_sr_ctx(
    ngx_http_request_t *r) noexcept;
static size_t ngx_http_api_auth_body_limit(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
static ngx_int_t ngx_http_api_auth_header_filter(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in) noexcept;


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


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
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_api_auth_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_api_auth_body_filter;

    return NGX_OK;
}


static ngx_http_api_auth_ctx_t *
ngx_http_api_auth_sr_ctx(ngx_http_request_t *r) noexcept
{
    if (!ngx_http_api_auth_own_subrequest(r)) {
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
        ctx->fetch->sr_too_big = 1;
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
            ctx->fetch->sr_complete = 1;
        }
    }

    if (!ctx->fetch->sr_too_big) {
        for (cl = in; cl; cl = cl->next) {
            ctx->fetch->sr_size += ngx_buf_size(cl->buf);
        }

        if (ctx->fetch->sr_size <= ngx_http_api_auth_body_limit(r, ctx)) {
            return ngx_http_next_body_filter(r, in);
        }

        ctx->fetch->sr_too_big = 1;
    }

    for (cl = in; cl; cl = cl->next) {
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }

    return NGX_OK;
}
