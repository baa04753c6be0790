#!/bin/bash
# make bench-scaling: the national study (made once with simulate, as
# make bench makes it, under bench/cache/) run end to end at each thread
# count in THREADS (default "1 2 4 8 16"), REPS times each (default 3):
# wall seconds and run.json's stage timings per run, then whether the
# outputs at every thread count are byte for byte those of the first
# (run.json aside). For a machine with more cores than this one.
# Usage: bench/scaling.sh ECOMETER
set -euo pipefail
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
national="$root/bench/cache/national"
threads=${THREADS:-1 2 4 8 16}
reps=${REPS:-3}
if [ ! -s "$national/survey.csv" ]; then
    echo "making the national study (once): simulate --areas 35672 --respondents 30 --exchanges 140"
    "$bin" simulate -o "$national" --areas 35672 --respondents 30 --exchanges 140 --seed 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== ecometer run on the national study at threads: $threads ($reps runs each; $(nproc) cores)"
first=
for j in $threads; do
    for _ in $(seq "$reps"); do
        start=$(date +%s.%N)
        "$bin" run "$national/study.ini" -j "$j" -o "$out/j$j" --quiet
        end=$(date +%s.%N)
        stages=$(tr -d '\n ' < "$out/j$j/run.json" |
            sed 's/.*"timings":{\([^}]*\)}.*/\1/; s/"//g; s/:/ /g; s/,/  /g')
        awk -v j="$j" -v a="$start" -v b="$end" -v s="$stages" 'BEGIN {
            printf "-j %-2s %6.2f s wall  ", j, b - a
            n = split(s, f, " +")
            for (i = 1; i < n; i += 2) printf " %s %.3f", f[i], f[i + 1]
            printf "\n" }'
    done
    if [ -z "$first" ]; then
        first=$j
    elif diff -r -q -x run.json "$out/j$first" "$out/j$j" >/dev/null; then
        echo "-j $j: outputs byte for byte those of -j $first"
    else
        echo "-j $j: OUTPUTS DIFFER from -j $first"
        exit 1
    fi
done
