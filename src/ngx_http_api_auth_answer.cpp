/*
 * ngx_http_api_auth_module: the decision and the answer.  The decision on
 * a resolver's identity is the core's (authorize()); the answer to a
 * rejected request follows RFC 6750: its status, its WWW-Authenticate
 * challenge (built once at merge time) or, on 503, Retry-After.
 * Resolvers only record an outcome (ngx_http_api_auth_outcome()); the
 * handler answers it here.
 */

#include "ngx_http_api_auth.h"

#include "core/challenge.hpp"
#include "core/identity.hpp"


static void ngx_http_api_auth_log_denial(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::identity &id, const api_auth::verdict &v) noexcept;


static_assert(api_auth::method_api_key == NGX_HTTP_API_AUTH_KEY
              && api_auth::method_oauth == NGX_HTTP_API_AUTH_OAUTH,
              "the core's method bits are the adapter's");


/* the outcomes' names: the values of $api_auth_result, and in the log */

static ngx_str_t  ngx_http_api_auth_results[] = {
    ngx_string(""),
    ngx_string("allow"),
    ngx_string("anonymous"),
    ngx_string("missing"),
    ngx_string("invalid_request"),
    ngx_string("invalid_token"),
    ngx_string("insufficient_scope"),
    ngx_string("unavailable")
};

static_assert(sizeof(ngx_http_api_auth_results)
                  / sizeof(ngx_http_api_auth_results[0])
              == api_auth::result_unavailable + 1,
              "a name for every api_auth::result");


ngx_str_t *
ngx_http_api_auth_result_name(api_auth::result result) noexcept
{
    return &ngx_http_api_auth_results[result];
}


/*
 * The location's four WWW-Authenticate values, built once here (core:
 * challenge.cpp) and copied into the configuration's pool.
 */

char *
ngx_http_api_auth_challenges(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    ngx_uint_t                   i;
    api_auth::challenges         out;
    api_auth::challenge_input    in;
    ngx_http_api_auth_source_t  *src;

    in.realm = std::string_view(reinterpret_cast<char *>(conf->realm.data),
                                conf->realm.len);
    in.methods = static_cast<unsigned>(conf->methods);
    in.basic_source = false;
    in.scope = std::string_view(reinterpret_cast<char *>(conf->scope.data),
                                conf->scope.len);
    in.resource = (conf->resource.len != 0);
    in.metadata_url = std::string_view(
                          reinterpret_cast<char *>(conf->metadata.data),
                          conf->metadata.len);

    if (conf->methods & NGX_HTTP_API_AUTH_KEY) {
        src = static_cast<ngx_http_api_auth_source_t *>(conf->sources->elts);

        for (i = 0; i < conf->sources->nelts; i++) {
            if (src[i].type == NGX_HTTP_API_AUTH_SRC_BASIC) {
                in.basic_source = true;
            }
        }
    }

    if (api_auth::build_challenges(in, out) != api_auth::status::ok) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: cannot build the challenges of "
                           "realm \"%V\"", &conf->realm);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (ngx_http_api_auth_pstrdup(cf, &conf->challenge_missing, out.missing)
           != NGX_OK
        || ngx_http_api_auth_pstrdup(cf, &conf->challenge_request,
                                  out.invalid_request) != NGX_OK
        || ngx_http_api_auth_pstrdup(cf, &conf->challenge_token,
                                  out.invalid_token) != NGX_OK
        || ngx_http_api_auth_pstrdup(cf, &conf->challenge_scope,
                                  out.insufficient_scope) != NGX_OK)
    {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}


static void
ngx_http_api_auth_set_view(ngx_str_t *dst, std::string_view src) noexcept
{
    dst->data = reinterpret_cast<u_char *>(const_cast<char *>(src.data()));
    dst->len = src.size();
}


/*
 * The decision on the identity a resolver found (core: identity.cpp),
 * against the location's requirements: the required scopes, and for a
 * token the accepted audiences (api_auth_require_audience, or else the
 * resource itself, RFC 8707, unless "off").  Fills the identity variables
 * and logs a refusal; the outcome goes to ngx_http_api_auth_outcome().
 */

api_auth::result
ngx_http_api_auth_authorize(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::identity &id) noexcept
{
    ngx_str_t               *aud;
    api_auth::verdict        v;
    api_auth::requirements   req;

    ctx->method = id.method;
    ngx_http_api_auth_set_view(&ctx->client, id.client);
    ngx_http_api_auth_set_view(&ctx->subject, id.subject);
    ngx_http_api_auth_set_view(&ctx->scope, id.scope);

    req.scope = std::string_view(reinterpret_cast<char *>(alcf->scope.data),
                                 alcf->scope.len);
    req.implies = alcf->implies;

    if (id.method == api_auth::method_oauth) {
        aud = &alcf->audience;

        if (aud->len == 0 && alcf->audience_off != 1) {
            aud = &alcf->resource;
        }

        req.audiences = std::string_view(reinterpret_cast<char *>(aud->data),
                                         aud->len);

        if (alcf->claims) {
            req.claims.items = static_cast<api_auth::required_claim *>(
                                   alcf->claims->elts);
            req.claims.size = alcf->claims->nelts;
        }
    }

    v = api_auth::authorize(id, req, ngx_time());

    ngx_http_api_auth_log_denial(r, alcf, ctx, id, v);

    return v.outcome;
}


/*
 * The outcome for a token from its claims record in ctx->claims: the
 * record says what the authorization server (or a verified JWT) said;
 * the core decides on it with this location's requirements.
 */

ngx_int_t
ngx_http_api_auth_decide_claims(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t active)
{
    api_auth::identity  id;
    char                prefix[api_auth::digest_prefix_len];

    if (!active) {
        ngx_http_api_auth_log_id(r->connection->log, NGX_LOG_INFO,
                                 ctx->digest, prefix);
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: token %*s is not active",
                      sizeof(prefix), prefix);
        return ngx_http_api_auth_outcome(ctx, api_auth::result_invalid_token);
    }

    id.method = api_auth::method_oauth;

    ctx->token_type = api_auth::identity_from_claims(
                          std::string_view(
                              reinterpret_cast<char *>(ctx->claims.data),
                              ctx->claims.len), id)
                      ? NGX_HTTP_API_AUTH_TOKEN_JWT
                      : NGX_HTTP_API_AUTH_TOKEN_OPAQUE;

    return ngx_http_api_auth_outcome(ctx,
               ngx_http_api_auth_authorize(r, alcf, ctx, id));
}


static void
ngx_http_api_auth_log_denial(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::identity &id, const api_auth::verdict &v) noexcept
{
    ngx_uint_t   level;
    const char  *what;
    char         prefix[api_auth::digest_prefix_len];

    level = (v.why == api_auth::denial::none) ? NGX_LOG_DEBUG : NGX_LOG_INFO;

    if (id.method == api_auth::method_api_key) {
        switch (v.why) {

        case api_auth::denial::none:
            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "api_auth key \"%*s\" allowed", id.client.size(),
                           id.client.data());
            return;

        case api_auth::denial::expired:
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "api_auth: API key \"%*s\" expired",
                          id.client.size(), id.client.data());
            return;

        default: /* scope: keys have no audience and no claims */
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "api_auth: API key \"%*s\" lacks scope \"%V\"",
                          id.client.size(), id.client.data(), &alcf->scope);
            return;
        }
    }

    ngx_http_api_auth_log_id(r->connection->log, level, ctx->digest, prefix);

    switch (v.why) {

    case api_auth::denial::none:
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "api_auth token %*s allowed", sizeof(prefix), prefix);
        return;

    case api_auth::denial::scope:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: token %*s lacks scope \"%V\"",
                      sizeof(prefix), prefix, &alcf->scope);
        return;

    case api_auth::denial::claim:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: token %*s lacks the required claim "
                      "\"%*s\"", sizeof(prefix), prefix, v.claim.size(),
                      v.claim.data());
        return;

    default:
        what = (v.why == api_auth::denial::audience) ? "has the wrong audience"
                                                     : "has expired";
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: token %*s %s", sizeof(prefix), prefix, what);
    }
}


/* a resolver's outcome, answered by the handler (NGX_OK says it is set) */

ngx_int_t
ngx_http_api_auth_outcome(ngx_http_api_auth_ctx_t *ctx,
    api_auth::result result) noexcept
{
    ctx->result = result;

    return NGX_OK;
}


/* records the outcome and answers it at once */

ngx_int_t
ngx_http_api_auth_reject(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::result result)
{
    ctx->result = result;

    return ngx_http_api_auth_answer(r, alcf, ctx);
}


/*
 * Answers the outcome in ctx->result and returns the status for the
 * access phase: NGX_OK on allow, NGX_DECLINED for an anonymous request;
 * the phase engine finalizes the request, so "satisfy any" keeps working.
 * In dry run a rejection is recorded ($api_auth_result, and
 * $api_auth_status says REJECTED_DRY_RUN) but the request goes on as if
 * api_auth were not there: NGX_DECLINED, no challenge, no Retry-After.
 */

ngx_int_t
ngx_http_api_auth_answer(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
{
    ngx_int_t                    rc;
    ngx_str_t                   *challenge, retry;
    api_auth::result   result;

    static ngx_str_t  retry_after = ngx_string("Retry-After");

    result = ctx->result;
    ctx->decided = 1;

    switch (result) {

    case api_auth::result_allow:
        ctx->rc = NGX_OK;
        return NGX_OK;

    case api_auth::result_anonymous:
        ctx->rc = NGX_DECLINED;
        return NGX_DECLINED;

    case api_auth::result_invalid_request:
        rc = NGX_HTTP_BAD_REQUEST;
        challenge = &alcf->challenge_request;
        break;

    case api_auth::result_invalid_token:
        rc = NGX_HTTP_UNAUTHORIZED;
        challenge = &alcf->challenge_token;
        break;

    case api_auth::result_insufficient_scope:
        rc = NGX_HTTP_FORBIDDEN;
        challenge = &alcf->challenge_scope;
        break;

    case api_auth::result_unavailable:
        rc = NGX_HTTP_SERVICE_UNAVAILABLE;
        challenge = NULL;
        break;

    default: /* api_auth::result_missing */
        rc = NGX_HTTP_UNAUTHORIZED;
        challenge = &alcf->challenge_missing;
    }

    ctx->rc = rc;

    if (alcf->dry_run) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "api_auth: dry run, the request would have been "
                      "rejected: %V, status %i",
                      ngx_http_api_auth_result_name(result), rc);

        ctx->dry_run = 1;
        ctx->rc = NGX_DECLINED;

        return NGX_DECLINED;
    }

    if (challenge) {
        if (ngx_http_api_auth_push_challenge(r, challenge) != NGX_OK) {
            return NGX_ERROR;
        }

        return rc;
    }

    ngx_str_set(&retry, NGX_HTTP_API_AUTH_RETRY);

    if (ngx_http_api_auth_push_header(r->pool, &r->headers_out.headers,
                                      &retry_after, &retry, 0)
        == NULL)
    {
        return NGX_ERROR;
    }

    return rc;
}
