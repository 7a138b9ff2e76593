#!/usr/bin/env bash
# run-sample.sh CLONEMU BINARY EXPECTED.out EXPECTED.status [ARGSFILE]
#
# One functional test: run a guest sample under `clonemu run`, then compare
# its stdout (byte for byte) and exit status with what the real kernel gave
# (tests/func/expected/, written by tools/record-native.sh). ARGSFILE, if
# given and non-empty, holds one line of arguments for the guest.
# Exits 0 on a match, 1 on a mismatch, 2 on a usage/setup problem.
set -u

if [ $# -lt 4 ] || [ $# -gt 5 ]; then
    echo "usage: $0 CLONEMU BINARY EXPECTED.out EXPECTED.status [ARGSFILE]" >&2
    exit 2
fi
clonemu=$1 bin=$2 exp_out=$3 exp_status=$4 argsfile=${5:-}
name=$(basename "$bin")

for f in "$clonemu" "$bin"; do
    [ -x "$f" ] || { echo "$name: missing executable $f (build first)" >&2; exit 2; }
done
for f in "$exp_out" "$exp_status"; do
    [ -f "$f" ] || { echo "$name: missing $f (run tools/record-native.sh)" >&2; exit 2; }
done

args=()
if [ -n "$argsfile" ]; then
    read -r -a args < "$argsfile" || true
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# CLONEMU_TIMEOUT_SCALE: slower runs (tests/valgrind/memcheck.sh sets it)
limit=$((60 * ${CLONEMU_TIMEOUT_SCALE:-1}))
timeout $limit "$clonemu" run "$bin" "${args[@]}" < /dev/null > "$tmp/out" 2> "$tmp/err"
status=$?
want_status=$(tr -d ' \n' < "$exp_status")

ok=1
if [ "$status" -eq 124 ]; then
    echo "$name: TIMEOUT after $limit s" >&2
    ok=0
fi
if ! diff -u --label "expected ($exp_out)" --label "clonemu" "$exp_out" "$tmp/out"; then
    echo "$name: stdout differs from the real kernel's" >&2
    ok=0
fi
if [ "$status" != "$want_status" ]; then
    echo "$name: exit status $status, real kernel gave $want_status" >&2
    ok=0
fi
if [ "$ok" -ne 1 ]; then
    if [ -s "$tmp/err" ]; then
        echo "--- clonemu stderr (last 40 lines) ---" >&2
        tail -n 40 "$tmp/err" >&2
    fi
    exit 1
fi
echo "$name: ok (status $status)"
exit 0
