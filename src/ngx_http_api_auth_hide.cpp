/*
 * ngx_http_api_auth_module: no token passthrough (SPEC.md Part 2).
 *
 * api_auth_hide_credential removes the header that carried the
 * credential from r->headers_in itself, once the decision is made, so
 * that no upstream module (proxy, fastcgi, uwsgi, scgi, grpc, mirror)
 * and no "proxy_set_header Authorization $http_authorization" can send
 * it on.  api_auth_scrub_headers (ngx_http_api_auth_scrub.cpp) removes
 * client-sent headers the same way, through ngx_http_api_auth_unlink().
 *
 * A header is unlinked from the list, never moved and never copied: the
 * pointers nginx keeps in r->headers_in (host, user_agent, ...) still
 * point to the same headers, and nothing is allocated.  The part that
 * holds it ends before it, or starts after it when it is the part's
 * first; otherwise the headers after it become a part of their own in
 * place, whose descriptor (three words) the caller provides: the request
 * ctx holds a few for hiding.  A part left empty leaves the chain
 * (nginx's loops over a list read a part's first element without
 * checking its count), except the list's first, which nginx checks.
 *
 * ngx_list_push() writes into the last part while its count is below
 * l->nalloc and then allocates a new part of l->nalloc elements: when
 * the last part changes, l->nalloc is set to what that part can still
 * hold (its room never grows), so a later push stays within it; this is
 * what lua-nginx-module does when it removes a request header.
 *
 * The removed header keeps its contents (pool memory): a pointer still
 * naming it stays valid, and reads the old header until a push reuses
 * the slot (nginx's own modules push no request header after the access
 * phase).
 */

#include "ngx_http_api_auth.h"


static void ngx_http_api_auth_drop_part(ngx_list_t *l, ngx_list_part_t *prev,
    ngx_list_part_t *part) noexcept;
static ngx_list_part_t *ngx_http_api_auth_hide_part(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;


/* the effective api_auth_hide_credential: on by default with a resource */

ngx_uint_t
ngx_http_api_auth_hide_on(ngx_http_api_auth_loc_conf_t *alcf) noexcept
{
    if (alcf->hide != NGX_CONF_UNSET) {
        return alcf->hide;
    }

    return alcf->resource.len != 0;
}


/*
 * After the decision of a main request: the Authorization header and,
 * on an api_key location, every header=NAME key header go.  A later
 * internal redirect finds the decision through the ctx
 * (ngx_http_api_auth_handler.cpp) instead of a missing credential.
 */

ngx_int_t
ngx_http_api_auth_hide(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept
{
    ngx_uint_t                   i;
    ngx_table_elt_t             *h;
    ngx_http_api_auth_source_t  *src;

    ctx->hidden = 1;

    if (r->headers_in.authorization) {
        if (ngx_http_api_auth_unlink(r, r->headers_in.authorization, ctx)
            == NGX_ERROR)
        {
            return NGX_ERROR;
        }

        r->headers_in.authorization = NULL;
    }

    if (!(alcf->methods & NGX_HTTP_API_AUTH_KEY)) {
        return NGX_OK;
    }

    src = static_cast<ngx_http_api_auth_source_t *>(alcf->sources->elts);

    for (i = 0; i < alcf->sources->nelts; i++) {
        if (src[i].type != NGX_HTTP_API_AUTH_SRC_HEADER) {
            continue;
        }

        while ((h = ngx_http_api_auth_find_header(r, &src[i].header))) {
            if (ngx_http_api_auth_unlink(r, h, ctx) != NGX_OK) {
                return NGX_ERROR;
            }
        }
    }

    return NGX_OK;
}

/* h leaves r->headers_in.headers; ctx: where a part descriptor comes from */

ngx_int_t
ngx_http_api_auth_unlink(ngx_http_request_t *r, ngx_table_elt_t *h,
    ngx_http_api_auth_ctx_t *ctx) noexcept
{
    ngx_uint_t        i, n;
    ngx_list_t       *l;
    ngx_list_part_t  *part, *prev, *tail;
    ngx_table_elt_t  *e;

    ngx_http_api_auth_forget(r, h);

    l = &r->headers_in.headers;
    prev = NULL;

    for (part = &l->part; part; prev = part, part = part->next) {
        e = static_cast<ngx_table_elt_t *>(part->elts);

        if (h < e || h >= e + part->nelts) {
            continue;
        }

        i = h - e;
        n = part->nelts;

        if (i + 1 == n) {
            /* the last of its part: the part ends before it */
            part->nelts = i;

        } else if (i == 0) {
            /* the first of several: the part starts after it */
            part->elts = e + 1;
            part->nelts = n - 1;

            if (l->last == part) {
                l->nalloc--;
            }

        } else {
            /* in the middle: the headers after it, in place, are a part */
            tail = ngx_http_api_auth_hide_part(r, ctx);
            if (tail == NULL) {
                return NGX_ERROR;
            }

            tail->elts = e + i + 1;
            tail->nelts = n - i - 1;
            tail->next = part->next;

            part->nelts = i;
            part->next = tail;

            if (l->last == part) {
                l->last = tail;
                l->nalloc -= i + 1;
            }
        }

        if (part->nelts == 0 && prev) {
            ngx_http_api_auth_drop_part(l, prev, part);
        }

        return NGX_OK;
    }

    return NGX_DECLINED;
}


/*
 * An empty part leaves the chain.  When it was the last, its predecessor
 * becomes the last, and the next push allocates (that part's room beyond
 * its count is not known; a count of 0 is the first part's, whose room
 * is at least one: it was never advanced past its last element).
 */

static void
ngx_http_api_auth_drop_part(ngx_list_t *l, ngx_list_part_t *prev,
    ngx_list_part_t *part) noexcept
{
    prev->next = part->next;

    if (l->last == part) {
        l->last = prev;
        l->nalloc = prev->nelts ? prev->nelts : 1;
    }
}


/* a part descriptor: the ctx's, then r->pool (scrubbing, or many keys) */

static ngx_list_part_t *
ngx_http_api_auth_hide_part(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept
{
    if (ctx && ctx->hide_parts < NGX_HTTP_API_AUTH_HIDE_PARTS) {
        return &ctx->hide_part[ctx->hide_parts++];
    }

    return static_cast<ngx_list_part_t *>(
               ngx_palloc(r->pool, sizeof(ngx_list_part_t)));
}
