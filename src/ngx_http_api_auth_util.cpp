/*
 * ngx_http_api_auth_module: small helpers shared by the adapter files.
 *
 * Every header the module adds, to a response or to its own subrequests,
 * is pushed here: this is the one place that knows about the "next" field
 * that nginx 1.23.0 added to ngx_table_elt_t.
 */

#include "ngx_http_api_auth.h"


/*
 * Pushes "name: value" onto a headers list.  ngx_list_push() returns
 * uninitialised memory; since 1.23.0 nginx walks "next" of some headers
 * (e.g. www_authenticate under "satisfy any"), so it must be NULL here.
 * lowcase_key is NULL for response headers, filled for request headers.
 */

ngx_table_elt_t *
ngx_http_api_auth_push_header(ngx_pool_t *pool, ngx_list_t *list,
    ngx_str_t *name, ngx_str_t *value, ngx_uint_t request) noexcept
{
    ngx_table_elt_t  *h;

    h = static_cast<ngx_table_elt_t *>(ngx_list_push(list));
    if (h == NULL) {
        return NULL;
    }

    h->key = *name;
    h->value = *value;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    if (!request) {
        h->hash = 1;
        h->lowcase_key = NULL;
        return h;
    }

    h->lowcase_key = static_cast<u_char *>(ngx_pnalloc(pool, name->len));
    if (h->lowcase_key == NULL) {
        return NULL;
    }

    h->hash = ngx_hash_strlow(h->lowcase_key, name->data, name->len);

    return h;
}


/*
 * Adds a WWW-Authenticate challenge to the response.  Since 1.23.0 the
 * challenges form a chain through "next" (auth_request copies several):
 * ours goes in front of what is there instead of replacing the pointer,
 * so that nginx clears every one of them under "satisfy any".
 */

ngx_int_t
ngx_http_api_auth_push_challenge(ngx_http_request_t *r, ngx_str_t *value)
    noexcept
{
    ngx_table_elt_t  *h;

    static ngx_str_t  name = ngx_string("WWW-Authenticate");

    h = ngx_http_api_auth_push_header(r->pool, &r->headers_out.headers,
                                      &name, value, 0);
    if (h == NULL) {
        return NGX_ERROR;
    }

#if (nginx_version >= 1023000)
    h->next = r->headers_out.www_authenticate;
#endif
    r->headers_out.www_authenticate = h;

    return NGX_OK;
}
