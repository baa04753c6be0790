#!/bin/bash
# Records a golden case's expected stdout, stderr and status from the
# current binary: bless.sh CASE [CASE...]. Review the diff before commit.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export ECOMETER=${ECOMETER:-$root/ecometer} CSVCMP=${CSVCMP:-$root/build/tests/csvcmp}
export REF="$here/reference" DEMO="$root/datasets/demo" J=1 OMP_NUM_THREADS=1
for c in "$@"; do
    d="$here/cases/$c"
    w=$(mktemp -d)
    cp -r "$d/." "$w"
    (cd "$w" && bash -c "$(cat cmd)" >stdout 2>stderr; echo $? >status) || true
    cp "$w/stdout" "$d/expected_stdout"
    cp "$w/stderr" "$d/expected_stderr"
    cp "$w/status" "$d/expected_status"
    rm -rf "$w"
    printf '== %s (status %s)\n' "$c" "$(cat "$d/expected_status")"
    cat "$d/expected_stderr"
done
