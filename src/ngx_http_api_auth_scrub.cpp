/*
 * ngx_http_api_auth_module: api_auth_scrub_headers (SPEC.md Part 2)
 * removes client-sent headers by name or prefix on every request of the
 * location, before anything reads them; each leaves r->headers_in the
 * way a hidden credential does (ngx_http_api_auth_unlink(), in
 * ngx_http_api_auth_hide.cpp).
 */

#include "ngx_http_api_auth.h"


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
