/*
 * ngx_http_api_auth_module: the module's constants and its
 * configuration (main, server, location), built at configuration
 * time and read-only afterwards.
 */

#ifndef _NGX_HTTP_API_AUTH_CONF_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_CONF_H_INCLUDED_

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#error "include ngx_http_api_auth.h"
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


#endif /* _NGX_HTTP_API_AUTH_CONF_H_INCLUDED_ */
