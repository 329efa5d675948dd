/*
 * ngx_http_api_auth_module: request headers by name: finding them in
 * r->headers_in.headers (the API-key header, the CORS preflight, the
 * headers to hide), and clearing the fields of r->headers_in that name
 * a header once it has left the list (ngx_http_api_auth_hide.cpp).
 */

#include "ngx_http_api_auth.h"


/*
 * The first header named name (any case) in r->headers_in that stands
 * after the header "after", or from the list's start if that is NULL.
 */

ngx_table_elt_t *
ngx_http_api_auth_next_header(ngx_http_request_t *r, ngx_str_t *name,
    ngx_table_elt_t *after) noexcept
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

        if (after) {
            if (&h[i] == after) {
                after = NULL;
            }

            continue;
        }

        if (h[i].key.len == name->len
            && ngx_strncasecmp(h[i].key.data, name->data, name->len) == 0)
        {
            return &h[i];
        }
    }
}


ngx_table_elt_t *
ngx_http_api_auth_find_header(ngx_http_request_t *r, ngx_str_t *name)
    noexcept
{
    return ngx_http_api_auth_next_header(r, name, NULL);
}


/*
 * h is no longer anyone's: the field of r->headers_in that nginx filled
 * for a header of its name (ngx_http_headers_in: $http_user_agent,
 * $cookie_NAME, $proxy_add_x_forwarded_for, ... read those, not the
 * list) stops naming it.  From 1.23 on such a field heads a chain of the
 * headers of that name ("next"); before, the repeatable ones (Cookie,
 * X-Forwarded-For) are an array of pointers.
 */

void
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
