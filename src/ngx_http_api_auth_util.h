/*
 * ngx_http_api_auth_module: small helpers shared by the adapter files
 * (ngx_http_api_auth_util.cpp).
 */

#ifndef _NGX_HTTP_API_AUTH_UTIL_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_UTIL_H_INCLUDED_

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#error "include ngx_http_api_auth.h"
#endif


/* ngx_http_api_auth_util.cpp */
ngx_int_t ngx_http_api_auth_init_secrets(void *nonce, size_t len) noexcept;
void ngx_http_api_auth_log_id(ngx_log_t *log, ngx_uint_t level,
    const api_auth::digest &d, char *out) noexcept;
ngx_table_elt_t *ngx_http_api_auth_push_header(ngx_pool_t *pool,
    ngx_list_t *list, ngx_str_t *name, ngx_str_t *value, ngx_uint_t request)
    noexcept;
ngx_int_t ngx_http_api_auth_push_challenge(ngx_http_request_t *r,
    ngx_str_t *value) noexcept;
ngx_int_t ngx_http_api_auth_read_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *text) noexcept;
ngx_int_t ngx_http_api_auth_pstrdup(ngx_conf_t *cf, ngx_str_t *dst,
    const std::string &src) noexcept;
ngx_int_t ngx_http_api_auth_send_body(ngx_http_request_t *r, ngx_buf_t *b)
    noexcept;


#endif /* _NGX_HTTP_API_AUTH_UTIL_H_INCLUDED_ */
