/*
 * ngx_http_api_auth_module: the module's own subrequests and the
 * requests of this worker that wait for one.
 */

#ifndef _NGX_HTTP_API_AUTH_FETCH_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_FETCH_H_INCLUDED_

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#error "include ngx_http_api_auth.h"
#endif


/* what a fetch sends: the module's own method, headers and body */
typedef struct {
    ngx_str_t                        *uri;        /* internal location */
    ngx_uint_t                        method;     /* NGX_HTTP_GET, ... */
    ngx_str_t                         method_name;
    ngx_str_t                         content_type;  /* with a body */
    ngx_str_t                         accept;
    ngx_str_t                         authorization; /* or empty */
    ngx_buf_t                        *body;       /* or NULL */
} ngx_http_api_auth_fetch_t;


/* ngx_http_api_auth_fetch.cpp */
ngx_int_t ngx_http_api_auth_init_fetch(ngx_conf_t *cf) noexcept;
ngx_http_api_auth_fetch_state_t *ngx_http_api_auth_fetch_state(
    ngx_http_request_t *r, ngx_http_api_auth_ctx_t *ctx) noexcept;
ngx_uint_t ngx_http_api_auth_own_subrequest(ngx_http_request_t *r) noexcept;
ngx_int_t ngx_http_api_auth_fetch_start(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, ngx_http_api_auth_fetch_t *f) noexcept;
void ngx_http_api_auth_fetch_finish(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
void ngx_http_api_auth_fetch_cleanup(ngx_http_api_auth_ctx_t *ctx) noexcept;

/* ngx_http_api_auth_fetch_filter.cpp */
ngx_int_t ngx_http_api_auth_init_filters(ngx_conf_t *cf) noexcept;

/* ngx_http_api_auth_wait.cpp */
ngx_int_t ngx_http_api_auth_wait(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
void ngx_http_api_auth_wake_waiters(ngx_http_api_auth_ctx_t *ctx) noexcept;
void ngx_http_api_auth_wake_all_waiters(void) noexcept;
void ngx_http_api_auth_wait_cleanup(ngx_http_api_auth_ctx_t *ctx) noexcept;


#endif /* _NGX_HTTP_API_AUTH_FETCH_H_INCLUDED_ */
