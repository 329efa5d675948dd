/*
 * ngx_http_api_auth_module: the API-key resolver: which header holds a
 * key, and whether it is one of the file's (the directives that load the
 * file and name the sources are in ngx_http_api_auth_key_conf.cpp).
 */

#include "ngx_http_api_auth.h"

#include "core/credentials.hpp"
#include "core/policy.hpp"


static ngx_int_t ngx_http_api_auth_key_value(ngx_http_request_t *r,
    ngx_str_t *name, ngx_str_t *value) noexcept;
static ngx_int_t ngx_http_api_auth_key_check(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t type, std::string_view value);
static ngx_int_t ngx_http_api_auth_key_decide(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);


/*
 * Parses the Authorization header.  Where api_auth_key_source lists
 * header=Authorization (and api_key is on), a value without a Bearer or
 * Basic scheme is the key itself, with the syntax of any custom key
 * header; elsewhere it is another scheme, which is no credential
 * (RFC 6750 §3.1).  NGX_ERROR: malformed.
 */

ngx_int_t
ngx_http_api_auth_parse_authorization(ngx_http_api_auth_loc_conf_t *alcf,
    ngx_table_elt_t *h, api_auth::authorization *auth) noexcept
{
    ngx_uint_t                   i;
    api_auth::status             rc;
    std::string_view             value;
    ngx_http_api_auth_source_t  *src;

    value = std::string_view(reinterpret_cast<char *>(h->value.data),
                             h->value.len);

    if (alcf->methods & NGX_HTTP_API_AUTH_KEY) {
        src = static_cast<ngx_http_api_auth_source_t *>(alcf->sources->elts);

        for (i = 0; i < alcf->sources->nelts; i++) {
            if (src[i].type == NGX_HTTP_API_AUTH_SRC_AUTHZ) {
                rc = api_auth::parse_authorization_key(value, *auth);
                return rc == api_auth::status::ok ? NGX_OK : NGX_ERROR;
            }
        }
    }

    rc = api_auth::parse_authorization(value, *auth);

    return rc == api_auth::status::ok ? NGX_OK : NGX_ERROR;
}


/*
 * The API-key resolver, on the request's key lookup (made here, or
 * earlier by $api_auth_key_name or $api_auth_key_tier).  NGX_DECLINED:
 * no key credential, or an unknown Bearer credential that an OAuth
 * location may still take as a token; NGX_OK: the outcome is recorded
 * (ngx_http_api_auth_outcome()); NGX_ERROR.
 */

ngx_int_t
ngx_http_api_auth_key_resolve(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::authorization *auth, ngx_uint_t bearer)
{
    if (ctx->key_state == NGX_HTTP_API_AUTH_KEY_UNSEEN
        && ngx_http_api_auth_key_lookup(r, alcf, ctx, auth, bearer)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    switch (ctx->key_state) {

    case NGX_HTTP_API_AUTH_KEY_ABSENT:
        return NGX_DECLINED;

    case NGX_HTTP_API_AUTH_KEY_MALFORMED:
        return ngx_http_api_auth_outcome(ctx,
                                         api_auth::result_invalid_request);

    case NGX_HTTP_API_AUTH_KEY_UNKNOWN:

        /* not a known key: a bearer credential may still be a token */

        if (ctx->key_source == NGX_HTTP_API_AUTH_SRC_BEARER
            && (alcf->methods & NGX_HTTP_API_AUTH_OAUTH))
        {
            return NGX_DECLINED;
        }

        return ngx_http_api_auth_outcome(ctx, api_auth::result_invalid_token);

    default: /* NGX_HTTP_API_AUTH_KEY_FOUND */
        return ngx_http_api_auth_key_decide(r, alcf, ctx);
    }
}


/*
 * The key lookup, once per request: the first key source present
 * decides.  Records in the ctx which source held the credential and
 * whether it is absent, malformed, unknown or a key of the file.
 */

ngx_int_t
ngx_http_api_auth_key_lookup(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::authorization *auth, ngx_uint_t bearer)
{
    ngx_int_t                    rc;
    ngx_str_t                    value;
    ngx_uint_t                   i, found;
    ngx_http_api_auth_source_t  *src;

    src = static_cast<ngx_http_api_auth_source_t *>(alcf->sources->elts);
    found = 0;

    ctx->key_state = NGX_HTTP_API_AUTH_KEY_ABSENT;

    for (i = 0; i < alcf->sources->nelts; i++) {

        switch (src[i].type) {

        case NGX_HTTP_API_AUTH_SRC_BEARER:
            found = bearer;
            break;

        case NGX_HTTP_API_AUTH_SRC_BASIC:
            found = (auth->kind == api_auth::scheme::basic);
            break;

        case NGX_HTTP_API_AUTH_SRC_AUTHZ:
            found = (auth->kind == api_auth::scheme::key);
            break;

        default: /* NGX_HTTP_API_AUTH_SRC_HEADER */
            rc = ngx_http_api_auth_key_value(r, &src[i].header, &value);

            if (rc == NGX_ERROR) {
                ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                              "api_auth: duplicate or malformed "
                              "\"%V\" header", &src[i].header);
                ctx->key_state = NGX_HTTP_API_AUTH_KEY_MALFORMED;
                return NGX_OK;
            }

            if (rc == NGX_OK) {
                auth->value = std::string_view(
                                 reinterpret_cast<char *>(value.data),
                                 value.len);
                found = 1;
            }
        }

        if (found) {
            ctx->key_source = src[i].type;
            return ngx_http_api_auth_key_check(r, alcf, ctx, src[i].type,
                                               auth->value);
        }
    }

    return NGX_OK;
}


/*
 * The value of a custom key header.  NGX_DECLINED if absent, NGX_ERROR if
 * sent twice or not a valid key, so that a client cannot smuggle a second
 * value past a proxy that reads the first.
 */

static ngx_int_t
ngx_http_api_auth_key_value(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value) noexcept
{
    ngx_table_elt_t   *h;
    std::string_view  key;

    value->len = 0;
    value->data = NULL;

    h = ngx_http_api_auth_find_header(r, name);

    if (h == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_api_auth_next_header(r, name, h) != NULL) {
        return NGX_ERROR;
    }

    *value = h->value;

    key = api_auth::trim_ows(
              std::string_view(reinterpret_cast<char *>(value->data),
                               value->len));

    if (api_auth::check_header_key(key) != api_auth::status::ok) {
        return NGX_ERROR;
    }

    value->data = reinterpret_cast<u_char *>(const_cast<char *>(key.data()));
    value->len = key.size();

    return NGX_OK;
}


/*
 * Looks an API key up in the file.  Basic credentials are tried as the
 * key itself first (GPT Actions send the pasted value verbatim), then as
 * base64 "user:KEY" or "KEY:" (RFC 7617).  NGX_ERROR: no memory.
 */

static ngx_int_t
ngx_http_api_auth_key_check(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t type, std::string_view value)
{
    u_char                     *buf;
    size_t                      len;
    api_auth::digest            d;
    std::string_view            key;
    const api_auth::key_entry  *entry;
    char                        prefix[api_auth::digest_prefix_len];

    api_auth::sha256(value.data(), value.size(), d);
    entry = alcf->keys->find(d);

    if (entry == NULL && type == NGX_HTTP_API_AUTH_SRC_BASIC) {

        buf = static_cast<u_char *>(
                  ngx_pnalloc(r->pool,
                              api_auth::base64_decoded_max(value.size())));
        if (buf == NULL) {
            return NGX_ERROR;
        }

        if (api_auth::base64_decode(value, buf, len) != api_auth::status::ok
            || api_auth::basic_key(
                   std::string_view(reinterpret_cast<char *>(buf), len), key)
               != api_auth::status::ok)
        {
            ngx_explicit_memzero(buf, api_auth::base64_decoded_max(
                                          value.size()));
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "api_auth: malformed Basic credentials");
            ctx->key_state = NGX_HTTP_API_AUTH_KEY_MALFORMED;
            return NGX_OK;
        }

        api_auth::sha256(key.data(), key.size(), d);
        ngx_explicit_memzero(buf, len);

        entry = alcf->keys->find(d);
    }

    if (entry == NULL) {
        ngx_http_api_auth_log_id(r->connection->log, NGX_LOG_INFO, d, prefix);
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: unknown API key %*s",
                      sizeof(prefix), prefix);
        ctx->key_state = NGX_HTTP_API_AUTH_KEY_UNKNOWN;
        return NGX_OK;
    }

    ctx->key_state = NGX_HTTP_API_AUTH_KEY_FOUND;
    ctx->key_entry = entry;

    return NGX_OK;
}


/* the identity of a key of the file, decided by the core */

static ngx_int_t
ngx_http_api_auth_key_decide(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    api_auth::identity          id;
    const api_auth::key_entry  *entry;

    entry = ctx->key_entry;

    id.method = api_auth::method_api_key;
    id.client = entry->name;
    id.subject = entry->subject;
    id.scope = entry->scope;
    id.expiry = entry->not_after;

    return ngx_http_api_auth_outcome(ctx,
               ngx_http_api_auth_authorize(r, alcf, ctx, id));
}
