/*
 * ngx_http_api_auth_module: the answer to a rejected request, RFC 6750:
 * its status, its WWW-Authenticate challenge (built once at merge time) or,
 * on 503, Retry-After.
 */

#include "ngx_http_api_auth.h"

#include "core/challenge.hpp"




static_assert(api_auth::method_api_key == NGX_HTTP_API_AUTH_KEY
              && api_auth::method_oauth == NGX_HTTP_API_AUTH_OAUTH,
              "the core's method bits are the adapter's");


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


/*
 * Records the decision and returns the status for the access phase; the
 * phase engine finalizes the request, so "satisfy any" keeps working.
 * In dry run the decision is recorded ($api_auth_result, and
 * $api_auth_status says REJECTED_DRY_RUN) but the request goes on as if
 * api_auth were not there: NGX_DECLINED, no challenge, no Retry-After.
 */

ngx_int_t
ngx_http_api_auth_reject(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_http_api_auth_result_e result)
{
    ngx_int_t   rc;
    ngx_str_t  *challenge, retry;

    static ngx_str_t  retry_after = ngx_string("Retry-After");

    switch (result) {

    case ngx_http_api_auth_invalid_request:
        rc = NGX_HTTP_BAD_REQUEST;
        challenge = &alcf->challenge_request;
        break;

    case ngx_http_api_auth_invalid_token:
        rc = NGX_HTTP_UNAUTHORIZED;
        challenge = &alcf->challenge_token;
        break;

    case ngx_http_api_auth_insufficient_scope:
        rc = NGX_HTTP_FORBIDDEN;
        challenge = &alcf->challenge_scope;
        break;

    case ngx_http_api_auth_unavailable:
        rc = NGX_HTTP_SERVICE_UNAVAILABLE;
        challenge = NULL;
        break;

    default: /* ngx_http_api_auth_missing */
        rc = NGX_HTTP_UNAUTHORIZED;
        challenge = &alcf->challenge_missing;
    }

    ctx->result = result;
    ctx->decided = 1;
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
