#!/usr/bin/env bash
# live.sh CLONEMU SAMPLES_DIR: `clonemu run --viz` (issue 7) follows the
# run in the window without changing it. Under SDL's headless "dummy"
# video driver, each sample runs with --viz=exit and without --viz (same
# environment: the guest sees it), and the event files, stdout and exit
# status must be identical; the window must have taken every event.
set -u
clonemu=$1 samples=$2
export SDL_VIDEODRIVER=dummy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for s in aarch64/sig_group_delivery x86_64/pthreads_counter x86_64/fork_tree; do
    [ -x "$samples/$s" ] || { echo "missing $samples/$s"; fail=1; continue; }
    "$clonemu" run --seed=3 --events="$tmp/a.jsonl" "$samples/$s" > "$tmp/a.out" 2> /dev/null
    rca=$?
    "$clonemu" run --seed=3 --viz=exit --events="$tmp/b.jsonl" "$samples/$s" > "$tmp/b.out" 2> "$tmp/b.err"
    rcb=$?
    n=$(wc -l < "$tmp/a.jsonl")
    if ! cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl"; then
        echo "$s: events differ with --viz"; fail=1
    elif ! cmp -s "$tmp/a.out" "$tmp/b.out" || [ $rca != $rcb ]; then
        echo "$s: output or exit status ($rca vs $rcb) differ with --viz"; fail=1
    elif ! grep -q "clonemu viz: followed $n events" "$tmp/b.err"; then
        echo "$s: the window did not take all $n events:"; cat "$tmp/b.err"; fail=1
    else
        echo "$s: $n events, identical with --viz; $(grep -o 'followed.*' "$tmp/b.err")"
    fi
done
exit $fail
