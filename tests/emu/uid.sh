#!/bin/sh
# clonemu run --uid=N --gid=N: the first guest process starts unprivileged.
# samples/ns_eperm_newuts first checks its capabilities, then drops to
# 65534 with setgroups/setgid/setuid, which as uid 1000 fails with EPERM
# (exit 1); as root (what its recorded output shows) it succeeds.
set -u
CLONEMU=$1 GUEST=$2
fail=0
out=$("$CLONEMU" run --uid=1000 --gid=1000 "$GUEST" 2>&1)
rc=$?
[ $rc = 1 ] || { echo "FAIL: --uid=1000: exit status $rc, want 1"; fail=1; }
for want in 'root: effective capabilities not empty=0' 'drop to 65534: EPERM'; do
    printf '%s\n' "$out" | grep -qx -- "$want" || { echo "FAIL: no line '$want'"; fail=1; }
done
out=$("$CLONEMU" run --uid=0 --gid=0 "$GUEST" 2>&1)
printf '%s\n' "$out" | grep -qx 'root: effective capabilities not empty=1' ||
    { echo "FAIL: --uid=0 is not root"; fail=1; }
"$CLONEMU" run --uid=x "$GUEST" >/dev/null 2>&1
rc=$?
[ $rc = 2 ] || { echo "FAIL: --uid=x: exit status $rc, want 2"; fail=1; }
[ $fail = 0 ] && echo "--uid/--gid ok" || printf '%s\n' "$out"
exit $fail
