/*
 * ngx_http_api_auth_module: declarations shared by the adapter files.
 *
 * This is the only header that includes nginx.  nginx headers come first,
 * inside extern "C", before any C++ header (STYLE.md 3.5): they set
 * _GNU_SOURCE and _FILE_OFFSET_BITS for everything that follows.
 */

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_H_INCLUDED_


extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
}

#include <string>
#include <type_traits>

#include "core/claims.hpp"
#include "core/credentials.hpp"
#include "core/digest.hpp"
#include "core/identity.hpp"
#include "core/keyfile.hpp"
#include "core/policy.hpp"
#include "core/url.hpp"

namespace api_auth {
struct jwk_set;                         /* core/jwk.hpp */
}


static_assert(__cplusplus >= 201703L, "C++17 required");

#if (nginx_version < 1022000)
#error ngx_http_api_auth_module requires nginx 1.22 or newer
#endif


#define NGX_HTTP_API_AUTH_KEY        0x01
#define NGX_HTTP_API_AUTH_OAUTH      0x02

#define NGX_HTTP_API_AUTH_SRC_BEARER  0
#define NGX_HTTP_API_AUTH_SRC_BASIC   1
#define NGX_HTTP_API_AUTH_SRC_HEADER  2
/* header=Authorization: a value with no Bearer or Basic scheme is a key */
#define NGX_HTTP_API_AUTH_SRC_AUTHZ   3

/* how long other requests wait for an introspection call in flight */
#define NGX_HTTP_API_AUTH_PENDING    10

/* the longest max_ttl, negative_ttl or stale_if_error: 365 days */
#define NGX_HTTP_API_AUTH_MAX_TTL    (365 * 86400)

/* list part descriptors in the ctx for hiding (ngx_http_api_auth_hide) */
#define NGX_HTTP_API_AUTH_HIDE_PARTS  4

/* which directives a level writes itself (ngx_http_api_auth_lint) */
#define NGX_HTTP_API_AUTH_HERE_METHODS   0x01
#define NGX_HTTP_API_AUTH_HERE_SCOPE     0x02
#define NGX_HTTP_API_AUTH_HERE_AUDIENCE  0x04

/* the request's API-key lookup (ngx_http_api_auth_key_identify) */
#define NGX_HTTP_API_AUTH_KEY_UNSEEN     0
#define NGX_HTTP_API_AUTH_KEY_ABSENT     1  /* no key credential */
#define NGX_HTTP_API_AUTH_KEY_MALFORMED  2  /* 400 invalid_request */
#define NGX_HTTP_API_AUTH_KEY_UNKNOWN    3  /* not a key of the file */
#define NGX_HTTP_API_AUTH_KEY_FOUND      4

/* api_auth_phase */
#define NGX_HTTP_API_AUTH_PHASE_ACCESS     0
#define NGX_HTTP_API_AUTH_PHASE_PREACCESS  1

/* api_auth_build_info{version} */
#define NGX_HTTP_API_AUTH_VERSION    "0.1.0"

/* Retry-After, in seconds, on 503 */
#define NGX_HTTP_API_AUTH_RETRY      "5"


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


typedef struct {
    ngx_uint_t                    type;     /* NGX_HTTP_API_AUTH_SRC_* */
    ngx_str_t                     header;   /* lowercase name, for HEADER */
} ngx_http_api_auth_source_t;


typedef struct {
    /* random per configuration load: a new load never reads old answers
     * unless a location names its share (api_auth_cache namespace=) */
    u_char                        nonce[16];
    ngx_array_t                  *prm;      /* loc confs of
                                               api_auth_protected_resource_
                                               metadata */

    /* metrics (ngx_http_api_auth_metrics.cpp), fixed at configuration */
    ngx_array_t                   metric_groups;  /* server + location */
    ngx_array_t                   metric_zones;   /* ngx_shm_zone_t * */
    ngx_shm_zone_t               *metrics;
    ngx_atomic_t                 *metrics_rows;   /* the first, or NULL */
    ngx_uint_t                    metrics_slots;  /* rows */
    ngx_uint_t                    metrics_row;    /* counters per row */
    uint64_t                      metrics_layout;

    ngx_array_t                  *jwks;     /* ngx_http_api_auth_jwks_t *:
                                               every api_auth_jwks */
} ngx_http_api_auth_main_conf_t;


typedef struct {
    ngx_flag_t                    any_location;  /* api_auth is on in a
                                                    location of this
                                                    server */
    ngx_array_t                  *resources;  /* ngx_http_api_auth_prm_doc_t:
                                                 the metadata documents of
                                                 this server */
} ngx_http_api_auth_srv_conf_t;


/* one protected-resource metadata document, rendered at merge time */
typedef struct {
    ngx_str_t                     resource;
    ngx_str_t                     metadata; /* where it is published */
    ngx_str_t                     doc;      /* the JSON bytes */
} ngx_http_api_auth_prm_doc_t;

/* the api_auth_jwt_* directives (ngx_http_api_auth_jwt.cpp) */
typedef struct ngx_http_api_auth_jwt_conf_s  ngx_http_api_auth_jwt_conf_t;

/* one api_auth_jwks (ngx_http_api_auth_jwks.cpp) */
typedef struct {
    ngx_str_t                     uri;      /* the internal location */
    time_t                        refresh;
    time_t                        min_refresh;
    time_t                        stale_if_error;
    void                         *state;    /* this worker's key set */
} ngx_http_api_auth_jwks_t;


typedef struct {
    ngx_uint_t                    methods;  /* NGX_HTTP_API_AUTH_* bits */
    ngx_flag_t                    optional;
    ngx_str_t                     realm;

    api_auth::key_table          *keys;
    ngx_array_t                  *sources;  /* ngx_http_api_auth_source_t */

    ngx_str_t                     introspect;
    ngx_str_t                     client_id;
    ngx_str_t                     secret_file;
    ngx_str_t                     client_auth;  /* "Basic ..." header value */

    ngx_shm_zone_t               *cache;    /* NULL: api_auth_cache off */
    time_t                        max_ttl;
    time_t                        negative_ttl;
    time_t                        stale_if_error;
    ngx_http_complex_value_t     *cache_share;  /* namespace=, or NULL */
    api_auth::digest              cache_ns; /* this configuration's share
                                               of the zone */
    ngx_flag_t                    cache_ns_request;  /* cache_ns is a base:
                                                        the request's host
                                                        or namespace= value
                                                        completes it */

    ngx_str_t                     scope;    /* required, space-delimited */
    ngx_str_t                     audience; /* accepted, space-delimited */
    ngx_flag_t                    audience_off;  /* "..._audience off":
                                                    not the resource */

    /* RFC 9728 / RFC 8707 (ngx_http_api_auth_prm.cpp) */
    ngx_str_t                     resource; /* api_auth_resource, verbatim */
    ngx_str_t                     metadata; /* its metadata URL; "" for
                                               metadata=off */
    ngx_str_t                     auth_servers;  /* issuers, space-
                                                    delimited */
    ngx_str_t                     scopes_supported;  /* NULL: the required
                                                        scopes; "": off */
    ngx_str_t                     resource_name;
    ngx_str_t                     resource_doc;  /* documentation URL */

    ngx_flag_t                    hide;     /* unset: on with a resource */
    ngx_array_t                  *scrub;    /* ngx_str_t patterns, or NULL */
    ngx_uint_t                    preflight;  /* 1: "pass" */
    api_auth::scope_implications *implies;  /* or NULL */
    ngx_uint_t                    token_basic;  /* api_auth_token_source:
                                                   0 unset, 1 bearer, 2
                                                   bearer basic */
    ngx_array_t                  *claims;   /* api_auth::required_claim:
                                               api_auth_require_claim, or
                                               NULL */

    /* api_auth_protected_resource_metadata (this location serves it) */
    ngx_flag_t                    prm;
    ngx_str_t                     prm_root;      /* root=, or empty */
    ngx_str_t                     prm_cache;     /* Cache-Control value */
    ngx_http_api_auth_srv_conf_t *prm_server;
    ngx_http_api_auth_prm_doc_t  *prm_root_doc;

    ngx_http_api_auth_jwt_conf_t *jwt;      /* NULL: no api_auth_jwt_* */
    ngx_http_api_auth_jwks_t     *jwks;     /* api_auth_jwks, or NULL */

    /* WWW-Authenticate values, built once at merge time */
    ngx_str_t                     challenge_missing;
    ngx_str_t                     challenge_request;
    ngx_str_t                     challenge_token;
    ngx_str_t                     challenge_scope;

    /* operations */
    ngx_flag_t                    dry_run;
    ngx_uint_t                    phase;    /* NGX_HTTP_API_AUTH_PHASE_* */
    ngx_str_t                     metrics_name;
    ngx_uint_t                    metrics_group;  /* 1-based; 0: none */
} ngx_http_api_auth_loc_conf_t;


/* shared memory: POD only, no pointers into process memory (R12) */

typedef struct {
    ngx_rbtree_node_t             node;     /* key: digest[0..7] */
    ngx_queue_t                   queue;    /* LRU, head = most recent */
    u_char                        digest[32];
    time_t                        expires;  /* fresh until; 0: no record */
    time_t                        stale;    /* usable on AS errors until */
    time_t                        pending;  /* call in flight until */
    ngx_msec_t                    failed;   /* when the last call failed */
    u_char                        active;
    u_char                        pad;
    uint16_t                      len;      /* claims record length */
    uint32_t                      owner;    /* who set "pending" */
    u_char                        data[1];  /* claims record */
} ngx_http_api_auth_node_t;

static_assert(std::is_standard_layout<ngx_http_api_auth_node_t>::value, "");
static_assert(std::is_trivially_copyable<ngx_http_api_auth_node_t>::value,
              "");
static_assert(offsetof(ngx_http_api_auth_node_t, data) <= 128,
              "a negative entry fits one 128-byte slab slot");

/*
 * The node and shctx layout; a zone of another layout is never reused.
 * Overridable only for t/028-zone-version.t (a second build of the module).
 */
#ifndef NGX_HTTP_API_AUTH_SHM_VERSION
#define NGX_HTTP_API_AUTH_SHM_VERSION  4  /* 4: the key sets' table */
#endif

typedef struct {
    ngx_uint_t                    version;  /* first, in every layout */
    ngx_rbtree_t                  rbtree;
    ngx_rbtree_node_t             sentinel;
    ngx_queue_t                   queue;
    ngx_uint_t                    entries;
    ngx_uint_t                    evicted;
    void                         *jwks;     /* the key sets' table
                                               (ngx_http_api_auth_jwks.h) */
} ngx_http_api_auth_shctx_t;

typedef struct {
    ngx_http_api_auth_shctx_t    *sh;
    ngx_slab_pool_t              *shpool;
    ngx_uint_t                    metrics;  /* its index among the zones */
} ngx_http_api_auth_zone_t;


/* the metrics layout: the counters of a row (ngx_http_api_auth_metrics) */

#define NGX_HTTP_API_AUTH_M_METHODS   3     /* none, api_key, oauth */
#define NGX_HTTP_API_AUTH_M_RESULTS   7     /* allow ... unavailable */

static_assert(NGX_HTTP_API_AUTH_M_RESULTS == api_auth::result_unavailable,
              "a metrics row counts every result but none");

/* module-wide counters, first in a row */
#define NGX_HTTP_API_AUTH_M_INTROSPECT  0   /* active, inactive, error */
#define NGX_HTTP_API_AUTH_M_BUCKETS     3   /* the histogram's buckets */
#define NGX_HTTP_API_AUTH_M_NBUCKETS    12  /* 11 bounds and +Inf */
#define NGX_HTTP_API_AUTH_M_SUM         15  /* milliseconds */
#define NGX_HTTP_API_AUTH_M_JWKS        16  /* key set fetches: ok, error */
#define NGX_HTTP_API_AUTH_M_JWT         18  /* signature checks: per alg, */
#define NGX_HTTP_API_AUTH_M_ALGS        11  /* valid then invalid */
#define NGX_HTTP_API_AUTH_M_GLOBAL                                           \
    (NGX_HTTP_API_AUTH_M_JWT + 2 * NGX_HTTP_API_AUTH_M_ALGS)

/* per cache zone: hit, miss, stale, store failures */
#define NGX_HTTP_API_AUTH_M_ZONE        4
#define NGX_HTTP_API_AUTH_M_STORE_FAIL  3

/* per group: requests by method and result, then dry-run rejections */
#define NGX_HTTP_API_AUTH_M_GROUP                                            \
    (NGX_HTTP_API_AUTH_M_METHODS * NGX_HTTP_API_AUTH_M_RESULTS               \
     + NGX_HTTP_API_AUTH_M_RESULTS)

/* counters per cache line */
#define NGX_HTTP_API_AUTH_M_LINE                                             \
    (NGX_CPU_CACHE_LINE / sizeof(ngx_atomic_t))


typedef struct {
    ngx_str_t                     server;
    ngx_str_t                     location;
} ngx_http_api_auth_metrics_group_t;


typedef enum {
    ngx_http_api_auth_lookup_hit,       /* fresh record copied out */
    ngx_http_api_auth_lookup_wait,      /* another call is in flight */
    ngx_http_api_auth_lookup_failed,    /* the call waited for failed */
    ngx_http_api_auth_lookup_own        /* caller must introspect */
} ngx_http_api_auth_lookup_e;

/* a record copied out of the zone, on the stack of the caller */
typedef struct {
    time_t                        expires;
    time_t                        stale;
    ngx_uint_t                    active;
    ngx_uint_t                    stale_usable;
    size_t                        len;
    u_char                        data[api_auth::max_claims_record];
} ngx_http_api_auth_record_t;


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
    unsigned                          sr_complete:1;  /* its last buffer
                                                         passed */
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
    ngx_buf_t                        *body;       /* fetch body, scrubbed
                                                     when the call ends */
    ngx_shm_zone_t                   *owner;      /* set while our call is
                                                     in flight */
    uint32_t                          owner_id;   /* our in-flight marker */

    /* the introspection subrequest's answer (views into its pool) */
    ngx_uint_t                        sr_status;
    ngx_str_t                         sr_body;
    ngx_uint_t                        sr_encoded;
    ngx_uint_t                        sr_not_json;
    ngx_uint_t                        sr_too_big;
    size_t                            sr_size;

    ngx_http_request_t               *request;
    void                             *conf;       /* decided for this
                                                     location */
    ngx_event_t                       wait_ev;    /* waiting for a peer */
    ngx_msec_t                        wait_delay;
    ngx_msec_t                        wait_start;
    ngx_msec_t                        fetch_start;  /* introspection */
    ngx_queue_t                       wait_link;  /* in this worker's list */
} ngx_http_api_auth_ctx_t;

/* what a fetch sends: the module's own method, headers and body */
typedef struct {
    ngx_str_t                        *uri;        /* internal location */
    ngx_uint_t                        method;     /* NGX_HTTP_GET, ... */
    ngx_str_t                         method_name;
    ngx_str_t                         content_type;  /* with a body */
    ngx_str_t                         accept;
    ngx_str_t                         authorization; /* or empty */
    ngx_buf_t                        *body;       /* or NULL */
} ngx_http_api_auth_fetch_t;

static_assert(std::is_trivially_destructible<ngx_http_api_auth_ctx_t>::value,
              "the request ctx lives in r->pool and is never destructed");


extern "C" ngx_module_t  ngx_http_api_auth_module;


/* ngx_http_api_auth_handler.cpp */
ngx_int_t ngx_http_api_auth_handler(ngx_http_request_t *r) noexcept;
ngx_http_api_auth_ctx_t *ngx_http_api_auth_find_ctx(ngx_http_request_t *r)
    noexcept;
ngx_http_api_auth_ctx_t *ngx_http_api_auth_create_ctx(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept;
void ngx_http_api_auth_cleanup(void *data) noexcept;
char *ngx_http_api_auth_token_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
void ngx_http_api_auth_handler_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;

/* ngx_http_api_auth_key_conf.cpp */
char *ngx_http_api_auth_keys(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept;
char *ngx_http_api_auth_key_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_key_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;

/* ngx_http_api_auth_keys.cpp */
ngx_int_t ngx_http_api_auth_parse_authorization(
    ngx_http_api_auth_loc_conf_t *alcf, ngx_table_elt_t *h,
    api_auth::authorization *auth) noexcept;
ngx_int_t ngx_http_api_auth_key_resolve(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::authorization *auth, ngx_uint_t bearer);
const api_auth::key_entry *ngx_http_api_auth_key_identify(
    ngx_http_request_t *r) noexcept;

/* ngx_http_api_auth_answer.cpp */
char *ngx_http_api_auth_challenges(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
api_auth::result ngx_http_api_auth_authorize(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::identity &id) noexcept;
ngx_int_t ngx_http_api_auth_decide_claims(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t active);
ngx_int_t ngx_http_api_auth_outcome(ngx_http_api_auth_ctx_t *ctx,
    api_auth::result result) noexcept;
ngx_int_t ngx_http_api_auth_answer(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
ngx_int_t ngx_http_api_auth_reject(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    api_auth::result result);

/* ngx_http_api_auth_variables.cpp */
ngx_int_t ngx_http_api_auth_add_variables(ngx_conf_t *cf) noexcept;
ngx_str_t *ngx_http_api_auth_result_name(api_auth::result result)
    noexcept;

/* ngx_http_api_auth_policy.cpp */
char *ngx_http_api_auth(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept;
char *ngx_http_api_auth_join(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept;
char *ngx_http_api_auth_scope_implies(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_require_claim(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
ngx_uint_t ngx_http_api_auth_policy_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
char *ngx_http_api_auth_check_api_key(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
char *ngx_http_api_auth_check_oauth(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;

/* ngx_http_api_auth_lint.cpp */
void ngx_http_api_auth_lint(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf, ngx_uint_t here) noexcept;
char *ngx_http_api_auth_realm(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;

/* ngx_http_api_auth_prm.cpp */
char *ngx_http_api_auth_resource(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_authorization_servers(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_api_auth_scopes_supported(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_resource_name(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_resource_documentation(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_api_auth_prm_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;
ngx_int_t ngx_http_api_auth_prm_check(ngx_conf_t *cf, const char *what,
    ngx_str_t *url, api_auth::url_use use) noexcept;

/* ngx_http_api_auth_metadata.cpp */
char *ngx_http_api_auth_prm_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
ngx_int_t ngx_http_api_auth_prm_init(ngx_conf_t *cf) noexcept;

/* ngx_http_api_auth_hide.cpp */
char *ngx_http_api_auth_scrub_headers(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
ngx_uint_t ngx_http_api_auth_hide_on(ngx_http_api_auth_loc_conf_t *alcf)
    noexcept;
ngx_int_t ngx_http_api_auth_hide(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept;
ngx_int_t ngx_http_api_auth_scrub(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf) noexcept;
ngx_table_elt_t *ngx_http_api_auth_find_header(ngx_http_request_t *r,
    ngx_str_t *name) noexcept;

/* ngx_http_api_auth_phases.cpp */
extern ngx_conf_enum_t  ngx_http_api_auth_phases[];
ngx_int_t ngx_http_api_auth_init_phases(ngx_conf_t *cf) noexcept;
void ngx_http_api_auth_phase_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;
void ngx_http_api_auth_check_early(ngx_http_request_t *r) noexcept;

/* ngx_http_api_auth_introspect_conf.cpp */
char *ngx_http_api_auth_introspect_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf) noexcept;
char *ngx_http_api_auth_secret_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_client_auth(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
void ngx_http_api_auth_introspect_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;

/* ngx_http_api_auth_introspect.cpp */
ngx_int_t ngx_http_api_auth_oauth(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
ngx_int_t ngx_http_api_auth_oauth_resume(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);
void ngx_http_api_auth_release_call(ngx_http_api_auth_ctx_t *ctx,
    ngx_uint_t failed) noexcept;

/* ngx_http_api_auth_jwt.cpp */
char *ngx_http_api_auth_jwt_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_jwt_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;
ngx_uint_t ngx_http_api_auth_jwt_enabled(ngx_http_api_auth_loc_conf_t *conf)
    noexcept;
ngx_int_t ngx_http_api_auth_jwt(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx);

/* ngx_http_api_auth_fetch.cpp */
ngx_int_t ngx_http_api_auth_init_filters(ngx_conf_t *cf) noexcept;
ngx_uint_t ngx_http_api_auth_own_subrequest(ngx_http_request_t *r) noexcept;
ngx_int_t ngx_http_api_auth_fetch_start(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx, ngx_http_api_auth_fetch_t *f) noexcept;
void ngx_http_api_auth_fetch_finish(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
ngx_int_t ngx_http_api_auth_wait(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
void ngx_http_api_auth_wake_waiters(ngx_http_api_auth_ctx_t *ctx) noexcept;
void ngx_http_api_auth_fetch_cleanup(ngx_http_api_auth_ctx_t *ctx) noexcept;
void ngx_http_api_auth_wake_all_waiters(void) noexcept;

/* ngx_http_api_auth_jwks.cpp */
char *ngx_http_api_auth_jwks_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
void ngx_http_api_auth_jwks_key(ngx_http_api_auth_loc_conf_t *alcf,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
ngx_int_t ngx_http_api_auth_jwks_get(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx,
    const api_auth::jwk_set **set) noexcept;
ngx_int_t ngx_http_api_auth_jwks_unknown(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept;
void ngx_http_api_auth_jwks_done(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_ctx_t *ctx)
    noexcept;
void ngx_http_api_auth_jwks_abort(ngx_http_api_auth_ctx_t *ctx) noexcept;
ngx_int_t ngx_http_api_auth_jwks_init_process(ngx_cycle_t *cycle) noexcept;
void ngx_http_api_auth_jwks_exit_process(ngx_cycle_t *cycle) noexcept;

/* ngx_http_api_auth_util.cpp */
extern api_auth::digest  ngx_http_api_auth_log_secret;
ngx_int_t ngx_http_api_auth_init_secrets(void *nonce, size_t len) noexcept;
void ngx_http_api_auth_log_id(ngx_log_t *log, ngx_uint_t level,
    const api_auth::digest &d, char *out) noexcept;
ngx_table_elt_t *ngx_http_api_auth_push_header(ngx_pool_t *pool,
    ngx_list_t *list, ngx_str_t *name, ngx_str_t *value, ngx_uint_t request)
    noexcept;
ngx_int_t ngx_http_api_auth_push_challenge(ngx_http_request_t *r,
    ngx_str_t *value) noexcept;
ngx_int_t ngx_http_api_auth_read_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *text) noexcept;
ngx_int_t ngx_http_api_auth_pstrdup(ngx_conf_t *cf, ngx_str_t *dst,
    const std::string &src) noexcept;

/* ngx_http_api_auth_shm.cpp */
ngx_int_t ngx_http_api_auth_init_zone(ngx_shm_zone_t *shm_zone, void *data)
    noexcept;
ngx_http_api_auth_node_t *ngx_http_api_auth_lookup_locked(
    ngx_http_api_auth_zone_t *zone, const u_char *digest) noexcept;
void ngx_http_api_auth_delete_locked(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_node_t *node) noexcept;
ngx_http_api_auth_node_t *ngx_http_api_auth_alloc_locked(
    ngx_http_api_auth_zone_t *zone, const api_auth::digest &d, size_t len,
    time_t now, ngx_uint_t answer) noexcept;
uint32_t ngx_http_api_auth_new_owner() noexcept;

/* ngx_http_api_auth_metrics.cpp */
ngx_int_t ngx_http_api_auth_metrics_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept;
ngx_int_t ngx_http_api_auth_init_metrics(ngx_conf_t *cf) noexcept;

/* ngx_http_api_auth_count.cpp */
void ngx_http_api_auth_count_request(ngx_http_request_t *r,
    ngx_http_api_auth_ctx_t *ctx) noexcept;
void ngx_http_api_auth_count_introspection(ngx_http_request_t *r,
    ngx_uint_t result, ngx_msec_t ms) noexcept;
void ngx_http_api_auth_metrics_jwks_fetch(ngx_http_request_t *r,
    ngx_uint_t ok) noexcept;
void ngx_http_api_auth_count_jwt_verify(ngx_http_request_t *r,
    ngx_uint_t alg, ngx_uint_t valid) noexcept;
void ngx_http_api_auth_count_store_failure(ngx_http_api_auth_zone_t *zone)
    noexcept;
extern const ngx_msec_t  ngx_http_api_auth_bounds[];
ngx_int_t ngx_http_api_auth_metrics_sum(ngx_http_api_auth_main_conf_t *amcf,
    uint64_t *out) noexcept;

/* ngx_http_api_auth_scrape.cpp */
char *ngx_http_api_auth_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;

/* ngx_http_api_auth_cache.cpp */
char *ngx_http_api_auth_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_cache(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_cache_namespace(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
void ngx_http_api_auth_cache_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
ngx_http_api_auth_lookup_e ngx_http_api_auth_cache_acquire(
    ngx_shm_zone_t *shm_zone, const api_auth::digest &d, time_t now,
    ngx_msec_t since, ngx_http_api_auth_record_t *rec, uint32_t *owner)
    noexcept;
void ngx_http_api_auth_cache_store(ngx_shm_zone_t *shm_zone,
    const api_auth::digest &d, ngx_uint_t active, time_t expires,
    time_t stale, const u_char *data, size_t len) noexcept;
void ngx_http_api_auth_cache_release(ngx_shm_zone_t *shm_zone,
    const api_auth::digest &d, uint32_t owner, ngx_uint_t failed) noexcept;


#endif /* _NGX_HTTP_API_AUTH_H_INCLUDED_ */
