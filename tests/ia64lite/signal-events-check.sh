#!/bin/sh
# signal-events-check.sh CLONEMU IA64-SIG-GROUP X86_64-SIG-GROUP-DELIVERY:
# the ia64-lite signal sample's events look like the other arches': every
# signal-related kind (signal_generate, signal_target, signal_deliver,
# sigreturn, sigstate, syscall_restart) it produces is one the x86-64 C
# sample produces too, with the same set of fields; the handler runs and
# returns (sigreturn ok=1) once per delivery.
set -eu
clonemu=$1 ia64=$2 x86=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$clonemu" run --events="$tmp/ia64.jsonl" "$ia64" > /dev/null
"$clonemu" run --events="$tmp/x86.jsonl" "$x86" > /dev/null 2>&1 || true
shapes() { # FILE KIND -> one line per distinct field-name set of KIND's events
    grep "\"kind\":\"$2\"" "$1" | sed 's/"\([a-z_0-9]*\)":/\n\1=\n/g' |
        awk '/^[a-z_0-9]*=$/ { f = f " " $0 } /^\{/ { if (f != "") print f; f = "" } END { if (f != "") print f }' |
        sort -u
}
n=0
for k in signal_generate signal_target signal_deliver sigreturn sigstate syscall_restart; do
    grep -q "\"kind\":\"$k\"" "$tmp/ia64.jsonl" || { echo "ia64: no $k event"; exit 1; }
    shapes "$tmp/ia64.jsonl" $k > "$tmp/a"
    shapes "$tmp/x86.jsonl" $k > "$tmp/b"
    if [ -n "$(comm -23 "$tmp/a" "$tmp/b")" ]; then
        echo "$k: ia64 fields [$(cat "$tmp/a")] not among x86_64's [$(cat "$tmp/b")]"
        exit 1
    fi
    n=$((n + 1))
done
d=$(grep -c '"kind":"signal_deliver"' "$tmp/ia64.jsonl")
r=$(grep -c '"kind":"sigreturn".*"ok":1' "$tmp/ia64.jsonl")
[ "$d" = 3 ] && [ "$r" = 3 ] || { echo "deliveries $d, good sigreturns $r (want 3 and 3)"; exit 1; }
grep '"kind":"signal_deliver"' "$tmp/ia64.jsonl" | grep -q '"arch":"ia64"' || { echo "no arch"; exit 1; }
echo "ok: $n signal event kinds with x86-64's fields; 3 deliveries, 3 sigreturns"
