#!/bin/sh
# A deadlocked guest (tests/guests/deadlock_futex.c: two threads each wait
# on the other's futex, main joins the first) must end within a second with
# exit status 125 and the wait graph on stderr. Natively the program hangs,
# so this is not a func sample with a recorded expectation.
set -u
CLONEMU=$1 GUEST=$2
err=$(mktemp)
start=$(date +%s%N)
timeout 10 "$CLONEMU" run "$GUEST" >/dev/null 2>"$err"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
fail=0
[ $rc = 125 ] || { echo "FAIL: exit status $rc, want 125"; fail=1; }
[ $ms -lt 1000 ] || { echo "FAIL: took ${ms} ms, want < 1000"; fail=1; }
for pat in \
    '^clonemu: deadlock: every task is blocked and no timer can wake one (exit status 125)' \
    'waits for futex 0x[0-9a-f]* of mm#[0-9]* (value 1001); could be ended by: 1001 at its exit (CLONE_CHILD_CLEARTID) (blocked)' \
    '^clonemu:   1001/1000 main waits for futex 0x[0-9a-f]* of mm#[0-9]* (value 0); could be ended by: 1000 (blocked), 1002 (blocked)' \
    '^clonemu:   1002/1000 main waits for futex 0x[0-9a-f]* of mm#[0-9]* (value 0); could be ended by: 1000 (blocked), 1001 (blocked)' \
    'no task can run'; do
    grep -q -- "$pat" "$err" || { echo "FAIL: no line matching: $pat"; fail=1; }
done
[ $fail = 0 ] && echo "deadlock reported in ${ms} ms" || cat "$err"
rm -f "$err"
exit $fail
