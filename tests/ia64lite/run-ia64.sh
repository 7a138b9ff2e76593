#!/usr/bin/env bash
# run-ia64.sh CLONEMU BINARY STATUS OUT-FILE|- STDERR-REGEX|- [CLONEMU-OPTION...]
# Runs an ia64-lite guest under `clonemu run` and checks its exit status,
# its stdout (byte for byte, unless OUT-FILE is -) and that stderr matches
# STDERR-REGEX (unless -). Expected values are documented results (no ia64
# hardware exists): see CMakeLists.txt here.
set -u
clonemu=$1 bin=$2 want_status=$3 want_out=$4 err_re=$5
shift 5
name=$(basename "$bin")
[ -x "$bin" ] || { echo "$name: missing $bin (build first)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout $((60 * ${CLONEMU_TIMEOUT_SCALE:-1})) "$clonemu" run "$@" "$bin" < /dev/null > "$tmp/out" 2> "$tmp/err"
status=$?
ok=1
if [ "$status" != "$want_status" ]; then
    echo "$name: exit status $status, expected $want_status" >&2
    ok=0
fi
if [ "${want_out%.lines}" != "$want_out" ]; then
    # each line of a .lines file must appear in stdout (output with tids
    # in it is not compared byte for byte)
    while IFS= read -r line; do
        grep -Fxq -- "$line" "$tmp/out" || { echo "$name: stdout lacks: $line" >&2; ok=0; }
    done < "$want_out"
elif [ "$want_out" != - ] && ! cmp -s "$want_out" "$tmp/out"; then
    echo "$name: stdout differs from $want_out:" >&2
    diff "$want_out" "$tmp/out" | head -20 >&2
    ok=0
fi
if [ "$err_re" != - ] && ! grep -Eq "$err_re" "$tmp/err"; then
    echo "$name: stderr does not match /$err_re/" >&2
    ok=0
fi
if [ $ok = 0 ]; then
    echo "--- stdout" >&2; head -20 "$tmp/out" >&2
    echo "--- stderr" >&2; head -20 "$tmp/err" >&2
    exit 1
fi
echo "$name: ok (status $status)"
cat "$tmp/err"
