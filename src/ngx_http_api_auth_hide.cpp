/*
 * ngx_http_api_auth_module: no token passthrough (SPEC.md Part 2).
 *
 * api_auth_hide_credential removes the header that carried the
 * credential from r->headers_in itself, once the decision is made, so
 * that no upstream module (proxy, fastcgi, uwsgi, scgi, grpc, mirror)
 * and no "proxy_set_header Authorization $http_authorization" can send
 * it on.  api_auth_scrub_headers removes client-sent headers by name or
 * prefix on every request of the location.
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


static void ngx_http_api_auth_forget(ngx_http_request_t *r,
    ngx_table_elt_t *h) noexcept;
static ngx_int_t ngx_http_api_auth_unlink(ngx_http_request_t *r,
    ngx_table_elt_t *h, ngx_http_api_auth_ctx_t *ctx) noexcept;
static void ngx_http_api_auth_drop_part(ngx_list_t *l, ngx_list_part_t *prev,
    ngx_list_part_t *part) noexcept;
static ngx_list_part_t *ngx_http_api_auth_hide_part(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
static ngx_uint_t ngx_http_api_auth_scrub_match(ngx_str_t *pattern,
    ngx_table_elt_t *h) noexcept;


/* api_auth_scrub_headers NAME... | off */

char *
ngx_http_api_auth_scrub_headers(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    u_char      c;
    ngx_str_t  *value, *pattern;
    ngx_uint_t  i, k;

    if (alcf->scrub != NGX_CONF_UNSET_PTR) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        alcf->scrub = NULL;
        return NGX_CONF_OK;
    }

    alcf->scrub = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                   sizeof(ngx_str_t));
    if (alcf->scrub == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    for (i = 1; i < cf->args->nelts; i++) {

        for (k = 0; k < value[i].len; k++) {
            c = value[i].data[k];

            if (c == '*' && k == value[i].len - 1 && k > 0) {
                continue;
            }

            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "api_auth: invalid header name \"%V\", "
                                   "expected NAME or PREFIX*", &value[i]);
                return static_cast<char *>(NGX_CONF_ERROR);
            }
        }

        for (k = 0; k < value[i].len; k++) {
            c = value[i].data[k];
            value[i].data[k] = (c == '_') ? '-' : ngx_tolower(c);
        }

        pattern = static_cast<ngx_str_t *>(ngx_array_push(alcf->scrub));
        if (pattern == NULL) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        *pattern = value[i];
    }

    return NGX_CONF_OK;
}


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


/* api_auth_scrub_headers: every request of the location, main or not */

ngx_int_t
ngx_http_api_auth_scrub(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept
{
    ngx_str_t        *pattern;
    ngx_uint_t        i, j, again;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    if (alcf->scrub == NULL || r != r->main) {
        return NGX_OK;
    }

    pattern = static_cast<ngx_str_t *>(alcf->scrub->elts);

    do {
        again = 0;
        part = &r->headers_in.headers.part;
        h = static_cast<ngx_table_elt_t *>(part->elts);

        for (i = 0; /* void */; i++) {

            if (i >= part->nelts) {
                if (part->next == NULL) {
                    break;
                }

                part = part->next;
                h = static_cast<ngx_table_elt_t *>(part->elts);
                i = 0;
            }

            for (j = 0; j < alcf->scrub->nelts; j++) {
                if (!ngx_http_api_auth_scrub_match(&pattern[j], &h[i])) {
                    continue;
                }

                if (&h[i] == r->headers_in.authorization) {
                    r->headers_in.authorization = NULL;
                }

                if (ngx_http_api_auth_unlink(r, &h[i], NULL) != NGX_OK) {
                    return NGX_ERROR;
                }

                again = 1;
                break;
            }

            if (again) {
                break;
            }
        }

    } while (again);

    return NGX_OK;
}


/* pattern: lowercase, '_' as '-', a trailing '*' for a prefix */

static ngx_uint_t
ngx_http_api_auth_scrub_match(ngx_str_t *pattern, ngx_table_elt_t *h)
    noexcept
{
    u_char      c;
    size_t      n;
    ngx_uint_t  k, prefix;

    prefix = (pattern->data[pattern->len - 1] == '*');
    n = prefix ? pattern->len - 1 : pattern->len;

    if (h->key.len < n || (!prefix && h->key.len != n)) {
        return 0;
    }

    for (k = 0; k < n; k++) {
        c = ngx_tolower(h->key.data[k]);

        if (c == '_') {
            c = '-';
        }

        if (c != pattern->data[k]) {
            return 0;
        }
    }

    return 1;
}


ngx_table_elt_t *
ngx_http_api_auth_find_header(ngx_http_request_t *r, ngx_str_t *name)
    noexcept
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = static_cast<ngx_table_elt_t *>(part->elts);

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = static_cast<ngx_table_elt_t *>(part->elts);
            i = 0;
        }

        if (h[i].key.len == name->len
            && ngx_strncasecmp(h[i].key.data, name->data, name->len) == 0)
        {
            return &h[i];
        }
    }
}


/* h leaves r->headers_in.headers; ctx: where a part descriptor comes from */

static ngx_int_t
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


/*
 * h is no longer anyone's: the field of r->headers_in that nginx filled
 * for a header of its name (ngx_http_headers_in: $http_user_agent,
 * $cookie_NAME, $proxy_add_x_forwarded_for, ... read those, not the
 * list) stops naming it.  From 1.23 on such a field heads a chain of the
 * headers of that name ("next"); before, the repeatable ones (Cookie,
 * X-Forwarded-For) are an array of pointers.
 */

static void
ngx_http_api_auth_forget(ngx_http_request_t *r, ngx_table_elt_t *h) noexcept
{
    u_char              *field;
    ngx_http_header_t   *hh;
    ngx_table_elt_t    **ph;

    for (hh = ngx_http_headers_in; hh->name.len; hh++) {

        if (hh->offset == 0 || hh->name.len != h->key.len
            || ngx_strncasecmp(hh->name.data, h->key.data, h->key.len) != 0)
        {
            continue;
        }

        field = reinterpret_cast<u_char *>(&r->headers_in) + hh->offset;

#if (nginx_version < 1023000)
        if (hh->offset == offsetof(ngx_http_headers_in_t, cookies)
#if (NGX_HTTP_X_FORWARDED_FOR)
            || hh->offset == offsetof(ngx_http_headers_in_t, x_forwarded_for)
#endif
            )
        {
            ngx_array_t  *a = reinterpret_cast<ngx_array_t *>(field);
            ngx_uint_t    i;

            ph = static_cast<ngx_table_elt_t **>(a->elts);

            for (i = 0; i < a->nelts; i++) {
                if (ph[i] == h) {
                    ngx_memmove(&ph[i], &ph[i + 1],
                                (a->nelts - i - 1) * sizeof(*ph));
                    a->nelts--;
                    break;
                }
            }

            continue;
        }

        ph = reinterpret_cast<ngx_table_elt_t **>(field);

        if (*ph == h) {
            *ph = NULL;
        }
#else
        for (ph = reinterpret_cast<ngx_table_elt_t **>(field); *ph;
             ph = &(*ph)->next)
        {
            if (*ph == h) {
                *ph = h->next;
                break;
            }
        }
#endif
    }
}
