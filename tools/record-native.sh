#!/usr/bin/env bash
# record-native.sh [BUILD_DIR] - record the expected output of every sample.
#
# THE EXPECTED FILES COME FROM THE REAL KERNEL, NEVER FROM CLONEMU.
# This script runs each x86-64 guest sample natively on the host (which must
# be x86-64 Linux; run as root, because clone_man_example needs CLONE_NEWUTS)
# and writes
#     tests/func/expected/<name>.out     its stdout (redirected to a file)
#     tests/func/expected/<name>.status  its exit status
# which the functional tests then demand from `clonemu run`. Never copy
# clonemu's output into these files: a test that agrees with the emulator
# by construction checks nothing.
#
# Each sample runs RUNS times (default 5), alternately pinned to one CPU and
# free on all CPUs, to shake the scheduling; if any two runs differ the
# sample is non-deterministic (a bad sample: fix it), nothing is written for
# it and the script fails.
#
# Arguments for a sample: one line in tests/func/args/<name>.args.
# BUILD_DIR: a configured clonemu build tree; its `samples` target is built
# and BUILD_DIR/samples/x86_64/ used. Without it the samples are built
# stand-alone (cmake -S samples) in a temporary directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
expected=$root/tests/func/expected
argsdir=$root/tests/func/args
runs=${RUNS:-5}

if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
    echo "record-native.sh: must run on an x86-64 Linux host" >&2
    exit 2
fi
[ "$(id -u)" -eq 0 ] || echo "record-native.sh: warning: not root; namespace samples will fail" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $# -ge 1 ]; then
    build=$(cd "$1" && pwd)
    cmake --build "$build" --target samples >&2
else
    build=$tmp/build
    cmake -S "$root/samples" -B "$build" > /dev/null
    cmake --build "$build" --target samples >&2
fi
bindir=$build/samples/x86_64

pin=()
if command -v taskset > /dev/null; then pin=(taskset -c 0); fi

mkdir -p "$expected"
bad=0
for src in "$root"/samples/*.c; do
    name=$(basename "$src" .c)
    bin=$bindir/$name
    [ -x "$bin" ] || { echo "$name: no binary at $bin" >&2; bad=1; continue; }
    args=()
    if [ -f "$argsdir/$name.args" ]; then read -r -a args < "$argsdir/$name.args" || true; fi

    for i in $(seq 1 "$runs"); do
        cmd=("$bin" "${args[@]}")
        if [ $((i % 2)) -eq 0 ] && [ ${#pin[@]} -gt 0 ]; then cmd=("${pin[@]}" "${cmd[@]}"); fi
        set +e
        (cd "$tmp" && timeout 60 "${cmd[@]}" < /dev/null > "$tmp/out.$i" 2> "$tmp/err.$i")
        echo $? > "$tmp/status.$i"
        set -e
        if [ -s "$tmp/err.$i" ]; then
            echo "$name: run $i wrote to stderr:" >&2
            cat "$tmp/err.$i" >&2
        fi
    done

    same=1
    for i in $(seq 2 "$runs"); do
        if ! cmp -s "$tmp/out.1" "$tmp/out.$i" || ! cmp -s "$tmp/status.1" "$tmp/status.$i"; then
            echo "$name: NON-DETERMINISTIC: run $i differs from run 1" >&2
            diff -u "$tmp/out.1" "$tmp/out.$i" >&2 || true
            echo "status: $(cat "$tmp/status.1") vs $(cat "$tmp/status.$i")" >&2
            same=0
        fi
    done
    if [ "$same" -ne 1 ]; then bad=1; continue; fi

    cp "$tmp/out.1" "$expected/$name.out"
    cp "$tmp/status.1" "$expected/$name.status"
    printf '%-22s status %s, %s lines, %d identical runs\n' "$name" "$(cat "$tmp/status.1")" \
        "$(wc -l < "$tmp/out.1")" "$runs"
done

# Variants (samples/variants.txt: NAME BASE FLAG...) have no files of their
# own; on the real kernel they must print exactly what BASE printed.
if [ -f "$root/samples/variants.txt" ]; then
    while read -r vname vbase _; do
        case "$vname" in '' | '#'*) continue ;; esac
        bin=$bindir/$vname
        [ -x "$bin" ] || { echo "$vname: no binary at $bin" >&2; bad=1; continue; }
        [ -f "$expected/$vbase.out" ] || { echo "$vname: no expected $vbase.out" >&2; bad=1; continue; }
        args=()
        if [ -f "$argsdir/$vbase.args" ]; then read -r -a args < "$argsdir/$vbase.args" || true; fi
        set +e
        (cd "$tmp" && timeout 60 "$bin" "${args[@]}" < /dev/null > "$tmp/vout" 2> "$tmp/verr")
        echo $? > "$tmp/vstatus"
        set -e
        if cmp -s "$tmp/vout" "$expected/$vbase.out" && cmp -s "$tmp/vstatus" "$expected/$vbase.status"; then
            printf '%-22s variant of %s: same output natively\n' "$vname" "$vbase"
        else
            echo "$vname: variant of $vbase prints something else natively:" >&2
            diff -u "$expected/$vbase.out" "$tmp/vout" >&2 || true
            echo "status: $(cat "$expected/$vbase.status") vs $(cat "$tmp/vstatus")" >&2
            bad=1
        fi
    done < "$root/samples/variants.txt"
fi

for f in "$expected"/*.out; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .out)
    [ -f "$root/samples/$n.c" ] || echo "stale: $f has no samples/$n.c" >&2
done

if [ "$bad" -ne 0 ]; then
    echo "record-native.sh: FAILED (see above); fix the samples, do not commit" >&2
    exit 1
fi
echo "expected files written to ${expected#"$root"/}"
