/*
 * ngx_http_api_auth_module: the api_auth_jwt_* directives: key files
 * loaded at configuration time, issuers, algorithms, types, leeway and
 * client claims, merged into each JWT-capable location's own policy and
 * the fingerprint that keeps its cache records apart (the request path
 * is ngx_http_api_auth_jwt.cpp; fetched key sets ngx_http_api_auth_jwks.cpp).
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
static char *ngx_http_api_auth_jwt_policy(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;



char *
ngx_http_api_auth_jwt_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    ngx_str_t                     *value;
    ngx_uint_t                     i, n, bits;
    api_auth::jws_alg              alg;
    ngx_http_api_auth_jwt_conf_t  *jc;

    jc = ngx_http_api_auth_jwt_conf(cf, alcf);
    if (jc == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);
    n = cf->args->nelts;
    bits = 0;

    switch (cmd->offset) {

    case NGX_HTTP_API_AUTH_JWT_KEYS:
        return ngx_http_api_auth_jwt_keys(cf, jc, &value[1]);

    case NGX_HTTP_API_AUTH_JWT_ISSUER:
    case NGX_HTTP_API_AUTH_JWT_CLIENT:
        if ((cmd->offset == NGX_HTTP_API_AUTH_JWT_ISSUER ? jc->issuers
                                                         : jc->client_claims))
        {
            return const_cast<char *>("is duplicate");
        }

        for (i = 1; i < n; i++) {
            if (value[i].len == 0) {
                return const_cast<char *>("has an empty value");
            }
        }

        (cmd->offset == NGX_HTTP_API_AUTH_JWT_ISSUER ? jc->issuers
                                                     : jc->client_claims)
            = ngx_http_api_auth_jwt_views(cf, value, n);

        return NGX_CONF_OK;

    case NGX_HTTP_API_AUTH_JWT_ALGORITHMS:
        if (jc->algorithms) {
            return const_cast<char *>("is duplicate");
        }

        for (i = 1; i < n; i++) {
            if (!api_auth::jws_alg_from_name(ngx_http_api_auth_sv(value[i]),
                                             alg))
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

    case NGX_HTTP_API_AUTH_JWT_TYPE:
        if (jc->types) {
            return const_cast<char *>("is duplicate");
        }

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

    default: /* NGX_HTTP_API_AUTH_JWT_LEEWAY */
        if (jc->leeway != NGX_CONF_UNSET) {
            return const_cast<char *>("is duplicate");
        }

        jc->leeway = ngx_parse_time(&value[1], 1);

        if (jc->leeway == static_cast<time_t>(NGX_ERROR)
            || jc->leeway > NGX_HTTP_API_AUTH_JWT_MAX_LEEWAY)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid \"api_auth_jwt_leeway\" "
                               "\"%V\" (a time of at most 5m)", &value[1]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        return NGX_CONF_OK;
    }
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


ngx_uint_t
ngx_http_api_auth_jwt_enabled(ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    return conf->jwt != NULL
           && (conf->jwt->keys != NULL || conf->jwks != NULL);
}


/*
 * Runs after ngx_http_api_auth_cache_namespace(): a JWT-capable location
 * mixes the fingerprint of its keys and policy into its cache namespace,
 * so that a record verified under other keys or rules (another location
 * sharing namespace=, or a reload with changed key files) is never a hit.
 */

char *
ngx_http_api_auth_jwt_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept
{
    void                          *p;
    u_char                         buf[2 * sizeof(api_auth::digest)];
    ngx_http_api_auth_jwt_conf_t  *jc, *pc;

    pc = prev->jwt;

    if (conf->jwks == NULL) {
        conf->jwks = prev->jwks;
    }

    if (conf->jwt == NULL && pc == NULL) {
        if (conf->jwks && (conf->methods & NGX_HTTP_API_AUTH_OAUTH)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: \"api_auth_jwks\" requires "
                               "\"api_auth_jwt_issuer\" at the same or an "
                               "enclosing level");
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        return NGX_CONF_OK;
    }

    /* always a copy of its own: the policy views this level's audience */
    p = ngx_palloc(cf->pool, sizeof(ngx_http_api_auth_jwt_conf_t));
    if (p == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    jc = new (p) ngx_http_api_auth_jwt_conf_t(conf->jwt ? *conf->jwt : *pc);
    conf->jwt = jc;

    if (pc) {
        if (jc->keys == NULL) {
            jc->keys = pc->keys;
        }

        if (jc->issuers == NULL) {
            jc->issuers = pc->issuers;
        }

        if (jc->client_claims == NULL) {
            jc->client_claims = pc->client_claims;
        }

        if (jc->algorithms == 0) {
            jc->algorithms = pc->algorithms;
        }

        if (jc->types == 0) {
            jc->types = pc->types;
        }

        ngx_conf_merge_sec_value(jc->leeway, pc->leeway, 30);
    }

    ngx_conf_merge_sec_value(jc->leeway, NGX_CONF_UNSET, 30);

    if (!(conf->methods & NGX_HTTP_API_AUTH_OAUTH)
        || (jc->keys == NULL && conf->jwks == NULL))
    {
        return NGX_CONF_OK;
    }

    if (jc->keys && conf->jwks) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"api_auth_jwt_keys\" and "
                           "\"api_auth_jwks\" cannot both apply to one "
                           "location");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (jc->issuers == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"%s\" requires "
                           "\"api_auth_jwt_issuer\" at the same or an "
                           "enclosing level",
                           jc->keys ? "api_auth_jwt_keys" : "api_auth_jwks");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    /* the audience decision: a list, "off", or api_auth_resource */
    if (conf->audience.len == 0 && conf->audience_off != 1
        && conf->resource.len == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: a location that accepts JWT access "
                           "tokens requires \"api_auth_require_audience\" "
                           "(a list, or \"off\") or \"api_auth_resource\"");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (ngx_http_api_auth_jwt_policy(cf, conf) != NGX_CONF_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (conf->cache) {
        ngx_memcpy(buf, conf->cache_ns.data(), sizeof(api_auth::digest));
        ngx_memcpy(buf + sizeof(api_auth::digest), jc->fingerprint.data(),
                   sizeof(api_auth::digest));
        api_auth::sha256(buf, sizeof(buf), conf->cache_ns);
    }

    return NGX_CONF_OK;
}


/* the location's jwt_policy and the fingerprint of it and its keys */

static char *
ngx_http_api_auth_jwt_policy(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    size_t                         n;
    u_char                        *p, *last;
    ngx_str_t                      audience;
    std::string_view              *aud;
    ngx_http_api_auth_jwt_conf_t  *jc;

    jc = conf->jwt;

    jc->policy.algorithms = jc->algorithms ? jc->algorithms
                                           : api_auth::jws_default_algs;
    jc->policy.types = jc->types ? jc->types
                                 : api_auth::jwt_type_at_jwt
                                   | api_auth::jwt_type_jwt;
    jc->policy.leeway = jc->leeway;
    jc->policy.issuers.items = static_cast<std::string_view *>(
                                   jc->issuers->elts);
    jc->policy.issuers.size = jc->issuers->nelts;

    if (jc->client_claims) {
        jc->policy.client_claims.items = static_cast<std::string_view *>(
                                             jc->client_claims->elts);
        jc->policy.client_claims.size = jc->client_claims->nelts;
    }

    /*
     * the space-joined api_auth_require_audience, split again; without
     * one, the resource itself (RFC 8707), unless "off"
     */
    audience = conf->audience;

    if (audience.len == 0 && conf->audience_off != 1) {
        audience = conf->resource;
    }

    jc->policy.audience_off = (audience.len == 0);

    aud = static_cast<std::string_view *>(
              ngx_palloc(cf->pool, (audience.len / 2 + 1)
                                   * sizeof(std::string_view)));
    if (aud == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    n = 0;
    p = audience.data;
    last = p + audience.len;

    while (p < last) {
        u_char  *sp = ngx_strlchr(p, last, ' ');

        if (sp == NULL) {
            sp = last;
        }

        new (&aud[n++]) std::string_view(reinterpret_cast<char *>(p),
                                         sp - p);
        p = sp + 1;
    }

    jc->policy.audiences.items = aud;
    jc->policy.audiences.size = n;

    /* NUL-separated: no field can run into the next */
    try {
        std::string  fp("api_auth jwt 1");

        fp += std::to_string(jc->policy.algorithms) + ' '
              + std::to_string(jc->policy.types) + ' '
              + std::to_string(jc->policy.leeway);

        for (std::string_view s : jc->policy.issuers) {
            fp.append(1, '\0').append(s);
        }

        fp.append(2, '\0');

        for (std::string_view s : jc->policy.client_claims) {
            fp.append(s).append(1, '\0');
        }

        if (jc->keys) {
            for (const api_auth::jwk_key &k : jc->keys->keys) {
                fp.append(1, '\0').append(k.kid).append(1, '\0')
                  .append(k.thumbprint);
            }

        } else {
            /* a fetched set: its generation is in each token's key */
            fp.append(3, '\0').append(
                reinterpret_cast<const char *>(conf->jwks->uri.data),
                conf->jwks->uri.len);
        }

        api_auth::sha256(reinterpret_cast<const u_char *>(fp.data()),
                         fp.size(), jc->fingerprint);

    } catch (...) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}
