/*
 * ngx_http_api_auth_module: the outcome vocabulary and the request
 * ctx, one per request that api_auth checks (ngx_http_api_auth_handler.cpp
 * creates it).
 */

#ifndef _NGX_HTTP_API_AUTH_CTX_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_CTX_H_INCLUDED_

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#error "include ngx_http_api_auth.h"
#endif


/*
 * $api_auth_result is the core's outcome vocabulary (core/status.hpp);
 * the adapter keeps only its names (variables.cpp) and its answers
 * (answer.cpp).  The old adapter names stay as aliases, for code written
 * against them; new code says api_auth::result_*.
 */
typedef api_auth::result  ngx_http_api_auth_result_e;

#define ngx_http_api_auth_none                api_auth::result_none
#define ngx_http_api_auth_allow               api_auth::result_allow
#define ngx_http_api_auth_anonymous           api_auth::result_anonymous
#define ngx_http_api_auth_missing             api_auth::result_missing
#define ngx_http_api_auth_invalid_request     api_auth::result_invalid_request
#define ngx_http_api_auth_invalid_token       api_auth::result_invalid_token
#define ngx_http_api_auth_insufficient_scope                                 \
    api_auth::result_insufficient_scope
#define ngx_http_api_auth_unavailable         api_auth::result_unavailable

/* $api_auth_token_type */
#define NGX_HTTP_API_AUTH_TOKEN_JWT     1
#define NGX_HTTP_API_AUTH_TOKEN_OPAQUE  2

/* $api_auth_cache_status */
typedef enum {
    ngx_http_api_auth_cache_none = 0,
    ngx_http_api_auth_cache_hit,
    ngx_http_api_auth_cache_miss,
    ngx_http_api_auth_cache_stale,
    ngx_http_api_auth_cache_bypass
} ngx_http_api_auth_cache_status_e;


/* what only a request that calls out or waits needs, allocated then */
typedef struct ngx_http_api_auth_fetch_state_s
    ngx_http_api_auth_fetch_state_t;


/*
 * The request ctx: the decision and the identity of every request that
 * api_auth checks.  It is small, to leave room in the request pool's
 * first block (request_pool_size, 4k by default); the state of a fetch
 * or a wait is in ctx->fetch, NULL until one begins.
 */

typedef struct {
    api_auth::result                  result;
    ngx_http_api_auth_cache_status_e  cache_status;
    ngx_uint_t                        method;     /* NGX_HTTP_API_AUTH_* */
    ngx_uint_t                        token_type; /* NGX_HTTP_API_AUTH_TOKEN_*
                                                     or 0 */
    ngx_int_t                         rc;         /* decision, once made */

    unsigned                          started:1;  /* the check began */
    unsigned                          decided:1;
    unsigned                          dry_run:1;  /* a rejection, waived */
    unsigned                          counted:1;  /* in the metrics */
    unsigned                          timing:1;   /* our call, since
                                                     fetch_start */
    unsigned                          fetching:1;  /* our subrequest runs */
    unsigned                          waiting:1;
    unsigned                          done:1;     /* subrequest finished */
    unsigned                          has_stale:1;
    unsigned                          hidden:1;   /* credential header
                                                     removed */
    unsigned                          jwks_fetch:1;   /* our subrequest
                                                         fetches the keys */
    unsigned                          jwks_fetched:1; /* once a request */
    unsigned                          jwks_retry:1;   /* start over when
                                                         called again */
    unsigned                          jwks_keyed:1;   /* key holds the set's
                                                         generation */
    ngx_uint_t                        hide_parts;  /* hide_part[] used */
    ngx_list_part_t                   hide_part[NGX_HTTP_API_AUTH_HIDE_PARTS];

    ngx_str_t                         client;
    ngx_str_t                         subject;
    ngx_str_t                         scope;
    ngx_str_t                         claims;     /* claims record, pool */

    /* the key lookup, made once: by the check or by a variable before */
    ngx_uint_t                        key_state;  /* NGX_HTTP_API_AUTH_KEY_ */
    ngx_uint_t                        key_source; /* NGX_HTTP_API_AUTH_SRC_ */
    const api_auth::key_entry        *key_entry;

    api_auth::digest                  digest;     /* of the bearer token */
    api_auth::digest                  key;        /* its cache key */
    ngx_str_t                         token;      /* view, client header */
    ngx_shm_zone_t                   *owner;      /* set while our call is
                                                     in flight */
    uint32_t                          owner_id;   /* our in-flight marker */

    ngx_http_request_t               *request;
    void                             *conf;       /* decided for this
                                                     location */
    ngx_http_api_auth_fetch_state_t  *fetch;      /* or NULL */
} ngx_http_api_auth_ctx_t;

static_assert(std::is_trivially_destructible<ngx_http_api_auth_ctx_t>::value,
              "the request ctx lives in r->pool and is never destructed");


/*
 * A fetch or a wait of the request (ngx_http_api_auth_fetch_state()):
 * from r->pool, when the first one begins, kept for the later ones.
 */

struct ngx_http_api_auth_fetch_state_s {
    ngx_http_api_auth_ctx_t          *ctx;
    ngx_buf_t                        *body;       /* fetch body, scrubbed
                                                     when the call ends */

    /* the subrequest's answer (views into its pool) */
    ngx_uint_t                        sr_status;
    ngx_str_t                         sr_body;
    ngx_uint_t                        sr_encoded;
    ngx_uint_t                        sr_not_json;
    ngx_uint_t                        sr_too_big;
    size_t                            sr_size;
    unsigned                          sr_complete:1;  /* its last buffer
                                                         passed */

    ngx_event_t                       wait_ev;    /* waiting for a peer */
    ngx_msec_t                        wait_delay;
    ngx_msec_t                        wait_start;
    ngx_msec_t                        fetch_start;  /* introspection */
    ngx_queue_t                       wait_link;  /* in this worker's list */
};

static_assert(std::is_trivially_destructible<
                  ngx_http_api_auth_fetch_state_t>::value,
              "the fetch state lives in r->pool and is never destructed");


#endif /* _NGX_HTTP_API_AUTH_CTX_H_INCLUDED_ */
