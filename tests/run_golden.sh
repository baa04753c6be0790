#!/bin/bash
# Runs the golden command-line cases under tests/golden/cases/. Each case is
# a folder holding:
#   cmd              the arguments, one shell line; $ECOMETER is the binary,
#                    $J the thread count, $REF tests/golden/reference, $DEMO
#                    datasets/demo, $CSVCMP the comparison tool
#   expected_status  the exit status
#   expected_stdout  optional: stdout, byte for byte
#   expected_stderr  optional: stderr, byte for byte
#   check            optional: a shell script run after the command in the
#                    same folder (compare files, check what must not exist)
#   any input files the command reads
# Each case runs in a fresh copy of its folder, once with -j 1 ($J=1,
# OMP_NUM_THREADS=1) and once with 2; stdout and every file written must be
# the same both times. Prints one line per case and a final
# "N passed, N failed" line.
#
# GOLDEN_SKIP, optional: a file naming cases not to run, one "NAME reason"
# a line ('#' starts a comment), for the runs under tools that cannot run
# them (make tsan, make valgrind); each prints "skip golden/NAME: reason".
set -u
here=$(cd "$(dirname "$0")" && pwd)
export REF="$here/golden/reference" DEMO="$(cd "$here/.." && pwd)/datasets/demo"
export ECOMETER CSVCMP
only=${1:-}
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# LeakSanitizer's tracer (the helper that stops the threads at exit to
# look for leaks) now and then crashes itself ("Tracer caught signal 11",
# then "LeakSanitizer has encountered a fatal error"), about one run in
# eight of some cases under make asan here, the same binary passing the
# other seven. Such a run says nothing about the program, so it is run
# again, at most twice more, with a note; a leak found is reported with
# another message and fails as always.
run_case() { # case-dir threads work-dir
    local try
    for try in 1 2 3; do
        rm -rf "$3"; cp -r "$1" "$3"
        (cd "$3" && J=$2 OMP_NUM_THREADS=$2 bash -c "$(cat cmd)" \
            >actual_stdout 2>actual_stderr; echo $? >actual_status)
        grep -q "LeakSanitizer has encountered a fatal error" "$3/actual_stderr" ||
            return 0
        echo "note golden/$(basename "$1") -j $2: LeakSanitizer's tracer failed (try $try)"
    done
}

# Everything a run leaves, but run.json (timings and host differ).
outputs() { (cd "$1" && find . -type f ! -name run.json ! -name 'actual_stderr' \
    -print0 | sort -z | xargs -0 sha256sum); }

for dir in "$here"/golden/cases/*/; do
    name=$(basename "$dir")
    [ -n "$only" ] && [ "$name" != "$only" ] && continue
    if [ -n "${GOLDEN_SKIP:-}" ]; then
        why=$(awk -v n="$name" '$1 == n { sub(/^[^ \t]+[ \t]+/, ""); print; exit }' \
            "$GOLDEN_SKIP")
        if [ -n "$why" ]; then
            skip=$((skip + 1)); echo "skip golden/$name: $why"; continue
        fi
    fi
    problems=""
    run_case "$dir" 1 "$tmp/j1"
    run_case "$dir" 2 "$tmp/j2"
    for j in j1 j2; do
        w="$tmp/$j"
        want=$(cat "$dir/expected_status")
        got=$(cat "$w/actual_status")
        [ "$want" = "$got" ] || problems+=" [$j: status $got, expected $want]"
        for s in stdout stderr; do
            if [ -f "$dir/expected_$s" ] && ! cmp -s "$dir/expected_$s" "$w/actual_$s"; then
                problems+=" [$j: $s differs: $(diff "$dir/expected_$s" "$w/actual_$s" | head -5 | tr '\n' ' ')]"
            fi
        done
        if [ -f "$dir/check" ]; then
            out=$(cd "$w" && J=${j#j} bash ./check 2>&1) || problems+=" [$j: check failed: $out]"
        fi
    done
    if [ "$(outputs "$tmp/j1")" != "$(outputs "$tmp/j2")" ]; then
        problems+=" [outputs differ between -j 1 and -j 2]"
    fi
    if [ -z "$problems" ]; then
        pass=$((pass + 1)); echo "ok   golden/$name"
    else
        fail=$((fail + 1)); echo "FAIL golden/$name:$problems"
    fi
done
echo "golden: $pass passed, $fail failed${GOLDEN_SKIP:+, $skip skipped}"
[ "$fail" -eq 0 ]
