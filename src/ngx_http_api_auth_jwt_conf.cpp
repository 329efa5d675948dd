/*
 * ngx_http_api_auth_module: the api_auth_jwt_* directives: key files
 * loaded at configuration time, issuers, algorithms, types, leeway and
 * client claims (their merge into each JWT-capable location's policy is
 * ngx_http_api_auth_jwt_merge.cpp; the request path
 * ngx_http_api_auth_jwt.cpp; fetched key sets ngx_http_api_auth_jwks.cpp).
 */

#include "ngx_http_api_auth_jwt.h"

#include <new>
#include <string>

#include "core/json.hpp"


/* which directive ngx_http_api_auth_jwt_directive() parses (cmd->offset) */
#define NGX_HTTP_API_AUTH_JWT_KEYS        0
#define NGX_HTTP_API_AUTH_JWT_ISSUER      1
#define NGX_HTTP_API_AUTH_JWT_ALGORITHMS  2
#define NGX_HTTP_API_AUTH_JWT_TYPE        3
#define NGX_HTTP_API_AUTH_JWT_LEEWAY      4
#define NGX_HTTP_API_AUTH_JWT_CLIENT      5

#define NGX_HTTP_API_AUTH_JWT_MAX_LEEWAY  300


static ngx_http_api_auth_jwt_conf_t *ngx_http_api_auth_jwt_conf(
    ngx_conf_t *cf, ngx_http_api_auth_loc_conf_t *alcf) noexcept;
static char *ngx_http_api_auth_jwt_keys(ngx_conf_t *cf,
    ngx_http_api_auth_jwt_conf_t *jc, ngx_str_t *name) noexcept;
static void ngx_http_api_auth_jwt_destroy_keys(void *data) noexcept;
static ngx_array_t *ngx_http_api_auth_jwt_views(ngx_conf_t *cf,
    ngx_str_t *value, ngx_uint_t n) noexcept;
static char *ngx_http_api_auth_jwt_list(ngx_conf_t *cf, ngx_array_t **list,
    ngx_str_t *value, ngx_uint_t n) noexcept;
static char *ngx_http_api_auth_jwt_algorithms(ngx_conf_t *cf,
    ngx_http_api_auth_jwt_conf_t *jc, ngx_str_t *value, ngx_uint_t n)
    noexcept;
static char *ngx_http_api_auth_jwt_types(ngx_conf_t *cf,
    ngx_http_api_auth_jwt_conf_t *jc, ngx_str_t *value, ngx_uint_t n)
    noexcept;
static char *ngx_http_api_auth_jwt_leeway(ngx_conf_t *cf,
    ngx_http_api_auth_jwt_conf_t *jc, ngx_str_t *value) noexcept;



char *
ngx_http_api_auth_jwt_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t                     *value;
    ngx_uint_t                     n;
    ngx_http_api_auth_jwt_conf_t  *jc;

    jc = ngx_http_api_auth_jwt_conf(cf, alcf);
    if (jc == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);
    n = cf->args->nelts;

    switch (cmd->offset) {

    case NGX_HTTP_API_AUTH_JWT_KEYS:
        return ngx_http_api_auth_jwt_keys(cf, jc, &value[1]);

    case NGX_HTTP_API_AUTH_JWT_ISSUER:
        return ngx_http_api_auth_jwt_list(cf, &jc->issuers, value, n);

    case NGX_HTTP_API_AUTH_JWT_CLIENT:
        return ngx_http_api_auth_jwt_list(cf, &jc->client_claims, value, n);

    case NGX_HTTP_API_AUTH_JWT_ALGORITHMS:
        return ngx_http_api_auth_jwt_algorithms(cf, jc, value, n);

    case NGX_HTTP_API_AUTH_JWT_TYPE:
        return ngx_http_api_auth_jwt_types(cf, jc, value, n);

    default: /* NGX_HTTP_API_AUTH_JWT_LEEWAY */
        return ngx_http_api_auth_jwt_leeway(cf, jc, &value[1]);
    }
}


/* api_auth_jwt_issuer / api_auth_jwt_client_claim: non-empty values */

static char *
ngx_http_api_auth_jwt_list(ngx_conf_t *cf, ngx_array_t **list,
    ngx_str_t *value, ngx_uint_t n) noexcept
{
    ngx_uint_t  i;

    if (*list) {
        return const_cast<char *>("is duplicate");
    }

    for (i = 1; i < n; i++) {
        if (value[i].len == 0) {
            return const_cast<char *>("has an empty value");
        }
    }

    *list = ngx_http_api_auth_jwt_views(cf, value, n);

    return NGX_CONF_OK;
}


static char *
ngx_http_api_auth_jwt_algorithms(ngx_conf_t *cf,
    ngx_http_api_auth_jwt_conf_t *jc, ngx_str_t *value, ngx_uint_t n)
    noexcept
{
    ngx_uint_t         i, bits;
    api_auth::jws_alg  alg;

    if (jc->algorithms) {
        return const_cast<char *>("is duplicate");
    }

    bits = 0;

    for (i = 1; i < n; i++) {
        if (!api_auth::jws_alg_from_name(ngx_http_api_auth_sv(value[i]), alg))
        {
            /* RFC 8725 §3.1: none and symmetric keys never */
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: \"%V\" is not an allowed JWT "
                               "algorithm (RS256/384/512, PS256/384/512, "
                               "ES256/384/512, EdDSA, Ed25519; never "
                               "none or HS*)", &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        bits |= api_auth::jws_alg_bit(alg);
    }

    jc->algorithms = bits;

    return NGX_CONF_OK;
}


static char *
ngx_http_api_auth_jwt_types(ngx_conf_t *cf, ngx_http_api_auth_jwt_conf_t *jc,
    ngx_str_t *value, ngx_uint_t n) noexcept
{
    ngx_uint_t  i, bits;

    if (jc->types) {
        return const_cast<char *>("is duplicate");
    }

    bits = 0;

    for (i = 1; i < n; i++) {
        if (ngx_strcmp(value[i].data, "at+jwt") == 0) {
            bits |= api_auth::jwt_type_at_jwt;

        } else if (ngx_strcmp(value[i].data, "jwt") == 0) {
            bits |= api_auth::jwt_type_jwt;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid JWT type \"%V\", "
                               "expected \"at+jwt\" or \"jwt\"",
                               &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    jc->types = bits;

    return NGX_CONF_OK;
}


static char *
ngx_http_api_auth_jwt_leeway(ngx_conf_t *cf, ngx_http_api_auth_jwt_conf_t *jc,
    ngx_str_t *value) noexcept
{
    if (jc->leeway != NGX_CONF_UNSET) {
        return const_cast<char *>("is duplicate");
    }

    jc->leeway = ngx_parse_time(value, 1);

    if (jc->leeway == static_cast<time_t>(NGX_ERROR)
        || jc->leeway > NGX_HTTP_API_AUTH_JWT_MAX_LEEWAY)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid \"api_auth_jwt_leeway\" "
                           "\"%V\" (a time of at most 5m)", value);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}


static ngx_http_api_auth_jwt_conf_t *
ngx_http_api_auth_jwt_conf(ngx_conf_t *cf, ngx_http_api_auth_loc_conf_t *alcf)
    noexcept
{
    void  *p;

    if (alcf->jwt) {
        return alcf->jwt;
    }

    p = ngx_pcalloc(cf->pool, sizeof(ngx_http_api_auth_jwt_conf_t));
    if (p == NULL) {
        return NULL;
    }

    alcf->jwt = new (p) ngx_http_api_auth_jwt_conf_t();
    alcf->jwt->leeway = NGX_CONF_UNSET;

    return alcf->jwt;
}


static ngx_array_t *
ngx_http_api_auth_jwt_views(ngx_conf_t *cf, ngx_str_t *value, ngx_uint_t n)
    noexcept
{
    ngx_uint_t         i;
    ngx_array_t       *a;
    std::string_view  *v;

    a = ngx_array_create(cf->pool, n, sizeof(std::string_view));
    if (a == NULL) {
        return NULL;
    }

    for (i = 1; i < n; i++) {
        v = static_cast<std::string_view *>(ngx_array_push(a));
        if (v == NULL) {
            return NULL;
        }

        new (v) std::string_view(ngx_http_api_auth_sv(value[i]));
    }

    return a;
}


static void
ngx_http_api_auth_jwt_destroy_keys(void *data) noexcept
{
    static_cast<api_auth::jwk_set *>(data)->~jwk_set();
}


/* a JWK Set or a PEM public key / certificate, added to the level's set */

static char *
ngx_http_api_auth_jwt_keys(ngx_conf_t *cf, ngx_http_api_auth_jwt_conf_t *jc,
    ngx_str_t *name) noexcept
{
    ngx_str_t            text;
    std::string_view     body, reason;
    api_auth::status     st;
    ngx_pool_cleanup_t  *cln;

    if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK
        || ngx_http_api_auth_read_file(cf, name, &text) != NGX_OK)
    {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (jc->keys == NULL) {
        cln = ngx_pool_cleanup_add(cf->pool, sizeof(api_auth::jwk_set));
        if (cln == NULL) {
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        jc->keys = new (cln->data) api_auth::jwk_set();
        cln->handler = ngx_http_api_auth_jwt_destroy_keys;
    }

    body = ngx_http_api_auth_sv(text);

    try {
        api_auth::jwk_set  set;
        api_auth::jwk_key  key;

        if (body.find("-----BEGIN ") != std::string_view::npos) {
            st = api_auth::load_pem_key(body, key, reason);

            if (st == api_auth::status::ok) {
                jc->keys->keys.push_back(std::move(key));
            }

        } else {
            st = api_auth::parse_jwks(body, set);
            reason = st == api_auth::status::missing
                     ? "no usable key" : "not a JWK Set (a JSON object with "
                                         "a \"keys\" array) or a PEM key";

            for (const api_auth::jwk_skip &s : set.skipped) {
                ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                                   "api_auth: JWT key file \"%V\": key %uz "
                                   "skipped: %*s", name, s.index,
                                   s.reason.size(), s.reason.data());
            }

            for (api_auth::jwk_key &k : set.keys) {
                jc->keys->keys.push_back(std::move(k));
            }
        }

    } catch (...) {
        st = api_auth::status::internal;
        reason = "out of memory";
    }

    if (st != api_auth::status::ok) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: JWT key file \"%V\": %*s", name,
                           reason.size(), reason.data());
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}
