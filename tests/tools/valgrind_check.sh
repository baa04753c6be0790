#!/bin/bash
# make valgrind: every cmocka unit test and every golden case under
# valgrind's memcheck, through tests/tools/valgrind.sh, by tests/run_all.sh
# (the golden cases in tests/tools/valgrind.skip are left out, each with its
# reason). Usage: valgrind_check.sh BUILD_DIR UNIT...   (BUILD_DIR holds
# ecometer and tests/csvcmp, tests/figcheck, tests/failmalloc.so, as make
# check's does). Ends with run_all.sh's "N passed, N failed" line, and fails
# when a test failed or any run's valgrind log is not empty (so a run whose
# exit status a case does not look at still counts).
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
shift

vg=$build/valgrind
rm -rf "$vg"
mkdir -p "$vg/bin" "$vg/logs"
export VALGRIND_LOGS=$vg/logs GOLDEN_SKIP=$here/valgrind.skip
# VALGRIND_J1_ONLY=1 puts only the -j 1 half of each golden case under
# valgrind, the -j 2 half runs natively (see valgrind.sh).
export VALGRIND_J1_ONLY=${VALGRIND_J1_ONLY:-0}

# The runners take each program's path: a script per program, of the same
# name, that runs it under valgrind.sh.
wrap() { # program -> wrapper path
    local prog w
    prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    w=$vg/bin/$(basename "$1")
    printf '#!/bin/bash\nexec %q %q "$@"\n' "$here/valgrind.sh" "$prog" >"$w"
    chmod +x "$w"
    echo "$w"
}
units=()
for t in "$@"; do units+=("$(wrap "$t")"); done

"$here/../run_all.sh" "$(wrap "$build/ecometer")" "$build/tests/csvcmp" "${units[@]}"
rc=$?

find "$vg/logs" -type f -empty -delete
nlogs=$(find "$vg/logs" -type f | wc -l)
if [ "$nlogs" -gt 0 ]; then
    for f in "$vg/logs"/*; do
        echo "---- $f"; cat "$f"
    done
    echo "valgrind: $nlogs run(s) reported errors; logs in $vg/logs/"
    rc=1
fi
exit "$rc"
