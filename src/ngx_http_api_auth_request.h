/*
 * ngx_http_api_auth_module: the files of the request path: the phase
 * handler, the resolvers, the answer and the variables (each file's
 * own directive handlers and merge alongside).
 */

#ifndef _NGX_HTTP_API_AUTH_REQUEST_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_REQUEST_H_INCLUDED_

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#error "include ngx_http_api_auth.h"
#endif


/* ngx_http_api_auth_handler.cpp */
ngx_int_t ngx_http_api_auth_handler(ngx_http_request_t *r) noexcept;
ngx_http_api_auth_ctx_t *ngx_http_api_auth_find_ctx(ngx_http_request_t *r)
    noexcept;
ngx_http_api_auth_ctx_t *ngx_http_api_auth_create_ctx(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept;
void ngx_http_api_auth_cleanup(void *data) noexcept;
char *ngx_http_api_auth_token_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
void ngx_http_api_auth_handler_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;

/* ngx_http_api_auth_phases.cpp */
extern ngx_conf_enum_t  ngx_http_api_auth_phases[];
ngx_int_t ngx_http_api_auth_init_phases(ngx_conf_t *cf) noexcept;
void ngx_http_api_auth_phase_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;
void ngx_http_api_auth_check_early(ngx_http_request_t *r) noexcept;

/* ngx_http_api_auth_remote_user.cpp */
ngx_int_t ngx_http_api_auth_guard_remote_user(ngx_conf_t *cf,
    ngx_http_core_main_conf_t *cmcf) noexcept;
ngx_uint_t ngx_http_api_auth_basic_sent(ngx_http_request_t *r) noexcept;

/* ngx_http_api_auth_keys.cpp */
ngx_int_t ngx_http_api_auth_parse_authorization(
    ngx_http_api_auth_loc_conf_t *alcf, ngx_table_elt_t *h,
    api_auth::authorization *auth) noexcept;
ngx_int_t ngx_http_api_auth_key_resolve(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::authorization *auth, ngx_uint_t bearer);
ngx_int_t ngx_http_api_auth_key_lookup(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::authorization *auth, ngx_uint_t bearer);

/* ngx_http_api_auth_introspect.cpp */
ngx_int_t ngx_http_api_auth_oauth(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
ngx_int_t ngx_http_api_auth_oauth_resume(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);

/* ngx_http_api_auth_introspect_response.cpp */
ngx_int_t ngx_http_api_auth_introspected(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
ngx_int_t ngx_http_api_auth_as_error(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const char *cause);
ngx_int_t ngx_http_api_auth_keep_claims(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, const u_char *data, size_t len) noexcept;
void ngx_http_api_auth_release_call(ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t failed) noexcept;

/* ngx_http_api_auth_jwt_conf.cpp */
char *ngx_http_api_auth_jwt_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;

/* ngx_http_api_auth_jwt_merge.cpp */
char *ngx_http_api_auth_jwt_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;
ngx_uint_t ngx_http_api_auth_jwt_enabled(ngx_http_api_auth_loc_conf_t *conf)
    noexcept;

/* ngx_http_api_auth_jwt.cpp */
ngx_int_t ngx_http_api_auth_jwt(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);

/* ngx_http_api_auth_jwks.cpp */
char *ngx_http_api_auth_jwks_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
void ngx_http_api_auth_jwks_key(ngx_http_api_auth_loc_conf_t *alcf,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
ngx_int_t ngx_http_api_auth_jwks_get(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::jwk_set **set) noexcept;
ngx_int_t ngx_http_api_auth_jwks_unknown(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept;
void ngx_http_api_auth_jwks_done(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept;
void ngx_http_api_auth_jwks_abort(ngx_http_api_auth_ctx_t *ctx) noexcept;
ngx_int_t ngx_http_api_auth_jwks_init_process(ngx_cycle_t *cycle) noexcept;
void ngx_http_api_auth_jwks_exit_process(ngx_cycle_t *cycle) noexcept;

/* ngx_http_api_auth_answer.cpp */
char *ngx_http_api_auth_challenges(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
api_auth::result ngx_http_api_auth_authorize(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::identity &id) noexcept;
ngx_int_t ngx_http_api_auth_decide_claims(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t active);
ngx_int_t ngx_http_api_auth_outcome(ngx_http_api_auth_ctx_t *ctx,
    api_auth::result result) noexcept;
ngx_int_t ngx_http_api_auth_answer(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
ngx_int_t ngx_http_api_auth_reject(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::result result);
ngx_str_t *ngx_http_api_auth_result_name(api_auth::result result)
    noexcept;

/* ngx_http_api_auth_variables.cpp */
ngx_int_t ngx_http_api_auth_add_variables(ngx_conf_t *cf) noexcept;
const api_auth::key_entry *ngx_http_api_auth_key_identify(
    ngx_http_request_t *r) noexcept;

/* ngx_http_api_auth_hide.cpp */
ngx_uint_t ngx_http_api_auth_hide_on(ngx_http_api_auth_loc_conf_t *alcf)
    noexcept;
ngx_int_t ngx_http_api_auth_hide(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept;
ngx_int_t ngx_http_api_auth_unlink(ngx_http_request_t *r, ngx_table_elt_t *h,
    ngx_http_api_auth_ctx_t *ctx) noexcept;

/* ngx_http_api_auth_scrub.cpp */
char *ngx_http_api_auth_scrub_headers(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
ngx_int_t ngx_http_api_auth_scrub(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept;

/* ngx_http_api_auth_headers_in.cpp */
ngx_table_elt_t *ngx_http_api_auth_find_header(ngx_http_request_t *r,
    ngx_str_t *name) noexcept;
ngx_table_elt_t *ngx_http_api_auth_next_header(ngx_http_request_t *r,
    ngx_str_t *name, ngx_table_elt_t *after) noexcept;
void ngx_http_api_auth_forget(ngx_http_request_t *r, ngx_table_elt_t *h)
    noexcept;


#endif /* _NGX_HTTP_API_AUTH_REQUEST_H_INCLUDED_ */
