#!/usr/bin/env bash
# `make test-deb`: the package as a Debian user gets it.  As root:
#   1. apt-get install ./build/libnginx-mod-http-api-auth_*.deb, which
#      must enable the module (/etc/nginx/modules-enabled);
#   2. a site in /etc/nginx/sites-enabled with api_auth on 127.0.0.1 and
#      a free port, keys from a freshly generated key file;
#   3. nginx -t of Debian's stock /etc/nginx/nginx.conf;
#   4. through /usr/sbin/nginx: a request with the key is 200, without
#      it and with a wrong key 401 with the Bearer challenge.  A running
#      nginx is reloaded; otherwise nginx is started with a copy of the
#      stock nginx.conf whose only change is that it includes just this
#      site (the stock default site would listen on *:80), and stopped
#      afterwards;
#   5. the site is removed and the package purged (apt-get purge); the
#      file list of /etc/nginx must be as it was before.
# usage: util/deb-test.sh [PACKAGE.deb]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pkg=libnginx-mod-http-api-auth
deb=${1:-$(ls "$top"/build/${pkg}_*_"$(dpkg --print-architecture)".deb |
           tail -1)}
site=/etc/nginx/sites-enabled/api-auth-deb-test
link=/etc/nginx/modules-enabled/50-mod-http-api-auth.conf
pidfile=/run/nginx.pid

die() { echo "deb-test: $*" >&2; exit 1; }
step() { echo "deb-test: $*"; }

[ "$(id -u)" -eq 0 ] || die "run as root (it installs and purges $pkg)"
[ -f "$deb" ] || die "no package $deb (make deb)"
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q installed; then
    die "$pkg is already installed; this test would purge it"
fi
[ ! -e "$site" ] || die "$site exists"
command -v curl >/dev/null || die "curl is missing"

running() {
    [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

was_running=no
running && was_running=yes
before=$(find /etc/nginx | sort)
tmp=$(mktemp -d /tmp/api-auth-deb-test.XXXXXX)
installed=no
started=no
export DEBIAN_FRONTEND=noninteractive

cleanup() {
    set +e
    if [ $started = yes ]; then
        /usr/sbin/nginx -c "$tmp/nginx.conf" -s quit 2>/dev/null
        for _ in $(seq 50); do running || break; sleep 0.1; done
    fi
    rm -f "$site"
    if [ $installed = yes ] &&
            ! apt-get purge -y -q "$pkg" >"$tmp/purge.log" 2>&1; then
        cat "$tmp/purge.log"
        echo "deb-test: apt-get purge $pkg failed" >&2
    fi
    [ $was_running = no ] || /usr/sbin/nginx -s reload 2>/dev/null
    rm -rf "$tmp"
    started=no
    installed=no
    set -e
}
trap cleanup EXIT

step "installing $deb"
installed=yes
apt-get install -y -q "$(realpath "$deb")" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; die "apt-get install failed"; }
[ -L "$link" ] || die "$link missing: the module is not enabled"
step "enabled: $link -> $(readlink "$link")"

key="aak_$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
printf 'deb-test  sha256:%s  scope="orders.read"\n' \
    "$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)" > "$tmp/keys.txt"
mkdir -p "$tmp/www/orders"
echo "order 1" > "$tmp/www/orders/1"
chmod -R a+rX "$tmp"
port=$(perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0,
                                  Listen => 1)->sockport')

cat > "$site" <<SITE
# written by util/deb-test.sh, removed when it ends
server {
    listen  127.0.0.1:$port;

    api_auth_realm  "deb-test";
    api_auth_keys   $tmp/keys.txt;

    # a static file: return would answer before the access phase
    location / {
        root                    $tmp/www;
        api_auth                api_key;
        api_auth_require_scope  orders.read;
        add_header              X-Client  \$api_auth_client;
    }
}
SITE

step "nginx -t with the stock /etc/nginx/nginx.conf and $site"
/usr/sbin/nginx -t -q || die "nginx -t failed"

if [ $was_running = yes ]; then
    step "reloading the running nginx (pid $(cat "$pidfile"))"
    /usr/sbin/nginx -s reload 2>/dev/null
else
    grep -q '^\s*include /etc/nginx/sites-enabled/\*;' /etc/nginx/nginx.conf ||
        die "/etc/nginx/nginx.conf has no sites-enabled include: not stock"
    sed "s|^\(\s*\)include /etc/nginx/sites-enabled/\*;|\1include $site;|" \
        /etc/nginx/nginx.conf > "$tmp/nginx.conf"
    step "starting /usr/sbin/nginx (stock nginx.conf, only this site)"
    /usr/sbin/nginx -c "$tmp/nginx.conf"
    started=yes
fi

url=http://127.0.0.1:$port/orders/1
for _ in $(seq 50); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
    [ "$code" = 401 ] && break
    sleep 0.1
done

ok=$(curl -s -w '%{http_code} %header{x-client}' \
        -H "Authorization: Bearer $key" "$url")
none=$(curl -s -D - -o /dev/null "$url" | tr -d '\r')
wrong=$(curl -s -o /dev/null -w '%{http_code}' \
        -H "Authorization: Bearer aak_wrong" "$url")

[ "$ok" = "order 1
200 deb-test" ] || die "with the key: '$ok'"
step "with the key: 200, X-Client: deb-test"
grep -q '^HTTP/1.1 401' <<<"$none" &&
    grep -q '^WWW-Authenticate: Bearer realm="deb-test"' <<<"$none" ||
    die "without a key: $none"
step "without a key: 401, WWW-Authenticate: Bearer realm=\"deb-test\""
[ "$wrong" = 401 ] || die "with a wrong key: $wrong"
step "with a wrong key: 401"

cleanup
trap - EXIT
after=$(find /etc/nginx | sort)
[ "$before" = "$after" ] ||
    die "/etc/nginx differs from before: $(diff <(echo "$before") \
                                               <(echo "$after"))"
! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q installed ||
    die "$pkg still installed"
if [ $was_running = no ] && running; then
    die "nginx still running"
fi
step "purged; /etc/nginx as before; nginx $( [ $was_running = yes ] &&
    echo 'reloaded, still running' || echo 'stopped again')"
echo "deb-test: ok"
