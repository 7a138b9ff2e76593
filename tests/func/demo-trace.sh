#!/usr/bin/env bash
# demo-trace.sh CLONEMU SIG_GROUP_DELIVERY
#
# The default demo (samples/sig_group_delivery.c): main and thread A block
# SIGUSR1, thread B does not, then kill(getpid(), SIGUSR1). The --trace
# must show, for that kill, all three threads as candidates, exactly the
# two that block it marked "blocked", and the chosen thread = the one that
# does not block it; then the handler runs in that thread.
set -u
clonemu=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! timeout 60 "$clonemu" run --trace="$tmp/trace" "$bin" > "$tmp/out" 2> "$tmp/err"; then
    echo "clonemu run failed" >&2
    cat "$tmp/err" >&2
    exit 1
fi
line=$(grep -m1 'signal_target sig=SIGUSR1' "$tmp/trace")
if [ -z "$line" ]; then
    echo "no signal_target event for SIGUSR1 in the trace" >&2
    exit 1
fi
echo "$line"
cands=$(sed -n 's/.*candidates=\([^ ]*\).*/\1/p' <<< "$line")
chosen=$(sed -n 's/.*chosen=\([0-9]*\).*/\1/p' <<< "$line")
n=$(tr ',' '\n' <<< "$cands" | grep -c .)
nblocked=$(tr ',' '\n' <<< "$cands" | grep -c ':blocked$')
eligible=$(tr ',' '\n' <<< "$cands" | sed -n 's/^\([0-9]*\):eligible$/\1/p')
fail=0
[ "$n" = 3 ] || { echo "expected 3 candidate threads, got $n ($cands)" >&2; fail=1; }
[ "$nblocked" = 2 ] || { echo "expected 2 threads blocking SIGUSR1, got $nblocked" >&2; fail=1; }
[ -n "$eligible" ] && [ "$chosen" = "$eligible" ] ||
    { echo "chosen=$chosen is not the one eligible thread ($eligible)" >&2; fail=1; }
grep -q "^\[$chosen/[0-9]* [a-z0-9_]*\] signal_deliver sig=SIGUSR1 handler=" "$tmp/trace" ||
    { echo "the handler did not run in the chosen thread $chosen" >&2; fail=1; }
grep -q '^kill(getpid(), SIGUSR1): handled_by=B$' "$tmp/out" ||
    { echo "the program did not report handled_by=B" >&2; fail=1; }
[ $fail = 0 ] && echo "ok: 3 candidates, 2 blocked, chosen $chosen, handler ran there"
exit $fail
