/*
 * ngx_http_api_auth_module: the requests of this worker that wait for a
 * call in flight, in this worker or another: kept in the worker's queue
 * (ngx_http_api_auth_worker_t), woken by the owner of the call when it
 * ends, or by their own timer.
 */

#include "ngx_http_api_auth.h"


static void ngx_http_api_auth_wake_handler(ngx_event_t *ev) noexcept;
static void ngx_http_api_auth_wake(ngx_http_api_auth_fetch_state_t *w)
    noexcept;


/*
 * Waits for the call in flight: woken by its owner in this worker, or by
 * a timer that polls the zone for an owner in another worker (5 ms,
 * doubling to 40 ms).  The in-flight marker expires after
 * NGX_HTTP_API_AUTH_PENDING seconds, which bounds the wait.
 */

ngx_int_t
ngx_http_api_auth_wait(ngx_http_request_t *r, ngx_http_api_auth_ctx_t *ctx)
    noexcept
{
    ngx_http_api_auth_fetch_state_t  *fs;

    fs = ngx_http_api_auth_fetch_state(r, ctx);
    if (fs == NULL) {
        return NGX_ERROR;
    }

    fs->wait_delay = fs->wait_delay ? ngx_min(fs->wait_delay * 2, 40) : 5;

    if (fs->wait_start == 0) {
        fs->wait_start = ngx_current_msec ? ngx_current_msec : 1;
    }

    fs->wait_ev.handler = ngx_http_api_auth_wake_handler;
    fs->wait_ev.data = r;
    fs->wait_ev.log = r->connection->log;

    ngx_add_timer(&fs->wait_ev, fs->wait_delay);

    ngx_queue_insert_tail(&ngx_http_api_auth_worker.waiters, &fs->wait_link);
    ctx->waiting = 1;

    return NGX_AGAIN;
}


static void
ngx_http_api_auth_wake_handler(ngx_event_t *ev) noexcept
{
    ngx_connection_t         *c;
    ngx_http_request_t       *r;
    ngx_http_api_auth_ctx_t  *ctx;

    r = static_cast<ngx_http_request_t *>(ev->data);
    c = r->connection;

    ctx = static_cast<ngx_http_api_auth_ctx_t *>(
              ngx_http_get_module_ctx(r, ngx_http_api_auth_module));

    if (ctx->waiting) {
        ngx_queue_remove(&ctx->fetch->wait_link);
        ctx->waiting = 0;
    }

    ngx_http_set_log_request(c->log, r);

    r->write_event_handler(r);

    ngx_http_run_posted_requests(c);
}


void
ngx_http_api_auth_wake_waiters(ngx_http_api_auth_ctx_t *ctx) noexcept
{
    ngx_queue_t                      *q, *next;
    ngx_http_api_auth_fetch_state_t  *w;

    for (q = ngx_queue_head(&ngx_http_api_auth_worker.waiters);
         q != ngx_queue_sentinel(&ngx_http_api_auth_worker.waiters);
         q = next)
    {
        next = ngx_queue_next(q);
        w = ngx_queue_data(q, ngx_http_api_auth_fetch_state_t, wait_link);

        if (!api_auth::digest_equal(w->ctx->key, ctx->key)) {
            continue;
        }

        ngx_http_api_auth_wake(w);
    }
}


/* a key set fetch ended: every waiter of this worker looks again */

void
ngx_http_api_auth_wake_all_waiters(void) noexcept
{
    ngx_queue_t                      *q;
    ngx_http_api_auth_fetch_state_t  *w;

    while (!ngx_queue_empty(&ngx_http_api_auth_worker.waiters)) {
        q = ngx_queue_head(&ngx_http_api_auth_worker.waiters);
        w = ngx_queue_data(q, ngx_http_api_auth_fetch_state_t, wait_link);

        ngx_http_api_auth_wake(w);
    }
}


/* out of the queue, its timer off: it runs once the events posted do */

static void
ngx_http_api_auth_wake(ngx_http_api_auth_fetch_state_t *w) noexcept
{
    ngx_queue_remove(&w->wait_link);
    w->ctx->waiting = 0;

    if (w->wait_ev.timer_set) {
        ngx_del_timer(&w->wait_ev);
    }

    ngx_post_event(&w->wait_ev, &ngx_posted_events);
}


/* the request is going away: it waits for nothing */

void
ngx_http_api_auth_wait_cleanup(ngx_http_api_auth_ctx_t *ctx) noexcept
{
    if (ctx->fetch == NULL) {
        return;
    }

    if (ctx->waiting) {
        ngx_queue_remove(&ctx->fetch->wait_link);
        ctx->waiting = 0;
    }

    if (ctx->fetch->wait_ev.timer_set) {
        ngx_del_timer(&ctx->fetch->wait_ev);
    }

    if (ctx->fetch->wait_ev.posted) {
        ngx_delete_posted_event(&ctx->fetch->wait_ev);
    }
}
