/*
 * ngx_http_api_auth_module: the slots of the JWT key sets in a cache zone
 * (ngx_http_api_auth_jwks_share.cpp uses them): a small fixed table in
 * the zone's shared context, made with the zone's first set, each slot
 * named by the set's origin and holding the validated document in slab
 * pages of its own, never in a page of token records.  A slot no worker
 * looked at for an hour may be taken for another set (one of an old
 * configuration).  A slot is named by the set's URI and server block, or
 * the location's namespace= (ngx_http_api_auth_jwks_slot_id).  Functions
 * named _locked run under the zone mutex.
 */

#include "ngx_http_api_auth_jwks.h"

#include <string>


/* a slot no request looked at for this long may take another set */
#define NGX_HTTP_API_AUTH_JWKS_IDLE  3600


/* slab sizes above half a page take whole pages: never a token's page */

static size_t
ngx_http_api_auth_jwks_pages(size_t size) noexcept
{
    return ngx_max(size, ngx_pagesize / 2 + 1);
}


/*
 * The slot's name: the set's URI in the share the location names
 * (api_auth_cache namespace=NAME without variables: the operator states
 * that its locations ask one authorization server), else in the server
 * block of the directive, named by its place in the configuration and its
 * server_name: stable across a reload of the same configuration, never
 * the name of another server block's set.
 */

static void
ngx_http_api_auth_jwks_slot_id(ngx_http_api_auth_loc_conf_t *alcf,
    ngx_http_api_auth_jwks_state_t *s) noexcept
{
    std::string                jwks_id;
    ngx_str_t                 *uri;
    ngx_http_core_srv_conf_t  *srv;

    uri = &alcf->jwks->uri;
    srv = s->server;

    try {
        if (alcf->cache_share && alcf->cache_share->lengths == NULL) {
            jwks_id.assign("api_auth jwks 1 shared");
            jwks_id.append(1, '\0').append(
                reinterpret_cast<char *>(alcf->cache_share->value.data),
                alcf->cache_share->value.len);

        } else {
            jwks_id.assign("api_auth jwks 1 server");
            jwks_id.append(1, '\0');

            if (srv && srv->file_name) {
                jwks_id.append(reinterpret_cast<char *>(srv->file_name))
                       .append(1, ':').append(std::to_string(srv->line));
            }

            jwks_id.append(1, '\0');

            if (srv) {
                jwks_id.append(reinterpret_cast<char *>(
                                   srv->server_name.data),
                               srv->server_name.len);
            }
        }

        jwks_id.append(1, '\0').append(reinterpret_cast<char *>(uri->data),
                                       uri->len);

    } catch (...) {
        s->local = true;
        return;
    }

    api_auth::sha256(reinterpret_cast<const u_char *>(jwks_id.data()),
                     jwks_id.size(), s->id);
}


/*
 * The zone that holds the request's set, or NULL: the worker's own set.
 * A worker's set binds to the zone (and slot name) of the first request
 * that has api_auth_cache; a location with another zone keeps the
 * worker's set.
 */

ngx_shm_zone_t *
ngx_http_api_auth_jwks_zone(ngx_http_api_auth_loc_conf_t *alcf,
    ngx_http_api_auth_jwks_state_t *s) noexcept
{
    if (alcf->cache == NULL || s->local) {
        return NULL;
    }

    if (s->zone == NULL) {
        ngx_http_api_auth_jwks_slot_id(alcf, s);

        if (s->local) {
            return NULL;
        }

        s->zone = alcf->cache;
    }

    return s->zone == alcf->cache ? s->zone : NULL;
}


/*
 * The set's slot, made if create (in a free slot, else in the one looked
 * at least recently if that was NGX_HTTP_API_AUTH_JWKS_IDLE ago: a set of
 * an old configuration), or NULL.  The zone mutex must be held.
 */

ngx_http_api_auth_jwks_slot_t *
ngx_http_api_auth_jwks_slot_locked(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_jwks_state_t *s, ngx_uint_t create, time_t now)
    noexcept
{
    ngx_uint_t                       i;
    ngx_http_api_auth_jwks_slot_t   *slot, *free, *idle;
    ngx_http_api_auth_jwks_table_t  *table;

    table = static_cast<ngx_http_api_auth_jwks_table_t *>(zone->sh->jwks);

    if (table == NULL) {
        if (!create) {
            return NULL;
        }

        /* the zone's first key set: a zone without one spends no page */
        table = static_cast<ngx_http_api_auth_jwks_table_t *>(
                    ngx_slab_alloc_locked(zone->shpool,
                        ngx_http_api_auth_jwks_pages(
                            sizeof(ngx_http_api_auth_jwks_table_t))));
        if (table == NULL) {
            return NULL;
        }

        *table = ngx_http_api_auth_jwks_table_t{};
        zone->sh->jwks = table;
    }

    free = NULL;
    idle = NULL;

    for (i = 0; i < NGX_HTTP_API_AUTH_JWKS_SLOTS; i++) {
        /* the slot found last time first */
        slot = &table->slot[(s->slot + i) % NGX_HTTP_API_AUTH_JWKS_SLOTS];

        if (!slot->used) {
            free = free ? free : slot;
            continue;
        }

        if (ngx_memcmp(slot->id, s->id.data(), sizeof(slot->id)) == 0) {
            s->slot = slot - table->slot;
            slot->seen = now;
            return slot;
        }

        if (!slot->sched.in_flight(now)
            && now - slot->seen >= NGX_HTTP_API_AUTH_JWKS_IDLE
            && (idle == NULL || slot->seen < idle->seen))
        {
            idle = slot;
        }
    }

    slot = free ? free : idle;

    if (!create || slot == NULL) {
        return NULL;
    }

    if (slot->body) {
        ngx_slab_free_locked(zone->shpool, slot->body);
    }

    *slot = ngx_http_api_auth_jwks_slot_t{};
    ngx_memcpy(slot->id, s->id.data(), sizeof(slot->id));
    slot->used = 1;
    slot->seen = now;
    s->slot = slot - table->slot;

    return slot;
}


/* the document in the zone, in place of the old one; NULL: no room */

u_char *
ngx_http_api_auth_jwks_store_locked(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_jwks_slot_t *slot, const ngx_str_t *body) noexcept
{
    u_char  *p;

    if (slot->body && slot->len == body->len
        && ngx_memcmp(slot->body, body->data, body->len) == 0)
    {
        /* the same document: the workers keep the set they built */
        return slot->body;
    }

    p = static_cast<u_char *>(ngx_slab_alloc_locked(zone->shpool,
                                  ngx_http_api_auth_jwks_pages(body->len)));
    if (p == NULL) {
        return NULL;
    }

    ngx_memcpy(p, body->data, body->len);

    if (slot->body) {
        ngx_slab_free_locked(zone->shpool, slot->body);
    }

    slot->body = p;
    slot->len = body->len;
    slot->generation = ++static_cast<ngx_http_api_auth_jwks_table_t *>(
                           zone->sh->jwks)->generation;

    return p;
}
