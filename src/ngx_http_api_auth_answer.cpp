/*
 * ngx_http_api_auth_module: the answer to a rejected request, RFC 6750:
 * its status, its WWW-Authenticate challenge (built once at merge time) or,
 * on 503, Retry-After.
 */

#include "ngx_http_api_auth.h"


/*
 * Records the decision and returns the status for the access phase; the
 * phase engine finalizes the request, so "satisfy any" keeps working.
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
