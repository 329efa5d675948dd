/*
 * ngx_http_api_auth_module: the JWT key sets of api_auth_jwks kept in the
 * cache zone, for all workers (SPEC.md "JWT access tokens", "Keys"), when
 * the location has api_auth_cache.
 *
 * A set has a slot of its own in a small fixed table of the zone's shared
 * context, outside the token LRU: token pressure never evicts it.  The
 * slot holds the validated JWK Set document (slab pages of its own), a
 * generation bumped by each document stored, the set's schedule (core
 * jwks_schedule: loaded, back-off, ...) and the owner of the fetch in
 * flight, so that one worker of the whole zone fetches while the others
 * wait for it (polling, as introspection waiters do) or go on with the
 * current set.  A worker compares the slot's generation with the one it
 * built on each request (one locked copy of a few integers) and parses
 * the document into its own EVP_PKEY objects only when it changed.  The
 * zone outlives a reload: the new workers build the stored set and fetch
 * nothing while it is fresh.
 *
 * A slot is named by the set's URI and server block, or the location's
 * namespace= (ngx_http_api_auth_jwks_slot_id).  A zone
 * without room for a set (no free slot, no free pages) logs one warning
 * and the worker keeps its own set, as without api_auth_cache.  The zone
 * mutex is held only around POD copies.
 */

#include "ngx_http_api_auth_jwks.h"

#include <string>


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


/* the set's slot, made if create; the zone mutex must be held */

static ngx_http_api_auth_jwks_slot_t *
ngx_http_api_auth_jwks_slot_locked(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_jwks_state_t *s, ngx_uint_t create) noexcept
{
    ngx_uint_t                       i;
    ngx_http_api_auth_jwks_slot_t   *slot;
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

    if (s->slot < NGX_HTTP_API_AUTH_JWKS_SLOTS) {
        return &table->slot[s->slot];
    }

    for (i = 0; i < NGX_HTTP_API_AUTH_JWKS_SLOTS; i++) {
        slot = &table->slot[i];

        if (slot->used
            && ngx_memcmp(slot->id, s->id.data(), sizeof(slot->id)) == 0)
        {
            s->slot = i;
            return slot;
        }
    }

    if (!create) {
        return NULL;
    }

    for (i = 0; i < NGX_HTTP_API_AUTH_JWKS_SLOTS; i++) {
        slot = &table->slot[i];

        if (!slot->used) {
            *slot = ngx_http_api_auth_jwks_slot_t{};
            ngx_memcpy(slot->id, s->id.data(), sizeof(slot->id));
            slot->used = 1;
            s->slot = i;
            return slot;
        }
    }

    return NULL;
}


static void
ngx_http_api_auth_jwks_no_room(ngx_log_t *log, ngx_http_api_auth_jwks_t *jwks,
    ngx_http_api_auth_jwks_state_t *s, const char *what) noexcept
{
    s->local = true;

    ngx_log_error(NGX_LOG_WARN, log, 0,
                  "api_auth: no room for the JWT key set from \"%V\" in "
                  "api_auth_cache_zone \"%V\" (%s): this worker keeps its "
                  "own set", &jwks->uri, &s->zone->shm.name, what);
}


/*
 * The request path: this worker's schedule is the slot's, and its set is
 * built again if the slot holds another generation.
 */

void
ngx_http_api_auth_jwks_sync(ngx_log_t *log,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_jwks_state_t *s)
    noexcept
{
    size_t                          len;
    uint64_t                        gen;
    const char                     *cause;
    std::string                     body;
    ngx_shm_zone_t                 *shm_zone;
    ngx_http_api_auth_zone_t       *zone;
    ngx_http_api_auth_jwks_slot_t  *slot;

    shm_zone = ngx_http_api_auth_jwks_zone(alcf, s);
    if (shm_zone == NULL) {
        return;
    }

    zone = static_cast<ngx_http_api_auth_zone_t *>(shm_zone->data);

    ngx_shmtx_lock(&zone->shpool->mutex);

    slot = ngx_http_api_auth_jwks_slot_locked(zone, s, 0);

    if (slot == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return;
    }

    s->sched = slot->sched;
    gen = slot->generation;
    len = slot->len;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (gen == s->shared || len == 0) {
        return;
    }

    try {
        body.resize(len);
    } catch (...) {
        return;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);

    if (slot->generation != gen || slot->len != len) {
        /* another set came meanwhile: the next request builds it */
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return;
    }

    ngx_memcpy(&body[0], slot->body, len);

    ngx_shmtx_unlock(&zone->shpool->mutex);

    s->shared = gen;

    cause = ngx_http_api_auth_jwks_build(log, body, s, 0);

    if (cause != NULL) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "api_auth: the JWT key set from \"%V\" in the zone "
                      "cannot be used: %s", &alcf->jwks->uri, cause);
    }
}


/*
 * The request is about to fetch the set: NGX_OK, it is the zone's fetch
 * now; NGX_BUSY, another request of the zone fetches, or did since this
 * worker looked (wait, then look again); NGX_DECLINED, the worker's own
 * set (no api_auth_cache, or no room in the zone).
 */

ngx_int_t
ngx_http_api_auth_jwks_claim(ngx_http_request_t *r,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_http_api_auth_jwks_state_t *s,
    time_t now, time_t bound) noexcept
{
    ngx_int_t                       rc;
    ngx_shm_zone_t                 *shm_zone;
    ngx_http_api_auth_zone_t       *zone;
    ngx_http_api_auth_jwks_slot_t  *slot;

    shm_zone = ngx_http_api_auth_jwks_zone(alcf, s);
    if (shm_zone == NULL) {
        return NGX_DECLINED;
    }

    zone = static_cast<ngx_http_api_auth_zone_t *>(shm_zone->data);

    ngx_shmtx_lock(&zone->shpool->mutex);

    slot = ngx_http_api_auth_jwks_slot_locked(zone, s, 1);

    if (slot == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        ngx_http_api_auth_jwks_no_room(r->connection->log, alcf->jwks, s,
                                       "no free slot");
        return NGX_DECLINED;
    }

    if (slot->sched.in_flight(now) || slot->generation != s->shared
        || slot->sched.attempt != s->sched.attempt)
    {
        rc = NGX_BUSY;

    } else {
        slot->sched.start(now, bound);
        slot->owner = ngx_http_api_auth_new_owner();
        s->owner = slot->owner;
        rc = NGX_OK;
    }

    s->sched = slot->sched;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/* the document in the zone, in place of the old one; NULL: no room */

static u_char *
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
    slot->generation++;

    return p;
}


/*
 * The fetch this worker made ended: body is the validated document that
 * this worker's set was just built from, or NULL (the fetch failed).
 * Without a fetch of the zone the worker's own schedule records it.
 */

void
ngx_http_api_auth_jwks_record(ngx_http_request_t *r,
    ngx_http_api_auth_jwks_t *jwks, ngx_http_api_auth_jwks_state_t *s,
    const ngx_str_t *body, time_t now) noexcept
{
    ngx_uint_t                      mine, stored;
    ngx_http_api_auth_zone_t       *zone;
    api_auth::jwks_schedule         was;
    ngx_http_api_auth_jwks_slot_t  *slot;

    if (s->owner == 0 || s->local || s->slot >= NGX_HTTP_API_AUTH_JWKS_SLOTS) {
        if (body) {
            s->sched.record_success(now);
        } else {
            s->sched.record_failure(ngx_http_api_auth_jwks_times(jwks), now);
        }

        return;
    }

    zone = static_cast<ngx_http_api_auth_zone_t *>(s->zone->data);
    stored = 1;

    ngx_shmtx_lock(&zone->shpool->mutex);

    slot = ngx_http_api_auth_jwks_slot_locked(zone, s, 0);
    mine = (slot->owner == s->owner);
    was = slot->sched;

    if (body) {
        if (ngx_http_api_auth_jwks_store_locked(zone, slot, body) != NULL) {
            slot->sched.record_success(now);
            s->shared = slot->generation;

            if (!mine) {
                /* another request took over the fetch: it goes on */
                slot->sched.fetching = was.fetching;
                slot->sched.attempt = was.attempt;
                slot->sched.fetch_until = was.fetch_until;
            }

        } else {
            stored = 0;
            slot->sched.fetching = mine ? false : was.fetching;
        }

    } else if (mine) {
        slot->sched.record_failure(ngx_http_api_auth_jwks_times(jwks), now);
    }

    if (mine) {
        slot->owner = 0;
    }

    s->sched = slot->sched;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    s->owner = 0;

    if (!stored) {
        ngx_http_api_auth_jwks_no_room(r->connection->log, jwks, s,
                                       "no free pages");
        s->sched.record_success(now);
    }
}


/* a fetch of the zone ends unseen (its request went away, the worker) */

void
ngx_http_api_auth_jwks_release(ngx_http_api_auth_jwks_state_t *s) noexcept
{
    ngx_http_api_auth_zone_t       *zone;
    ngx_http_api_auth_jwks_slot_t  *slot;

    if (s->owner == 0 || s->slot >= NGX_HTTP_API_AUTH_JWKS_SLOTS) {
        return;
    }

    zone = static_cast<ngx_http_api_auth_zone_t *>(s->zone->data);

    ngx_shmtx_lock(&zone->shpool->mutex);

    slot = ngx_http_api_auth_jwks_slot_locked(zone, s, 0);

    if (slot->owner == s->owner) {
        slot->owner = 0;
        slot->sched.fetching = false;
    }

    s->sched = slot->sched;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    s->owner = 0;
}
