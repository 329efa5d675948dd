#!/usr/bin/env bash
# make bench: throughput, p99 latency and worker CPU per request of the
# module's API-key and OAuth paths against a no-auth baseline (B0) and the
# usual open-source recipes, measured in the same rounds.
#
#   bench/run.sh            3 rounds, 7 s per run (under 10 minutes)
#   QUICK=1 bench/run.sh    2 rounds, 2 s per run (about 2 minutes)
#
# Within a round every scenario runs between two runs of its baseline
# (B0, X, B0, Y, B0, ...; B0-2w for the two-worker rows), and its ratio is
# to the mean of those two neighbours: on a shared machine the speed
# drifts within seconds, so a baseline measured minutes apart adds more
# noise than the module costs.
#
# Scenarios (one nginx worker on CPU 0, wrk on CPU 1, unless "-2w"):
#   B0  no auth: proxy_pass with keepalive to a tiny upstream
#   K0  map $http_authorization of 1,000 keys + if      (no module)
#   K1  api_auth api_key, key file of 1,000 keys
#   O0  auth_request + proxy_cache on the introspection (no module)
#   O1  api_auth oauth, warm cache
#   OL  access_by_lua + lua_shared_dict (if Debian's lua module is there)
#   O2  api_auth oauth, a new token every request; the mock AS counts calls
#   J1  api_auth oauth with JWTs (RS256 and ES256), warm cache
#   J2  api_auth oauth, a new RS256 JWT every request (JWT_N tokens over a
#       zone too small for them): one signature check each, counted by the
#       module's own metrics
#   J3  J1 without api_auth_cache: a signature check every request
#   B0-2w, K1-2w, O1-2w: two workers (CPU 0 and 1), wrk unpinned
# Every client rotates through 100 distinct Authorization values of one
# size ("Bearer " + 47 characters).  Then a 1 MB zone is filled with
# distinct tokens to measure how many entries it holds.
#
# Writes bench/results/latest.md and latest.json (RESULTS_DIR to change)
# and prints the table.  Environment: QUICK, ROUNDS, DURATION, CONNS,
# ONLY (e.g. ONLY=K1,O1-2w: those and their B0), MEM_N (0: no memory
# figure), NGINX_BIN, MODULE, RESULTS_DIR.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/common.sh"

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
    ROUNDS=${ROUNDS:-2}; DURATION=${DURATION:-2}; MEM_N=${MEM_N:-6000}
    MODE=quick
else
    ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-7}; MEM_N=${MEM_N:-20000}
    MODE=full
fi
CONNS=${CONNS:-32}
RESULTS_DIR=${RESULTS_DIR:-$ROOT/bench/results}

P_BACKEND=19901 P_AS=19902
P_B0=19910 P_K0=19911 P_O0=19912
P_K1=19913 P_O1=19914 P_O2=19915
P_OL=19916
P_J1=19917 P_J2=19918 P_J3=19919
P_J1_2=19926 P_J2_2=19927 P_J3_2=19928
P_B0_2=19920 P_K0_2=19921 P_O0_2=19922
P_K1_2=19923 P_O1_2=19924 P_O2_2=19925
P_MEM=19930

bench_need

NPROC=$(nproc)
if [ "$NPROC" -ge 2 ]; then
    AFF1="01" AFF_UP="10" AFF2="01 10"
    PIN_WRK=(taskset -c 1)
else
    echo "bench: one CPU only: nothing is pinned" >&2
    AFF1="auto" AFF_UP="auto" AFF2="auto"
    PIN_WRK=()
fi

HAVE_LUA=0
if [ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] \
        && [ -f /usr/lib/nginx/modules/ndk_http_module.so ]; then
    HAVE_LUA=1
else
    echo "bench: OL skipped: Debian's lua module is not installed" \
         "(apt-get install -y libnginx-mod-http-lua)" >&2
fi

# the mock AS logs each call's body (so its token) when the echo module
# can read the body; otherwise it only counts the calls
ECHO_SO=/usr/lib/nginx/modules/ngx_http_echo_module.so
AS_JSON='{"active":true,"client_id":"c","scope":"a b","exp":'$BENCH_EXP'}'
if [ -f "$ECHO_SO" ]; then
    LOAD_ECHO="load_module $ECHO_SO;"
    AS_INTROSPECT="echo_read_request_body; echo -n '$AS_JSON';"
    AS_TOKENS=1
else
    LOAD_ECHO=""
    AS_INTROSPECT="return 200 '$AS_JSON';"
    AS_TOKENS=0
fi
NOW=$(date +%s)
TYPICAL='{"active":true,"client_id":"bench-client-0001","sub":"user-4b6c2d0e9a71","scope":"orders.read orders.write admin","exp":'$BENCH_EXP',"iat":'$NOW',"aud":"https://api.example.com"}'

bench_ports_free $P_BACKEND $P_AS $P_B0 $P_K0 $P_O0 $P_K1 $P_O1 $P_O2 \
    $P_OL $P_B0_2 $P_K0_2 $P_O0_2 $P_K1_2 $P_O1_2 $P_O2_2 $P_MEM \
    $P_J1 $P_J2 $P_J3 $P_J1_2 $P_J2_2 $P_J3_2

trap instances_stop EXIT
trap 'exit 130' INT TERM

START=$(date +%s)
echo "bench: $MODE: $ROUNDS rounds x ${DURATION}s, $CONNS connections" \
     "per worker, $NPROC CPUs"

rm -rf "$BENCH"
mkdir -p "$BENCH"
python3 "$BENCHPY" gen "$BENCH/data"

UP=(BACKEND_PORT=$P_BACKEND AS_PORT=$P_AS)

instance_start upstream upstream.conf "${UP[@]}" AFFINITY="$AFF_UP" \
    LOAD_ECHO="$LOAD_ECHO" AS_INTROSPECT="$AS_INTROSPECT" \
    TYPICAL_CLAIMS="$TYPICAL"

instance_start plain1 plain.conf "${UP[@]}" WORKERS=1 AFFINITY="$AFF1" \
    PORT_B0=$P_B0 PORT_K0=$P_K0 PORT_O0=$P_O0
instance_start mod1 module.conf "${UP[@]}" WORKERS=1 AFFINITY="$AFF1" \
    PORT_K1=$P_K1 PORT_O1=$P_O1 PORT_O2=$P_O2 COLD_ZONE=512m \
    PORT_J1=$P_J1 PORT_J2=$P_J2 PORT_J3=$P_J3
instance_start plain2 plain.conf "${UP[@]}" WORKERS=2 AFFINITY="$AFF2" \
    PORT_B0=$P_B0_2 PORT_K0=$P_K0_2 PORT_O0=$P_O0_2
instance_start mod2 module.conf "${UP[@]}" WORKERS=2 AFFINITY="$AFF2" \
    PORT_K1=$P_K1_2 PORT_O1=$P_O1_2 PORT_O2=$P_O2_2 COLD_ZONE=1m \
    PORT_J1=$P_J1_2 PORT_J2=$P_J2_2 PORT_J3=$P_J3_2
if [ $HAVE_LUA = 1 ]; then
    instance_start lua1 lua.conf "${UP[@]}" WORKERS=1 AFFINITY="$AFF1" \
        PORT_OL=$P_OL
fi

SCENARIOS=(B0 K0 K1 O0 O1)
[ $HAVE_LUA = 1 ] && SCENARIOS+=(OL)
SCENARIOS+=(O2)
HAVE_JWT=0
if [ -f "$BENCH/data/j_auth.txt" ]; then
    HAVE_JWT=1
    SCENARIOS+=(J1 J2 J3)
fi
SCENARIOS+=(B0-2w K1-2w O1-2w)

# ONLY=K1,O1-2w: those scenarios, plus the B0 they are compared with
if [ -n "${ONLY:-}" ]; then
    want=",$ONLY,"
    case $want in *-2w,*) want+="B0-2w," ;; esac
    case $want in *,[A-Z][0-9L],*) want+="B0," ;; esac
    case $want in *,J[0-9],*) [ $HAVE_JWT = 1 ] || {
        echo "bench: J* need python3-cryptography" >&2; exit 2; } ;; esac
    sel=()
    for s in "${SCENARIOS[@]}"; do
        case $want in *",$s,"*) sel+=("$s") ;; esac
    done
    SCENARIOS=("${sel[@]}")
fi

# scenario -> instance port workers mode arg description
scenario() {
    local d=$BENCH/data
    case $1 in
    B0)    S=(plain1 $P_B0   1 rotate $d/b_auth.txt
              "no auth (proxy_pass, keepalive upstream)") ;;
    K0)    S=(plain1 $P_K0   1 rotate $d/k_auth.txt
              "map of 1,000 keys + if (no module)") ;;
    K1)    S=(mod1   $P_K1   1 rotate $d/k_auth.txt
              "api_auth api_key, 1,000-key file") ;;
    O0)    S=(plain1 $P_O0   1 rotate $d/o_auth.txt
              "auth_request + proxy_cache (no module)") ;;
    O1)    S=(mod1   $P_O1   1 rotate $d/o_auth.txt
              "api_auth oauth, warm cache") ;;
    OL)    S=(lua1   $P_OL   1 rotate $d/o_auth.txt
              "access_by_lua + lua_shared_dict") ;;
    O2)    S=(mod1   $P_O2   1 cold   ""
              "api_auth oauth, cold: new token per request") ;;
    J1)    S=(mod1   $P_J1   1 rotate $d/j_auth.txt
              "api_auth oauth, JWT RS256+ES256, warm cache") ;;
    J2)    S=(mod1   $P_J2   1 rotate $d/j2_auth.txt
              "api_auth oauth, a new RS256 JWT per request") ;;
    J3)    S=(mod1   $P_J3   1 rotate $d/j_auth.txt
              "api_auth oauth, JWT RS256+ES256, no cache") ;;
    B0-2w) S=(plain2 $P_B0_2 2 rotate $d/b_auth.txt
              "no auth, 2 workers") ;;
    K1-2w) S=(mod2   $P_K1_2 2 rotate $d/k_auth.txt
              "api_auth api_key, 2 workers") ;;
    O1-2w) S=(mod2   $P_O1_2 2 rotate $d/o_auth.txt
              "api_auth oauth, warm cache, 2 workers") ;;
    esac
}

RAW=$BENCH/raw.jsonl
: >"$RAW"
AS_LOG=$BENCH/upstream/as_calls.log

# J2: the RS256 signature checks its server counted (api_auth_metrics)
verifications() {
    curl -s "http://127.0.0.1:$1/metrics" | sed -n \
        's/^api_auth_jwt_verifications_total{alg="RS256",result="valid"} //p'
}

run_one() {
    local round=$1 name=$2 v0=0
    scenario "$name"
    local inst=${S[0]} port=${S[1]} workers=${S[2]} mode=${S[3]}
    local arg=${S[4]} desc=${S[5]}
    local log=$BENCH/wrk-$name-r$round.log
    local pids wrk_cmd t0 t1 json extra="" as0=0 as1 distinct

    # warm up and check: every credential must pass (caches filled)
    if [ "$mode" = rotate ]; then
        python3 "$BENCHPY" send "$port" / --auth "$arg" >/dev/null
    else
        arg="c$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')r$round"
        python3 "$BENCHPY" send "$port" / --cold "w$arg" -n 10 >/dev/null
    fi

    if [ "$workers" = 1 ]; then
        wrk_cmd=("${PIN_WRK[@]}" wrk -t1 -c"$CONNS")
    else
        wrk_cmd=(wrk -t2 -c$((2 * CONNS)))
    fi

    pids=$(instance_workers "$inst")
    [ "$mode" = cold ] && as0=$(wc -l <"$AS_LOG")
    [ "$name" = J2 ] && v0=$(verifications "$port")
    t0=$(cpu_ticks $pids)
    "${wrk_cmd[@]}" -d"${DURATION}s" --latency -s "$ROOT/bench/wrk/bench.lua" \
        "http://127.0.0.1:$port/" -- "$mode" "$arg" >"$log" 2>&1 || {
        echo "bench: wrk failed for $name:" >&2; cat "$log" >&2; exit 1; }
    t1=$(cpu_ticks $pids)

    json=$(sed -n 's/^BENCHJSON //p' "$log")
    [ -n "$json" ] || { echo "bench: no result from wrk:" >&2;
                        cat "$log" >&2; exit 1; }

    if [ "$name" = J2 ]; then
        sleep 0.2
        extra=",\"verifications\":$(( $(verifications "$port") - v0 ))"
    fi

    if [ "$mode" = cold ]; then
        # let the calls in flight when wrk stopped reach the AS
        sleep 0.5
        as1=$(wc -l <"$AS_LOG")
        if [ $AS_TOKENS = 1 ]; then
            distinct=$(tail -n +$((as0 + 1)) "$AS_LOG" | sort -u | wc -l)
            extra=",\"as_calls\":$((as1 - as0)),\"as_distinct\":$distinct"
            extra+=",\"as_duplicates\":$((as1 - as0 - distinct))"
        else
            extra=",\"as_calls\":$((as1 - as0))"
        fi
    fi

    SEQ=$((SEQ + 1))
    printf '{"seq":%d,"round":%d,"scenario":"%s","description":"%s",' \
        "$SEQ" "$round" "$name" "$desc" >>"$RAW"
    printf '"workers":%d,' "$workers" >>"$RAW"
    printf '"cpu_ticks":%d,"hz":%d%s,"wrk":%s}\n' \
        $((t1 - t0)) "$HZ" "$extra" "$json" >>"$RAW"

    python3 - "$name" "$round" "$t0" "$t1" "$HZ" "$json" "$extra" <<'EOF'
import json, sys
name, rnd, t0, t1, hz, js, extra = sys.argv[1:]
w = json.loads(js)
s = w["duration_us"] / 1e6
rps = w["requests"] / s
cpu = (int(t1) - int(t0)) * 1e6 / int(hz) / max(w["requests"], 1)
err = w["status_errors"] + w["errors_connect"] + w["errors_read"] \
    + w["errors_write"] + w["errors_timeout"]
x = json.loads("{" + extra.lstrip(",") + "}")
more = ""
if "verifications" in x:
    more = "  %d signature checks (completed %d)" % (
        x["verifications"], w["requests"])
elif x:
    more = "  AS calls %d (completed %d, sent %d)" % (
        x["as_calls"], w["requests"], w["generated"])
    if "as_duplicates" in x:
        more += ", %d duplicates" % x["as_duplicates"]
print("  round %s  %-6s %8.0f req/s  p99 %6.2f ms  %6.1f us/req%s%s" % (
    rnd, name, rps, w["p99_us"] / 1000.0, cpu,
    "  ERRORS %d" % err if err else "", more))
EOF
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# the scenarios compared with each baseline, B0 (one worker) and B0-2w
ONE=() TWO=()
for s in "${SCENARIOS[@]}"; do
    case $s in
    B0|B0-2w) ;;
    *-2w) TWO+=("$s") ;;
    *) ONE+=("$s") ;;
    esac
done

# base X...: the baseline before and after each X, in an order that
# starts elsewhere in the list each round
bracketed() {
    local round=$1 base=$2 i n
    shift 2
    n=$#
    [ "$n" -gt 0 ] || return 0
    local list=("$@")
    run_one "$round" "$base"
    for i in $(seq 0 $((n - 1))); do
        sleep 0.2
        run_one "$round" "${list[$(( (i + round - 1) % n ))]}"
        sleep 0.2
        run_one "$round" "$base"
    done
}

SEQ=0
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS"
    bracketed "$round" B0 "${ONE[@]}"
    bracketed "$round" B0-2w "${TWO[@]}"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# memory: distinct tokens with typical claims into a 1 MB zone
# (and, for comparison, the minimal claims of the O1 scenario)
MEMORY='null' MEMORY_MIN='null'
memory_run() {
    local name=$1 as_path=$2
    instance_start "$name" memory.conf "${UP[@]}" PORT=$P_MEM \
        AS_PATH="$as_path"
    python3 "$BENCHPY" send $P_MEM / --cold "$name$(date +%s)-" \
        -n "$MEM_N" >/dev/null
    python3 "$BENCHPY" memory "$BENCH/$name/debug.log" "$MEM_N" 1 \
        >"$BENCH/$name.json"
    instances_stop_last
}
if [ "${MEM_N}" != 0 ]; then
    echo "memory: $MEM_N distinct tokens into a 1 MB zone"
    memory_run memory /introspect-typical
    MEMORY=$(cat "$BENCH/memory.json")
    echo "  typical claims: $MEMORY"
    memory_run memory-min /auth
    MEMORY_MIN=$(cat "$BENCH/memory-min.json")
    echo "  minimal claims: $MEMORY_MIN"
fi

instances_stop

cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
python3 - "$BENCH/meta.json" <<EOF
import json, sys
info = {
    "mode": "$MODE",
    "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
    "cpu": "$cpu_model",
    "nproc": $NPROC,
    "kernel": "$(uname -sr)",
    "nginx": "$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')",
    "wrk": "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)",
    "module": "$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)",
    "rounds": $ROUNDS,
    "duration_s": $DURATION,
    "connections": "$CONNS per worker (wrk: 1 thread on CPU 1; 2 threads unpinned with 2 workers)",
    "load_before": "$LOAD_BEFORE",
    "load_after": "$LOAD_AFTER",
    "elapsed_s": $(( $(date +%s) - START )),
    "memory": json.loads('''$MEMORY'''),
    "memory_minimal": json.loads('''$MEMORY_MIN'''),
}
if info["memory"]:
    info["memory"]["claims"] = '''$TYPICAL'''
if info["memory_minimal"]:
    info["memory_minimal"]["claims"] = '''$AS_JSON'''
json.dump(info, open(sys.argv[1], "w"), indent=1)
EOF

echo
python3 "$BENCHPY" summarize "$RAW" "$BENCH/meta.json" "$RESULTS_DIR"
echo "bench: $(( $(date +%s) - START )) s; results in $RESULTS_DIR/latest.md" \
     "and latest.json"
