/*
 * ngx_http_api_auth_module: this worker's fetched JWT key sets, shared by
 * the directive and the worker's lifecycle (ngx_http_api_auth_jwks_conf.cpp),
 * the request path (ngx_http_api_auth_jwks.cpp) and the sets kept in the
 * cache zone for all workers (ngx_http_api_auth_jwks_share.cpp, their
 * slots ngx_http_api_auth_jwks_slot.cpp).
 */

#ifndef _NGX_HTTP_API_AUTH_JWKS_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_JWKS_H_INCLUDED_

#include "ngx_http_api_auth.h"

#include "core/jwk.hpp"
#include "core/jwks_schedule.hpp"

#include <string_view>


/* key sets in a cache zone: at most this many per zone */
#define NGX_HTTP_API_AUTH_JWKS_SLOTS  16

/*
 * One key set in the cache zone, outside the token LRU (POD only): the
 * validated JWK Set document in slab pages of its own, its generation
 * (bumped by each document stored), its schedule and the owner of the
 * fetch in flight.
 */
typedef struct {
    u_char                        id[32];   /* its name (jwks_slot.cpp) */
    uint64_t                      generation;  /* 0: no set yet */
    api_auth::jwks_schedule       sched;
    uint32_t                      owner;    /* of the fetch in flight */
    uint32_t                      used;     /* 0: a free slot */
    time_t                        seen;     /* last looked at */
    size_t                        len;
    u_char                       *body;     /* in the zone, or NULL */
} ngx_http_api_auth_jwks_slot_t;

typedef struct {
    uint64_t                       generation;  /* the last one given:
                                                   never one a slot had */
    ngx_http_api_auth_jwks_slot_t  slot[NGX_HTTP_API_AUTH_JWKS_SLOTS];
} ngx_http_api_auth_jwks_table_t;

static_assert(std::is_standard_layout<ngx_http_api_auth_jwks_slot_t>::value,
              "");
static_assert(
    std::is_trivially_copyable<ngx_http_api_auth_jwks_slot_t>::value, "");


/* this worker's key set of one api_auth_jwks */
struct ngx_http_api_auth_jwks_state_t {
    api_auth::jwk_set          set;
    api_auth::digest           gen{};       /* of set's kids, thumbprints */
    api_auth::jwks_schedule    sched;
    ngx_http_api_auth_ctx_t   *fetcher = nullptr;  /* fetching, or NULL */

    /* with api_auth_cache: the set in the zone (jwks_share.cpp) */
    ngx_http_core_srv_conf_t  *server = nullptr;   /* of the directive */
    api_auth::digest           id{};        /* the set's slot id */
    ngx_shm_zone_t            *zone = nullptr;     /* bound, or NULL */
    ngx_uint_t                 slot = NGX_HTTP_API_AUTH_JWKS_SLOTS;
    uint64_t                   shared = 0;  /* the generation built */
    uint32_t                   owner = 0;   /* our fetch in the zone */
    bool                       local = false;  /* no room in the zone */
};

/* this worker's state: every key set of the configuration */
typedef struct {
    ngx_array_t               *sets;        /* ngx_http_api_auth_jwks_t * */
} ngx_http_api_auth_jwks_worker_t;

extern ngx_http_api_auth_jwks_worker_t  ngx_http_api_auth_jwks_worker;


static inline ngx_http_api_auth_jwks_state_t *
ngx_http_api_auth_jwks_state(ngx_http_api_auth_jwks_t *jwks) noexcept
{
    return static_cast<ngx_http_api_auth_jwks_state_t *>(jwks->state);
}


static inline api_auth::jwks_times
ngx_http_api_auth_jwks_times(ngx_http_api_auth_jwks_t *jwks) noexcept
{
    return api_auth::jwks_times{ jwks->refresh, jwks->min_refresh,
                                 jwks->stale_if_error };
}


/* ngx_http_api_auth_jwks.cpp */
const char *ngx_http_api_auth_jwks_build(ngx_log_t *log,
    std::string_view body, ngx_http_api_auth_jwks_state_t *s,
    ngx_uint_t warn) noexcept;

/* ngx_http_api_auth_jwks_slot.cpp */
ngx_shm_zone_t *ngx_http_api_auth_jwks_zone(
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_jwks_state_t *s)
    noexcept;
ngx_http_api_auth_jwks_slot_t *ngx_http_api_auth_jwks_slot_locked(
    ngx_http_api_auth_zone_t *zone, ngx_http_api_auth_jwks_state_t *s,
    ngx_uint_t create, time_t now) noexcept;
u_char *ngx_http_api_auth_jwks_store_locked(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_jwks_slot_t *slot, const ngx_str_t *body) noexcept;

/* ngx_http_api_auth_jwks_share.cpp */
void ngx_http_api_auth_jwks_sync(ngx_log_t *log,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_jwks_state_t *s)
    noexcept;
ngx_int_t ngx_http_api_auth_jwks_claim(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_jwks_state_t *s,
    time_t now, time_t bound) noexcept;
void ngx_http_api_auth_jwks_record(ngx_http_request_t *r,
    ngx_http_api_auth_jwks_t *jwks, ngx_http_api_auth_jwks_state_t *s,
    const ngx_str_t *body, time_t now) noexcept;
void ngx_http_api_auth_jwks_release(ngx_http_api_auth_jwks_state_t *s)
    noexcept;


#endif /* _NGX_HTTP_API_AUTH_JWKS_H_INCLUDED_ */
