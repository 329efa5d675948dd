#!/usr/bin/env bash
# Prints a new random API key (256 bits) once, and the line for the key
# file.  The key itself is never written anywhere: store it now.
# usage: util/key.sh NAME [SCOPE]
set -euo pipefail

name=${1:-}
scope=${2:-}

if ! [[ $name =~ ^[A-Za-z0-9._-]{1,64}$ ]]; then
    echo "usage: make key NAME=name [SCOPE=\"scope1 scope2\"]" >&2
    echo "  NAME: 1-64 of A-Za-z0-9._-" >&2
    exit 2
fi

if [[ $scope == *'"'* || $scope == *'\'* ]]; then
    echo "SCOPE must not contain '\"' or '\\'" >&2
    exit 2
fi

# 32 random bytes, base64url without padding: 43 characters
key="aak_$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
hash=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)

line="$name  sha256:$hash"
[ -n "$scope" ] && line="$line  scope=\"$scope\""

echo "API key (shown once, give it to the client):"
echo "  $key"
echo "Key file line:"
echo "  $line"
