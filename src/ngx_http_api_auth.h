/*
 * ngx_http_api_auth_module: declarations shared by the adapter files.
 *
 * Every adapter file includes this header, and only this one of the
 * module's own: the declarations are in one header per concern, included
 * below in their order of dependence (those headers do not stand alone).
 *
 * This is the only header that includes nginx.  nginx headers come first,
 * inside extern "C", before any C++ header (STYLE.md 3.5): they set
 * _GNU_SOURCE and _FILE_OFFSET_BITS for everything that follows.
 */

#ifndef _NGX_HTTP_API_AUTH_H_INCLUDED_
#define _NGX_HTTP_API_AUTH_H_INCLUDED_


extern "C" {
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
}

#include <string>
#include <type_traits>

#include "core/claims.hpp"
#include "core/credentials.hpp"
#include "core/digest.hpp"
#include "core/identity.hpp"
#include "core/keyfile.hpp"
#include "core/policy.hpp"
#include "core/url.hpp"

namespace api_auth {
struct jwk_set;                         /* core/jwk.hpp */
}


static_assert(__cplusplus >= 201703L, "C++17 required");

#if (nginx_version < 1022000)
#error ngx_http_api_auth_module requires nginx 1.22 or newer
#endif


#include "ngx_http_api_auth_conf.h"
#include "ngx_http_api_auth_store.h"
#include "ngx_http_api_auth_ctx.h"
#include "ngx_http_api_auth_metrics.h"
#include "ngx_http_api_auth_fetch.h"
#include "ngx_http_api_auth_worker.h"


extern "C" ngx_module_t  ngx_http_api_auth_module;

/* ngx_http_api_auth_commands.cpp */
extern ngx_command_t  ngx_http_api_auth_commands[];


#include "ngx_http_api_auth_util.h"
#include "ngx_http_api_auth_directives.h"
#include "ngx_http_api_auth_request.h"


#endif /* _NGX_HTTP_API_AUTH_H_INCLUDED_ */
