#!/usr/bin/env bash
# Print an access token from the test authorization server.
#
#   t/as/token.sh CLIENT SECRET [SCOPE] [RESOURCE]
#
# client_credentials grant, client_secret_basic authentication. SCOPE is a
# space-separated list ("orders.read orders.write"); RESOURCE (RFC 8707, an
# absolute URI) becomes the token's "aud", and makes it a JWT for the
# resources of JWT_RESOURCES in server.js (https://rs256.jwt.test, ...),
# opaque otherwise. Server: $AS_URL, else
# http://127.0.0.1:${AS_PORT:-9180}. On error the response goes to stderr
# and the exit status is 1.
set -euo pipefail

if (($# < 2 || $# > 4)); then
    echo "usage: $0 CLIENT SECRET [SCOPE] [RESOURCE]" >&2; exit 2
fi
base=${AS_URL:-http://127.0.0.1:${AS_PORT:-9180}}
args=(--data-urlencode grant_type=client_credentials)
[[ -n ${3:-} ]] && args+=(--data-urlencode "scope=$3")
[[ -n ${4:-} ]] && args+=(--data-urlencode "resource=$4")

# Basic credentials are sent as given: fine for ids/secrets made of
# unreserved characters (RFC 6749 2.3.1 wants them form-urlencoded first).
body=$(curl -sS --max-time 5 -u "$1:$2" "${args[@]}" "$base/token") || {
    echo "token.sh: request to $base/token failed" >&2; exit 1; }
token=$(printf '%s' "$body" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
if [[ -z $token ]]; then
    echo "token.sh: no access_token in response: $body" >&2; exit 1
fi
printf '%s\n' "$token"
