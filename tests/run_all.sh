#!/bin/bash
# make check: every cmocka unit test, then every golden case; ends with one
# line "N passed, N failed" over all of them. Usage: run_all.sh BIN CSVCMP UNIT...
set -u
export ECOMETER=$1 CSVCMP=$2
shift 2
pass=0 fail=0
for t in "$@"; do
    if out=$("$t" 2>&1); then
        n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
        pass=$((pass + ${n:-1})); echo "ok   $(basename "$t") (${n:-?} tests)"
    else
        printf '%s\n' "$out" | grep -E 'FAILED|ERROR|Failure|error' | head -20
        n=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
        fail=$((fail + ${n:-1})); echo "FAIL $(basename "$t")"
    fi
done
golden=$("$(dirname "$0")/run_golden.sh")
printf '%s\n' "$golden" | grep -v '^golden: '
gp=$(printf '%s\n' "$golden" | grep -c '^ok ')
gf=$(printf '%s\n' "$golden" | grep -c '^FAIL ')
pass=$((pass + gp)); fail=$((fail + gf))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
