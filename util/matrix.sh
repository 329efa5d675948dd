#!/usr/bin/env bash
# `make test-matrix`: the Test::Nginx suite (make integration) with other
# nginx builds, one leg each, and a table at the end.
#
#   system       the installed nginx and nginx-dev (Debian 12: 1.22);
#                also accepted as 1.22 or bookworm
#   trixie, sid  (any Debian suite) that suite's nginx, nginx-dev and
#                libnginx-mod-http-echo, fetched with apt-get download
#   /some/dir    an nginx source tree (nginx.org, freenginx, Angie) built
#                there with --with-compat --with-debug and the echo module
#                (--add-dynamic-module): objs/nginx (objs/angie) and
#                objs/ngx_http_echo_module.so; the module is built from a
#                copy of the tree with NGINX_CONF_FLAGS
#
# A suite's packages come through a private apt configuration under
# build/matrix/<leg>/apt (its own sources.list, lists, cache and status,
# signed by the system's Debian archive keyring); the system's sources,
# lists, cache and state are neither used nor changed.  Its apt.conf.d
# is still read, for the local policy (a proxy, or a frozen mirror's
# Acquire::Check-Valid-Until "false").  The packages are unpacked with
# dpkg-deb -x into build/matrix/<leg>/root; the module is built against
# that nginx-dev tree in build/matrix/<leg>/nginx.  When the binary
# does not run with Debian 12's libraries (sid: newer glibc, OpenSSL,
# PCRE2), it runs with the libraries its package depends on, from the
# same suite, through that suite's own ld.so (--library-path).
#
# usage: util/matrix.sh LEG...   (make test-matrix LEGS="...")
# environment: MAKE, DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
matrix=$top/build/matrix
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
make=${MAKE:-make}
multiarch=x86_64-linux-gnu

[ $# -gt 0 ] || set -- system trixie sid

# apt-get with the leg's private configuration (APT_CONFIG is read
# first; it points the sources, preferences, keys, lists, cache and
# status away from /etc/apt, /var/lib/apt and /var/cache/apt)
leg_apt() {
    APT_CONFIG=$apt/apt.conf apt-get -q "$@"
}

# fetch and unpack a suite's nginx into $root; sets bin, src, echo, runs
fetch_suite() {
    local suite=$1 debs=$dir/debs deps p fresh

    apt=$dir/apt
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" \
             "$apt/preferences.d" "$apt/state" "$debs"
    [ -e "$apt/status" ] || : > "$apt/status"
    echo "deb [signed-by=$keyring] $mirror $suite main" > "$apt/sources.list"
    cat > "$apt/apt.conf" <<CONF
Dir::Etc::sourcelist "$apt/sources.list";
Dir::Etc::sourceparts "-";
Dir::Etc::preferences "$apt/none";
Dir::Etc::preferencesparts "$apt/preferences.d";
Dir::Etc::trusted "$apt/none";
Dir::Etc::trustedparts "$apt/none.d";
Dir::State "$apt/state";
Dir::State::Lists "$apt/lists";
Dir::State::status "$apt/status";
Dir::Cache "$apt/cache";
Acquire::Languages "none";
CONF
    # as root, apt would download as _apt, which cannot write to build/
    [ "$(id -u)" -ne 0 ] || echo 'APT::Sandbox::User "root";' >> "$apt/apt.conf"

    # the lists are refreshed when older than 6 hours
    fresh=$(find "$apt/lists" -maxdepth 1 -name '*_InRelease' -mmin -360 |
            head -1)
    if [ -z "$fresh" ]; then
        leg_apt update >"$dir/apt-update.log" 2>&1 ||
            { cat "$dir/apt-update.log" >&2; return 1; }
    fi

    rm -rf "$debs"/*.deb "$root"
    mkdir -p "$root"
    (cd "$debs" && leg_apt download nginx nginx-dev libnginx-mod-http-echo) \
        >"$dir/apt-download.log" 2>&1 ||
        { cat "$dir/apt-download.log" >&2; return 1; }
    for p in "$debs"/*.deb; do dpkg-deb -x "$p" "$root"; done

    bin=$root/usr/sbin/nginx
    src=$root/usr/share/nginx/src
    echo=$root/usr/lib/nginx/modules/ngx_http_echo_module.so
    runs="system"
    [ -x "$bin" ] && [ -f "$src/conf_flags" ] && [ -f "$echo" ] ||
        { echo "matrix: $suite: unexpected package contents" >&2; return 1; }

    if "$bin" -v >/dev/null 2>&1; then
        return 0
    fi

    # the libraries nginx's package depends on (first of alternatives),
    # from the same suite, run through that suite's loader
    deps=$(dpkg-deb -f "$debs"/nginx_*.deb Depends | tr ',' '\n' |
           sed 's/|.*//; s/(.*)//; s/:any//; s/ //g' | grep -v '^nginx')
    # shellcheck disable=SC2086
    (cd "$debs" && leg_apt download $deps) >>"$dir/apt-download.log" 2>&1 ||
        { cat "$dir/apt-download.log" >&2; return 1; }
    for p in $deps; do dpkg-deb -x "$debs/${p}"_*.deb "$root"; done

    local lib=$root/usr/lib/$multiarch
    [ -e "$lib/ld-linux-x86-64.so.2" ] ||
        { echo "matrix: $suite: no ld.so in $lib" >&2; return 1; }
    mkdir -p "$dir/bin"
    bin=$dir/bin/nginx
    cat > "$bin" <<WRAP
#!/bin/sh
# $suite's nginx with $suite's own libraries (util/matrix.sh)
exec $lib/ld-linux-x86-64.so.2 --library-path $lib $root/usr/sbin/nginx "\$@"
WRAP
    chmod +x "$bin"
    runs="$suite's (ld.so)"
    "$bin" -v >/dev/null 2>&1 ||
        { "$bin" -v; echo "matrix: $suite: nginx does not run" >&2; return 1; }
}

rows=()
rc=0

for leg in "$@"; do
    start=$(date +%s)
    dir=$matrix/${leg##*/}
    root=$dir/root
    version=-
    result=
    runs=

    case $leg in
    system|1.22|bookworm)
        bin=/usr/sbin/nginx
        src=/usr/share/nginx/src
        echo=/usr/lib/nginx/modules/ngx_http_echo_module.so
        runs="system"
        ;;
    /*)
        bin=$leg/objs/nginx
        [ -x "$bin" ] || bin=$leg/objs/angie
        src=$leg
        echo=$leg/objs/ngx_http_echo_module.so
        runs="system"
        [ -x "$bin" ] && [ -f "$echo" ] ||
            result="FAIL (no $bin or $echo)"
        leg=${leg##*/}
        ;;
    *)
        mkdir -p "$dir"
        echo "== $leg: fetching nginx, nginx-dev, libnginx-mod-http-echo"
        fetch_suite "$leg" || result="FAIL (fetch)"
        ;;
    esac

    if [ -z "$result" ]; then
        version=$("$bin" -v 2>&1 | head -1 | sed 's/^.* version: //')
        echo "== $leg: $version ($runs): building and running the suite"
        mkdir -p "$dir"
        log=$dir/integration.log
        if "$make" -s -C "$top" integration BUILD="$dir" \
                NGINX_BIN="$bin" NGINX_SRC="$src" ECHO_MODULE="$echo" \
                >"$log" 2>&1; then
            result=PASS
        else
            result=FAIL
        fi
        tail -3 "$log"
        counts=$(grep -Eo '^Files=[0-9]+, Tests=[0-9]+' "$log" | tail -1)
        result="$result ${counts:-(no prove summary, see $log)}"
    fi

    case $result in PASS*) ;; *) rc=1 ;; esac
    secs=$(( $(date +%s) - start ))
    rows+=("$(printf '%-17s %-17s %-16s %-28s %dm%02ds' "$leg" "$version" \
              "${runs:--}" "$result" $((secs / 60)) $((secs % 60)))")
done

echo
echo "==== test-matrix ===="
printf '%-17s %-17s %-16s %-28s %s\n' leg "nginx -v" "libraries" \
    "make integration" time
printf '%s\n' "${rows[@]}" | tee "$matrix/results.txt"
exit $rc
