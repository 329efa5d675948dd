/*
 * ngx_http_api_auth_module: the introspection directives: the endpoint
 * location (api_auth_introspect) and the client's credentials
 * (api_auth_client_id, api_auth_client_secret_file), made into the
 * client_secret_basic header once, at configuration time.
 */

#include "ngx_http_api_auth.h"

#include "core/encoding.hpp"


char *
ngx_http_api_auth_introspect_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t  *value;

    if (alcf->introspect.data) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_http_api_auth_conf_local_uri(cf, "api_auth_introspect", &value[1],
                                         "/_introspect",
                                         "the authorization server")
        != NGX_OK)
    {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (ngx_strlchr(value[1].data, value[1].data + value[1].len, '?')) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "api_auth: \"api_auth_introspect\" \"%V\" has "
                           "arguments: they become part of the URI that "
                           "selects the location, not arguments of the "
                           "subrequest", &value[1]);
    }

    alcf->introspect = value[1];

    return NGX_CONF_OK;
}


char *
ngx_http_api_auth_secret_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t  *value;

    if (alcf->secret_file.data) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_conf_full_name(cf->cycle, &value[1], 1) != NGX_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    alcf->secret_file = value[1];

    return NGX_CONF_OK;
}


/*
 * RFC 6749 §2.3.1 client_secret_basic: both parts form-urlencoded before
 * base64.  The plaintext secret is scrubbed from memory once encoded.
 */

char *
ngx_http_api_auth_client_auth(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    u_char     *p, *pair;
    size_t      len;
    ngx_str_t   secret;

    if (conf->client_auth.len) {
        return NGX_CONF_OK;
    }

    if (conf->client_id.len == 0 && conf->secret_file.len == 0) {
        return NGX_CONF_OK;
    }

    if (conf->client_id.len == 0 || conf->secret_file.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"api_auth_client_id\" and "
                           "\"api_auth_client_secret_file\" must be set "
                           "together");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (ngx_http_api_auth_read_file(cf, &conf->secret_file, &secret)
        != NGX_OK)
    {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    /* a trailing newline is how editors save a one-line file */
    while (secret.len
           && (secret.data[secret.len - 1] == '\n'
               || secret.data[secret.len - 1] == '\r'
               || secret.data[secret.len - 1] == ' '))
    {
        secret.len--;
    }

    if (secret.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: client secret file \"%V\" is empty",
                           &conf->secret_file);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    std::string_view  id(reinterpret_cast<char *>(conf->client_id.data),
                         conf->client_id.len);
    std::string_view  sec(reinterpret_cast<char *>(secret.data), secret.len);

    len = api_auth::form_urlencoded_len(id) + 1
          + api_auth::form_urlencoded_len(sec);

    pair = static_cast<u_char *>(ngx_pnalloc(cf->temp_pool, len));
    if (pair == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    p = reinterpret_cast<u_char *>(
            api_auth::form_urlencode(id, reinterpret_cast<char *>(pair)));
    *p++ = ':';
    api_auth::form_urlencode(sec, reinterpret_cast<char *>(p));

    conf->client_auth.len = sizeof("Basic ") - 1
                            + api_auth::base64_encoded_len(len);
    conf->client_auth.data = static_cast<u_char *>(
                                 ngx_pnalloc(cf->pool, conf->client_auth.len));
    if (conf->client_auth.data == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    p = ngx_cpymem(conf->client_auth.data, "Basic ", sizeof("Basic ") - 1);
    api_auth::base64_encode(pair, len, reinterpret_cast<char *>(p));

    ngx_explicit_memzero(pair, len);
    ngx_explicit_memzero(secret.data, secret.len);

    return NGX_CONF_OK;
}


/* the endpoint and the client's credentials from the enclosing level */

void
ngx_http_api_auth_introspect_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    ngx_conf_merge_str_value(conf->introspect, prev->introspect, "");

    /* the encoded client credentials are inherited only with both parts */
    if (conf->client_id.data == NULL && conf->secret_file.data == NULL) {
        conf->client_auth = prev->client_auth;
    }

    ngx_conf_merge_str_value(conf->client_id, prev->client_id, "");
    ngx_conf_merge_str_value(conf->secret_file, prev->secret_file, "");
}
