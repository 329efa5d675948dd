#!/usr/bin/env bash
# Print an access token and a refresh token (two lines) for the fixed
# account "test-user" from the test authorization server.
#
#   t/as/user-tokens.sh CLIENT SECRET [SCOPE]
#
# The server's test-only grant urn:api-auth:test:grant-type:user (see
# server.js: it stands in for a browser login with offline_access),
# client_secret_basic.  Server: $AS_URL, else
# http://127.0.0.1:${AS_PORT:-9180}.  On error the response goes to stderr
# and the exit status is 1.
set -euo pipefail

if (($# < 2 || $# > 3)); then
    echo "usage: $0 CLIENT SECRET [SCOPE]" >&2; exit 2
fi
base=${AS_URL:-http://127.0.0.1:${AS_PORT:-9180}}
args=(--data-urlencode grant_type=urn:api-auth:test:grant-type:user)
[[ -n ${3:-} ]] && args+=(--data-urlencode "scope=$3")

body=$(curl -sS --max-time 5 -u "$1:$2" "${args[@]}" "$base/token") || {
    echo "user-tokens.sh: request to $base/token failed" >&2; exit 1; }
at=$(printf '%s' "$body" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
rt=$(printf '%s' "$body" | sed -n 's/.*"refresh_token":"\([^"]*\)".*/\1/p')
if [[ -z $at || -z $rt ]]; then
    echo "user-tokens.sh: no access_token/refresh_token in response: $body" >&2
    exit 1
fi
printf '%s\n%s\n' "$at" "$rt"
