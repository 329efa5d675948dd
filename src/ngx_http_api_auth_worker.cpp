/*
 * ngx_http_api_auth_module: the lifecycle of a worker process's state
 * (ngx_http_api_auth_worker_t), and of the worker's JWT key sets
 * (ngx_http_api_auth_jwks_conf.cpp).
 */

#include "ngx_http_api_auth.h"


ngx_http_api_auth_worker_t  ngx_http_api_auth_worker;


/*
 * Runs in every process that serves requests (workers, and the single
 * process of "master_process off"), before the first request.  The log
 * secret is the master's, inherited: it stays.
 */

ngx_int_t
ngx_http_api_auth_init_process(ngx_cycle_t *cycle) noexcept
{
    ngx_http_api_auth_worker_t  *w = &ngx_http_api_auth_worker;

    ngx_queue_init(&w->waiters);

    w->warned_internal = 0;
    w->warned_early = 0;
    w->access_phase = NGX_CONF_UNSET_UINT;

    w->last_alert = 0;

    /* after the fork: ngx_random() is seeded from this worker's ngx_pid */
    w->owner_calls = static_cast<uint32_t>(ngx_random());

    return ngx_http_api_auth_jwks_init_process(cycle);
}


/*
 * The worker is going away: no request of it runs again, so its waiters
 * are left as they are; the key sets' EVP_PKEY objects are freed.
 */

void
ngx_http_api_auth_exit_process(ngx_cycle_t *cycle) noexcept
{
    ngx_http_api_auth_jwks_exit_process(cycle);
}
