#!/usr/bin/env bash
# Builds the libFuzzer targets of src/core into build/fuzz/ and runs each
# for a bounded time from the committed seeds (fuzz/corpus/TARGET/, read
# only); new interesting inputs go to build/fuzz/corpus/TARGET/, crash
# inputs to build/fuzz/crashes/.  Prints executions, exec/s, coverage and
# crashes per target; exits non-zero if a target crashed or did not build.
#
# usage: fuzz/run.sh [TARGET...]      (default: all)
#   FUZZ_SECONDS=60   run time per target
#   FUZZ_BUILD_ONLY=1 build, do not run
set -uo pipefail

cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
out=build/fuzz
all=(authorization base64 keyfile introspection form scope url jws jwks)
targets=("${@:-${all[@]}}")

# -max_len per target: headers and key lines are short, JSON bodies are not
declare -A max_len=(
    [authorization]=4096 [base64]=4096 [keyfile]=16384
    [introspection]=65536 [form]=4096 [scope]=4096 [url]=4096
    [jws]=9000 [jwks]=65536
)

if ! command -v clang++ >/dev/null; then
    echo "fuzz: clang++ missing; install it with:" >&2
    echo "  apt-get install -y clang libclang-rt-14-dev" >&2
    exit 1
fi

# UBSan findings abort too, so that libFuzzer keeps the input
CXXFLAGS=(-std=c++17 -g -O1 -Wall -Wextra
          -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
          -Isrc/core -Ifuzz)
LIBS=$(pkg-config --cflags --libs jansson libcrypto) || exit 1

mkdir -p "$out/corpus" "$out/crashes" "$out/logs"
failed=0
summary=()

for t in "${targets[@]}"; do
    bin=$out/fuzz_$t
    log=$out/logs/$t.log

    if [ -z "${max_len[$t]:-}" ]; then
        echo "fuzz: unknown target $t (known: ${all[*]})" >&2
        exit 2
    fi

    echo "== $t: build"
    # shellcheck disable=SC2086
    if ! clang++ "${CXXFLAGS[@]}" src/core/*.cpp "fuzz/fuzz_$t.cpp" \
            $LIBS -o "$bin"; then
        summary+=("$(printf '%-14s BUILD FAILED' "$t")")
        failed=1
        continue
    fi

    [ -n "${FUZZ_BUILD_ONLY:-}" ] && continue

    dict=()
    [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
    mkdir -p "$out/corpus/$t"
    rm -f "$out/crashes/$t-"*

    echo "== $t: ${seconds}s, -max_len=${max_len[$t]}"
    # the first corpus directory receives new inputs; the seeds stay as
    # they are.  -timeout: an input that takes 10 s counts as a crash.
    "$bin" -max_total_time="$seconds" -max_len="${max_len[$t]}" \
        -timeout=10 -print_final_stats=1 "${dict[@]}" \
        -artifact_prefix="$out/crashes/$t-" \
        "$out/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1
    rc=$?

    # libFuzzer's "stat::" lines and its last "cov: ... ft: ..." line
    execs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log")
    speed=$(awk '/^stat::average_exec_per_sec:/ { print $2 }' "$log")
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    crashes=$(find "$out/crashes" -name "$t-*" | wc -l)

    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        failed=1
        grep -E 'ERROR: |property failed|runtime error' "$log" | head -5
        find "$out/crashes" -name "$t-*" -printf '   input: %p\n'
    fi

    summary+=("$(printf '%-14s execs %-10s exec/s %-7s %-20s crashes %s' \
        "$t" "${execs:-?}" "${speed:-?}" "${cov:-cov: ?}" "$crashes")")
done

echo
echo "==== fuzz summary (${seconds}s per target, logs in $out/logs) ===="
printf '%s\n' "${summary[@]}"

exit $failed
