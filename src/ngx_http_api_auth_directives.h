/*
 * ngx_http_api_auth_module: the files that run at configuration
 * time only: directive handlers, merges and checks.
 */

#ifndef _NGX_HTTP_API_AUTH_DIRECTIVES_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_DIRECTIVES_H_INCLUDED_

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#error "include ngx_http_api_auth.h"
#endif


/* ngx_http_api_auth_key_conf.cpp */
char *ngx_http_api_auth_keys(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept;
char *ngx_http_api_auth_key_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_key_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;

/* ngx_http_api_auth_policy.cpp */
char *ngx_http_api_auth(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept;
char *ngx_http_api_auth_join(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept;
char *ngx_http_api_auth_scope_implies(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_require_claim(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
ngx_uint_t ngx_http_api_auth_policy_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
char *ngx_http_api_auth_check_api_key(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
char *ngx_http_api_auth_check_oauth(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;

/* ngx_http_api_auth_lint.cpp */
void ngx_http_api_auth_lint(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf, ngx_uint_t here) noexcept;
char *ngx_http_api_auth_realm(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;

/* ngx_http_api_auth_prm.cpp */
char *ngx_http_api_auth_resource(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_authorization_servers(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_api_auth_scopes_supported(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_resource_name(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_resource_documentation(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_api_auth_prm_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;
ngx_int_t ngx_http_api_auth_prm_check(ngx_conf_t *cf, const char *what,
    ngx_str_t *url, api_auth::url_use use) noexcept;

/* ngx_http_api_auth_metadata.cpp */
char *ngx_http_api_auth_prm_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
ngx_int_t ngx_http_api_auth_prm_init(ngx_conf_t *cf) noexcept;

/* ngx_http_api_auth_introspect_conf.cpp */
char *ngx_http_api_auth_introspect_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_api_auth_secret_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_client_auth(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
void ngx_http_api_auth_introspect_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;

/* ngx_http_api_auth_conf_check.cpp */
ngx_int_t ngx_http_api_auth_conf_local_uri(ngx_conf_t *cf,
    const char *directive, ngx_str_t *uri, const char *example,
    const char *upstream) noexcept;
char *ngx_http_api_auth_conf_requires(ngx_conf_t *cf, const char *what,
    const char *needs) noexcept;


#endif /* _NGX_HTTP_API_AUTH_DIRECTIVES_H_INCLUDED_ */
