#!/usr/bin/env bash
# memcheck.sh [--wrap BIN]... -- COMMAND [ARG]...
#
# Runs a test's usual command line under valgrind memcheck: every ARG equal
# to one of the BINs is replaced by a wrapper script that runs that BIN under
#   valgrind --tool=memcheck --leak-check=full
#            --errors-for-leak-kinds=definite,indirect --error-exitcode=99
#            --suppressions=tests/valgrind.supp
# (so a BIN that COMMAND itself starts, e.g. clonemu from test_png, is wrapped
# too when it is passed as an argument). COMMAND's own checks still apply.
# Fails (exit 1) when COMMAND fails, when any valgrind run reported an error
# (invalid read/write, uninitialised value, bad free, a definite or indirect
# leak) or when a valgrind run did not finish (no ERROR SUMMARY: killed);
# each such log is printed. Exit 77 (skipped) without valgrind.
# Environment: VALGRIND (default: valgrind), VALGRIND_EXTRA (more options,
# e.g. --track-origins=yes to find where an uninitialised value came from),
# CLONEMU_TIMEOUT_SCALE (default 10: the test scripts' time limits times 10).
set -u
here=$(cd "$(dirname "$0")" && pwd)
supp=$here/../valgrind.supp
vg=${VALGRIND:-valgrind}
command -v "$vg" > /dev/null || { echo "memcheck: no $vg, skipped"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/log"
declare -A wrapped=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    case $1 in
    --wrap)
        bin=$2
        shift 2
        [ -x "$bin" ] || { echo "memcheck: missing executable $bin" >&2; exit 2; }
        w=$tmp/bin/$(basename "$bin")
        # shellcheck disable=SC2086 # VALGRIND_EXTRA is a list of options
        cat > "$w" << WRAP
#!/bin/sh
exec "$vg" --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect \\
    --error-exitcode=99 --num-callers=40 --gen-suppressions=all --child-silent-after-fork=yes \\
    --suppressions="$supp" ${VALGRIND_EXTRA:-} \\
    --log-file="$tmp/log/$(basename "$bin").%p.log" "$bin" "\$@"
WRAP
        chmod +x "$w"
        wrapped[$bin]=$w
        ;;
    *)
        echo "usage: $0 [--wrap BIN]... -- COMMAND [ARG]..." >&2
        exit 2
        ;;
    esac
done
[ $# -ge 2 ] || { echo "usage: $0 [--wrap BIN]... -- COMMAND [ARG]..." >&2; exit 2; }
shift
cmd=()
for a in "$@"; do
    if [ -n "$a" ] && [ -n "${wrapped[$a]+x}" ]; then cmd+=("${wrapped[$a]}"); else cmd+=("$a"); fi
done

# the test scripts' own time limits (run-sample.sh, run-ia64.sh, hostile.sh)
export CLONEMU_TIMEOUT_SCALE=${CLONEMU_TIMEOUT_SCALE:-10}
"${cmd[@]}"
rc=$?

fail=0
[ $rc = 0 ] || { echo "memcheck: the test itself failed (exit $rc)"; fail=1; }
runs=0
for log in "$tmp"/log/*.log; do
    [ -e "$log" ] || continue
    runs=$((runs + 1))
    if grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
        continue
    elif grep -q 'ERROR SUMMARY:' "$log"; then
        echo "memcheck: errors in $(basename "$log"):"
    else
        echo "memcheck: $(basename "$log") has no ERROR SUMMARY (the run was killed):"
    fi
    cat "$log"
    fail=1
done
if [ $runs = 0 ]; then
    echo "memcheck: no valgrind run happened (is a --wrap BIN among the arguments?)"
    fail=1
fi
[ $fail = 0 ] && echo "memcheck: $runs valgrind run(s), no errors"
exit $fail
