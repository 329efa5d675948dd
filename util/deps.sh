#!/usr/bin/env bash
# Installs the Debian packages a make target needs: with apt-get when run
# as root, otherwise prints the exact command and fails.
# usage: util/deps.sh PACKAGE...
set -euo pipefail

missing=()
for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages; as root, install them with:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# no service start in a build: Debian's nginx package would start one
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.api_auth
chmod +x /usr/sbin/policy-rc.d.api_auth
if [ ! -e /usr/sbin/policy-rc.d ]; then
    cp /usr/sbin/policy-rc.d.api_auth /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
rm -f /usr/sbin/policy-rc.d.api_auth
apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}"; }
