#!/usr/bin/env bash
# same-tree.sh CLONEMU STATIC DYNAMIC
#
# Issue 11 "must show" 3: the static and the dynamically linked build of a
# sample give the same task tree, so loading ld.so and libc adds no task.
# Both run with --events; compared, as sorted sets (the order of exits
# depends on timing, which the loader's extra work shifts):
#   - task_new, clone and reap events: the tasks, their parents, clone
#     flags, exit signals and which resources are shared or copied (resource
#     ids dropped: they count objects, not relations);
#   - exit events: which task exited with which code;
# and the viewer's graph (clonemu viz --dot) at the moment after the last
# clone: processes, threads, shared resources (a thread's state and masks
# at that moment depend on timing and are dropped).
# Exit status and stdout of the two runs must match as well.
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 CLONEMU STATIC DYNAMIC" >&2
    exit 2
fi
clonemu=$1 st=$2 dy=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok=1

if ! readelf -l "$dy" | grep -q 'Requesting program interpreter'; then
    echo "$dy: not dynamically linked" >&2
    exit 1
fi
for v in st dy; do
    timeout 60 "$clonemu" run --events="$tmp/$v.jsonl" "${!v}" < /dev/null > "$tmp/$v.out" 2> "$tmp/$v.err"
    echo $? > "$tmp/$v.status"
    # the tree: who made whom with which flags, who exited how
    grep -E '"kind":"(task_new|clone|reap)"' "$tmp/$v.jsonl" |
        sed -E 's/^\{"seq":[0-9]+,"t_ns":[0-9]+,//; s/#[0-9]+//g; s/"(mm|files|fs|sighand)":[0-9]+,?//g' |
        sort > "$tmp/$v.tree"
    grep -E '"kind":"exit"' "$tmp/$v.jsonl" |
        sed -E 's/^\{"seq":[0-9]+,"t_ns":[0-9]+,//; s/,"threads_left":[0-9]+//' | sort >> "$tmp/$v.tree"
done
for part in status out tree; do
    if ! cmp -s "$tmp/st.$part" "$tmp/dy.$part"; then
        echo "static and dynamic differ in $part:" >&2
        diff "$tmp/st.$part" "$tmp/dy.$part" | head -20 >&2
        ok=0
    fi
done
[ -s "$tmp/st.tree" ] || { echo "no task events" >&2; ok=0; }

# the viewer, at the moment after the last clone (if there is one)
if "$clonemu" viz --help > /dev/null 2>&1; then
    for v in st dy; do
        seq=$(grep '"kind":"clone"' "$tmp/$v.jsonl" | tail -1 | sed -E 's/^\{"seq":([0-9]+).*/\1/')
        [ -n "$seq" ] || seq=0
        "$clonemu" viz --at="$seq" --dot="$tmp/$v.dot" "$tmp/$v.jsonl" 2>> "$tmp/$v.err"
        grep -v '^  label="event' "$tmp/$v.dot" |
            sed -E 's/^( *(t[0-9]+ \[)?label="[^\\"]*)\\n[^"]*"/\1"/; s/_[0-9]+( |\])/_N\1/g; s/#[0-9]+/#N/g' \
                > "$tmp/$v.graph"
    done
    if ! cmp -s "$tmp/st.graph" "$tmp/dy.graph"; then
        echo "the viewer's graphs differ:" >&2
        diff "$tmp/st.graph" "$tmp/dy.graph" | head -20 >&2
        ok=0
    fi
fi
if [ $ok = 1 ]; then
    echo "same task tree: $(grep -c '"kind":"clone"' "$tmp/st.jsonl") clone(s), $(grep -c '"kind":"exit"' "$tmp/st.jsonl") exit(s)"
    exit 0
fi
exit 1
