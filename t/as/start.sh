#!/usr/bin/env bash
# Start the TEST-ONLY OAuth 2.0 authorization server (server.js) in the
# background on 127.0.0.1:$AS_PORT and wait until it answers.
#
#   AS_PORT           port (default 9180); issuer is http://127.0.0.1:$AS_PORT
#   AS_PIDFILE        pid file (default t/as/as.pid)
#   AS_LOG            log file (default t/as/as.log, truncated on each start)
#   AS_TOKEN_TTL      access token lifetime in seconds (default 600)
#   AS_JWT_SHORT_TTL  lifetime of the JWTs for https://short.jwt.test (default 2)
#   AS_JWT_RESOURCES  more JWT resources: "URI=ALG URI=ALG" (server.js)
#   AS_TEST_HOOKS     1: POST /test-only/exit and /test-only/rotate (server.js)
#   AS_START_TIMEOUT  seconds to wait for the discovery document (default 20)
#
# Installs node_modules with `npm ci` on first use. Exits non-zero, with the
# log's tail on stderr, when the server does not come up.
set -euo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
port=${AS_PORT:-9180}
pidfile=${AS_PIDFILE:-$dir/as.pid}
log=${AS_LOG:-$dir/as.log}
timeout=${AS_START_TIMEOUT:-20}
url="http://127.0.0.1:$port/.well-known/openid-configuration"

die() { echo "t/as/start.sh: $*" >&2; exit 1; }

command -v node >/dev/null || die "node not found in PATH"
command -v curl >/dev/null || die "curl not found in PATH"

if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    die "already running (pid $(cat "$pidfile"), pid file $pidfile); run t/as/stop.sh first"
fi
if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
    die "something already listens on 127.0.0.1:$port"
fi

if [[ ! -d $dir/node_modules/oidc-provider ]]; then
    echo "t/as/start.sh: installing dependencies (npm ci)" >&2
    (cd "$dir" && npm ci --no-audit --no-fund >&2) || die "npm ci failed in $dir"
fi

start_ns=$(date +%s%N)
# Detach fully: no terminal/stdin, own output file, so callers capturing our
# output (e.g. $(start.sh)) do not wait for the server.
(cd "$dir" && AS_PORT=$port exec node server.js </dev/null >"$log" 2>&1) &
pid=$!
echo "$pid" >"$pidfile"

deadline=$((SECONDS + timeout))
until curl -fs -o /dev/null --max-time 1 "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$pidfile"
        tail -n 20 "$log" >&2 || true
        die "server exited during startup (log: $log)"
    fi
    if ((SECONDS >= deadline)); then
        tail -n 20 "$log" >&2 || true
        kill "$pid" 2>/dev/null || true
        rm -f "$pidfile"
        die "no answer from $url within ${timeout}s (log: $log)"
    fi
    sleep 0.1
done
ms=$((($(date +%s%N) - start_ns) / 1000000))
echo "t/as/start.sh: authorization server up: issuer http://127.0.0.1:$port, pid $pid, ${ms} ms"
