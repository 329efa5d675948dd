/*
 * ngx_http_api_auth_module: the nodes of the store's zone
 * (ngx_http_api_auth_shm.cpp): their allocation, room made when the slab
 * refuses one (eviction by slab size class: an entry of the same size or
 * a whole page of another), and the owners of in-flight markers.
 *
 * Functions named _locked run under the zone mutex.
 */

#include "ngx_http_api_auth.h"


#define ngx_http_api_auth_node_size(len)                                      \
    (offsetof(ngx_http_api_auth_node_t, data) + (len))

/* least recently used nodes looked at to make room for one node */
#define NGX_HTTP_API_AUTH_SCAN  32

/* neither fresh, nor usable on errors, nor in flight */
#define ngx_http_api_auth_useless(node, now)                                  \
    ((node)->expires <= (now) && (node)->stale <= (now)                       \
     && (node)->pending <= (now))


static size_t ngx_http_api_auth_slot_size(ngx_slab_pool_t *shpool,
    size_t size) noexcept;
static u_char *ngx_http_api_auth_page(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_node_t *node) noexcept;
static void ngx_http_api_auth_evict_page_locked(
    ngx_http_api_auth_zone_t *zone, ngx_http_api_auth_node_t *victim,
    u_char *page) noexcept;
static void *ngx_http_api_auth_evict_locked(ngx_http_api_auth_zone_t *zone,
    size_t size, time_t now, ngx_uint_t answer) noexcept;


/*
 * The size ngx_slab_alloc_locked() really takes for size bytes: a power
 * of two of at least 1 << min_shift up to half a page, whole pages above
 * that.  Freeing a node of the same slot size always makes room for
 * another of that size; freeing nodes of other sizes does so only when
 * it leaves a whole page free.
 */

static size_t
ngx_http_api_auth_slot_size(ngx_slab_pool_t *shpool, size_t size) noexcept
{
    size_t  slot;

    if (size > ngx_pagesize / 2) {
        return ngx_align(size, ngx_pagesize);
    }

    for (slot = static_cast<size_t>(1) << shpool->min_shift;
         slot < size;
         slot <<= 1)
    {
        /* void */
    }

    return slot;
}


/*
 * The slab page that holds node, or NULL if it also holds the zone's own
 * allocations (sh, log_ctx), which evicting its nodes would not free.
 */

static u_char *
ngx_http_api_auth_page(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_node_t *node) noexcept
{
    u_char  *p, *page, *start;

    start = zone->shpool->start;
    p = reinterpret_cast<u_char *>(node);

    page = start + (static_cast<size_t>(p - start) & ~(ngx_pagesize - 1));

    p = reinterpret_cast<u_char *>(zone->sh);

    if (p >= page && p < page + ngx_pagesize) {
        return NULL;
    }

    p = zone->shpool->log_ctx;

    if (p >= page && p < page + ngx_pagesize) {
        return NULL;
    }

    return page;
}


/*
 * Evicts every node in the slab page of victim, slots of victim's size,
 * so that the page is free for a node of any size.  A slot holds a live
 * node if the tree finds that very slot under the digest the slot holds;
 * a free slot's leftover bytes never lead back to their own address.
 * Nodes in flight there go too: their calls then end as if they had
 * placed no marker.  The zone mutex must be held.
 */

static void
ngx_http_api_auth_evict_page_locked(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_node_t *victim, u_char *page) noexcept
{
    size_t                     slot;
    u_char                    *p;
    ngx_http_api_auth_node_t  *node;

    slot = ngx_http_api_auth_slot_size(zone->shpool,
               ngx_http_api_auth_node_size(victim->len));

    if (slot >= ngx_pagesize) {
        /* the node has its page to itself */
        ngx_http_api_auth_delete_locked(zone, victim);
        zone->sh->evicted++;
        return;
    }

    for (p = page; p + slot <= page + ngx_pagesize; p += slot) {
        node = reinterpret_cast<ngx_http_api_auth_node_t *>(p);

        if (ngx_http_api_auth_lookup_locked(zone, node->digest) == node) {
            ngx_http_api_auth_delete_locked(zone, node);
            zone->sh->evicted++;
        }
    }
}


/*
 * Makes room for size bytes after the slab refused them, looking at no
 * more than the NGX_HTTP_API_AUTH_SCAN least recently used nodes:
 *
 *   - nodes of no more use among them are dropped, whatever their size;
 *   - an in-flight marker (answer == 0) stops there: it never evicts an
 *     entry that still answers;
 *   - an answer evicts the least recently used of them whose slot size
 *     is its own: exactly one entry, and the retry cannot fail;
 *   - if none is, the page of the least recently used of them: one page
 *     that then holds many nodes of the size that needed it, so that
 *     over a run of misses each costs about its own size, as plain LRU
 *     by bytes would.
 *
 * Nodes in flight are left alone: their call is about to replace them.
 * Returns the allocation or NULL.  The zone mutex must be held.
 */

static void *
ngx_http_api_auth_evict_locked(ngx_http_api_auth_zone_t *zone, size_t size,
    time_t now, ngx_uint_t answer) noexcept
{
    size_t                     slot;
    u_char                    *page, *vpage;
    ngx_uint_t                 i;
    ngx_queue_t               *q, *prev;
    ngx_http_api_auth_node_t  *node, *same, *victim;

    slot = ngx_http_api_auth_slot_size(zone->shpool, size);

    same = NULL;
    victim = NULL;
    vpage = NULL;

    q = ngx_queue_last(&zone->sh->queue);

    for (i = 0; i < NGX_HTTP_API_AUTH_SCAN; i++) {

        if (q == ngx_queue_sentinel(&zone->sh->queue)) {
            break;
        }

        prev = ngx_queue_prev(q);
        node = ngx_queue_data(q, ngx_http_api_auth_node_t, queue);
        q = prev;

        if (ngx_http_api_auth_useless(node, now)) {
            ngx_http_api_auth_delete_locked(zone, node);
            continue;
        }

        if (node->pending > now) {
            continue;
        }

        if (ngx_http_api_auth_slot_size(zone->shpool,
                ngx_http_api_auth_node_size(node->len)) == slot)
        {
            if (same == NULL) {
                same = node;
            }

            continue;
        }

        if (victim == NULL) {
            page = ngx_http_api_auth_page(zone, node);

            if (page != NULL) {
                victim = node;
                vpage = page;
            }
        }
    }

    if (!answer) {
        return ngx_slab_alloc_locked(zone->shpool, size);
    }

    if (same != NULL) {
        ngx_http_api_auth_delete_locked(zone, same);
        zone->sh->evicted++;

    } else if (victim != NULL) {
        ngx_http_api_auth_evict_page_locked(zone, victim, vpage);
    }

    return ngx_slab_alloc_locked(zone->shpool, size);
}


/*
 * Allocates and links a node for digest d with room for a len-byte
 * record.  First drops up to two least recently used nodes that are of no
 * more use (limit_req_expire); if the slab is still full, makes room
 * (ngx_http_api_auth_evict_locked) or gives up: the request then goes on
 * with its answer uncached, or without an in-flight marker (answer == 0).
 * The zone mutex must be held.
 */

ngx_http_api_auth_node_t *
ngx_http_api_auth_alloc_locked(ngx_http_api_auth_zone_t *zone,
    const api_auth::digest &d, size_t len, time_t now, ngx_uint_t answer)
    noexcept
{
    size_t                     size;
    ngx_uint_t                 i;
    ngx_queue_t               *q;
    ngx_http_api_auth_node_t  *node;

    for (i = 0; i < 2 && !ngx_queue_empty(&zone->sh->queue); i++) {
        q = ngx_queue_last(&zone->sh->queue);
        node = ngx_queue_data(q, ngx_http_api_auth_node_t, queue);

        if (!ngx_http_api_auth_useless(node, now)) {
            break;
        }

        ngx_http_api_auth_delete_locked(zone, node);
    }

    size = ngx_http_api_auth_node_size(len);

    node = static_cast<ngx_http_api_auth_node_t *>(
               ngx_slab_alloc_locked(zone->shpool, size));

    if (node == NULL) {
        node = static_cast<ngx_http_api_auth_node_t *>(
                   ngx_http_api_auth_evict_locked(zone, size, now, answer));
    }

    if (node == NULL) {
        if (!answer) {
            /* expected in a full zone: the call goes on uncoalesced */
            ngx_log_debug0(NGX_LOG_DEBUG_HTTP, ngx_cycle->log, 0,
                           "api_auth cache: no room for an in-flight "
                           "marker");
            return NULL;
        }

        /*
         * the request goes on uncached; a zone whose oldest entries are
         * all in flight would otherwise log this on every miss
         */
        ngx_http_api_auth_count_store_failure(zone);

        if (ngx_time() - ngx_http_api_auth_worker.last_alert >= 10) {
            ngx_http_api_auth_worker.last_alert = ngx_time();
            ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, 0,
                          "api_auth: could not allocate node%s "
                          "(logged at most every 10s)",
                          zone->shpool->log_ctx);
        }

        return NULL;
    }

    ngx_memzero(node, ngx_http_api_auth_node_size(0));
    ngx_memcpy(node->digest, d.data(), sizeof(node->digest));
    node->node.key = ngx_http_api_auth_cache_node_key(d.data());
    node->len = static_cast<uint16_t>(len);

    ngx_rbtree_insert(&zone->sh->rbtree, &node->node);
    ngx_queue_insert_head(&zone->sh->queue, &node->queue);

    zone->sh->entries++;

    return node;
}


/*
 * A new in-flight marker's owner, unique among the live workers: the
 * worker's process slot (no two live workers share one) in the high 10
 * bits, and a counter in the low 22 that starts at a random value (the
 * worker's, drawn by init_process), so that a new worker in the slot of
 * one that is still finishing its calls (after a reload) does not repeat
 * its ids.  Only the owner of the
 * current marker may clear it: a call that outlived its marker (a slow
 * server, NGX_HTTP_API_AUTH_PENDING) and ends after another request took
 * over must not end the newer call's marker.
 */

uint32_t
ngx_http_api_auth_new_owner() noexcept
{
    uint32_t  calls;

    calls = ++ngx_http_api_auth_worker.owner_calls;

    return (static_cast<uint32_t>(ngx_process_slot) & 0x3ff) << 22
           | (calls & 0x3fffff);
}
