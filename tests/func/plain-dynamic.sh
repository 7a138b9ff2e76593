#!/usr/bin/env bash
# plain-dynamic.sh CLONEMU DIR NAME EXPECTED.out EXPECTED.status
#
# Issue 11 "must show" 2: a dynamically linked pthreads program of another
# arch runs with nothing but `clonemu run ./NAME` from its directory (no
# --sysroot, no QEMU_LD_PREFIX): clonemu finds its ld.so and libc in
# Debian's cross libc directory. Output and status as the real kernel's.
# Also: with an empty --sysroot (and no such interpreter on the host) the
# error names the interpreter path it looked for and the --sysroot option.
set -u
if [ $# -ne 5 ]; then
    echo "usage: $0 CLONEMU DIR NAME EXPECTED.out EXPECTED.status" >&2
    exit 2
fi
clonemu=$(realpath "$1") dir=$2 name=$3 exp_out=$4 exp_status=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir" || exit 2
interp=$(readelf -l "./$name" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ -n "$interp" ] || { echo "$name: not dynamically linked" >&2; exit 1; }
ok=1
env -u QEMU_LD_PREFIX timeout 60 "$clonemu" run "./$name" < /dev/null > "$tmp/out" 2> "$tmp/err"
status=$?
if [ "$status" -ne "$(tr -d ' \n' < "$exp_status")" ] || ! cmp -s "$tmp/out" "$exp_out"; then
    echo "clonemu run ./$name: status $status, output:" >&2
    diff "$exp_out" "$tmp/out" | head -10 >&2
    cat "$tmp/err" >&2
    ok=0
fi
if [ ! -e "$interp" ]; then
    mkdir "$tmp/empty"
    env -u QEMU_LD_PREFIX "$clonemu" run --sysroot="$tmp/empty" "./$name" > /dev/null 2> "$tmp/err2"
    status=$?
    for want in "$tmp/empty$interp" "--sysroot=DIR" "interpreter $interp was not found"; do
        if ! grep -qF -- "$want" "$tmp/err2"; then
            echo "missing interpreter: the message lacks '$want':" >&2
            cat "$tmp/err2" >&2
            ok=0
        fi
    done
    [ "$status" -eq 127 ] || { echo "missing interpreter: status $status, want 127" >&2; ok=0; }
fi
[ $ok = 1 ] && echo "ok: clonemu run ./$name (interpreter $interp)"
[ $ok = 1 ]
