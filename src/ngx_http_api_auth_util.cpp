/*
 * ngx_http_api_auth_module: small helpers shared by the adapter files.
 *
 * Every header the module adds, to a response or to its own subrequests,
 * is pushed here: this is the one place that knows about the "next" field
 * that nginx 1.23.0 added to ngx_table_elt_t.
 */

#include "ngx_http_api_auth.h"

#include <openssl/rand.h>


/* the largest key or secret file read into memory */
#define NGX_HTTP_API_AUTH_MAX_FILE  (64 * 1024 * 1024)


ngx_int_t
ngx_http_api_auth_init_secrets(void *nonce, size_t len) noexcept
{
    if (RAND_bytes(static_cast<unsigned char *>(nonce),
                   static_cast<int>(len))
        != 1)
    {
        return NGX_ERROR;
    }

    if (!ngx_http_api_auth_worker.log_secret_set) {
        if (RAND_bytes(ngx_http_api_auth_worker.log_secret.data(),
                       ngx_http_api_auth_worker.log_secret.size())
            != 1)
        {
            return NGX_ERROR;
        }

        ngx_http_api_auth_worker.log_secret_set = 1;
    }

    return NGX_OK;
}


/*
 * The correlation id of a credential for the error log: 8 hex digits of
 * HMAC-SHA256(log secret, SHA-256 of the credential), no NUL.  Computed
 * only where the log would show a line of that level (the HMAC costs four
 * SHA-256 blocks), so the request path of a production log level pays
 * nothing.
 */

void
ngx_http_api_auth_log_id(ngx_log_t *log, ngx_uint_t level,
    const api_auth::digest &d, char *out) noexcept
{
    if (level == NGX_LOG_DEBUG ? !(log->log_level & NGX_LOG_DEBUG_HTTP)
                               : log->log_level < level)
    {
        ngx_memset(out, '-', api_auth::digest_prefix_len);
        return;
    }

    api_auth::log_id(ngx_http_api_auth_worker.log_secret, d.data(), d.size(),
                     out);
}


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


ngx_int_t
ngx_http_api_auth_read_file(ngx_conf_t *cf, ngx_str_t *name, ngx_str_t *text)
    noexcept
{
    u_char           *buf;
    size_t            size;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_err_t         err;
    ngx_file_info_t   fi;

    fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        err = ngx_errno;
        ngx_conf_log_error(NGX_LOG_EMERG, cf, err,
                           "api_auth: cannot open \"%V\"", name);
        return NGX_ERROR;
    }

    buf = NULL;
    size = 0;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "api_auth: cannot stat \"%V\"", name);
        goto failed;
    }

    if (!ngx_is_file(&fi)
        || ngx_file_size(&fi) > NGX_HTTP_API_AUTH_MAX_FILE)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"%V\" is not a regular file of at "
                           "most 64 MB", name);
        goto failed;
    }

    size = ngx_file_size(&fi);

    buf = static_cast<u_char *>(ngx_pnalloc(cf->pool, size + 1));
    if (buf == NULL) {
        goto failed;
    }

    n = ngx_read_fd(fd, buf, size);

    if (n == -1 || static_cast<size_t>(n) != size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "api_auth: cannot read \"%V\"", name);
        goto failed;
    }

    ngx_close_file(fd);

    text->data = buf;
    text->len = size;

    return NGX_OK;

failed:

    ngx_close_file(fd);

    return NGX_ERROR;
}


/* a configuration-time string, built by the core, copied into the pool */

ngx_int_t
ngx_http_api_auth_pstrdup(ngx_conf_t *cf, ngx_str_t *dst,
    const std::string &src) noexcept
{
    dst->data = static_cast<u_char *>(ngx_pnalloc(cf->pool, src.size()));
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, src.data(), src.size());
    dst->len = src.size();

    return NGX_OK;
}


/*
 * A content handler's last step: the header, then b as the whole body
 * (the last buffer of the main request's, or of a subrequest's part).
 */

ngx_int_t
ngx_http_api_auth_send_body(ngx_http_request_t *r, ngx_buf_t *b) noexcept
{
    ngx_int_t    rc;
    ngx_chain_t  out;

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, &out);
}
