/*
 * ngx_http_api_auth_module: the token cache: api_auth_cache_zone and
 * api_auth_cache, the namespaces of the zone, and token records (an
 * answer, or an in-flight marker) on top of the store
 * (ngx_http_api_auth_shm.cpp).  Raw tokens are never stored: only their
 * SHA-256, combined with the namespace.
 *
 * Every function takes the zone mutex itself and holds it only around
 * POD copies; nothing here logs except ALERT and debug, or can throw.
 */

#include "ngx_http_api_auth.h"


static char *ngx_http_api_auth_cache_share(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_str_t *value) noexcept;


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


char *
ngx_http_api_auth_cache_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    u_char                    *p;
    ssize_t                    size;
    ngx_str_t                 *value, name, s;
    ngx_shm_zone_t            *shm_zone;
    ngx_http_api_auth_zone_t  *zone;

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_strncmp(value[1].data, "zone=", 5) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid parameter \"%V\", expected "
                           "\"zone=NAME:SIZE\"", &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    name.data = value[1].data + 5;

    p = reinterpret_cast<u_char *>(
            const_cast<char *>(ngx_strchr(name.data, ':')));

    if (p == NULL || p == name.data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid zone \"%V\", expected "
                           "\"zone=NAME:SIZE\"", &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    name.len = p - name.data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: invalid zone size \"%V\"", &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (size < static_cast<ssize_t>(8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: zone \"%V\" is too small", &value[1]);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    shm_zone = ngx_shared_memory_add(cf, &name, size,
                                     &ngx_http_api_auth_module);
    if (shm_zone == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: duplicate zone \"%V\"", &name);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    zone = static_cast<ngx_http_api_auth_zone_t *>(
               ngx_pcalloc(cf->pool, sizeof(ngx_http_api_auth_zone_t)));
    if (zone == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    shm_zone->init = ngx_http_api_auth_init_zone;
    shm_zone->data = zone;

    return NGX_CONF_OK;
}


char *
ngx_http_api_auth_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
    noexcept
{
    ngx_http_api_auth_loc_conf_t *alcf =
        static_cast<ngx_http_api_auth_loc_conf_t *>(conf);

    time_t      *t;
    ngx_str_t   *value, s;
    ngx_uint_t   i;

    if (alcf->cache != NGX_CONF_UNSET_PTR) {
        return const_cast<char *>("is duplicate");
    }

    value = static_cast<ngx_str_t *>(cf->args->elts);

    if (ngx_strcmp(value[1].data, "off") == 0) {
        if (cf->args->nelts != 2) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: \"off\" takes no other parameter");
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        alcf->cache = NULL;
        return NGX_CONF_OK;
    }

    alcf->cache = ngx_shared_memory_add(cf, &value[1], 0,
                                        &ngx_http_api_auth_module);
    if (alcf->cache == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "max_ttl=", 8) == 0) {
            t = &alcf->max_ttl;
            s.data = value[i].data + 8;

        } else if (ngx_strncmp(value[i].data, "negative_ttl=", 13) == 0) {
            t = &alcf->negative_ttl;
            s.data = value[i].data + 13;

        } else if (ngx_strncmp(value[i].data, "stale_if_error=", 15) == 0) {
            t = &alcf->stale_if_error;
            s.data = value[i].data + 15;

        } else if (ngx_strncmp(value[i].data, "namespace=", 10) == 0) {
            if (ngx_http_api_auth_cache_share(cf, alcf, &value[i])
                != NGX_CONF_OK)
            {
                return static_cast<char *>(NGX_CONF_ERROR);
            }

            continue;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid parameter \"%V\"",
                               &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        s.len = value[i].data + value[i].len - s.data;

        if (*t != NGX_CONF_UNSET) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: duplicate parameter \"%V\"",
                               &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        *t = ngx_parse_time(&s, 1);

        if (*t == static_cast<time_t>(NGX_ERROR)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: invalid time in \"%V\"", &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }

        /* a bound keeps now + ttl far from time_t overflow */
        if (*t > NGX_HTTP_API_AUTH_MAX_TTL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "api_auth: time in \"%V\" is more than 365d",
                               &value[i]);
            return static_cast<char *>(NGX_CONF_ERROR);
        }
    }

    if (alcf->max_ttl == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: \"max_ttl\" must be at least 1s");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}


/* "namespace=NAME": a complex value, possibly with variables */

static char *
ngx_http_api_auth_cache_share(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *alcf, ngx_str_t *value) noexcept
{
    ngx_str_t                          name;
    ngx_http_compile_complex_value_t   ccv;

    if (alcf->cache_share != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: duplicate parameter \"%V\"", value);
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    name.data = value->data + 10;
    name.len = value->len - 10;

    if (name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "api_auth: empty \"namespace=\"");
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    alcf->cache_share = static_cast<ngx_http_complex_value_t *>(
                            ngx_palloc(cf->pool,
                                       sizeof(ngx_http_complex_value_t)));
    if (alcf->cache_share == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &name;
    ccv.complex_value = alcf->cache_share;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    return NGX_CONF_OK;
}


/*
 * One zone may serve locations that ask different authorization servers,
 * or keep answers for different times.  Where an introspection location
 * leads is nginx's configuration (proxy_pass, a map on $host, ...), which
 * the module cannot read, so by default an entry is shared only by
 * locations of one server block, of one configuration load, with the same
 * api_auth_introspect URI, client id and cache times, and only for
 * requests to the same host (the request completes the namespace with
 * its host: a map on $host picks the server per host).  A reload starts
 * a new namespace: the old entries are never read again and age out.
 *
 * "namespace=NAME" states that every location naming it asks the same
 * authorization server: they share entries across server blocks and
 * across reloads; NAME may contain variables (e.g. tenant-$host).
 */

char *
ngx_http_api_auth_cache_namespace(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    u_char                         *p, *last;
    size_t                          len;
    ngx_http_core_srv_conf_t       *cscf;
    ngx_http_api_auth_main_conf_t  *amcf;

    if (!(conf->methods & NGX_HTTP_API_AUTH_OAUTH) || conf->cache == NULL) {
        return NGX_CONF_OK;
    }

    cscf = static_cast<ngx_http_core_srv_conf_t *>(
               ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module));
    amcf = static_cast<ngx_http_api_auth_main_conf_t *>(
               ngx_http_conf_get_module_main_conf(cf,
                                                  ngx_http_api_auth_module));

    len = sizeof("api_auth cache 2 shared") + sizeof(amcf->nonce) * 2
          + NGX_PTR_SIZE * 2 + conf->introspect.len + conf->client_id.len
          + 3 * NGX_TIME_T_LEN + 8;

    if (conf->cache_share) {
        len += conf->cache_share->value.len;
    }

    p = static_cast<u_char *>(ngx_pnalloc(cf->temp_pool, len));
    if (p == NULL) {
        return static_cast<char *>(NGX_CONF_ERROR);
    }

    /* NUL-separated: no field can run into the next */

    if (conf->cache_share == NULL) {
        /* the nonce has a fixed length: it needs no separator */
        last = ngx_cpymem(p, amcf->nonce, sizeof(amcf->nonce));
        last = ngx_snprintf(last, len - sizeof(amcf->nonce),
                            "api_auth cache 2%Z%p%Z%V%Z%V%Z%T %T %T", cscf,
                            &conf->introspect, &conf->client_id,
                            conf->max_ttl, conf->negative_ttl,
                            conf->stale_if_error);

        conf->cache_ns_request = 1;

    } else {
        last = ngx_snprintf(p, len, "api_auth cache 2 shared%Z%V%Z%T %T %T"
                            "%Z", &conf->client_id, conf->max_ttl,
                            conf->negative_ttl, conf->stale_if_error);

        if (conf->cache_share->lengths == NULL) {
            last = ngx_cpymem(last, conf->cache_share->value.data,
                              conf->cache_share->value.len);
        }

        conf->cache_ns_request = (conf->cache_share->lengths != NULL);
    }

    api_auth::sha256(p, last - p, conf->cache_ns);

    return NGX_CONF_OK;
}


/* "api_auth_cache" sets the zone and its times together */

void
ngx_http_api_auth_cache_merge(ngx_http_api_auth_loc_conf_t *prev,
    ngx_http_api_auth_loc_conf_t *conf) noexcept
{
    if (conf->cache == NGX_CONF_UNSET_PTR) {
        conf->cache = prev->cache;
        conf->cache_share = prev->cache_share;
        conf->max_ttl = prev->max_ttl;
        conf->negative_ttl = prev->negative_ttl;
        conf->stale_if_error = prev->stale_if_error;
    }

    ngx_conf_merge_ptr_value(conf->cache, prev->cache, NULL);
    ngx_conf_merge_sec_value(conf->max_ttl, prev->max_ttl, 300);
    ngx_conf_merge_sec_value(conf->negative_ttl, prev->negative_ttl, 10);
    ngx_conf_merge_sec_value(conf->stale_if_error, prev->stale_if_error, 0);
}
