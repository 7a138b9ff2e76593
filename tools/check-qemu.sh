#!/usr/bin/env bash
# check-qemu.sh [BUILD_DIR] - run the aarch64 samples under qemu-aarch64(-static)
# and compare with tests/func/expected/ (recorded from the real x86-64 kernel
# by record-native.sh). A sanity check of the samples' portability, not a
# test of clonemu: qemu-user emulates some clone/vfork details differently,
# so differences are REPORTED, and the exit status is 0 unless --strict.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
strict=0
if [ "${1:-}" = --strict ]; then strict=1; shift; fi
qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
[ -n "$qemu" ] || { echo "check-qemu.sh: no qemu-aarch64 found" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $# -ge 1 ]; then
    build=$(cd "$1" && pwd)
else
    build=$tmp/build
    cmake -S "$root/samples" -B "$build" > /dev/null && cmake --build "$build" --target samples > /dev/null
fi

pass=0 differ=0
for src in "$root"/samples/*.c; do
    name=$(basename "$src" .c)
    args=()
    if [ -f "$root/tests/func/args/$name.args" ]; then
        read -r -a args < "$root/tests/func/args/$name.args" || true
    fi
    (cd "$tmp" && timeout 60 "$qemu" "$build/samples/aarch64/$name" "${args[@]}" \
        < /dev/null > "$tmp/out" 2> "$tmp/err")
    st=$?
    want=$(cat "$root/tests/func/expected/$name.status")
    if cmp -s "$tmp/out" "$root/tests/func/expected/$name.out" && [ "$st" = "$want" ]; then
        printf '%-22s same as the kernel\n' "$name"
        pass=$((pass + 1))
    else
        printf '%-22s DIFFERS (status %s, kernel %s)\n' "$name" "$st" "$want"
        diff -u --label kernel --label qemu "$root/tests/func/expected/$name.out" "$tmp/out" | sed 's/^/    /'
        sed 's/^/    stderr: /' "$tmp/err" | head -n 5
        differ=$((differ + 1))
    fi
done
echo "qemu-aarch64: $pass same, $differ different"
[ "$strict" -eq 1 ] && [ "$differ" -ne 0 ] && exit 1
exit 0
