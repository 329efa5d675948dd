/*
 * ngx_http_api_auth_module: JWT access tokens validated locally
 * (RFC 9068, RFC 7519, RFC 8725): the request path, with keys loaded at
 * configuration time (ngx_http_api_auth_jwt_conf.cpp) or fetched
 * (ngx_http_api_auth_jwks.cpp).
 *
 * A bearer token that the core's routing rule (jws_route) assigns to a
 * configured issuer is checked here, without a subrequest: parse_jwt with
 * the location's policy, then jwk_select and jws_verify.  That result is
 * final.  A validated token becomes a claims record like an introspection
 * answer, so that ngx_http_api_auth_decide_claims() makes the scope and
 * audience decision and the cache serves a repeated token without any
 * cryptography.  Nothing here logs a token.
 */

#include "ngx_http_api_auth_jwt.h"

#include <string>

#include "core/json.hpp"


static ngx_int_t ngx_http_api_auth_jwt_accept(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::jwt &tok, time_t now, ngx_uint_t cacheable);
static ngx_int_t ngx_http_api_auth_jwt_refuse(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::jwt_reason why, ngx_uint_t cache) noexcept;


/*
 * The JWT path of the token resolver.  NGX_DECLINED: not a token of a
 * configured issuer (introspection, or invalid_token, decides).  Else
 * NGX_OK with the outcome recorded, or NGX_ERROR; the cache entry this
 * request owns (ctx->owner) is stored and released here.
 */

ngx_int_t
ngx_http_api_auth_jwt(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    time_t                         now;
    std::string_view               token, issuer;
    api_auth::jwt                  tok;
    api_auth::status               st;
    api_auth::jwt_reason           why;
    ngx_int_t                      rc;
    ngx_uint_t                     cacheable;
    const api_auth::jwk_set       *set;
    const api_auth::jwk_key       *key;
    ngx_http_api_auth_jwt_conf_t  *jc;

    jc = alcf->jwt;

    if (jc == NULL || (jc->keys == NULL && alcf->jwks == NULL)) {
        return NGX_DECLINED;
    }

    token = ngx_http_api_auth_sv(ctx->token);

    if (!api_auth::jws_route(token, jc->policy.issuers, issuer)) {
        return NGX_DECLINED;
    }

    ctx->token_type = NGX_HTTP_API_AUTH_TOKEN_JWT;
    now = ngx_time();

    st = api_auth::parse_jwt(token, jc->policy, now, tok);

    if (st == api_auth::status::internal) {
        return NGX_ERROR;
    }

    if (st != api_auth::status::ok) {
        return ngx_http_api_auth_jwt_refuse(r, alcf, ctx, tok.reason, 0);
    }

    /* a fetched key set: stored only under the key of its generation */
    set = jc->keys;
    cacheable = 1;

    if (set == NULL) {
        rc = ngx_http_api_auth_jwks_get(r, alcf, ctx, &set);
        if (rc != NGX_OK || set == NULL) {
            return rc;
        }

        cacheable = ctx->jwks_keyed;
    }

    st = api_auth::jwk_select(*set, tok, key);

    if (st == api_auth::status::missing && jc->keys == NULL) {
        rc = ngx_http_api_auth_jwks_unknown(r, alcf, ctx);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    if (st != api_auth::status::ok) {
        return ngx_http_api_auth_jwt_refuse(r, alcf, ctx,
                                            api_auth::jwt_reason::key,
                                            cacheable);
    }

    why = api_auth::jwt_reason::none;
    st = api_auth::jws_verify(tok, *key, why);

    if (st == api_auth::status::internal) {
        return NGX_ERROR;
    }

    ngx_http_api_auth_count_jwt_verify(r, static_cast<ngx_uint_t>(tok.alg),
                                       st == api_auth::status::ok);

    if (st != api_auth::status::ok) {
        return ngx_http_api_auth_jwt_refuse(r, alcf, ctx, why, cacheable);
    }

    return ngx_http_api_auth_jwt_accept(r, alcf, ctx, tok, now, cacheable);
}


/*
 * A verified token: its claims record, like an introspection answer's,
 * stored for the token when the keys allow (cacheable) and decided.
 */

static ngx_int_t
ngx_http_api_auth_jwt_accept(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::jwt &tok, time_t now, ngx_uint_t cacheable)
{
    time_t       ttl;
    std::string  record;

    if (api_auth::jwt_record(tok, record) != api_auth::status::ok) {
        return NGX_ERROR;
    }

    ctx->claims.len = record.size();
    ctx->claims.data = static_cast<u_char *>(ngx_pnalloc(r->pool,
                                                         record.size()));
    if (ctx->claims.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(ctx->claims.data, record.data(), record.size());

    if (ctx->owner) {
        ttl = api_auth::positive_ttl(now, tok.exp, alcf->max_ttl);

        if (ttl > 0 && cacheable) {
            ngx_http_api_auth_cache_store(ctx->owner, ctx->key, 1, now + ttl,
                                          0, ctx->claims.data,
                                          ctx->claims.len);
        }

        ngx_http_api_auth_release_call(ctx, 0);
    }

    return ngx_http_api_auth_decide_claims(r, alcf, ctx, 1);
}


/* 401 invalid_token; a bad signature or key is remembered negative_ttl */

static ngx_int_t
ngx_http_api_auth_jwt_refuse(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::jwt_reason why, ngx_uint_t cache) noexcept
{
    char              prefix[api_auth::digest_prefix_len];
    std::string_view  text;

    ngx_http_api_auth_log_id(r->connection->log, NGX_LOG_INFO, ctx->digest,
                             prefix);
    text = api_auth::jwt_reason_text(why);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "api_auth: JWT %*s refused: %*s", sizeof(prefix), prefix,
                  text.size(), text.data());

    if (ctx->owner) {
        if (cache) {
            ngx_http_api_auth_cache_store(ctx->owner, ctx->key, 0,
                                          ngx_time() + alcf->negative_ttl, 0,
                                          NULL, 0);
        }

        ngx_http_api_auth_release_call(ctx, 0);
    }

    return ngx_http_api_auth_outcome(ctx, api_auth::result_invalid_token);
}
