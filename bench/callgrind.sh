#!/usr/bin/env bash
# make bench-callgrind: instructions per request of the hot paths, counted
# by valgrind's callgrind.  Instruction counts do not depend on the load of
# a shared machine, so they show a hot-path change that req/s ratios would
# hide in their noise.
#
# Runs nginx as one process (bench/conf/alloc.conf, request_pool_size 4k)
# under callgrind, warms it up, then for each of
#   none   no auth (the baseline)
#   key    api_auth api_key, 100 valid keys of a 1,000-key file
#   oauth  api_auth oauth, cache hit (100 warm tokens)
#   jwt    api_auth oauth, JWT cache hit (100 warm RS256 and ES256 JWTs)
# zeroes the counters, sends N requests on one keepalive connection and
# dumps them.  Prints instructions per request and the module's share.
#
# Environment: N (2000), NGINX_BIN, MODULE.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/build/bench-callgrind}
. "$ROOT/bench/common.sh"

N=${N:-2000}
WARM=${WARM:-300}
P_BACKEND=19955 P_AS=19956 P_FRONT=19957

bench_need
for t in valgrind callgrind_control; do
    command -v $t >/dev/null \
        || { echo "apt-get install -y valgrind" >&2; exit 2; }
done

bench_ports_free $P_BACKEND $P_AS $P_FRONT

rm -rf "$BENCH"
mkdir -p "$BENCH"
python3 "$BENCHPY" gen "$BENCH/data"

trap front_stop_all EXIT
trap 'exit 130' INT TERM

single_upstream_start $P_BACKEND $P_AS

D=$BENCH/data
dir=$BENCH/front
mkdir -p "$dir/tmp"
python3 "$BENCHPY" render "$CONF/alloc.conf" "$dir/nginx.conf" \
    DIR="$dir" DATA="$D" MODULE="$MODULE" USER_LINE="$(bench_user_line)" \
    BACKEND_PORT=$P_BACKEND AS_PORT=$P_AS PORT=$P_FRONT POOL=4k

valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.%p" \
    "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
    >"$dir/valgrind.out" 2>&1 &
FRONT_PID=$!

for _ in $(seq 100); do
    ss -Htln "sport = :$P_FRONT" | grep -q . && break
    sleep 0.1
done
ss -Htln "sport = :$P_FRONT" | grep -q . \
    || { echo "callgrind: the front did not start" >&2; exit 1; }

send() { python3 "$BENCHPY" send $P_FRONT "$@" >/dev/null; }

# warm-up: pools grown, keys and tokens cached, upstream connections open
send /none/x --auth "$D/b_auth.txt" -n "$WARM"
send /key/x --auth "$D/k_auth.txt" -n "$WARM"
send /oauth/x --auth "$D/o_auth.txt" -n "$WARM"
send /jwt/x --auth "$D/j_auth.txt" -n "$WARM"

declare -A IR
for path in none:b key:k oauth:o jwt:j; do
    name=${path%%:*}
    callgrind_control -z "$FRONT_PID" >/dev/null 2>&1
    send "/$name/x" --auth "$D/${path##*:}_auth.txt" -n "$N"
    callgrind_control -d "$name" "$FRONT_PID" >/dev/null 2>&1
    sleep 0.5
    f=$(grep -l "^desc: Trigger: dump $name\$" \
            "$dir"/callgrind.* 2>/dev/null | head -1 || true)
    [ -n "$f" ] || f=$(ls -t "$dir"/callgrind.* | head -1)
    IR[$name]=$(sed -n 's/^\(summary\|totals\): //p' "$f" | head -1)
done

out=$BENCH/callgrind.md
{
    echo "| path | instructions/request | over no auth |"
    echo "|---|---:|---:|"
    for name in none key oauth jwt; do
        per=$(( IR[$name] / N ))
        over=$(( (IR[$name] - IR[none]) / N ))
        echo "| $name | $per | +$over |"
    done
} | tee "$out"
echo "callgrind: $N requests per path; profiles in $dir (callgrind_annotate)"
