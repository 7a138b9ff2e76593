#!/usr/bin/env bash
# determinism.sh CLONEMU BINARY
#
# DESIGN.md rule 5: same binary + same seed + same options = byte-identical
# event stream. Runs BINARY twice with --seed 1 and compares the two JSONL
# event files (must be identical and non-empty), then once with --seed 2,
# which must merely succeed (a different seed may schedule differently).
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 CLONEMU BINARY" >&2
    exit 2
fi
clonemu=$1 bin=$2
name=$(basename "$bin")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # run SEED EVENTS-FILE
    timeout 60 "$clonemu" run --seed "$1" --events "$2" "$bin" < /dev/null > "$tmp/out.$1" 2> "$tmp/err"
    local st=$?
    if [ $st -ne 0 ]; then
        echo "$name: clonemu run --seed $1 failed with status $st" >&2
        tail -n 40 "$tmp/err" >&2
        exit 1
    fi
}

run 1 "$tmp/A.jsonl"
run 1 "$tmp/B.jsonl"
if [ ! -s "$tmp/A.jsonl" ]; then
    echo "$name: events file is empty or missing" >&2
    exit 1
fi
if ! cmp "$tmp/A.jsonl" "$tmp/B.jsonl"; then
    echo "$name: two runs with --seed 1 gave different events; first difference:" >&2
    diff "$tmp/A.jsonl" "$tmp/B.jsonl" | head -n 10 >&2
    exit 1
fi
run 2 "$tmp/C.jsonl"
echo "$name: deterministic ($(wc -l < "$tmp/A.jsonl") events with seed 1); seed 2 ok"
exit 0
