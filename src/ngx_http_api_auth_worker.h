/*
 * ngx_http_api_auth_module: the state of one worker process, set up by
 * the module's init_process and taken down by its exit_process
 * (ngx_http_api_auth_worker.cpp).  A field that a file keeps for the life
 * of a worker goes here, with its init in init_process, rather than in a
 * static of that file initialised on first use.
 */

#ifndef _NGX_HTTP_API_AUTH_WORKER_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_WORKER_H_INCLUDED_

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#error "include ngx_http_api_auth.h"
#endif


typedef struct {
    /* requests waiting for a call in flight (ngx_http_api_auth_wait.cpp):
     * ngx_http_api_auth_ctx_t, by wait_link */
    ngx_queue_t                   waiters;

    /* the warnings said once per worker (ngx_http_api_auth_phases.cpp) */
    ngx_uint_t                    warned_internal;
    ngx_uint_t                    warned_early;
    ngx_uint_t                    access_phase;  /* the first handler of
                                                    the access phase;
                                                    NGX_CONF_UNSET_UINT
                                                    until looked up */

    /* the store (ngx_http_api_auth_shm_alloc.cpp): when this worker last logged
     * a failed allocation, and the counter of the owners of its in-flight
     * markers (ngx_http_api_auth_new_owner), from a random start */
    time_t                        last_alert;
    uint32_t                      owner_calls;

    /*
     * The key of the correlation ids logged for unknown credentials
     * (ngx_http_api_auth_util.cpp): drawn once per master process at its
     * first configuration (the module stays loaded across reloads, so ids
     * stay comparable until a restart) and inherited by the workers, which
     * keep it as it is.
     */
    api_auth::digest              log_secret;
    ngx_uint_t                    log_secret_set;
} ngx_http_api_auth_worker_t;

static_assert(std::is_trivially_destructible<
                  ngx_http_api_auth_worker_t>::value,
              "a static of the process, never destructed by nginx");


extern ngx_http_api_auth_worker_t  ngx_http_api_auth_worker;


/* ngx_http_api_auth_worker.cpp */
ngx_int_t ngx_http_api_auth_init_process(ngx_cycle_t *cycle) noexcept;
void ngx_http_api_auth_exit_process(ngx_cycle_t *cycle) noexcept;


#endif /* _NGX_HTTP_API_AUTH_WORKER_H_INCLUDED_ */
