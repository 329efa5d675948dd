/*
 * ngx_http_api_auth_module: the api_auth_jwt_* values of a level merged
 * into each JWT-capable location's own policy, the checks "nginx -t"
 * makes of them, and the fingerprint that keeps its cache records apart
 * (the directives are ngx_http_api_auth_jwt_conf.cpp).
 */

#include "ngx_http_api_auth_jwt.h"

#include <new>
#include <string>


static void ngx_http_api_auth_jwt_inherit(ngx_http_api_auth_jwt_conf_t *jc,
    ngx_http_api_auth_jwt_conf_t *pc) noexcept;
static char *ngx_http_api_auth_jwt_check(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
static char *ngx_http_api_auth_jwt_policy(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
static char *ngx_http_api_auth_jwt_audiences(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
static char *ngx_http_api_auth_jwt_fingerprint(
    ngx_http_api_auth_loc_conf_t *conf) noexcept;


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
            return ngx_http_api_auth_conf_requires(cf, "\"api_auth_jwks\"",
                                                   "\"api_auth_jwt_issuer\"");
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

    ngx_http_api_auth_jwt_inherit(jc, pc);

    if (!(conf->methods & NGX_HTTP_API_AUTH_OAUTH)
        || (jc->keys == NULL && conf->jwks == NULL))
    {
        return NGX_CONF_OK;
    }

    if (ngx_http_api_auth_jwt_check(cf, conf) != NGX_CONF_OK
        || ngx_http_api_auth_jwt_policy(cf, conf) != NGX_CONF_OK)
    {
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


/* the unset values of a level's own copy, from the enclosing level's */

static void
ngx_http_api_auth_jwt_inherit(ngx_http_api_auth_jwt_conf_t *jc,
    ngx_http_api_auth_jwt_conf_t *pc) noexcept
{
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
}


/* a location that verifies JWTs: one source of keys, issuers, audience */

static char *
ngx_http_api_auth_jwt_check(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    ngx_http_api_auth_jwt_conf_t  *jc;

    jc = conf->jwt;

    if (jc->keys && conf->jwks) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"api_auth_jwt_keys\" and "
                           "\"api_auth_jwks\" cannot both apply to one "
                           "location");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (jc->issuers == NULL) {
        return ngx_http_api_auth_conf_requires(cf,
                   jc->keys ? "\"api_auth_jwt_keys\"" : "\"api_auth_jwks\"",
                   "\"api_auth_jwt_issuer\"");
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

    return NGX_CONF_OK;
}


/* the location's jwt_policy and the fingerprint of it and its keys */

static char *
ngx_http_api_auth_jwt_policy(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
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

    if (ngx_http_api_auth_jwt_audiences(cf, conf) != NGX_CONF_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return ngx_http_api_auth_jwt_fingerprint(conf);
}


/*
 * The space-joined api_auth_require_audience, split again; without one,
 * the resource itself (RFC 8707), unless "off".
 */

static char *
ngx_http_api_auth_jwt_audiences(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    size_t                         n;
    u_char                        *p, *last;
    ngx_str_t                      audience;
    std::string_view              *aud;
    ngx_http_api_auth_jwt_conf_t  *jc;

    jc = conf->jwt;

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

    return NGX_CONF_OK;
}


/*
 * The fingerprint of the location's policy and its keys (or its key
 * set's URI), the fields NUL-separated: no field can run into the next.
 */

static char *
ngx_http_api_auth_jwt_fingerprint(ngx_http_api_auth_loc_conf_t *conf)
    noexcept
{
    ngx_http_api_auth_jwt_conf_t  *jc;

    jc = conf->jwt;

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
