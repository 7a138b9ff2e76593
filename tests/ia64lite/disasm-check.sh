#!/bin/sh
# disasm-check.sh IA64_DIS SRC.S|gen:N:SEED WORKDIR: assembles the source
# (or gen_random.py's N instructions with SEED) with ia64-linux-gnu-as and
# compares ia64-lite's disassembly of every slot with
# `ia64-linux-gnu-objdump -d` (the " <symbol>" annotations removed).
# Prints the number of slots compared; exit 1 on any difference.
set -eu
dis=$1 src=$2 work=$3
here=$(dirname "$0")
mkdir -p "$work"
case $src in
gen:*)
    n=$(echo "$src" | cut -d: -f2) seed=$(echo "$src" | cut -d: -f3)
    python3 "$here/gen_random.py" "$n" "$seed" > "$work/in.S" ;;
*) cp "$src" "$work/in.S" ;;
esac
ia64-linux-gnu-as -o "$work/in.o" "$work/in.S" 2> "$work/as.err" || { cat "$work/as.err"; exit 1; }
ia64-linux-gnu-objcopy -O binary -j .text "$work/in.o" "$work/in.bin"
ia64-linux-gnu-objdump -d "$work/in.o" | awk -F'\t' '
    /^ *[0-9a-f]+:\t/ {
        if (NF < 3) next
        t = $3
        sub(/^ +/, "", t); sub(/ <[^>]*>/, "", t)
        if (t ~ /^\[...\]/) { tmpl = substr(t, 1, 5); t = substr(t, 6); sub(/^ +/, "", t); t = tmpl " " t }
        if (t != "") print t
    }' > "$work/objdump.txt"
"$dis" "$work/in.bin" 0 > "$work/ours.txt"
if ! diff -u "$work/objdump.txt" "$work/ours.txt" > "$work/diff.txt"; then
    head -40 "$work/diff.txt"
    echo "MISMATCH: $(grep -c '^-[^-]' "$work/diff.txt") of $(wc -l < "$work/objdump.txt") slots differ"
    exit 1
fi
echo "ok: $(wc -l < "$work/objdump.txt") slots agree with objdump"
