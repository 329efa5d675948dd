#!/usr/bin/env bash
# `make deb`: builds the Debian package libnginx-mod-http-api-auth
# (debian/, dh + dh_nginx) from a copy of this tree in build/deb, and
# puts libnginx-mod-http-api-auth_<version>_<arch>.deb into build/.
# The build dependencies (debian/control) must be installed; make deb
# installs them when run as root.
# usage: util/deb.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
stage=$top/build/deb
pkg=libnginx-mod-http-api-auth
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
deb=$pkg\_${version}_$arch.deb

# dpkg-buildpackage writes into the parent of the source tree, and the
# tree must not contain our own build/ (nor test leftovers): in a git
# checkout the files git knows or would add, else all but those
rm -rf "$stage"
mkdir -p "$stage/$pkg-$version"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$top" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
            [ -e "$f" ] && cp --parents -t "$stage/$pkg-$version" "$f"
        done)
else
    tar -C "$top" -cf - --exclude=./build --exclude=./.git \
        --exclude='./t/servroot*' --exclude=node_modules . |
        tar -C "$stage/$pkg-$version" -xf -
fi

cd "$stage/$pkg-$version"
if ! dpkg-buildpackage -b -us -uc >"$stage/build.log" 2>&1; then
    tail -40 "$stage/build.log" >&2
    echo "deb: dpkg-buildpackage failed; log: $stage/build.log" >&2
    exit 1
fi

cp "$stage/$deb" "$top/build/$deb"
echo "built build/$deb"
dpkg-deb -f "$top/build/$deb" Package Version Depends
