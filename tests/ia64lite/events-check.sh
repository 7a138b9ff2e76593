#!/bin/sh
# events-check.sh CLONEMU CLONE2-DEMO: the ia64-lite thread demo's event
# stream has the clone event of a clone2 call with the stack area
# (stack_base = the mmap'd area, stack_size = 0x10000) and only event kinds
# the other arches produce for the same steps.
set -eu
clonemu=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$clonemu" run --events="$tmp/ev.jsonl" "$bin" > /dev/null
grep '"kind":"clone"' "$tmp/ev.jsonl" > "$tmp/clone" || { echo "no clone event"; exit 1; }
grep -q '"call":"clone2"' "$tmp/clone" || { echo "clone event is not clone2:"; cat "$tmp/clone"; exit 1; }
grep -q '"stack_size":"0x10000"' "$tmp/clone" || { echo "no stack_size 0x10000:"; cat "$tmp/clone"; exit 1; }
base=$(sed -n 's/.*"stack_base":"\(0x[0-9a-f]*\)".*/\1/p' "$tmp/clone")
[ -n "$base" ] || { echo "no stack_base"; exit 1; }
grep '"name":"mmap"' "$tmp/ev.jsonl" | grep -q "\"ret\":\"$base\"" ||
    { echo "stack_base $base is not what mmap returned"; exit 1; }
kinds=$(sed -n 's/.*"kind":"\([a-z_]*\)".*/\1/p' "$tmp/ev.jsonl" | sort -u | tr '\n' ' ')
for k in $kinds; do
    case $k in
    task_new|syscall|mmap|clone|futex_wait|futex_wake|block|wake|exit|zombie|reap|exit_group|signal_*|mm_*|sched*|run*|preempt*) ;;
    *) echo "unexpected event kind $k"; exit 1 ;;
    esac
done
echo "ok: clone2 event $(cat "$tmp/clone")"
echo "kinds: $kinds"
