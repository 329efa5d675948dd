/*
 * ngx_http_api_auth_module: the store in shared memory.
 *
 * limit_req's lifecycle and shape: a slab pool holding an rbtree keyed by
 * a digest and an LRU queue.  A node is a fixed POD header and a record
 * in one allocation; it may carry an in-flight marker ("pending") so that
 * one call serves all workers.  The zone's shared context carries the
 * layout version: a zone kept across a reload by another version of the
 * module is refused, never read with the wrong layout.
 *
 * Functions named _locked run under the zone mutex, which their caller
 * (ngx_http_api_auth_cache.cpp) holds only around POD copies.  Nodes,
 * and room for them in a full zone, are allocated in
 * ngx_http_api_auth_shm_alloc.cpp.
 */

#include "ngx_http_api_auth.h"


static ngx_int_t ngx_http_api_auth_check_layout(ngx_shm_zone_t *shm_zone,
    ngx_http_api_auth_zone_t *zone) noexcept;
static void ngx_http_api_auth_rbtree_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel) noexcept;


ngx_int_t
ngx_http_api_auth_init_zone(ngx_shm_zone_t *shm_zone, void *data) noexcept
{
    ngx_http_api_auth_zone_t *ozone = static_cast<ngx_http_api_auth_zone_t *>(
                                          data);

    size_t                     len;
    ngx_http_api_auth_zone_t  *zone;

    zone = static_cast<ngx_http_api_auth_zone_t *>(shm_zone->data);

    if (ozone) {
        /* reload: keep the entries (the node layout has no settings) */
        zone->sh = ozone->sh;
        zone->shpool = ozone->shpool;

        return ngx_http_api_auth_check_layout(shm_zone, zone);
    }

    zone->shpool = reinterpret_cast<ngx_slab_pool_t *>(shm_zone->shm.addr);

    if (shm_zone->shm.exists) {
        zone->sh = static_cast<ngx_http_api_auth_shctx_t *>(
                       zone->shpool->data);

        return ngx_http_api_auth_check_layout(shm_zone, zone);
    }

    zone->sh = static_cast<ngx_http_api_auth_shctx_t *>(
                   ngx_slab_alloc(zone->shpool,
                                  sizeof(ngx_http_api_auth_shctx_t)));
    if (zone->sh == NULL) {
        return NGX_ERROR;
    }

    zone->shpool->data = zone->sh;

    ngx_rbtree_init(&zone->sh->rbtree, &zone->sh->sentinel,
                    ngx_http_api_auth_rbtree_insert_value);

    ngx_queue_init(&zone->sh->queue);

    zone->sh->version = NGX_HTTP_API_AUTH_SHM_VERSION;
    zone->sh->entries = 0;
    zone->sh->evicted = 0;
    zone->sh->jwks = NULL;   /* made by the first key set stored */

    len = sizeof(" in api_auth zone \"\"") + shm_zone->shm.name.len;

    zone->shpool->log_ctx = static_cast<u_char *>(
                                ngx_slab_alloc(zone->shpool, len));
    if (zone->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(zone->shpool->log_ctx, " in api_auth zone \"%V\"%Z",
                &shm_zone->shm.name);

    zone->shpool->log_nomem = 0;

    return NGX_OK;
}


/*
 * A zone kept across a reload was made by the module of the old cycle,
 * which may be another version (a new load_module path): its nodes are
 * read only if their layout is this one, as limit_req refuses a zone of
 * another key.
 */

static ngx_int_t
ngx_http_api_auth_check_layout(ngx_shm_zone_t *shm_zone,
    ngx_http_api_auth_zone_t *zone) noexcept
{
    if (zone->sh->version == NGX_HTTP_API_AUTH_SHM_VERSION) {
        return NGX_OK;
    }

    ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                  "api_auth_cache_zone \"%V\" was created by another "
                  "version of the module, whose layout this one cannot "
                  "read: restart nginx, or give the zone another name",
                  &shm_zone->shm.name);

    return NGX_ERROR;
}


static void
ngx_http_api_auth_rbtree_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel) noexcept
{
    ngx_rbtree_node_t         **p;
    ngx_http_api_auth_node_t   *n, *t;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else { /* node->key == temp->key */

            n = reinterpret_cast<ngx_http_api_auth_node_t *>(node);
            t = reinterpret_cast<ngx_http_api_auth_node_t *>(temp);

            p = (ngx_memcmp(n->digest, t->digest, sizeof(n->digest)) < 0)
                ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


/* the rbtree key of a digest */

ngx_rbtree_key_t
ngx_http_api_auth_cache_node_key(const u_char *digest) noexcept
{
    ngx_rbtree_key_t  key;

    ngx_memcpy(&key, digest, sizeof(key));

    return key;
}


/* the zone mutex must be held */

ngx_http_api_auth_node_t *
ngx_http_api_auth_lookup_locked(ngx_http_api_auth_zone_t *zone,
    const u_char *digest) noexcept
{
    ngx_int_t                  rc;
    ngx_rbtree_key_t           key;
    ngx_rbtree_node_t         *node, *sentinel;
    ngx_http_api_auth_node_t  *n;

    key = ngx_http_api_auth_cache_node_key(digest);

    node = zone->sh->rbtree.root;
    sentinel = zone->sh->rbtree.sentinel;

    while (node != sentinel) {

        if (key < node->key) {
            node = node->left;
            continue;
        }

        if (key > node->key) {
            node = node->right;
            continue;
        }

        n = reinterpret_cast<ngx_http_api_auth_node_t *>(node);

        rc = ngx_memcmp(digest, n->digest, sizeof(n->digest));

        if (rc == 0) {
            return n;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


/* the zone mutex must be held */

void
ngx_http_api_auth_delete_locked(ngx_http_api_auth_zone_t *zone,
    ngx_http_api_auth_node_t *node) noexcept
{
    ngx_queue_remove(&node->queue);
    ngx_rbtree_delete(&zone->sh->rbtree, &node->node);
    ngx_slab_free_locked(zone->shpool, node);

    zone->sh->entries--;
}
