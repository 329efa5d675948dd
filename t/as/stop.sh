#!/usr/bin/env bash
# Stop the test authorization server started by start.sh: SIGTERM, wait up
# to 5 s, then SIGKILL and wait up to 2 s more. Succeeds when it is not
# running. AS_PIDFILE as in start.sh (default t/as/as.pid).
set -uo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pidfile=${AS_PIDFILE:-$dir/as.pid}

[[ -s $pidfile ]] || { echo "t/as/stop.sh: not running (no $pidfile)"; exit 0; }
pid=$(cat "$pidfile")

# Running = exists and is not a zombie (a zombie is reaped by its parent,
# which is not us: start.sh has exited).
alive() { [[ -r /proc/$1/stat ]] && [[ $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) != Z ]]; }

if ! alive "$pid"; then
    rm -f "$pidfile"; echo "t/as/stop.sh: not running (stale pid $pid)"; exit 0
fi
# Do not kill a recycled pid that is no longer our server.
if ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'server\.js'; then
    rm -f "$pidfile"; echo "t/as/stop.sh: pid $pid is not the server; removed stale $pidfile" >&2; exit 0
fi

kill -TERM "$pid" 2>/dev/null
for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
if alive "$pid"; then
    echo "t/as/stop.sh: pid $pid ignored SIGTERM, sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null
    for _ in $(seq 20); do alive "$pid" || break; sleep 0.1; done
fi
if alive "$pid"; then
    echo "t/as/stop.sh: pid $pid still running" >&2; exit 1
fi
# If we are its parent (start.sh was sourced), reap it.
wait "$pid" 2>/dev/null || true
rm -f "$pidfile"
echo "t/as/stop.sh: stopped (pid $pid)"
