#!/bin/bash
# make fuzz: runs each libFuzzer harness for a bounded time and fails on
# the first crash, hang (an input running over 10 s), leak or broken
# check. Usage: run.sh SECONDS NAME...  (harnesses in build-fuzz/).
#
# New inputs go to build-fuzz/corpus/NAME (kept between runs); the
# committed seeds in tests/fuzz/corpus/NAME are only read. A failing
# input is saved as build-fuzz/crashes/NAME-*; reproduce it with
#     build-fuzz/fuzz_NAME build-fuzz/crashes/NAME-...
# Each harness's last lines (execs, coverage) are printed; its whole log
# is build-fuzz/NAME.log.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${FUZZ_OUT:-$root/build-fuzz}
seconds=$1
shift
failed=0
mkdir -p "$out/crashes"
for name in "$@"; do
    mkdir -p "$out/corpus/$name"
    log="$out/$name.log"
    "$out/fuzz_$name" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
        -dict="$here/$name.dict" -artifact_prefix="$out/crashes/$name-" \
        "$out/corpus/$name" "$here/corpus/$name" >"$log" 2>&1
    rc=$?
    # The last status line: "#N DONE cov: C ft: F corp: ... exec/s: E".
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    if [ "$rc" -eq 0 ]; then
        printf 'ok   fuzz/%s: %ss, %s execs (%s/s), cov %s, ft %s\n' \
            "$name" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}"
    else
        failed=$((failed + 1))
        printf 'FAIL fuzz/%s (exit %s); see %s\n' "$name" "$rc" "$log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' \
            "$log" | head -8
    fi
done
[ "$failed" -eq 0 ]
