/*
 * ngx_http_api_auth_module: the shared-memory store
 * (ngx_http_api_auth_shm.cpp, its nodes ngx_http_api_auth_shm_alloc.cpp)
 * and the typed records on top of it (ngx_http_api_auth_cache.cpp), set up
 * by the cache directives (ngx_http_api_auth_cache_conf.cpp).
 */

#ifndef _NGX_HTTP_API_AUTH_STORE_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_STORE_H_INCLUDED_

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#error "include ngx_http_api_auth.h"
#endif


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


/* ngx_http_api_auth_shm.cpp */
ngx_int_t ngx_http_api_auth_init_zone(ngx_shm_zone_t *shm_zone, void *data)
    noexcept;
ngx_rbtree_key_t ngx_http_api_auth_cache_node_key(const u_char *digest)
    noexcept;
ngx_http_api_auth_node_t *ngx_http_api_auth_lookup_locked(
    ngx_http_api_auth_zone_t *zone, const u_char *digest) noexcept;
void ngx_http_api_auth_delete_locked(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_node_t *node) noexcept;

/* ngx_http_api_auth_shm_alloc.cpp */
ngx_http_api_auth_node_t *ngx_http_api_auth_alloc_locked(
    ngx_http_api_auth_zone_t *zone, const api_auth::digest &d, size_t len,
    time_t now, ngx_uint_t answer) noexcept;
uint32_t ngx_http_api_auth_new_owner() noexcept;

/* ngx_http_api_auth_cache_conf.cpp */
char *ngx_http_api_auth_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_cache(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf) noexcept;
char *ngx_http_api_auth_cache_namespace(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;
void ngx_http_api_auth_cache_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept;

/* ngx_http_api_auth_cache.cpp */
ngx_http_api_auth_lookup_e ngx_http_api_auth_cache_acquire(
    ngx_shm_zone_t *shm_zone, const api_auth::digest &d, time_t now,
    ngx_msec_t since, ngx_http_api_auth_record_t *rec, uint32_t *owner)
    noexcept;
void ngx_http_api_auth_cache_store(ngx_shm_zone_t *shm_zone,
    const api_auth::digest &d, ngx_uint_t active, time_t expires,
    time_t stale, const u_char *data, size_t len) noexcept;
void ngx_http_api_auth_cache_release(ngx_shm_zone_t *shm_zone,
    const api_auth::digest &d, uint32_t owner, ngx_uint_t failed) noexcept;


#endif /* _NGX_HTTP_API_AUTH_STORE_H_INCLUDED_ */
