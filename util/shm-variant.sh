#!/bin/bash
# util/shm-variant.sh BUILD_NGINX OUT_SO VERSION
#
# A copy of the module built in the configured tree BUILD_NGINX whose
# cache zones carry another layout version (NGX_HTTP_API_AUTH_SHM_VERSION),
# for t/028-zone-version.t: only ngx_http_api_auth_shm.cpp is compiled
# again, with the same command as objs/Makefile's plus -D, then linked
# with the tree's other objects into OUT_SO.  The tree's own module is
# left as it is.

set -euo pipefail

tree=$1 out=$2 version=$3
obj=objs/addon/src/ngx_http_api_auth_shm.o
so=objs/ngx_http_api_auth_module.so
dir=$(dirname "$out")

mkdir -p "$dir"
cd "$tree"

# the commands objs/Makefile would run, printed (-n), not run
compile=$(make -s -f objs/Makefile -n -B "$obj")
link=$(make -s -f objs/Makefile -n -B "$so" \
       | sed -n "\\|-o $so|,\$p")

[ -n "$compile" ] && [ -n "$link" ] \
    || { echo "shm-variant: no rule for $obj or $so in $tree" >&2; exit 1; }

eval "${compile//$obj/$dir/shm.o} -DNGX_HTTP_API_AUTH_SHM_VERSION=$version"
link=${link//$obj/$dir/shm.o}
eval "${link//-o $so/-o $out}"
