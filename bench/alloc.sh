#!/usr/bin/env bash
# make bench-alloc: heap allocations per request on the hot paths.
#
# Runs nginx as one process (master_process off) under an LD_PRELOAD
# malloc counter (bench/malloc_count.c), warms it up, then sends N
# requests on one keepalive connection to each of three locations that
# differ only in authentication:
#   none   no auth (the baseline: nginx's own per-request allocations)
#   key    api_auth api_key, 100 valid keys of a 1,000-key file
#   oauth  api_auth oauth, cache hit (100 warm tokens)
#   jwt    api_auth oauth, JWT cache hit (100 warm RS256 and ES256 JWTs)
#   hide   the same with api_auth_hide_credential, one header after
#          Authorization (it is unlinked from the middle of the list)
# and, for information, the OAuth miss path (a new token every request).
# The module adds no allocation when key and oauth equal none.
#
# The runs are repeated with request_pool_size 4k (nginx's default) and
# 16k (POOLS="4k 16k"): a difference that disappears with a larger pool is
# request-pool growth (one more pool block), not the module's own malloc.
#
# Environment: N (10000), POOLS, NGINX_BIN, MODULE.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/build/bench-alloc}
. "$ROOT/bench/common.sh"

N=${N:-10000}
N_MISS=${N_MISS:-2000}
WARM=${WARM:-2000}
P_BACKEND=19945 P_AS=19946 P_FRONT=19947

bench_need
command -v gcc >/dev/null || { echo "apt-get install -y gcc" >&2; exit 2; }

bench_ports_free $P_BACKEND $P_AS $P_FRONT

rm -rf "$BENCH"
mkdir -p "$BENCH"
python3 "$BENCHPY" gen "$BENCH/data"

SO=$BENCH/malloc_count.so
gcc -shared -fPIC -O2 -Wall -Wextra -o "$SO" "$ROOT/bench/malloc_count.c" -ldl

trap front_stop_all EXIT
trap 'exit 130' INT TERM

single_upstream_start $P_BACKEND $P_AS

# the front: one process, in the background, under the counter
COUNT_FILE=
D=$BENCH/data

front_start() {
    local dir=$BENCH/front-$1
    mkdir -p "$dir/tmp"
    python3 "$BENCHPY" render "$CONF/alloc.conf" "$dir/nginx.conf" \
        DIR="$dir" DATA="$D" MODULE="$MODULE" \
        USER_LINE="$(bench_user_line)" BACKEND_PORT=$P_BACKEND \
        AS_PORT=$P_AS PORT=$P_FRONT POOL="$1"
    COUNT_FILE=$dir/malloc.count
    MALLOC_COUNT_FILE=$COUNT_FILE LD_PRELOAD=$SO \
        "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
    FRONT_PID=$!
    for _ in $(seq 50); do
        ss -Htln "sport = :$P_FRONT" | grep -q . && return 0
        sleep 0.1
    done
    echo "alloc: the front did not start; $dir/error.log:" >&2
    tail -5 "$dir/error.log" >&2
    exit 1
}

front_stop() {
    kill -TERM "$FRONT_PID" 2>/dev/null || true
    wait "$FRONT_PID" 2>/dev/null || true
    FRONT_PID=
}

# "calls bytes" of the front process, now
read_count() {
    rm -f "$COUNT_FILE"
    kill -s RTMIN+5 "$FRONT_PID"
    for _ in $(seq 100); do
        [ -s "$COUNT_FILE" ] && { cat "$COUNT_FILE"; return; }
        sleep 0.02
    done
    echo "alloc: no count from the malloc counter" >&2
    exit 1
}

send() { python3 "$BENCHPY" send $P_FRONT "$@" >/dev/null; }

declare -A CALLS BYTES REQS
measure() {
    local name=$1 n=$2; shift 2
    local c0 b0 c1 b1
    read -r c0 b0 < <(read_count)
    send "$@" -n "$n"
    read -r c1 b1 < <(read_count)
    CALLS[$name]=$(( ${CALLS[$name]:-0} + c1 - c0 ))
    BYTES[$name]=$(( ${BYTES[$name]:-0} + b1 - b0 ))
    REQS[$name]=$(( ${REQS[$name]:-0} + n ))
}

# alloc_run POOL: a front with request_pool_size POOL; prints its table
alloc_run() {
    local pool=$1 k
    CALLS=() BYTES=() REQS=()
    front_start "$pool"

    # warm-up: the first requests grow pools, fill the cache, open
    # upstream connections
    for _ in 1 2; do
        send /none/x --auth "$D/b_auth.txt" -n "$WARM"
        send /key/x --auth "$D/k_auth.txt" -n "$WARM"
        send /oauth/x --auth "$D/o_auth.txt" -n "$WARM"
        send /jwt/x --auth "$D/j_auth.txt" -n "$WARM"
        send /hide/x --auth "$D/o_auth.txt" --trail -n "$WARM"
    done
    send /oauth/x --cold "w$pool$(date +%s)-" -n 200

    # twice, interleaved; each send is one new keepalive connection
    for _ in 1 2; do
        measure none  "$N" /none/x  --auth "$D/b_auth.txt"
        measure key   "$N" /key/x   --auth "$D/k_auth.txt"
        measure oauth "$N" /oauth/x --auth "$D/o_auth.txt"
        measure jwt   "$N" /jwt/x   --auth "$D/j_auth.txt"
        measure hide  "$N" /hide/x  --auth "$D/o_auth.txt" --trail
    done
    measure miss "$N_MISS" /oauth/x --cold "m$pool$(date +%s)-"
    front_stop

    for k in none key oauth jwt hide miss; do
        echo "$k ${REQS[$k]} ${CALLS[$k]} ${BYTES[$k]}"
    done >"$BENCH/alloc-$pool.txt"
    python3 "$BENCHPY" alloc-report "$pool" "$BENCH/alloc-$pool.txt" \
        "$BENCH/alloc-$pool.json"
}

# nginx's default request pool (4k), then a larger one: a difference that
# disappears with 8k is request-pool growth (one more 4k pool block), not
# an allocation of the module's own
for pool in ${POOLS:-4k 16k}; do
    alloc_run "$pool"
done
