/*
 * ngx_http_api_auth_module: where the check runs in nginx's phases.
 *
 * - ACCESS, main requests.  Under "satisfy all" the check runs after
 *   nginx's own access handlers (allow/deny, auth_basic, auth_request),
 *   so an address that "deny" refuses gets that 403 whatever it sends and
 *   can neither test credentials nor cause an introspection.  Under
 *   "satisfy any" it runs first, as before: any one handler that allows
 *   lets the request in, and the identity of a good credential is kept.
 * - REWRITE, subrequests.  nginx skips the ACCESS phase for subrequests
 *   (SSI, auth_request, mirror, echo_location), so there the check runs
 *   before the rewrite module: with the credential of the main request
 *   (a subrequest starts with a copy of its parent's headers_in), also in
 *   a location whose content is "return 204" (the natural auth_request
 *   target).  The module's own introspection subrequests are not checked.
 * - PREACCESS, main requests, with "api_auth_phase preaccess": the
 *   whole check, before limit_req and limit_conn (whose handlers were
 *   pushed before ours, so they run after it), so that $api_auth_client
 *   and $api_auth_subject can key them.  An allowed request goes on with
 *   NGX_DECLINED: NGX_OK would make the phase engine skip the rest of
 *   PREACCESS, limit_req included.  "satisfy" does not apply there, and
 *   the ACCESS handlers leave such a location alone.
 * - REWRITE, main requests, and $remote_user.  A key sent as Basic
 *   ("curl -u KEY:") is no user name: $remote_user of the default
 *   "combined" log format stays empty wherever api_auth is on, however
 *   the request ends (limit_req 503, client_max_body_size 413, a rewrite
 *   "return", nginx's own 400 for a second Authorization header).
 */

#include "ngx_http_api_auth.h"


static ngx_int_t ngx_http_api_auth_access_first(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_access_last(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_access(ngx_http_request_t *r,
    ngx_uint_t any) noexcept;
static ngx_int_t ngx_http_api_auth_preaccess(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_rewrite(ngx_http_request_t *r) noexcept;
static void ngx_http_api_auth_check_internal(ngx_http_request_t *r)
    noexcept;
static ngx_int_t ngx_http_api_auth_add_handler(
    ngx_http_core_main_conf_t *cmcf, ngx_uint_t phase,
    ngx_http_handler_pt handler) noexcept;


ngx_conf_enum_t  ngx_http_api_auth_phases[] = {
    { ngx_string("access"), NGX_HTTP_API_AUTH_PHASE_ACCESS },
    { ngx_string("preaccess"), NGX_HTTP_API_AUTH_PHASE_PREACCESS },
    { ngx_null_string, 0 }
};


ngx_int_t
ngx_http_api_auth_init_phases(ngx_conf_t *cf) noexcept
{
    ngx_uint_t                  n;
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = static_cast<ngx_http_core_main_conf_t *>(
               ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module));

    /* the last handler pushed runs first (ngx_http_init_phase_handlers) */

    if (ngx_http_api_auth_add_handler(cmcf, NGX_HTTP_ACCESS_PHASE,
                                      ngx_http_api_auth_access_first)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* and the first one last: nginx's access handlers are before it */

    if (ngx_http_api_auth_add_handler(cmcf, NGX_HTTP_ACCESS_PHASE,
                                      ngx_http_api_auth_access_last)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    n = cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers.nelts;
    h = static_cast<ngx_http_handler_pt *>(
            cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers.elts);

    ngx_memmove(&h[1], &h[0], (n - 1) * sizeof(ngx_http_handler_pt));
    h[0] = ngx_http_api_auth_access_last;

    /* pushed after limit_req's and limit_conn's: it runs before them */

    if (ngx_http_api_auth_add_handler(cmcf, NGX_HTTP_PREACCESS_PHASE,
                                      ngx_http_api_auth_preaccess)
        != NGX_OK
        || ngx_http_api_auth_add_handler(cmcf, NGX_HTTP_REWRITE_PHASE,
                                         ngx_http_api_auth_rewrite)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_api_auth_guard_remote_user(cf, cmcf);
}


static ngx_int_t
ngx_http_api_auth_add_handler(ngx_http_core_main_conf_t *cmcf,
    ngx_uint_t phase, ngx_http_handler_pt handler) noexcept
{
    ngx_http_handler_pt  *h;

    h = static_cast<ngx_http_handler_pt *>(
            ngx_array_push(&cmcf->phases[phase].handlers));
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = handler;

    return NGX_OK;
}


/*
 * api_auth_phase: the level's value, or its parent's; where satisfy any
 * is in effect, say that it no longer applies to api_auth.  A location
 * where api_auth is on marks its server (for $remote_user).
 */

void
ngx_http_api_auth_phase_merge(ngx_conf_t *cf,
    ngx_http_api_auth_loc_conf_t *prev, ngx_http_api_auth_loc_conf_t *conf)
    noexcept
{
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_api_auth_srv_conf_t  *ascf;

    if (conf->methods) {
        /* see ngx_http_api_auth_remote_user() */
        ascf = static_cast<ngx_http_api_auth_srv_conf_t *>(
                   ngx_http_conf_get_module_srv_conf(cf,
                                                 ngx_http_api_auth_module));
        ascf->any_location = 1;
    }

    ngx_conf_merge_uint_value(conf->phase, prev->phase,
                              NGX_HTTP_API_AUTH_PHASE_ACCESS);

    if (conf->phase != NGX_HTTP_API_AUTH_PHASE_PREACCESS
        || conf->methods == 0)
    {
        return;
    }

    /* the core module's location confs are merged before ours */
    clcf = static_cast<ngx_http_core_loc_conf_t *>(
               ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module));

    if (clcf->satisfy == NGX_HTTP_SATISFY_ANY && clcf->name.len
        && !clcf->noname)
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "api_auth: \"satisfy any\" does not apply to "
                           "api_auth in location \"%V\": with "
                           "\"api_auth_phase preaccess\" the check runs "
                           "before the access phase, and a rejected "
                           "request is answered there", &clcf->name);
    }
}


static ngx_int_t
ngx_http_api_auth_preaccess(ngx_http_request_t *r) noexcept
{
    ngx_int_t                      rc;
    ngx_http_api_auth_loc_conf_t  *alcf;

    alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));

    /* subrequests are checked in REWRITE, whatever the phase */

    if (alcf->phase != NGX_HTTP_API_AUTH_PHASE_PREACCESS || r != r->main) {
        return NGX_DECLINED;
    }

    rc = ngx_http_api_auth_handler(r);

    /* never NGX_OK here: the phase engine would skip limit_req */

    return (rc == NGX_OK) ? NGX_DECLINED : rc;
}


static ngx_int_t
ngx_http_api_auth_access_first(ngx_http_request_t *r) noexcept
{
    return ngx_http_api_auth_access(r, 1);
}


static ngx_int_t
ngx_http_api_auth_access_last(ngx_http_request_t *r) noexcept
{
    return ngx_http_api_auth_access(r, 0);
}


/* the check in the ACCESS phase: first under "satisfy any" (any), else last */

static ngx_int_t
ngx_http_api_auth_access(ngx_http_request_t *r, ngx_uint_t any) noexcept
{
    ngx_http_core_loc_conf_t      *clcf;
    ngx_http_api_auth_loc_conf_t  *alcf;

    clcf = static_cast<ngx_http_core_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_core_module));
    alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));

    if ((clcf->satisfy == NGX_HTTP_SATISFY_ANY) != (any != 0)
        || alcf->phase == NGX_HTTP_API_AUTH_PHASE_PREACCESS)
    {
        return NGX_DECLINED;
    }

    return ngx_http_api_auth_handler(r);
}


static ngx_int_t
ngx_http_api_auth_rewrite(ngx_http_request_t *r) noexcept
{
    ngx_int_t                      rc;
    ngx_http_api_auth_loc_conf_t  *alcf;

    if (ngx_http_api_auth_own_subrequest(r)) {
        ngx_http_api_auth_check_internal(r);
        return NGX_DECLINED;
    }

    alcf = static_cast<ngx_http_api_auth_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_api_auth_module));

    if (alcf->methods == 0) {
        return NGX_DECLINED;
    }

    if (r == r->main) {
        /*
         * an empty user with non-NULL data makes ngx_http_auth_basic_user()
         * decline: $remote_user stays empty even if the request ends in a
         * location without api_auth (an error_page of limit_req's 503)
         */

        if (ngx_http_api_auth_basic_sent(r)) {
            ngx_str_set(&r->headers_in.user, "");
            ngx_str_set(&r->headers_in.passwd, "");
        }

        return NGX_DECLINED;
    }

    rc = ngx_http_api_auth_handler(r);

    /* the rewrite phase finalizes on anything but DECLINED and DONE */

    switch (rc) {

    case NGX_OK:
    case NGX_DECLINED:
        return NGX_DECLINED;

    case NGX_AGAIN:
        /* resumed by the end of the introspection or of the wait */
        return NGX_DONE;

    default:
        return rc;
    }
}


/*
 * The introspection location answers with the authorization server's
 * verdict on any token: a client that can call it directly has an
 * oracle and can make the server spend calls.  Found once the
 * subrequest's location is known; said once per worker.
 */

static void
ngx_http_api_auth_check_internal(ngx_http_request_t *r) noexcept
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = static_cast<ngx_http_core_loc_conf_t *>(
               ngx_http_get_module_loc_conf(r, ngx_http_core_module));

    if (clcf->internal || ngx_http_api_auth_worker.warned_internal) {
        return;
    }

    ngx_http_api_auth_worker.warned_internal = 1;

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "api_auth: the introspection location \"%V\" is not "
                  "\"internal\": clients can call it directly",
                  &clcf->name);
}


/*
 * Read before the check, a $api_auth_* variable is empty: as the key of
 * limit_req_zone or limit_conn_zone (PREACCESS) it limits nothing, since
 * both skip empty keys.  Said once per worker.
 */

void
ngx_http_api_auth_check_early(ngx_http_request_t *r) noexcept
{
    ngx_uint_t                   i;
    ngx_http_phase_handler_t    *ph;
    ngx_http_core_main_conf_t   *cmcf;
    ngx_http_api_auth_worker_t  *w;

    w = &ngx_http_api_auth_worker;

    if (w->warned_early || r != r->main) {
        return;
    }

    cmcf = static_cast<ngx_http_core_main_conf_t *>(
               ngx_http_get_module_main_conf(r, ngx_http_core_module));

    ph = cmcf->phase_engine.handlers;

    if (w->access_phase == NGX_CONF_UNSET_UINT) {
        for (i = 0; ph[i].checker; i++) {
            if (ph[i].checker == ngx_http_core_access_phase) {
                break;
            }
        }

        w->access_phase = i;
    }

    if (r->phase_handler >= static_cast<ngx_int_t>(w->access_phase)) {
        return;
    }

    w->warned_early = 1;

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "api_auth: an $api_auth_* variable was read before the "
                  "access phase, where it is still empty (e.g. as a "
                  "limit_req_zone or limit_conn_zone key, which skip "
                  "empty keys)");
}
