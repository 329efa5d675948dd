/*
 * ngx_http_api_auth_module: the JWT key sets of api_auth_jwks kept in the
 * cache zone, for all workers (SPEC.md "JWT access tokens", "Keys"), when
 * the location has api_auth_cache.
 *
 * A set has a slot of its own in a small fixed table of the zone's shared
 * context, outside the token LRU: token pressure never evicts it
 * (ngx_http_api_auth_jwks_slot.cpp).  The slot holds the validated JWK Set document (slab pages of its own), a
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
 * A zone without room for a set (no free slot, no free pages) logs one
 * warning and the worker keeps its own set, as without api_auth_cache.
 * The zone mutex is held only around POD copies.
 */

#include "ngx_http_api_auth_jwks.h"

#include <string>


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

    slot = ngx_http_api_auth_jwks_slot_locked(zone, s, 0, ngx_time());

    if (slot == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        return;
    }

    s->sched = slot->sched;
    gen = slot->generation;
    len = slot->len;

    ngx_shmtx_unlock(&zone->shpool->mutex);

    if (gen == s->shared) {
        return;
    }

    if (len == 0) {
        /* a slot made again: no set yet, this worker's is not its own */
        s->shared = gen;
        return;
    }

    try {
        body.resize(len);
    } catch (...) {
        /* this generation is skipped: the next fetch claims the zone's */
        s->shared = gen;
        return;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);

    if (slot->generation != gen || slot->len != len
        || ngx_memcmp(slot->id, s->id.data(), sizeof(slot->id)) != 0)
    {
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
        return;
    }

    ngx_log_error(NGX_LOG_INFO, log, 0,
                  "api_auth: JWT key set from \"%V\" taken from the zone: "
                  "%uz keys", &alcf->jwks->uri, s->set.keys.size());
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

    slot = ngx_http_api_auth_jwks_slot_locked(zone, s, 1, now);

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

    slot = ngx_http_api_auth_jwks_slot_locked(zone, s, 0, now);

    if (slot == NULL) {
        ngx_shmtx_unlock(&zone->shpool->mutex);
        s->owner = 0;
        ngx_http_api_auth_jwks_record(r, jwks, s, body, now);
        return;
    }

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

    slot = ngx_http_api_auth_jwks_slot_locked(zone, s, 0, ngx_time());

    if (slot != NULL && slot->owner == s->owner) {
        slot->owner = 0;
        slot->sched.fetching = false;
    }

    if (slot != NULL) {
        s->sched = slot->sched;
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    s->owner = 0;
}
