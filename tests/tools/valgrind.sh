#!/bin/bash
# Runs a program under valgrind's memcheck, for `make valgrind`:
#
#     valgrind.sh PROGRAM [ARGS...]
#
# Exits with the program's status, or 97 when memcheck found an error (an
# invalid read or write, a use of uninitialised memory, a bad free, or a
# definite leak). Each run's report goes to a new file $VALGRIND_LOGS/vg.*
# (stderr when VALGRIND_LOGS is unset), so the program's own stdout and
# stderr stay byte for byte what the golden cases expect; -q leaves the
# log empty when the run was clean. tests/tools/valgrind_check.sh makes
# one small script per program that calls this one, for the test runners;
# the golden cases valgrind cannot run are in tests/tools/valgrind.skip.
set -u
prog=$1
shift
here=$(cd "$(dirname "$0")" && pwd)

# ecometer re-executes itself at start-up to set glibc's allocator tunables
# and OpenMP's task priorities (engine/startup.c) unless GLIBC_TUNABLES
# already names glibc.malloc.hugetlb and OMP_MAX_TASK_PRIORITY is set; that
# exec would leave valgrind, so set both here (memcheck replaces the
# allocator anyway).
case ${GLIBC_TUNABLES:-} in
*glibc.malloc.hugetlb*) ;;
'') export GLIBC_TUNABLES=glibc.malloc.hugetlb=0 ;;
*) export GLIBC_TUNABLES=$GLIBC_TUNABLES:glibc.malloc.hugetlb=0 ;;
esac
export OMP_MAX_TASK_PRIORITY=${OMP_MAX_TASK_PRIORITY:-1}

# VALGRIND_J1_ONLY=1: only the -j 1 half of each golden case runs under
# valgrind (run_golden.sh sets J); the -j 2 half runs natively, and the
# runner still compares the two halves' outputs.
if [ "${VALGRIND_J1_ONLY:-0}" = 1 ] && [ "${J:-1}" != 1 ]; then
    exec "$prog" "$@"
fi

log=()
if [ -n "${VALGRIND_LOGS:-}" ]; then # a new file each run: pids come round again
    log=(--log-file="$(mktemp "$VALGRIND_LOGS/vg.XXXXXXXX")")
fi
exec valgrind -q --tool=memcheck --error-exitcode=97 \
    --leak-check=full --show-leak-kinds=definite \
    --errors-for-leak-kinds=definite --num-callers=40 \
    --suppressions="$here/../valgrind.supp" --gen-suppressions=all \
    "${log[@]}" "$prog" "$@"
