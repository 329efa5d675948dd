/*
 * ngx_http_api_auth_module: the token cache: token records (an answer,
 * or an in-flight marker) on top of the store
 * (ngx_http_api_auth_shm.cpp); the directives that set it up are
 * ngx_http_api_auth_cache_conf.cpp.  Raw tokens are never stored: only
 * their SHA-256, combined with the namespace.
 *
 * Every function takes the zone mutex itself and holds it only around
 * POD copies; nothing here logs except ALERT and debug, or can throw.
 */

#include "ngx_http_api_auth.h"


/*
 * Looks up a token.  hit: a fresh record was copied into rec.  wait:
 * another request holds a call in flight.  own: the caller must
 * introspect; an in-flight marker, owned by *owner, now says so to
 * others, and rec holds the expired record if it may still be served on
 * errors (rec->stale_usable).
 */

ngx_http_api_auth_lookup_e
ngx_http_api_auth_cache_acquire(ngx_shm_zone_t *shm_zone,
    const api_auth::digest &d, time_t now, ngx_msec_t since,
    ngx_http_api_auth_record_t *rec, uint32_t *owner) noexcept
{
    ngx_http_api_auth_zone_t    *zone;
    ngx_http_api_auth_node_t    *node;
    ngx_http_api_auth_lookup_e   rc;

    zone = static_cast<ngx_http_api_auth_zone_t *>(shm_zone->data);

    *owner = ngx_http_api_auth_new_owner();

    rec->len = 0;
    rec->active = 0;
    rec->stale_usable = 0;

    ngx_shmtx_lock(&zone->shpool->mutex);

    node = ngx_http_api_auth_lookup_locked(zone, d.data());

    if (node == NULL) {
        node = ngx_http_api_auth_alloc_locked(zone, d, 0, now, 0);

        if (node != NULL) {
            node->pending = now + NGX_HTTP_API_AUTH_PENDING;
            node->owner = *owner;
        }

        ngx_shmtx_unlock(&zone->shpool->mutex);

        return ngx_http_api_auth_lookup_own;
    }

    if (node->expires > now) {
        ngx_queue_remove(&node->queue);
        ngx_queue_insert_head(&zone->sh->queue, &node->queue);

        rc = ngx_http_api_auth_lookup_hit;

    } else if (node->pending > now) {
        rc = ngx_http_api_auth_lookup_wait;

    } else {
        rec->stale_usable = (node->expires && node->active
                             && now < node->stale);

        if (since && node->failed
            && static_cast<ngx_msec_int_t>(node->failed - since) >= 0)
        {
            /* the call this request waited for failed: share the outcome */
            rc = ngx_http_api_auth_lookup_failed;

        } else {
            node->pending = now + NGX_HTTP_API_AUTH_PENDING;
            node->owner = *owner;
            rc = ngx_http_api_auth_lookup_own;
        }
    }

    if (rc == ngx_http_api_auth_lookup_hit || rec->stale_usable) {
        rec->expires = node->expires;
        rec->stale = node->stale;
        rec->active = node->active;
        rec->len = ngx_min(node->len, sizeof(rec->data));
        ngx_memcpy(rec->data, node->data, rec->len);
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);

    return rc;
}


/* replaces the token's node (and its in-flight marker) with a record */

void
ngx_http_api_auth_cache_store(ngx_shm_zone_t *shm_zone,
    const api_auth::digest &d, ngx_uint_t active, time_t expires,
    time_t stale, const u_char *data, size_t len) noexcept
{
    time_t                     now;
    ngx_http_api_auth_zone_t  *zone;
    ngx_http_api_auth_node_t  *node;

    zone = static_cast<ngx_http_api_auth_zone_t *>(shm_zone->data);

    if (len > api_auth::max_claims_record) {
        return;
    }

    ngx_shmtx_lock(&zone->shpool->mutex);

    node = ngx_http_api_auth_lookup_locked(zone, d.data());

    if (node != NULL) {
        ngx_http_api_auth_delete_locked(zone, node);
    }

    now = ngx_time();

    if (expires <= now && stale <= now) {
        /* of no use at once (negative_ttl=0): nothing to make room for */
        node = NULL;

    } else {
        node = ngx_http_api_auth_alloc_locked(zone, d, len, now, 1);
    }

    if (node != NULL) {
        node->expires = expires;
        node->stale = stale;
        node->active = active ? 1 : 0;

        if (len) {
            ngx_memcpy(node->data, data, len);
        }
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, ngx_cycle->log, 0,
                   "api_auth cache store entries:%ui evicted:%ui",
                   zone->sh->entries, zone->sh->evicted);

    ngx_shmtx_unlock(&zone->shpool->mutex);
}


/*
 * Clears the token's in-flight marker, if it is still the caller's own.
 * After a failed call the node stays and remembers when, so that the
 * requests that waited for that call share its outcome instead of calling
 * one after another; otherwise a node without a record is dropped.
 */

void
ngx_http_api_auth_cache_release(ngx_shm_zone_t *shm_zone,
    const api_auth::digest &d, uint32_t owner, ngx_uint_t failed) noexcept
{
    ngx_http_api_auth_zone_t  *zone;
    ngx_http_api_auth_node_t  *node;

    zone = static_cast<ngx_http_api_auth_zone_t *>(shm_zone->data);

    ngx_shmtx_lock(&zone->shpool->mutex);

    node = ngx_http_api_auth_lookup_locked(zone, d.data());

    if (node != NULL && node->owner == owner) {
        if (failed) {
            node->pending = 0;
            node->failed = ngx_current_msec;

        } else if (node->expires == 0) {
            ngx_http_api_auth_delete_locked(zone, node);

        } else {
            node->pending = 0;
        }
    }

    ngx_shmtx_unlock(&zone->shpool->mutex);
}
