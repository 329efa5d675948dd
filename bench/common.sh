# bench/common.sh: sourced by bench/run.sh and bench/alloc.sh.
# Starts and stops the bench's own nginx instances (each with its own
# prefix under build/bench), and only those.

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
MODULE=${MODULE:-$ROOT/build/nginx/objs/ngx_http_api_auth_module.so}
BENCH=${BENCH_DIR:-$ROOT/build/bench}
BENCHPY=$ROOT/bench/bench.py
CONF=$ROOT/bench/conf
HZ=$(getconf CLK_TCK)

# far future: an exp that never limits the cache TTL
BENCH_EXP=4102444800

STARTED_PIDFILES=()

bench_need() {
    local miss=()
    command -v wrk >/dev/null || miss+=(wrk)
    command -v taskset >/dev/null || miss+=(util-linux)
    command -v python3 >/dev/null || miss+=(python3)
    [ -x "$NGINX" ] || miss+=(nginx)
    if [ ${#miss[@]} -gt 0 ]; then
        echo "bench: missing tools; install them with:" >&2
        echo "  apt-get install -y ${miss[*]}" >&2
        exit 2
    fi
    if [ ! -f "$MODULE" ]; then
        echo "bench: $MODULE not found; run 'make module' first" >&2
        exit 2
    fi
}

bench_user_line() {
    # as root, workers run as root too, so that they can write the cache
    # and temp directories under the work tree
    if [ "$(id -u)" = 0 ]; then echo "user root;"; fi
}

# port_free PORT...: fails if one of the ports is listening already
bench_ports_free() {
    local p busy=()
    for p in "$@"; do
        if ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
            busy+=("$p")
        fi
    done
    if [ ${#busy[@]} -gt 0 ]; then
        echo "bench: port(s) ${busy[*]} already in use on 127.0.0.1;" \
             "is another bench running?" >&2
        return 1
    fi
}

# instance_start NAME TEMPLATE KEY=VALUE...: renders TEMPLATE into
# $BENCH/NAME/nginx.conf and starts nginx with that prefix (daemon mode)
instance_start() {
    local name=$1 tmpl=$2; shift 2
    local dir=$BENCH/$name
    rm -rf "$dir"
    mkdir -p "$dir/tmp" "$dir/logs"
    python3 "$BENCHPY" render "$CONF/$tmpl" "$dir/nginx.conf" \
        DIR="$dir" DATA="$BENCH/data" MODULE="$MODULE" \
        USER_LINE="$(bench_user_line)" EXP="$BENCH_EXP" "$@"
    if ! "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
            -t -q 2>"$dir/test.log"; then
        echo "bench: nginx -t failed for $name:" >&2
        cat "$dir/test.log" >&2
        return 1
    fi
    "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
    STARTED_PIDFILES+=("$dir/nginx.pid")
    local i
    for i in $(seq 50); do
        [ -s "$dir/nginx.pid" ] && [ -n "$(instance_workers "$name")" ] \
            && return 0
        sleep 0.1
    done
    echo "bench: $name did not start; $dir/error.log:" >&2
    tail -5 "$dir/error.log" >&2
    return 1
}

instance_master() {
    cat "$BENCH/$1/nginx.pid" 2>/dev/null
}

# the worker pids of instance NAME (not the cache manager or loader)
instance_workers() {
    local m p
    m=$(instance_master "$1") || return 0
    [ -n "$m" ] || return 0
    for p in $(pgrep -P "$m"); do
        if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null \
                | grep -q '^nginx: worker process'; then
            echo "$p"
        fi
    done
}

# utime+stime, in clock ticks, summed over the given pids
cpu_ticks() {
    local p t=0 v
    for p in "$@"; do
        v=$(awk '{print $14 + $15}' "/proc/$p/stat")
        t=$((t + v))
    done
    echo "$t"
}

# stops the instance whose pid file is $1, by its master pid
instance_stop_pidfile() {
    local m i
    m=$(cat "$1" 2>/dev/null) || return 0
    [ -n "$m" ] || return 0
    kill -TERM "$m" 2>/dev/null || return 0
    for i in $(seq 50); do
        kill -0 "$m" 2>/dev/null || return 0
        sleep 0.1
    done
}

# stops every instance this script started
instances_stop() {
    local f
    for f in "${STARTED_PIDFILES[@]}"; do
        instance_stop_pidfile "$f"
    done
    STARTED_PIDFILES=()
}

# stops the instance started last
instances_stop_last() {
    local n=${#STARTED_PIDFILES[@]}
    [ "$n" -gt 0 ] || return 0
    instance_stop_pidfile "${STARTED_PIDFILES[$((n - 1))]}"
    unset "STARTED_PIDFILES[$((n - 1))]"
    STARTED_PIDFILES=("${STARTED_PIDFILES[@]}")
}

# --- the one-process runs (alloc.sh, callgrind.sh): a front nginx started
# in the background ($FRONT_PID) in front of one upstream instance

FRONT_PID=

# stops the front and every instance; set as the EXIT trap
front_stop_all() {
    if [ -n "${FRONT_PID:-}" ]; then
        kill -TERM "$FRONT_PID" 2>/dev/null || true
        wait "$FRONT_PID" 2>/dev/null || true
    fi
    instances_stop
}

# single_upstream_start BACKEND_PORT AS_PORT: the backend, and an AS that
# answers every token with the compact claims of the O1 scenario
single_upstream_start() {
    instance_start upstream upstream.conf BACKEND_PORT="$1" AS_PORT="$2" \
        AFFINITY=auto LOAD_ECHO= \
        AS_INTROSPECT="return 200 '{\"active\":true,\"client_id\":\"c\",\"scope\":\"a b\",\"exp\":$BENCH_EXP}';" \
        TYPICAL_CLAIMS='{"active":true}'
}
