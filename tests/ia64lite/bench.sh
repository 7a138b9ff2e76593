#!/bin/sh
# bench.sh CLONEMU ALU-LOOP: times samples/ia64lite/alu-loop.S under clonemu
# and prints guest instructions per second (50,000,000 iterations x 9
# instructions; the loop has no nops). Goal (issue 6): >= 100 million.
set -eu
clonemu=$1 bin=$2
insns=$((50000000 * 9))
start=$(date +%s.%N)
"$clonemu" run "$bin"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$insns" 'BEGIN {
    t = e - s
    printf "ia64-lite ALU loop: %d guest instructions in %.3f s = %.1f million instructions/s\n", n, t, n / t / 1e6; print ""
}'
