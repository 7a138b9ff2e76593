#!/bin/sh
# A pooled engine serves its next mm as a fresh one would (engine_release,
# fastw_forget in emu/cpu_unicorn_fastw.inc): what the store fast path
# learned about the previous mm goes. tests/guests/pool_learning.c runs a
# store-heavy child and then an ALU-loop child (and the other way round);
# the second gets the first one's engine. CLONEMU_ENGINE_REPORT=1 prints a
# line as each mm releases its engine; the second line is the second
# child's:
#  - ALU loop after stores: "block hook off" (a kept fw_total of the
#    store-heavy child kept the block hook on for good);
#  - stores after an ALU loop: the scans cleared entries again (a kept
#    hook-off state left every store on Unicorn's slow path).
# The guest's output must be the real kernel's (the x86-64 build natively).
#   pool.sh CLONEMU GUEST NATIVE_X86_64_GUEST
set -u
CLONEMU=$1 GUEST=$2 NATIVE=$3
out=$(mktemp) err=$(mktemp) want=$(mktemp)
trap 'rm -f "$out" "$err" "$want"' EXIT
fail=0
for order in stores-first alu-first; do
    set -- 1000000 5000000
    [ $order = alu-first ] && set -- "$@" alu-first
    CLONEMU_ENGINE_REPORT=1 CLONEMU_SLOW_STORES=0 "$CLONEMU" run "$GUEST" "$@" >"$out" 2>"$err"
    rc=$?
    "$NATIVE" "$@" >"$want"
    if [ $rc != 0 ] || ! cmp -s "$out" "$want"; then
        echo "FAIL ($order): status $rc, output differs from the native run"
        diff "$want" "$out"
        fail=1
    fi
    second=$(grep '^clonemu: engine released:' "$err" | sed -n 2p)
    echo "$order: second child: ${second#clonemu: engine released: }"
    case $order in
    stores-first) ok=$(echo "$second" | grep -c 'block hook off') ;;
    alu-first) ok=$(echo "$second" | awk '{ print ($(NF - 3) >= 1000) }') ;;
    esac
    if [ "$ok" != 1 ]; then
        echo "FAIL ($order): the second child's engine kept the first child's state"
        cat "$err"
        fail=1
    fi
done
exit $fail
